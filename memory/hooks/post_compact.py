"""PostCompact: keep Claude Code's compaction summary with the handoff PreCompact just stored.

Claude Code versions that have the event send it right after a compaction with ``compact_summary``; older
ones never call it, and the handoff works without it (see ``continuity.handoff.on_post_compact``).
"""

from __future__ import annotations

from memory.hooks import wire
from memory.hooks.runtime import HookContext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def handle(ctx: HookContext) -> dict[str, Any] | None:
    """Attach the summary to this session's newest handoff; answers nothing."""
    if ctx.settings.feature_enabled("continuity"):
        from memory.continuity import handoff

        handoff.on_post_compact(ctx.db, session_id=ctx.session_id,
                                summary=wire.text_field(ctx.payload, "compact_summary"))
    return None
