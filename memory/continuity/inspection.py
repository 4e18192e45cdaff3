"""What the CLI shows of continuity: the current session's state, and handoffs as plain data."""

from __future__ import annotations

import json

from memory.continuity import state
from memory.store import core, events, handoffs

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from memory.project import Project


def current_session_summary(conn: sqlite3.Connection, project: Project,
                            session_id: str | None = None) -> dict[str, Any] | None:
    """Session ``session_id`` (default: the project's most recently seen one): task, status, files,
    decisions, todos, last action; or None when there is no such session."""
    if session_id:
        session = core.session_row(conn, session_id)
    else:
        row = conn.execute("SELECT id FROM projects WHERE key = ?", (project.key,)).fetchone()
        session = core.latest_session(conn, row["id"]) if row else None
    if session is None:
        return None
    current = state.fold_events(session["id"], events.session_events(conn, session["id"]))
    previous = handoff_state(handoffs.latest_of_session(conn, session["id"]))
    return {
        "session_id": session["id"],
        "started_at": session["started_at"],
        "last_seen_at": session["last_seen_at"],
        "ended_at": session["ended_at"],
        "actions": session["action_count"],
        "task": previous.get("task") or current["task"],
        "status": current["status"],
        "files_modified": current["files_modified"],
        "files_read": len(current["files_read"]),
        "decisions": previous.get("decisions", []),
        "todos": current["todos"],
        "blockers": current["blockers"],
        "last_action": current["last_action"],
    }


def handoff_state(row: Any) -> dict[str, Any]:
    """The stored state of a handoff row ({} for None or unreadable JSON)."""
    if row is None or not row["state_json"]:
        return {}
    try:
        value = json.loads(row["state_json"])
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def handoff_record(row: Any) -> dict[str, Any]:
    """A handoff row as plain data, its state decoded."""
    return {"id": row["id"], "session_id": row["session_id"], "project_id": row["project_id"],
            "created_at": row["created_at"], "trigger": row["trigger"], "task": row["task"],
            "status": row["status"], "summary": row["summary"], "resumed_at": row["resumed_at"],
            "state": handoff_state(row)}
