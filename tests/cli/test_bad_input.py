"""Bad input: unknown ids, no store, an empty store, an older or newer schema, a damaged database, import files
that are not JSON Lines or hold secrets, usage errors. Each: a one-line message, the right exit code, nothing
lost, never a traceback."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.support.store import Store, store_env
from tests.fixtures.secrets_corpus import SECRET_CASES
from tests.support.session import REPO, as_json, failed, ok, payload, run_cli, run_hook

V1_DB = REPO / "tests" / "fixtures" / "db" / "v1.db"
READERS = [["status"], ["learnings"], ["learnings", "pytest"], ["handoffs"], ["handoff", "current"],
           ["signatures"], ["export"], ["worker", "status"], ["prune", "--dry-run"]]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return store_env(home)


@pytest.mark.parametrize("command", [["show", "999"], ["forget", "999"], ["unforget", "999"],
                                     ["forget", "999", "--purge"], ["handoff", "show", "999"]], ids=" ".join)
def test_unknown_ids_exit_1(store: Store, command):
    failed(store.cli(*command), 1, "999")
    failed(store.cli(*command, "--json"), 1, "999")


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_no_store_yet_reads_as_empty_and_creates_nothing(command, env, home, project_dir):
    result = ok(run_cli(*command, env=env, cwd=project_dir))
    ok(run_cli(*command, "--json", env=env, cwd=project_dir))
    assert not (home / "memory.db").exists()
    if command == ["learnings"]:
        assert "No learnings stored yet." in result.stdout
    if command == ["status"]:
        assert "Nothing stored yet." in result.stdout


def test_no_store_yet_unknown_id(env, home, project_dir):
    failed(run_cli("show", "1", env=env, cwd=project_dir), 1, "no learning #1")
    assert not (home / "memory.db").exists()


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_an_empty_store(command, env, project_dir):
    run_hook("SessionStart", payload("SessionStart", cwd=str(project_dir), source="startup"), env=env)
    ok(run_cli(*command, env=env, cwd=project_dir))
    ok(run_cli(*command, "--json", env=env, cwd=project_dir))


def test_a_store_of_an_older_schema_is_migrated_with_a_backup(env, home, project_dir):
    home.mkdir()
    shutil.copy(V1_DB, home / "memory.db")
    data = as_json(run_cli("learnings", "--json", env=env, cwd=project_dir))
    assert [item["text"] for item in data["learnings"]] == ["Use pnpm, not npm"]  # the global one
    assert list((home / "backups").glob("memory-v1-*.db"))  # the v1 file, kept
    with sqlite3.connect(home / "memory.db") as conn:
        assert conn.execute("SELECT count(*) FROM learnings").fetchone()[0] == 2  # nothing lost
    assert "Handoffs: 1 saved" in ok(run_cli("status", env=env, cwd=project_dir)).stdout


@pytest.mark.parametrize("command", [["learnings"], ["show", "1"], ["forget", "1"], ["export"], ["handoffs"],
                                     ["import", "x.jsonl"]], ids=" ".join)
def test_a_damaged_database_is_reported_and_left_alone(command, env, home, project_dir):
    home.mkdir()
    garbage = b"this is not a database " * 200
    (home / "memory.db").write_bytes(garbage)
    (project_dir / "x.jsonl").write_text('{"type": "learning", "category": "tip", "text": "Run make first."}\n')
    failed(run_cli(*command, env=env, cwd=project_dir), 1, "is damaged")
    assert (home / "memory.db").read_bytes() == garbage
    assert sorted(p.name for p in home.iterdir()) == ["memory.db"]


def test_status_on_a_damaged_database_says_so(env, home, project_dir):
    home.mkdir()
    (home / "memory.db").write_bytes(b"x" * 5000)
    text = ok(run_cli("status", env=env, cwd=project_dir)).stdout
    assert "The database cannot be read." in text and "Degraded: database: " in text and "is damaged" in text
    assert as_json(run_cli("status", "--json", env=env, cwd=project_dir))["degraded"][0].startswith("database: ")


def test_a_database_of_a_newer_schema(env, home, project_dir):
    home.mkdir()
    with sqlite3.connect(home / "memory.db") as conn:
        conn.execute("CREATE TABLE future (x)")
        conn.execute("PRAGMA user_version = 999")
    failed(run_cli("learnings", env=env, cwd=project_dir), 1, "newer than this compound-memory")


# --- import -----------------------------------------------------------------------------------------------

def _count(store: Store) -> int:
    with store.db() as conn:
        return conn.execute("SELECT count(*) FROM learnings").fetchone()[0]


@pytest.mark.parametrize("content", [b"category,text\ntip,Run make\n", b'["a", "list"]\n', b"\x89PNG\r\n\x1a\n\x00\xff",
                                     b'{"type": "learning", "category": "nonsense", "text": "x"}\n'],
                         ids=["csv", "json-not-objects", "binary", "not-a-learning"])
def test_import_of_a_file_that_is_not_json_lines(store: Store, tmp_path, content):
    before = _count(store)
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    failed(store.cli("import", str(bad)), 1, "nothing imported")
    assert _count(store) == before


def test_import_of_a_missing_file(store: Store, tmp_path):
    failed(store.cli("import", str(tmp_path / "nope.jsonl")), 1, "cannot read")


def test_import_skips_bad_lines_and_says_which(store: Store, tmp_path):
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text('{"type": "learning", "category": "tip", "text": "Run `make lint` before pushing."}\n'
                     "not json\n\n"
                     '{"category": "fix", "text": "The flaky upload test needs a fresh bucket each run."}\n')
    result = ok(store.cli("import", str(mixed), "--json"))
    assert json.loads(result.stdout)["learnings"] == {"skipped": 1, "added": 2, "reinforced": 0, "unchanged": 0,
                                                      "suppressed": 0, "superseded": 0, "promoted": 0}
    assert result.stderr.strip() == f"memory: skipped line 2 of {mixed}: not JSON"


def test_import_redacts_secrets_on_the_way_in(store: Store, tmp_path):
    cases = SECRET_CASES[:12]
    dump = tmp_path / "secrets.jsonl"
    dump.write_text("".join(json.dumps({"type": "learning", "category": "tip", "text": f"Use this: {text}"}) + "\n"
                            for _, text, _ in cases))
    ok(store.cli("import", str(dump)))
    with store.db() as conn:
        stored = "\n".join(r[0] for r in conn.execute("SELECT text FROM learnings"))
    assert "[REDACTED:" in stored
    for kind, _, secret in cases:
        assert secret not in stored, kind
    assert not any(secret in ok(store.cli("export")).stdout for _, _, secret in cases)


# --- usage errors -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["show", "abc"], ["learnings", "--limit", "0"], ["worker", "sometimes"],
                                     ["handoff"], ["search"], ["forget"], ["status", "--bogus"], ["nope"]],
                         ids=" ".join)
def test_usage_errors_exit_2(store: Store, command):
    failed(store.cli(*command), 2, "")
