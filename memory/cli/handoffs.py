"""``handoffs``, ``handoff show ID`` and ``handoff current``: the saved handoffs, and the one a session
would be given now (/memory-handoff)."""

from __future__ import annotations

import argparse
import os

from memory.cli.common import (CliError, add_command, current_project, open_store, positive_int, print_json,
                               print_table)
from memory.store.core import project_id


def register(subparsers) -> None:
    """Add ``handoffs`` (list), ``handoff show ID`` and ``handoff current``."""
    listing = add_command(subparsers, "handoffs", run_list, "list saved handoffs, newest first",
                          description="The handoffs saved for this project, newest first: when, why (manual or "
                                      "auto compaction, session end, crash), the work's status, whether a session "
                                      "was given it, and its summary.",
                          examples=["handoffs", "handoffs --all --limit 5"])
    listing.add_argument("--all", action="store_true", help="every project, not only the current one")
    listing.add_argument("--limit", "-n", type=positive_int, default=20, help="how many (default 20)")
    handoff = subparsers.add_parser("handoff", help="one handoff: `handoff show ID`, `handoff current`",
                                    description="One handoff: `show ID` or `current`.")
    handoff.set_defaults(func=lambda args: _usage(handoff))
    actions = handoff.add_subparsers(title="actions", metavar="ACTION")
    show = add_command(actions, "show", run_show, "show one handoff: the block a new session gets, and its state",
                       examples=["handoff show 3"])
    show.add_argument("id", type=int, help="handoff id (from `handoffs`)")
    add_command(actions, "current", run_current, "the handoff that would be restored now (changes nothing)",
                description="The handoff that would be restored now, as the session would see it: this "
                            "session's own newest handoff (what it continues from after a compaction or "
                            "--resume; the session is $CLAUDE_CODE_SESSION_ID), else the project's newest "
                            "unfinished handoff not given to a session yet (what a new session or /clear gets). "
                            "Nothing is marked as restored. This is /memory-handoff.",
                examples=["handoff current", "handoff current --json"])


def _usage(parser: argparse.ArgumentParser) -> int:
    raise CliError(f"say which: `{parser.prog} show ID` or `{parser.prog} current`", code=2)


def run_list(args: argparse.Namespace) -> int:
    """List handoffs."""
    from memory.continuity import inspection
    from memory.store import handoffs

    conn = open_store()
    project = None if args.all else project_id(conn, current_project())
    rows = [] if (not args.all and project is None) else handoffs.listing(conn, project, args.limit)
    records = [inspection.handoff_record(r) for r in rows]
    if args.json:
        print_json(records)
        return 0
    if not records:
        print("No handoffs saved" + ("" if args.all else " for this project (try --all)") + ".")
        return 0
    print_table(None, ["id", "created", "trigger", "status", "resumed", "summary"],
                [[r["id"], r["created_at"][:16].replace("T", " "), r["trigger"], r["status"],
                  "yes" if r["resumed_at"] else "", r["summary"]] for r in records])
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Show one handoff."""
    from memory.config import load_settings
    from memory.continuity import inspection
    from memory.store import handoffs
    from memory.continuity.render import format_handoff

    conn = open_store()
    row = handoffs.get(conn, args.id)
    if row is None:
        raise CliError(f"no handoff with id {args.id} (see `python -m memory handoffs`)")
    record = inspection.handoff_record(row)
    if args.json:
        print_json(record)
        return 0
    tokens = load_settings(current_project().root).continuity.handoff_tokens
    print(f"Handoff {record['id']} · session {record['session_id']} · {record['trigger']} · "
          f"{record['created_at']}" + (f" · resumed {record['resumed_at']}" if record["resumed_at"] else ""))
    print()
    print(format_handoff(record["state"], tokens))
    return 0


def run_current(args: argparse.Namespace) -> int:
    """Show the handoff that would be restored now, without marking it restored."""
    from memory.config import load_settings
    from memory.continuity import inspection, restore

    conn = open_store()
    project = current_project()
    continuity = load_settings(project.root).continuity
    session_id = os.environ.get("CLAUDE_CODE_SESSION_ID") or None
    stored = project_id(conn, project)
    row, when = (None, "no handoff saved for this project") if stored is None else restore.pending_handoff(
        conn, stored, session_id, continuity.restore_max_age_hours)
    if args.json:
        print_json({"handoff": inspection.handoff_record(row) if row else None,
                    "restored_on": when if row else None, "reason": None if row else when})
        return 0
    print("=== Handoff ===")
    if row is None:
        print(f"No handoff would be restored now: {when}.")
        return 0
    on = ("after a compaction or --resume of this session" if when == "this_session"
          else "in a new session or after /clear")
    print(f"Handoff #{row['id']} ({row['trigger']}, {row['created_at'][:16].replace('T', ' ')} UTC) would be "
          f"restored {on}:")
    print()
    print(restore.render(row, session_id or "", continuity.handoff_tokens))
    return 0
