"""PostToolUse and PostToolUseFailure: track the action, account for follow-up reads of summarized files,
and check the anchors of learnings tied to a file that was read, changed or deleted.

Claude Code 2.1.197 reports a failed tool call (a Bash command exiting non-zero) as PostToolUseFailure with an
``error`` text and no ``tool_response``; both events come here and ``ctx.event`` tells them apart.
"""

from __future__ import annotations

from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FILE_TOOLS = ("Read", "Edit", "MultiEdit", "Write", "NotebookEdit")


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Record the tool call; answers nothing (tracking never speaks to the model)."""
    if ctx.config.feature_enabled("continuity"):
        from memory.continuity import tracking

        tracking.record(ctx)
    if ctx.config.feature_enabled("signatures"):
        from memory import signatures

        signatures.record_tool_use(ctx)
    if ctx.config.feature_enabled("learning"):
        check_anchors(ctx)
    return None


def check_anchors(ctx: HookContext) -> None:
    """Compare the anchors of learnings tied to the file this call read, changed or deleted with what they
    pointed at (``memory.learning.staleness``)."""
    import os

    tool, tool_input = ctx.payload["tool_name"], ctx.payload["tool_input"]
    if tool in FILE_TOOLS:
        path = tool_input.get("file_path") or tool_input.get("notebook_path")
        paths = [os.path.normpath(os.path.join(ctx.cwd, path))] if isinstance(path, str) and path else []
    elif tool == "Bash" and isinstance(tool_input.get("command"), str):
        from memory.learning.staleness import deleted_paths

        paths = [p for p in deleted_paths(tool_input["command"], ctx.cwd) if not os.path.exists(p)]
    else:
        return
    if not paths:
        return
    from memory.learning import staleness

    for path in paths:
        staleness.observe(ctx.db, project_id=ctx.project_id, root=ctx.project.root, path=path)
