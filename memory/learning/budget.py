"""The daily LLM token budget (``learning.daily_token_budget``; 0 means never call).

Checked before each call with an estimate (input estimate + the output cap) and charged after from the
usage the API reported, in ``llm_usage``. "Daily" is the UTC day.
"""

from __future__ import annotations

import sqlite3


def used_today(conn: sqlite3.Connection) -> int:
    """Input + output tokens charged today (UTC)."""
    return conn.execute(
        "SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM llm_usage WHERE day = strftime('%Y-%m-%d', 'now')"
    ).fetchone()[0]


def allows(conn: sqlite3.Connection, daily_budget: int, estimated_tokens: int) -> bool:
    """True when a call estimated at ``estimated_tokens`` fits in what is left of today's budget."""
    if daily_budget <= 0:
        return False
    return used_today(conn) + estimated_tokens <= daily_budget


def charge(conn: sqlite3.Connection, model: str, purpose: str, input_tokens: int, output_tokens: int) -> None:
    """Record what a call actually cost."""
    conn.execute(
        "INSERT INTO llm_usage(model, purpose, input_tokens, output_tokens) VALUES (?, ?, ?, ?)",
        (model, purpose, int(input_tokens), int(output_tokens)),
    )
