"""Recall: the learnings relevant to a prompt or a new session, ranked and rendered within a token budget.

Ranking, for a query text:
1. BM25 over ``learnings_fts`` (the query's content words, OR-ed; porter stemming on both sides).
2. Vector similarity: the query embedded in-process by the built-in embedder (or by Ollama over HTTP within a
   short timeout when the stored vectors are Ollama's), compared with simsimd against the scope's pack file
   (``memory.vectors.pack``: the vectors of SQLite in one matrix).
3. Reciprocal rank fusion of the two lists (k = 60), then weighed by confidence, category, recency of the
   last sighting, how often the learning was recalled before, and halved when it "may be stale" (its anchor
   changed: ``memory.learning.staleness``; such a line says so).
To be injected, a candidate must also pass a relevance gate: cosine >= ``recall.min_similarity``, or half
that when it is among BM25's top 3; and its score must be at least half the best one's. So an unrelated
prompt injects nothing. A learning is injected at most once per session (``recalls`` table,
which also records the event, query and score, for ``memory show ID``).

This module runs inside hooks: stdlib only at import time; simsimd is imported when vectors are compared.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3

from memory.store import SQL_NOW, anchor_marks
from memory.tokens import estimate_tokens
from memory.vectors import builtin, pack

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.config import Config

RRF_K = 60
CANDIDATES = 30
MAX_QUERY_TERMS = 16
# A learning whose anchor changed (memory.learning.staleness) weighs half: shown only when nothing sounder fits.
STALE_WEIGHT = 0.5
CATEGORY_WEIGHT = {"fix": 1.1, "preference": 1.1, "dead-end": 1.05, "architecture": 1.0, "pattern": 1.0, "tip": 1.0}
HEADER = "Relevant learnings from earlier sessions (compound-memory; `memory show ID` explains each):"
_TERM_RE = re.compile(r"[A-Za-z0-9_]{3,}")


def prompt_context(conn: sqlite3.Connection, config: Config, *, project_id: int, session_id: str,
                   prompt: str) -> str | None:
    """UserPromptSubmit: learnings relevant to the prompt not yet shown this session, as context text."""
    return recall_for(conn, config, project_id=project_id, session_id=session_id, event="UserPromptSubmit",
                      query=prompt, token_budget=int(config.get("recall", "prompt_tokens")))


def session_start_context(conn: sqlite3.Connection, config: Config, *, project_id: int, session_id: str,
                          project_root: str) -> str | None:
    """SessionStart: learnings relevant to the last task, the branch and the recently changed files."""
    query = session_query(conn, project_id, project_root)
    return recall_for(conn, config, project_id=project_id, session_id=session_id, event="SessionStart",
                      query=query, token_budget=int(config.get("recall", "session_start_tokens")))


def session_query(conn: sqlite3.Connection, project_id: int, root: str) -> str:
    """Query text for a new session: the latest handoff's task, the git branch, recently modified files."""
    parts = []
    row = conn.execute("SELECT task FROM handoffs WHERE project_id = ? AND task IS NOT NULL ORDER BY id DESC LIMIT 1",
                       (project_id,)).fetchone()
    if row and row[0]:
        parts.append(row[0])
    branch = git_branch(root)
    if branch and branch not in ("main", "master", "trunk", "develop"):
        parts.append(re.sub(r"[/_.-]+", " ", branch))
    files = conn.execute(
        "SELECT DISTINCT path FROM (SELECT path FROM events WHERE project_id = ? AND kind = 'modify' "
        "AND path IS NOT NULL ORDER BY id DESC LIMIT 40) LIMIT 8", (project_id,)).fetchall()
    parts.extend(os.path.splitext(os.path.basename(r[0]))[0] for r in files)
    return " ".join(parts)


def git_branch(root: str) -> str | None:
    """The checked-out branch of the repository at ``root``, read from .git/HEAD (worktrees too)."""
    git = os.path.join(root, ".git")
    try:
        if os.path.isfile(git):
            with open(git, encoding="utf-8") as handle:
                line = handle.read().strip()
            if not line.startswith("gitdir:"):
                return None
            git = os.path.join(root, line[7:].strip())
        with open(os.path.join(git, "HEAD"), encoding="utf-8") as handle:
            head = handle.read().strip()
    except OSError:
        return None
    return head[16:] if head.startswith("ref: refs/heads/") else None


