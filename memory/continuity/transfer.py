"""Handoffs in and out of ``export`` / ``import`` (JSON Lines, one ``{"type": "handoff", …}`` a line).

Both ways the text is redacted thoroughly (our rules plus detect-secrets). An imported handoff is kept as
history: it is marked resumed at import time, so that no session is ever given another machine's handoff
by surprise; ``handoffs`` and ``handoff show`` list it like any other. Importing the same handoff twice
(same session, time and trigger) stores it once.
"""

from __future__ import annotations

import json
import sqlite3

from memory.store import handoffs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FIELDS = ("session_id", "created_at", "trigger", "task", "status", "summary")


def export_handoffs(conn: sqlite3.Connection, project_id: int | None,
                    every_project: bool = False) -> list[dict[str, Any]]:
    """The handoffs of a project (or of every project) as plain, redacted dicts, oldest first."""
    if every_project:
        rows = conn.execute("SELECT * FROM handoffs ORDER BY id").fetchall()
    else:
        rows = conn.execute("SELECT * FROM handoffs WHERE project_id IS ? ORDER BY id", (project_id,)).fetchall()
    items = []
    for row in rows:
        item: dict[str, Any] = {"type": "handoff", **{name: row[name] for name in FIELDS}}
        item["state"] = json.loads(row["state_json"] or "{}")
        items.append(redacted(item))
    return items


def redacted(value: Any) -> Any:
    """``value`` with every string in it (at any depth) redacted thoroughly."""
    from memory.redact import redact_thorough

    if isinstance(value, str):
        return redact_thorough(value)
    if isinstance(value, dict):
        return {key: redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redacted(item) for item in value]
    return value


def import_handoff(conn: sqlite3.Connection, item: dict[str, Any], project_id: int | None) -> str:
    """Store one exported handoff (redacted again) in ``project_id``; "added", "unchanged" or "skipped"."""
    if not isinstance(item.get("session_id"), str) or not isinstance(item.get("created_at"), str):
        return "skipped"
    state = redacted(item["state"]) if isinstance(item.get("state"), dict) else {}
    values = {name: redacted(str(item[name])) if item.get(name) is not None else None for name in FIELDS}
    exists = conn.execute(
        "SELECT 1 FROM handoffs WHERE session_id = ? AND created_at = ? AND trigger IS ?",
        (values["session_id"], values["created_at"], values["trigger"])).fetchone()
    if exists:
        return "unchanged"
    handoffs.insert(conn, values["session_id"], project_id, values["trigger"], state, values["summary"],
                           task=values["task"], status=values["status"], created_at=values["created_at"],
                           resumed=True)
    return "added"
