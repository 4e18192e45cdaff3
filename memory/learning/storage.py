"""Learnings kept: what to add or reinforce, list, show, prune, export and import. Every write of the
``learnings`` table is ``memory.store.learnings``; the writes that need no decision (``forget``, ``unforget``,
``set_vector``, ``supersede``, ``make_global``) are called there directly.

Writing is idempotent per session: a learning already backed by evidence from a session is not reinforced
again by that session (a transcript extracted at PreCompact and again at SessionEnd, or a job retried after
its worker died, counts once). A forgotten learning (``forget`` without ``--purge``) stays forgotten: the same
text learned again is ignored; ``--purge`` deletes the row so it can be learned anew.
"""

from __future__ import annotations

import json
import sqlite3

from memory.learning.dedup import DEFAULT_NEAR_THRESHOLD, is_near_duplicate, text_hash
from memory.store import SQL_NOW_OFFSET
from memory.store import learnings as table
from memory.vectors.codec import to_blob

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_EVIDENCE = 20


def scope_for(learning: Any, project_id: int | None) -> int | None:
    """Where a learning lives: its project, or the global store (NULL) when the learning says it is global."""
    return None if getattr(learning, "scope", "project") == "global" else project_id


def evidence_entries(learning: Any, session_id: str) -> list[dict[str, Any]]:
    """The learning's evidence as dicts that name the session (what reinforcement keys on)."""
    evidence = getattr(learning, "evidence", None) or {}
    items = [evidence] if isinstance(evidence, dict) else list(evidence)
    entries = []
    for item in items:
        entry = dict(item) if isinstance(item, dict) else {"ref": item}
        entry.pop("session_id", None)
        entry["session"] = session_id
        entries.append(entry)
    return entries or [{"session": session_id}]


def add_or_reinforce(
    conn: sqlite3.Connection,
    *,
    project_id: int | None,
    learning: Any,
    session_id: str,
    vector: list[float] | None,
    model: str | None,
    near_threshold: float = DEFAULT_NEAR_THRESHOLD,
    created_at: str | None = None,
    last_seen_at: str | None = None,
) -> tuple[int | None, str]:
    """Store ``learning`` or reinforce its duplicate; return (id, "added" | "reinforced" | "unchanged" |
    "suppressed"). Run inside the caller's transaction. ``created_at``/``last_seen_at`` (an import's) replace
    the store's clock for a new row. Every text is redacted on the way in."""
    import dataclasses

    from memory.redact import redact, redact_data

    learning = dataclasses.replace(
        learning, text=redact(learning.text), files=redact_data(list(learning.files or [])),
        evidence=redact_data(learning.evidence or {}),
        **({"symbols": redact_data(list(learning.symbols or []))} if hasattr(learning, "symbols") else {}))
    digest = text_hash(learning.text)
    row = conn.execute(
        "SELECT id, evidence_json, forgotten_at, confidence FROM learnings WHERE ifnull(project_id, 0) = ? "
        "AND text_hash = ?", (project_id or 0, digest)).fetchone()
    if row is None and vector is not None and model:
        row = _near_duplicate(conn, project_id, vector, model, near_threshold)
    evidence = evidence_entries(learning, session_id)
    if row is not None:
        if row["forgotten_at"] is not None:
            return row["id"], "suppressed"
        return row["id"], _reinforce(conn, row, evidence, session_id, float(learning.confidence))
    learning_id = table.insert(
        conn, project_id=project_id, category=learning.category, text=learning.text, text_hash=digest,
        files=list(learning.files or []), symbols=list(getattr(learning, "symbols", None) or []),
        evidence=evidence[:MAX_EVIDENCE], confidence=float(learning.confidence), source_session=session_id,
        extractor=getattr(learning, "extractor", None), model=model if vector else None,
        vector=to_blob(vector) if vector is not None else None,
        scope_reason=(getattr(learning, "scope_reason", "") or None) if project_id is None else None,
        anchors=list(getattr(learning, "anchors", None) or []), created_at=created_at, last_seen_at=last_seen_at)
    return learning_id, "added"


def _near_duplicate(conn: sqlite3.Connection, project_id: int | None, vector: list[float], model: str,
                    threshold: float) -> sqlite3.Row | None:
    from memory.vectors import pack

    for learning_id, similarity in pack.nearest(conn, [project_id], model, vector, 3):
        if not is_near_duplicate(similarity, threshold):
            break
        row = conn.execute("SELECT id, evidence_json, forgotten_at, confidence FROM learnings WHERE id = ?",
                           (learning_id,)).fetchone()
        if row is not None:
            return row
    return None


