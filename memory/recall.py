"""Recall: the learnings relevant to a prompt or a new session, ranked and rendered within a token budget.

Ranking, for a query text (vector first, with a keyword bonus):
1. Candidates: BM25 over ``learnings_fts`` (the query's content words, OR-ed; porter stemming on both sides) and
   the nearest vectors of the scopes' pack file (``memory.vectors.pack``), the query embedded in-process by the
   stored vectors' model (MiniLM, ``memory.vectors.minilm``; Ollama over HTTP within a short timeout when the
   stored vectors are Ollama's; the lexical hashing embedder while the dependencies install).
2. Score = cosine similarity + ``KEYWORD_WEIGHT`` x (the candidate's BM25 score / the best BM25 score) +
   ``RECENCY_WEIGHT`` x exp(-age in days / ``RECENCY_DAYS``). Meaning decides; shared rare words and freshness
   only break near ties (so the newer of two learnings on one subject comes first). Without a query vector
   (the model cannot run here) the cosine is the lexical embedder's, computed on the BM25 candidates.
3. Relevance gate: nothing is injected unless the best candidate's score reaches the model's calibrated gate
   (``GATES``; ``recall.min_similarity`` > 0 overrides it); then the candidates within ``MARGIN`` of the best
   one are. So an unrelated prompt injects nothing. The gate was chosen on benchmarks/recall_eval2 (see its README for the
   precision/recall curve). Calibrated alternatives measured there (the cosine alone, its z-score against the
   prompt's background, its margin over the tenth-best, a logistic model over those features) separate
   "nothing relevant" from paraphrases no better, so the simplest gate stays.
Only live learnings are candidates: not forgotten, not superseded (``superseded_by`` set), and in the scopes
asked for (the project, and the global store: ``project_id IS NULL``). One whose anchor changed (the code it
names was redefined or deleted: ``memory.learning.staleness``) loses ``STALE_PENALTY`` and says it may be stale. A learning is injected at most once
per session (``recalls`` table, which also records the event, query and score, for ``memory show ID``).

This module runs inside hooks: stdlib only at import time; numpy (MiniLM) and simsimd are imported when a
query is embedded and vectors are compared.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3

from memory.store import anchor_marks
from memory.tokens import estimate_tokens
from memory.vectors import builtin, minilm, pack

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.config import Embeddings, Settings

CANDIDATES = 30
MAX_QUERY_TERMS = 16
KEYWORD_WEIGHT = 0.05
RECENCY_WEIGHT = 0.15
RECENCY_DAYS = 180.0
MARGIN = 0.1
# Two candidates this similar to each other speak of one subject; the older one, when it is at least
# STALE_AFTER_DAYS older, is probably out of date (a supersede the learnings extractor did not link): the newer
# one takes its place and the older one drops below it.
SAME_SUBJECT = 0.5
STALE_AFTER_DAYS = 30.0
STALE_PENALTY = 0.1
# The gate per embedding model: the score a candidate needs to be injected (benchmarks/recall_eval2).
GATES = {minilm.MODEL: 0.50, builtin.MODEL: 0.46}  # builtin: tuned on the whole set (a stopgap)
UNCALIBRATED_GATE = 0.5  # models never measured here (an Ollama model): only close matches
HEADER = "Relevant learnings from earlier sessions (compound-memory; `memory show ID` explains each):"
_TERM_RE = re.compile(r"[A-Za-z0-9_]{3,}")


def prompt_context(conn: sqlite3.Connection, settings: Settings, *, project_id: int, session_id: str,
                   prompt: str) -> str | None:
    """UserPromptSubmit: learnings relevant to the prompt not yet shown this session, as context text."""
    return recall_for(conn, settings, project_id=project_id, session_id=session_id, event="UserPromptSubmit",
                      query=prompt, token_budget=settings.recall.prompt_tokens)


def session_start_context(conn: sqlite3.Connection, settings: Settings, *, project_id: int, session_id: str,
                          project_root: str) -> str | None:
    """SessionStart: learnings relevant to the last task, the branch and the recently changed files. The query's
    vector is the one the worker prepared (``memory.vectors.next_query``); without it, keywords only."""
    from memory.vectors import next_query

    query = session_query(conn, project_id, project_root)
    scopes = [project_id, None] if settings.recall.global_preferences else [project_id]
    prepared = next_query.load(project_id, stored_model(scopes), query)
    return recall_for(conn, settings, project_id=project_id, session_id=session_id, event="SessionStart",
                      query=query, token_budget=settings.recall.session_start_tokens,
                      query_vector=prepared, embed=False)


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


def recall_for(conn: sqlite3.Connection, settings: Settings, *, project_id: int | None, session_id: str, event: str,
               query: str, token_budget: int, query_vector: list[float] | None = None,
               embed: bool = True) -> str | None:
    """Rank, pick within ``token_budget``, record and render; None when nothing relevant is new.
    ``query_vector``: the query already embedded; ``embed`` False: never embed here (keywords without one)."""
    if not query.strip() or token_budget <= 0:
        return None
    scopes: list[int | None] = [project_id]
    if settings.recall.global_preferences:
        scopes.append(None)
    ranked = rank(conn, settings, query, scopes, exclude_session=session_id, query_vector=query_vector, embed=embed)
    ranked = relevant(ranked, gate(settings, ranked[0]["model"] if ranked else None))
    chosen = pick(ranked, token_budget, settings.recall.max_items)
    if not chosen:
        return None
    record_recalls(conn, chosen, session_id, event, query)
    return render(chosen)


def rank(conn: sqlite3.Connection, settings: Settings, query: str, scopes: list[int | None], *,
         exclude_session: str | None = None, mode: str = "hybrid",
         query_vector: list[float] | None = None, embed: bool = True) -> list[dict[str, Any]]:
    """Candidates as dicts (row fields + ``score``, ``similarity``, ``keyword``, ``model``), best first.

    ``mode``: hybrid (vectors + keyword bonus), bm25 (keyword order only), vector (cosine only).
    ``query_vector``: the query already embedded in the stored model's space (SessionStart's precomputed one);
    ``embed`` False: do not embed the query here (without ``query_vector``, the lexical embedder scores).
    """
    lexical = bm25_hits(conn, query, scopes) if mode in ("hybrid", "bm25") else []
    if mode in ("hybrid", "vector"):
        model, query_vector, similar = vector_hits(conn, settings, query, scopes, query_vector, embed)
    else:
        model, query_vector, similar = stored_model(scopes), None, []
    if query_vector is None:
        model = builtin.MODEL  # similarity below is the lexical embedder's
    best_bm25 = max((score for _, score in lexical), default=0.0) or 1.0
    keyword = {learning_id: score / best_bm25 for learning_id, score in lexical}
    similarity = dict(similar)
    lexical_rank = {learning_id: position for position, (learning_id, _) in enumerate(lexical)}
    rows = candidate_rows(conn, list(dict.fromkeys([*keyword, *similarity])), exclude_session)
    changed = anchor_marks.stale_reasons(conn, [row["id"] for row in rows])
    lexical_query = builtin.embed(query) if query_vector is None else None
    results = []
    for row in rows:
        sim = similarity.get(row["id"])
        if sim is None and query_vector is not None and row["vector"] and row["embedding_model"] == model:
            sim = _cosine_blob(query_vector, row["vector"])
        elif lexical_query is not None:
            from memory.vectors.codec import cosine

            sim = cosine(lexical_query, builtin.embed(row["text"]))
        if sim is None:
            continue  # not embedded by this model yet (the worker re-embeds in the background)
        item = {k: row[k] for k in row.keys() if k != "vector"}
        item.update(similarity=sim, keyword=keyword.get(row["id"], 0.0), bm25_rank=lexical_rank.get(row["id"]),
                    model=model, stale=False, anchor_changed=changed.get(row["id"]))
        item["score"] = score(item) if mode != "bm25" else keyword.get(row["id"], 0.0)
        if item["anchor_changed"] and mode != "bm25":
            item["score"] -= STALE_PENALTY
        if row["vector"] and row["embedding_model"] == model:
            item["_vector"] = row["vector"]
        results.append(item)
    results.sort(key=lambda r: r["score"], reverse=True)
    if mode == "hybrid":
        demote_stale(results)
    for item in results:
        item.pop("_vector", None)
    return results


def demote_stale(results: list[dict[str, Any]], top: int = 10) -> None:
    """Among the best ``top`` candidates, put a newer learning on the same subject as an older one in the older
    one's place, and the older one below it (in place)."""
    from memory.vectors.codec import cosine, from_blob

    head = [item for item in results[:top] if "_vector" in item]
    vectors = {item["id"]: from_blob(item["_vector"]) for item in head}
    for old in head:
        for new in head:
            if (float(old["age_days"] or 0) - float(new["age_days"] or 0) >= STALE_AFTER_DAYS
                    and cosine(vectors[old["id"]], vectors[new["id"]]) >= SAME_SUBJECT):
                new["score"] = max(new["score"], old["score"])
                old["score"] -= STALE_PENALTY
                old["stale"] = True
                break
    results.sort(key=lambda r: r["score"], reverse=True)


