"""Claude Code hook handlers: one module per event, all run through ``runtime.main``.

Each handler module exposes ``handle(ctx: HookContext) -> dict | None``: the JSON answer for Claude Code, or
None to say nothing. Handlers may raise; the runtime turns any failure into a logged, silent exit 0.
"""
