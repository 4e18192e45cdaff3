"""Signatures -> text: the real source lines with their line numbers, in forms that get more compact.

Each shown line is printed as ``f"{number:>{width}}│ {line}"`` (width = digits of the file's last line
number), exactly as in the file apart from a trailing ``\\r``; a ``⋮`` line stands between lines that are not
adjacent in the file. The source's own indentation shows the nesting.

When an outline must be shorter, the *form* degrades, never the *set*: every definition keeps its name and
line in every form. The compact forms list definitions as ``name:line`` pairs on a line that starts with
``·`` under the number column, indented two spaces per nesting level::

     179│ impl<N, E, Ty, Ix> StableGraph<N, E, Ty, Ix>
        ·   new:183 with_capacity:190 capacity:205 clear:214 node_count:222 …
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import CONTAINER_KINDS, IMPORT_KINDS, Definition, Signatures

SEPARATOR = "│ "
ELISION = "⋮"
COMPACT_MARK = "· "
COMPACT_WIDTH = 110  # characters of name:line pairs per compact line before it wraps

# The forms, richest first; each names what it leaves out compared with the one before (as reported).
FORMS: tuple[str, ...] = (
    "",  # everything: signatures, decorators, doc comments, imports, fields, constants
    "doc comments",
    "imports",
    "decorators",  # and continuation lines: one source line per definition
    "member signatures",  # members of classes, impls, … as name:line; containers keep their line
    "signatures",  # every definition but containers as name:line
    "container lines",  # every definition as name:line, members in braces: Loader:9{load:10 save:20}
)
DROP_ORDER = FORMS[1:]


def render(sig: Signatures, source: bytes) -> str:
    """Every shown line of ``sig`` taken from ``source``, numbered, with ``⋮`` between non-adjacent lines."""
    return render_form(sig, source, 0)


def render_form(sig: Signatures, source: bytes, level: int) -> str:
    """``sig`` rendered in form ``FORMS[level]`` (0 = everything; the last: every definition as ``name:line``,
    the members of a container in braces after it)."""
    if level >= len(FORMS) - 1:
        return _render_nested(sig.definitions, source.split(b"\n"), sig.total_lines)
    return _render_rows(_rows(sig.definitions, level, source.split(b"\n")), source, sig.total_lines)


def render_within(
    sig: Signatures, source: bytes, max_chars: int, detail_chars: int | None = None
) -> tuple[str, list[str]]:
    """The richest form of ``sig`` that fits, and the details it leaves out (``DROP_ORDER`` names).

    A form is taken when its text is at most ``detail_chars`` long (default ``max_chars``): the richest such,
    found by bisection since each form is in practice shorter than the one before (so on 352 corpus files);
    when none is, the last, most compact form is taken. Every form shows every definition's name and line,
    so nothing is ever cut: when even the last form is longer than ``max_chars``, it is returned as it is
    and the caller decides (the pre-read hook passes the Read through).
    """
    target = max_chars if detail_chars is None else min(max_chars, detail_chars)
    texts: dict[int, str] = {}

    def text_of(level: int) -> str:
        if level not in texts:
            texts[level] = render_form(sig, source, level)
        return texts[level]

    # Bisect for the first form that fits: about 3 renders of 7 on a cache miss, not up to 7.
    low, high = 0, len(FORMS) - 1
    if len(text_of(high)) > target:
        return text_of(high), list(DROP_ORDER)
    while low < high:
        middle = (low + high) // 2
        if len(text_of(middle)) <= target:
            high = middle
        else:
            low = middle + 1
    return text_of(low), list(DROP_ORDER[:low])


def compact_entries(text: str) -> list[tuple[str, int]]:
    """The ``(name, line)`` pairs listed on the compact lines of a rendered outline."""
    import re

    pairs: list[tuple[str, int]] = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(COMPACT_MARK):
            pairs.extend((name, int(number)) for name, number in re.findall(r"([^\s{}]+):(\d+)", stripped))
    return pairs


def _compact(definition: Definition, level: int) -> bool:
    """Whether ``definition`` is listed as ``name:line`` in form ``level`` (a container never is: its line
    tells what the members belong to, such as ``impl Debug for Backtrace``)."""
    leaf = definition.kind not in CONTAINER_KINDS
    return leaf and (level >= 5 or (level >= 4 and definition.depth >= 1))


def _rows(definitions: Iterable[Definition], level: int, lines: list[bytes]) -> list[tuple]:
    """Rows in line order: ``("line", n)`` for a source line, ``("compact", [trees])`` for consecutive
    definitions of one parent shown as ``name:line`` (with what is nested in them in braces), placed at the
    first one's line."""
    rows: list[tuple] = []
    seen: set[int] = set()
    group: list[list] = []  # [definition, children] trees
    stack: list[list] = []  # the open chain of the last tree, for definitions nested in it

    def close() -> None:
        if group:
            rows.append((group[0][0].line, len(rows), "compact", list(group)))
            group.clear()
            stack.clear()

    for definition in definitions:
        if level >= 2 and definition.kind in IMPORT_KINDS:
            continue
        if _compact(definition, level):
            while stack and stack[-1][0].depth >= definition.depth:
                stack.pop()
            node = [definition, []]
            if stack:
                stack[-1][1].append(node)
            else:
                if group and (group[-1][0].depth, group[-1][0].parent) != (definition.depth, definition.parent):
                    close()
                group.append(node)
            stack.append(node)
            continue
        close()
        for number in _lines(definition, level, lines):
            if number not in seen:
                seen.add(number)
                rows.append((number, len(rows), "line", number))
    close()
    return [(kind, payload) for _, _, kind, payload in sorted(rows, key=lambda row: row[:2])]


