"""The one session driver: the real hook launcher and CLI run as processes, the way Claude Code and a user run
them, and ``Session``, one Claude Code session replayed through those hooks with the payload shapes captured
from the real ``claude`` binary (tests/fixtures/hook_payloads)."""

from __future__ import annotations

import copy
import itertools
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
LAUNCHER = REPO / "hooks" / "run"
PAYLOADS = REPO / "tests" / "fixtures" / "hook_payloads"
CAPTURED_ROOT = "/repo/project"  # the cwd the payload fixtures were captured in


def hook_env(**extra: str) -> dict[str, str]:
    """The environment a hook process gets in tests: this interpreter, the test's data folder."""
    env = {**os.environ, "MEMORY_PYTHON": PYTHON, **extra}
    env.pop("CLAUDE_PROJECT_DIR", None)
    return env


def run_hook(event: str, payload: Any, *, env: dict[str, str] | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    """Run the real launcher for ``event`` with ``payload`` (a dict, or raw bytes) on stdin."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return subprocess.run(["sh", str(LAUNCHER), event], input=data, capture_output=True, timeout=timeout,
                          env=env or hook_env())


def hook_output(result: subprocess.CompletedProcess) -> dict[str, Any] | None:
    """The hook's JSON answer, or None when it printed nothing; fails the test on anything else."""
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    if not text.strip():
        return None
    return json.loads(text)


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m memory ARGS`` as a real process."""
    return subprocess.run([PYTHON, "-m", "memory", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd or REPO, env={**(env or hook_env()), "PYTHONPATH": str(REPO)})


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """Assert exit 0 and a clean stderr; return the result."""
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def failed(result: subprocess.CompletedProcess, code: int, words: str) -> None:
    """Assert exit ``code`` with a one-line message on stderr that contains ``words``."""
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("memory: ") and words in lines[0], result.stderr


def as_json(result: subprocess.CompletedProcess) -> Any:
    """Assert a clean exit (``ok``) and return the JSON it printed."""
    return json.loads(ok(result).stdout)


def payload(event: str, session_id: str = "session-1", cwd: str = "/tmp", **fields: Any) -> dict[str, Any]:
    """A hook payload with only the common fields of the contract doc (for bad-input and runtime tests)."""
    return {"session_id": session_id, "transcript_path": "/nonexistent/transcript.jsonl", "cwd": cwd,
            "hook_event_name": event, **fields}


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


class Session:
    """One Claude Code session in ``project`` replayed through the real hook processes with environment ``env``
    (its ``MEMORY_HOME`` is the data folder; ``settings`` are added to it, e.g. ``MEMORY_SIGNATURES_HEAD_LINES``).

    Payloads are the captured shapes moved to this project and session; every tool call gets a fresh
    ``tool_use_id``. ``transcript`` is the transcript path the hooks are told about (none by default).
    """

    _ids = itertools.count(1)

    def __init__(self, project: Path, env: dict[str, str], session_id: str = "session-1",
                 transcript: Path | None = None, **settings: str) -> None:
        self.project, self.env, self.session_id = project, {**env, **settings}, session_id
        self.transcript = str(transcript) if transcript else str(project / "no-transcript.jsonl")
        self.last_tool_use_id = ""

    @property
    def home(self) -> Path:
        """The data folder the hooks write to."""
        return Path(self.env["MEMORY_HOME"])

    def db(self) -> sqlite3.Connection:
        """A connection to the session's store (rows as sqlite3.Row)."""
        from tests.support.store import db  # the store factory builds its populated store with this driver

        return db(self.home)

    def payload(self, name: str, **changes: Any) -> dict[str, Any]:
        """The captured payload ``name`` moved to this project and session, with ``changes`` applied (a change
        to None removes the field)."""
        data = _rebase(copy.deepcopy(fixture_payload(name)), str(self.project))
        data.update(session_id=self.session_id, transcript_path=self.transcript, cwd=str(self.project))
        if "tool_use_id" in data:
            self.last_tool_use_id = data["tool_use_id"] = f"toolu_test{next(self._ids):06d}"
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    def process(self, event: str, payload: dict[str, Any]) -> subprocess.CompletedProcess:
        """Run the real hook for ``event``; the completed process (to inspect stderr)."""
        return run_hook(event, payload, env=self.env)

    def send(self, event: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Run the real hook; it must exit 0 and print nothing or JSON (its answer)."""
        return hook_output(self.process(event, payload))

    # -- PreToolUse --
    def pre_read_process(self, path: Path | str, **tool_input: Any) -> subprocess.CompletedProcess:
        """The completed PreToolUse process of a Read of ``path`` (to inspect stderr)."""
        return self.process("PreToolUse", self.payload("PreToolUse-Read",
                                                       tool_input={"file_path": str(path), **tool_input}))

    def pre_read(self, path: Path | str, **tool_input: Any) -> dict[str, Any] | None:
        """PreToolUse Read of ``path``; the hook's answer (None: the Read passes untouched)."""
        return hook_output(self.pre_read_process(path, **tool_input))

    # -- PostToolUse / PostToolUseFailure --
    def tool(self, name: str, **changes: Any) -> dict[str, Any]:
        """Send the PostToolUse(Failure) fixture ``name`` (e.g. "PostToolUse-Edit") and return the payload."""
        data = self.payload(name, **changes)
        self.send(data["hook_event_name"], data)
        return data

    def post(self, tool_name: str, tool_input: dict[str, Any], tool_response: Any,
             tool_use_id: str | None = None) -> None:
        """PostToolUse of any tool call (it answers nothing); the captured shape of that tool if there is one."""
        name = f"PostToolUse-{tool_name}" if (PAYLOADS / f"PostToolUse-{tool_name}.json").exists() else "PostToolUse-Bash"
        data = self.payload(name, tool_name=tool_name, tool_input=tool_input, tool_response=tool_response)
        if tool_use_id is not None:
            self.last_tool_use_id = data["tool_use_id"] = tool_use_id
        assert self.send("PostToolUse", data) is None

    def edit(self, rel: str) -> None:
        """An Edit of ``rel`` in the project."""
        path = str(self.project / rel)
        self.tool("PostToolUse-Edit", tool_input={"file_path": path, "old_string": "a", "new_string": "b"},
                  tool_response={"filePath": path, "oldString": "a", "newString": "b"})

    def read(self, path: str) -> None:
        """A Read of ``path`` (absolute, or relative to the project) after it ran (PostToolUse)."""
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

    # -- session events --
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


def context_of(answer: dict[str, Any]) -> str:
    """The additional context of a hook's answer."""
    return answer["hookSpecificOutput"]["additionalContext"]


def read_response(path: Path, start: int = 1, count: int | None = None) -> dict[str, Any]:
    """A PostToolUse Read tool_response as Claude Code 2.1.197 sends it."""
    all_lines = path.read_text().splitlines()
    chosen = all_lines[start - 1: None if count is None else start - 1 + count]
    return {"type": "text", "file": {"filePath": str(path), "content": "\n".join(chosen), "numLines": len(chosen),
                                     "startLine": start, "totalLines": len(all_lines)}}


def outline_lines(context: str) -> dict[int, str]:
    """Line number -> what a signatures context shows there: the source text of a numbered line (``N│ text``),
    or the name of a ``name:line`` entry of a compact ``·`` line."""
    from parser import compact_entries

    found = {number: name for name, number in compact_entries(context)}
    for line in context.splitlines():
        match = re.match(r"^ *(\d+)│ (.*)$", line)
        if match:
            found[int(match.group(1))] = match.group(2)
    return found
