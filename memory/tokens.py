"""The one token estimate used everywhere (savings, budgets, status).

Claude's tokenizer is not available offline, so we estimate: about four characters of English or code per
token. The same function is used on both sides of every comparison, so savings ratios are consistent even
where the absolute count is off by a few percent.
"""

from __future__ import annotations

CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """Estimated number of Claude tokens in ``text`` (ceil of characters / 4)."""
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def truncate_to_tokens(text: str, max_tokens: int) -> str:
    """``text`` cut to at most ``max_tokens`` estimated tokens, on a line boundary when one is near."""
    limit = max_tokens * CHARS_PER_TOKEN
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    return text[: cut if cut > limit // 2 else limit]
