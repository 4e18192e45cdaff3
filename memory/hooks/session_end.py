"""SessionEnd: close the session, queue learning extraction, return at once (Claude Code allows ~1.5 s)."""

from __future__ import annotations

from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Mark the session ended; enqueue extraction and start the worker detached."""
    if ctx.config.feature_enabled("continuity"):
        from memory.continuity import handoff
        from memory.hooks import inflight

        inflight.wait_idle(inflight.WAIT_AT_SESSION_END_S)  # the last actions may still be recording (async)
        handoff.on_session_end(ctx)
    if ctx.config.feature_enabled("learning"):
        from memory import worker

        worker.extract_later(ctx, reason="session_end")
    return None
