"""``memory import FILE``: learnings from JSON Lines (the ``export`` format), redacted and deduplicated."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.config import Config


def parse_line(line: str) -> Any | None:
    """(Learning, is_global) from one JSON line, or None when the line is not a usable learning."""
    from memory.learning.model import CATEGORIES, EXTRACTORS, Learning

    try:
        item = json.loads(line)
    except ValueError:
        return None
    if not isinstance(item, dict) or item.get("category") not in CATEGORIES:
        return None
    text = str(item.get("text") or "").strip()
    if not text:
        return None
    confidence = item.get("confidence")
    return Learning(
        category=item["category"], text=text[:300],
        files=[str(f) for f in item.get("files") or [] if isinstance(f, str)],
        symbols=[str(s) for s in item.get("symbols") or [] if isinstance(s, str)],
        evidence={"source": "import"},
        confidence=min(max(float(confidence), 0.0), 1.0) if isinstance(confidence, (int, float)) else 0.5,
        extractor=item.get("extractor") if item.get("extractor") in EXTRACTORS else "rules",
    ), bool(item.get("global"))


def import_file(conn: sqlite3.Connection, path: str, *, project_id: int, config: Config) -> dict[str, int]:
    """Import every valid line of ``path``; return counts (added, reinforced, unchanged, suppressed, skipped).

    The file's content hash is the "session" of the import, so importing the same file twice changes nothing.
    """
    from memory.learning.pipeline import redacted, store_learnings

    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    session = "import:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16] + ":" + os.path.basename(path)
    parsed = [parse_line(line) for line in lines if line.strip()]
    counts = {"skipped": sum(1 for p in parsed if p is None)}
    for is_global in (False, True):
        batch = [redacted(p[0]) for p in parsed if p is not None and p[1] == is_global]
        if batch:
            result = store_learnings(conn, batch, project_id=None if is_global else project_id,
                                     session_id=session, config=config)
            for key, value in result.items():
                counts[key] = counts.get(key, 0) + value
    return counts
