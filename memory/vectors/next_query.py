"""The next session's recall query, embedded ahead of time by the worker.

SessionStart recalls with a query built from the last handoff's task, the branch and the recently changed
files (``memory.recall.session_query``). Embedding it with MiniLM inside the hook would cost numpy's import
and the model's first pass (~100 ms); SessionStart must stay fast. The worker, which runs after every
session end or compaction, builds the same query, embeds it and keeps it in
``<data>/vectors/next-<project>-<model>.json``. SessionStart uses that vector when the query it builds is
the same text, and otherwise ranks by keywords (the lexical embedder), never loading the model. The worker
writes it (``memory.worker.prepare_next_session``); this module only keeps it.
"""

from __future__ import annotations

import json
import os

from memory import paths
from memory.vectors.pack import model_slug


def cache_path(project_id: int, model: str) -> str:
    """The file holding the next session's embedded query for a project and model."""
    return os.path.join(paths.data_home(), "vectors", f"next-{project_id}-{model_slug(model)}.json")


def save(project_id: int, model: str, query: str, vector: list[float]) -> None:
    """Keep ``query``'s vector for the project's next SessionStart (atomically)."""
    data = json.dumps({"query": query, "vector": [round(x, 6) for x in vector]})
    paths.write_private_file(cache_path(project_id, model), data.encode("utf-8"))


def load(project_id: int, model: str, query: str) -> list[float] | None:
    """The vector saved for exactly ``query``, or None (missing, stale, or unreadable)."""
    try:
        with open(cache_path(project_id, model), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("query") != query or not isinstance(data.get("vector"), list):
        return None
    return [float(x) for x in data["vector"]]
