"""The small bottom-layer modules in-process: the text shortener, the content hash, the store's clock, the time
budget, and the parser's language table and model."""

from __future__ import annotations

import re
import sqlite3
import time

import pytest

from memory import hashing
from memory.deadline import OutOfTime, time_budget
from memory.store.clock import SQL_NOW, now_iso
from memory.text import ELLIPSIS, shorten
from parser import extract
from parser.languages import language_for_path, refine
from parser.model import Definition, Signatures


def test_shorten_marks_every_cut_with_one_ellipsis() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("abcdefghij", 5) == "abcd" + ELLIPSIS
    assert shorten("one two three four five", 15, at_word=True) == "one two three" + ELLIPSIS
    assert shorten("Traceback\n...\nValueError: bad", 16, keep_end=True) == ELLIPSIS + "ValueError: bad"
    assert shorten("a\n  b\tc", 10, one_line=True) == "a b c"
    assert len(shorten("x" * 100, 10)) == 10


def test_the_content_hash_is_stable_and_short() -> None:
    assert hashing.content_hash(b"abc") == hashing.content_hash(b"abc") != hashing.content_hash(b"abd")
    assert re.fullmatch(r"[0-9a-f]{32}", hashing.content_hash(b""))


def test_python_and_sql_clocks_write_the_same_format() -> None:
    fmt = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    sql = sqlite3.connect(":memory:").execute(f"SELECT {SQL_NOW}").fetchone()[0]
    assert re.fullmatch(fmt, now_iso()) and re.fullmatch(fmt, sql)
    assert abs(time.mktime(time.strptime(sql[:19], "%Y-%m-%dT%H:%M:%S"))
               - time.mktime(time.strptime(now_iso()[:19], "%Y-%m-%dT%H:%M:%S"))) < 5


def test_the_time_budget_interrupts_a_block_that_runs_over() -> None:
    with pytest.raises(OutOfTime):
        with time_budget(0.05):
            time.sleep(2)
    with time_budget(1):
        pass  # a block within its budget is left alone, and the timer is off afterwards
    time.sleep(0.02)


def test_languages_by_extension_and_c_headers_by_content() -> None:
    assert language_for_path("/x/Main.JAVA") == "java" and language_for_path("a.tsx") == "tsx"
    assert language_for_path("notes.md") is None
    assert refine("c", b"namespace app {\nint f();\n}\n") == "cpp"
    assert refine("c", b"int new = 1;\n") == "c"


def test_a_definition_shows_its_decorators_signature_and_doc_line() -> None:
    source = b'@cache\ndef total(\n    a: int,\n) -> int:\n    """Sum."""\n    return a\n'
    found = extract(source, "python")
    assert isinstance(found, Signatures) and found.total_lines == 6 and not found.partial
    (definition,) = found.definitions
    assert isinstance(definition, Definition)
    assert (definition.kind, definition.name, definition.line) == ("function", "total", 2)
    assert definition.lines == frozenset({1, 2, 3, 4, 5})  # decorator, the whole signature, the docstring
