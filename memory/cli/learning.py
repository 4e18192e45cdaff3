"""Learning commands: ``learnings [QUERY]``, ``search``, ``show``, ``forget``, ``unforget``, ``prune``,
``reindex`` and ``worker status|run``. (``export`` and ``import`` are in ``transfer.py``.)"""

from __future__ import annotations

import argparse
import json
import sqlite3
from typing import Any

from memory.cli.common import (CliError, add_command, current_project, open_store, positive_int, print_json,
                               print_table, progress, shorten)
from memory.config import load_settings
from memory.store.core import project_id

CATEGORIES = "fix, gotcha, instruction, fact, dead-end"


def register(subparsers) -> None:
    """Add the learning commands."""
    p = add_command(subparsers, "learnings", cmd_learnings, "list recent learnings, or the best matches for a query",
                    description="The learnings of this project (and the global ones), newest first: category, "
                                "text, how often recalled, date. With QUERY: the best matches, ranked as recall "
                                "ranks them (this is what /memory-learnings shows).",
                    examples=["learnings", "learnings --category fix --limit 5", "learnings 'database migrations'"])
    p.add_argument("query", nargs="*", help="words to match (optional); without them the newest are listed")
    p.add_argument("--category", "-c", help=f"only this category: {CATEGORIES}")
    p.add_argument("--limit", "-n", type=positive_int, default=20, help="how many to show (default 20)")

    p = add_command(subparsers, "search", cmd_search, "rank learnings for a query, with scores",
                    description="Rank learnings for QUERY by meaning (vectors) and words (FTS5, BM25), exactly as "
                                "recall does, and show why: the fused score, the cosine similarity, the rank "
                                "among word matches, and whether recall would inject it for this text. Only "
                                "matches are listed (by words, or by meaning near recall's gate); "
                                "nothing is recorded as recalled. Exit code 1 when nothing matches.",
                    examples=["search 'pytest ImportError'", "search alembic --limit 3 --json"])
    p.add_argument("query", nargs="+", help="what to look for")
    p.add_argument("--limit", "-n", type=positive_int, default=10, help="how many to show (default 10)")

    p = add_command(subparsers, "show", cmd_show, "one learning: text, evidence, and when and why it was recalled",
                    examples=["show 12"])
    p.add_argument("id", type=int, help="learning id (from `learnings` or `search`)")

    p = add_command(subparsers, "forget", cmd_forget, "stop recalling a learning (undo with `unforget`)",
                    description="Stop recalling learning ID. It is kept, marked forgotten, so the same thing is "
                                "not learned again; `unforget ID` brings it back. With --purge the row is erased "
                                "for good (it may then be learned again).",
                    examples=["forget 12", "unforget 12", "forget 12 --purge"])
    p.add_argument("id", type=int, help="learning id")
    p.add_argument("--purge", action="store_true", help="erase it instead (cannot be undone)")

    p = add_command(subparsers, "unforget", cmd_unforget, "recall a forgotten learning again (undoes `forget`)",
                    examples=["unforget 12"])
    p.add_argument("id", type=int, help="learning id")

    p = add_command(subparsers, "prune", cmd_prune, "forget old learnings that were never recalled and are unsure",
                    description="Forget learnings never recalled, less confident than learning."
                                "prune_below_confidence and not seen for learning.prune_after_days (see "
                                "`config`). Forgotten, not erased: `unforget ID` brings one back.",
                    examples=["prune --dry-run", "prune"])
    p.add_argument("--dry-run", action="store_true", help="only show what would be forgotten")

    add_command(subparsers, "reindex", cmd_reindex, "rebuild the vector indexes (LanceDB, pack files) from SQLite",
                description="Rebuild the LanceDB tables and the pack files recall reads from the learnings in "
                            "SQLite (the source of truth). Safe to run at any time.")

    p = add_command(subparsers, "worker", cmd_worker, "the background worker: its queue, or run it now",
                    description="The background worker that extracts learnings and keeps the vector indexes. "
                                "`worker status`: the job queue (pending, running, done, failed, the last "
                                "error) and whether a worker runs now. `worker run`: do the pending jobs in "
                                "this process.",
                    examples=["worker status", "worker run"])
    p.add_argument("action", choices=["status", "run"], help="status or run")


