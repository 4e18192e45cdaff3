"""PostToolUse and PostToolUseFailure: track the action, account for follow-up reads of summarized files,
and check the anchors of learnings tied to a file that was read, changed or deleted.

Claude Code 2.1.197 reports a failed tool call (a Bash command exiting non-zero) as PostToolUseFailure with an
``error`` text and no ``tool_response``; both events come here and ``ctx.event`` tells them apart.
"""

from __future__ import annotations

from memory.hooks import wire
from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Record the tool call; answers nothing (tracking never speaks to the model)."""
    payload = ctx.payload
    tool, tool_input = payload["tool_name"], payload["tool_input"]
    failed = ctx.event == "PostToolUseFailure"
    tool_use_id = wire.text_field(payload, "tool_use_id")
    signatures = ctx.settings.feature_enabled("signatures")
    if ctx.settings.feature_enabled("continuity"):
        from memory.continuity import tracking

        if tracking.tracks(tool):
            tracking.record(ctx.db, ctx.settings.continuity, session_id=ctx.session_id, project_id=ctx.project_id,
                            project_root=ctx.project.root, tool=tool, tool_input=tool_input,
                            response=payload.get("tool_response"), error=wire.text_field(payload, "error"),
                            failed=failed, tool_use_id=tool_use_id, cwd=payload.get("cwd"),
                            transcript_path=payload.get("transcript_path"))
    elif signatures and tool in wire.EDIT_TOOLS:  # an edit is stored once, as an event: the pre-read reads it there
        from memory.continuity.events import event_from_call
        from memory.store import events

        event = event_from_call(tool, tool_input, payload.get("tool_response"), ctx.project.root,
                                error=wire.text_field(payload, "error"), failed=failed)
        events.insert(ctx.db, ctx.session_id, ctx.project_id, event, tool_use_id, payload.get("cwd"),
                      payload.get("transcript_path"))
    if signatures:
        path = wire.file_path(tool_input)
        if path and tool == wire.READ and not failed:  # a failed Read delivered nothing
            from memory.signatures import accounting

            accounting.record_read(ctx.db, ctx.session_id, accounting.absolute(path, ctx.cwd), tool_input,
                                   payload.get("tool_response"), tool_use_id, ctx.project.root)
    if ctx.settings.feature_enabled("learning"):
        _check_anchors(ctx, tool, tool_input)
    if ctx.settings.feature_enabled("recall") and ctx.settings.recall.at_action:
        from memory.learning import anchor_index

        anchor_index.refresh(ctx.db)  # a learning stored since (by the worker) reaches the next PreToolUse
    return None


def _check_anchors(ctx: HookContext, tool: str, tool_input: dict[str, Any]) -> None:
    """Compare the anchors of learnings tied to the file this call read, changed or deleted with what they
    pointed at (``memory.learning.staleness``)."""
    import os

    if tool == wire.READ or tool in wire.EDIT_TOOLS:
        path = wire.file_path(tool_input)
        paths = [os.path.normpath(os.path.join(ctx.cwd, path))] if path else []
    elif tool == wire.BASH and wire.command(tool_input):
        from memory.learning.staleness import deleted_paths

        paths = [p for p in deleted_paths(wire.command(tool_input) or "", ctx.cwd) if not os.path.exists(p)]
    else:
        return
    if not paths:
        return
    from memory.learning import staleness

    for path in paths:
        staleness.observe(ctx.db, project_id=ctx.project_id, root=ctx.project.root, path=path)
