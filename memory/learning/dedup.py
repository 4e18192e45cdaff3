"""When two learnings are the same: exactly (normalized text hash) or nearly (vector cosine).

Exact: lower case, whitespace collapsed, quotes/backticks and trailing punctuation dropped, then SHA-256; the
``learnings_text`` unique index holds one row per (scope, hash).

Near: cosine similarity of the two vectors at or above ``learning.near_duplicate_threshold`` (default 0.88)
with the same embedding model. With the built-in lexical embedder that means nearly the same words (a
reworded sentence with one or two words changed); with Ollama embeddings, a paraphrase. A near duplicate
reinforces the learning already stored instead of adding a row.
"""

from __future__ import annotations

import hashlib
import re

_SPACE_RE = re.compile(r"\s+")
_QUOTES_RE = re.compile(r"[`'\"“”‘’]")

DEFAULT_NEAR_THRESHOLD = 0.88


def normalize(text: str) -> str:
    """The form two texts must share to be exact duplicates."""
    text = _QUOTES_RE.sub("", text.lower())
    return _SPACE_RE.sub(" ", text).strip().rstrip(".!;:, ")


def text_hash(text: str) -> str:
    """The ``learnings.text_hash`` of ``text``."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()[:32]


def is_near_duplicate(similarity: float, threshold: float = DEFAULT_NEAR_THRESHOLD) -> bool:
    """True when a cosine similarity says two learnings say the same thing."""
    return similarity >= threshold
