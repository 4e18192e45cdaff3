"""One extraction job, start to finish (worker only).

transcript -> records -> extractors -> redaction -> embeddings -> dedup + store (one transaction, together
with marking the job done, so a worker killed at any point stores nothing twice) -> pack files and LanceDB
(derived indexes, refreshed after the commit; a failure there queues a ``reindex`` job instead of failing).
"""

from __future__ import annotations

import sqlite3

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.config import Settings


def run_extraction(conn: sqlite3.Connection, job_id: int, payload: dict[str, Any]) -> dict[str, int]:
    """Extract, store and index the learnings of the session in ``payload``; return outcome counts."""
    from memory.config import load_settings
    from memory.transcript import iter_records
    from memory.learning.extractors import extract_session

    project = payload.get("project") or {}
    settings = load_settings(project.get("root"))
    session_id = payload["session_id"]
    records = list(iter_records(payload["transcript_path"])) if _readable(payload["transcript_path"]) else []
    found = extract_session(records, session_id=session_id, learning=settings.learning, conn=conn)
    learnings = [redacted(item) for item in found]
    return store_learnings(conn, learnings, project_id=project.get("id"), session_id=session_id, settings=settings,
                           job_id=job_id)


def _readable(path: str) -> bool:
    import os

    return bool(path) and os.path.isfile(path)


def redacted(learning: Any) -> Any:
    """A copy of ``learning`` with secrets removed from its text, files, symbols and evidence."""
    import dataclasses
    import json

    from memory.redact import redact_thorough

    evidence = json.loads(redact_thorough(json.dumps(learning.evidence or {})))
    return dataclasses.replace(
        learning,
        text=redact_thorough(learning.text),
        files=[redact_thorough(f) for f in learning.files or []],
        symbols=[redact_thorough(s) for s in getattr(learning, "symbols", None) or []],
        evidence=evidence,
    )


def store_learnings(conn: sqlite3.Connection, learnings: list[Any], *, project_id: int | None, session_id: str,
                    settings: Settings, job_id: int | None = None,
                    times: list[tuple[str | None, str | None]] | None = None) -> dict[str, int]:
    """Embed, deduplicate and store ``learnings`` (marking ``job_id`` done in the same transaction), then
    refresh the derived indexes. Return how many were added, reinforced, unchanged, suppressed, superseded
    (older learnings a new one replaced) and promoted (instructions made global because a second project
    learned them). ``times`` gives (created_at, last_seen_at) per learning, for imports."""
    from memory.store import jobs
    from memory.learning.storage import add_or_reinforce, scope_for
    from memory.store import transaction
    from memory.vectors.choose import enqueue_reembed_if_needed, worker_embedder

    embedder = worker_embedder(settings.embeddings)
    vectors = embedder.embed_many([item.text for item in learnings]) if learnings else []
    threshold = settings.learning.near_duplicate_threshold
    counts = {"added": 0, "reinforced": 0, "unchanged": 0, "suppressed": 0, "superseded": 0, "promoted": 0}
    touched: list[int] = []
    scopes: set[int | None] = set()
    times = times or [(None, None)] * len(learnings)
    with transaction(conn):
        for item, vector, (created, seen) in zip(learnings, vectors, times):
            scope = scope_for(item, project_id)
            learning_id, outcome = add_or_reinforce(conn, project_id=scope, learning=item, session_id=session_id,
                                                    vector=vector, model=embedder.model, near_threshold=threshold,
                                                    created_at=created, last_seen_at=seen)
            counts[outcome] += 1
            if outcome != "added":
                continue
            scope, learning_id = _promote_if_learned_elsewhere(conn, item, scope, learning_id, counts)
            counts["superseded"] += _supersede_older(conn, item, scope, learning_id)
            touched.append(learning_id)
            scopes.add(scope)
        if job_id is not None:
            jobs.complete(conn, job_id)
    enqueue_reembed_if_needed(conn, embedder.model)
    refresh_indexes(conn, touched, scopes)
    if counts["added"] or counts["superseded"] or counts["promoted"]:
        from memory.learning import anchor_index

        anchor_index.refresh(conn)  # the next PreToolUse sees the new anchors without waiting for a hook
    return counts


def _promote_if_learned_elsewhere(conn: sqlite3.Connection, item: Any, scope: int | None, learning_id: int,
                                  counts: dict[str, int]) -> tuple[int | None, int]:
    """An instruction already learned in another project becomes global (both projects' copies point to it)."""
    from memory.learning.storage import same_instruction_elsewhere
    from memory.store.learnings import make_global, supersede

    if scope is None or item.category != "instruction":
        return scope, learning_id
    others = same_instruction_elsewhere(conn, item.text, scope)
    if not others:
        return scope, learning_id
    projects = ", ".join(f"#{p}" for p in sorted({scope, *(o["project_id"] for o in others)}))
    global_id = make_global(conn, learning_id, f"the same instruction was learned in projects {projects}")
    for other in others:
        supersede(conn, other["id"], global_id)
    counts["promoted"] += 1
    return None, global_id


def _supersede_older(conn: sqlite3.Connection, item: Any, scope: int | None, learning_id: int) -> int:
    """Mark the live learnings of the same scope that ``item`` replaces (memory.learning.supersede)."""
    from memory.learning.storage import live_on_subject
    from memory.store.learnings import supersede
    from memory.learning.supersede import replaces

    done = 0
    for row in live_on_subject(conn, scope):
        if row["id"] != learning_id and replaces(item.text, item.category, row["text"], row["category"]):
            done += supersede(conn, row["id"], learning_id)
    return done


def refresh_indexes(conn: sqlite3.Connection, learning_ids: list[int], scopes: set[int | None]) -> None:
    """Rewrite the touched scopes' pack files and upsert the rows into LanceDB; on failure queue a reindex."""
    if not learning_ids:
        return
    from memory import log
    from memory.store import jobs
    from memory.vectors import choose, lance

    try:
        choose.write_packs(conn, sorted(scopes, key=lambda s: s or 0))
        lance.upsert(conn, learning_ids)
    except Exception as exc:
        log.error("worker", f"index refresh failed, reindex queued: {type(exc).__name__}: {exc}", exc)
        jobs.enqueue(conn, jobs.REINDEX, {})
