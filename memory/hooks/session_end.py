"""SessionEnd: close the session, queue learning extraction, return at once (Claude Code allows ~1.5 s)."""

from __future__ import annotations

from memory.hooks import wire
from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Mark the session ended; enqueue extraction and start the worker detached."""
    transcript_path = wire.text_field(ctx.payload, "transcript_path")
    if ctx.settings.feature_enabled("continuity"):
        from memory.continuity import handoff

        handoff.on_session_end(ctx.db, ctx.settings.continuity, session_id=ctx.session_id, project_id=ctx.project_id,
                               project_root=ctx.project.root, reason=ctx.payload.get("reason"),
                               transcript_path=transcript_path)
    if ctx.settings.feature_enabled("learning"):
        from memory import worker

        worker.extract_later(ctx.db, reason="session_end", session_id=ctx.session_id, project=ctx.project,
                             project_id=ctx.project_id, transcript_path=transcript_path, cwd=ctx.cwd)
    return None
