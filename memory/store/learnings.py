"""The ``learnings`` table (the only module that writes it; ``learnings_fts`` follows by trigger): insert,
reinforce, forget, supersede, move to the global scope, store vectors, count recalls.

What to write is decided above: ``memory.learning.storage`` (deduplication, evidence, scope; it redacts every
text before hashing it, so that a row and its ``text_hash`` agree), ``memory.vectors.choose`` (re-embedding in
bulk) and ``memory.store.recalls`` (the recall counters).
"""

from __future__ import annotations

import json
import sqlite3

from memory.store.clock import SQL_NOW

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any


def insert(conn: sqlite3.Connection, *, project_id: int | None, category: str, text: str, text_hash: str,
           files: list[str], symbols: list[str], evidence: list[dict[str, Any]], confidence: float,
           source_session: str | None, extractor: str | None, model: str | None, vector: bytes | None,
           scope_reason: str | None, anchors: list[Any], created_at: str | None = None,
           last_seen_at: str | None = None) -> int:
    """Store a new learning (texts already redacted); return its id. ``created_at``/``last_seen_at`` (an
    import's) replace the store's clock."""
    cur = conn.execute(
        "INSERT INTO learnings(project_id, category, text, text_hash, files_json, symbols_json, evidence_json, "
        "confidence, source_session, extractor, embedding_model, vector, scope_reason, anchors_json, created_at, "
        f"last_seen_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,coalesce(?, {SQL_NOW}),coalesce(?, {SQL_NOW}))",
        (project_id, category, text, text_hash, json.dumps(files), json.dumps(symbols), json.dumps(evidence),
         confidence, source_session, extractor, model, vector, scope_reason,
         json.dumps(anchors, ensure_ascii=False), created_at, last_seen_at),
    )
    return int(cur.lastrowid or 0)


def reinforce(conn: sqlite3.Connection, learning_id: int, *, evidence: list[dict[str, Any]] | None = None,
              confidence: float | None = None) -> None:
    """Count one more sighting of a learning: seen now, with ``evidence`` (the merged list) and at least
    ``confidence`` when given."""
    conn.execute(
        f"UPDATE learnings SET seen_count = seen_count + 1, last_seen_at = {SQL_NOW}, "
        "evidence_json = coalesce(?, evidence_json), confidence = max(confidence, coalesce(?, confidence)) "
        "WHERE id = ?",
        (json.dumps(evidence) if evidence is not None else None, confidence, learning_id),
    )


def forget(conn: sqlite3.Connection, learning_id: int, *, purge: bool = False) -> bool:
    """Stop recalling a learning (kept as forgotten, so it is not learned again) or, with ``purge``, delete it."""
    if purge:
        cur = conn.execute("DELETE FROM learnings WHERE id = ?", (learning_id,))
    else:
        cur = conn.execute(f"UPDATE learnings SET forgotten_at = {SQL_NOW}, vector = NULL WHERE id = ? "
                           "AND forgotten_at IS NULL", (learning_id,))
    return cur.rowcount > 0


def unforget(conn: sqlite3.Connection, learning_id: int) -> bool:
    """Undo ``forget``: recall the learning again (its vector is rebuilt by the caller); False if not forgotten."""
    cur = conn.execute("UPDATE learnings SET forgotten_at = NULL WHERE id = ? AND forgotten_at IS NOT NULL",
                       (learning_id,))
    return cur.rowcount > 0


def set_vector(conn: sqlite3.Connection, learning_id: int, vector: bytes, model: str) -> None:
    """Store a learning's embedding (``vector`` as ``vectors.codec.to_blob`` gives it) and the model that made it."""
    set_vectors(conn, [(learning_id, vector)], model)


def set_vectors(conn: sqlite3.Connection, vectors: Iterable[tuple[int, bytes]], model: str) -> None:
    """Store the embeddings (learning id, ``to_blob`` bytes) that ``model`` made."""
    conn.executemany("UPDATE learnings SET vector = ?, embedding_model = ? WHERE id = ?",
                     [(vector, model, learning_id) for learning_id, vector in vectors])


def supersede(conn: sqlite3.Connection, old_id: int, new_id: int) -> bool:
    """Mark ``old_id`` superseded by ``new_id``: never recalled again (its vector is dropped), still shown."""
    cur = conn.execute("UPDATE learnings SET superseded_by = ?, vector = NULL WHERE id = ? AND id != ? "
                       "AND superseded_by IS NULL", (new_id, old_id, new_id))
    return cur.rowcount > 0


def make_global(conn: sqlite3.Connection, learning_id: int, reason: str) -> int:
    """Move a learning to the global store with ``reason``; return the id now holding it (an existing global
    row with the same text is reinforced instead, and this one superseded by it)."""
    row = conn.execute("SELECT text_hash FROM learnings WHERE id = ?", (learning_id,)).fetchone()
    existing = conn.execute("SELECT id FROM learnings WHERE project_id IS NULL AND text_hash = ?",
                            (row["text_hash"],)).fetchone()
    if existing is not None:
        reinforce(conn, existing["id"])
        supersede(conn, learning_id, existing["id"])
        return int(existing["id"])
    conn.execute("UPDATE learnings SET project_id = NULL, scope_reason = ? WHERE id = ?", (reason, learning_id))
    return learning_id


def count_recall(conn: sqlite3.Connection, learning_id: int) -> None:
    """Count one recall of a learning (``memory.store.recalls`` calls it for a first showing in a session)."""
    conn.execute(f"UPDATE learnings SET recall_count = recall_count + 1, last_recalled_at = {SQL_NOW} WHERE id = ?",
                 (learning_id,))
