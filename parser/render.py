"""Signatures -> text: the real source lines with their line numbers, and a version that fits a size cap.

Each shown line is printed as ``f"{number:>{width}}│ {line}"`` (width = digits of the file's last line
number), exactly as in the file apart from a trailing ``\\r``; a ``⋮`` line stands between lines that are not
adjacent in the file. The source's own indentation shows the nesting.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import IMPORT_KINDS, Definition, Signatures

SEPARATOR = "│ "
ELISION = "⋮"

# What render_within drops, in this order, until the text fits. Each entry names the detail as reported.
DROP_ORDER: tuple[str, ...] = (
    "doc comments",
    "imports",
    "fields",
    "constants",
    "decorators",
    "signature continuation lines",
    "nested definitions",
    "members",
    "definitions",  # last resort: keep the first top-level definitions, then "… N more definitions"
)


def render(sig: Signatures, source: bytes) -> str:
    """All shown lines of ``sig`` taken from ``source``, numbered, with ``⋮`` between non-adjacent lines."""
    return _render_lines(_shown_lines(sig.definitions, frozenset()), source, sig.total_lines)


# The steps that remove detail but keep every definition's own line; the rest remove definitions.
DETAIL_STEPS = DROP_ORDER[:6]


def render_within(
    sig: Signatures, source: bytes, max_chars: int, detail_chars: int | None = None
) -> tuple[str, list[str]]:
    """``render(sig, source)`` cut down to at most ``max_chars`` characters, and what was dropped.

    ``detail_chars`` (optional, smaller than ``max_chars``) is a softer budget for detail only: the
    ``DETAIL_STEPS`` (doc comments … signature continuation lines) are taken while the text is longer than
    it, but definitions themselves are only ever dropped to meet ``max_chars``. That gives a compact outline
    -- one line per definition -- without losing any definition.

    Details are dropped whole, in ``DROP_ORDER``: doc comments, imports (and exports, package lines),
    fields, constants, decorators, the continuation lines of multi-line signatures, definitions nested two
    or more levels deep, then all members (leaving top-level definitions), and last the trailing
    top-level definitions, replaced by a line "… N more definitions (lines A-B not shown)". The returned
    list names each step that removed something (e.g. ``["doc comments", "imports"]``). Only when even
    that closing line alone is longer than ``max_chars`` is the result longer than the cap.
    """
    dropped: set[str] = set()
    reported: list[str] = []
    lines = _shown_lines(sig.definitions, frozenset())
    text = _render_lines(lines, source, sig.total_lines)
    for step in DROP_ORDER[:-1]:
        budget = min(max_chars, detail_chars) if detail_chars is not None and step in DETAIL_STEPS else max_chars
        if len(text) <= budget:
            if step in DETAIL_STEPS:
                continue
            return text, reported
        dropped.add(step)
        fewer = _shown_lines(sig.definitions, frozenset(dropped))
        if fewer != lines:
            reported.append(step)
            lines, text = fewer, _render_lines(fewer, source, sig.total_lines)
    if len(text) <= max_chars:
        return text, reported
    reported.append(DROP_ORDER[-1])
    return _render_first_definitions(sig, source, frozenset(dropped), max_chars), reported


def _render_first_definitions(sig: Signatures, source: bytes, dropped: frozenset[str], max_chars: int) -> str:
    """As many leading top-level definitions as fit in ``max_chars``, then a line counting the rest."""
    top = [d for d in sig.definitions if d.depth == 0 and d.kind not in IMPORT_KINDS]
    low, high = 0, len(top)
    best = _cut_text(sig, source, top, 0, dropped)
    while low < high:  # the text grows with the number kept: binary search the largest that fits
        middle = (low + high + 1) // 2
        candidate = _cut_text(sig, source, top, middle, dropped)
        if len(candidate) <= max_chars:
            low, best = middle, candidate
        else:
            high = middle - 1
    return best


def _cut_text(sig: Signatures, source: bytes, top: list[Definition], keep: int, dropped: frozenset[str]) -> str:
    """The first ``keep`` top-level definitions rendered, then "… N more definitions (lines A-B not shown)"."""
    kept = _render_lines(_shown_lines(top[:keep], dropped), source, sig.total_lines)
    rest = top[keep:]
    if not rest:
        return kept
    note = f"… {len(rest)} more definitions (lines {rest[0].line}-{rest[-1].end_line} not shown)"
    return f"{kept}\n{ELISION}\n{note}" if kept else note


def _shown_lines(definitions: Iterable[Definition], dropped: frozenset[str]) -> list[int]:
    """Sorted line numbers to show once the detail categories in ``dropped`` are removed."""
    shown: set[int] = set()
    for definition in definitions:
        if _definition_dropped(definition, dropped):
            continue
        if "signature continuation lines" in dropped:
            shown.add(definition.line)
        else:
            shown.update(definition.signature_lines)
        if "decorators" not in dropped:
            shown.update(definition.decorator_lines)
        if "doc comments" not in dropped and definition.doc_line is not None:
            shown.add(definition.doc_line)
    return sorted(shown)


def _definition_dropped(definition: Definition, dropped: frozenset[str]) -> bool:
    """Whether the whole definition is removed by one of the dropped categories."""
    kind = definition.kind
    return (
        ("imports" in dropped and kind in IMPORT_KINDS)
        or ("fields" in dropped and kind == "field")
        or ("constants" in dropped and kind in ("constant", "macro"))
        or ("nested definitions" in dropped and definition.depth >= 2)
        or ("members" in dropped and definition.depth >= 1)
    )


def _render_lines(numbers: list[int], source: bytes, total_lines: int) -> str:
    """The given 1-based lines of ``source``, numbered, with ``⋮`` between non-adjacent ones."""
    if not numbers:
        return ""
    lines = source.split(b"\n")
    width = len(str(max(total_lines, numbers[-1])))
    out: list[str] = []
    previous = None
    for number in numbers:
        if previous is not None and number != previous + 1:
            out.append(ELISION.rjust(width))
        text = lines[number - 1].decode("utf-8", "replace").rstrip("\r") if number <= len(lines) else ""
        out.append(f"{number:>{width}}{SEPARATOR}{text}")
        previous = number
    return "\n".join(out)
