"""The signature cache (table ``file_signatures``): one outline per path, valid for one content hash.

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

Outline = namedtuple(
    "Outline", "hash language total_lines definitions text dropped partial original_tokens signature_tokens"
)
Outline.__doc__ = """A file's outline as delivered: the rendered signatures (``text``) and what is known about it.

``definitions`` counts the definitions visible in ``text`` (0: nothing worth showing); ``dropped`` lists the
detail removed to fit the budget; ``original_tokens`` estimates what a whole-file Read returns."""

_COLUMNS = (
    "hash, language, total_lines, definitions, signature, dropped, partial, original_tokens, signature_tokens, "
    "size, mtime_ns, parser_version, render_chars"
)


def lookup_fresh(
    conn: sqlite3.Connection, path: str, size: int, mtime_ns: int, version: str, render_chars: int
) -> Outline | None:
    """The cached outline of ``path`` if the file's size and mtime are unchanged since it was stored."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM file_signatures WHERE path = ?", (path,)).fetchone()
    if row is None or (row["size"], row["mtime_ns"]) != (size, mtime_ns):
        return None
    if (row["parser_version"], row["render_chars"]) != (_key(version), render_chars):
        return None
    return _outline(row)


def lookup_content(conn: sqlite3.Connection, content_hash: str, version: str, render_chars: int) -> Outline | None:
    """A cached outline of exactly this content (stored under any path), or None."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM file_signatures WHERE hash = ? AND parser_version = ? AND render_chars = ? "
        "LIMIT 1",
        (content_hash, _key(version), render_chars),
    ).fetchone()
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
    from memory.store import now_iso

    now = now_iso()
    outline = outline._replace(text=restored(redact(outline.text), stamp()))
    conn.execute(
        "INSERT OR REPLACE INTO file_signatures(path, language, signature, hash, original_tokens, signature_tokens,"
        " created_at, accessed_at, parser_version, size, mtime_ns, total_lines, definitions, dropped, partial,"
        " render_chars) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            path, outline.language, outline.text, outline.hash, outline.original_tokens, outline.signature_tokens,
            now, now, _key(version), size, mtime_ns, outline.total_lines, outline.definitions,
            json.dumps(list(outline.dropped)), int(outline.partial), render_chars,
        ),
    )
    evict(conn, max_entries)
    return outline


def touch(conn: sqlite3.Connection, path: str) -> None:
    """Mark the row of ``path`` as just used (the LRU order)."""
    from memory.store import now_iso

    conn.execute("UPDATE file_signatures SET accessed_at = ? WHERE path = ?", (now_iso(), path))


def evict(conn: sqlite3.Connection, max_entries: int) -> int:
    """Delete the least recently used rows beyond ``max_entries``; return how many went."""
    cur = conn.execute(
        "DELETE FROM file_signatures WHERE path IN (SELECT path FROM file_signatures "
        "ORDER BY accessed_at DESC, rowid DESC LIMIT -1 OFFSET ?)",
        (max(int(max_entries), 0),),
    )
    return cur.rowcount


def entries(conn: sqlite3.Connection, under: str | None = None) -> list[sqlite3.Row]:
    """Cache rows, most recently used first; only paths equal to or inside ``under`` when given."""
    sql = (
        "SELECT path, language, total_lines, definitions, original_tokens, signature_tokens, partial, dropped,"
        " accessed_at, created_at, parser_version, length(signature) AS chars FROM file_signatures"
    )
    if under is None:
        return conn.execute(sql + " ORDER BY accessed_at DESC").fetchall()
    prefix = under.rstrip("/") + "/"
    return conn.execute(
        sql + " WHERE path = ? OR substr(path, 1, ?) = ? ORDER BY accessed_at DESC", (under, len(prefix), prefix)
    ).fetchall()


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