def recall_for(conn: sqlite3.Connection, config: Any, *, project_id: int | None, session_id: str, event: str,
               query: str, token_budget: int) -> str | None:
    """Rank, pick within ``token_budget``, record and render; None when nothing relevant is new."""
    if not query.strip() or token_budget <= 0:
        return None
    scopes: list[int | None] = [project_id]
    if config.get("recall", "global_preferences"):
        scopes.append(None)
    ranked = relevant(rank(conn, config, query, scopes, exclude_session=session_id),
                      float(config.get("recall", "min_similarity")))
    chosen = pick(ranked, token_budget, int(config.get("recall", "max_items")))
    if not chosen:
        return None
    record_recalls(conn, chosen, session_id, event, query)
    return render(chosen)


def rank(conn: sqlite3.Connection, config: Any, query: str, scopes: list[int | None], *,
         exclude_session: str | None = None, mode: str = "fused") -> list[dict[str, Any]]:
    """Candidates as dicts (row fields + ``score``, ``similarity``), best first. ``mode``: fused, bm25, vector."""
    lexical = bm25_ids(conn, query, scopes) if mode in ("fused", "bm25") else []
    model, query_vector, similar = vector_hits(conn, config, query, scopes) if mode in ("fused", "vector") \
        else (None, None, [])
    fused: dict[int, float] = {}
    for ranking in (lexical, [i for i, _ in similar]):
        for position, learning_id in enumerate(ranking):
            fused[learning_id] = fused.get(learning_id, 0.0) + 1.0 / (RRF_K + position + 1)
    rows = candidate_rows(conn, list(fused), exclude_session)
    stale = anchor_marks.stale_reasons(conn, [row["id"] for row in rows])
    similarity = dict(similar)
    lexical_rank = {learning_id: position for position, learning_id in enumerate(lexical)}
    results = []
    for row in rows:
        sim = similarity.get(row["id"])
        if sim is None and query_vector is not None and row["vector"] and row["embedding_model"] == model:
            sim = _cosine_blob(query_vector, row["vector"])
        item = {k: row[k] for k in row.keys() if k != "vector"}
        item["similarity"] = sim
        item["bm25_rank"] = lexical_rank.get(row["id"])
        item["stale"] = stale.get(row["id"])
        item["score"] = fused[row["id"]] * weight(item)
        results.append(item)
    results.sort(key=lambda r: r["score"], reverse=True)
    return results


def relevant(ranked: list[dict[str, Any]], min_similarity: float) -> list[dict[str, Any]]:
    """The ranked candidates that pass the relevance gate (see the module docstring)."""
    kept = []
    for item in ranked:
        sim, lexical = item["similarity"], item["bm25_rank"]
        floor = min_similarity / 2 if lexical is not None and lexical < 3 else min_similarity
        if sim is not None and sim < floor:
            continue
        if sim is None and lexical is None:
            continue
        if kept and item["score"] < 0.5 * kept[0]["score"]:
            break
        kept.append(item)
    return kept


def weight(item: dict[str, Any]) -> float:
    """Confidence, category, recency (half weight lost over ~4 months unseen) and past recalls."""
    confidence = 0.5 + 0.5 * float(item["confidence"])
    category = CATEGORY_WEIGHT.get(item["category"], 1.0)
    recency = 0.7 + 0.3 * math.exp(-max(float(item["age_days"] or 0.0), 0.0) / 60.0)
    recalled = 1.0 + 0.05 * math.log1p(int(item["recall_count"]))
    stale = STALE_WEIGHT if item.get("stale") else 1.0
    return confidence * category * recency * recalled * stale


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression: the text's distinct content words, quoted, OR-ed."""
    seen: list[str] = []
    for term in _TERM_RE.findall(text.lower()):
        if term not in builtin._STOP and term not in seen:
            seen.append(term)
        if len(seen) >= MAX_QUERY_TERMS:
            break
    return " OR ".join(f'"{t}"' for t in seen)


def bm25_ids(conn: sqlite3.Connection, query: str, scopes: list[int | None], limit: int = CANDIDATES) -> list[int]:
    """Ids of the best BM25 matches in the scopes, best first."""
    match = fts_query(query)
    if not match:
        return []
    # FTS5 alone (no join) is several times faster on a large store; the scope is checked on the few
    # candidates afterwards, so take more than needed.
    rows = conn.execute("SELECT rowid FROM learnings_fts WHERE learnings_fts MATCH ? ORDER BY rank LIMIT ?",
                        (match, limit * 3)).fetchall()
    if not rows:
        return []
    ids = [r[0] for r in rows]
    marks = ",".join("?" * len(ids))
    in_scope = {r[0] for r in conn.execute(
        f"SELECT id FROM learnings WHERE id IN ({marks}) AND ifnull(project_id, 0) IN "
        f"({','.join('?' * len(scopes))}) AND forgotten_at IS NULL", (*ids, *(s or 0 for s in scopes)))}
    return [i for i in ids if i in in_scope][:limit]


