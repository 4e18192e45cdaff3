"""render / render_within: real lines with their numbers, elision marks, the size cap and what it dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parser import DROP_ORDER, extract, language_for_path, render, render_within

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix != ".expected")
LINE = re.compile(r"^ *(\d+)│ (.*)$")


def _parse(text: str) -> list[tuple[int, str] | None]:
    """Rendered text -> [(number, text) or None for an elision mark]."""
    rows = []
    for line in text.split("\n"):
        if line.strip() == "⋮":
            rows.append(None)
        else:
            match = LINE.match(line)
            assert match, f"unexpected rendered line {line!r}"
            rows.append((int(match[1]), match[2]))
    return rows


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_lines_are_the_real_lines_with_elision_between_gaps(path):
    source = path.read_bytes()
    text = render(extract(source, language_for_path(path.name)), source)
    real = source.decode().split("\n")
    rows = _parse(text)
    previous = None
    for index, row in enumerate(rows):
        if row is None:
            assert previous is not None and rows[index + 1] is not None and rows[index + 1][0] > previous + 1
            continue
        number, content = row
        assert content == real[number - 1]
        if previous is not None and rows[index - 1] is not None:
            assert number == previous + 1  # adjacent lines have no mark between them
        previous = number


def test_number_column_is_right_aligned_to_the_file_length():
    source = b"\n" * 120 + b"def f():\n    pass\n"
    assert render(extract(source, "python"), source) == "121│ def f():"
    source = b"\n" * 5 + b"def f():\n    pass\n" + b"\n" * 200
    assert render(extract(source, "python"), source) == "  6│ def f():"


def test_crlf_is_not_shown():
    source = b"class A:\r\n    def f(self):\r\n        pass\r\n"
    assert render(extract(source, "python"), source) == "1│ class A:\n2│     def f(self):"


def _big_module() -> bytes:
    parts = ['"""Module."""', "import os", "import sys", "LIMIT = 1", ""]
    for c in range(30):
        parts += [f"@decorate({c})", f"class C{c}(Base):", f'    """Class {c}."""', "    x: int = 0", ""]
        for m in range(5):
            parts += [f"    def m{m}(", "        self,", "        value: int,", "    ) -> int:",
                      f'        """Method {m}."""', "        def inner():", "            return 1",
                      "        return inner()", ""]
    return "\n".join(parts).encode()


def test_render_within_keeps_everything_when_it_fits():
    source = _big_module()
    sig = extract(source, "python")
    full = render(sig, source)
    assert render_within(sig, source, len(full)) == (full, [])


@pytest.mark.parametrize("cap", [20000, 12000, 8000, 4000, 2000, 600, 200])
def test_render_within_respects_the_cap_and_reports_drops_in_order(cap):
    source = _big_module()
    sig = extract(source, "python")
    full = render(sig, source)
    assert len(full) > 20000
    text, dropped = render_within(sig, source, cap)
    assert len(text) <= cap
    assert dropped, "a shorter text must say what it dropped"
    assert dropped == [step for step in DROP_ORDER if step in dropped]  # in the documented order
    real = source.decode().split("\n")
    for row in _parse(text.split("\n… ")[0]):
        if row is not None:
            assert row[1] == real[row[0] - 1]


def test_render_within_drops_doc_comments_first_then_imports():
    source = _big_module()
    sig = extract(source, "python")
    full = render(sig, source)
    docs = sum(1 for d in sig.definitions if d.doc_line)
    text, dropped = render_within(sig, source, len(full) - 1)
    assert dropped == ["doc comments"]
    numbered = [row for row in _parse(text) if row is not None]
    assert '"""' not in text and len([r for r in _parse(full) if r is not None]) - len(numbered) == docs
    _, dropped = render_within(sig, source, len(text) - 1)
    assert dropped == ["doc comments", "imports"]


def test_render_within_last_resort_counts_what_is_left_out():
    source = _big_module()
    sig = extract(source, "python")
    text, dropped = render_within(sig, source, 300)
    assert dropped[-1] == "definitions" and "members" in dropped
    match = re.search(r"… (\d+) more definitions \(lines (\d+)-(\d+) not shown\)$", text)
    assert match
    shown = [row for row in _parse(text.rsplit("\n", 1)[0]) if row is not None] if "\n" in text else []
    top_level = [d for d in sig.definitions if d.depth == 0 and d.kind not in ("import", "constant")]
    assert int(match[1]) + len(shown) >= 30 and int(match[1]) <= len(top_level)
    assert int(match[3]) == sig.definitions[-1].end_line or int(match[3]) == max(d.end_line for d in top_level)
