"""Every hook event as a real process: valid payloads answer validly, bad input never hurts the session."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.session import LAUNCHER, hook_env, hook_output, payload, run_hook
from memory.hooks.runtime import HookTimeout, time_budget

CONTRACT_PAYLOADS = {
    "SessionStart": payload("SessionStart", source="startup"),
    "UserPromptSubmit": payload("UserPromptSubmit", prompt="add a login form", permission_mode="default"),
    "PreToolUse": payload("PreToolUse", tool_name="Read", tool_input={"file_path": "/tmp/nothing.py"},
                          tool_use_id="toolu_01"),
    "PostToolUse": payload("PostToolUse", tool_name="Glob", tool_input={"pattern": "*.py"},
                           tool_response={"filenames": []}, tool_use_id="toolu_02"),
    "PreCompact": payload("PreCompact", trigger="manual", custom_instructions=None),
    "SessionEnd": payload("SessionEnd", reason="prompt_input_exit"),
}

BAD_INPUTS = {
    "empty": b"",
    "not json": b"not json",
    "json array": b"[]",
    "json string": b'"hello"',
    "missing session_id": json.dumps({"hook_event_name": "PostToolUse"}).encode(),
    "wrong type session_id": json.dumps({"session_id": 5}).encode(),
    "wrong event name type": json.dumps({"session_id": "s", "hook_event_name": 5}).encode(),
    "wrong tool_input type": json.dumps({"session_id": "s", "tool_name": "Read", "tool_input": "x"}).encode(),
    "non-utf8": b'{"session_id": "\xff\xfe\xfa"}',
    "20 MB": b'{"session_id": "s", "tool_name": "Write", "tool_input": {"content": "' + b"x" * (20 * 1024 * 1024) + b'"}}',
}


def db_rows(home: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(home / "memory.db")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("event", sorted(CONTRACT_PAYLOADS))
def test_each_event_exits_0_with_valid_output(memory_home: Path, event: str) -> None:
    answer = hook_output(run_hook(event, CONTRACT_PAYLOADS[event]))
    if answer is not None:
        assert answer["hookSpecificOutput"]["hookEventName"] == event
    outcomes = db_rows(memory_home, "SELECT event, outcome FROM hook_runs")
    assert outcomes == [(event, "ok" if answer else "noop")]


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_fails_open_and_is_logged(memory_home: Path, name: str) -> None:
    result = run_hook("PostToolUse", BAD_INPUTS[name])
    assert result.returncode == 0
    assert result.stdout == b""
    assert db_rows(memory_home, "SELECT outcome FROM hook_runs") == [("bad_input",)]
    assert db_rows(memory_home, "SELECT source FROM errors") == [("hook:PostToolUse",)]
    assert "bad input" in (memory_home / "logs" / "memory.log").read_text()


def test_unknown_event_name_is_ignored(memory_home: Path) -> None:
    result = run_hook("NoSuchEvent", CONTRACT_PAYLOADS["SessionEnd"])
    assert (result.returncode, result.stdout) == (0, b"")


def test_payload_for_another_event_is_rejected(memory_home: Path) -> None:
    result = run_hook("PreCompact", CONTRACT_PAYLOADS["SessionEnd"])
    assert (result.returncode, result.stdout) == (0, b"")
    assert db_rows(memory_home, "SELECT outcome FROM hook_runs") == [("bad_input",)]


def test_disabled_plugin_does_nothing_and_stores_nothing(memory_home: Path) -> None:
    for event, body in CONTRACT_PAYLOADS.items():
        result = run_hook(event, body, env=hook_env(MEMORY_DISABLE="1"))
        assert (result.returncode, result.stdout) == (0, b"")
    assert not memory_home.exists()


def test_project_config_can_switch_the_plugin_off(memory_home: Path, project_dir: Path) -> None:
    (project_dir / ".claude").mkdir()
    (project_dir / ".claude" / "memory.toml").write_text("[general]\nenabled = false\n")
    result = run_hook("SessionStart", {**CONTRACT_PAYLOADS["SessionStart"], "cwd": str(project_dir)})
    assert (result.returncode, result.stdout) == (0, b"")
    assert not memory_home.exists()


def test_unwritable_data_folder_fails_open(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = hook_env(MEMORY_HOME=str(blocker / "memory"))
    for event, body in CONTRACT_PAYLOADS.items():
        result = run_hook(event, body, env=env)
        assert (result.returncode, result.stdout) == (0, b""), event


def test_locked_database_fails_open_and_keeps_data(memory_home: Path) -> None:
    hook_output(run_hook("SessionStart", CONTRACT_PAYLOADS["SessionStart"]))
    holder = subprocess.Popen(
        ["python3", "-c", "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); "
         "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(30)", str(memory_home / "memory.db")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        result = run_hook("SessionStart", CONTRACT_PAYLOADS["SessionStart"])
        assert (result.returncode, result.stdout) == (0, b"")
        assert time.monotonic() - started < 15
    finally:
        holder.kill()
        holder.wait()
    assert db_rows(memory_home, "SELECT count(*) FROM hook_runs")[0][0] >= 1
    assert "locked" in (memory_home / "logs" / "memory.log").read_text()


def test_corrupt_database_is_moved_aside_not_deleted(memory_home: Path) -> None:
    memory_home.mkdir(mode=0o700)
    garbage = os.urandom(8192)
    (memory_home / "memory.db").write_bytes(garbage)
    result = run_hook("SessionStart", CONTRACT_PAYLOADS["SessionStart"])
    assert result.returncode == 0
    kept = [p for p in memory_home.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1 and kept[0].read_bytes() == garbage
    messages = [m for (m,) in db_rows(memory_home, "SELECT message FROM errors")]
    assert any("moved aside" in m for m in messages)


def test_bad_input_never_loses_stored_rows(memory_home: Path) -> None:
    hook_output(run_hook("SessionStart", CONTRACT_PAYLOADS["SessionStart"]))
    conn = sqlite3.connect(memory_home / "memory.db")
    conn.execute("INSERT INTO learnings(category, text, text_hash) VALUES ('tip', 'run make db first', 'h1')")
    conn.commit()
    conn.close()
    for raw in BAD_INPUTS.values():
        run_hook("PostToolUse", raw)
    assert db_rows(memory_home, "SELECT text FROM learnings") == [("run make db first",)]


def test_files_and_folders_are_private(memory_home: Path) -> None:
    run_hook("PostToolUse", b"not json")
    assert memory_home.stat().st_mode & 0o777 == 0o700
    assert (memory_home / "memory.db").stat().st_mode & 0o777 == 0o600
    assert (memory_home / "logs" / "memory.log").stat().st_mode & 0o777 == 0o600


def test_own_time_budget_interrupts_a_slow_handler() -> None:
    with pytest.raises(HookTimeout):
        with time_budget(0.05):
            time.sleep(2)


def test_launcher_without_any_python_exits_0(tmp_path: Path) -> None:
    env = {"PATH": "/nonexistent", "HOME": str(tmp_path), "MEMORY_PYTHON": "/nonexistent/python"}
    result = subprocess.run(["/bin/sh", str(LAUNCHER), "SessionStart"], input=b"{}", capture_output=True, env=env)
    assert (result.returncode, result.stdout) == (0, b"")
