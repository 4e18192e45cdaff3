"""PreToolUse (Read): narrow the read of a large code file to its head and give its signatures."""

from __future__ import annotations

from memory.hooks import wire
from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Answer allow + updatedInput + signatures for a large code file; None lets the read pass untouched."""
    if ctx.payload["tool_name"] != wire.READ or not ctx.config.feature_enabled("signatures"):
        return None
    tool_input = ctx.payload["tool_input"]
    if wire.asks_for_range(tool_input):
        return None  # a Read that asked for a range is never rewritten (Claude Code's "file unchanged" rule)
    file_path = tool_input.get("file_path")
    if not isinstance(file_path, str) or not file_path:
        return None
    from memory.hooks import inflight
    from memory.signatures import accounting, preread

    inflight.wait_idle(inflight.WAIT_BEFORE_READ_S)  # an async PostToolUse may still be recording an edit
    try:
        plan = preread.plan_read(ctx.db, ctx.config, ctx.project.root, accounting.absolute(file_path, ctx.cwd),
                                 session_id=ctx.session_id, project_id=lambda: ctx.project_id,
                                 tool_use_id=wire.text_field(ctx.payload, "tool_use_id"))
    except preread.PassThrough:
        return None
    return wire.allow_read(tool_input, file_path, plan.head, plan.context)
