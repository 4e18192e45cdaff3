"""SessionStart: restore the handoff, recall learnings, keep dependencies and the worker moving."""

from __future__ import annotations

from memory import bootstrap
from memory.hooks import wire
from memory.hooks.runtime import HookContext
from memory.store.core import prune_hook_runs, upsert_session

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Inject "Continuing: …" and relevant learnings; start the bootstrap or the worker when needed."""
    bootstrap.start_if_needed()
    payload = ctx.payload
    upsert_session(ctx.db, ctx.session_id, ctx.project_id, cwd=payload.get("cwd"),
                   transcript_path=payload.get("transcript_path"), source=payload.get("source"))
    prune_hook_runs(ctx.db, ctx.settings.general.hook_runs_keep_days)
    parts = []
    if ctx.settings.feature_enabled("continuity"):
        from memory.continuity import restore

        parts.append(restore.session_start_context(ctx.db, ctx.settings.continuity, session_id=ctx.session_id,
                                                   project_id=ctx.project_id, project_root=ctx.project.root,
                                                   source=payload.get("source")))
    if ctx.settings.feature_enabled("recall"):
        from memory import recall

        parts.append(recall.session_start_context(ctx.db, ctx.settings, project_id=ctx.project_id,
                                                  session_id=ctx.session_id, project_root=ctx.project.root))
    if ctx.settings.feature_enabled("learning"):
        from memory import worker
        from memory.learning import staleness

        staleness.baseline_new(ctx.db, ctx.project_id, ctx.project.root)
        worker.start_if_pending(ctx.db)
    if ctx.settings.feature_enabled("recall") and ctx.settings.recall.at_action:
        from memory.learning import anchor_index

        anchor_index.refresh(ctx.db)
    return wire.additional_context("SessionStart", "\n\n".join(part for part in parts if part))
