"""The JSON answers a hook can give Claude Code (see shared/claude-code-contract.md, "stdout")."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Claude Code replaces any hook output string over 10,000 characters with a file reference: stay under it.
MAX_CONTEXT_CHARS = 9500


def additional_context(event: str, text: str) -> dict[str, Any] | None:
    """Context for the model (SessionStart, UserPromptSubmit, PostToolUse); None when there is nothing to say."""
    if not text.strip():
        return None
    return {"hookSpecificOutput": {"hookEventName": event, "additionalContext": _fit(text)}}


def allow_read(updated_input: dict[str, Any], context: str) -> dict[str, Any]:
    """PreToolUse: let the tool run with ``updated_input`` (the whole input) and add ``context`` after its result."""
    return {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "allow",
            "updatedInput": updated_input,
            "additionalContext": _fit(context),
        }
    }


def _fit(text: str) -> str:
    if len(text) <= MAX_CONTEXT_CHARS:
        return text
    note = "\n[compound-memory: context cut to stay under Claude Code's 10,000-character limit]"
    return text[: MAX_CONTEXT_CHARS - len(note)] + note
