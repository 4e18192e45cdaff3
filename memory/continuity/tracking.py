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

from memory.continuity import queries
from memory.continuity.events import TRACKED_TOOLS, event_from_payload, with_task_subject

TYPE_CHECKING = False
if TYPE_CHECKING:
    from memory.continuity.events import Event
    from memory.hooks.runtime import HookContext


def record(ctx: HookContext) -> None:
    """Track the tool call in ``ctx`` (PostToolUse, or PostToolUseFailure for a failed call)."""
    payload = ctx.payload
    if payload.get("tool_name") not in TRACKED_TOOLS:
        return  # hooks.json only sends tracked tools; anything else is not an action we follow
    event = event_from_payload(payload, ctx.project.root, failed=ctx.event == "PostToolUseFailure")
    if event.kind == "task" and not event.data.get("subject") and event.data.get("id") is not None:
        subject = queries.task_subjects(ctx.db, ctx.session_id).get(event.data["id"])
        if subject:
            event = with_task_subject(event, subject)
    tool_use_id = payload.get("tool_use_id") if isinstance(payload.get("tool_use_id"), str) else None
    transcript_path = payload.get("transcript_path") if isinstance(payload.get("transcript_path"), str) else None
    at = None
    if tool_use_id and transcript_path:  # async hooks arrive in any order: keep when the call was made
        from memory.continuity.transcript import tool_use_time

        at = tool_use_time(transcript_path, tool_use_id)
    count = queries.insert_event(ctx.db, ctx.session_id, ctx.project_id, event, tool_use_id,
                                 payload.get("cwd"), transcript_path, at)
    if count is None:
        return  # already recorded
    every = max(1, int(ctx.config.get("continuity", "save_every")))
    if count % every == 0:
        save_snapshot(ctx, count)
    if _touches_plans(event) and ctx.config.get("continuity", "plan_progress"):
        plans_dir = os.path.join(ctx.project.root, "planning")
        if os.path.isdir(plans_dir):
            from memory.continuity import plans

            plans.apply_event(ctx.session_id, plans_dir, event)


def save_snapshot(ctx: HookContext, action_count: int) -> dict:
    """Fold the session's events into its state and save it (DB row and readable file); return the state."""
    from memory.continuity import state

    current = state.fold_events(ctx.session_id, queries.session_events(ctx.db, ctx.session_id))
    state.save(ctx.db, current, ctx.project_id, action_count)
    return current


def _touches_plans(event: Event) -> bool:
    if event.kind in ("task", "todo"):
        return event.outcome == "ok"
    return event.kind == "bash" and "commit" in event.data
