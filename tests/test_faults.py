"""Fault paths found by probing: a dead worker's job, a killed backup, a failing or silent Messages API,
symlinks in the data folder, a lone surrogate, deeply nested JSON, an unexpected ``compactMetadata``."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from memory import log, paths, store, worker
from memory.store import jobs
from memory.config import load_settings
from memory.store import migrations
from tests.support.session import hook_env, payload, run_hook
from tests.support.api_server import ScriptedServer

TRANSCRIPT_LINES = [
    {"type": "user", "uuid": "u1", "parentUuid": None, "sessionId": "s-f", "message": {
        "role": "user", "content": "the tests fail with ModuleNotFoundError: No module named 'app'"}},
    {"type": "assistant", "uuid": "a1", "parentUuid": "u1", "message": {"role": "assistant", "content": [
        {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "pytest -q"}}]}},
    {"type": "user", "uuid": "u2", "parentUuid": "a1", "message": {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "t1", "is_error": True,
         "content": "ModuleNotFoundError: No module named 'app'"}]}},
    {"type": "assistant", "uuid": "a2", "parentUuid": "u2", "message": {"role": "assistant", "content": [
        {"type": "tool_use", "id": "t2", "name": "Bash", "input": {"command": "PYTHONPATH=src pytest -q"}}]}},
    {"type": "user", "uuid": "u3", "parentUuid": "a2", "message": {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "t2", "content": "12 passed in 0.4s"}]}},
    {"type": "user", "uuid": "u4", "parentUuid": "u3", "message": {
        "role": "user", "content": "always use pnpm in this repo, never npm"}},
]


def _transcript(tmp_path: Path, extra: list[dict] = ()) -> Path:
    path = tmp_path / "session.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in [*TRANSCRIPT_LINES, *extra]), encoding="utf-8")
    return path


def _extraction(conn, transcript: Path, session: str = "s-f") -> int:
    return jobs.enqueue(conn, jobs.EXTRACT, {"session_id": session, "transcript_path": str(transcript),
                                             "project": {"id": None, "root": "/tmp"}, "cwd": "/tmp"}, session)


# --- a job left running by a dead worker ------------------------------------------------------------------

def test_a_running_job_whose_lease_expired_is_due_and_restarts_a_worker(memory_home):
    conn = store.connect()
    job_id = jobs.enqueue(conn, jobs.REINDEX, {})
    jobs.claim(conn, "worker-that-was-killed")
    assert jobs.due_count(conn) == 0  # its lease still runs: the worker may be busy
    assert worker.start_if_pending(conn) is None
    conn.execute("UPDATE jobs SET locked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) WHERE id = ?",
                 (f"-{jobs.LEASE_SECONDS + 5} seconds", job_id))
    assert jobs.due_count(conn) == 1
    pid = worker.start_if_pending(conn)
    assert pid is not None
    deadline = time.time() + 60
    while time.time() < deadline and not os.waitpid(pid, os.WNOHANG)[0]:
        time.sleep(0.05)
    row = conn.execute("SELECT status, attempts FROM jobs WHERE id = ?", (job_id,)).fetchone()
    assert (row["status"], row["attempts"]) == ("done", 2)


# --- a killed migration backup ------------------------------------------------------------------------------

def test_a_backup_is_written_under_a_temporary_name_and_a_broken_one_never_counts(memory_home, tmp_path):
    db_file = paths.db_path()
    conn = store.connect()
    conn.execute("INSERT INTO projects(key, root, name) VALUES ('k', '/r', 'r')")
    folder = Path(db_file).parent / "backups"
    folder.mkdir(exist_ok=True)
    for k in range(migrations.KEEP_BACKUPS):
        (folder / f"memory-v1-2020010{k}T000000-000000000.db").write_bytes(b"old")
    killed = folder / "memory-v1-20991231T000000-000000000.db.partial"
    killed.write_bytes(b"SQLite format 3\x00 half")  # what a backup killed half way leaves

    class Failing:
        def backup(self, dest):
            dest.execute("CREATE TABLE half(x)")
            raise KeyboardInterrupt  # killed mid-copy

    with pytest.raises(KeyboardInterrupt):
        migrations.backup(Failing(), db_file, 1)
    names = sorted(p.name for p in folder.iterdir())
    assert not killed.exists() and not any(n.endswith(".partial") for n in names)
    assert len(names) == migrations.KEEP_BACKUPS  # the broken copy took no place among the kept ones

    target = migrations.backup(conn, db_file, 1)
    assert target.endswith(".db") and os.path.exists(target)
    assert sqlite3.connect(target).execute("SELECT key FROM projects").fetchall() == [("k",)]
    kept = sorted(p.name for p in folder.iterdir() if p.name.endswith(".db"))
    assert len(kept) == migrations.KEEP_BACKUPS and os.path.basename(target) in kept


# --- the Messages API failing, refusing, or never answering -------------------------------------------------

@pytest.fixture
def haiku_env(memory_home, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    monkeypatch.setenv("MEMORY_LEARNING_EXTRACTOR", "auto")

    def point_at(url: str):
        monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
        return load_settings(None)
    return point_at


def _run_job(conn, transcript: Path) -> tuple[str, list[str], list[str]]:
    job_id = _extraction(conn, transcript)
    worker.run(conn)
    status = conn.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]
    texts = [r[0] for r in conn.execute("SELECT text FROM learnings")]
    errors = [r[0] for r in conn.execute("SELECT message FROM errors WHERE source = 'haiku'")]
    return status, texts, errors


def test_the_rules_learnings_are_stored_when_the_api_fails(haiku_env, tmp_path):
    with ScriptedServer(fail_with=529) as server:
        haiku_env(server.url)
        conn = store.connect()
        status, texts, errors = _run_job(conn, _transcript(tmp_path))
    assert len(server.requests) == 1  # asked once, no retry
    assert status == "done" and texts, "the rules' learnings were lost with the API call"
    assert any("pnpm" in t for t in texts)
    assert errors and "529" in errors[0]


def test_an_unreachable_api_fails_fast_and_the_rules_stand(haiku_env, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    haiku_env(f"http://127.0.0.1:{port}")
    conn = store.connect()
    started = time.monotonic()
    status, texts, errors = _run_job(conn, _transcript(tmp_path))
    assert time.monotonic() - started < 20
    assert status == "done" and texts and errors


def test_an_api_that_never_answers_is_cut_off_by_the_total_cap(haiku_env, tmp_path, monkeypatch):
    from memory.learning import haiku

    monkeypatch.setattr(haiku, "TOTAL_SECONDS", 1.5)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_say_nothing() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    try:
        haiku_env(f"http://127.0.0.1:{listener.getsockname()[1]}")
        conn = store.connect()
        started = time.monotonic()
        status, texts, errors = _run_job(conn, _transcript(tmp_path))
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
        for s in held:
            s.close()
        listener.close()
    assert elapsed < 15, f"a silent endpoint held the job {elapsed:.0f} s"  # the read timeout alone is 30 s
    assert status == "done" and texts and errors  # (the SDK reports the cut as a connection error)


def test_api_calls_have_short_connect_and_read_timeouts_and_no_retry():
    from memory.learning import haiku

    client = haiku._client()
    assert client.timeout.connect <= 10 and client.timeout.read <= 60 and client.max_retries == 0
    assert haiku.TOTAL_SECONDS <= 120 < jobs.LEASE_SECONDS


# --- symlinks in the data folder ----------------------------------------------------------------------------

@pytest.fixture
def outside(tmp_path: Path) -> Path:
    target = tmp_path / "outside.txt"
    target.write_text("not yours\n")
    return target


def test_the_log_file_is_not_written_through_a_symlink(memory_home, outside, monkeypatch):
    monkeypatch.setattr(log, "_logger", None)
    logs = Path(paths.log_path()).parent
    logs.mkdir(parents=True, exist_ok=True)
    os.symlink(outside, paths.log_path())
    log.error("test", "something failed")
    assert outside.read_text() == "not yours\n"
    assert not os.path.islink(paths.log_path()) and "something failed" in Path(paths.log_path()).read_text()
    assert os.stat(paths.log_path()).st_mode & 0o777 == 0o600


def test_the_worker_lock_is_not_taken_through_a_symlink(memory_home, outside):
    paths.ensure_private_dir(paths.data_home())
    os.symlink(outside, worker.lock_path())
    fd = worker._try_lock()
    try:
        assert fd is not None and not os.path.islink(worker.lock_path())
    finally:
        worker._unlock(fd)
    assert outside.read_text() == "not yours\n"


def test_the_database_is_not_opened_through_a_symlink(memory_home, tmp_path):
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE mine(x)").connection.commit()
    paths.ensure_private_dir(paths.data_home())
    os.symlink(foreign, paths.db_path())
    conn = store.connect()
    conn.execute("INSERT INTO projects(key, root, name) VALUES ('k', '/r', 'r')")
    assert not os.path.islink(paths.db_path())
    assert [r[0] for r in sqlite3.connect(foreign).execute("SELECT name FROM sqlite_master")] == ["mine"]


def test_temp_files_are_created_new_never_through_a_planted_link(memory_home, outside):
    folder = Path(paths.data_home()) / "sessions"
    folder.mkdir(parents=True)
    target = folder / "s.json"
    os.symlink(outside, folder / f".s.json.{os.getpid()}.tmp")  # the temp name write_atomic will use
    paths.write_private_file(str(target), "{}")
    assert outside.read_text() == "not yours\n" and target.read_text() == "{}"
    assert os.stat(target).st_mode & 0o777 == 0o600


# --- bad input that must be classified, not crash ------------------------------------------------------------

def test_a_lone_surrogate_in_a_path_prints_nothing_on_stderr(tmp_path):
    import subprocess
    import sys

    from tests.support.session import REPO

    home = tmp_path / "data"
    env = hook_env(MEMORY_HOME=str(home), PYTHONPATH=str(REPO))
    # A file name that is not UTF-8 reaches Python as a lone surrogate (surrogateescape) and then the log.
    code = "from memory import log; log.warning('continuity', 'transcript /p/t\\udcff.jsonl not used')"
    done = subprocess.run([sys.executable, "-S", "-c", code], env=env, capture_output=True, cwd=REPO)
    assert done.returncode == 0 and done.stderr == b""
    assert "t\\udcff.jsonl not used" in (home / "logs" / "memory.log").read_text(encoding="utf-8")
    body = json.dumps(payload("PreCompact", cwd=str(tmp_path), transcript_path=str(tmp_path / "t") + "\udcff"))
    result = run_hook("PreCompact", body.encode(), env=env)  # the same through a hook: logged, nothing printed
    assert result.returncode == 0 and result.stderr == b"" and result.stdout == b""


def test_deeply_nested_json_is_bad_input_not_an_error(tmp_path):
    home = tmp_path / "data"
    env = hook_env(MEMORY_HOME=str(home))
    nested = b'{"session_id": "s", "prompt": "x", "deep": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    result = run_hook("UserPromptSubmit", nested, env=env)
    assert result.returncode == 0 and result.stderr == b"" and result.stdout == b""
    conn = sqlite3.connect(home / "memory.db")
    assert conn.execute("SELECT outcome, detail FROM hook_runs").fetchall() == [
        ("bad_input", "stdin is JSON nested too deeply")]


@pytest.mark.parametrize("metadata", ["manual", [1, 2], 7, None, {"trigger": ["x"], "preTokens": "many"}])
def test_an_unexpected_compact_metadata_does_not_fail_the_job(memory_home, tmp_path, metadata):
    from memory.transcript import CompactBoundary, iter_records

    boundary = {"type": "system", "subtype": "compact_boundary", "uuid": "c1", "compactMetadata": metadata}
    transcript = _transcript(tmp_path, [boundary])
    assert any(isinstance(r, CompactBoundary) for r in iter_records(str(transcript)))
    conn = store.connect()
    job_id = _extraction(conn, transcript)
    worker.run(conn)
    assert conn.execute("SELECT status, last_error FROM jobs WHERE id = ?", (job_id,)).fetchone()[0] == "done"
