"""The anchor index: a small file of the exact keys live learnings are anchored to, so that the PreToolUse hook
of an edit or a command can tell -- without opening the store -- that nothing can match, the common case.

A key says what a tool call is matched on, as ``memory.learning.at_action`` matches it: ``c:<program>`` or
``c:<program> <subcommand>`` for a command anchor (``npm``, ``cargo test``), ``f:<path>`` for a file anchor
(as written: project-relative or absolute), ``s:<identifier>`` for a specific symbol anchor (``method`` for
``Class.method``), from ``anchors_json`` and the older ``files_json``/``symbols_json``. The index maps each key
to its learnings' ids, so when something may match the store is asked about those rows only. One line per key
(the key as a JSON string, a tab, the ids): a lookup is a substring search, with no parsing of the whole file.

The file (``anchor-index.txt`` in the data folder) starts with the value of the store's change counter it was
built from (``anchor_index_state.generation``, bumped by triggers on every change to a learning's anchors,
scope or liveness, whoever makes it). ``refresh(conn)`` rebuilds it when the two differ; the hooks that have
the store open anyway call it (SessionStart, PostToolUse, a PreToolUse that reached the store), so a learning
stored by the worker is in the index by the next tool call. A missing or unreadable file means "ask the store".

Reading it imports nothing but the standard library and ``memory.shell``/``anchors`` (no sqlite3).
"""

from __future__ import annotations

import json
import os

from memory import paths, shell
from memory.learning import anchors

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

FILE_NAME = "anchor-index.txt"
HEADER = "compound-memory anchor index v1 generation "


def index_path() -> str:
    """Where the index file lives: the data folder, beside the store."""
    return os.path.join(paths.data_home(), FILE_NAME)


def load(path: str | None = None) -> str | None:
    """The index's lines (for ``candidates``), or None when there is none to trust (missing or unreadable)."""
    try:
        with open(path or index_path(), encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, ValueError):
        return None
    if not text.startswith(HEADER):
        return None
    return text[text.find("\n"):]  # from the newline ending the header: every line is then "\n<key>\t"


def command_keys(command: str) -> list[str]:
    """The keys a shell command can match: each program it runs, alone and with its subcommand."""
    keys = []
    for program, subcommand in shell.invocations(command):
        keys.append(f"c:{program}")
        if subcommand:
            keys.append(f"c:{program} {subcommand}")
    return list(dict.fromkeys(keys))


def edit_keys(names: list[str], words: set[str]) -> list[str]:
    """The keys an edit can match: every name of the file (``anchors.path_names``) and the identifiers of the
    edited text."""
    return [*(f"f:{name}" for name in names), *(f"s:{word}" for word in words)]


def candidates(index: str, keys: list[str]) -> set[int]:
    """The ids of the learnings anchored to any of ``keys``, looked up in the lines ``load`` returned."""
    found: set[int] = set()
    for key in keys:
        start = index.find(f"\n{json.dumps(key)}\t")
        if start >= 0:
            start = index.index("\t", start + 1) + 1
            end = index.find("\n", start)
            found.update(int(i) for i in index[start:end if end >= 0 else None].split(","))
    return found


def anchor_key(kind: str, value: str) -> str | None:
    """The key of one anchor, or None for an anchor no tool call is matched on (an error signature)."""
    if kind == "command":
        invoked = shell.invocations(value)
        return f"c:{shell.describe_invocation(invoked[0])}" if invoked else None
    if kind == "file":
        return f"f:{value}"
    if kind == "symbol" and anchors.is_specific_symbol(value):
        return f"s:{anchors.symbol_name(value)}"
    return None


# ---- built from the store ----------------------------------------------------------------------------------

def generation(conn: sqlite3.Connection) -> int:
    """The store's change counter of learnings' anchors (0 on a store without the counter)."""
    import sqlite3

    try:
        row = conn.execute("SELECT generation FROM anchor_index_state WHERE id = 1").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0]) if row else 0


def file_generation(path: str | None = None) -> int | None:
    """The counter value the index file was built from, or None without a readable file."""
    try:
        with open(path or index_path(), encoding="utf-8") as handle:
            first = handle.readline()
    except OSError:
        return None
    if not first.startswith(HEADER):
        return None
    try:
        return int(first[len(HEADER):])
    except ValueError:
        return None


def refresh(conn: sqlite3.Connection, path: str | None = None) -> bool:
    """Rebuild the index file when the store changed since it was written; True when it was rebuilt."""
    current = generation(conn)
    if file_generation(path) == current:
        return False
    build(conn, current, path)
    return True


def build(conn: sqlite3.Connection, current: int, path: str | None = None) -> dict[str, list[int]]:
    """Write the index of every live learning's anchors, stamped with ``current``; return it."""
    keys: dict[str, list[int]] = {}
    rows = conn.execute("SELECT id, anchors_json, files_json, symbols_json FROM learnings "
                        "WHERE forgotten_at IS NULL AND superseded_by IS NULL").fetchall()
    for row in rows:
        for anchor in anchors.of_row(_as_mapping(row)):
            key = anchor_key(anchor["kind"], anchor["value"])
            if key and row[0] not in keys.setdefault(key, []):
                keys[key].append(row[0])
    lines = [f"{json.dumps(key)}\t{','.join(map(str, ids))}" for key, ids in sorted(keys.items())]
    text = HEADER + f"{current}\n" + "".join(line + "\n" for line in lines)
    paths.write_atomic(path or index_path(), text, mode=0o600)
    return keys


def _as_mapping(row: Any) -> dict[str, Any]:
    return {"anchors_json": row[1], "files_json": row[2], "symbols_json": row[3]}
