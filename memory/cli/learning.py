"""Learning commands: ``learnings``, ``search``, ``show``, ``forget``, ``prune``, ``export``, ``import``,
``reindex`` and ``worker status|run``."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from typing import Any

from memory.cli.common import CliError, add_command, current_project, open_store, print_json, print_table
from memory.config import load_config


def register(subparsers) -> None:
    """Add the learning commands."""
    p = add_command(subparsers, "learnings", cmd_learnings, "recent learnings of this project (and global ones)")
    p.add_argument("--category", help="only this category (fix, preference, architecture, pattern, tip, dead-end)")
    p.add_argument("--limit", type=int, default=20)
    p = add_command(subparsers, "search", cmd_search, "find learnings by meaning and words (what recall would use)")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    p = add_command(subparsers, "show", cmd_show, "one learning: text, evidence, and when and why it was recalled")
    p.add_argument("id", type=int)
    p = add_command(subparsers, "forget", cmd_forget, "stop recalling a learning (and never learn it again)")
    p.add_argument("id", type=int)
    p.add_argument("--purge", action="store_true", help="delete the row instead (it may be learned again)")
    p = add_command(subparsers, "prune", cmd_prune, "forget old, never-recalled, low-confidence learnings")
    p.add_argument("--dry-run", action="store_true")
    p = add_command(subparsers, "export", cmd_export, "write learnings as JSON Lines (redacted) to stdout or a file")
    p.add_argument("--output", "-o", help="file to write (default: stdout)")
    p.add_argument("--all", action="store_true", help="every project, not only this one")
    p = add_command(subparsers, "import", cmd_import, "read learnings from a JSON Lines file (redacted, deduplicated)")
    p.add_argument("file")
    add_command(subparsers, "reindex", cmd_reindex, "rebuild the LanceDB index and the pack files from SQLite")
    p = add_command(subparsers, "worker", cmd_worker, "the background worker: queue status, or run it now")
    p.add_argument("action", choices=["status", "run"])


def _scopes(conn: sqlite3.Connection) -> tuple[int, list[int | None]]:
    from memory.store.core import upsert_project

    project_id = upsert_project(conn, current_project())
    return project_id, [project_id, None]


def _row_summary(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"], "category": row["category"], "text": row["text"], "global": row["project_id"] is None,
        "files": json.loads(row["files_json"]), "confidence": row["confidence"], "seen_count": row["seen_count"],
        "recall_count": row["recall_count"], "created_at": row["created_at"], "last_seen_at": row["last_seen_at"],
        "extractor": row["extractor"],
    }


def cmd_learnings(args: argparse.Namespace) -> int:
    """List recent learnings, seed 003's /memory-learnings shape."""
    from memory.learning.storage import list_learnings

    conn = open_store()
    _, scopes = _scopes(conn)
    rows = [_row_summary(r) for r in list_learnings(conn, scopes, args.category, args.limit)]
    total = conn.execute("SELECT count(*) FROM learnings WHERE forgotten_at IS NULL AND ifnull(project_id, 0) IN "
                         "(?, 0)", (scopes[0],)).fetchone()[0]
    if args.json:
        print_json({"learnings": rows, "total": total})
        return 0
    print("=== Recent Learnings ===")
    for n, row in enumerate(rows, 1):
        print(f"{n}. [{row['category']}] {row['text']}  (#{row['id']}{', global' if row['global'] else ''})")
        print(f"   Recalls: {row['recall_count']} | Seen: {row['seen_count']} | Date: {row['last_seen_at'][:10]}")
    print(f"Total learnings: {total}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Rank learnings for a query the way recall does (without recording a recall)."""
    from memory import recall

    conn = open_store()
    project_id, scopes = _scopes(conn)
    config = load_config(current_project().root)
    hits = recall.rank(conn, config, args.query, scopes)[: args.limit]
    if args.json:
        print_json([{k: v for k, v in h.items()} for h in hits])
        return 0
    if not hits:
        print("No matching learnings.")
        return 1
    print_table(None, ["id", "category", "score", "similarity", "text"],
                [[h["id"], h["category"], f"{h['score']:.4f}",
                  "" if h["similarity"] is None else f"{h['similarity']:.2f}", h["text"]] for h in hits])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Everything about one learning, with its recall history."""
    from memory.learning.storage import get, recalls_of

    conn = open_store()
    row = get(conn, args.id)
    if row is None:
        raise CliError(f"no learning #{args.id}")
    data = _row_summary(row)
    data.update(symbols=json.loads(row["symbols_json"]), evidence=json.loads(row["evidence_json"]),
                source_session=row["source_session"], embedding_model=row["embedding_model"],
                forgotten_at=row["forgotten_at"], last_recalled_at=row["last_recalled_at"],
                recalls=[dict(r) for r in recalls_of(conn, args.id)])
    if args.json:
        print_json(data)
        return 0
    print(f"#{data['id']} [{data['category']}]{' (global)' if data['global'] else ''}"
          f"{' FORGOTTEN ' + data['forgotten_at'] if data['forgotten_at'] else ''}")
    print(data["text"])
    print(f"Confidence {data['confidence']:.2f} | seen {data['seen_count']}x | recalled {data['recall_count']}x | "
          f"extractor {data['extractor']} | embedding {data['embedding_model']}")
    print(f"Created {data['created_at']} | last seen {data['last_seen_at']} | session {data['source_session']}")
    if data["files"]:
        print("Files: " + ", ".join(data["files"]))
    for entry in data["evidence"]:
        print("Evidence: " + json.dumps(entry, ensure_ascii=False))
    for rec in data["recalls"]:
        print(f"Recalled {rec['ts']} at {rec['event']} in session {rec['session_id']} "
              f"(score {rec['score']}) for: {rec['query'][:120]!r}")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    """Forget (or purge) one learning and drop it from the indexes."""
    from memory.learning.storage import forget
    from memory.vectors import choose, lance

    conn = open_store()
    if not forget(conn, args.id, purge=args.purge):
        raise CliError(f"no live learning #{args.id}")
    choose.write_packs(conn)
    lance.delete([args.id])
    result = {"id": args.id, "purged": args.purge}
    print_json(result) if args.json else print(f"Learning #{args.id} {'purged' if args.purge else 'forgotten'}.")
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    """Forget learnings never recalled, below the confidence floor, unseen for ``prune_after_days``."""
    from memory.learning.storage import forget, prunable
    from memory.vectors import choose, lance

    conn = open_store()
    learning = load_config(current_project().root).section("learning")
    rows = prunable(conn, learning["prune_after_days"], learning["prune_below_confidence"])
    if not args.dry_run and rows:
        for row in rows:
            forget(conn, row["id"])
        choose.write_packs(conn)
        lance.delete([r["id"] for r in rows])
    data = {"dry_run": args.dry_run, "pruned": [dict(r) for r in rows]}
    if args.json:
        print_json(data)
    else:
        verb = "Would forget" if args.dry_run else "Forgot"
        print(f"{verb} {len(rows)} learning(s).")
        for row in rows:
            print(f"  #{row['id']} [{row['category']}] {row['text'][:100]}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """JSON Lines, one learning a line, redacted again on the way out."""
    from memory.learning.storage import export_rows

    conn = open_store()
    _, scopes = _scopes(conn)
    lines = [json.dumps(item, ensure_ascii=False) for item in export_rows(conn, None if args.all else scopes)]
    text = "\n".join(lines) + ("\n" if lines else "")
    if args.output:
        from memory.paths import write_private_file

        write_private_file(os.path.abspath(args.output), text)
        print(f"Exported {len(lines)} learning(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Add learnings from JSON Lines (redacted, deduplicated like extracted ones)."""
    from memory.learning.imports import import_file

    conn = open_store(must_exist=False)
    project_id, _ = _scopes(conn)
    try:
        counts = import_file(conn, args.file, project_id=project_id, config=load_config(current_project().root))
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror}") from None
    print_json(counts) if args.json else print(", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild LanceDB and the pack files from SQLite."""
    from memory.vectors.choose import reindex

    counts = reindex(open_store())
    print_json(counts) if args.json else print(
        "Reindexed: " + (", ".join(f"{n} rows in {t}" for t, n in counts.items()) or "nothing to index"))
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """``status``: the queue and the worker; ``run``: drain the queue in this process."""
    from memory import jobs, worker

    conn = open_store(must_exist=False)
    if args.action == "run":
        stats = worker.run(conn)
        if stats["locked"]:
            raise CliError("another worker is running")
        print_json(stats) if args.json else print(", ".join(f"{v} {k}" for k, v in stats.items() if k != "locked"))
        return 0
    data = {"running": worker.is_running(), **jobs.queue_summary(conn)}
    if args.json:
        print_json(data)
        return 0
    print(f"Worker: {'running' if data['running'] else 'not running'}")
    print(f"Jobs: {data['pending']} pending ({data['due']} due), {data['running']} running, {data['done']} done, "
          f"{data['failed']} failed")
    if data["last_error"]:
        err = data["last_error"]
        print(f"Last error (job {err['id']}, {err['kind']}, {err['status']}, attempt {err['attempts']}, "
              f"{err['updated_at']}): {err['last_error']}")
    return 0