def _scopes(conn: sqlite3.Connection) -> list[int | None]:
    """This project's learnings and the global ones."""
    return [project_id(conn, current_project()), None]


def _row_summary(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"], "category": row["category"], "text": row["text"], "global": row["project_id"] is None,
        "files": json.loads(row["files_json"]), "confidence": row["confidence"], "seen_count": row["seen_count"],
        "recall_count": row["recall_count"], "created_at": row["created_at"], "last_seen_at": row["last_seen_at"],
        "extractor": row["extractor"],
    }


def cmd_learnings(args: argparse.Namespace) -> int:
    """List recent learnings, or the best matches of a query, in seed 003's /memory-learnings shape."""
    from memory.learning.storage import get, list_learnings

    conn = open_store()
    scopes = _scopes(conn)
    query = " ".join(args.query).strip()
    if query:
        hits = _rank(conn, query, scopes)
        rows = [_row_summary(get(conn, hit["id"])) for hit in hits
                if not args.category or hit["category"] == args.category][: args.limit]
    else:
        rows = [_row_summary(r) for r in list_learnings(conn, scopes, args.category, args.limit)]
    total = conn.execute("SELECT count(*) FROM learnings WHERE forgotten_at IS NULL AND superseded_by IS NULL "
                         "AND ifnull(project_id, 0) IN "
                         "(?, 0)", (scopes[0] or 0,)).fetchone()[0]
    if args.json:
        print_json({"query": query or None, "learnings": rows, "total": total})
        return 0
    print(f'=== Learnings matching "{query}" ===' if query else "=== Recent Learnings ===")
    if not rows:
        print("No learning matches." if query or args.category else "No learnings stored yet.")
    for n, row in enumerate(rows, 1):
        print(f"{n}. [{row['category']}] {row['text']}")
        print(f"   Recalls: {row['recall_count']} | Date: {row['last_seen_at'][:10]} | "
              f"id {row['id']}{' | global' if row['global'] else ''}")
    print(f"Total learnings: {total}")
    return 0


def _rank(conn: sqlite3.Connection, query: str, scopes: list[int | None]) -> list[dict[str, Any]]:
    """Learnings that match ``query`` (by its words, or by a similarity reaching recall's gate), best
    first; each with ``would_recall``: whether it passes recall's gate."""
    from memory import recall

    settings = load_settings(current_project().root)
    ranked = recall.rank(conn, settings, query, scopes)
    threshold = recall.gate(settings, ranked[0]["model"] if ranked else None)
    gated = {item["id"] for item in recall.relevant(ranked, threshold)}
    return [{**item, "would_recall": item["id"] in gated} for item in ranked
            if item["bm25_rank"] is not None or item["similarity"] >= threshold]


def cmd_search(args: argparse.Namespace) -> int:
    """Rank learnings for a query the way recall does (without recording a recall); 1 when nothing matches."""
    conn = open_store()
    hits = _rank(conn, " ".join(args.query), _scopes(conn))[: args.limit]
    if args.json:
        print_json(hits)
    elif hits:
        print_table(None, ["id", "category", "score", "similarity", "words", "recall", "text"],
                    [[h["id"], h["category"], f"{h['score']:.4f}",
                      "" if h["similarity"] is None else f"{h['similarity']:.2f}",
                      "" if h["bm25_rank"] is None else f"#{h['bm25_rank'] + 1}",
                      "yes" if h["would_recall"] else "", shorten(h["text"], 90)] for h in hits])
    else:
        print("No learning matches.")
    return 0 if hits else 1


