"""PreToolUse: narrow a Read of a large code file to its head and give its signatures; before an edit or a
shell command, add the learnings anchored to what it changes or runs."""

from __future__ import annotations

from memory.hooks import wire
from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Read: allow + updatedInput + signatures for a large code file. Edit/MultiEdit/Write/NotebookEdit/Bash:
    the anchored learnings as context, with no permission decision (the call runs as it would have).
    None: nothing to say."""
    tool = ctx.payload["tool_name"]
    if tool == wire.READ:
        return _narrow_read(ctx)
    if tool not in wire.EDIT_TOOLS and tool != wire.BASH:
        return None
    if not ctx.settings.feature_enabled("recall") or not ctx.settings.recall.at_action:
        return None
    return wire.additional_context("PreToolUse", _action_context(ctx, tool, ctx.payload["tool_input"]) or "")


def _narrow_read(ctx: HookContext) -> dict[str, Any] | None:
    """Answer allow + updatedInput + signatures for a large code file; None lets the read pass untouched."""
    if not ctx.settings.feature_enabled("signatures"):
        return None
    tool_input = ctx.payload["tool_input"]
    if wire.asks_for_range(tool_input):
        return None  # a Read that asked for a range is never rewritten (Claude Code's "file unchanged" rule)
    file_path = tool_input.get("file_path")
    if not isinstance(file_path, str) or not file_path:
        return None
    from memory.signatures import accounting, preread

    try:
        plan = preread.plan_read(ctx.db, ctx.settings.signatures, ctx.project.root,
                                 accounting.absolute(file_path, ctx.cwd),
                                 session_id=ctx.session_id, project_id=lambda: ctx.project_id,
                                 tool_use_id=wire.text_field(ctx.payload, "tool_use_id"))
    except preread.PassThrough:
        return None
    return wire.allow_read(tool_input, file_path, plan.head, plan.context)


def _action_context(ctx: HookContext, tool: str, tool_input: dict[str, Any]) -> str | None:
    """The learnings anchored to this edit or command, as context text (``memory.learning.at_action``).

    The anchor index is read first: when no learning is anchored to anything this call touches (most calls),
    the hook ends there, without opening the store or recording the run (which would cost more than the rest).
    """
    from memory.learning import anchor_index, at_action

    if tool == wire.BASH:
        command = wire.command(tool_input)
        if command is None:
            return None
        keys = anchor_index.command_keys(command)
    else:
        path = wire.file_path(tool_input)
        if path is None:
            return None
        import os

        path = os.path.normpath(os.path.join(ctx.cwd, path))
        texts = wire.edited_texts(tool_input)
        keys = anchor_index.edit_keys(*at_action.edit_subject(path, ctx.project.root, texts))
    if not keys:
        ctx.record_run = False
        return None
    index = anchor_index.load()
    if index is not None and not anchor_index.candidates(index, keys):
        ctx.record_run = False  # the index answered: nothing is anchored to this call
        return None
    if anchor_index.refresh(ctx.db):  # the file was missing or out of date: ask the fresh one
        index = anchor_index.load()
    only = anchor_index.candidates(index, keys) if index is not None else None
    if only is not None and not only:
        return None
    include_global = ctx.settings.recall.global_preferences
    if tool == wire.BASH:
        return at_action.for_command(ctx.db, project_id=ctx.project_id, session_id=ctx.session_id,
                                     command=command, include_global=include_global, only=only)
    return at_action.for_edit(ctx.db, project_id=ctx.project_id, root=ctx.project.root,
                              session_id=ctx.session_id, tool=tool, path=path, texts=texts,
                              include_global=include_global, only=only)
