"""The SQLite store: the single source of truth.

``connect()`` opens the database the way every part of the plugin needs it: created private (0600), WAL
journal so readers never block the writer, a busy timeout so concurrent hooks wait instead of failing,
foreign keys on, autocommit with explicit ``transaction()`` blocks, and the schema migrated forward (with a
backup first). A file that is not a database, or a malformed one, is moved aside -- never deleted -- and a
fresh database takes its place.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator

from memory import paths
from memory.store.clock import SQL_NOW, SQL_NOW_OFFSET, now_iso
from memory.store.migrations import latest_version, migrate

__all__ = ["connect", "transaction", "now_iso", "SQL_NOW", "SQL_NOW_OFFSET", "is_corruption", "move_aside",
           "latest_version"]

CORRUPTION_MARKERS = ("file is not a database", "database disk image is malformed", "file is encrypted")


def connect(path: str | None = None, *, timeout_s: float = 2.0, migrate_schema: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path`` (default: the data folder's memory.db)."""
    path = str(path) if path is not None else paths.db_path()
    paths.ensure_private_dir(os.path.dirname(path))
    _create_private(path)
    try:
        conn = _open(path, timeout_s)
        if migrate_schema:
            migrate(conn, path)
        return conn
    except sqlite3.DatabaseError as exc:
        if not is_corruption(exc):
            raise
        moved = move_aside(path)
        conn = _open(path, timeout_s)
        migrate(conn, path)
        _record_store_error(conn, f"corrupt database moved aside to {os.path.basename(moved)}: {exc}")
        return conn


def _create_private(path: str) -> None:
    if not os.path.exists(path):
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        except FileExistsError:
            pass


def _open(path: str, timeout_s: float) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=timeout_s, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]  # also validates the file header
    if mode != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction taken up front (BEGIN IMMEDIATE), committed on success, rolled back on error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def is_corruption(exc: BaseException) -> bool:
    """True when ``exc`` says the database file itself is damaged (not merely locked or read-only)."""
    return isinstance(exc, sqlite3.DatabaseError) and any(m in str(exc).lower() for m in CORRUPTION_MARKERS)


def move_aside(path: str) -> str:
    """Rename a damaged database (and its -wal/-shm files) to ``<name>.corrupt-<time>``; return the new path."""
    target = f"{path}.corrupt-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{os.getpid()}"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.replace(path + suffix, target + suffix)
    return target


def _record_store_error(conn: sqlite3.Connection, message: str) -> None:
    """Write the message to the log file and (best effort) the ``errors`` table."""
    from memory import log
    from memory.store.core import record_error

    log.error("store", message)
    with contextlib.suppress(sqlite3.Error):
        record_error(conn, "store", message)