def cmd_show(args: argparse.Namespace) -> int:
    """Everything about one learning, with its recall history."""
    from memory.cli import explain
    from memory.learning.storage import get, recalls_of, successor_of

    conn = open_store()
    row = get(conn, args.id)
    if row is None:
        raise CliError(f"no learning #{args.id} (see `python -m memory learnings`)")
    data = _row_summary(row)
    data.update(symbols=json.loads(row["symbols_json"]), evidence=json.loads(row["evidence_json"]),
                source_session=row["source_session"], embedding_model=row["embedding_model"],
                forgotten_at=row["forgotten_at"], last_recalled_at=row["last_recalled_at"],
                scope_reason=row["scope_reason"], superseded_by=row["superseded_by"],
                recalls=[{**dict(r), "where": explain.where(r["event"]), "why": explain.reason(r)}
                         for r in recalls_of(conn, args.id)],
                **explain.anchor_details(conn, row))
    successor = successor_of(conn, args.id)
    data["successor"] = dict(successor) if successor is not None else None
    if args.json:
        print_json(data)
        return 0
    print(f"#{data['id']} [{data['category']}]{' (global)' if data['global'] else ''}")
    print(data["text"])
    if data["forgotten_at"]:
        print(f"Forgotten {data['forgotten_at']}: not recalled (undo: python -m memory unforget {data['id']})")
    if data["successor"]:
        print(f"Superseded by #{data['successor']['id']}: {data['successor']['text']} (not recalled; see "
              f"python -m memory show {data['successor']['id']})")
    print("Scope: " + (f"global, because {data['scope_reason'] or 'no reason was recorded'}" if data["global"]
                       else "this project"))
    print(f"Confidence {data['confidence']:.2f} | seen {data['seen_count']}x | recalled {data['recall_count']}x | "
          f"extractor {data['extractor']} | embedding {data['embedding_model'] or 'none'}")
    print(f"Created {data['created_at']} | last seen {data['last_seen_at']} | session {data['source_session']}")
    if data["files"]:
        print("Files: " + ", ".join(data["files"]))
    explain.print_anchor_details(data["id"], data)
    for entry in data["evidence"]:
        print("Evidence: " + _evidence_line(entry))
    if not data["recalls"]:
        print("Never recalled.")
    for rec in data["recalls"]:
        print(explain.recall_line(rec))
    return 0


def _evidence_line(entry: Any) -> str:
    """One evidence entry in words: the session and the transcript lines it came from."""
    if not isinstance(entry, dict):
        return json.dumps(entry, ensure_ascii=False)
    rest = {k: v for k, v in entry.items() if k not in ("session", "lines")}
    words = f"session {entry.get('session', '?')}"
    if entry.get("lines"):
        words += ", transcript line(s) " + ", ".join(map(str, entry["lines"]))
    return words + (" " + json.dumps(rest, ensure_ascii=False) if rest else "")


def cmd_forget(args: argparse.Namespace) -> int:
    """Forget (or purge) one learning and drop it from the indexes."""
    from memory.learning.storage import get
    from memory.store.learnings import forget

    conn = open_store()
    row = get(conn, args.id)
    if row is None:
        raise CliError(f"no learning #{args.id} (see `python -m memory learnings`)")
    if row["forgotten_at"] is not None and not args.purge:
        message = f"Learning #{args.id} was already forgotten. Undo: python -m memory unforget {args.id}"
        print_json({"id": args.id, "purged": False, "already": True}) if args.json else print(message)
        return 0
    forget(conn, args.id, purge=args.purge)
    _drop_from_indexes(conn, [args.id])
    if args.json:
        print_json({"id": args.id, "purged": args.purge, "already": False, "text": row["text"]})
    elif args.purge:
        print(f"Learning #{args.id} erased: {shorten(row['text'])}\nThis cannot be undone.")
    else:
        print(f"Learning #{args.id} forgotten: {shorten(row['text'])}\n"
              f"It will not be recalled or learned again. Undo: python -m memory unforget {args.id}")
    return 0


