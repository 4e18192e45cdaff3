"""SessionStart hook: make sure the dependencies are on their way, keep the store tidy."""

from __future__ import annotations

from typing import Any

from memory import bootstrap
from memory.hooks.runtime import HookContext
from memory.store.core import prune_hook_runs, touch_session


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Start the dependency bootstrap when needed, register the session, prune old hook runs."""
    bootstrap.start_if_needed()
    touch_session(ctx.db, ctx.session_id, ctx.project_id, cwd=ctx.payload.get("cwd"),
                  transcript_path=ctx.payload.get("transcript_path"), source=ctx.payload.get("source"))
    prune_hook_runs(ctx.db, ctx.config.get("general", "hook_runs_keep_days"))
    return None
