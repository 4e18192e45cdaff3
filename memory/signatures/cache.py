"""The signature cache (table ``file_signatures``, its SQL in ``memory.store.signatures``): one outline per
path, valid for one content hash.

A lookup first compares the file's (mtime_ns, size) with the row's: when both match, the row is used without
reading the file. Otherwise the caller hashes the content; a row for the same content (at this or any other
path) and the same parser version and render budget is reused. So any change -- an editor, a formatter, a
``git checkout`` -- is seen, and moving back to known content costs no parse. The table holds at most
``signatures.cache_max_entries`` rows; the least recently used are evicted.

An outline is stored redacted, and its row's version ends with the stamp of the redaction rules that did it
(``/r<stamp>``): a row redacted by other rules is not found (the file is parsed and stored again), and every
outline the cache returns is ``memory.redacted.Redacted``, which the hook's answer door passes as it is.
"""

from __future__ import annotations

import json
import sqlite3
from collections import namedtuple

from memory.store import signatures as table
from memory.store.signatures import entries, evict, touch

__all__ = ["Outline", "entries", "evict", "lookup_content", "lookup_fresh", "store", "touch"]

Outline = namedtuple(
    "Outline", "hash language total_lines definitions text dropped partial original_tokens signature_tokens"
)
Outline.__doc__ = """A file's outline as delivered: the rendered signatures (``text``) and what is known about it.

``definitions`` counts the definitions visible in ``text`` (0: nothing worth showing); ``dropped`` lists the
detail removed to fit the budget; ``original_tokens`` estimates what a whole-file Read returns."""


def lookup_fresh(
    conn: sqlite3.Connection, path: str, size: int, mtime_ns: int, version: str, render_chars: int
) -> Outline | None:
    """The cached outline of ``path`` if the file's size and mtime are unchanged since it was stored."""
    row = table.outline_row(conn, path)
    if row is None or (row["size"], row["mtime_ns"]) != (size, mtime_ns):
        return None
    if (row["parser_version"], row["render_chars"]) != (_key(version), render_chars):
        return None
    return _outline(row)


def lookup_content(conn: sqlite3.Connection, content_hash: str, version: str, render_chars: int) -> Outline | None:
    """A cached outline of exactly this content (stored under any path), or None."""
    row = table.outline_row_of_content(conn, content_hash, _key(version), render_chars)
    return _outline(row) if row is not None else None


def store(
    conn: sqlite3.Connection,
    path: str,
    outline: Outline,
    *,
    size: int,
    mtime_ns: int,
    version: str,
    render_chars: int,
    max_entries: int,
) -> Outline:
    """Store (or replace) the outline of ``path``, redacted, and evict the least recently used rows beyond
    ``max_entries``; return it as stored (as a lookup will return it)."""
    from memory.redact import redact
    from memory.redacted import restored, stamp

    outline = outline._replace(text=restored(redact(outline.text), stamp()))
    table.put_outline(conn, path, language=outline.language, text=outline.text, content_hash=outline.hash,
                      original_tokens=outline.original_tokens, signature_tokens=outline.signature_tokens,
                      version=_key(version), size=size, mtime_ns=mtime_ns, total_lines=outline.total_lines,
                      definitions=outline.definitions, dropped_json=json.dumps(list(outline.dropped)),
                      partial=outline.partial, render_chars=render_chars)
    evict(conn, max_entries)
    return outline


def _key(version: str) -> str:
    """The version a row is stored and found under: the caller's (parser, detail) and the redaction rules'."""
    from memory.redacted import stamp

    return f"{version}/r{stamp() or '-'}"


def _outline(row: sqlite3.Row) -> Outline:
    from memory.redacted import restored

    return Outline(
        hash=row["hash"],
        language=row["language"],
        total_lines=row["total_lines"],
        definitions=row["definitions"],
        text=restored(row["signature"] or "", row["parser_version"].rpartition("/r")[2]),
        dropped=tuple(json.loads(row["dropped"] or "[]")),
        partial=bool(row["partial"]),
        original_tokens=row["original_tokens"],
        signature_tokens=row["signature_tokens"],
    )
