"""The durable queue and the detached worker: retries, backoff, a killed worker, two workers at once,
and extraction end to end on real transcripts through the real SessionEnd hook."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path


from memory import store, worker
from memory.store import jobs
from tests.support.session import REPO, hook_env, hook_output, payload, run_hook
from tests.support.transcript import fixture_transcripts


def _extraction_job(conn, transcript: Path, session_id: str, project_root: str = "/tmp") -> int:
    return jobs.enqueue(conn, jobs.EXTRACT, {"session_id": session_id, "transcript_path": str(transcript),
                                             "project": {"id": None, "root": project_root}, "cwd": project_root},
                        f"test:{session_id}")


def _learnings(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(
        "SELECT project_id, category, text, seen_count, evidence_json FROM learnings ORDER BY text")]


def _worker_process(home: Path) -> subprocess.Popen:
    env = {**os.environ, "MEMORY_HOME": str(home), "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "memory.worker"], env=env, cwd=str(REPO),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


# --- the queue -------------------------------------------------------------------------------------------

def test_the_same_work_is_queued_once(memory_home):
    conn = store.connect()
    assert jobs.enqueue(conn, jobs.REINDEX, {}, "same") is not None
    assert jobs.enqueue(conn, jobs.REINDEX, {}, "same") is None
    assert jobs.queue_summary(conn)["pending"] == 1


def test_a_failing_job_backs_off_then_stays_failed_with_its_reason(memory_home, monkeypatch):
    monkeypatch.setenv("MEMORY_WORKER_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("MEMORY_WORKER_BACKOFF_SECONDS", "0")
    conn = store.connect()
    job_id = jobs.enqueue(conn, "no-such-kind", {})
    stats = worker.run(conn)
    assert stats["retried"] == 2 and stats["failed"] == 1  # backoff 0: retried within the same run
    row = conn.execute("SELECT status, attempts, last_error FROM jobs WHERE id = ?", (job_id,)).fetchone()
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert "unknown job kind" in row["last_error"]
    assert conn.execute("SELECT count(*) FROM errors WHERE source = 'worker'").fetchone()[0] == 3
    summary = jobs.queue_summary(conn)
    assert summary["failed"] == 1 and "unknown job kind" in summary["last_error"]["last_error"]


def test_backoff_delays_the_retry(memory_home, monkeypatch):
    monkeypatch.setenv("MEMORY_WORKER_BACKOFF_SECONDS", "60")
    conn = store.connect()
    job_id = jobs.enqueue(conn, "no-such-kind", {})
    assert worker.run(conn)["retried"] == 1
    row = conn.execute("SELECT status, not_before > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+50 seconds') AS later "
                       "FROM jobs WHERE id = ?", (job_id,)).fetchone()
    assert row["status"] == "pending" and row["later"] == 1
    assert jobs.due_count(conn) == 0 and worker.start_if_pending(conn) is None


def test_running_jobs_of_a_dead_worker_are_reclaimed(memory_home):
    conn = store.connect()
    job_id = jobs.enqueue(conn, jobs.REINDEX, {})
    assert jobs.claim(conn, "dead-worker")["id"] == job_id
    assert jobs.claim(conn, "other") is None  # running jobs are not handed out twice
    assert worker.run(conn)["reclaimed"] == 1
    row = conn.execute("SELECT status, attempts FROM jobs WHERE id = ?", (job_id,)).fetchone()
    assert (row["status"], row["attempts"]) == ("done", 2)


def test_only_one_worker_holds_the_lock(memory_home):
    conn = store.connect()
    jobs.enqueue(conn, jobs.REINDEX, {})
    fd = worker._try_lock()
    try:
        assert worker.is_running()
        assert worker.run(conn) == {"done": 0, "retried": 0, "failed": 0, "reclaimed": 0, "locked": 1}
        assert worker.start_detached() is None
    finally:
        worker._unlock(fd)
    assert not worker.is_running()


def test_start_detached_runs_a_real_worker_in_its_own_session(memory_home):
    conn = store.connect()
    job_id = jobs.enqueue(conn, jobs.REINDEX, {})
    pid = worker.start_if_pending(conn)
    assert pid is not None and os.getsid(pid) == pid  # a new session: survives the hook's exit
    _wait_exit(pid)
    assert conn.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()[0] == "done"


def _wait_exit(pid: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError("worker did not finish")


# --- extraction end to end --------------------------------------------------------------------------------

def _reference(tmp_path: Path, sessions: list[tuple[Path, str]]) -> list[tuple]:
    """The learnings one clean, uninterrupted worker stores for ``sessions``."""
    home = tmp_path / "reference-home"
    env_home = os.environ["MEMORY_HOME"]
    os.environ["MEMORY_HOME"] = str(home)
    try:
        conn = store.connect()
        for transcript, session in sessions:
            _extraction_job(conn, transcript, session)
        assert worker.run(conn)["done"] == len(sessions)
        return _learnings(conn)
    finally:
        os.environ["MEMORY_HOME"] = env_home


def test_worker_extracts_real_transcripts(memory_home):
    conn = store.connect()
    sessions = [(t, f"s-{i}") for i, t in enumerate(fixture_transcripts())]
    for transcript, session in sessions:
        _extraction_job(conn, transcript, session)
    stats = worker.run(conn)
    assert stats["done"] == len(sessions) and stats["failed"] == stats["retried"] == 0
    rows = conn.execute("SELECT * FROM learnings").fetchall()
    assert len(rows) >= len(sessions)
    assert all(len(r["text"]) <= 300 and r["vector"] and r["embedding_model"] for r in rows)
    assert {r["extractor"] for r in rows} == {"rules"}
    for row in rows:  # every learning is findable by its words (the FTS5 triggers ran)
        word = max(re.findall(r"\w+", row["text"]), key=len)
        matched = conn.execute("SELECT rowid FROM learnings_fts WHERE learnings_fts MATCH ?", (f'"{word}"',))
        assert row["id"] in {r[0] for r in matched}
    from memory.vectors import builtin, lance
    assert lance.count(builtin.MODEL) == len(rows)
    # extracting the same sessions again (a retry, or PreCompact then SessionEnd) changes nothing
    before = _learnings(conn)
    for transcript, session in sessions:
        jobs.enqueue(conn, jobs.EXTRACT, {"session_id": session, "transcript_path": str(transcript),
                                          "project": {"id": None, "root": "/tmp"}}, f"again:{session}")
    worker.run(conn)
    assert _learnings(conn) == before


def test_a_worker_killed_mid_job_is_retried_and_stores_nothing_twice(memory_home, tmp_path):
    sessions = [(t, f"k-{i}") for i, t in enumerate(fixture_transcripts())]
    conn = store.connect()
    for transcript, session in sessions:
        _extraction_job(conn, transcript, session)
    proc = _worker_process(memory_home)
    killed_job = None
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        row = conn.execute("SELECT id FROM jobs WHERE status = 'running'").fetchone()
        if row is not None:
            proc.send_signal(signal.SIGKILL)
            killed_job = row["id"]
            break
        time.sleep(0.002)
    proc.wait(timeout=30)
    assert killed_job is not None, "the worker finished before it could be killed"
    assert conn.execute("SELECT status FROM jobs WHERE id = ?", (killed_job,)).fetchone()[0] in ("running", "done")
    stats = worker.run(conn)
    assert stats["failed"] == 0
    assert conn.execute("SELECT count(*) FROM jobs WHERE status != 'done'").fetchone()[0] == 0
    assert _learnings(conn) == _reference(tmp_path, sessions)


def test_two_workers_started_at_once_run_each_job_once(memory_home, tmp_path):
    sessions = [(t, f"w-{i}") for i, t in enumerate(fixture_transcripts())]
    conn = store.connect()
    for transcript, session in sessions:
        _extraction_job(conn, transcript, session)
    procs = [_worker_process(memory_home) for _ in range(2)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
    rows = conn.execute("SELECT status, attempts FROM jobs").fetchall()
    assert [(r["status"], r["attempts"]) for r in rows] == [("done", 1)] * len(sessions)
    assert _learnings(conn) == _reference(tmp_path, sessions)


def test_session_end_hook_queues_and_the_detached_worker_learns(memory_home, project_dir):
    transcript = max(fixture_transcripts(), key=lambda p: p.stat().st_size)
    copy = project_dir / "transcript.jsonl"
    shutil.copy(transcript, copy)
    event = payload("SessionEnd", session_id="end-1", cwd=str(project_dir), transcript_path=str(copy),
                    reason="prompt_input_exit")
    started = time.perf_counter()
    env = hook_env(MEMORY_CONTINUITY_ENABLED="0")  # the handoff is not what this test is about
    result = run_hook("SessionEnd", event, env=env)
    assert hook_output(result) is None
    conn = store.connect()
    row = conn.execute("SELECT kind, payload_json, dedupe_key FROM jobs").fetchone()
    assert row["kind"] == "extract" and json.loads(row["payload_json"])["transcript_path"] == str(copy)
    run_hook("SessionEnd", event, env=env)  # the same end again: not queued twice
    assert conn.execute("SELECT count(*) FROM jobs").fetchone()[0] == 1
    deadline = time.time() + 90
    while time.time() < deadline and conn.execute("SELECT status FROM jobs").fetchone()[0] != "done":
        time.sleep(0.2)
    assert conn.execute("SELECT status FROM jobs").fetchone()[0] == "done", time.perf_counter() - started
    assert conn.execute("SELECT count(*) FROM learnings").fetchone()[0] > 0
    assert conn.execute("SELECT count(*) FROM learnings WHERE source_session = 'end-1'").fetchone()[0] > 0
