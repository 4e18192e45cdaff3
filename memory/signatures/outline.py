"""Build a file's outline on a cache miss: the parser's signatures rendered within the size budget.

This is the only module that imports the parser's heavy part (tree-sitter), and only inside ``build``.
"""

from __future__ import annotations

import re

from memory.signatures.cache import Outline
from memory.signatures.view import read_result
from memory.tokens import CHARS_PER_TOKEN, estimate_tokens

# Claude Code's Read returns at most this many lines when no limit is given: the counterfactual of a Read we
# narrow is that much of the file, not the whole of a longer one.
READ_DEFAULT_LINES = 2000
MIN_DETAIL_CHARS = 0
_NUMBERED_LINE = re.compile(r"^ *(\d+)│", re.MULTILINE)


def whole_read_tokens(source: bytes) -> int:
    """Estimated tokens of what a Read without offset/limit returns: the first 2,000 lines, numbered."""
    return estimate_tokens(read_result(source.split(b"\n", READ_DEFAULT_LINES)[:READ_DEFAULT_LINES]))


def build(source: bytes, language: str, content_hash_: str, max_chars: int, detail_ratio: float = 1.0) -> Outline:
    """Parse ``source`` and render its signatures in at most ``max_chars`` characters.

    ``detail_ratio`` sets the compact-outline budget: detail (doc comments, imports, fields, constants,
    decorators, continuation lines) is dropped while the outline is longer than that fraction of what a
    plain Read would return (at least ``MIN_DETAIL_CHARS``); definitions are kept.

    The text is redacted (``memory.redact.redact_code``: the definitions' names are kept).

    Raises ``parser.ParserUnavailable`` (or ImportError) without tree-sitter, and whatever the parser raises on
    a file it cannot handle; the caller passes the Read through.
    """
    import parser
    from memory.paths import ensure_site_packages

    from parser.languages import refine

    ensure_site_packages()  # tree-sitter lives in site-packages
    language = refine(language, source)
    sig = parser.extract(source, language)
    original_tokens = whole_read_tokens(source)
    detail_chars = max(MIN_DETAIL_CHARS, int(detail_ratio * original_tokens * CHARS_PER_TOKEN))
    text, dropped = parser.render_within(sig, source, max_chars, detail_chars)
    if sig.lost:
        text = f"{text}\n{lost_note(sig.lost)}" if text else lost_note(sig.lost)
    from memory.redact import redact_code

    text = redact_code(text, (d.name for d in sig.definitions))  # names are code, not credentials
    return Outline(
        hash=content_hash_,
        language=language,
        total_lines=sig.total_lines,
        definitions=shown_definitions(sig.definitions, text),
        text=text,
        dropped=tuple(dropped),
        partial=bool(sig.lost),
        original_tokens=original_tokens,
        signature_tokens=estimate_tokens(text),
    )


def lost_note(lost: tuple[tuple[int, int], ...]) -> str:
    """The line that says where the parser lost its way (outside function bodies), so Claude reads there."""
    ranges = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in lost[:5]) + (", …" if len(lost) > 5 else "")
    plural = "s" if len(lost) > 1 or lost[0][0] != lost[0][1] else ""
    return f"[The parser could not read line{plural} {ranges}: a definition there may be missing.]"


def shown_definitions(definitions, text: str) -> int:
    """How many definitions (imports, exports and package lines aside) have their line in ``text``: as a
    numbered source line or a ``name:line`` entry."""
    from parser import compact_entries

    shown = {int(number) for number in _NUMBERED_LINE.findall(text)}
    shown.update(line for _, line in compact_entries(text))
    return sum(1 for d in definitions if d.kind not in ("import", "export", "package") and d.line in shown)
