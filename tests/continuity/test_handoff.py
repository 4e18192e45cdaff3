"""Handoffs at PreCompact and SessionEnd, from events and real transcripts, through the real hooks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks.harness import REAL_TRANSCRIPTS
from tests.support.transcript import E2E_TRANSCRIPT
from tests.support.session import Session
from tests.support.store import db, errors


def handoffs(memory_home: Path) -> list[dict]:
    with db(memory_home) as conn:
        rows = conn.execute("SELECT * FROM handoffs ORDER BY id").fetchall()
    return [{**dict(r), "state": json.loads(r["state_json"])} for r in rows]


def test_pre_compact_handoff_from_events(replay: Session, memory_home: Path) -> None:
    replay.task_create("1", "Add JWT auth to the login endpoint")
    replay.task_update("1", "in_progress")
    replay.read("src/types/user.ts")
    replay.edit("src/auth/login.ts")
    replay.bash("npm test", error="Exit code 1\nFAIL src/auth/login.test.ts")
    replay.pre_compact("manual", "focus on the refresh token")
    [handoff] = handoffs(memory_home)
    state = handoff["state"]
    assert handoff["trigger"] == "manual" and handoff["status"] == "blocked"
    assert handoff["task"] == "Add JWT auth to the login endpoint"  # no transcript: the task in progress
    assert state["instructions"] == "focus on the refresh token"
    assert state["files_modified"] == ["src/auth/login.ts"] and state["files_read"] == ["src/types/user.ts"]
    assert state["todos"] == [{"id": "1", "content": "Add JWT auth to the login endpoint", "status": "in_progress"}]
    assert "npm test" in state["blockers"][0]
    assert state["last_action"] == "Ran `npm test` (failed)"
    assert handoff["summary"].startswith("Add JWT auth to the login endpoint - 1 files modified")


@pytest.mark.parametrize("name, task_words, modified, last", [
    ("kimuson-todo-app.jsonl", "create TODO app by Next.js", "components/TodoItem.tsx", "Write"),
    ("session-share-dev.jsonl", "read plan.md and roadmap.md", "publish_session.py", "Bash"),
    # compacted at its very end: the current request is the last one before the compaction
    ("mclaude-cosmic-applet-compact.jsonl", "double check your screenshots", "src/app.rs", "Bash"),
])
def test_handoff_from_real_transcripts(git_project: Path, env, memory_home: Path, name: str, task_words: str,
                                       modified: str, last: str) -> None:
    transcript = git_project / name
    shutil.copy(REAL_TRANSCRIPTS / name, transcript)
    replay = Session(git_project, env, session_id=f"real-{name}", transcript=transcript)
    replay.pre_compact("auto")
    [handoff] = handoffs(memory_home)
    state = handoff["state"]
    assert task_words in f"{handoff['task']} {state.get('current_request')}"
    assert any(path.endswith(modified) for path in state["files_modified"])
    assert state["last_action"].startswith(last)
    assert state["todos"] and all({"content", "status"} <= set(t) for t in state["todos"])
    assert errors(memory_home) == []


def test_transcript_with_several_compactions_reads_the_last_part(git_project: Path, env, memory_home: Path) -> None:
    lines = E2E_TRANSCRIPT.read_text().splitlines()
    transcript = git_project / "t.jsonl"
    # The real e2e transcript (request, tools, a compaction, a new request) played three times over.
    transcript.write_text("\n".join(lines * 3) + "\n")
    replay = Session(git_project, env, session_id="multi", transcript=transcript)
    replay.pre_compact("auto")
    replay.pre_compact("auto")
    first, second = handoffs(memory_home)
    assert first["task"] == "Continue with step two"  # the request after the last compaction, not /compact
    assert second["task"] == "Continue with step two" and "goal" not in second["state"]
    # nothing was changed since the last compaction: the edit before it is looked up (a path of another machine)
    assert first["state"]["files_modified"] == ["/repo/project/plan.md"]


def test_user_saying_it_still_fails_is_a_blocker(git_project: Path, env, memory_home: Path) -> None:
    transcript = git_project / "t.jsonl"
    rows = [
        {"type": "user", "message": {"role": "user", "content": "Please fix the login form validation bug"}},
        {"type": "assistant", "message": {"role": "assistant", "content": [{"type": "text", "text": "Fixed."}]}},
        {"type": "user", "message": {"role": "user", "content": "it still fails when the email is empty"}},
    ]
    transcript.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    Session(git_project, env, session_id="s", transcript=transcript).pre_compact()
    [handoff] = handoffs(memory_home)
    assert handoff["task"] == "Please fix the login form validation bug"
    assert handoff["state"]["current_request"] == "it still fails when the email is empty"
    assert handoff["state"]["blockers"] == ["User reported: it still fails when the email is empty"]


@pytest.mark.parametrize("content", [None, b"", b"not json at all\n{\"half\": ", b'{"type": "weird"}\n[1,2]\n"x"\n'])
def test_bad_transcripts_still_give_a_handoff(replay: Session, memory_home: Path, content: bytes | None) -> None:
    if content is not None:
        Path(replay.transcript).write_bytes(content)
    replay.edit("a.py")
    replay.pre_compact()
    [handoff] = handoffs(memory_home)
    assert handoff["state"]["files_modified"] == ["a.py"]
    assert errors(memory_home) == []


def test_100_mb_transcript_is_read_from_its_tail(git_project: Path, env, memory_home: Path) -> None:
    transcript = git_project / "huge.jsonl"
    tail = (REAL_TRANSCRIPTS / "session-share-dev.jsonl").read_bytes()
    with transcript.open("wb") as out:
        filler = b'{"type": "progress", "data": "' + b"x" * 1_000_000 + b'"}\n'
        for _ in range(100):
            out.write(filler)
        out.write(tail)
    replay = Session(git_project, env, session_id="huge", transcript=transcript)
    replay.pre_compact()
    [handoff] = handoffs(memory_home)
    assert any(p.endswith("README.md") for p in handoff["state"]["files_modified"])
    assert not list((memory_home / "tmp").glob("*"))  # the tail copy is gone
    assert errors(memory_home) == []


def test_session_end_marks_ended_and_hands_off_unfinished_work(replay: Session, memory_home: Path) -> None:
    replay.task_create("1", "Migrate the config loader")
    replay.edit("config.py")
    replay.session_end("clear")
    with db(memory_home) as conn:
        session = conn.execute("SELECT ended_at, end_reason FROM sessions").fetchone()
    assert session["ended_at"] and session["end_reason"] == "clear"
    [handoff] = handoffs(memory_home)
    assert handoff["trigger"] == "session_end" and handoff["task"] == "Migrate the config loader"
    replay.session_end("other")  # nothing new since: no second handoff
    assert len(handoffs(memory_home)) == 1


def test_session_end_keeps_finished_work_without_offering_it(replay: Session, memory_home: Path) -> None:
    replay.session_end("other")
    assert handoffs(memory_home) == []  # an empty session leaves nothing
    replay.task_create("1", "Tiny fix")
    replay.task_update("1", "completed")
    Session(replay.project, replay.env, session_id=replay.session_id).session_end("other")
    [handoff] = handoffs(memory_home)
    assert handoff["status"] == "completed" and handoff["trigger"] == "session_end"
    assert Session(replay.project, replay.env, session_id="next").session_start("startup") is None
