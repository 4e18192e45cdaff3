"""The extractors behind one interface: ``extract_session(records, ...) -> list[Learning]``.

- rules (``memory.learning.rules``): always, offline, deterministic.
- haiku (``memory.learning.haiku``): in addition, when ``haiku.available`` (API key, ``learning.extractor`` is
  ``auto`` or ``haiku``, a non-zero budget) and the budget has room for this call.

``learning.extractor = "rules"`` turns Haiku off. The results are merged; exact duplicates (same normalized
text) are kept once, with the higher confidence.
"""

from __future__ import annotations

import sqlite3

from memory.learning.dedup import normalize

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.config import Config


def names(config: Config) -> list[str]:
    """The extractors that would run now under ``config`` and this environment."""
    from memory.learning import haiku

    return ["rules", "haiku"] if haiku.available(config) else ["rules"]


def extract_session(records: list[Any], *, session_id: str, config: Config, conn: sqlite3.Connection) -> list[Any]:
    """All learnings of one session from every available extractor, merged."""
    from memory.learning import rules

    found = list(rules.extract(records, session_id=session_id))
    if "haiku" in names(config):
        from memory.learning import haiku

        found.extend(haiku.extract(records, session_id=session_id, config=config, conn=conn))
    return merge(found)


def merge(learnings: list[Any]) -> list[Any]:
    """One learning per normalized text, the most confident kept."""
    best: dict[str, Any] = {}
    for learning in learnings:
        key = normalize(learning.text)
        if key not in best or learning.confidence > best[key].confidence:
            best[key] = learning
    return list(best.values())