def _reinforce(conn: sqlite3.Connection, row: sqlite3.Row, evidence: list[dict[str, Any]], session_id: str,
               confidence: float) -> str:
    stored = json.loads(row["evidence_json"] or "[]")
    if any(isinstance(e, dict) and e.get("session") == session_id for e in stored):
        return "unchanged"
    table.reinforce(conn, row["id"], evidence=(stored + evidence)[-MAX_EVIDENCE:], confidence=confidence)
    return "reinforced"


def get(conn: sqlite3.Connection, learning_id: int) -> sqlite3.Row | None:
    """One learning's row (forgotten ones included)."""
    return conn.execute("SELECT * FROM learnings WHERE id = ?", (learning_id,)).fetchone()


def recalls_of(conn: sqlite3.Connection, learning_id: int, limit: int = 20) -> list[sqlite3.Row]:
    """When, where and why a learning was recalled, newest first."""
    return conn.execute(
        "SELECT session_id, ts, event, query, score FROM recalls WHERE learning_id = ? ORDER BY ts DESC LIMIT ?",
        (learning_id, limit)).fetchall()


def list_learnings(conn: sqlite3.Connection, project_ids: list[int | None] | None = None,
                   category: str | None = None, limit: int = 20) -> list[sqlite3.Row]:
    """Live learnings (neither forgotten nor superseded), newest first; ``project_ids`` restricts the scopes
    (None = every scope)."""
    where, args = ["forgotten_at IS NULL", "superseded_by IS NULL"], []
    if project_ids is not None:
        where.append(f"ifnull(project_id, 0) IN ({','.join('?' * len(project_ids))})")
        args.extend(p or 0 for p in project_ids)
    if category:
        where.append("category = ?")
        args.append(category)
    return conn.execute(
        f"SELECT * FROM learnings WHERE {' AND '.join(where)} ORDER BY last_seen_at DESC, id DESC LIMIT ?",
        (*args, limit)).fetchall()








def prunable(conn: sqlite3.Connection, after_days: int, below_confidence: float) -> list[sqlite3.Row]:
    """Live learnings never recalled, older than ``after_days`` and less confident than ``below_confidence``."""
    return conn.execute(
        "SELECT id, category, text, confidence, created_at FROM learnings WHERE forgotten_at IS NULL "
        f"AND recall_count = 0 AND confidence < ? AND last_seen_at < {SQL_NOW_OFFSET} "
        "ORDER BY id", (below_confidence, f"-{int(after_days)} days")).fetchall()


def export_rows(conn: sqlite3.Connection, project_ids: list[int | None] | None = None) -> list[dict[str, Any]]:
    """Every live learning as a plain dict for JSON Lines (``type`` "learning"; text redacted again; no vectors)."""
    from memory.redact import redact_thorough

    rows = list_learnings(conn, project_ids, limit=-1)
    return [{
        "type": "learning", "category": r["category"], "text": redact_thorough(r["text"]),
        "files": json.loads(r["files_json"]), "symbols": json.loads(r["symbols_json"]),
        "confidence": r["confidence"], "created_at": r["created_at"], "last_seen_at": r["last_seen_at"],
        "seen_count": r["seen_count"], "extractor": r["extractor"], "global": r["project_id"] is None,
        "scope_reason": r["scope_reason"], "anchors": json.loads(r["anchors_json"] or "[]"),
    } for r in rows]




def successor_of(conn: sqlite3.Connection, learning_id: int) -> sqlite3.Row | None:
    """The learning that superseded ``learning_id`` (id, text), if any."""
    return conn.execute("SELECT n.id, n.text FROM learnings o JOIN learnings n ON n.id = o.superseded_by "
                        "WHERE o.id = ?", (learning_id,)).fetchone()


def live_on_subject(conn: sqlite3.Connection, project_id: int | None) -> list[sqlite3.Row]:
    """The live instructions and facts of one scope (id, category, text): what a new one may supersede."""
    return conn.execute(
        "SELECT id, category, text FROM learnings WHERE ifnull(project_id, 0) = ? AND forgotten_at IS NULL "
        "AND superseded_by IS NULL AND category IN ('instruction', 'fact', 'preference', 'tip')",
        (project_id or 0,)).fetchall()


def same_instruction_elsewhere(conn: sqlite3.Connection, text: str, project_id: int | None) -> list[sqlite3.Row]:
    """Live instructions with the same normalized text in other projects (id, project_id)."""
    return conn.execute(
        "SELECT id, project_id FROM learnings WHERE text_hash = ? AND project_id IS NOT NULL AND project_id != ? "
        "AND forgotten_at IS NULL AND superseded_by IS NULL AND category IN ('instruction', 'preference')",
        (text_hash(text), project_id or 0)).fetchall()

