"""memory.hooks.wire in-process: reading a tool call out of a payload, and the answers a hook gives."""

from __future__ import annotations

from memory.hooks import wire


def test_tool_calls_are_read_out_of_their_inputs() -> None:
    assert wire.file_path({"file_path": "/p/a.py"}) == "/p/a.py"
    assert wire.file_path({"notebook_path": "/p/n.ipynb"}) == "/p/n.ipynb"
    assert wire.file_path({"file_path": ""}) is None and wire.file_path({"file_path": 3}) is None
    assert wire.command({"command": "make test"}) == "make test"
    assert wire.command({"command": "   "}) is None
    assert wire.edited_texts({"edits": [{"old_string": "a", "new_string": "b"}, "junk"], "content": None}) == ["a", "b"]
    assert wire.edited_texts({"old_string": "x", "new_string": "y"}) == ["x", "y"]
    assert wire.asks_for_range({"file_path": "/a", "limit": 10}) and not wire.asks_for_range({"file_path": "/a"})
    assert wire.text_field({"prompt": ""}, "prompt") is None and wire.text_field({"prompt": "hi"}, "prompt") == "hi"


def test_the_edit_tools_are_the_ones_that_change_files() -> None:
    assert {"Edit", "Write", "MultiEdit", "NotebookEdit"} == wire.EDIT_TOOLS
    assert wire.READ not in wire.EDIT_TOOLS and wire.BASH not in wire.EDIT_TOOLS


def test_answers_say_nothing_when_empty_and_stay_under_claude_codes_limit() -> None:
    assert wire.additional_context("SessionStart", "  \n") is None
    answer = wire.additional_context("UserPromptSubmit", "x" * 20_000)
    context = answer["hookSpecificOutput"]["additionalContext"]
    assert answer["hookSpecificOutput"]["hookEventName"] == "UserPromptSubmit"
    assert len(context) <= wire.MAX_CONTEXT_CHARS < 10_000 and context.endswith("10,000-character limit]")


def test_allow_read_narrows_the_read_and_keeps_the_other_inputs() -> None:
    out = wire.allow_read({"file_path": "rel.py", "extra": 1}, "/abs/rel.py", 40, "outline")["hookSpecificOutput"]
    assert out["permissionDecision"] == "allow" and out["additionalContext"] == "outline"
    assert out["updatedInput"] == {"file_path": "/abs/rel.py", "extra": 1, "offset": 1, "limit": 40}
