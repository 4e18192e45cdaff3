"""The ``llm_usage`` table (the only module that writes it): what each LLM call cost, in tokens, by UTC day.

Whether a call may be made is decided by ``memory.learning.budget`` (``learning.daily_token_budget``); the
extractors charge here what the API reported after each call.
"""

from __future__ import annotations

import sqlite3


def charge(conn: sqlite3.Connection, model: str, purpose: str, input_tokens: int, output_tokens: int) -> None:
    """Record what a call actually cost (today, UTC)."""
    conn.execute(
        "INSERT INTO llm_usage(model, purpose, input_tokens, output_tokens) VALUES (?, ?, ?, ?)",
        (model, purpose, int(input_tokens), int(output_tokens)),
    )


def used_today(conn: sqlite3.Connection) -> int:
    """Input + output tokens charged today (UTC)."""
    return conn.execute(
        "SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM llm_usage WHERE day = strftime('%Y-%m-%d', 'now')"
    ).fetchone()[0]
