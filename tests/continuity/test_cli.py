"""`python -m memory handoffs`, `handoff show ID` and the current session in `status`, as real processes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.session import Session
from tests.support.session import run_cli


def test_handoffs_list_show_and_status(replay: Session, env) -> None:
    replay.task_create("1", "Port the parser to tree-sitter")
    replay.task_update("1", "in_progress")
    replay.edit("parser/core.py")
    status = run_cli("status", cwd=replay.project, env=env)
    assert status.returncode == 0, status.stderr
    assert "Task: Port the parser to tree-sitter" in status.stdout and "Files: 1 modified" in status.stdout
    replay.pre_compact("manual")
    listed = run_cli("handoffs", "--json", cwd=replay.project, env=env)
    assert listed.returncode == 0, listed.stderr
    [record] = json.loads(listed.stdout)
    assert record["trigger"] == "manual" and record["state"]["files_modified"] == ["parser/core.py"]
    table = run_cli("handoffs", cwd=replay.project, env=env)
    assert "Port the parser" in table.stdout
    shown = run_cli("handoff", "show", str(record["id"]), cwd=replay.project, env=env)
    assert shown.returncode == 0 and "## Continuing: Port the parser to tree-sitter" in shown.stdout
    missing = run_cli("handoff", "show", "999", cwd=replay.project, env=env)
    assert missing.returncode == 1 and "no handoff with id 999" in missing.stderr


def test_handoffs_of_an_unknown_project(tmp_path: Path, env, memory_home: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    Session(tmp_path / "elsewhere", env).edit("a.py")  # creates the store
    other = tmp_path / "nothing-here"
    other.mkdir()
    result = run_cli("handoffs", cwd=other, env=env)
    assert result.returncode == 0 and "No handoffs saved for this project" in result.stdout
