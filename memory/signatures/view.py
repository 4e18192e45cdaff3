"""The text Claude receives with a narrowed Read: a one-line header, the signatures, then file learnings.

    [compound-memory] Only line 1 of src/app.py (612 lines) returned; all its 48 definitions by line below
    (`· name:line`: without its text). Read a range with offset/limit, or again for the whole file.
     12│ class App:
       ·   __init__:13 run:40 stop:77
      ⋮
    [Not shown: doc comments, imports, member signatures.]
    Previous learning: …

The header is one line. The whole text stays under ``signatures.max_context_chars``: the signatures are
rendered within what is left after room for the header, the note of what was dropped, and three learnings.
"""

from __future__ import annotations

from memory.signatures.learnings import MAX_LEARNING_CHARS, MAX_LEARNINGS

MORE = "Read a range with offset/limit, or again for the whole file"
PATH_MAX_CHARS = 200
HEADER_RESERVE = 200 + PATH_MAX_CHARS
DROPPED_RESERVE = 120
LEARNINGS_RESERVE = MAX_LEARNINGS * (MAX_LEARNING_CHARS + 1)  # the learning lines, each with its newline
MIN_OUTLINE_CHARS = 500


def read_result(lines: list[bytes], first_line: int = 1) -> str:
    """``lines`` as Claude Code's Read tool gives them to the model: each prefixed by its number and a tab.

    Token accounting counts both sides -- the whole-file Read we avoid and the narrowed head we deliver -- in
    this form, because that is what the model is sent.
    """
    return "\n".join(f"{n}\t{line.decode('utf-8', 'replace')}" for n, line in enumerate(lines, first_line))


def outline_budget(max_context_chars: int) -> int:
    """Characters left for the rendered signatures in a context of at most ``max_context_chars``."""
    return max(MIN_OUTLINE_CHARS, int(max_context_chars) - HEADER_RESERVE - DROPPED_RESERVE - LEARNINGS_RESERVE)


def header(path: str, language: str, total_lines: int, head: int, definitions: int, compact: bool) -> str:
    """The one-line header: path, size, what the Read shows, how to read the outline, and how to get more."""
    if len(path) > PATH_MAX_CHARS:
        from memory.text import shorten  # imported when used: every module costs a cache hit its import

        path = shorten(path, PATH_MAX_CHARS, keep_end=True)
    shown = f"line {head}" if head == 1 else f"lines 1-{head}"
    listed = " (`· name:line`: without its text)" if compact else ""
    return (
        f"[compound-memory] Only {shown} of {path} ({total_lines:,} lines) returned; all its {definitions:,} "
        f"definitions by line below{listed}. {MORE}."
    )


def dropped_note(dropped: tuple[str, ...] | list[str]) -> str:
    """The line naming the detail the outline leaves out (never a definition), or "" when nothing was."""
    if not dropped:
        return ""
    named = [d for d in dropped if not (d in ("member signatures", "container lines") and "signatures" in dropped)]
    return f"[Not shown: {', '.join(named)}.]"


def context(head_line: str, outline_text: str, note: str, learning_lines: list[str]) -> str:
    """Header, signatures, the dropped note and the learnings, one block each, in that order, redacted: the
    cached signatures were redacted when stored (``memory.redacted.Redacted``), the rest goes through the door here."""
    from memory.redacted import joined_if_clean

    blocks = [head_line, outline_text, note, *learning_lines]
    text = joined_if_clean(blocks)  # a cache hit: the rules are not even loaded
    if text is None:
        from memory.redact import join_blocks

        text = join_blocks(blocks)
    return text


def after_head(outline_text: str, head: int) -> str:
    """The outline without its numbered lines 1..``head``: the narrowed Read already shows them. (A ``name:line``
    entry at or before ``head`` stays: a few characters, and its line keeps the list whole.)"""
    lines = outline_text.split("\n")
    start = 0
    for line in lines:
        number = line.partition("│")[0].strip()
        if number.isdigit() and int(number) > head:
            break
        if not number.isdigit() and line.strip() != "⋮":
            break
        start += 1
    from memory.redacted import lines_from

    return lines_from(outline_text, start)
