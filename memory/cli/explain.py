"""Why Claude was told something: ``why`` (the last injections of a session), ``confirm`` (a learning that
may be stale still holds), and the anchor and injection lines ``show`` prints."""

from __future__ import annotations

import argparse
import sqlite3
from typing import Any

from memory.cli.common import CliError, add_command, current_project, open_store, positive_int, print_json, shorten
from memory.store.core import project_id

# recalls.event -> where the learning was injected, in the words `why` uses.
WHERE = {"SessionStart": "SessionStart", "UserPromptSubmit": "prompt"}


def register(subparsers) -> None:
    """Add ``why`` and ``confirm``."""
    p = add_command(subparsers, "why", cmd_why, "what Claude was told from memory in the last session, and why",
                    description="The last learnings injected into a session (default: this project's most recent "
                                "one): when, where (SessionStart, prompt, Read, Edit, Bash...), the learning, and "
                                "why -- the anchor that matched (a command, a file, a symbol) or the recall score. "
                                "Stop one with `forget ID`. Exit code 1 when nothing was injected.",
                    examples=["why", "why --limit 3", "why --session 4f0c...", "why --json"])
    p.add_argument("--session", "-s", help="a session id (default: this project's most recent session)")
    p.add_argument("--limit", "-n", type=positive_int, default=10, help="how many to show (default 10)")

    p = add_command(subparsers, "confirm", cmd_confirm, "say a learning marked \"may be stale\" still holds",
                    description="A learning whose anchor changed (its symbol's definition changed or is gone, its "
                                "file was deleted) is marked \"may be stale\": it is ranked lower and never shown "
                                "before an edit or a command. `confirm ID` takes what its anchors point at now as "
                                "their new baseline and clears the mark. (To drop it instead: `forget ID`.)",
                    examples=["confirm 12"])
    p.add_argument("id", type=int, help="learning id")


def where(event: str) -> str:
    """``PreToolUse:Bash`` -> ``Bash``, ``UserPromptSubmit`` -> ``prompt``."""
    return WHERE.get(event, event.split(":", 1)[-1])


def reason(rec: Any) -> str:
    """Why a recall happened: the matched anchor, or the recall score and the text it was matched with."""
    event, query, score = rec["event"], rec["query"] or "", rec["score"]
    if event.startswith("PreToolUse:") and event != "PreToolUse:Read":
        return f"anchor: {query}"
    if event == "PreToolUse:Read":
        return f"file read: {query}"
    return (f"score {score:.3f}" if score is not None else "matched") + f" for {shorten(query, 80)!r}"


def last_session(conn: sqlite3.Connection) -> str | None:
    """The session of the newest injection in this project, else the newest injection anywhere."""
    pid = project_id(conn, current_project())
    row = conn.execute("SELECT r.session_id FROM recalls AS r JOIN sessions AS s ON s.id = r.session_id "
                       "WHERE s.project_id = ? ORDER BY r.ts DESC, r.id DESC LIMIT 1", (pid,)).fetchone()
    if row is None:
        row = conn.execute("SELECT session_id FROM recalls ORDER BY ts DESC, id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def injections(conn: sqlite3.Connection, session_id: str, limit: int) -> list[dict[str, Any]]:
    """The last ``limit`` injections of a session, newest first, with the learning they showed."""
    rows = conn.execute(
        "SELECT r.ts, r.event, r.query, r.score, l.id, l.category, l.text, l.project_id, l.forgotten_at "
        "FROM recalls AS r JOIN learnings AS l ON l.id = r.learning_id WHERE r.session_id = ? "
        "ORDER BY r.ts DESC, r.id DESC LIMIT ?", (session_id, limit)).fetchall()
    return [{"ts": r["ts"], "where": where(r["event"]), "event": r["event"], "why": reason(r), "id": r["id"],
             "category": r["category"], "text": r["text"], "global": r["project_id"] is None,
             "forgotten": r["forgotten_at"] is not None} for r in rows]


def cmd_why(args: argparse.Namespace) -> int:
    """The last injections of a session: when, where, what and why; 1 when there are none."""
    conn = open_store()
    session = args.session or last_session(conn)
    items = injections(conn, session, args.limit) if session else []
    if args.json:
        print_json({"session_id": session, "injections": items})
        return 0 if items else 1
    if not items:
        print(f"Nothing was injected in session {session}." if session else "Nothing was ever injected.")
        return 1
    print(f"Last injections in session {session} (newest first):")
    for item in items:
        scope = ", global" if item["global"] else ""
        gone = " (forgotten since)" if item["forgotten"] else ""
        print(f"{item['ts'][:19].replace('T', ' ')}  {item['where']:<12} #{item['id']} [{item['category']}{scope}]"
              f"{gone}  {item['why']}")
        print(f"    {shorten(item['text'], 110)}")
    print("Details: python -m memory show ID | stop one: python -m memory forget ID")
    return 0


def cmd_confirm(args: argparse.Namespace) -> int:
    """Clear a learning's "may be stale" mark, taking its anchors' current state as the baseline."""
    from memory.learning import staleness
    from memory.learning.storage import get
    from memory.store import anchor_marks, transaction

    conn = open_store()
    row = get(conn, args.id)
    if row is None:
        raise CliError(f"no learning #{args.id} (see `python -m memory learnings`)")
    was = anchor_marks.stale_reasons(conn, [args.id]).get(args.id)
    root = conn.execute("SELECT root FROM projects WHERE id = ?", (row["project_id"],)).fetchone()
    with transaction(conn):
        staleness.confirm(conn, args.id, root[0] if root else current_project().root)
    if args.json:
        print_json({"id": args.id, "was_stale": was is not None, "reason": was})
    elif was:
        print(f"Learning #{args.id} confirmed: no longer marked \"may be stale\" ({was}).")
    else:
        print(f"Learning #{args.id} was not marked stale; its anchors' current state is now the baseline.")
    return 0


def anchor_details(conn: sqlite3.Connection, row: Any) -> dict[str, Any]:
    """For ``show``: the anchors, their marks, and why the learning may be stale (None when it is not)."""
    from memory.learning import anchors
    from memory.store import anchor_marks

    marks = [dict(m) for m in anchor_marks.marks_of(conn, row["id"]) if m["value"]]
    stale = [m for m in marks if m["state"] == "stale"]
    return {"anchors": anchors.of_row(row), "anchor_marks": marks,
            "stale": {"reason": stale[0]["reason"], "since": stale[0]["since"]} if stale else None}


def print_anchor_details(learning_id: int, details: dict[str, Any]) -> None:
    """The anchor lines of ``show``."""
    if details["anchors"]:
        print("Anchors: " + "; ".join(_anchor_words(a) for a in details["anchors"]))
    if details["stale"]:
        print(f"May be stale (since {details['stale']['since'][:19].replace('T', ' ')}): {details['stale']['reason']}."
              f" Not shown before edits or commands, ranked lower elsewhere. Still true? python -m memory confirm "
              f"{learning_id}; wrong now? python -m memory forget {learning_id}")


def _anchor_words(anchor: dict[str, Any]) -> str:
    words = f"{anchor['kind']} {anchor['value']}"
    if anchor["kind"] == "symbol" and anchor.get("file"):
        words += f" (in {anchor['file']})"
    return words


def recall_line(rec: Any) -> str:
    """One line of a learning's injection history."""
    return (f"Recalled {rec['ts'][:19].replace('T', ' ')} at {where(rec['event'])} in session {rec['session_id']}: "
            f"{reason(rec)}")

