"""The ``recalls`` table: which learning was shown to which session, when, on what event and query.

The one writer of ``recalls``; it drives the recall counters (``learnings.recall_count`` and
``last_recalled_at``, written by ``memory.store.learnings.count_recall``): a learning shown again in the same
session is neither recorded nor counted twice. Recall (UserPromptSubmit, SessionStart), the pre-read (learnings
about a file under its signatures) and the moment-of-action recall all write here.
"""

from __future__ import annotations

import sqlite3

QUERY_CHARS = 500

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


def record(conn: sqlite3.Connection, session_id: str, event: str, query: str | None,
           shown: Iterable[tuple[int, float | None]]) -> list[int]:
    """Note that the learnings ``shown`` (id, score) reached ``session_id``; return the ids shown for the first time
    in that session (only those count as a recall). The caller owns the transaction. The query is redacted,
    then cut to ``QUERY_CHARS``."""
    from memory.redacted import could_hold_secret

    if query and could_hold_secret(query):  # the gate: an anchor or a prompt no rule could change passes as is
        from memory.redact import redact

        query = redact(query)
    query = query[:QUERY_CHARS] if query else query
    first = []
    for learning_id, score in shown:
        cur = conn.execute(
            "INSERT OR IGNORE INTO recalls(learning_id, session_id, event, query, score) VALUES (?, ?, ?, ?, ?)",
            (learning_id, session_id, event, query, score))
        if cur.rowcount:
            from memory.store.learnings import count_recall  # loaded only when something is shown for the first time

            count_recall(conn, learning_id)
            first.append(learning_id)
    return first
