"""PreCompact: save the handoff, queue learning extraction."""

from __future__ import annotations

from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Build and store the handoff; enqueue extraction and start the worker detached."""
    if ctx.config.feature_enabled("continuity"):
        from memory.continuity import handoff
        from memory.hooks import inflight

        inflight.wait_idle(inflight.WAIT_BEFORE_HANDOFF_S)  # the last actions may still be recording (async)
        handoff.on_pre_compact(ctx)
    if ctx.config.feature_enabled("learning"):
        from memory import worker

        worker.extract_later(ctx, reason="pre_compact")
    return None
