"""The pre-read decision: narrow a whole-file Read of a large code file to its head plus its signatures.

``plan_read`` is the decision, called by the PreToolUse hook handler (which renders Claude Code's answer) and by
``python -m memory signature PATH`` so that the command prints exactly what Claude would be shown. Anything
unexpected -- an unsupported, small, excluded, binary, generated, vanished or unreadable file, a parser
failure, no tree-sitter -- means ``PassThrough``: the Read runs untouched (seed 004's risk table).

A cache hit reads the file's metadata, a few KB of its head and a handful of rows; it never imports
tree-sitter (``memory.signatures.outline.build`` does, on a miss only).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections import namedtuple

from memory.project import relative_to
from memory.signatures import accounting, cache, eligibility, learnings, view
from memory.tokens import estimate_tokens

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

    from memory.config import Signatures

MAX_HEAD_LINES = 50
HEAD_READ_BYTES = 65536
# Narrow only when what Claude receives saves at least this much of the whole Read: when Claude then needs the
# whole file after all, the narrowed Read is what it lost, so that loss stays under a fifth of the file.
MIN_SAVING_RATIO = 0.8

ReadPlan = namedtuple("ReadPlan", "path head context original_tokens delivered_tokens outline")
ReadPlan.__doc__ = "A narrowed Read: Read lines 1-``head`` of ``path`` and add ``context`` after them."


class PassThrough(Exception):
    """The Read runs untouched; ``str(exc)`` says why."""


def plan_read(
    conn: sqlite3.Connection,
    settings: Signatures,
    project_root: str,
    path: str,
    *,
    session_id: str | None = None,
    project_id: Callable[[], int | None] = lambda: None,
    tool_use_id: str | None = None,
) -> ReadPlan:
    """Decide how a whole-file Read of ``path`` (absolute) is answered; raise PassThrough to leave it alone.

    With a ``session_id`` the session's rules apply (once per content, never after an edit) and the narrowed
    Read is recorded for accounting; without one (a preview) nothing about the session is read or written.
    """
    from parser import PARSER_VERSION
    from parser.languages import language_for_path

    language = language_for_path(path)
    if language is None:
        raise PassThrough("not a language the parser supports")
    real = os.path.realpath(path)
    _check(eligibility.path_reason(path, project_root, settings.exclude, settings.include_tests,
                                   settings.include_vendored))
    _check(eligibility.symlink_reason(path, real, project_root))
    info = _stat(real, settings.max_file_bytes)
    if session_id and accounting.was_edited(conn, session_id, path, project_root):
        raise PassThrough("edited in this session")
    budget = view.outline_budget(settings.max_context_chars)
    version = f"{PARSER_VERSION}/d{settings.outline_detail_ratio}"  # the cache keys on both
    outline = cache.lookup_fresh(conn, path, info.st_size, info.st_mtime_ns, version, budget)
    source = None
    if outline is not None:
        cache.touch(conn, path)
    else:
        source = _read(real, settings.max_file_bytes)
        outline = _outline_of(conn, settings, path, source, language, info, version, budget)
    if outline.total_lines < settings.min_lines:
        raise PassThrough(f"{outline.total_lines} lines, under signatures.min_lines")
    if outline.definitions == 0:
        raise PassThrough("no definitions found")
    if len(outline.text) > budget:
        raise PassThrough(f"even the most compact outline ({len(outline.text):,} characters) is over "
                          f"signatures.max_context_chars")
    _check(eligibility.thin_reason(outline.total_lines, outline.definitions))
    if session_id and accounting.already_claimed(conn, session_id, path, outline.hash):
        raise PassThrough("already summarized in this session")
    head = max(1, min(settings.head_lines, MAX_HEAD_LINES, outline.total_lines))
    head_tokens = estimate_tokens(_head_text(real, head, source))
    # Learnings name their file as written when they were learned: absolute, real or project-relative.
    names = [path, real, relative_to(path, project_root) or ""]
    shown = learnings.for_file(conn, names, project_id(), session_id)
    text = _context(settings, project_root, path, outline, head, learnings.lines(shown))
    delivered = head_tokens + estimate_tokens(text)
    if outline.original_tokens - delivered < outline.original_tokens * MIN_SAVING_RATIO:
        raise PassThrough(f"the outline would save too little ({delivered} of {outline.original_tokens} tokens)")
    if session_id:
        claimed = accounting.claim_read(
            conn,
            session_id=session_id,
            project_id=project_id(),
            path=path,
            content_hash=outline.hash,
            tool_use_id=tool_use_id,
            head_limit=head,
            original_tokens=outline.original_tokens,
            delivered_tokens=delivered,
        )
        if not claimed:  # a concurrent Read of the same file got there first
            raise PassThrough("already summarized in this session")
        learnings.record_shown(conn, shown, session_id, path)
    return ReadPlan(path, head, text, outline.original_tokens, delivered, outline)


def _check(reason: str | None) -> None:
    if reason is not None:
        raise PassThrough(reason)


def _stat(real: str, max_bytes: int) -> os.stat_result:
    try:
        info = os.stat(real)
    except FileNotFoundError:
        raise PassThrough("file not found") from None
    except OSError as exc:
        raise PassThrough(f"cannot stat the file ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise PassThrough("not a regular file")
    if info.st_size == 0:
        raise PassThrough("empty file")
    if info.st_size > max_bytes:
        raise PassThrough(f"larger than signatures.max_file_bytes ({max_bytes:,})")
    return info


def _read(real: str, max_bytes: int) -> bytes:
    try:
        with open(real, "rb") as handle:
            source = handle.read(max_bytes + 1)
    except OSError as exc:
        raise PassThrough(f"cannot read the file ({exc.strerror})") from None
    if len(source) > max_bytes:
        raise PassThrough(f"larger than signatures.max_file_bytes ({max_bytes:,})")
    return source


def _outline_of(
    conn: sqlite3.Connection,
    settings: Signatures,
    path: str,
    source: bytes,
    language: str,
    info: os.stat_result,
    version: str,
    budget: int,
) -> cache.Outline:
    """The outline of ``source``: from the cache by content hash, else parsed now; stored for ``path``."""
    total = eligibility.count_lines(source)
    if total < settings.min_lines:
        raise PassThrough(f"{total} lines, under signatures.min_lines")
    _check(eligibility.content_reason(source, total))
    from memory.hashing import content_hash as hash_of  # a miss only: a hit never hashes the file

    content_hash = hash_of(source)
    found = cache.lookup_content(conn, content_hash, version, budget)
    if found is None:
        found = _parse(source, language, content_hash, budget, settings.outline_detail_ratio, path)
    return cache.store(  # as stored: redacted, as a cache hit returns it
        conn,
        path,
        found,
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        version=version,
        render_chars=budget,
        max_entries=settings.cache_max_entries,
    )


def _parse(source: bytes, language: str, content_hash: str, budget: int, ratio: float, path: str) -> cache.Outline:
    from memory import log
    from memory.deadline import OutOfTime
    from memory.signatures import outline as outlines
    from parser import ParserUnavailable  # no tree-sitter import: that happens in build

    try:
        return outlines.build(source, language, content_hash, budget, ratio)
    except OutOfTime:  # the hook's time budget: not a parser failure
        raise
    except (ImportError, ParserUnavailable) as exc:
        log.warning("signatures", f"tree-sitter is not available, Reads pass untouched: {exc}")
        raise PassThrough("tree-sitter is not installed") from None
    except Exception as exc:
        log.error("signatures", f"parsing {path} ({language}) failed: {type(exc).__name__}: {exc}", exc)
        raise PassThrough("the parser failed on this file") from None


def _head_text(real: str, head: int, source: bytes | None) -> str:
    """The first ``head`` lines of the file, as the narrowed Read returns them."""
    if source is None:
        try:
            with open(real, "rb") as handle:
                source = handle.read(HEAD_READ_BYTES)
        except OSError as exc:
            raise PassThrough(f"cannot read the file ({exc.strerror})") from None
    return view.read_result(source.split(b"\n", head)[:head])


def _context(
    settings: Signatures,
    project_root: str,
    path: str,
    outline: cache.Outline,
    head: int,
    learning_lines: list[str],
) -> str:
    """The context text: header, the outline past the head, what it leaves out, learnings; under the cap."""
    max_chars = settings.max_context_chars
    shown_path = relative_to(path, project_root) or path
    body = view.after_head(outline.text, head)
    compact = any(line.lstrip().startswith("· ") for line in body.split("\n"))
    top = view.header(shown_path, outline.language, outline.total_lines, head, outline.definitions, compact)
    for lines in (learning_lines, []):  # learnings are the first thing to go if the cap is ever reached
        text = view.context(top, body, view.dropped_note(outline.dropped), lines)
        if len(text) < max_chars:
            return text
    raise PassThrough(f"the context would exceed signatures.max_context_chars ({max_chars:,})")
