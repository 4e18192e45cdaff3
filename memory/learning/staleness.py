"""Anchors that notice change: a learning tied to a symbol whose definition changed, or to a file that was
deleted, "may be stale" until the anchor is seen again as it was, or someone confirms it.

Each file or symbol anchor is checked against a file whenever that file is read, edited, written (or deleted
by a shell command): ``observe(conn, ...)``. The first check records the baseline -- the file's content hash
(the extractor's ``hash`` when it stored one), the symbol's definition line -- in ``anchor_marks``; later
checks compare with it. A file's content changing is normal and only noted; what makes a learning stale:

- a symbol anchor whose definition line is gone from the file, or differs from the baseline;
- a file anchor whose file no longer exists (it did when the baseline was taken).

A stale learning is never injected at the moment of action, is ranked lower and labelled elsewhere, and
``memory show ID`` says why. ``confirm(conn, id, ...)`` takes what the anchors point at now as the new
baseline. Standard library and sqlite only: this runs inside PostToolUse.
"""

from __future__ import annotations

import os
import sqlite3

from memory import hashing, shell
from memory.learning import anchors
from memory.project import relative_to
from memory.store import anchor_marks

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_FILE_BYTES = 2_000_000
DELETING_COMMANDS = {("rm", None), ("unlink", None), ("mv", None), ("git", "rm"), ("git", "mv")}


def observe(conn: sqlite3.Connection, *, project_id: int | None, root: str | None, path: str) -> list[str]:
    """Check every file and symbol anchor of the learnings anchored to ``path`` (absolute) against the file as
    it is now; return the reasons of the anchors that became stale by this check."""
    names = anchors.path_names(path, root)
    rows = anchored_to(conn, project_id, names)
    if not rows:
        return []
    from memory.store import transaction

    source = read_source(path)
    changed = []
    with transaction(conn):
        for row in rows:
            changed.extend(check(conn, row, path, names, source, root))
    return changed


def anchored_to(conn: sqlite3.Connection, project_id: int | None, names: list[str]) -> list[sqlite3.Row]:
    """Live learnings (this project's or global) with a file anchor, or a symbol anchor's ``file``, in ``names``."""
    marks = ",".join("?" * len(names))
    base = os.path.basename(names[0])  # every name of the file ends so: a cheap text test before any JSON
    return conn.execute(
        f"""
        SELECT l.id, l.anchors_json, l.files_json, l.symbols_json FROM learnings AS l
        WHERE l.forgotten_at IS NULL AND ifnull(l.project_id, 0) IN (?, 0)
          AND (instr(l.anchors_json, ?) OR instr(l.files_json, ?))
          AND (EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(l.anchors_json) THEN l.anchors_json
                                                    ELSE '[]' END) AS a
                       WHERE a.type = 'object' AND a.value ->> 'kind' IN ('file', 'symbol')
                         AND coalesce(a.value ->> 'file', a.value ->> 'value') IN ({marks}))
               OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(l.files_json) THEN l.files_json
                                                       ELSE '[]' END) AS f WHERE f.value IN ({marks})))
        """,
        (project_id or 0, base, base, *names, *names)).fetchall()


