"""The daily LLM token budget (``learning.daily_token_budget``; 0 means never call).

Checked before each call with an estimate (input estimate + the output cap) and charged after from the
usage the API reported, in ``llm_usage`` (``memory.store.llm_usage``: ``charge``, ``used_today``). "Daily" is
the UTC day.
"""

from __future__ import annotations

import sqlite3

from memory.store.llm_usage import charge, used_today

__all__ = ["allows", "charge", "used_today"]


def allows(conn: sqlite3.Connection, daily_budget: int, estimated_tokens: int) -> bool:
    """True when a call estimated at ``estimated_tokens`` fits in what is left of today's budget."""
    if daily_budget <= 0:
        return False
    return used_today(conn) + estimated_tokens <= daily_budget
