"""Anchors: what a learning is about, in terms a tool call can be matched against exactly.

A learning's anchors come from ``anchors_json`` (``[{"kind": "file"|"symbol"|"command"|"error", "value": ...,
"hash": ...}]``, written by the extractor) and, for learnings stored before anchors existed, from its
``files_json`` and ``symbols_json`` lists. This module only reads and compares them; it never touches the
store and imports nothing beyond the standard library (it runs inside hooks).

- ``of_row(row)``: a learning row's anchors, deduplicated.
- ``command_match(anchor_value, keys)``: the part of a command that runs an anchored command, if any.
- ``identifiers(text)``: the identifiers in edited text, for symbol anchors.
- ``signature_line(source, symbol)``: the line that defines ``symbol`` in a file, for anchors that notice change.
"""

from __future__ import annotations

import json
import os
import re

from memory import shell
from memory.project import relative_to

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

KINDS = ("file", "symbol", "command", "error")
# Symbols too short or too common to say what an edit is about: they would match almost any edit.
MIN_SYMBOL_CHARS = 4
GENERIC_SYMBOLS = frozenset({
    "main", "self", "this", "init", "__init__", "test", "tests", "data", "name", "value", "values", "item",
    "items", "result", "config", "options", "args", "kwargs", "props", "state", "index", "error", "errors",
    "list", "dict", "string", "number", "true", "false", "none", "null", "return", "print", "func", "function",
    "class", "type", "types", "json", "path", "file", "files", "text", "default", "handler", "setup", "utils",
})
MAX_IDENTIFIERS = 4000

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_DEFINITION = (r"(?:def|class|function|func|fn|struct|enum|trait|interface|type|impl|module|record|object"
               r"|const|let|var|val|macro|defn|defmacro|sub|proc)")


def of_row(row: Any) -> list[dict[str, Any]]:
    """The anchors of a learning row (``anchors_json``, plus ``files_json``/``symbols_json`` as file and symbol
    anchors), each ``{"kind", "value", ...}`` with any extra keys the extractor stored; duplicates dropped."""
    found: list[dict[str, Any]] = []
    for item in _json_list(_field(row, "anchors_json")):
        if isinstance(item, dict) and item.get("kind") in KINDS and isinstance(item.get("value"), str) \
                and item["value"].strip():
            found.append({**item, "value": item["value"].strip()})
    for kind, column in (("file", "files_json"), ("symbol", "symbols_json")):
        for value in _json_list(_field(row, column)):
            if isinstance(value, str) and value.strip():
                found.append({"kind": kind, "value": value.strip()})
    seen, unique = set(), []
    for anchor in found:
        key = (anchor["kind"], anchor["value"])
        if key not in seen:
            seen.add(key)
            unique.append(anchor)
    return unique


def _field(row: Any, name: str) -> Any:
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def _json_list(text: Any) -> list[Any]:
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def path_names(path: str, root: str | None) -> list[str]:
    """Every name a file goes by in anchors: as given, its real path, and relative to the project root."""
    names = [path, os.path.realpath(path)]
    if root:
        for candidate in (path, names[1]):
            relative = relative_to(candidate, root)
            if relative and relative != ".":  # the root folder is not a file's name
                names.append(relative)
    return list(dict.fromkeys(n for n in names if n))


def is_specific_symbol(symbol: str) -> bool:
    """True when a symbol says enough to match an edit on its own (not ``main``, ``data``, ``id``...)."""
    last = symbol.rsplit(".", 1)[-1].rsplit("::", 1)[-1]
    return len(last) >= MIN_SYMBOL_CHARS and last.lower() not in GENERIC_SYMBOLS and bool(_IDENTIFIER.fullmatch(last))


def symbol_name(symbol: str) -> str:
    """The identifier a symbol anchor is matched on: the last part of ``Class.method`` or ``mod::fn``."""
    return symbol.rsplit(".", 1)[-1].rsplit("::", 1)[-1].strip("()")


def identifiers(*texts: str) -> set[str]:
    """The distinct identifiers in the given texts (at most ``MAX_IDENTIFIERS``)."""
    found: set[str] = set()
    for text in texts:
        for match in _IDENTIFIER.finditer(text or ""):
            found.add(match.group())
            if len(found) >= MAX_IDENTIFIERS:
                return found
    return found


def command_match(anchor_value: str, keys: Iterable[tuple[str, str | None]]) -> tuple[str, str | None] | None:
    """The key among ``keys`` that runs the anchored command (``npm`` or ``npm install`` or ``cargo test
    --release``): same program, and the same subcommand when the anchor names one; None when none does."""
    anchored = shell.invocations(anchor_value)
    if not anchored:
        return None
    program, subcommand = anchored[0]
    return next(((p, s) for p, s in keys if p == program and (subcommand is None or s == subcommand)), None)


# ---- what an anchor points at ----------------------------------------------------------------------------

def signature_line(source: str, symbol: str) -> str | None:
    """The line defining ``symbol`` in ``source`` (whitespace collapsed), or None when nothing defines it.

    A definition is a line where the name follows a definition keyword (``def``, ``class``, ``function``,
    ``fn``, ``struct``, ``const``...), or is assigned a function (``name = (...) =>``, ``name: function``).
    The first such line counts.
    """
    name = re.escape(symbol_name(symbol))
    if not name:
        return None
    pattern = re.compile(
        rf"^[ \t]*(?:[\w@\[\]<>,.*&]+[ \t]+)*?{_DEFINITION}[ \t]+\*?{name}\b[^\n]*"
        rf"|^[ \t]*(?:export[ \t]+)?(?:const|let|var)?[ \t]*{name}[ \t]*[:=][ \t]*(?:async[ \t]+)?"
        rf"(?:function\b|\([^\n]*\)[ \t]*(?::[^\n=]*)?=>)[^\n]*",
        re.MULTILINE,
    )
    match = pattern.search(source)
    return " ".join(match.group().split()) if match else None

