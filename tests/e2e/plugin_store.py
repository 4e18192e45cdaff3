"""Looking into what our plugin stored during an end-to-end run: its SQLite store and its detached worker.

Read-only on purpose: a test inspects the store the hooks wrote (MEMORY_HOME/memory.db) without migrating
or otherwise changing it.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from memory import locks


def db_file(data_dir: Path) -> Path:
    """The plugin's database in a data folder (memory.paths.db_path under MEMORY_HOME=data_dir)."""
    return data_dir / "memory.db"


def rows(data_dir: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """The rows of a query on the data folder's store, as dicts (the store opened read-only)."""
    conn = sqlite3.connect(f"file:{db_file(data_dir)}?mode=ro", uri=True, timeout=5)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


def worker_busy(data_dir: Path) -> bool:
    """True while a worker holds its lock, or jobs are running or due (a worker is about to start)."""
    if locks.is_held(str(data_dir / "worker.lock")):
        return True
    if not db_file(data_dir).exists():
        return False
    due = rows(data_dir, "SELECT count(*) AS n FROM jobs WHERE status = 'running' OR (status = 'pending' "
                         "AND not_before <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))")
    return due[0]["n"] > 0


def wait_for_worker(data_dir: Path, timeout: float = 60.0) -> list[dict[str, Any]]:
    """Wait until the detached worker has drained the queue; return the jobs table. Fails on timeout."""
    deadline = time.monotonic() + timeout
    while worker_busy(data_dir):
        if time.monotonic() > deadline:
            raise AssertionError(f"the worker did not finish within {timeout}s: "
                                 f"{rows(data_dir, 'SELECT id, kind, status, attempts, last_error FROM jobs')}")
        time.sleep(0.1)
    if not db_file(data_dir).exists():
        return []
    return rows(data_dir, "SELECT * FROM jobs ORDER BY id")
