"""``learning_summary``: the learning part of ``status`` as data."""

from __future__ import annotations

import sqlite3

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.config import Learning


def learning_summary(conn: sqlite3.Connection, learning: Learning) -> dict[str, Any]:
    """Counts (live, forgotten, per category, global), LLM tokens today vs the budget, and the job queue."""
    from memory.store import jobs
    from memory.learning import budget
    from memory.learning.extractors import names

    per_category = {r[0]: r[1] for r in conn.execute(
        "SELECT category, count(*) FROM learnings WHERE forgotten_at IS NULL GROUP BY category")}
    live, forgotten, global_count, recalled = conn.execute(
        "SELECT count(*) FILTER (WHERE forgotten_at IS NULL), count(*) FILTER (WHERE forgotten_at IS NOT NULL), "
        "count(*) FILTER (WHERE forgotten_at IS NULL AND project_id IS NULL), coalesce(sum(recall_count), 0) "
        "FROM learnings").fetchone()
    models = {r[0] or "none": r[1] for r in conn.execute(
        "SELECT embedding_model, count(*) FROM learnings WHERE forgotten_at IS NULL GROUP BY embedding_model")}
    return {
        "learnings": live,
        "forgotten": forgotten,
        "global": global_count,
        "by_category": per_category,
        "recalls": recalled,
        "embedding_models": models,
        "extractors": names(learning),
        "llm_tokens_today": budget.used_today(conn),
        "llm_daily_budget": learning.daily_token_budget,
        "queue": jobs.queue_summary(conn),
    }
