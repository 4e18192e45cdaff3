"""SessionStart: give the new context the handoff it should continue from.

- ``compact`` and ``resume``: the newest handoff of this very session.
- ``clear`` and ``startup`` (and a ``resume`` whose session left no handoff): the newest handoff of this
  project left by another session, when it is unfinished (status not ``completed``), not given to a session
  yet, and younger than ``continuity.restore_max_age_hours``.

Before that, crash recovery: a session of this project that has events but no end, has not been seen for
``continuity.crash_idle_minutes`` and has no handoff after its last event died without PreCompact or
SessionEnd; a ``crash`` handoff is built from its events and last snapshot, so it can be offered.
A handoff that is shown is marked resumed.
"""

from __future__ import annotations

import json
import time

from memory.continuity.render import format_handoff
from memory.store import handoffs

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from memory.config import Continuity

SAME_SESSION_SOURCES = ("compact", "resume")


def session_start_context(conn: sqlite3.Connection, continuity: Continuity, *, session_id: str, project_id: int,
                          project_root: str, source: str | None) -> str | None:
    """The "Continuing: …" block for this SessionStart (``source``: startup, resume, clear, compact), or None when
    there is nothing to continue."""
    source = source or "startup"
    row = None
    if source in SAME_SESSION_SOURCES:
        row = handoffs.latest_of_session(conn, session_id)
    if row is None and source != "compact":
        recover_crashed_sessions(conn, continuity, session_id=session_id, project_id=project_id,
                                 project_root=project_root)
        row = _offerable_project_handoff(conn, project_id, session_id, continuity.restore_max_age_hours)
    if row is None:
        return None
    text = render(row, session_id, continuity.handoff_tokens)
    handoffs.mark_resumed(conn, row["id"])
    return text


def render(row: Any, session_id: str, tokens: int) -> str:
    """The "Continuing: …" block of handoff ``row`` as session ``session_id`` is given it."""
    handoff = json.loads(row["state_json"] or "{}")
    handoff.setdefault("task", row["task"])
    return format_handoff(handoff, tokens, _origin(row, session_id, handoff))


def pending_handoff(conn: sqlite3.Connection, project_id: int, session_id: str | None,
                    max_age_hours: float) -> tuple[sqlite3.Row | None, str]:
    """The handoff that would be restored now, and when: read-only (nothing is marked resumed).

    Session ``session_id``'s own newest handoff is what it continues from after a compaction or ``--resume``
    (``"this_session"``); without one, the project's offerable handoff is what a new session or ``/clear``
    gets (``"new_session"``). (None, reason) when there is none.
    """
    if session_id:
        row = handoffs.latest_of_session(conn, session_id)
        if row is not None:
            return row, "this_session"
    row = _offerable_project_handoff(conn, project_id, session_id or "", max_age_hours)
    if row is not None:
        return row, "new_session"
    newest = handoffs.latest_of_project(conn, project_id, session_id or "")
    if newest is None:
        return None, "no handoff saved for this project"
    if newest["status"] == "completed":
        return None, f"the newest handoff (#{newest['id']}) is of completed work"
    if newest["resumed_at"] is not None:
        return None, f"the newest handoff (#{newest['id']}) was already given to a session at {newest['resumed_at']}"
    return None, f"the newest handoff (#{newest['id']}) is older than {max_age_hours:g} h"


def recover_crashed_sessions(conn: sqlite3.Connection, continuity: Continuity, *, session_id: str, project_id: int,
                             project_root: str) -> list[int]:
    """Build ``crash`` handoffs for this project's sessions (other than ``session_id``) that died; return their
    ids."""
    from memory.continuity import handoff

    made = []
    for session in handoffs.abandoned_sessions(conn, project_id, session_id, continuity.crash_idle_minutes,
                                              continuity.restore_max_age_hours):
        made.append(handoff.recover_crash(conn, session, project_root, handoff.transcript_cap(continuity)))
    return made


def _offerable_project_handoff(conn: sqlite3.Connection, project_id: int, session_id: str,
                               max_age_hours: float) -> sqlite3.Row | None:
    row = handoffs.latest_of_project(conn, project_id, session_id)
    if row is None or row["status"] == "completed" or row["resumed_at"] is not None:
        return None
    if _age_hours(row["created_at"]) > max_age_hours:
        return None
    return row


def _origin(row: Any, session_id: str, handoff: dict[str, Any]) -> str:
    """Where the handoff comes from, in words."""
    when = _ago(row["created_at"])
    short = str(row["session_id"])[:8]
    trigger = row["trigger"]
    if trigger == "crash":
        last_seen = _ago(handoff.get("last_seen_at") or row["created_at"])
        return f"Recovered after session {short} ended unexpectedly (last activity {last_seen}); from its saved events."
    if row["session_id"] == session_id:
        return f"Handoff saved at {'compaction' if trigger in ('manual', 'auto') else trigger} {when}."
    what = {"session_end": "ended", "manual": "was compacted", "auto": "was compacted"}.get(trigger, "stopped")
    kind = "Finished work" if handoff.get("status") == "completed" else "Unfinished work"
    return f"{kind} from session {short}, which {what} {when}."


def _age_hours(iso: str) -> float:
    return (time.time() - _epoch(iso)) / 3600


def _epoch(iso: str) -> float:
    import calendar

    try:
        return calendar.timegm(time.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S"))
    except (TypeError, ValueError):
        return 0.0


def _ago(iso: str) -> str:
    seconds = max(0.0, time.time() - _epoch(iso))
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{round(seconds / 60)} min ago"
    if seconds < 172800:
        return f"{round(seconds / 3600)} h ago"
    return f"{round(seconds / 86400)} days ago"
