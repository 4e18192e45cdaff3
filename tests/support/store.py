"""The store factory: a real, migrated store for in-process tests (``open_store``), a populated store built the
way a user's is, through the real hooks and worker (``build_store``), and read-only looks into a data folder
that hook processes wrote (``db``, ``rows``, ``errors``, ``wait_for_worker``)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any, NamedTuple

from memory import locks, store
from memory.config import Settings, load_settings
from memory.project import Project, find_project
from memory.store.core import upsert_project
from tests.support.session import REPO, Session, hook_env, run_cli
from tests.support.sources import python_source


class StoreFixture(NamedTuple):
    """An open store, a project in it, and the effective settings for that project."""

    conn: sqlite3.Connection
    project: Project
    project_id: int
    settings: Settings


def open_store(project_dir: Path, environ: dict[str, str] | None = None) -> StoreFixture:
    """The store of the current data folder (``MEMORY_HOME``), with ``project_dir`` registered as a project."""
    conn = store.connect()
    project = find_project(str(project_dir))
    return StoreFixture(conn, project, upsert_project(conn, project), load_settings(project.root, environ))


def add_learning(conn: sqlite3.Connection, project_id: int | None, text: str, category: str = "fact", *,
                 anchors: list[dict[str, Any]] | None = None, files: list[str] | None = None,
                 session_id: str = "earlier-session", confidence: float = 0.8) -> int:
    """Store a learning through the product's one writer of ``learnings``, as the extraction pipeline does
    (``project_id`` None: a global learning); its id."""
    from memory.learning.model import Learning
    from memory.learning.storage import add_or_reinforce

    learning = Learning(category=category, text=text, files=list(files or []), anchors=list(anchors or []),
                        confidence=confidence, scope="project" if project_id else "global")
    learning_id, _ = add_or_reinforce(conn, project_id=project_id, learning=learning, session_id=session_id,
                                      vector=None, model=None)
    assert learning_id is not None
    return learning_id


# ---- looking into a data folder that processes wrote ----------------------------------------------------------

def db_file(home: Path) -> Path:
    """The plugin's database in a data folder (memory.paths.db_path under MEMORY_HOME=home)."""
    return Path(home) / "memory.db"


def db(home: Path) -> sqlite3.Connection:
    """A connection to the store of the data folder ``home`` (rows as sqlite3.Row)."""
    conn = sqlite3.connect(db_file(home))
    conn.row_factory = sqlite3.Row
    return conn


def rows(home: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """The rows of a query on the data folder's store, as dicts (the store opened read-only: not migrated)."""
    conn = sqlite3.connect(f"file:{db_file(home)}?mode=ro", uri=True, timeout=5)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


def errors(home: Path) -> list[str]:
    """Errors the hooks recorded."""
    with db(home) as conn:
        return [r["message"] for r in conn.execute("SELECT message FROM errors")]


def worker_busy(home: Path) -> bool:
    """True while a worker holds its lock, or jobs are running or due (a worker is about to start)."""
    if locks.is_held(str(Path(home) / "worker.lock")):
        return True
    if not db_file(home).exists():
        return False
    due = rows(home, "SELECT count(*) AS n FROM jobs WHERE status = 'running' OR (status = 'pending' "
                     "AND not_before <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))")
    return due[0]["n"] > 0


def wait_for_worker(home: Path, timeout: float = 60.0) -> list[dict[str, Any]]:
    """Wait until the detached worker has drained the queue; return the jobs table. Fails on timeout."""
    deadline = time.monotonic() + timeout
    while worker_busy(home):
        if time.monotonic() > deadline:
            raise AssertionError(f"the worker did not finish within {timeout}s: "
                                 f"{rows(home, 'SELECT id, kind, status, attempts, last_error FROM jobs')}")
        time.sleep(0.1)
    if not db_file(home).exists():
        return []
    return rows(home, "SELECT * FROM jobs ORDER BY id")


# ---- a populated store, built through the real hooks ----------------------------------------------------------

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
        return db(self.home)


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

    first = Session(project, env, FIRST_SESSION, transcript)
    first.session_start("startup")
    first.send("UserPromptSubmit", first.payload("UserPromptSubmit", prompt="Export the reports as CSV files"))
    first.task_create("1", "Export the reports as CSV")
    first.task_update("1", "in_progress")
    _narrowed_read(first, big)
    first.edit("src/export.py")
    first.bash("pytest tests/test_export.py", error="Exit code 1\nImportError: cannot import name 'render'")
    first.pre_compact("manual")
    first.session_end("prompt_input_exit")
    wait_for_worker(home, timeout=120)

    current = Session(project, env, CURRENT_SESSION)
    current.session_start("startup")
    current.send("UserPromptSubmit", current.payload(
        "UserPromptSubmit", prompt="pytest fails with ImportError in export.py again, how did we fix it?"))
    current.task_create("1", CURRENT_TASK)
    current.task_update("1", "in_progress")
    current.edit("src/report.py")
    current.edit("src/export.py")
    current.read("src/report.py")
    return Store(home, project, env)


def copy_store(template: Store, home: Path) -> Store:
    """A copy of a populated store's data folder at ``home`` (same project folder), free to change."""
    shutil.copytree(template.home, home, ignore=shutil.ignore_patterns("*.lock", "worker.*"))
    return Store(home, template.project, store_env(home))


def _narrowed_read(session: Session, path: Path) -> None:
    """A whole-file Read of a large file: the PreToolUse hook narrows it, PostToolUse sees the narrowed Read."""
    pre = session.payload("PreToolUse-Read", tool_input={"file_path": str(path)})
    answer = session.send("PreToolUse", pre)
    assert answer and answer["hookSpecificOutput"]["updatedInput"]["limit"], answer
    limit = answer["hookSpecificOutput"]["updatedInput"]["limit"]
    head = "".join(path.read_text().splitlines(keepends=True)[:limit])
    session.tool("PostToolUse-Read", tool_use_id=pre["tool_use_id"],
                 tool_input={"file_path": str(path), "offset": 1, "limit": limit},
                 tool_response={"type": "text", "file": {"filePath": str(path), "content": head, "numLines": limit,
                                                         "startLine": 1, "totalLines": 600}})
