"""Which embedder the worker uses, and keeping stored vectors in step with it.

``provider`` (``embeddings.provider``): ``auto`` uses Ollama when it answers at ``embeddings.ollama_host`` with
``embeddings.ollama_model`` available, else MiniLM (``memory.vectors.minilm``: semantic, offline, in numpy),
else -- while the plugin's dependencies are still installing -- the built-in lexical embedder; ``ollama``,
``minilm`` and ``builtin`` force one (``ollama`` and ``minilm`` fall back, with a log line, when unavailable). Every vector records the
model that made it; when the worker's embedder differs from what is stored, a ``reembed`` job converts the
stored vectors in the background. Worker and CLI only.
"""

from __future__ import annotations

import sqlite3

from memory.vectors import builtin, pack

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.config import Embeddings


def worker_embedder(embeddings: Embeddings):
    """The embedder the worker should use now (an object with ``model`` and ``embed_many``) under the
    ``embeddings`` settings."""
    from memory import log
    from memory.vectors import minilm, ollama

    provider = embeddings.provider
    if provider in ("auto", "ollama"):
        host, model = embeddings.ollama_host, embeddings.ollama_model
        timeout = embeddings.ollama_timeout_seconds
        if ollama.reachable(host, model, timeout):
            return ollama.OllamaEmbedder(host, model, timeout)
        if provider == "ollama":
            log.warning("vectors", f"ollama not reachable at {host} with {model}; using the local embedder")
    if provider != "builtin":
        if minilm.available():
            return minilm.MiniLMEmbedder()
        log.warning("vectors", f"the {minilm.PACKAGE} package is not installed yet; using the lexical embedder")
    return builtin.BuiltinEmbedder()


def stale_count(conn: sqlite3.Connection, model: str) -> int:
    """Live learnings whose vector is missing or was made by another model."""
    return conn.execute(
        "SELECT count(*) FROM learnings WHERE forgotten_at IS NULL AND (vector IS NULL OR embedding_model IS NOT ?)",
        (model,),
    ).fetchone()[0]


def enqueue_reembed_if_needed(conn: sqlite3.Connection, model: str) -> int | None:
    """Queue a ``reembed`` job when stored vectors do not match ``model``; return the job id or None."""
    from memory.store import jobs

    stale = stale_count(conn, model)
    if not stale:
        return None
    total = conn.execute("SELECT coalesce(max(id), 0) FROM learnings").fetchone()[0]
    return jobs.enqueue(conn, jobs.REEMBED, {"model": model}, f"{jobs.REEMBED}:{model}:{total}:{stale}")


def reembed_all(conn: sqlite3.Connection, job_id: int, payload: dict[str, Any], *, batch: int = 64) -> int:
    """Re-embed every stale learning with the current embedder, rebuild the indexes, mark the job done."""
    from memory.store import jobs
    from memory.config import load_settings
    from memory.store import learnings, transaction
    from memory.vectors.codec import to_blob

    embedder = worker_embedder(load_settings(payload.get("root")).embeddings)
    done = 0
    while True:
        rows = conn.execute(
            "SELECT id, text FROM learnings WHERE forgotten_at IS NULL AND (vector IS NULL OR embedding_model IS NOT ?) "
            "ORDER BY id LIMIT ?", (embedder.model, batch)).fetchall()
        if not rows:
            break
        vectors = embedder.embed_many([r["text"] for r in rows])
        with transaction(conn):
            learnings.set_vectors(conn, [(r["id"], to_blob(v)) for r, v in zip(rows, vectors)], embedder.model)
        done += len(rows)
    reindex(conn)
    jobs.complete(conn, job_id)
    return done


def write_packs(conn: sqlite3.Connection, project_ids: list[int | None] | None = None) -> int:
    """Rewrite the pack files of the given scopes (all when None), dropping packs of models no longer used."""
    import os

    if project_ids is None:
        project_ids = [r[0] for r in conn.execute("SELECT DISTINCT project_id FROM learnings")]
    models = [r[0] for r in conn.execute("SELECT DISTINCT embedding_model FROM learnings WHERE vector IS NOT NULL")]
    written = 0
    for project_id in project_ids:
        for model in models:
            if pack.write_pack(conn, project_id, model) == 0:
                os.unlink(pack.pack_path(project_id, model))
            else:
                written += 1
    return written


def reindex(conn: sqlite3.Connection) -> dict[str, int]:
    """Rebuild the LanceDB tables and every pack file from SQLite; return rows per LanceDB table."""
    from memory.vectors import lance

    pack.remove_all()
    write_packs(conn)
    return lance.rebuild(conn)