def score(item: dict[str, Any]) -> float:
    """Cosine similarity, plus a bonus for shared rare words and one for freshness (see the module docstring)."""
    fresh = math.exp(-max(float(item["age_days"] or 0.0), 0.0) / RECENCY_DAYS)
    return float(item["similarity"]) + KEYWORD_WEIGHT * float(item["keyword"]) + RECENCY_WEIGHT * fresh


def gate(settings: Settings, model: str | None) -> float:
    """The score a candidate needs to be injected: ``recall.min_similarity`` when set (> 0), else the
    model's calibrated gate."""
    configured = settings.recall.min_similarity
    if configured > 0:
        return configured
    return GATES.get(model or "", UNCALIBRATED_GATE)


def relevant(ranked: list[dict[str, Any]], threshold: float, margin: float = MARGIN) -> list[dict[str, Any]]:
    """The ranked candidates to inject: none unless the best one's score reaches ``threshold`` (the gate answers
    "is anything here relevant?"); then the best one and those within ``margin`` of it, even below the gate:
    that close to a relevant learning, a paraphrased prompt's target often ranks second."""
    if not ranked or ranked[0]["score"] < threshold:
        return []
    floor = ranked[0]["score"] - margin
    return [item for item in ranked if item["score"] >= floor]


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression: the text's distinct content words, quoted, OR-ed."""
    seen: list[str] = []
    for term in _TERM_RE.findall(text.lower()):
        if term not in builtin.STOP_WORDS and term not in seen:
            seen.append(term)
        if len(seen) >= MAX_QUERY_TERMS:
            break
    return " OR ".join(f'"{t}"' for t in seen)


