"""The ``jobs`` table (the only module that writes it): the durable queue the detached worker drains.

A job is ``pending`` until a worker claims it (``running``, attempts + 1), then ``done``, or back to
``pending`` with a later ``not_before`` after a failure, or ``failed`` for good (its ``last_error`` kept for
``status``); when to retry and when to give up is the worker's decision (``memory.worker``). ``dedupe_key`` is
unique over all jobs, so the same piece of work is never queued twice. Only one worker runs at a time (it holds
a lock), so a ``running`` job seen by a worker that just took the lock belongs to a worker that died: it is put
back to ``pending``.

Claiming a job takes a lease of ``LEASE_SECONDS`` (from ``locked_at``), longer than a job may run (the API
calls of a job are capped well below it). A ``running`` job whose lease expired was left by a dead worker: it
counts as due, so the next SessionStart starts a worker, which reclaims it.

``enqueue`` runs inside SessionEnd and PreCompact hooks: one INSERT, stdlib only.
"""

from __future__ import annotations

import json
import sqlite3

from memory.store import SQL_NOW, SQL_NOW_OFFSET, transaction

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EXTRACT = "extract"
REEMBED = "reembed"
REINDEX = "reindex"
LEASE_SECONDS = 600
ERROR_CHARS = 2000


def enqueue(conn: sqlite3.Connection, kind: str, payload: dict[str, Any], dedupe_key: str | None = None) -> int | None:
    """Queue a job; return its id, or None when a job with the same ``dedupe_key`` already exists."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO jobs(kind, payload_json, dedupe_key) VALUES (?, ?, ?)",
        (kind, json.dumps(payload), dedupe_key),
    )
    return cur.lastrowid if cur.rowcount else None


def due_count(conn: sqlite3.Connection, lease_seconds: float = LEASE_SECONDS) -> int:
    """Pending jobs whose time has come, and running jobs whose lease expired (their worker died)."""
    return conn.execute(
        f"SELECT count(*) FROM jobs WHERE (status = 'pending' AND not_before <= {SQL_NOW}) "
        f"OR (status = 'running' AND (locked_at IS NULL OR locked_at <= {SQL_NOW_OFFSET}))",
        (f"-{float(lease_seconds):.3f} seconds",)).fetchone()[0]


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


def give_up(conn: sqlite3.Connection, job_id: int, error: str) -> None:
    """Mark a job ``failed`` for good, keeping ``error`` (redacted, cut to ``ERROR_CHARS``)."""
    conn.execute(
        f"UPDATE jobs SET status = 'failed', locked_by = NULL, last_error = ?, updated_at = {SQL_NOW} WHERE id = ?",
        (_error_text(error), job_id),
    )


def retry_later(conn: sqlite3.Connection, job_id: int, error: str, delay_seconds: float) -> None:
    """Put a failed job back to ``pending``, due in ``delay_seconds``, keeping ``error`` (redacted, cut)."""
    conn.execute(
        "UPDATE jobs SET status = 'pending', locked_by = NULL, last_error = ?, "
        f"not_before = {SQL_NOW_OFFSET}, updated_at = {SQL_NOW} WHERE id = ?",
        (_error_text(error), f"+{float(delay_seconds):.3f} seconds", job_id),
    )


def _error_text(error: str) -> str:
    from memory.redact import redact

    return redact(error)[:ERROR_CHARS]


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
