"""Honest accounting of narrowed Reads, and the session record that keeps narrowing safe.

Per narrowed Read (table ``signature_reads``, written by ``memory.store.signatures``): the tokens a plain Read would have returned (``original``), the
tokens delivered instead (head lines + context), and every later Read of the same file in the same session,
of any range, which counts against the saving (``followup``) -- until the session edits the file (a Read after
an edit reads text that neither the narrowed Read nor a whole one could have shown) or the user sends the next
prompt (``end_turn``): a Read for a new request is one Claude Code makes whether or not the first Read was
narrowed: in the 16 real sessions of ``benchmarks/signatures_replay.py``, which ran without this plugin, 5 of
the 7 whole re-reads of a file read whole (no edit between) came after a new prompt -- Claude re-read
``deep_manifest.py`` whole, all of it still in its context, to start the next feature -- and the other two
re-read an 8-line file and a background task's growing output. Net saving =
original - delivered - followup; it can be negative, and is reported as it is. All counts use
``memory.tokens.estimate_tokens``.

Edits: once a session edits a file, later Reads of it pass untouched. An edit is stored once, as the session's
``modify`` event (written by ``memory.store.events``); ``was_edited`` reads it there.
"""

from __future__ import annotations

import os
import sqlite3

from memory.project import canonical_path
from memory.store import signatures as table
from memory.store.signatures import already_claimed, claim_read
from memory.tokens import estimate_tokens

__all__ = ["absolute", "already_claimed", "claim_read", "record_read", "response_tokens",
           "savings_by_session", "savings_summary", "was_edited"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def was_edited(conn: sqlite3.Connection, session_id: str, path: str, project_root: str) -> bool:
    """True when the session changed the file at ``path`` (absolute), named as given or by its real path: an edit
    is one of the session's ``modify`` events (written by ``memory.store.events``), under its canonical name."""
    names = list(dict.fromkeys(canonical_path(name, project_root)[0] for name in (path, os.path.realpath(path))))
    row = conn.execute(
        f"SELECT 1 FROM events WHERE session_id = ? AND kind = 'modify' AND path IN ({','.join('?' * len(names))})"
        " LIMIT 1",
        (session_id, *names),
    ).fetchone()
    return row is not None


def record_read(conn: sqlite3.Connection, session_id: str, path: str, tool_input: dict[str, Any],
                response: Any, tool_use_id: str | None, project_root: str) -> None:
    """Account for a completed Read of ``path`` (absolute) in the project at ``project_root``: the narrowed Read
    itself, or a follow-up that costs tokens."""
    row = table.latest_read(conn, session_id, path)
    if row is None:
        return
    if _is_narrowed_read(row, tool_input, tool_use_id):
        table.own_read_seen(conn, row["id"])
        return
    if row["turn_ended"]:  # a Read for a later request: not one the narrowing caused
        return
    if was_edited(conn, session_id, path, project_root):  # edits stop narrowing, so this edit followed the narrowed Read
        return
    tokens = response_tokens(response)
    table.add_followup(conn, row["id"], tokens)


def _is_narrowed_read(row: sqlite3.Row, tool_input: dict[str, Any], tool_use_id: str | None) -> bool:
    """Whether this Read is the one we narrowed (by tool_use_id; by its range when ids are missing)."""
    if row["tool_use_id"] and tool_use_id:
        return row["tool_use_id"] == tool_use_id
    return not row["own_read_seen"] and tool_input.get("offset") == 1 and tool_input.get("limit") == row["head_limit"]


def response_tokens(tool_response: Any) -> int:
    """Estimated tokens a Read delivered: its lines, numbered as the model receives them (an "unchanged"
    answer counts as nothing)."""
    if isinstance(tool_response, str):
        return estimate_tokens(tool_response)
    if not isinstance(tool_response, dict):
        return 0
    file = tool_response.get("file")
    if isinstance(file, dict) and isinstance(file.get("content"), str):
        from memory.signatures.view import read_result

        start = file.get("startLine") if isinstance(file.get("startLine"), int) else 1
        return estimate_tokens(read_result(file["content"].encode("utf-8").split(b"\n"), start))
    if tool_response.get("type") == "file_unchanged":
        return 0
    import json

    return estimate_tokens(json.dumps(tool_response))


def absolute(path: str, cwd: str) -> str:
    """``path`` made absolute against ``cwd`` and normalized (symlinks kept: Claude Code names files so)."""
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))


_TOTALS = (
    "count(*) AS reads, coalesce(sum(original_tokens), 0) AS original, coalesce(sum(delivered_tokens), 0) AS "
    "delivered, coalesce(sum(followup_reads), 0) AS followup_reads, coalesce(sum(followup_tokens), 0) AS followup"
)


def savings_summary(conn: sqlite3.Connection, session_id: str | None = None) -> dict[str, Any]:
    """Net token savings of narrowed Reads: in one session, or in total when ``session_id`` is None.

    Keys: intercepted_reads, original_tokens, delivered_tokens, followup_reads, followup_tokens,
    net_saved_tokens, net_saved_percent (of original_tokens; 0.0 when nothing was narrowed).
    """
    if session_id is None:
        row = conn.execute(f"SELECT {_TOTALS} FROM signature_reads").fetchone()
    else:
        row = conn.execute(f"SELECT {_TOTALS} FROM signature_reads WHERE session_id = ?", (session_id,)).fetchone()
    summary = _summary(row)
    if session_id is not None:
        summary["session_id"] = session_id
    return summary


def savings_by_session(conn: sqlite3.Connection, limit: int = 20) -> list[dict[str, Any]]:
    """``savings_summary`` of each of the ``limit`` most recent sessions that had narrowed Reads, newest first."""
    rows = conn.execute(
        f"SELECT session_id, max(ts) AS last, {_TOTALS} FROM signature_reads GROUP BY session_id "
        "ORDER BY last DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [{"session_id": r["session_id"], "last_read_at": r["last"], **_summary(r)} for r in rows]


def _summary(row: sqlite3.Row) -> dict[str, Any]:
    net = row["original"] - row["delivered"] - row["followup"]
    return {
        "intercepted_reads": row["reads"],
        "original_tokens": row["original"],
        "delivered_tokens": row["delivered"],
        "followup_reads": row["followup_reads"],
        "followup_tokens": row["followup"],
        "net_saved_tokens": net,
        "net_saved_percent": round(100.0 * net / row["original"], 1) if row["original"] else 0.0,
    }
