"""``memory import FILE``: learnings of the ``export`` format, redacted and deduplicated."""

from __future__ import annotations

import hashlib
import os
import sqlite3

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.config import Settings


def parse_item(item: Any) -> Any | None:
    """(Learning, is_global, (created_at, last_seen_at)) from one exported learning, or None when it is not a
    usable learning. Timestamps that are not ISO-8601 text are dropped (the import's own clock is used)."""
    from memory.learning.model import EXTRACTORS, Learning, category_of

    if not isinstance(item, dict) or category_of(item.get("category")) is None:
        return None
    text = str(item.get("text") or "").strip()
    if not text:
        return None
    confidence = item.get("confidence")
    is_global = bool(item.get("global"))
    return Learning(
        category=category_of(item["category"]), text=text[:300],
        files=[str(f) for f in item.get("files") or [] if isinstance(f, str)],
        symbols=[str(s) for s in item.get("symbols") or [] if isinstance(s, str)],
        evidence={"source": "import"},
        confidence=float(confidence) if isinstance(confidence, (int, float)) else 0.5,
        extractor=item.get("extractor") if item.get("extractor") in EXTRACTORS else "rules",
        scope="global" if is_global else "project",
        scope_reason=str(item.get("scope_reason") or "imported as global") if is_global else "",
        anchors=[a for a in item.get("anchors") or [] if isinstance(a, dict)],
    ), is_global, (_timestamp(item.get("created_at")), _timestamp(item.get("last_seen_at")))


def _timestamp(value: Any) -> str | None:
    """An exported timestamp if it looks like the store's ISO-8601 UTC text, else None."""
    import re

    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?", value):
        return value
    return None


def import_learnings(conn: sqlite3.Connection, items: list[dict[str, Any]], *, source: str, project_id: int,
                     settings: Settings) -> dict[str, int]:
    """Import exported learnings (dicts); return counts (added, reinforced, unchanged, suppressed, skipped).

    ``source`` (e.g. a hash of the file) is the "session" of the import, so importing the same file twice
    changes nothing. Every learning is redacted on the way in.
    """
    from memory.learning.pipeline import redacted, store_learnings

    parsed = [parse_item(item) for item in items]
    counts = {"skipped": sum(1 for p in parsed if p is None)}
    for is_global in (False, True):
        chosen = [p for p in parsed if p is not None and p[1] == is_global]
        if chosen:
            result = store_learnings(conn, [redacted(p[0]) for p in chosen], project_id=project_id,
                                     session_id=source, settings=settings, times=[p[2] for p in chosen])
            for key, value in result.items():
                counts[key] = counts.get(key, 0) + value
    return counts


def source_name(path: str, content: str) -> str:
    """The "session" an import is recorded under: the content's hash and the file's name."""
    return "import:" + hashlib.sha256(content.encode()).hexdigest()[:16] + ":" + os.path.basename(path)
