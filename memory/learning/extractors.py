"""The extractors behind one interface: ``extract_session(records, ...) -> list[Learning]``.

- rules (``memory.learning.rules``): always, offline, deterministic.
- haiku (``memory.learning.haiku``): in addition, when ``haiku.available`` (API key, ``learning.extractor`` is
  ``auto`` or ``haiku``, a non-zero budget) and the budget has room for this call.
- claude-cli (``memory.learning.claude_cli``): in addition, when the user opted in with
  ``learning.extractor = "claude-cli"`` (their own `claude -p`, no API key needed), under the same budget.

``learning.extractor = "rules"`` turns both LLM extractors off. The results are merged; exact duplicates (same normalized
text) are kept once, with the higher confidence. When an LLM call fails (API error,
timeout, over ``haiku.TOTAL_SECONDS``) the rules' learnings are still returned; the failure is logged.
"""

from __future__ import annotations

import sqlite3

from memory.learning.dedup import normalize

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.config import Learning


def names(learning: Learning) -> list[str]:
    """The extractors that would run now under the ``learning`` settings and this environment."""
    from memory.learning import claude_cli, haiku

    return ["rules"] + (["haiku"] if haiku.available(learning) else []) + (
        ["claude-cli"] if claude_cli.available(learning) else [])


def extract_session(records: list[Any], *, session_id: str, learning: Learning, conn: sqlite3.Connection) -> list[Any]:
    """All learnings of one session from every available extractor, merged."""
    from memory.learning import rules

    from memory.learning.llm_prompt import drop_echoed_tasks

    found = list(rules.extract(records, session_id=session_id))
    chosen = names(learning)
    if "haiku" in chosen:
        found.extend(drop_echoed_tasks(_haiku(records, session_id=session_id, learning=learning, conn=conn), records))
    if "claude-cli" in chosen:
        from memory.learning import claude_cli

        found.extend(drop_echoed_tasks(claude_cli.extract(records, session_id=session_id, learning=learning,
                                                          conn=conn), records))
    return merge(found)


def _haiku(records: list[Any], *, session_id: str, learning: Learning, conn: sqlite3.Connection) -> list[Any]:
    """Haiku's learnings, or [] when the call fails or runs out of time (never the rules' loss too)."""
    from memory import log
    from memory.deadline import OutOfTime, time_budget
    from memory.learning import haiku
    from memory.store.core import record_error

    try:
        with time_budget(haiku.TOTAL_SECONDS):
            return haiku.extract(records, session_id=session_id, learning=learning, conn=conn)
    except Exception as exc:  # OutOfTime too (the SDK may also report the cut as a connection error)
        message = "timed out" if isinstance(exc, OutOfTime) else f"{type(exc).__name__}: {exc}"
        log.error("haiku", f"extraction call failed, rules' learnings kept: {message}")
        try:
            record_error(conn, "haiku", f"extraction call failed: {message}", session_id=session_id)
        except sqlite3.Error:
            pass
        return []


def merge(learnings: list[Any]) -> list[Any]:
    """One learning per normalized text, the most confident kept."""
    best: dict[str, Any] = {}
    for learning in learnings:
        key = normalize(learning.text)
        if key not in best or learning.confidence > best[key].confidence:
            best[key] = learning
    return list(best.values())
