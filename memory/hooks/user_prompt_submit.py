"""UserPromptSubmit: recall learnings relevant to the prompt that were not shown yet this session; a new request
begins, so later Reads no longer count against the session's narrowed Reads."""

from __future__ import annotations

from memory.hooks import wire
from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Inject "Previous learning: …" lines within the per-prompt token budget."""
    if ctx.settings.feature_enabled("signatures"):
        from memory.store.signatures import end_turn  # the turn's narrowed Reads stop counting follow-ups

        end_turn(ctx.db, ctx.session_id)
    if not ctx.settings.feature_enabled("recall"):
        return None
    from memory import recall

    text = recall.prompt_context(ctx.db, ctx.settings, project_id=ctx.project_id, session_id=ctx.session_id,
                                 prompt=ctx.payload.get("prompt") or "")
    return wire.additional_context("UserPromptSubmit", text or "")