def cmd_unforget(args: argparse.Namespace) -> int:
    """Bring a forgotten learning back: recall it again, with a fresh vector in the indexes."""
    from memory.learning.pipeline import refresh_indexes
    from memory.learning.storage import get
    from memory.store.learnings import set_vector, unforget
    from memory.vectors.choose import worker_embedder
    from memory.vectors.codec import to_blob

    conn = open_store()
    row = get(conn, args.id)
    if row is None:
        raise CliError(f"no learning #{args.id} (a purged learning cannot be brought back)")
    if not unforget(conn, args.id):
        print_json({"id": args.id, "restored": False}) if args.json else print(f"Learning #{args.id} is not forgotten.")
        return 0
    embedder = worker_embedder(load_settings(current_project().root).embeddings)
    vector = embedder.embed_many([row["text"]])[0]
    set_vector(conn, args.id, to_blob(vector), embedder.model)
    refresh_indexes(conn, [args.id], {row["project_id"]})
    print_json({"id": args.id, "restored": True}) if args.json else print(
        f"Learning #{args.id} restored: {shorten(row['text'])}")
    return 0


def _drop_from_indexes(conn: sqlite3.Connection, ids: list[int]) -> None:
    from memory.vectors import choose, lance

    choose.write_packs(conn)
    lance.delete(ids)


def cmd_prune(args: argparse.Namespace) -> int:
    """Forget learnings never recalled, below the confidence floor, unseen for ``prune_after_days``."""
    from memory.learning.storage import prunable
    from memory.store.learnings import forget

    conn = open_store()
    learning = load_settings(current_project().root).learning
    rows = prunable(conn, learning.prune_after_days, learning.prune_below_confidence)
    if not args.dry_run and rows:
        for row in rows:
            forget(conn, row["id"])
        _drop_from_indexes(conn, [r["id"] for r in rows])
    data = {"dry_run": args.dry_run, "pruned": [dict(r) for r in rows],
            "rule": {"never_recalled": True, "below_confidence": learning.prune_below_confidence,
                     "unseen_days": learning.prune_after_days}}
    if args.json:
        print_json(data)
        return 0
    verb = "Would forget" if args.dry_run else "Forgot"
    print(f"{verb} {len(rows)} learning(s) never recalled, below confidence {learning.prune_below_confidence} "
          f"and unseen for {learning.prune_after_days} days.")
    if rows:
        print_table(None, ["id", "category", "confidence", "created", "text"],
                    [(r["id"], r["category"], f"{r['confidence']:.2f}", r["created_at"][:10], shorten(r["text"]))
                     for r in rows])
        if not args.dry_run:
            print("Undo one with: python -m memory unforget ID")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild LanceDB and the pack files from SQLite."""
    from memory.vectors.choose import reindex

    conn = open_store()
    with progress("Rebuilding the vector indexes"):
        counts = reindex(conn)
    print_json(counts) if args.json else print(
        "Reindexed: " + (", ".join(f"{n} rows in {t}" for t, n in counts.items()) or "nothing to index"))
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """``status``: the queue and the worker; ``run``: drain the queue in this process."""
    from memory import worker
    from memory.store import jobs

    if args.action == "run":
        conn = open_store(create=True)
        with progress("Running the queued jobs"):
            stats = worker.run(conn)
        if stats["locked"]:
            raise CliError("another worker is running (see `python -m memory worker status`)")
        print_json(stats) if args.json else print(
            "Jobs: " + ", ".join(f"{v} {k}" for k, v in stats.items() if k != "locked"))
        return 0
    running = worker.is_running()
    data = {"worker_running": running, **jobs.queue_summary(open_store())}
    if args.json:
        print_json(data)
        return 0
    print(f"Worker: {'running' if data['worker_running'] else 'not running'}")
    print(f"Jobs: {data['pending']} pending ({data['due']} due), {data['running']} running, {data['done']} done, "
          f"{data['failed']} failed")
    if data["last_error"]:
        err = data["last_error"]
        print(f"Last error (job {err['id']}, {err['kind']}, {err['status']}, attempt {err['attempts']}, "
              f"{err['updated_at']}): {err['last_error']}")
    return 0
