"""The ``session_state`` and ``handoffs`` tables (the only module that writes them): what continuity keeps of a
session -- its latest state snapshot, and the handoffs a later context continues from.

What to store is decided in ``memory.continuity``: ``state.save`` folds events into a snapshot every
``continuity.save_every`` actions, ``handoff`` builds a handoff at PreCompact, SessionEnd and after a crash
(and attaches a compaction summary to it), ``restore`` marks the one it gives a session resumed, and
``transfer`` imports one. Every text is redacted here, before it is written.
"""

from __future__ import annotations

import json
import sqlite3

from memory.store.clock import SQL_NOW, SQL_NOW_OFFSET

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def save_snapshot(conn: sqlite3.Connection, session_id: str, project_id: int | None, state: dict[str, Any],
                  action_count: int) -> bool:
    """Store the session-state snapshot unless a newer one (higher action count) is already there; True when
    stored."""
    from memory.redact import redact_data

    cur = conn.execute(
        f"""
        INSERT INTO session_state(session_id, project_id, state_json, action_count) VALUES (?, ?, ?, ?)
        ON CONFLICT(session_id) DO UPDATE SET
            state_json = excluded.state_json, action_count = excluded.action_count, saved_at = {SQL_NOW}
        WHERE excluded.action_count >= session_state.action_count
        """,
        (session_id, project_id, json.dumps(redact_data(state), ensure_ascii=False), action_count),
    )
    return cur.rowcount == 1


def load_snapshot(conn: sqlite3.Connection, session_id: str) -> dict[str, Any] | None:
    """The session's last saved state, or None."""
    row = conn.execute("SELECT state_json FROM session_state WHERE session_id = ?", (session_id,)).fetchone()
    return json.loads(row[0]) if row else None


_UNSET: Any = object()


def insert(conn: sqlite3.Connection, session_id: str, project_id: int | None, trigger: str | None,
           state: dict[str, Any], summary: str | None, *, task: str | None = _UNSET, status: str | None = _UNSET,
           created_at: str | None = None, resumed: bool = False) -> int:
    """Store a handoff; return its id.

    ``task`` and ``status`` default to the state's; an imported handoff keeps its ``created_at`` and is stored as
    already given to a session (``resumed``), so it is never offered again. Every text in it is redacted.
    """
    from memory.redact import redact, redact_data

    state = redact_data(state)
    summary = redact(summary) if summary else summary
    if task is not _UNSET and task:
        task = redact(task)
    cur = conn.execute(
        f"INSERT INTO handoffs(session_id, project_id, created_at, trigger, task, status, state_json, summary,"
        f" resumed_at) VALUES (?, ?, coalesce(?, {SQL_NOW}), ?, ?, ?, ?, ?, CASE WHEN ? THEN {SQL_NOW} END)",
        (session_id, project_id, created_at, trigger, state.get("task") if task is _UNSET else task,
         state.get("status") if status is _UNSET else status, json.dumps(state, ensure_ascii=False), summary,
         resumed),
    )
    return int(cur.lastrowid or 0)


def set_state(conn: sqlite3.Connection, handoff_id: int, state: dict[str, Any]) -> None:
    """Replace a handoff's state (the caller has redacted what it added)."""
    conn.execute("UPDATE handoffs SET state_json = ? WHERE id = ?", (json.dumps(state, ensure_ascii=False), handoff_id))


def mark_resumed(conn: sqlite3.Connection, handoff_id: int) -> None:
    """Record that a handoff was given to a session."""
    conn.execute(f"UPDATE handoffs SET resumed_at = {SQL_NOW} WHERE id = ?", (handoff_id,))


def latest_of_session(conn: sqlite3.Connection, session_id: str) -> sqlite3.Row | None:
    """The newest handoff of a session."""
    return conn.execute(
        "SELECT * FROM handoffs WHERE session_id = ? ORDER BY id DESC LIMIT 1", (session_id,)
    ).fetchone()


def latest_of_project(conn: sqlite3.Connection, project_id: int, exclude_session: str) -> sqlite3.Row | None:
    """The newest handoff of the project left by another session."""
    return conn.execute(
        "SELECT * FROM handoffs WHERE project_id = ? AND session_id != ? ORDER BY id DESC LIMIT 1",
        (project_id, exclude_session),
    ).fetchone()


def listing(conn: sqlite3.Connection, project_id: int | None = None, limit: int = 50) -> list[sqlite3.Row]:
    """Newest handoffs first (of one project, or all)."""
    if project_id is None:
        return conn.execute("SELECT * FROM handoffs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return conn.execute(
        "SELECT * FROM handoffs WHERE project_id = ? ORDER BY id DESC LIMIT ?", (project_id, limit)
    ).fetchall()


def get(conn: sqlite3.Connection, handoff_id: int) -> sqlite3.Row | None:
    """One handoff by id."""
    return conn.execute("SELECT * FROM handoffs WHERE id = ?", (handoff_id,)).fetchone()


def abandoned_sessions(conn: sqlite3.Connection, project_id: int, exclude_session: str, idle_minutes: float,
                       max_age_hours: float, limit: int = 3) -> list[sqlite3.Row]:
    """Sessions of the project that stopped without ending: events, no end, idle, and no handoff since.

    A session counts as idle when it has not been seen for ``idle_minutes``; only sessions seen within
    ``max_age_hours`` are considered. Newest first.
    """
    return conn.execute(
        f"""
        SELECT s.*, (SELECT max(e.ts) FROM events e WHERE e.session_id = s.id) AS last_event_ts
        FROM sessions s
        WHERE s.project_id = ? AND s.id != ? AND s.ended_at IS NULL AND s.action_count > 0
          AND s.last_seen_at < {SQL_NOW_OFFSET}
          AND s.last_seen_at > {SQL_NOW_OFFSET}
          AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.session_id = s.id AND h.created_at >=
                          (SELECT max(e.ts) FROM events e WHERE e.session_id = s.id))
        ORDER BY s.last_seen_at DESC LIMIT ?
        """,
        (project_id, exclude_session, f"-{float(idle_minutes) * 60:.0f} seconds", f"-{float(max_age_hours)} hours",
         limit),
    ).fetchall()
