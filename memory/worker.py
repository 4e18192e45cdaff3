"""The detached worker: drains the job queue, then exits. No daemon, no port.

Hooks start it with ``start_detached()`` (a new session with stdio on /dev/null, via ``posix_spawn`` so the
hook pays neither ``subprocess`` nor a fork of itself). At most one worker runs per data folder: it holds an
exclusive ``fcntl`` lock on ``<data>/worker.lock``; a second one exits at once. When the queue looks empty the
worker releases the lock and looks once more, so a job queued while it was finishing is never stranded (the
hook that queued it either sees the lock free and starts a worker, or the finishing worker sees the job).

Hooks start it as ``hooks/run.py worker``; by hand: ``python -m memory.worker`` or ``python -m memory worker run``.
"""

from __future__ import annotations

import os
import sys

from memory import locks, paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from memory.config import Worker
    from memory.project import Project


def lock_path() -> str:
    """The lock file a running worker holds."""
    return os.path.join(paths.data_home(), "worker.lock")


def _try_lock() -> int | None:
    """An fd holding the exclusive worker lock (its file noting our pid), or None when another worker has it."""
    paths.ensure_private_dir(paths.data_home())
    fd = locks.try_lock(lock_path())
    if fd is not None:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
    return fd


_unlock = locks.release


def is_running() -> bool:
    """True when a worker holds the lock right now."""
    return locks.is_held(lock_path())


def start_detached() -> int | None:
    """Start a worker in the background unless one is running; return its pid (None when not started)."""
    if is_running():
        return None
    devnull = os.devnull
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, devnull, os.O_WRONLY, 0),
    ]
    # The plugin's own script, not ``-m memory.worker``: the hook's working directory is the user's project, and
    # ``-m`` would put it first on sys.path, where a project's own memory.py would shadow ours.
    script = os.path.join(paths.PLUGIN_ROOT, "hooks", "run.py")
    return os.posix_spawn(sys.executable, [sys.executable, script, "worker"], dict(os.environ),
                          file_actions=actions, setsid=True)


def extract_later(conn: sqlite3.Connection, *, reason: str, session_id: str, project: Project, project_id: int,
                  transcript_path: str | None, cwd: str) -> None:
    """Queue learning extraction for a session (once per session, reason and transcript size) and start a
    detached worker (PreCompact, SessionEnd). A session without a transcript yet has nothing to learn from."""
    from memory.store import jobs

    transcript = transcript_path or ""
    try:
        size = os.path.getsize(transcript) if transcript else 0
    except OSError:
        size = 0
    if size:
        payload = {"session_id": session_id, "project": {"id": project_id, "key": project.key, "root": project.root},
                   "transcript_path": transcript, "cwd": cwd, "reason": reason}
        jobs.enqueue(conn, jobs.EXTRACT, payload, f"{jobs.EXTRACT}:{session_id}:{reason}:{size}")
    start_detached()


def start_if_pending(conn: sqlite3.Connection) -> int | None:
    """SessionStart: start a worker when due jobs wait and none is running; return its pid or None."""
    from memory.store import jobs

    if jobs.due_count(conn) == 0:
        return None
    return start_detached()


def run(conn: sqlite3.Connection | None = None, *, max_jobs: int | None = None) -> dict[str, int]:
    """Take the lock and drain the queue; return counts (done, retried, failed; ``locked`` 1 if another ran)."""
    from memory import store
    from memory.store import jobs

    stats = {"done": 0, "retried": 0, "failed": 0, "reclaimed": 0, "locked": 0}
    fd = _try_lock()
    if fd is None:
        stats["locked"] = 1
        return stats
    conn = conn or store.connect()
    worker_id = f"{os.uname().nodename}:{os.getpid()}"
    try:
        while True:
            stats["reclaimed"] += jobs.reclaim_stale(conn)
            _drain(conn, worker_id, stats, max_jobs)
            if max_jobs is not None and stats["done"] + stats["retried"] + stats["failed"] >= max_jobs:
                break
            _unlock(fd)
            fd = None
            if jobs.due_count(conn) == 0:
                break
            fd = _try_lock()
            if fd is None:
                break  # another worker took over
    finally:
        if fd is not None:
            _unlock(fd)
    return stats


