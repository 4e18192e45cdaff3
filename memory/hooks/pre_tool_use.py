"""PreToolUse (Read): narrow the read of a large code file to its head and give its signatures."""

from __future__ import annotations

from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Answer allow + updatedInput + signatures for a large code file; None lets the read pass untouched."""
    if ctx.payload["tool_name"] != "Read" or not ctx.config.feature_enabled("signatures"):
        return None
    from memory import signatures
    from memory.hooks import inflight

    inflight.wait_idle(inflight.WAIT_BEFORE_READ_S)  # an async PostToolUse may still be recording an edit
    return signatures.pre_read(ctx)
