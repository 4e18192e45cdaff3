"""``python -m memory handoffs`` and ``python -m memory handoff show ID``: the saved handoffs."""

from __future__ import annotations

import argparse

from memory.cli.common import CliError, add_command, current_project, open_store, print_json, print_table


def register(subparsers) -> None:
    """Add ``handoffs`` (list) and ``handoff show ID``."""
    listing = add_command(subparsers, "handoffs", run_list, "list saved handoffs, newest first")
    listing.add_argument("--all", action="store_true", help="every project, not only the current one")
    listing.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    handoff = subparsers.add_parser("handoff", help="one handoff", description="one handoff")
    actions = handoff.add_subparsers(title="actions", metavar="ACTION")
    show = add_command(actions, "show", run_show, "show one handoff: the block a new session gets, and its state")
    show.add_argument("id", type=int, help="handoff id (from `handoffs`)")


def run_list(args: argparse.Namespace) -> int:
    """List handoffs."""
    from memory.continuity import inspection, queries

    conn = open_store()
    project_id = None
    if not args.all:
        row = conn.execute("SELECT id FROM projects WHERE key = ?", (current_project().key,)).fetchone()
        project_id = row["id"] if row else None
    rows = [] if (not args.all and project_id is None) else queries.list_handoffs(conn, project_id, args.limit)
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
    from memory.config import load_config
    from memory.continuity import inspection, queries
    from memory.continuity.render import format_handoff

    conn = open_store()
    row = queries.get_handoff(conn, args.id)
    if row is None:
        raise CliError(f"no handoff with id {args.id}")
    record = inspection.handoff_record(row)
    if args.json:
        print_json(record)
        return 0
    tokens = load_config(current_project().root).get("continuity", "handoff_tokens")
    print(f"Handoff {record['id']} · session {record['session_id']} · {record['trigger']} · "
          f"{record['created_at']}" + (f" · resumed {record['resumed_at']}" if record["resumed_at"] else ""))
    print()
    print(format_handoff(record["state"], tokens))
    return 0
