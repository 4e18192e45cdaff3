"""Recording hooks that may arrive out of order (as async hooks would): call order from the transcript, SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from memory.transcript_tail import tool_use_time
from tests.support.transcript import E2E_TRANSCRIPT
from tests.support.session import Session
from tests.support.store import db, errors
from tests.support.session import LAUNCHER, REPO


def _transcript(path: Path, calls: list[tuple[str, str]]) -> Path:
    """A transcript in Claude Code's shape: one assistant line per tool_use (id, timestamp), then its result."""
    lines = []
    for tool_use_id, stamp in calls:
        lines.append({"type": "assistant", "timestamp": stamp, "message": {"role": "assistant", "content": [
            {"type": "tool_use", "id": tool_use_id, "name": "Bash", "input": {"command": "true"}}]}})
        lines.append({"type": "user", "timestamp": stamp, "message": {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": tool_use_id, "content": "ok"}]}})
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_tool_use_time_on_a_real_transcript() -> None:
    lines = [json.loads(line) for line in E2E_TRANSCRIPT.read_text().splitlines()]
    calls = [(block["id"], line["timestamp"]) for line in lines if line.get("type") == "assistant"
             for block in line["message"]["content"] if block.get("type") == "tool_use"]
    assert len(calls) >= 3
    latest = dict(calls)  # the scripted server reuses ids across the session's runs: the latest call counts
    for tool_use_id, stamp in latest.items():
        assert tool_use_time(E2E_TRANSCRIPT, tool_use_id) == stamp
    assert tool_use_time(E2E_TRANSCRIPT, "toolu_not_there") is None
    assert tool_use_time(E2E_TRANSCRIPT.parent / "missing.jsonl", calls[0][0]) is None


def test_events_arriving_out_of_order_are_read_in_call_order(tmp_path: Path, env, memory_home: Path,
                                                             git_project: Path) -> None:
    stamps = [f"2026-05-01T10:00:0{i}.000Z" for i in range(6)]
    ids = [f"toolu_async{i}" for i in range(6)]
    transcript = _transcript(tmp_path / "t.jsonl", list(zip(ids, stamps)))
    replay = Session(git_project, env, session_id="sess-async", transcript=transcript)
    commands = [f"step {i}" for i in range(6)]
    for i in (2, 0, 1, 4, 3):  # five actions, as async hooks may deliver them
        replay.bash(commands[i], stdout="ok", tool_use_id=ids[i])
    state = json.loads((memory_home / "sessions" / "sess-async.json").read_text())
    assert state["action_count"] == 5  # the snapshot came with the fifth arrival, whatever its order
    assert state["last_action"] == "Ran `step 4`"  # the latest call, not the last to arrive (step 3)
    replay.bash(commands[5], stdout="ok", tool_use_id=ids[5])
    with db(memory_home) as conn:
        rows = conn.execute("SELECT ts, data_json FROM events WHERE session_id = 'sess-async' "
                            "ORDER BY ts, id").fetchall()
    assert [json.loads(r["data_json"])["command"] for r in rows] == commands
    assert [r["ts"] for r in rows] == stamps
    assert errors(memory_home) == []


def test_without_a_transcript_events_keep_arrival_order(replay: Session, memory_home: Path) -> None:
    replay.bash("first", stdout="ok")
    replay.bash("second", stdout="ok")
    with db(memory_home) as conn:
        rows = conn.execute("SELECT data_json FROM events ORDER BY ts, id").fetchall()
    assert [json.loads(r["data_json"])["command"] for r in rows] == ["first", "second"]


def test_a_recorder_finishes_its_write_when_sent_sigterm(replay: Session, memory_home: Path) -> None:
    replay.bash("creates the folder", stdout="ok")
    data = replay.payload("PostToolUse-Bash", tool_input={"command": "last action", "description": "run"})
    process = subprocess.Popen(["sh", str(LAUNCHER), "PostToolUse"], stdin=subprocess.PIPE, env=replay.env)
    time.sleep(0.5)  # Python is up and shielded, waiting for stdin: Claude Code exits and sends SIGTERM
    process.send_signal(signal.SIGTERM)
    process.communicate(json.dumps(data).encode(), timeout=30)
    assert process.returncode == 0
    with db(memory_home) as conn:
        commands = [json.loads(r[0])["command"] for r in conn.execute("SELECT data_json FROM events")]
    assert "last action" in commands


def test_hooks_json_runs_every_hook_synchronously() -> None:
    # Async recorders were tried: Claude Code 2.1.197 writes a tool call's transcript line only after its hook
    # started (often after the next call's), so neither arrival order nor transcript time orders the events, and
    # a handoff could show a todo's older status. Synchronous recorders keep the order.
    hooks = json.loads((REPO / "hooks" / "hooks.json").read_text())["hooks"]
    for event, matchers in hooks.items():
        for matcher in matchers:
            for hook in matcher["hooks"]:
                assert "async" not in hook, event