def read_source(path: str) -> bytes | None:
    """The file's bytes (its first ``MAX_FILE_BYTES``), or None when it does not exist (or is not a file)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError:
        raise


def check(conn: sqlite3.Connection, row: Any, path: str, names: list[str], source: bytes | None,
          root: str | None, *, confirm: bool = False) -> list[str]:
    """Compare one learning's anchors on ``path`` with their marks and record the outcome; return the reasons
    of anchors that turned stale now. ``confirm`` takes the current state as the new baseline."""
    shown = relative_to(path, root) if root else None
    shown = shown or path
    text = source.decode("utf-8", "replace") if source is not None else None
    file_hash = hashing.content_hash(source) if source is not None else None
    turned = []
    for anchor in anchors.of_row(row):
        kind, value = anchor["kind"], anchor["value"]
        if kind == "file" and value in names:
            current = file_hash
            reason = "deleted" if source is None else None
            why = f"{shown} was deleted" if reason else None
            extractor_hash = anchor.get("hash") if isinstance(anchor.get("hash"), str) else None
        elif kind == "symbol" and anchor.get("file", path) in names + [path]:
            current = anchors.signature_line(text, value) if text is not None else None
            extractor_hash = anchor.get("signature") if isinstance(anchor.get("signature"), str) else None
            why = None
        else:
            continue
        mark = anchor_marks.get(conn, row["id"], kind, value, path)
        baseline = mark["baseline"] if mark is not None else (extractor_hash or current)
        if kind == "symbol" and baseline is not None and not confirm:
            if text is None:
                why = f"{shown}, where `{value}` was defined, was deleted"
            elif current is None:
                why = f"`{value}` is no longer defined in {shown}"
            elif current != baseline:
                why = f"the definition of `{value}` in {shown} changed: was `{baseline}`, now `{current}`"
        if kind == "file" and (baseline is None or confirm):
            why = None  # a file that did not exist when first checked cannot have been deleted since
        if why and (mark is None or mark["state"] != "stale"):
            turned.append(why)
        anchor_marks.record(conn, row["id"], kind, value, path, current, stale_reason=why,
                            baseline=None if mark is not None else baseline, rebaseline=confirm)
    return turned


def deleted_paths(command: str, cwd: str) -> list[str]:
    """Absolute paths a shell command may have deleted or moved away (``rm``, ``mv``, ``git rm``...)."""
    found = []
    for words in shell.simple_commands(command or ""):
        key = shell.invocation(words)
        if key is None or (key[0], key[1] if key[0] == "git" else None) not in DELETING_COMMANDS:
            continue
        start = next((i for i, w in enumerate(words) if os.path.basename(w) == key[0]), 0) + 1
        if key[0] == "git":
            start = words.index(key[1], start) + 1
        args = [w for w in words[start:] if not w.startswith("-")]
        if "mv" in (key[0], key[1]) and len(args) > 1:
            args = args[:-1]  # the destination is not gone
        found.extend(os.path.normpath(os.path.join(cwd, a)) for a in args[:20] if a)
    return list(dict.fromkeys(found))


def baseline_new(conn: sqlite3.Connection, project_id: int | None, root: str | None, limit: int = 20) -> int:
    """Record the baseline of learnings not checked yet (their anchored files as they are now); return how many.

    Run at SessionStart, so that a learning stored by the last session's worker has its baseline before this
    session changes anything."""
    rows = anchor_marks.unmarked(conn, project_id, limit)
    for row in rows:
        files = [a["value"] for a in anchors.of_row(row) if a["kind"] == "file"]
        symbol_files = [a["file"] for a in anchors.of_row(row) if a["kind"] == "symbol" and
                        isinstance(a.get("file"), str)]
        for value in dict.fromkeys(files + symbol_files):
            path = value if os.path.isabs(value) or not root else os.path.join(root, value)
            check(conn, row, path, anchors.path_names(path, root) + [value], read_source(path), root)
        if not files and not symbol_files:
            anchor_marks.record(conn, row["id"], "file", "", "", None)  # nothing to check: do not look again
    return len(rows)


def confirm(conn: sqlite3.Connection, learning_id: int, root: str | None) -> int:
    """Take what the learning's anchors point at now as their baseline (``memory confirm ID``)."""
    row = conn.execute("SELECT id, anchors_json, files_json, symbols_json FROM learnings WHERE id = ?",
                       (learning_id,)).fetchone()
    if row is None:
        return 0
    paths = {m["path"] for m in anchor_marks.marks_of(conn, learning_id) if m["path"]}
    for value in (a["value"] for a in anchors.of_row(row) if a["kind"] == "file"):
        paths.add(value if os.path.isabs(value) or not root else os.path.join(root, value))
    for path in paths:
        check(conn, row, path, anchors.path_names(path, root), read_source(path), root, confirm=True)
    return anchor_marks.confirm(conn, learning_id)
