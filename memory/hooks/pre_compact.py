"""PreCompact: save the handoff, queue learning extraction."""

from __future__ import annotations

from memory.hooks import wire
from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Build and store the handoff; enqueue extraction and start the worker detached."""
    payload = ctx.payload
    transcript_path = wire.text_field(payload, "transcript_path")
    if ctx.settings.feature_enabled("continuity"):
        from memory.continuity import handoff

        handoff.on_pre_compact(ctx.db, ctx.settings.continuity, session_id=ctx.session_id, project_id=ctx.project_id,
                               project_root=ctx.project.root, trigger=payload.get("trigger"),
                               transcript_path=transcript_path, instructions=payload.get("custom_instructions"))
    if ctx.settings.feature_enabled("learning"):
        from memory import worker

        worker.extract_later(ctx.db, reason="pre_compact", session_id=ctx.session_id, project=ctx.project,
                             project_id=ctx.project_id, transcript_path=transcript_path, cwd=ctx.cwd)
    return None
