"""The ``events`` table (the only module that writes it): one row per tracked tool call of a session, and
the reads of a session's events that continuity folds.

An edit is stored here once, whichever feature needs it: continuity folds events into session state and
handoffs, and the pre-read reads the session's ``modify`` events before narrowing a Read
(``memory.signatures.accounting.was_edited``: an edited file is never narrowed again in that session). A file is
named by ``memory.project.canonical_path``: relative to the project root when inside it, absolute otherwise.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import namedtuple

from memory.store import SQL_NOW, transaction
from memory.store.core import upsert_session

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Event = namedtuple("Event", "tool kind path summary outcome data")
Event.__doc__ = "One tracked action: tool name, kind (read|modify|bash|todo|task|other), path, summary, outcome, data."

# Only text that could hold a credential pays for importing the redaction module (~2 ms; its rules compile
# lazily): a short plain command (``ls -la``, ``npm test``) is stored as is. Keep it a superset of what
# ``redact`` acts on (the same test opens ``redact`` itself; a test checks they are equal).
MAYBE_SECRET = r"[=:@]|[A-Za-z0-9_+/.\-]{20,}|(?i:token|secret|passw|bearer|auth|key|-----|mysql|maria|redis|sshpass|sudo|login| -[up])"


def insert(conn: sqlite3.Connection, session_id: str, project_id: int | None, event: Event,
           tool_use_id: str | None = None, cwd: str | None = None, transcript_path: str | None = None,
           at: str | None = None) -> int | None:
    """Store one event and count it on its session, atomically; return the session's new action count.

    ``at`` is when the call was made (the transcript's timestamp of its tool_use, ``%Y-%m-%dT%H:%M:%S.fffZ``);
    without it, now. Events are read back in that order, whatever order their hooks arrived in. A repeated
    ``tool_use_id`` (a replayed or duplicated hook call) stores nothing and returns None. Summary and data are
    redacted.
    """
    summary, data = event.summary, event.data or None
    if maybe_secret([summary, data]):  # a plain `Read src/app.py` skips loading the redaction module
        from memory.redact import redact, redact_data

        summary, data = redact(summary), redact_data(data)
    with transaction(conn):
        cur = conn.execute(
            "INSERT OR IGNORE INTO events(session_id, project_id, tool, kind, path, summary, outcome, data_json,"
            f" tool_use_id, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, {SQL_NOW}))",
            (session_id, project_id, event.tool, event.kind, event.path, summary, event.outcome,
             json.dumps(data, ensure_ascii=False) if data else None, tool_use_id, at),
        )
        if cur.rowcount != 1:
            return None
        return upsert_session(conn, session_id, project_id, cwd=cwd, transcript_path=transcript_path, actions=1)


def maybe_secret(value: Any) -> bool:
    """True when some string in ``value`` (a JSON-like structure) could hold a credential (``MAYBE_SECRET``)."""
    if isinstance(value, str):
        return bool(re.search(MAYBE_SECRET, value))
    if isinstance(value, dict):
        return any(maybe_secret(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(maybe_secret(item) for item in value)
    return False


def session_events(conn: sqlite3.Connection, session_id: str, limit: int = 5000) -> list[sqlite3.Row]:
    """The session's most recent ``limit`` events, oldest first (by when the call was made, then arrival)."""
    rows = conn.execute(
        "SELECT id, ts, tool, kind, path, summary, outcome, data_json FROM events WHERE session_id = ?"
        " ORDER BY ts DESC, id DESC LIMIT ?",
        (session_id, limit),
    ).fetchall()
    rows.reverse()
    return rows


def task_subjects(conn: sqlite3.Connection, session_id: str) -> dict[str, str]:
    """Task id -> subject for the session's TaskCreate/TaskUpdate events (TaskUpdate often names only the id)."""
    subjects: dict[str, str] = {}
    for (data_json,) in conn.execute(
        "SELECT data_json FROM events WHERE session_id = ? AND kind = 'task' ORDER BY ts, id", (session_id,)
    ):
        data = json.loads(data_json or "{}")
        if data.get("id") is not None and data.get("subject"):
            subjects[str(data["id"])] = data["subject"]
    return subjects


def last_event_id(conn: sqlite3.Connection, session_id: str) -> int:
    """Id of the session's newest event (0 when it has none)."""
    row = conn.execute("SELECT max(id) FROM events WHERE session_id = ?", (session_id,)).fetchone()
    return int(row[0] or 0)
