"""PostToolUse tracking through the real hook processes: events, snapshots, concurrency, kill -9."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

from tests.support.session import Session
from tests.support.store import db, errors
from tests.support.session import LAUNCHER


def test_every_tracked_tool_becomes_one_event(replay: Session, memory_home: Path) -> None:
    replay.read("src/app.py")
    replay.edit("src/app.py")
    replay.tool("PostToolUse-Write")
    replay.bash("pytest -q", stdout="3 passed")
    replay.bash("cargo build", error="Exit code 101\nerror[E0425]: cannot find value `x`\npassword=hunter2secret")
    replay.task_create("1", "Refactor big.py")
    replay.task_update("1", "in_progress")
    replay.todo_write([("Write docs", "pending")])
    replay.read("/etc/hosts")  # outside the project: recorded as such, never followed
    with db(memory_home) as conn:
        rows = conn.execute("SELECT tool, kind, path, summary, outcome, data_json FROM events ORDER BY id").fetchall()
        session = conn.execute("SELECT action_count, project_id FROM sessions").fetchone()
    assert [(r["tool"], r["kind"], r["path"], r["outcome"]) for r in rows] == [
        ("Read", "read", "src/app.py", "ok"),
        ("Edit", "modify", "src/app.py", "ok"),
        ("Write", "modify", "notes.txt", "ok"),
        ("Bash", "bash", None, "ok"),
        ("Bash", "bash", None, "error"),
        ("TaskCreate", "task", None, "ok"),
        ("TaskUpdate", "task", None, "ok"),
        ("TodoWrite", "todo", None, "ok"),
        ("Read", "read", "/etc/hosts", "ok"),
    ]
    failed = json.loads(rows[4]["data_json"])
    assert "cannot find value" in failed["error"] and "hunter2secret" not in failed["error"]
    assert rows[6]["summary"] == "Task Refactor big.py -> in_progress"  # subject found from TaskCreate
    assert json.loads(rows[8]["data_json"]) == {"outside": True}
    assert session["action_count"] == 9
    assert errors(memory_home) == []


def test_snapshot_every_five_actions_in_db_and_file(replay: Session, memory_home: Path) -> None:
    for i in range(4):
        replay.edit(f"f{i}.py")
    state_file = memory_home / "sessions" / f"{replay.session_id}.json"
    assert not state_file.exists()
    replay.bash("make test", error="Exit code 2\nFAILED test_x")
    saved = json.loads(state_file.read_text())
    assert saved["action_count"] == 5
    assert set(saved) >= {"session_id", "task", "status", "files_modified", "files_read", "decisions", "todos",
                          "blockers", "last_action"}
    assert saved["files_modified"] == ["f0.py", "f1.py", "f2.py", "f3.py"]
    assert saved["status"] == "blocked" and "make test" in saved["blockers"][0]
    assert saved["last_action"] == "Ran `make test` (failed)"
    assert oct(state_file.stat().st_mode & 0o777) == "0o600"
    for _ in range(5):
        replay.bash("make test", stdout="ok")  # the same command succeeding clears the blocker
    with db(memory_home) as conn:
        row = conn.execute("SELECT action_count, state_json FROM session_state").fetchone()
    assert row["action_count"] == 10
    assert json.loads(row["state_json"])["blockers"] == []
    assert json.loads(state_file.read_text())["action_count"] == 10


def test_replayed_tool_use_id_is_not_counted_twice(replay: Session, memory_home: Path) -> None:
    data = replay.payload("PostToolUse-Edit")
    for _ in range(3):
        replay.send("PostToolUse", data)
    with db(memory_home) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 1
        assert conn.execute("SELECT action_count FROM sessions").fetchone()[0] == 1


def test_bad_tool_payloads_still_exit_zero_and_record(replay: Session, memory_home: Path) -> None:
    replay.tool("PostToolUse-Bash", tool_name="FancyNewTool", tool_input={"x": 1})
    replay.tool("PostToolUse-Edit", tool_response=None)  # no tool_response at all
    replay.tool("PostToolUse-Bash", tool_response="Error: something odd")  # a string response
    replay.tool("PostToolUse-Read", tool_input={}, tool_response={"type": "image"})
    replay.send("PostToolUse", b"{not json")
    with db(memory_home) as conn:
        kinds = [(r[0], r[1]) for r in conn.execute("SELECT kind, outcome FROM events ORDER BY id")]
    assert kinds == [("modify", "ok"), ("bash", "error"), ("read", "ok")]  # the unknown tool is not tracked


def _spawn(payload: dict, env: dict[str, str]) -> subprocess.Popen:
    proc = subprocess.Popen(["sh", str(LAUNCHER), payload["hook_event_name"]], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    proc.stdin.write(json.dumps(payload).encode())
    proc.stdin.close()
    proc.stdin = None  # written and closed: communicate() only collects the output
    return proc


def test_24_concurrent_hooks_lose_and_duplicate_nothing(replay: Session, memory_home: Path, env) -> None:
    replay.edit("warmup.py")  # the database exists and is migrated, as in a running session
    payloads = [replay.payload("PostToolUse-Edit", tool_input={"file_path": str(replay.project / f"c{i}.py")})
                for i in range(24)]
    payloads += payloads[:4]  # Claude Code delivering a few hooks twice
    procs = [_spawn(p, env) for p in payloads]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    with db(memory_home) as conn:
        paths = sorted(r[0] for r in conn.execute("SELECT path FROM events WHERE path LIKE 'c%'"))
        count = conn.execute("SELECT action_count FROM sessions").fetchone()[0]
        snapshot = conn.execute("SELECT action_count, state_json FROM session_state").fetchone()
        failures = conn.execute("SELECT count(*) FROM hook_runs WHERE outcome != 'noop'").fetchone()[0]
    assert paths == sorted(f"c{i}.py" for i in range(24))
    assert count == 25
    assert snapshot["action_count"] == 25
    assert len(json.loads(snapshot["state_json"])["files_modified"]) == 25
    assert failures == 0


def test_kill_9_mid_write_loses_nothing_committed(replay: Session, memory_home: Path, env) -> None:
    replay.edit("warmup.py")
    rng = random.Random(7)
    payloads = [replay.payload("PostToolUse-Edit", tool_input={"file_path": str(replay.project / f"k{i}.py")})
                for i in range(30)]
    procs = [_spawn(p, env) for p in payloads]
    time.sleep(0.15)
    killed = rng.sample(range(len(procs)), 12)
    for i in killed:
        try:
            os.killpg(procs[i].pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for proc in procs:
        proc.communicate(timeout=60)
    with db(memory_home) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in conn.execute("SELECT path FROM events")}
        count = conn.execute("SELECT action_count FROM sessions").fetchone()[0]
    survivors = {f"k{i}.py" for i in range(30) if i not in killed}
    assert survivors <= stored  # every hook that was not killed committed its event
    assert count == len(stored)  # event and count are one transaction: never one without the other
    replay.edit("after.py")  # and the store keeps working
    with db(memory_home) as conn:
        assert conn.execute("SELECT count(*) FROM events WHERE path = 'after.py'").fetchone()[0] == 1
