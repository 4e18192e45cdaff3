"""UserPromptSubmit: recall learnings relevant to the prompt that were not shown yet this session."""

from __future__ import annotations

from memory.hooks.wire import additional_context
from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Inject "Previous learning: …" lines within the per-prompt token budget."""
    if not ctx.config.feature_enabled("recall"):
        return None
    from memory import recall

    return additional_context("UserPromptSubmit", recall.prompt_context(ctx) or "")
