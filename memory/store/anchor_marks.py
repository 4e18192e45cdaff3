"""The ``anchor_marks`` table (the only module that writes it): what each anchor pointed at, and whether it
still does. See migration 0013 for the columns; ``memory.learning.staleness`` decides what to record."""

from __future__ import annotations

import sqlite3

from memory.store import SQL_NOW

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable


def marks_of(conn: sqlite3.Connection, learning_id: int) -> list[sqlite3.Row]:
    """Every mark of one learning, stale ones first."""
    return conn.execute(
        "SELECT kind, value, path, baseline, current, state, reason, since, checked_at FROM anchor_marks "
        "WHERE learning_id = ? ORDER BY state = 'stale' DESC, kind, value", (learning_id,)).fetchall()


def get(conn: sqlite3.Connection, learning_id: int, kind: str, value: str, path: str) -> sqlite3.Row | None:
    """One mark, or None when the anchor was never checked against ``path``."""
    return conn.execute(
        "SELECT baseline, current, state, reason, since FROM anchor_marks WHERE learning_id = ? AND kind = ? "
        "AND value = ? AND path = ?", (learning_id, kind, value, path)).fetchone()


def record(conn: sqlite3.Connection, learning_id: int, kind: str, value: str, path: str, current: str | None,
           *, stale_reason: str | None = None, baseline: str | None = None, rebaseline: bool = False) -> None:
    """Record what the anchor points at now. A new mark takes ``baseline`` (default: ``current``) as what it
    pointed at when stored; ``stale_reason`` marks it stale (kept from the first time), None marks it ok;
    ``rebaseline`` (a confirmation) makes ``current`` the new baseline."""
    state = "stale" if stale_reason else "ok"
    conn.execute(
        f"""
        INSERT INTO anchor_marks(learning_id, kind, value, path, baseline, current, state, reason, since)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? = 'stale' THEN {SQL_NOW} END)
        ON CONFLICT(learning_id, kind, value, path) DO UPDATE SET
            baseline = CASE WHEN ? THEN excluded.current ELSE anchor_marks.baseline END,
            current = excluded.current,
            reason = CASE WHEN excluded.state = 'stale' AND anchor_marks.state = 'stale' THEN anchor_marks.reason
                          ELSE excluded.reason END,
            since = CASE WHEN excluded.state = 'ok' THEN NULL
                         WHEN anchor_marks.state = 'stale' THEN anchor_marks.since ELSE {SQL_NOW} END,
            state = excluded.state,
            checked_at = {SQL_NOW}
        """,
        (learning_id, kind, value, path, current if baseline is None else baseline, current, state, stale_reason,
         state, int(rebaseline)),
    )


def stale_reasons(conn: sqlite3.Connection, learning_ids: Iterable[int]) -> dict[int, str]:
    """For each of ``learning_ids`` that may be stale: why (the first stale anchor's reason)."""
    ids = list(dict.fromkeys(learning_ids))
    if not ids:
        return {}
    rows = conn.execute(
        f"SELECT learning_id, reason FROM anchor_marks WHERE state = 'stale' AND learning_id IN "
        f"({','.join('?' * len(ids))}) ORDER BY since", ids).fetchall()
    found: dict[int, str] = {}
    for row in rows:
        found.setdefault(row[0], row[1] or "an anchor changed")
    return found


def confirm(conn: sqlite3.Connection, learning_id: int) -> int:
    """Mark every anchor of a learning as ok with what it points at now as its baseline; return how many."""
    cur = conn.execute(
        f"UPDATE anchor_marks SET state = 'ok', reason = NULL, since = NULL, baseline = current, "
        f"checked_at = {SQL_NOW} WHERE learning_id = ?", (learning_id,))
    return cur.rowcount


def unmarked(conn: sqlite3.Connection, project_id: int | None, limit: int = 50) -> list[sqlite3.Row]:
    """Live learnings of the project (or global) with file or symbol anchors and no mark yet, newest first."""
    return conn.execute(
        """
        SELECT l.* FROM learnings AS l
        WHERE l.forgotten_at IS NULL AND ifnull(l.project_id, 0) IN (?, 0)
          AND (l.anchors_json LIKE '%"file"%' OR l.anchors_json LIKE '%"symbol"%' OR l.files_json <> '[]')
          AND NOT EXISTS (SELECT 1 FROM anchor_marks AS m WHERE m.learning_id = l.id)
        ORDER BY l.id DESC LIMIT ?
        """, (project_id or 0, limit)).fetchall()
