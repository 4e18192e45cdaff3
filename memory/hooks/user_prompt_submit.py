"""UserPromptSubmit hook."""

from __future__ import annotations

from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Nothing to do yet: the feature modules fill this in."""
    return None
