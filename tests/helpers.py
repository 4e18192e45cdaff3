"""Helpers for tests: run the real hook and CLI processes the way Claude Code and a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LAUNCHER = REPO / "hooks" / "run"


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


def payload(event: str, session_id: str = "session-1", cwd: str = "/tmp", **fields: Any) -> dict[str, Any]:
    """A hook payload with the common fields of the contract doc."""
    return {"session_id": session_id, "transcript_path": "/nonexistent/transcript.jsonl", "cwd": cwd,
            "hook_event_name": event, **fields}
