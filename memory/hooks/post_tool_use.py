"""PostToolUse and PostToolUseFailure: track the action, account for follow-up reads of summarized files.

Claude Code 2.1.197 reports a failed tool call (a Bash command exiting non-zero) as PostToolUseFailure with an
``error`` text and no ``tool_response``; both events come here and ``ctx.event`` tells them apart. Both run
asynchronously where Claude Code supports it (see memory/hooks/inflight.py for what waits for them).
"""

from __future__ import annotations

from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Record the tool call; answers nothing (tracking never speaks to the model)."""
    from memory.hooks import inflight

    inflight.ensure_folder()
    if ctx.config.feature_enabled("continuity"):
        from memory.continuity import tracking

        tracking.record(ctx)
    if ctx.config.feature_enabled("signatures"):
        from memory import signatures

        signatures.record_tool_use(ctx)
    return None
