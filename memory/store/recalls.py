"""The ``recalls`` table: which learning was shown to which session, when, on what event and query.

The one writer of ``recalls`` and of the recall counters it drives (``learnings.recall_count`` and
``last_recalled_at``): a learning shown again in the same session is neither recorded nor counted twice. Recall
(UserPromptSubmit, SessionStart) and the pre-read (learnings about a file under its signatures) both write here,
with the store's one clock (``SQL_NOW``).
"""

from __future__ import annotations

import sqlite3

from memory.store.clock import SQL_NOW

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


def record(conn: sqlite3.Connection, session_id: str, event: str, query: str | None,
           shown: Iterable[tuple[int, float | None]]) -> list[int]:
    """Note that the learnings ``shown`` (id, score) reached ``session_id``; return the ids shown for the first time
    in that session (only those count as a recall). The caller owns the transaction."""
    first = []
    for learning_id, score in shown:
        cur = conn.execute(
            "INSERT OR IGNORE INTO recalls(learning_id, session_id, event, query, score) VALUES (?, ?, ?, ?, ?)",
            (learning_id, session_id, event, query, score))
        if cur.rowcount:
            conn.execute(f"UPDATE learnings SET recall_count = recall_count + 1, last_recalled_at = {SQL_NOW} "
                         "WHERE id = ?", (learning_id,))
            first.append(learning_id)
    return first
