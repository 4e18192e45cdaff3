"""PostToolUse tracking: one event row per action, a state snapshot every ``continuity.save_every`` actions.

The hot path is one short write transaction (insert the event, count it on the session). Where Claude Code
supports it these hooks run asynchronously (hooks.json ``"async": true``), so they may reach the store out of
order: each event keeps the transcript time of its tool call, and events are read back in that order; the
count (and so the every-``save_every`` snapshot) does not depend on order. Claude Code runs the
hooks of parallel tool calls concurrently: the transaction is taken up front (BEGIN IMMEDIATE) and the insert
is idempotent on ``tool_use_id``, so concurrent or replayed calls neither lose nor duplicate an event, and the
action count each call gets back is exact. Only the call whose count is a multiple of ``save_every`` folds
the events into a snapshot; plan progress files are touched only for task/todo changes and git commits, and
only when the project keeps plans in ``planning/``.
"""

from __future__ import annotations

import os

from memory.continuity.events import TRACKED_TOOLS, event_from_call, with_task_subject
from memory.store import events

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from memory.config import Continuity
    from memory.continuity.events import Event


def tracks(tool: str) -> bool:
    """Whether continuity follows calls of ``tool`` (hooks.json sends only these; anything else is ignored)."""
    return tool in TRACKED_TOOLS


def record(conn: sqlite3.Connection, continuity: Continuity, *, session_id: str, project_id: int, project_root: str,
           tool: str, tool_input: dict[str, Any], response: Any, error: str | None = None, failed: bool = False,
           tool_use_id: str | None = None, cwd: str | None = None, transcript_path: str | None = None) -> None:
    """Track one finished tool call (``failed`` when Claude Code reported it as failed)."""
    if not tracks(tool):
        return
    event = event_from_call(tool, tool_input, response, project_root, error=error, failed=failed)
    if event.kind == "task" and not event.data.get("subject") and event.data.get("id") is not None:
        subject = events.task_subjects(conn, session_id).get(event.data["id"])
        if subject:
            event = with_task_subject(event, subject)
    at = None
    if tool_use_id and transcript_path:  # async hooks arrive in any order: keep when the call was made
        from memory.transcript_tail import tool_use_time

        at = tool_use_time(transcript_path, tool_use_id)
    count = events.insert(conn, session_id, project_id, event, tool_use_id, cwd, transcript_path, at)
    if count is None:
        return  # already recorded
    every = max(1, continuity.save_every)
    if count % every == 0:
        save_snapshot(conn, session_id, project_id, count)
    if _touches_plans(event) and continuity.plan_progress:
        plans_dir = os.path.join(project_root, "planning")
        if os.path.isdir(plans_dir):
            from memory.continuity import plans

            plans.apply_event(session_id, plans_dir, event)


def save_snapshot(conn: sqlite3.Connection, session_id: str, project_id: int | None, action_count: int) -> dict:
    """Fold the session's events into its state and save it (DB row and readable file); return the state."""
    from memory.continuity import state

    current = state.fold_events(session_id, events.session_events(conn, session_id))
    state.save(conn, current, project_id, action_count)
    return current


def _touches_plans(event: Event) -> bool:
    if event.kind in ("task", "todo"):
        return event.outcome == "ok"
    return event.kind == "bash" and "commit" in event.data
