"""Forward-only schema migrations, one SQL file per version: ``NNNN_name.sql``.

The schema version lives in SQLite's ``PRAGMA user_version``. Before migrating a database that already holds
data, a full copy is written to ``<data>/backups/`` with SQLite's online backup API, so no migration can lose
what users stored. Migrations run under a file lock so that concurrent hooks migrate once.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator

from memory import paths

MIGRATIONS_DIR = os.path.dirname(os.path.abspath(__file__))
KEEP_BACKUPS = 5


def available() -> list[tuple[int, str]]:
    """Every migration as (version, file path), oldest first."""
    found = []
    for name in os.listdir(MIGRATIONS_DIR):
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), os.path.join(MIGRATIONS_DIR, name)))
    return sorted(found)


def latest_version() -> int:
    """The schema version this code writes."""
    return available()[-1][0]


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version of an open database (0 for a new one)."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, db_file: str) -> list[int]:
    """Bring the database up to ``latest_version()`` (backing it up first); return the versions applied."""
    if current_version(conn) >= latest_version():
        return []
    from memory import locks

    with locks.hold(db_file + ".migrate.lock"):
        version = current_version(conn)
        if 0 < version < latest_version():
            backup(conn, db_file, version)
        return apply_pending(conn)


def apply_pending(conn: sqlite3.Connection) -> list[int]:
    """Apply every migration newer than the database, oldest first, each in its own transaction; return them.

    No lock and no backup: ``migrate`` adds those for a database file.
    """
    version = current_version(conn)
    pending = [(v, f) for v, f in available() if v > version]
    for number, sql_file in pending:
        with open(sql_file, encoding="utf-8") as handle:
            _apply(conn, number, handle.read())
    return [v for v, _ in pending]


def backup(conn: sqlite3.Connection, db_file: str, version: int) -> str:
    """Copy the whole database to ``backups/<name>-v<version>-<time>.db`` and keep the newest few.

    The copy is written under a ``.partial`` name and renamed only once complete, so a backup killed half way
    never counts among the kept ones; such leftovers are removed by the next backup (which holds the lock).
    """
    folder = os.path.join(os.path.dirname(db_file), "backups")
    paths.ensure_private_dir(folder)
    stem = os.path.splitext(os.path.basename(db_file))[0]
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 1_000_000_000:09d}"
    target = os.path.join(folder, f"{stem}-v{version}-{stamp}.db")
    partial = target + ".partial"
    for name in os.listdir(folder):
        if name.endswith(".partial"):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
    try:
        dest = sqlite3.connect(partial)
        try:
            conn.backup(dest)
        finally:
            dest.close()
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    copies = sorted(name for name in os.listdir(folder) if name.startswith(f"{stem}-v") and name.endswith(".db"))
    for stale in copies[:-KEEP_BACKUPS]:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, stale))
    return target


def _apply(conn: sqlite3.Connection, number: int, sql: str) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _statements(sql: str) -> Iterator[str]:
    """Split a script into complete statements (trigger bodies keep their inner semicolons)."""
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()

