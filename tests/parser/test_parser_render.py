"""render / render_within: real lines with their numbers, elision marks, the size cap and what it dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parser import DROP_ORDER, FORMS, compact_entries, extract, language_for_path, render, render_form, render_within

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix != ".expected")
LINE = re.compile(r"^ *(\d+)│ (.*)$")


def _parse(text: str) -> list[tuple[int, str] | None]:
    """Rendered text -> [(number, text) or None for an elision mark]; compact ``·`` lines are skipped."""
    rows = []
    for line in text.split("\n"):
        if line.strip() == "⋮":
            rows.append(None)
        elif line.lstrip().startswith("· "):
            continue
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


def _shows_every_definition(sig, source: bytes, text: str) -> None:
    """Every definition's name is on a shown line at its line, or in a ``name:line`` entry there."""
    real = source.decode().split("\n")
    numbered = {row[0] for row in _parse(text) if row is not None}
    entries = {}
    for name, number in compact_entries(text):
        entries.setdefault(number, []).append(name)
    for d in sig.definitions:
        if d.kind in ("import", "export", "package"):
            continue
        at_line = [n for n in (d.line, *d.signature_lines) if n in numbered and d.name in real[n - 1]]
        listed = [n for n, names in entries.items() if d.name in names and n in (d.line, *d.signature_lines)]
        assert at_line or listed, (d.name, d.line)


@pytest.mark.parametrize("cap", [20000, 12000, 8000, 4000, 2000, 600, 200])
def test_render_within_degrades_the_form_never_the_set(cap):
    source = _big_module()
    sig = extract(source, "python")
    full = render(sig, source)
    assert len(full) > 20000
    text, dropped = render_within(sig, source, cap)
    last = render_form(sig, source, len(FORMS) - 1)
    assert len(text) <= cap or text == last  # the last form is returned as it is; the caller decides
    assert dropped, "a shorter text must say what it dropped"
    assert dropped == list(DROP_ORDER[: len(dropped)])  # in the documented order, each form after the last
    real = source.decode().split("\n")
    for row in _parse(text):
        if row is not None:
            assert row[1] == real[row[0] - 1]
    _shows_every_definition(sig, source, text)


@pytest.mark.parametrize("level", range(len(FORMS)))
def test_every_form_shows_every_definition(level):
    source = _big_module()
    sig = extract(source, "python")
    _shows_every_definition(sig, source, render_form(sig, source, level))


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


def test_compact_forms_list_members_under_their_container_then_everything_nested():
    source = _big_module()
    sig = extract(source, "python")
    members = render_form(sig, source, FORMS.index("member signatures"))
    assert re.search(r"^ +\d+│ class C0\(Base\):$", members, re.MULTILINE)
    assert re.search(r"^ +·   x:\d+ m0:\d+\{inner:\d+\} m1:\d+", members, re.MULTILINE)
    nested = render_form(sig, source, len(FORMS) - 1)
    assert "│" not in nested and re.search(r"C0:\d+\{x:\d+ m0:\d+\{inner:\d+\}", nested)
    assert all(len(line) <= 120 for line in nested.split("\n"))