def _drain(conn: sqlite3.Connection, worker_id: str, stats: dict[str, int], max_jobs: int | None) -> None:
    from memory import log
    from memory.store import jobs

    while max_jobs is None or stats["done"] + stats["retried"] + stats["failed"] < max_jobs:
        job = jobs.claim(conn, worker_id)
        if job is None:
            return
        try:
            run_job(conn, job)
            stats["done"] += 1
        except Exception as exc:  # a job's failure must not stop the queue
            message = f"{type(exc).__name__}: {exc}"
            log.error("worker", f"job {job['id']} ({job['kind']}) failed: {message}", exc)
            settings = _worker_settings(job)
            gave_up = _retry_or_give_up(conn, job, message, settings)
            stats["failed" if gave_up else "retried"] += 1
            _record_error(conn, message, job)


def _retry_or_give_up(conn: sqlite3.Connection, job: sqlite3.Row, error: str, settings: Worker) -> bool:
    """After a failed attempt, retry the job later (the backoff doubling each attempt) or, after
    ``settings.max_attempts`` attempts, give it up; True when given up."""
    from memory.store import jobs

    attempts = int(job["attempts"])
    if attempts >= settings.max_attempts:
        jobs.give_up(conn, job["id"], error)
        return True
    jobs.retry_later(conn, job["id"], error, float(settings.backoff_seconds) * (2 ** (attempts - 1)))
    return False


def run_job(conn: sqlite3.Connection, job: sqlite3.Row) -> None:
    """Run one claimed job; the handler marks it done inside its own write transaction."""
    from memory.store import jobs

    payload = _payload(job)
    if job["kind"] == jobs.EXTRACT:
        from memory.learning.pipeline import run_extraction

        run_extraction(conn, job["id"], payload)
        prepare_next_session(conn, payload)
    elif job["kind"] == jobs.REEMBED:
        from memory.vectors.choose import reembed_all

        reembed_all(conn, job["id"], payload)
    elif job["kind"] == jobs.REINDEX:
        from memory.vectors.choose import reindex

        reindex(conn)
        jobs.complete(conn, job["id"])
    else:
        raise ValueError(f"unknown job kind {job['kind']!r}")


def prepare_next_session(conn: sqlite3.Connection, payload: dict[str, Any]) -> bool:
    """Embed the query the project's next SessionStart will build (``memory.vectors.next_query``); True when
    saved. Never fails the job: without it SessionStart ranks by keywords."""
    from memory import log

    project = payload.get("project") or {}
    project_id, root = project.get("id"), project.get("root")
    if project_id is None or not root or not os.path.isdir(root):
        return False
    try:
        from memory.config import load_settings
        from memory.recall import session_query
        from memory.vectors import next_query
        from memory.vectors.choose import worker_embedder

        query = session_query(conn, project_id, root)
        if not query.strip():
            return False
        embedder = worker_embedder(load_settings(root).embeddings)
        next_query.save(project_id, embedder.model, query, embedder.embed_many([query])[0])
        return True
    except Exception as exc:
        log.warning("worker", f"next session query not prepared: {type(exc).__name__}: {exc}")
        return False


def _payload(job: sqlite3.Row) -> dict[str, Any]:
    import json

    return json.loads(job["payload_json"] or "{}")


def _worker_settings(job: sqlite3.Row) -> Worker:
    from memory.config import load_settings

    root = (_payload(job).get("project") or {}).get("root")
    return load_settings(root).worker


def _record_error(conn: sqlite3.Connection, message: str, job: sqlite3.Row) -> None:
    from memory.store.core import record_error

    try:
        session_id = _payload(job).get("session_id")
        record_error(conn, "worker", f"job {job['id']} ({job['kind']}): {message}", session_id=session_id)
    except Exception:
        pass


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m memory.worker``: run until the queue is empty, never raise."""
    os.umask(0o077)
    try:
        run()
    except Exception as exc:
        from memory import log

        log.error("worker", f"worker stopped: {type(exc).__name__}: {exc}", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
