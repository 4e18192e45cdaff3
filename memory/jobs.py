"""The durable job queue (the ``jobs`` table) that the detached worker drains.

A job is ``pending`` until a worker claims it (``running``, attempts + 1), then ``done``, or back to
``pending`` with a growing ``not_before`` after a failure, or ``failed`` for good after ``worker.max_attempts``
attempts (its ``last_error`` kept for ``status``). ``dedupe_key`` is unique over all jobs, so the same piece
of work is never queued twice. Only one worker runs at a time (it holds a lock), so a ``running`` job seen by
a worker that just took the lock belongs to a worker that died: it is put back to ``pending``.

``enqueue_extraction`` runs inside SessionEnd and PreCompact hooks: one INSERT, stdlib only.
"""

from __future__ import annotations

import json
import os
import sqlite3

from memory.store import SQL_NOW, SQL_NOW_OFFSET, transaction

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.project import Project

EXTRACT = "extract"
REEMBED = "reembed"
REINDEX = "reindex"


def enqueue(conn: sqlite3.Connection, kind: str, payload: dict[str, Any], dedupe_key: str | None = None) -> int | None:
    """Queue a job; return its id, or None when a job with the same ``dedupe_key`` already exists."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO jobs(kind, payload_json, dedupe_key) VALUES (?, ?, ?)",
        (kind, json.dumps(payload), dedupe_key),
    )
    return cur.lastrowid if cur.rowcount else None


def enqueue_extraction(conn: sqlite3.Connection, *, reason: str, session_id: str, project: Project,
                       project_id: int, transcript_path: str | None, cwd: str) -> int | None:
    """Queue learning extraction for a session (once per session, reason and transcript size)."""
    transcript = transcript_path or ""
    try:
        size = os.path.getsize(transcript) if transcript else 0
    except OSError:
        size = 0
    if not size:
        return None  # nothing to learn from (no transcript yet)
    payload = {
        "session_id": session_id,
        "project": {"id": project_id, "key": project.key, "root": project.root},
        "transcript_path": transcript,
        "cwd": cwd,
        "reason": reason,
    }
    return enqueue(conn, EXTRACT, payload, f"{EXTRACT}:{session_id}:{reason}:{size}")


def due_count(conn: sqlite3.Connection) -> int:
    """Pending jobs whose time has come."""
    return conn.execute(f"SELECT count(*) FROM jobs WHERE status = 'pending' AND not_before <= {SQL_NOW}").fetchone()[0]


def reclaim_stale(conn: sqlite3.Connection) -> int:
    """Put ``running`` jobs back to ``pending`` (call only while holding the worker lock); return how many."""
    cur = conn.execute(
        f"UPDATE jobs SET status = 'pending', locked_by = NULL, locked_at = NULL, updated_at = {SQL_NOW}, "
        "last_error = coalesce(last_error, 'worker stopped while running the job') WHERE status = 'running'"
    )
    return cur.rowcount


def claim(conn: sqlite3.Connection, worker_id: str) -> sqlite3.Row | None:
    """Take the oldest due pending job (status running, attempts + 1); None when there is none."""
    with transaction(conn):
        row = conn.execute(
            f"SELECT id FROM jobs WHERE status = 'pending' AND not_before <= {SQL_NOW} ORDER BY id LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        conn.execute(
            f"UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = ?, locked_at = {SQL_NOW}, "
            f"updated_at = {SQL_NOW} WHERE id = ?",
            (worker_id, row["id"]),
        )
        return conn.execute("SELECT * FROM jobs WHERE id = ?", (row["id"],)).fetchone()


def complete(conn: sqlite3.Connection, job_id: int) -> None:
    """Mark a job done (callers run this in the same transaction as the job's writes)."""
    conn.execute(
        f"UPDATE jobs SET status = 'done', locked_by = NULL, last_error = NULL, updated_at = {SQL_NOW} WHERE id = ?",
        (job_id,),
    )


def fail(conn: sqlite3.Connection, job: sqlite3.Row, error: str, *, max_attempts: int, backoff_seconds: float) -> str:
    """Record a failed attempt: retry later (backoff doubling each attempt) or give up; return the new status."""
    attempts = int(job["attempts"])
    if attempts >= max_attempts:
        conn.execute(
            f"UPDATE jobs SET status = 'failed', locked_by = NULL, last_error = ?, updated_at = {SQL_NOW} WHERE id = ?",
            (error[:2000], job["id"]),
        )
        return "failed"
    delay = float(backoff_seconds) * (2 ** (attempts - 1))
    conn.execute(
        "UPDATE jobs SET status = 'pending', locked_by = NULL, last_error = ?, "
        f"not_before = {SQL_NOW_OFFSET}, updated_at = {SQL_NOW} WHERE id = ?",
        (error[:2000], f"+{delay:.3f} seconds", job["id"]),
    )
    return "pending"


def queue_summary(conn: sqlite3.Connection) -> dict[str, Any]:
    """Counts per status, the due count, and the newest error (for ``status``)."""
    counts = {r["status"]: r["n"] for r in conn.execute("SELECT status, count(*) AS n FROM jobs GROUP BY status")}
    last = conn.execute(
        "SELECT id, kind, status, attempts, last_error, updated_at FROM jobs WHERE last_error IS NOT NULL "
        "ORDER BY updated_at DESC LIMIT 1"
    ).fetchone()
    return {
        "pending": counts.get("pending", 0),
        "running": counts.get("running", 0),
        "done": counts.get("done", 0),
        "failed": counts.get("failed", 0),
        "due": due_count(conn),
        "last_error": dict(last) if last else None,
    }
