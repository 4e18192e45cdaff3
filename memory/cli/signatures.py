"""``python -m memory signature PATH`` and ``python -m memory signatures [PATH]``: the token-savings feature.

``signature PATH`` prints exactly the context Claude is given for a whole-file Read of PATH (built by the same
function the hook uses; the narrowed range goes to stderr), or why the Read would pass untouched.
``signatures`` lists the signature cache and the net savings of narrowed Reads, per session and in total.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from memory.cli.common import add_command, current_project, open_store, positive_int, print_json, print_table
from memory.config import load_settings


def register(subparsers) -> None:
    """Add the ``signature`` and ``signatures`` commands."""
    one = add_command(subparsers, "signature", show_one, "print what Claude is shown for a whole Read of a file",
                      description="Print the context Claude is given when it reads all of PATH: its first lines "
                                  "plus the signatures of everything below, built by the same code as the "
                                  "PreToolUse hook (and cached like it). The narrowed range goes to stderr. Exit "
                                  "code 1 when such a Read would pass untouched (small file, unknown language, "
                                  "excluded), with the reason.",
                      examples=["signature src/app.py", "signature src/app.py --json"])
    one.add_argument("path", help="the code file")
    many = add_command(subparsers, "signatures", show_cache, "signature cache entries and net token savings",
                       description="The signature cache (file, language, lines, definitions, tokens of the whole "
                                   "file and of its outline, last use) and the net tokens saved by narrowed Reads: "
                                   "original - delivered - follow-up Reads of the same file, per recent session "
                                   "and in total.",
                       examples=["signatures", "signatures src/ --sessions 3", "signatures --json"])
    many.add_argument("path", nargs="?", help="only cache entries for this file or folder")
    many.add_argument("--sessions", type=positive_int, default=10, help="how many recent sessions to list (default 10)")


def show_one(args: argparse.Namespace) -> int:
    """Print the context for PATH (or why the Read passes through); 1 when the Read passes through."""
    from memory.signatures.preread import PassThrough, plan_read
    from memory.store.core import upsert_project

    path = os.path.abspath(args.path)
    project = current_project()
    settings = load_settings(project.root)
    conn = open_store(create=True)
    try:
        plan = plan_read(conn, settings.signatures, project.root, path,
                         project_id=lambda: upsert_project(conn, project))
    except PassThrough as exc:
        if args.json:
            print_json({"path": path, "narrowed": False, "reason": str(exc)})
        else:
            print(f"{path}: a Read passes untouched ({exc})", file=sys.stderr)
        return 1
    finally:
        conn.close()
    if args.json:
        print_json({
            "path": path, "narrowed": True, "offset": 1, "limit": plan.head, "additional_context": plan.context,
            "original_tokens": plan.original_tokens, "delivered_tokens": plan.delivered_tokens,
        })
        return 0
    shown = "line 1" if plan.head == 1 else f"lines 1-{plan.head}"
    print(f"(the Read is narrowed to {shown}; this context follows it)", file=sys.stderr)
    print(plan.context)
    return 0


def show_cache(args: argparse.Namespace) -> int:
    """Print the cache entries and the savings (per recent session and in total)."""
    from memory.signatures import accounting, cache
    from memory.project import relative_to

    conn = open_store()
    try:
        under = os.path.abspath(args.path) if args.path else None
        entries = cache.entries(conn, under)
        total = accounting.savings_summary(conn)
        sessions = accounting.savings_by_session(conn, args.sessions)
    finally:
        conn.close()
    if args.json:
        print_json({"entries": [_entry(row) for row in entries], "sessions": sessions, "total": total})
        return 0
    cwd = os.getcwd()
    print_table(
        f"Signature cache: {len(entries)} entries" + (f" under {under}" if under else ""),
        ["path", "language", "lines", "definitions", "tokens whole", "tokens outline", "last used"],
        [
            (relative_to(r["path"], cwd) or r["path"], r["language"], r["total_lines"], r["definitions"], r["original_tokens"],
             r["signature_tokens"], r["accessed_at"])
            for r in entries
        ],
    )
    print()
    print_table(
        "Net savings per session (original - delivered - follow-up reads)",
        ["session", "reads", "original", "delivered", "follow-up", "net", "net %"],
        [_savings_row(s["session_id"], s) for s in sessions],
    )
    print()
    print_table(None, ["total", "reads", "original", "delivered", "follow-up", "net", "net %"],
                [_savings_row("all sessions", total)])
    return 0


def _entry(row) -> dict:
    data = dict(row)
    data["dropped"] = json.loads(data.get("dropped") or "[]")
    data["partial"] = bool(data.get("partial"))
    return data


def _savings_row(label: str, s: dict) -> tuple:
    followup = f"{s['followup_tokens']} ({s['followup_reads']} reads)"
    return (label, s["intercepted_reads"], s["original_tokens"], s["delivered_tokens"], followup,
            s["net_saved_tokens"], f"{s['net_saved_percent']}%")
