"""Continuity test helpers: replay real hook payload shapes through the real hook processes."""

from __future__ import annotations

import copy
import itertools
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO, hook_env, run_hook

PAYLOADS = REPO / "tests" / "fixtures" / "hook_payloads"
E2E_TRANSCRIPT = REPO / "tests" / "fixtures" / "transcripts_e2e" / "tools-and-compaction.jsonl"
CAPTURED_ROOT = "/repo/project"  # the cwd the payload fixtures were captured in


def fixture_payload(name: str) -> dict[str, Any]:
    """A payload captured from the real claude binary (tests/fixtures/hook_payloads/<name>.json)."""
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def _rebase(value: Any, root: str) -> Any:
    if isinstance(value, str):
        return value.replace(CAPTURED_ROOT, root)
    if isinstance(value, dict):
        return {k: _rebase(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebase(v, root) for v in value]
    return value


class Replay:
    """One Claude Code session replayed through the real hooks: captured payload shapes, our paths and ids."""

    _ids = itertools.count(1)

    def __init__(self, project: Path, env: dict[str, str], session_id: str = "sess-1",
                 transcript: Path | None = None) -> None:
        self.project, self.env, self.session_id = project, env, session_id
        self.transcript = str(transcript) if transcript else str(project / "no-transcript.jsonl")

    def payload(self, name: str, **changes: Any) -> dict[str, Any]:
        """The captured payload ``name`` moved to this project and session, with ``changes`` applied."""
        data = _rebase(copy.deepcopy(fixture_payload(name)), str(self.project))
        data.update(session_id=self.session_id, transcript_path=self.transcript, cwd=str(self.project))
        if "tool_use_id" in data:
            data["tool_use_id"] = f"toolu_test{next(self._ids):06d}"
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    def send(self, event: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Run the real hook; it must exit 0 and print nothing or JSON."""
        result = run_hook(event, payload, env=self.env)
        assert result.returncode == 0, result.stderr
        out = result.stdout.decode()
        return json.loads(out) if out.strip() else None

    def tool(self, name: str, **changes: Any) -> dict[str, Any]:
        """Send the PostToolUse(Failure) fixture ``name`` (e.g. "PostToolUse-Edit") and return the payload."""
        data = self.payload(name, **changes)
        self.send(data["hook_event_name"], data)
        return data

    def edit(self, rel: str) -> None:
        """An Edit of ``rel`` in the project."""
        path = str(self.project / rel)
        self.tool("PostToolUse-Edit", tool_input={"file_path": path, "old_string": "a", "new_string": "b"},
                  tool_response={"filePath": path, "oldString": "a", "newString": "b"})

    def read(self, path: str) -> None:
        """A Read of ``path`` (absolute, or relative to the project)."""
        full = path if path.startswith("/") else str(self.project / path)
        self.tool("PostToolUse-Read", tool_input={"file_path": full},
                  tool_response={"type": "text", "file": {"filePath": full, "content": "x\n", "numLines": 1,
                                                          "startLine": 1, "totalLines": 1}})

    def bash(self, command: str, stdout: str = "", error: str | None = None, **changes: Any) -> None:
        """A Bash call: success with ``stdout``, or a PostToolUseFailure with ``error`` (``changes`` as in payload)."""
        if error is None:
            self.tool("PostToolUse-Bash", tool_input={"command": command, "description": "run"},
                      tool_response={"stdout": stdout, "stderr": "", "interrupted": False, "isImage": False,
                                     "noOutputExpected": False}, **changes)
        else:
            self.tool("PostToolUseFailure-Bash", tool_input={"command": command, "description": "run"}, error=error,
                      **changes)

    def task_create(self, task_id: str, subject: str) -> None:
        """TaskCreate as Claude Code 2.1.197 reports it."""
        self.tool("PostToolUse-TaskCreate", tool_input={"subject": subject, "description": subject,
                                                        "activeForm": subject},
                  tool_response={"task": {"id": task_id, "subject": subject}})

    def task_update(self, task_id: str, status: str, previous: str = "pending") -> None:
        """TaskUpdate of a status, as Claude Code 2.1.197 reports it (only the id, no subject)."""
        self.tool("PostToolUse-TaskUpdate", tool_input={"taskId": task_id, "status": status},
                  tool_response={"success": True, "taskId": task_id, "updatedFields": ["status"],
                                 "statusChange": {"from": previous, "to": status}})

    def todo_write(self, todos: list[tuple[str, str]]) -> None:
        """TodoWrite with (content, status) items (contract doc shape)."""
        items = [{"content": c, "status": s, "activeForm": c} for c, s in todos]
        data = self.payload("PostToolUse-Bash", tool_name="TodoWrite", tool_input={"todos": items},
                            tool_response={"oldTodos": [], "newTodos": items})
        self.send("PostToolUse", data)

    def pre_compact(self, trigger: str = "auto", instructions: str | None = None) -> None:
        """PreCompact."""
        self.send("PreCompact", self.payload("PreCompact", trigger=trigger, custom_instructions=instructions))

    def session_start(self, source: str) -> str | None:
        """SessionStart; the additional context it gave, or None."""
        answer = self.send("SessionStart", self.payload("SessionStart-startup", source=source))
        return answer["hookSpecificOutput"]["additionalContext"] if answer else None

    def session_end(self, reason: str = "other") -> None:
        """SessionEnd."""
        self.send("SessionEnd", self.payload("SessionEnd", reason=reason))


@pytest.fixture
def env(memory_home: Path) -> dict[str, str]:
    """Hook environment with only continuity on (the other features are tested on their own)."""
    return hook_env(MEMORY_HOME=str(memory_home), MEMORY_SIGNATURES_ENABLED="0", MEMORY_LEARNING_ENABLED="0",
                    MEMORY_RECALL_ENABLED="0")


@pytest.fixture
def git_project(tmp_path: Path) -> Path:
    """A project folder that is a git repository (so its identity is stable)."""
    folder = tmp_path / "project"
    folder.mkdir()
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


@pytest.fixture
def replay(git_project: Path, env: dict[str, str]) -> Replay:
    """A replayed session in a fresh project."""
    return Replay(git_project, env)


def db(memory_home: Path) -> sqlite3.Connection:
    """A read connection to the test's database."""
    conn = sqlite3.connect(memory_home / "memory.db")
    conn.row_factory = sqlite3.Row
    return conn


def errors(memory_home: Path) -> list[str]:
    """Errors the hooks recorded."""
    with db(memory_home) as conn:
        return [r["message"] for r in conn.execute("SELECT message FROM errors")]
