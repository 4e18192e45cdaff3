"""An edit is stored once, as the session's ``modify`` event, under one canonical name (``canonical_path``); the
pre-read reads it there, and migration 0014 carried over what ``signature_edits`` held."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from memory import store
from memory.project import canonical_path
from memory.signatures import accounting
from memory.store import migrations
from tests.support.session import hook_env, hook_output, payload, run_hook


def test_canonical_path_inside_and_outside_the_project(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    assert canonical_path(str(root / "src" / "app.py"), str(root)) == ("src/app.py", False)
    assert canonical_path(str(root / "src" / ".." / "app.py"), str(root)) == ("app.py", False)
    assert canonical_path("src/app.py", str(root)) == ("src/app.py", False)
    assert canonical_path(str(root), str(root)) == (".", False)
    assert canonical_path(str(tmp_path / "projectile" / "x.py"), str(root)) == (str(tmp_path / "projectile/x.py"), True)
    assert canonical_path("/etc//hosts", str(root)) == ("/etc/hosts", True)


def test_canonical_path_of_a_file_reached_through_a_symlinked_folder(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (tmp_path / "alias").symlink_to(root)
    assert canonical_path(str(tmp_path / "alias" / "src" / "app.py"), str(root)) == ("src/app.py", False)


@pytest.mark.parametrize("continuity", ["1", "0"])
def test_an_edit_is_stored_once_whichever_feature_is_on(memory_home: Path, project_dir: Path, continuity: str) -> None:
    source = project_dir / "src" / "billing.py"
    source.parent.mkdir()
    source.write_text("def total(): return 1\n")
    env = hook_env(MEMORY_CONTINUITY_ENABLED=continuity)
    body = payload("PostToolUse", "s1", str(project_dir), tool_name="Edit", tool_use_id="toolu_1",
                   tool_input={"file_path": str(source), "old_string": "1", "new_string": "2"},
                   tool_response={"filePath": str(source)})
    assert hook_output(run_hook("PostToolUse", body, env=env)) is None
    conn = sqlite3.connect(memory_home / "memory.db")
    holding = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"):
        for row in conn.execute(f"SELECT * FROM {table}"):
            if any(isinstance(value, str) and "billing.py" in value for value in row):
                holding.append(table)
    assert holding == ["events"]
    assert conn.execute("SELECT kind, path FROM events").fetchall() == [("modify", "src/billing.py")]


def _database_at(path: Path, version: int) -> sqlite3.Connection:
    """A database migrated up to ``version`` only (how an older plugin left it)."""
    conn = sqlite3.connect(path, isolation_level=None)
    everything = migrations.available()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migrations, "available", lambda: [m for m in everything if m[0] <= version])
        migrations.apply_pending(conn)
    return conn


def test_migration_keeps_every_edit_signature_edits_held(tmp_path: Path) -> None:
    db = tmp_path / "memory.db"
    old = _database_at(db, 13)
    old.execute("INSERT INTO projects(id, key, root, name) VALUES (1, '/work/app/.git', '/work/app', 'app'), "
                "(2, '/work/app/vendor/lib', '/work/app/vendor/lib', 'lib')")
    old.execute("INSERT INTO sessions(id, project_id, cwd) VALUES ('s1', 1, '/work/app'), ('s2', 2, NULL), "
                "('s3', 1, '/work/app-feature')")
    old.execute("INSERT INTO events(session_id, project_id, tool, kind, path) VALUES ('s1', 1, 'Edit', 'modify', 'a.py')")
    old.executemany("INSERT INTO signature_edits(session_id, path, ts) VALUES (?, ?, '2026-01-02T03:04:05.000Z')", [
        ("s1", "/work/app/a.py"),                # continuity has it already
        ("s1", "/work/app/src/b.py"),            # only the pre-read's record (continuity was off)
        ("s2", "/work/app/vendor/lib/c.py"),     # the session's project
        ("s2", "/work/app/d.py"),                # outside the session's project: absolute, as the hook names it
        ("gone", "/work/app/vendor/lib/e.py"),   # no session row: the longest root that holds it
        ("s1", "/elsewhere/f.py"),               # in no known project: kept absolute, flagged outside
        ("s3", "/work/app-feature/g.py"),        # a second worktree: its working directory is its root
    ])
    old.close()
    conn = store.connect(str(db))
    assert "signature_edits" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    rows = {tuple(r) for r in conn.execute(
        "SELECT session_id, project_id, tool, kind, path, outcome, data_json, ts FROM events WHERE tool = 'unknown'")}
    when, outside = "2026-01-02T03:04:05.000Z", '{"outside": true}'
    assert rows == {
        ("s1", 1, "unknown", "modify", "src/b.py", "ok", None, when),
        ("s2", 2, "unknown", "modify", "c.py", "ok", None, when),
        ("s2", 2, "unknown", "modify", "/work/app/d.py", "ok", outside, when),
        ("gone", 2, "unknown", "modify", "e.py", "ok", None, when),
        ("s1", 1, "unknown", "modify", "/elsewhere/f.py", "ok", outside, when),
        ("s3", 1, "unknown", "modify", "g.py", "ok", None, when),
    }
    assert conn.execute("SELECT count(*) FROM events WHERE path = 'a.py'").fetchone()[0] == 1
    # Every carried-over edit still stops narrowing, asked as the pre-read asks (the absolute path, the root).
    for session, path, root in [("s1", "/work/app/a.py", "/work/app"), ("s1", "/work/app/src/b.py", "/work/app"),
                                ("s2", "/work/app/vendor/lib/c.py", "/work/app/vendor/lib"),
                                ("s2", "/work/app/d.py", "/work/app/vendor/lib"),
                                ("gone", "/work/app/vendor/lib/e.py", "/work/app/vendor/lib"),
                                ("s1", "/elsewhere/f.py", "/work/app"),
                                ("s3", "/work/app-feature/g.py", "/work/app-feature")]:
        assert accounting.was_edited(conn, session, path, root), (session, path)
    assert not accounting.was_edited(conn, "s2", "/work/app/a.py", "/work/app")
