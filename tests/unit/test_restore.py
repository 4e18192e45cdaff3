"""memory.continuity.restore and memory.continuity.handoff in-process: a handoff built from a session's tracked
calls and its transcript, and what the next SessionStart gives from it, on a real store (the hook-process view
is tests/continuity/test_restore.py and test_handoff.py)."""

from __future__ import annotations

import json
from pathlib import Path

from memory.continuity import handoff, inspection, restore, tracking
from memory.store import core, handoffs
from tests.support.store import StoreFixture, open_store

TASK = "Add rate limiting to the API"


def _work(s: StoreFixture, project_dir: Path, session_id: str = "old") -> dict[str, object]:
    """A session that edited api.py, then ran a failing test; its transcript holds the user's request."""
    transcript = project_dir / f"{session_id}.jsonl"
    transcript.write_text(json.dumps({"type": "user", "message": {"role": "user", "content": TASK}}) + "\n")
    where = dict(session_id=session_id, project_id=s.project_id, project_root=s.project.root)
    tracking.record(s.conn, s.settings.continuity, **where, tool="Edit",
                    tool_input={"file_path": str(project_dir / "api.py"), "old_string": "a", "new_string": "b"},
                    response={"filePath": str(project_dir / "api.py")}, tool_use_id=f"{session_id}-1")
    tracking.record(s.conn, s.settings.continuity, **where, tool="Bash", tool_input={"command": "pytest tests/test_api.py"},
                    response=None, error="Exit code 1\nFAILED tests/test_api.py::test_limit", failed=True,
                    tool_use_id=f"{session_id}-2")
    return {**where, "transcript_path": str(transcript)}


def test_pre_compact_hands_off_the_request_the_files_and_the_last_action(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    where = _work(s, project_dir)
    handoff_id = handoff.on_pre_compact(s.conn, s.settings.continuity, **where, trigger="manual", instructions=None)
    row = s.conn.execute("SELECT trigger, task, status, state_json FROM handoffs WHERE id = ?",
                         (handoff_id,)).fetchone()
    state = json.loads(row["state_json"])
    assert (row["trigger"], row["task"], row["status"]) == ("manual", TASK, "in_progress")
    assert state["files_modified"] == ["api.py"]  # relative to the project
    assert state["last_action"] == "Ran `pytest tests/test_api.py` (failed)"


def test_the_cli_view_of_the_session_and_its_handoff(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    where = _work(s, project_dir)
    now = inspection.current_session_summary(s.conn, s.project)
    assert (now["session_id"], now["actions"], now["files_modified"]) == ("old", 2, ["api.py"])
    handoff_id = handoff.on_pre_compact(s.conn, s.settings.continuity, **where, trigger="manual", instructions=None)
    record = inspection.handoff_record(handoffs.get(s.conn, handoff_id))
    assert record["task"] == TASK and record["state"]["files_modified"] == ["api.py"]
    assert inspection.current_session_summary(s.conn, s.project, "old")["task"] == TASK


def test_session_end_hands_off_only_what_is_new(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    where = _work(s, project_dir)
    assert handoff.on_session_end(s.conn, s.settings.continuity, **where, reason="other") is not None
    assert handoff.on_session_end(s.conn, s.settings.continuity, **where, reason="other") is None  # nothing since
    assert core.session_row(s.conn, "old")["ended_at"] is not None
    assert [row["session_id"] for row in handoffs.listing(s.conn, s.project_id)] == ["old"]


def test_the_next_session_continues_the_unfinished_work_once(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    where = _work(s, project_dir)
    handoff.on_session_end(s.conn, s.settings.continuity, **where, reason="other")
    pending, when = restore.pending_handoff(s.conn, s.project_id, "new", 48)
    assert pending is not None and when == "new_session"

    def start(session_id: str, source: str) -> str | None:
        return restore.session_start_context(s.conn, s.settings.continuity, session_id=session_id, project_id=s.project_id,
                                             project_root=s.project.root, source=source)

    assert start("other", "compact") is None  # a compaction continues its own session's handoff only
    text = start("new", "startup")
    assert text and text.startswith(f"## Continuing: {TASK}") and "session old" in text and "api.py" in text
    assert start("newer", "startup") is None  # given once
    assert "already given" in restore.pending_handoff(s.conn, s.project_id, "newer", 48)[1]


def test_compact_restores_the_sessions_own_handoff(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    where = _work(s, project_dir, "same")
    handoff.on_pre_compact(s.conn, s.settings.continuity, **where, trigger="auto", instructions=None)
    text = restore.session_start_context(s.conn, s.settings.continuity, session_id="same", project_id=s.project_id,
                                         project_root=s.project.root, source="compact")
    assert text and TASK in text and "Modified (1): api.py" in text
