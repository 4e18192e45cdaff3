"""What Claude receives for a whole-file Read, and which definitions that text shows, for the benchmarks.

``deliver`` runs ``memory.signatures.plan_read`` (the function the PreToolUse hook runs) in-process and
returns the exact text the model gets: the narrowed Read's head lines, numbered as Claude Code numbers them
(``N<tab>line``), then the hook's context (header, outline, notes). A Read that passes through delivers the
first 2,000 lines of the file, numbered the same way.

``shown`` reads that text back -- not the parser's data -- into the (line, text) pairs it shows: the head's
lines, the outline's ``N│ source`` lines, and the ``name:line`` entries of its compact lines. ``missing``
then checks an oracle's definitions against it.
"""

from __future__ import annotations

import re
from collections import namedtuple
from pathlib import Path

from benchmarks.oracles import Expected, normalized

Delivery = namedtuple("Delivery", "narrowed reason text original_tokens delivered_tokens head")
_SOURCE_LINE = re.compile(r"^ *(\d+)│ (.*)$")


def deliver(conn, signatures, path: Path, session: str) -> Delivery:
    """The text Claude receives for a whole Read of ``path`` (the file's folder taken as the project)."""
    from memory.signatures.preread import PassThrough, plan_read
    from memory.signatures.outline import READ_DEFAULT_LINES, whole_read_tokens
    from memory.signatures.view import read_result
    from memory.tokens import estimate_tokens

    source = path.read_bytes()
    try:
        plan = plan_read(conn, signatures, str(path.parent), str(path), session_id=session)
    except PassThrough as exc:
        text = read_result(source.split(b"\n", READ_DEFAULT_LINES)[:READ_DEFAULT_LINES])
        tokens = whole_read_tokens(source)
        return Delivery(False, str(exc), text, tokens, tokens, 0)
    head = read_result(source.split(b"\n", plan.head)[: plan.head])
    text = head + "\n" + plan.context
    assert estimate_tokens(head) + estimate_tokens(plan.context) == plan.delivered_tokens, path
    return Delivery(True, "", text, plan.original_tokens, plan.delivered_tokens, plan.head)


def shown(delivery: Delivery) -> tuple[dict[int, str], dict[int, list[str]]]:
    """(line -> text shown for it, line -> names listed as ``name:line``) in the delivered text."""
    from parser import compact_entries

    lines: dict[int, str] = {}
    if not delivery.narrowed:
        for number, line in enumerate(delivery.text.split("\n"), 1):
            lines[number] = line.partition("\t")[2]
        return lines, {}
    body = delivery.text.split("\n")
    for number, line in enumerate(body[: delivery.head], 1):
        lines[number] = line.partition("\t")[2]
    context = "\n".join(body[delivery.head :])
    for line in context.split("\n"):
        match = _SOURCE_LINE.match(line)
        if match:
            lines[int(match[1])] = match[2]
    entries: dict[int, list[str]] = {}
    for name, number in compact_entries(context):
        entries.setdefault(number, []).append(name)
    return lines, entries


def missing(expected: list[Expected], delivery: Delivery) -> list[Expected]:
    """The oracle definitions the delivered text does not show: neither a shown line at the oracle's line
    that holds the name as a word, nor a ``name:line`` entry at that line with that name (or holding it as a
    word: ``Debug+Backtrace`` for ctags' ``Backtrace``, as a shown source line would)."""
    lines, entries = shown(delivery)
    lost = []
    for item in expected:
        name = normalized(item.name)
        # A symbolic name (C++'s ``operator <<`` normalizes to ``<<``) has no word to bound: found as it is.
        word = re.compile(rf"(?<![\w$]){re.escape(name)}(?![\w$])" if re.search(r"\w", name) else re.escape(name), re.I)
        listed = entries.get(item.line, [])
        if any(normalized(entry) == name or word.search(entry) for entry in listed):
            continue
        text = lines.get(item.line)
        if text is not None and (not name or word.search(text)):
            continue
        lost.append(item)
    return lost
