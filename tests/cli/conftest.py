"""A real populated store for the CLI tests, built the way a user's store is: real hook processes fed the
captured payload shapes, a real transcript extracted by the real worker, a real recall on a later prompt.

The store is built once per test session (a few seconds) into a template folder; ``store`` hands each test
its own copy, so tests may change it freely.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from memory import locks

from tests.continuity.conftest import Replay
from tests.helpers import REPO, hook_env, run_cli
from tests.signatures.conftest import python_source

TRANSCRIPT = REPO / "tests" / "fixtures" / "transcripts" / "py-csv-export.jsonl"
FIRST_SESSION = "cli-sess-first"
CURRENT_SESSION = "cli-sess-current"
CURRENT_TASK = "Add a CSV export of the monthly report"


class Store(NamedTuple):
    """A populated data folder, the project it belongs to, and how to run the CLI against it."""

    home: Path
    project: Path
    env: dict[str, str]

    def cli(self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
        """``python -m memory ARGS`` in the project, against this store."""
        return run_cli(*args, cwd=cwd or self.project, env={**self.env, **(env or {})})

    def db(self) -> sqlite3.Connection:
        """A connection to the store (rows as sqlite3.Row)."""
        conn = sqlite3.connect(self.home / "memory.db")
        conn.row_factory = sqlite3.Row
        return conn


def store_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of hooks and CLI for a store at ``home``: everything on, no Ollama, no API key."""
    env = hook_env(MEMORY_HOME=str(home), MEMORY_EMBEDDINGS_PROVIDER="builtin", **extra)
    for name in ("ANTHROPIC_API_KEY", "CLAUDE_PLUGIN_DATA", "MEMORY_DISABLE", "CLAUDE_CODE_SESSION_ID"):
        env.pop(name, None)
    return env


def build_store(root: Path) -> Store:
    """Two sessions of one git project replayed through the real hooks, the worker's extraction awaited.

    The data folder is ``root/data`` and the project ``root/project`` (both may exist already, empty).
    """
    home, project = root / "data", root / "project"
    project.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "src").mkdir()
    big = project / "src" / "services.py"
    big.write_text(python_source(600)[0])
    transcript = root / "transcripts" / f"{FIRST_SESSION}.jsonl"
    transcript.parent.mkdir()
    shutil.copy(TRANSCRIPT, transcript)
    env = store_env(home)

    first = Replay(project, env, FIRST_SESSION, transcript)
    first.session_start("startup")
    first.send("UserPromptSubmit", first.payload("UserPromptSubmit", prompt="Export the reports as CSV files"))
    first.task_create("1", "Export the reports as CSV")
    first.task_update("1", "in_progress")
    _narrowed_read(first, big)
    first.edit("src/export.py")
    first.bash("pytest tests/test_export.py", error="Exit code 1\nImportError: cannot import name 'render'")
    first.pre_compact("manual")
    first.session_end("prompt_input_exit")
    _wait_for_worker(home)

    current = Replay(project, env, CURRENT_SESSION)
    current.session_start("startup")
    current.send("UserPromptSubmit", current.payload(
        "UserPromptSubmit", prompt="pytest fails with ImportError in export.py again, how did we fix it?"))
    current.task_create("1", CURRENT_TASK)
    current.task_update("1", "in_progress")
    current.edit("src/report.py")
    current.edit("src/export.py")
    current.read("src/report.py")
    return Store(home, project, env)


def _narrowed_read(replay: Replay, path: Path) -> None:
    """A whole-file Read of a large file: the PreToolUse hook narrows it, PostToolUse sees the narrowed Read."""
    pre = replay.payload("PreToolUse-Read", tool_input={"file_path": str(path)})
    answer = replay.send("PreToolUse", pre)
    assert answer and answer["hookSpecificOutput"]["updatedInput"]["limit"], answer
    limit = answer["hookSpecificOutput"]["updatedInput"]["limit"]
    head = "".join(path.read_text().splitlines(keepends=True)[:limit])
    replay.tool("PostToolUse-Read", tool_use_id=pre["tool_use_id"],
                tool_input={"file_path": str(path), "offset": 1, "limit": limit},
                tool_response={"type": "text", "file": {"filePath": str(path), "content": head, "numLines": limit,
                                                        "startLine": 1, "totalLines": 600}})


def _wait_for_worker(home: Path, timeout: float = 120) -> None:
    """Until the detached worker the hooks started has no job left and has let go of its lock."""
    deadline = time.time() + timeout
    conn = sqlite3.connect(home / "memory.db")
    try:
        while time.time() < deadline:
            left = conn.execute("SELECT count(*) FROM jobs WHERE status IN ('pending', 'running')").fetchone()[0]
            if left == 0 and not locks.is_held(str(home / "worker.lock")):
                return
            time.sleep(0.2)
    finally:
        conn.close()
    raise AssertionError("the worker did not finish its jobs")


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The populated store, built once."""
    return build_store(tmp_path_factory.mktemp("cli-store"))


@pytest.fixture
def store(store_template: Store, tmp_path: Path) -> Store:
    """This test's own copy of the populated store (same project folder, own data folder)."""
    home = tmp_path / "data"
    shutil.copytree(store_template.home, home, ignore=shutil.ignore_patterns("*.lock", "worker.*"))
    return Store(home, store_template.project, store_env(home))
