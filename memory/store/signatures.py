"""The tables of narrowed Reads (the only module that writes them): ``file_signatures``, the outline cache, and
``signature_reads``, the accounting of each narrowed Read.

What to write is decided in ``memory.signatures``: ``cache`` redacts an outline, stamps its version and keeps
the cache within ``signatures.cache_max_entries``; ``accounting`` decides whether a completed Read is the narrowed
one, a follow-up that counts against it, or neither.
"""

from __future__ import annotations

import sqlite3

from memory.store.clock import now_iso

OUTLINE_COLUMNS = (
    "hash, language, total_lines, definitions, signature, dropped, partial, original_tokens, signature_tokens, "
    "size, mtime_ns, parser_version, render_chars"
)


def outline_row(conn: sqlite3.Connection, path: str) -> sqlite3.Row | None:
    """The cache row of ``path`` (``OUTLINE_COLUMNS``), or None."""
    return conn.execute(f"SELECT {OUTLINE_COLUMNS} FROM file_signatures WHERE path = ?", (path,)).fetchone()


def outline_row_of_content(conn: sqlite3.Connection, content_hash: str, version: str,
                           render_chars: int) -> sqlite3.Row | None:
    """A cache row of exactly this content (under any path), parser version and render budget, or None."""
    return conn.execute(
        f"SELECT {OUTLINE_COLUMNS} FROM file_signatures WHERE hash = ? AND parser_version = ? AND render_chars = ? "
        "LIMIT 1",
        (content_hash, version, render_chars),
    ).fetchone()


def put_outline(conn: sqlite3.Connection, path: str, *, language: str, text: str, content_hash: str,
                original_tokens: int, signature_tokens: int, version: str, size: int, mtime_ns: int,
                total_lines: int, definitions: int, dropped_json: str, partial: bool, render_chars: int) -> None:
    """Store (or replace) the outline of ``path``, used now (``text`` already redacted by the caller)."""
    now = now_iso()
    conn.execute(
        "INSERT OR REPLACE INTO file_signatures(path, language, signature, hash, original_tokens, signature_tokens,"
        " created_at, accessed_at, parser_version, size, mtime_ns, total_lines, definitions, dropped, partial,"
        " render_chars) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (path, language, text, content_hash, original_tokens, signature_tokens, now, now, version, size, mtime_ns,
         total_lines, definitions, dropped_json, int(partial), render_chars),
    )


def touch(conn: sqlite3.Connection, path: str) -> None:
    """Mark the cache row of ``path`` as just used (the LRU order)."""
    conn.execute("UPDATE file_signatures SET accessed_at = ? WHERE path = ?", (now_iso(), path))


def evict(conn: sqlite3.Connection, max_entries: int) -> int:
    """Delete the least recently used cache rows beyond ``max_entries``; return how many went."""
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


def claim_read(conn: sqlite3.Connection, *, session_id: str, project_id: int | None, path: str, content_hash: str,
               tool_use_id: str | None, head_limit: int, original_tokens: int, delivered_tokens: int) -> bool:
    """Record a narrowed Read; False when this session already narrowed this content of this file."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO signature_reads(session_id, project_id, path, hash, tool_use_id, head_limit,"
        " original_tokens, delivered_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (session_id, project_id, path, content_hash, tool_use_id, head_limit, original_tokens, delivered_tokens),
    )
    return cur.rowcount == 1


def already_claimed(conn: sqlite3.Connection, session_id: str, path: str, content_hash: str) -> bool:
    """True when this session already narrowed a Read of this content of this file."""
    row = conn.execute(
        "SELECT 1 FROM signature_reads WHERE session_id = ? AND path = ? AND hash = ?", (session_id, path, content_hash)
    ).fetchone()
    return row is not None


def end_turn(conn: sqlite3.Connection, session_id: str) -> None:
    """The user sent a new prompt: later Reads no longer count against this session's narrowed Reads."""
    conn.execute("UPDATE signature_reads SET turn_ended = 1 WHERE session_id = ? AND turn_ended = 0", (session_id,))


def latest_read(conn: sqlite3.Connection, session_id: str, path: str) -> sqlite3.Row | None:
    """The session's newest narrowed Read of ``path`` (id, tool_use_id, head_limit, own_read_seen, turn_ended)."""
    return conn.execute(
        "SELECT id, tool_use_id, head_limit, own_read_seen, turn_ended FROM signature_reads WHERE session_id = ? "
        "AND path = ? ORDER BY id DESC LIMIT 1",
        (session_id, path),
    ).fetchone()


def own_read_seen(conn: sqlite3.Connection, read_id: int) -> None:
    """Note that the narrowed Read itself completed (later Reads of the file are follow-ups)."""
    conn.execute("UPDATE signature_reads SET own_read_seen = 1 WHERE id = ?", (read_id,))


def add_followup(conn: sqlite3.Connection, read_id: int, tokens: int) -> None:
    """Charge a follow-up Read of ``tokens`` against a narrowed Read."""
    conn.execute(
        "UPDATE signature_reads SET followup_reads = followup_reads + 1, followup_tokens = followup_tokens + ? "
        "WHERE id = ?",
        (tokens, read_id),
    )