def bm25_hits(conn: sqlite3.Connection, query: str, scopes: list[int | None],
              limit: int = CANDIDATES) -> list[tuple[int, float]]:
    """(id, BM25 score, higher is better) of the best keyword matches among the scopes' live learnings."""
    match = fts_query(query)
    if not match:
        return []
    # FTS5 alone (no join) is several times faster on a large store; the scope is checked on the few
    # candidates afterwards, so take more than needed.
    rows = conn.execute("SELECT rowid, -rank FROM learnings_fts WHERE learnings_fts MATCH ? ORDER BY rank LIMIT ?",
                        (match, limit * 3)).fetchall()
    if not rows:
        return []
    ids = [r[0] for r in rows]
    marks = ",".join("?" * len(ids))
    in_scope = {r[0] for r in conn.execute(
        f"SELECT id FROM learnings WHERE id IN ({marks}) AND ifnull(project_id, 0) IN "
        f"({','.join('?' * len(scopes))}) AND forgotten_at IS NULL AND superseded_by IS NULL",
        (*ids, *(s or 0 for s in scopes)))}
    return [(i, float(score)) for i, score in rows if i in in_scope][:limit]


def vector_hits(conn: sqlite3.Connection, settings: Settings, query: str, scopes: list[int | None],
                query_vector: list[float] | None = None, embed: bool = True,
                limit: int = CANDIDATES) -> tuple[str | None, list[float] | None, list[tuple[int, float]]]:
    """(model, query vector, [(id, similarity)]) from the scopes' vectors; no vector when it cannot be made."""
    model = stored_model(scopes)
    if query_vector is None and (embed or model == builtin.MODEL):
        query_vector = embed_query(settings.embeddings, model, query)
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


def embed_query(embeddings: Embeddings, model: str, query: str) -> list[float] | None:
    """The query's vector in ``model``'s space, or None (Ollama down or slow: BM25 alone then)."""
    if model == builtin.MODEL:
        return builtin.embed(query)
    if model == minilm.MODEL:
        return minilm.embed(query) if minilm.model_dir() is not None else None
    from memory.vectors.ollama import MODEL_PREFIX, embed_query_http

    if not model.startswith(MODEL_PREFIX):
        return None
    timeout = min(embeddings.ollama_timeout_seconds, 1.0)
    return embed_query_http(embeddings.ollama_host, model[len(MODEL_PREFIX):], query, timeout)


def candidate_rows(conn: sqlite3.Connection, ids: list[int], exclude_session: str | None) -> list[sqlite3.Row]:
    """The live candidates' rows (with ``age_days``), minus those already recalled in ``exclude_session``."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return conn.execute(
        "SELECT id, project_id, category, text, files_json, confidence, recall_count, seen_count, "
        "embedding_model, vector, julianday('now') - julianday(last_seen_at) AS age_days FROM learnings "
        f"WHERE id IN ({marks}) AND forgotten_at IS NULL AND superseded_by IS NULL AND NOT EXISTS "
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
    changed = f" (may be stale: {item['anchor_changed']})" if item.get("anchor_changed") else ""
    return f"- Previous learning [{item['category']} #{item['id']}{scope}]: {item['text']}{changed}"


def render(items: list[dict[str, Any]]) -> str:
    """The context block injected into the conversation."""
    return "\n".join([HEADER, *(render_line(item) for item in items)])


def record_recalls(conn: sqlite3.Connection, items: list[dict[str, Any]], session_id: str, event: str,
                   query: str) -> None:
    """Remember what was injected (never again this session) and count the recall."""
    from memory.store import recalls, transaction

    with transaction(conn):
        recalls.record(conn, session_id, event, query,
                       [(item["id"], round(item["score"], 6)) for item in items])
