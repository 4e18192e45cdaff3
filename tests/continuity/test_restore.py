"""SessionStart restore through the real hooks: compact/resume, clear/startup, age limits, crash recovery."""

from __future__ import annotations

from pathlib import Path

from tests.support.session import Session
from tests.support.store import db


def _work(replay: Session) -> None:
    replay.task_create("1", "Add rate limiting to the API")
    replay.task_update("1", "in_progress")
    replay.edit("api/limits.py")
    replay.edit("api/server.py")


def test_compact_restores_the_sessions_handoff_and_marks_it_resumed(replay: Session, memory_home: Path) -> None:
    _work(replay)
    replay.pre_compact("auto")
    text = replay.session_start("compact")
    assert text.startswith("## Continuing: Add rate limiting to the API")
    assert "Modified (2): api/limits.py, api/server.py" in text
    assert "- [in_progress] Add rate limiting to the API" in text
    assert "Last: Edited api/server.py" in text
    with db(memory_home) as conn:
        assert conn.execute("SELECT resumed_at FROM handoffs").fetchone()[0] is not None
    assert replay.session_start("resume").startswith("## Continuing:")  # same session: offered again


def test_clear_and_startup_get_the_projects_unfinished_handoff_once(replay: Session, memory_home: Path) -> None:
    _work(replay)
    replay.session_end("clear")
    after_clear = Session(replay.project, replay.env, session_id="sess-2")
    text = after_clear.session_start("clear")
    assert "Continuing: Add rate limiting to the API" in text and "Unfinished work from session sess-1" in text
    assert Session(replay.project, replay.env, session_id="sess-3").session_start("startup") is None  # once


def test_old_or_completed_handoffs_are_not_offered(replay: Session, memory_home: Path) -> None:
    _work(replay)
    replay.pre_compact("auto")
    with db(memory_home) as conn:
        conn.execute("UPDATE handoffs SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-49 hours')")
    assert Session(replay.project, replay.env, session_id="s2").session_start("startup") is None
    with db(memory_home) as conn:
        conn.execute("UPDATE handoffs SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), status = 'completed'")
    assert Session(replay.project, replay.env, session_id="s3").session_start("startup") is None


def test_other_projects_handoffs_are_not_offered(replay: Session, tmp_path: Path, env) -> None:
    _work(replay)
    replay.session_end("other")
    other = tmp_path / "other"
    other.mkdir()
    assert Session(other, env, session_id="x").session_start("startup") is None


def test_crash_recovery_builds_and_offers_a_handoff(replay: Session, memory_home: Path) -> None:
    _work(replay)
    replay.bash("cargo test", error="Exit code 101\ntest result: FAILED")
    for i in range(2):
        replay.read(f"docs/{i}.md")  # 7 actions: a snapshot at 5, two events after it
    with db(memory_home) as conn:  # the process died: no PreCompact, no SessionEnd, silent for 10 minutes
        conn.execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-10 minutes')")
    text = Session(replay.project, replay.env, session_id="next").session_start("startup")
    assert "ended unexpectedly" in text and "Continuing: Add rate limiting to the API" in text
    assert "cargo test" in text  # the blocker
    with db(memory_home) as conn:
        row = conn.execute("SELECT trigger, resumed_at FROM handoffs").fetchone()
    assert row["trigger"] == "crash" and row["resumed_at"]
    assert Session(replay.project, replay.env, session_id="again").session_start("startup") is None


def test_a_live_session_is_not_taken_for_a_crash(replay: Session, memory_home: Path) -> None:
    _work(replay)  # seen just now
    assert Session(replay.project, replay.env, session_id="parallel").session_start("startup") is None
    with db(memory_home) as conn:
        assert conn.execute("SELECT count(*) FROM handoffs").fetchone()[0] == 0


def test_budget_is_respected_and_left_out_is_said(replay: Session, memory_home: Path, env) -> None:
    for i in range(60):
        replay.read(f"src/module_with_a_long_name_{i}.py")
    for i in range(25):
        replay.edit(f"src/edited_module_number_{i}.py")
    replay.pre_compact()
    small = Session(replay.project, {**env, "MEMORY_CONTINUITY_HANDOFF_TOKENS": "300"}, replay.session_id)
    text = small.session_start("compact")
    assert len(text) <= 300 * 4
    assert "Left out to fit the budget" in text and "read files" in text
