"""Queries on the tables every part shares: projects, sessions, hook runs and errors."""

from __future__ import annotations

import sqlite3

from memory.project import Project
from memory.store.clock import SQL_NOW, SQL_NOW_OFFSET


def project_id(conn: sqlite3.Connection, project: Project) -> int | None:
    """The stored id of ``project`` (None when the memory has never seen it); never inserts."""
    row = conn.execute("SELECT id FROM projects WHERE key = ?", (project.key,)).fetchone()
    return int(row[0]) if row else None


def upsert_project(conn: sqlite3.Connection, project: Project) -> int:
    """The id of ``project``'s row, created on first sight (root and name are those of the first visit)."""
    found = project_id(conn, project)
    if found is not None:
        return found
    conn.execute(
        "INSERT OR IGNORE INTO projects(key, root, name) VALUES (?, ?, ?)", (project.key, project.root, project.name)
    )
    return int(conn.execute("SELECT id FROM projects WHERE key = ?", (project.key,)).fetchone()[0])


def upsert_session(
    conn: sqlite3.Connection,
    session_id: str,
    project_id: int | None,
    *,
    cwd: str | None = None,
    transcript_path: str | None = None,
    source: str | None = None,
    actions: int = 0,
    ended: bool = False,
    end_reason: str | None = None,
) -> int:
    """The one write of a ``sessions`` row: create it on first sight, else refresh its last-seen time and what we
    learned of it (a project, cwd or source only fills a gap; the newest transcript path wins), add ``actions`` to
    its action count and, when ``ended``, record the end. Returns the session's action count."""
    row = conn.execute(
        f"""
        INSERT INTO sessions(id, project_id, cwd, transcript_path, source, action_count, ended_at, end_reason)
        VALUES (?, ?, ?, ?, ?, ?, CASE WHEN ? THEN {SQL_NOW} END, ?)
        ON CONFLICT(id) DO UPDATE SET
            last_seen_at = {SQL_NOW},
            project_id = coalesce(sessions.project_id, excluded.project_id),
            cwd = coalesce(sessions.cwd, excluded.cwd),
            transcript_path = coalesce(excluded.transcript_path, sessions.transcript_path),
            source = coalesce(excluded.source, sessions.source),
            action_count = sessions.action_count + excluded.action_count,
            ended_at = coalesce(excluded.ended_at, sessions.ended_at),
            end_reason = CASE WHEN excluded.ended_at IS NOT NULL THEN excluded.end_reason ELSE sessions.end_reason END
        RETURNING action_count
        """,
        (session_id, project_id, cwd, transcript_path, source, actions, ended, end_reason if ended else None),
    ).fetchone()
    return int(row[0])


def record_hook_run(
    conn: sqlite3.Connection, event: str, session_id: str | None, duration_ms: float, outcome: str, detail: str | None
) -> None:
    """Append one row to ``hook_runs`` (its detail redacted)."""
    if detail:  # most runs have none: they skip loading the redaction module
        from memory.redact import redact

        detail = redact(detail)
    conn.execute(
        "INSERT INTO hook_runs(event, session_id, duration_ms, outcome, detail) VALUES (?, ?, ?, ?, ?)",
        (event, session_id, round(duration_ms, 3), outcome, detail),
    )


def record_error(conn: sqlite3.Connection, source: str, message: str, *, session_id: str | None = None,
                 detail: str | None = None) -> None:
    """Append one row to ``errors`` (redacted, then cut)."""
    from memory.redact import redact

    conn.execute(
        "INSERT INTO errors(source, session_id, message, detail) VALUES (?, ?, ?, ?)",
        (source, session_id, redact(message)[:2000], redact(detail)[:8000] if detail else None),
    )


def prune_hook_runs(conn: sqlite3.Connection, keep_days: int) -> int:
    """Delete hook runs and errors older than ``keep_days``; return how many hook runs went."""
    cutoff = f"-{int(keep_days)} days"
    cur = conn.execute(f"DELETE FROM hook_runs WHERE ts < {SQL_NOW_OFFSET}", (cutoff,))
    conn.execute(f"DELETE FROM errors WHERE ts < {SQL_NOW_OFFSET}", (cutoff,))
    return cur.rowcount


def session_row(conn: sqlite3.Connection, session_id: str) -> sqlite3.Row | None:
    """The session's row, or None."""
    return conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()


def latest_session(conn: sqlite3.Connection, project_id: int) -> sqlite3.Row | None:
    """The project's most recently seen session, ended or not."""
    return conn.execute(
        "SELECT * FROM sessions WHERE project_id = ? ORDER BY last_seen_at DESC, rowid DESC LIMIT 1", (project_id,)
    ).fetchone()