def _lines(definition: Definition, level: int, lines: list[bytes]) -> list[int]:
    """The source lines shown for a definition in form ``level``."""
    shown = {definition.line, _name_line(definition, lines)} if level >= 3 else set(definition.signature_lines)
    if level < 3:
        shown.update(definition.decorator_lines)
    if level < 1 and definition.doc_line is not None:
        shown.add(definition.doc_line)
    return sorted(shown)


def _render_rows(rows: list[tuple], source: bytes, total_lines: int) -> str:
    """Source rows numbered with ``⋮`` between non-adjacent ones; compact rows as wrapped ``name:line`` lists."""
    if not rows:
        return ""
    lines = source.split(b"\n")
    numbers = [payload for kind, payload in rows if kind == "line"]
    width = len(str(max([total_lines, *numbers])))
    out: list[str] = []
    previous = None
    for kind, payload in rows:
        if kind == "compact":
            out.extend(_compact_lines(payload, lines, width))
            previous = None
            continue
        if previous is not None and payload != previous + 1:
            out.append(ELISION.rjust(width))
        out.append(f"{payload:>{width}}{SEPARATOR}{_source_line(lines, payload)}")
        previous = payload
    return "\n".join(out)


def _compact_lines(group: list[list], lines: list[bytes], width: int) -> list[str]:
    """One or more ``·`` lines listing ``name:line`` for each tree of ``group``, wrapped between entries."""
    prefix = " " * width + COMPACT_MARK + "  " * group[0][0].depth
    return _wrapped(prefix, " ".join(_nested_text(node, lines) for node in group))


def _wrapped(prefix: str, text: str) -> list[str]:
    """``text`` cut at spaces into lines of at most ``COMPACT_WIDTH`` characters, each after ``prefix``."""
    out, current = [], ""
    for item in text.split(" "):
        if current and len(current) + 1 + len(item) > COMPACT_WIDTH:
            out.append(prefix + current)
            current = item
        else:
            current = f"{current} {item}" if current else item
    if current:
        out.append(prefix + current)
    return out


def _render_nested(definitions: Iterable[Definition], lines: list[bytes], total_lines: int) -> str:
    """Every definition as ``name:line``, the members of each container in braces after it, wrapped at
    ``COMPACT_WIDTH`` between entries."""
    top: list[list] = []  # [definition, children] trees, built from the source order and depths
    stack: list[list] = []
    for definition in definitions:
        if definition.kind in IMPORT_KINDS:
            continue
        while stack and stack[-1][0].depth >= definition.depth:
            stack.pop()
        node = [definition, []]
        (stack[-1][1] if stack else top).append(node)
        stack.append(node)
    prefix = " " * len(str(total_lines)) + COMPACT_MARK
    return "\n".join(_wrapped(prefix, " ".join(_nested_text(node, lines) for node in top)))


def _nested_text(node: list, lines: list[bytes]) -> str:
    """``name:line`` of a tree node, its children's in braces."""
    definition, children = node
    entry = _entry(definition, lines)
    return f"{entry}{{{' '.join(_nested_text(child, lines) for child in children)}}}" if children else entry


def _entry(definition: Definition, lines: list[bytes]) -> str:
    """``name:line``, the line being the one of its signature lines that holds the name (a C function's name
    often sits on the line after its return type)."""
    return f"{_compact_name(definition)}:{_name_line(definition, lines)}"


def _name_line(definition: Definition, lines: list[bytes]) -> int:
    """The first of the definition's signature lines that holds its name (its own line if none does)."""
    word = definition.name.split()[-1].rsplit("::", 1)[-1].encode() if definition.name.strip() else b""
    if not word or word in _raw(lines, definition.line):
        return definition.line
    return next((n for n in definition.signature_lines if word in _raw(lines, n)), definition.line)


def _raw(lines: list[bytes], number: int) -> bytes:
    return lines[number - 1] if 0 < number <= len(lines) else b""


def _compact_name(definition: Definition) -> str:
    """The definition's name as one word, parts joined by ``+`` (``impl Debug for Backtrace``: the name parts
    ``Debug Backtrace`` give ``Debug+Backtrace``); its kind in parentheses when it has none."""
    name = "+".join(definition.name.split())
    return name if name else f"({definition.kind})"


def _source_line(lines: list[bytes], number: int) -> str:
    """Line ``number`` (1-based) of the file as text, without a trailing ``\\r``."""
    return lines[number - 1].decode("utf-8", "replace").rstrip("\r") if number <= len(lines) else ""
