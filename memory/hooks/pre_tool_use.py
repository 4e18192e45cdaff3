"""PreToolUse: narrow a Read of a large code file to its signatures; before an edit or a command, add the
learnings anchored to it."""

from __future__ import annotations

from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EDIT_TOOLS = ("Edit", "MultiEdit", "Write")


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Read: allow + updatedInput + signatures for a large code file. Edit/MultiEdit/Write/Bash: the anchored
    learnings as context (the call runs as it would have: no permission decision). None: nothing to say."""
    tool = ctx.payload["tool_name"]
    if tool == "Read":
        if not ctx.config.feature_enabled("signatures"):
            return None
        from memory import signatures

        return signatures.pre_read(ctx)
    if tool not in (*EDIT_TOOLS, "Bash") or not ctx.config.feature_enabled("recall") \
            or not ctx.config.get("recall", "at_action"):
        return None
    text = _action_context(ctx, tool, ctx.payload["tool_input"])
    if not text:
        return None
    from memory.hooks.output import additional_context

    return additional_context("PreToolUse", text)


def _action_context(ctx: HookContext, tool: str, tool_input: dict[str, Any]) -> str | None:
    from memory.learning import at_action

    include_global = bool(ctx.config.get("recall", "global_preferences"))
    if tool == "Bash":
        command = tool_input.get("command")
        if not isinstance(command, str) or not command.strip():
            return None
        return at_action.for_command(ctx.db, project_id=ctx.project_id, session_id=ctx.session_id,
                                     command=command, include_global=include_global)
    path = tool_input.get("file_path")
    if not isinstance(path, str) or not path:
        return None
    import os

    return at_action.for_edit(ctx.db, project_id=ctx.project_id, root=ctx.project.root,
                              session_id=ctx.session_id, tool=tool,
                              path=os.path.normpath(os.path.join(ctx.cwd, path)),
                              texts=edited_texts(tool_input), include_global=include_global)


def edited_texts(tool_input: dict[str, Any]) -> list[str]:
    """The text an edit changes: old and new strings of Edit and of each MultiEdit edit, Write's content."""
    texts = [tool_input.get(k) for k in ("old_string", "new_string", "content")]
    for edit in tool_input.get("edits") or []:
        if isinstance(edit, dict):
            texts += [edit.get("old_string"), edit.get("new_string")]
    return [t for t in texts if isinstance(t, str)]
