"""Stored learnings that concern one file, shown under its signatures ("Previous learning: …").

A learning concerns a file when one of its file anchors names it (``anchors_json``, the anchors the moment of
action matches too, or the older ``files_json`` list) -- by absolute path, by real path, or by path relative to
the project root. Only live learnings (not forgotten) of this project or global ones count,
highest confidence, then most recalled, first; those that "may be stale" (an anchor changed) last, labelled.
In a session, a learning already shown (``recalls``) is not shown again, and one shown here is recorded
there, so recall does not repeat it either.
"""

from __future__ import annotations

import sqlite3

MAX_LEARNINGS = 3
MAX_LEARNING_CHARS = 300
PREFIX = "Previous learning: "
STALE_PREFIX = "Previous learning (may be stale: the code it names changed): "


def for_file(
    conn: sqlite3.Connection, names: list[str], project_id: int | None, session_id: str | None = None
) -> list[sqlite3.Row]:
    """Up to three learnings (id, text) naming any of ``names``, best first, not yet shown in ``session_id``."""
    names = [n for n in dict.fromkeys(names) if n]
    if not names:
        return []
    marks = ",".join("?" * len(names))
    return conn.execute(
        f"""
        SELECT l.id, l.text, (SELECT m.reason FROM anchor_marks AS m WHERE m.learning_id = l.id
                              AND m.state = 'stale' LIMIT 1) AS stale FROM learnings AS l
        WHERE l.forgotten_at IS NULL AND l.superseded_by IS NULL
          AND (l.project_id IS NULL OR l.project_id = ?)
          AND (EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(l.files_json) THEN l.files_json ELSE '[]' END)
                       WHERE value IN ({marks}))
               OR (instr(l.anchors_json, '"file"') AND EXISTS (
                   SELECT 1 FROM json_each(CASE WHEN json_valid(l.anchors_json) THEN l.anchors_json ELSE '[]' END)
                   AS a WHERE a.type = 'object' AND a.value ->> 'kind' = 'file' AND a.value ->> 'value' IN ({marks}))))
          AND NOT EXISTS (SELECT 1 FROM recalls AS r WHERE r.learning_id = l.id AND r.session_id = ?)
        ORDER BY stale IS NOT NULL, l.confidence DESC, l.recall_count DESC, l.last_seen_at DESC, l.id DESC
        LIMIT ?
        """,
        (project_id, *names, *names, session_id or "", MAX_LEARNINGS),
    ).fetchall()


def lines(learnings: list[sqlite3.Row]) -> list[str]:
    """One "Previous learning: …" line each, on a single line, cut visibly ("…") past 300 characters."""
    if not learnings:
        return []
    from memory.text import shorten  # imported when used: every module costs a cache hit its import

    out = []
    for row in learnings:
        prefix = STALE_PREFIX if row["stale"] else PREFIX
        out.append(prefix + shorten(str(row["text"]), MAX_LEARNING_CHARS - len(prefix), one_line=True))
    return out


def record_shown(conn: sqlite3.Connection, learnings: list[sqlite3.Row], session_id: str, path: str) -> None:
    """Note that these learnings were shown in ``session_id`` (once per session; counts as a recall)."""
    if not learnings:
        return
    from memory.store import recalls

    recalls.record(conn, session_id, "PreToolUse:Read", path, [(row["id"], None) for row in learnings])