def vector_hits(conn: sqlite3.Connection, config: Any, query: str, scopes: list[int | None],
                limit: int = CANDIDATES) -> tuple[str | None, list[float] | None, list[tuple[int, float]]]:
    """(model, query vector, [(id, similarity)]) from the scopes' vectors; no vector when it cannot be made."""
    model = stored_model(scopes)
    query_vector = embed_query(config, model, query)
    if query_vector is None or not any(query_vector):
        return model, None, []
    return model, query_vector, pack.nearest(conn, scopes, model, query_vector, limit)


def stored_model(scopes: list[int | None]) -> str:
    """The embedding model of the scopes' largest pack file (the built-in model when there is none)."""
    folder = os.path.dirname(pack.pack_path(None, builtin.MODEL))
    try:
        names = os.listdir(folder)
    except OSError:
        return builtin.MODEL
    prefixes = tuple(f"pack-{s or 0}-" for s in scopes)
    best, size = builtin.MODEL, -1
    for name in names:
        if name.startswith(prefixes) and name.endswith(".bin"):
            this = os.path.getsize(os.path.join(folder, name))
            if this > size:
                best, size = name.split("-", 2)[2][:-4], this
    return pack.model_from_slug(best)


def embed_query(config: Any, model: str, query: str) -> list[float] | None:
    """The query's vector in ``model``'s space, or None (Ollama down or slow: BM25 alone then)."""
    if model == builtin.MODEL:
        return builtin.embed(query)
    from memory.vectors.ollama import MODEL_PREFIX, embed_query_http

    if not model.startswith(MODEL_PREFIX):
        return None
    settings = config.section("embeddings")
    timeout = min(float(settings["ollama_timeout_seconds"]), 1.0)
    return embed_query_http(settings["ollama_host"], model[len(MODEL_PREFIX):], query, timeout)


def candidate_rows(conn: sqlite3.Connection, ids: list[int], exclude_session: str | None) -> list[sqlite3.Row]:
    """The live candidates' rows (with ``age_days``), minus those already recalled in ``exclude_session``."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return conn.execute(
        "SELECT id, project_id, category, text, files_json, confidence, recall_count, seen_count, "
        "embedding_model, vector, julianday('now') - julianday(last_seen_at) AS age_days FROM learnings "
        f"WHERE id IN ({marks}) AND forgotten_at IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM recalls r WHERE r.session_id = ? AND r.learning_id = learnings.id)",
        (*ids, exclude_session or "")).fetchall()


def _cosine_blob(query: list[float], blob: bytes) -> float | None:
    from memory.vectors.codec import cosine, from_blob

    vector = from_blob(blob)
    return cosine(query, vector) if len(vector) == len(query) else None


def pick(ranked: list[dict[str, Any]], token_budget: int, max_items: int) -> list[dict[str, Any]]:
    """The best items whose rendered lines fit in ``token_budget`` tokens together with the header."""
    chosen, used = [], estimate_tokens(HEADER) + 1
    for item in ranked:
        cost = estimate_tokens(render_line(item)) + 1
        if used + cost > token_budget:
            continue
        chosen.append(item)
        used += cost
        if len(chosen) >= max_items:
            break
    return chosen


def render_line(item: dict[str, Any]) -> str:
    """One recalled learning in seed 004's words: "Previous learning [category #id]: text"."""
    scope = ", global" if item.get("project_id") is None else ""
    stale = f" (may be stale: {item['stale']})" if item.get("stale") else ""
    return f"- Previous learning [{item['category']} #{item['id']}{scope}]: {item['text']}{stale}"


def render(items: list[dict[str, Any]]) -> str:
    """The context block injected into the conversation."""
    return "\n".join([HEADER, *(render_line(item) for item in items)])


def record_recalls(conn: sqlite3.Connection, items: list[dict[str, Any]], session_id: str, event: str,
                   query: str) -> None:
    """Remember what was injected (never again this session) and count the recall."""
    from memory.redact import redact
    from memory.store import transaction

    query = redact(query[:500])
    with transaction(conn):
        for item in items:
            cur = conn.execute(
                "INSERT OR IGNORE INTO recalls(learning_id, session_id, event, query, score) VALUES (?, ?, ?, ?, ?)",
                (item["id"], session_id, event, query, round(item["score"], 6)))
            if cur.rowcount:
                conn.execute(f"UPDATE learnings SET recall_count = recall_count + 1, last_recalled_at = {SQL_NOW} "
                             "WHERE id = ?", (item["id"],))
