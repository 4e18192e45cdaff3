"""The SQLite store: creation, WAL, migrations with backups, concurrency, corruption handling."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from memory import store
from memory.store import migrations
from tests.support.session import REPO

FIXTURES = Path(__file__).parent / "fixtures" / "db"


def test_new_database_is_private_wal_and_at_latest_version(tmp_path: Path) -> None:
    db = tmp_path / "data" / "memory.db"
    conn = store.connect(str(db))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.latest_version()
    assert db.stat().st_mode & 0o777 == 0o600
    assert db.parent.stat().st_mode & 0o777 == 0o700
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table')")}
    assert {"projects", "sessions", "events", "session_state", "handoffs", "file_signatures", "learnings",
            "learnings_fts", "recalls", "jobs", "llm_usage", "hook_runs", "errors"} <= tables


def test_fts_index_follows_learnings(tmp_path: Path) -> None:
    conn = store.connect(str(tmp_path / "memory.db"))
    conn.execute("INSERT INTO learnings(category, text, text_hash) VALUES ('tip', 'run make db before tests', 'a')")
    conn.execute("UPDATE learnings SET text = 'run make migrate before tests' WHERE text_hash = 'a'")
    hits = conn.execute("SELECT rowid FROM learnings_fts WHERE learnings_fts MATCH 'migrate'").fetchall()
    assert len(hits) == 1
    assert conn.execute("SELECT count(*) FROM learnings_fts WHERE learnings_fts MATCH 'db'").fetchone()[0] == 0


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    conn = store.connect(str(tmp_path / "memory.db"))
    with pytest.raises(RuntimeError):
        with store.transaction(conn):
            conn.execute("INSERT INTO errors(source, message) VALUES ('t', 'x')")
            raise RuntimeError("boom")
    assert conn.execute("SELECT count(*) FROM errors").fetchone()[0] == 0


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("v*.db")))
def test_migrates_every_earlier_version_keeping_data(tmp_path: Path, fixture: str) -> None:
    db = tmp_path / "memory.db"
    shutil.copy(FIXTURES / fixture, db)
    before = sqlite3.connect(db)
    old_version = before.execute("PRAGMA user_version").fetchone()[0]
    learnings = before.execute("SELECT id, text FROM learnings ORDER BY id").fetchall()
    handoffs = before.execute("SELECT id, task FROM handoffs ORDER BY id").fetchall()
    before.close()
    conn = store.connect(str(db))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.latest_version()
    assert [tuple(r) for r in conn.execute("SELECT id, text FROM learnings ORDER BY id")] == learnings
    assert [tuple(r) for r in conn.execute("SELECT id, task FROM handoffs ORDER BY id")] == handoffs
    assert learnings and handoffs
    if old_version < migrations.latest_version():
        backups = list((tmp_path / "backups").glob(f"memory-v{old_version}-*.db"))
        assert len(backups) == 1


def test_migration_backs_up_first_and_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "memory.db"
    conn = store.connect(str(db))
    conn.execute("INSERT INTO learnings(category, text, text_hash) VALUES ('fix', 'kept', 'k')")
    conn.close()
    fake_dir = tmp_path / "migrations"
    fake_dir.mkdir()
    for _version, path in migrations.available():
        shutil.copy(path, fake_dir / os.path.basename(path))
    next_version = migrations.latest_version() + 1
    (fake_dir / f"{next_version:04d}_broken.sql").write_text(
        "CREATE TABLE extra (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n")
    monkeypatch.setattr(migrations, "MIGRATIONS_DIR", str(fake_dir))
    with pytest.raises(sqlite3.OperationalError):
        store.connect(str(db))
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA user_version").fetchone()[0] == next_version - 1
    assert check.execute("SELECT name FROM sqlite_master WHERE name = 'extra'").fetchone() is None
    assert check.execute("SELECT text FROM learnings").fetchall() == [("kept",)]
    check.close()
    backup = sqlite3.connect(next((tmp_path / "backups").glob("memory-v*.db")))
    assert backup.execute("SELECT text FROM learnings").fetchall() == [("kept",)]
    backup.close()
    (fake_dir / f"{next_version:04d}_broken.sql").write_text("CREATE TABLE extra (id INTEGER);\n")
    conn = store.connect(str(db))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == next_version


def test_concurrent_first_connections_migrate_once(tmp_path: Path) -> None:
    db = tmp_path / "memory.db"
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from memory import store; "
            "c = store.connect(sys.argv[1]); c.execute(\"INSERT INTO errors(source, message) VALUES ('p', 'x')\")")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db), str(REPO)]) for _ in range(8)]
    assert [p.wait(timeout=60) for p in procs] == [0] * 8
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM errors").fetchone()[0] == 8
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.latest_version()


def test_corrupt_file_is_moved_aside_and_replaced(tmp_path: Path) -> None:
    db = tmp_path / "memory.db"
    db.write_bytes(b"this is not sqlite" * 100)
    conn = store.connect(str(db))
    assert conn.execute("SELECT message FROM errors").fetchone()[0].startswith("corrupt database moved aside")
    aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert aside and aside[0].read_bytes().startswith(b"this is not sqlite")


def test_locked_database_raises_after_busy_timeout(tmp_path: Path) -> None:
    db = tmp_path / "memory.db"
    holder = store.connect(str(db))
    holder.execute("BEGIN EXCLUSIVE")
    other = store.connect(str(db), timeout_s=0.2, migrate_schema=False)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("INSERT INTO errors(source, message) VALUES ('t', 'x')")
    assert not store.is_corruption(sqlite3.OperationalError("database is locked"))
