"""Claude Code hook handlers: one module per event, all run through ``runtime.main``.

Each handler module exposes ``handle(ctx: HookContext) -> dict | None``: it unpacks the payload (with
``wire``), calls the features with plain arguments, and renders their result as Claude Code's JSON answer
(``wire``), or None to say nothing. Handlers may raise; the runtime turns any failure into a logged, silent
exit 0. Nothing outside this package sees a ``HookContext``.
"""
