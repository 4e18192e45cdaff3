"""The one text shortener: every cut text in the project ends (or starts) with the same ellipsis, "…".

Stdlib only, no imports: used on the hook path (events, transcript records) and by the CLI alike.
"""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str, limit: int, *, one_line: bool = False, at_word: bool = False, keep_end: bool = False) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked by "…"; unchanged when it fits.

    ``one_line`` first collapses every whitespace run (newlines included) to one space; ``at_word`` cuts at the
    last space when one lies in the second half; ``keep_end`` keeps the end instead of the start (an error's
    cause is usually in its last lines).
    """
    if one_line:
        text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    if keep_end:
        return ELLIPSIS + text[len(text) - limit + 1:].lstrip()
    cut = limit - 1
    if at_word:
        space = text.rfind(" ", 0, limit - 1)
        if space > limit // 2:
            cut = space
    return text[:cut].rstrip(" ,;:-") + ELLIPSIS
