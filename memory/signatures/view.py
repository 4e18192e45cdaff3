"""The text Claude receives with a narrowed Read: a one-line header, the signatures, then file learnings.

    [compound-memory] src/app.py (python, 612 lines): this Read shows lines 1-10; below, 48 definitions with
    their line numbers (~5,900 tokens saved). Read with offset/limit for any range; Read again for the whole file.
     12│ class App:
      ⋮
    [Outline kept compact (under 9,000 characters); not shown: doc comments, imports. Read a range to see them.]
    Previous learning: …

The header is one line. The whole text stays under ``signatures.max_context_chars``: the signatures are
rendered within what is left after room for the header, the note of what was dropped, and three learnings.
"""

from __future__ import annotations

from memory.signatures.learnings import MAX_LEARNING_CHARS, MAX_LEARNINGS
from memory.text import shorten

MORE = "Read with offset/limit for any range; Read again for the whole file"
PATH_MAX_CHARS = 200
HEADER_RESERVE = 260 + PATH_MAX_CHARS
DROPPED_RESERVE = 200
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


def header(
    path: str, language: str, total_lines: int, head: int, definitions: int, saved_tokens: int, partial: bool
) -> str:
    """The one-line header: path, size, what is shown, the estimated saving, and how to get more."""
    path = shorten(path, PATH_MAX_CHARS, keep_end=True)
    partial_note = " Partial outline: the file has syntax errors." if partial else ""
    return (
        f"[compound-memory] {path} ({language}, {total_lines:,} lines): this Read shows lines 1-{head}; below, "
        f"{definitions:,} definitions with their line numbers (~{saved_tokens:,} tokens saved).{partial_note} "
        f"{MORE}."
    )


def dropped_note(dropped: tuple[str, ...] | list[str], max_context_chars: int) -> str:
    """The line naming what the outline leaves out, or "" when nothing was.

    Detail goes first to keep the outline compact (``signatures.outline_detail_ratio``); definitions go only
    to stay under ``max_context_chars``.
    """
    if not dropped:
        return ""
    return (f"[Outline kept compact (under {int(max_context_chars):,} characters); not shown: {', '.join(dropped)}. "
            "Read a range to see them.]")


def context(head_line: str, outline_text: str, note: str, learning_lines: list[str]) -> str:
    """Header, signatures, the dropped note and the learnings, one block each, in that order."""
    parts = [head_line, outline_text]
    if note:
        parts.append(note)
    parts.extend(learning_lines)
    return "\n".join(part for part in parts if part)


def after_head(outline_text: str, head: int) -> str:
    """The outline without its lines 1..``head``: the narrowed Read already shows them."""
    lines = outline_text.split("\n")
    start = 0
    for line in lines:
        number = line.partition("│")[0].strip()
        if number.isdigit() and int(number) > head:
            break
        if not number.isdigit() and line.strip() != "⋮":
            break
        start += 1
    return "\n".join(lines[start:])
