"""Claude Code's wire format, in one place (see claude-code-contract.md): the fields each hook payload carries,
the tool names, how to read a tool call out of a payload, and the JSON answers a hook can give.

Handlers in ``memory.hooks`` unpack payloads with these and call the features with plain arguments; features
never see a payload or an answer. The tool names are also the vocabulary of transcripts, so the bottom layer
(``memory.transcript``) and the features may import the *names* from here. Stdlib only, nothing else imported.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# --- tool names ----------------------------------------------------------------------------------------

READ = "Read"
BASH = "Bash"
TODO_WRITE = "TodoWrite"
# Every tool that changes a file: the one list (continuity's "modify" events, the transcript reader, the pre-read's
# "edited in this session" rule).
EDIT_TOOLS = frozenset({"Edit", "Write", "MultiEdit", "NotebookEdit"})
TASK_TOOLS = frozenset({"TaskCreate", "TaskUpdate"})

# --- payloads ------------------------------------------------------------------------------------------

# Fields each event needs, with their types. Optional fields are checked only when present.
COMMON_REQUIRED: dict[str, Any] = {"session_id": str}
COMMON_OPTIONAL: dict[str, Any] = {"cwd": str, "transcript_path": str, "hook_event_name": str, "permission_mode": str}
EVENT_FIELDS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "SessionStart": ({}, {"source": str}),
    "UserPromptSubmit": ({"prompt": str}, {}),
    "PreToolUse": ({"tool_name": str, "tool_input": dict}, {"tool_use_id": str}),
    "PostToolUse": ({"tool_name": str, "tool_input": dict}, {"tool_use_id": str}),
    "PostToolUseFailure": ({"tool_name": str, "tool_input": dict}, {"tool_use_id": str, "error": str}),
    "PreCompact": ({}, {"trigger": str, "custom_instructions": (str, type(None))}),
    "PostCompact": ({}, {"trigger": str, "compact_summary": (str, type(None))}),
    "SessionEnd": ({}, {"reason": str}),
}


def text_field(payload: dict[str, Any], name: str) -> str | None:
    """A string field of a (checked) payload, or None when absent or empty."""
    value = payload.get(name)
    return value if isinstance(value, str) and value else None


def file_path(tool_input: dict[str, Any]) -> str | None:
    """The file a Read/Edit/Write/MultiEdit/NotebookEdit call names (``file_path``, or ``notebook_path``)."""
    value = tool_input.get("file_path") or tool_input.get("notebook_path")
    return value if isinstance(value, str) and value else None


def command(tool_input: dict[str, Any]) -> str | None:
    """The shell command of a Bash call, or None when absent or blank."""
    value = tool_input.get("command")
    return value if isinstance(value, str) and value.strip() else None


def edited_texts(tool_input: dict[str, Any]) -> list[str]:
    """The text an edit call changes: Edit's old and new strings, each MultiEdit edit's, Write's content,
    NotebookEdit's new cell source."""
    texts = [tool_input.get(key) for key in ("old_string", "new_string", "content", "new_source")]
    edits = tool_input.get("edits")
    for edit in edits if isinstance(edits, list) else []:
        if isinstance(edit, dict):
            texts += [edit.get("old_string"), edit.get("new_string")]
    return [text for text in texts if isinstance(text, str)]


def asks_for_range(tool_input: dict[str, Any]) -> bool:
    """Whether a Read asked for part of the file (``offset`` or ``limit``) rather than all of it."""
    return "offset" in tool_input or "limit" in tool_input


# --- answers -------------------------------------------------------------------------------------------

# Claude Code replaces any hook output string over 10,000 characters with a file reference: every context we
# give stays under this one cap (the handoff block, the signatures' default, and any answer as a last resort).
MAX_CONTEXT_CHARS = 9000


def additional_context(event: str, text: str) -> dict[str, Any] | None:
    """Context for the model (SessionStart, UserPromptSubmit, PostToolUse, and PreToolUse without a permission
    decision: the context follows the tool's result); None when there is nothing to say."""
    if not text.strip():
        return None
    return {"hookSpecificOutput": {"hookEventName": event, "additionalContext": _fit(text)}}


def allow_read(tool_input: dict[str, Any], file_path: str, head: int, context: str) -> dict[str, Any]:
    """PreToolUse: let the Read run on lines 1-``head`` of ``file_path`` only, and add ``context`` after its result."""
    return {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "allow",
            "updatedInput": {**tool_input, "file_path": file_path, "offset": 1, "limit": head},
            "additionalContext": _fit(context),
        }
    }


def _fit(text: str) -> str:
    if len(text) <= MAX_CONTEXT_CHARS:
        return text
    note = "\n[compound-memory: context cut to stay under Claude Code's 10,000-character limit]"
    return text[: MAX_CONTEXT_CHARS - len(note)] + note
