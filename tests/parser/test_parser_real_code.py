"""Correctness on real code no one here wrote (benchmarks/corpus.py): every definition an independent oracle
finds (Python's ast; Universal Ctags; a Swift declaration scan) is shown on its own line number.

The corpus is fetched from PyPI/npm/Debian on the first run and cached under .tools/corpus/; these tests skip
only when a registry or ctags is unavailable.
"""

from __future__ import annotations

import pytest

from benchmarks import oracles
from parser import extract, render

pytestmark = pytest.mark.slow

# Fewest definitions each language's corpus must give the oracle, so a broken fetch cannot pass silently.
MINIMUM_EXPECTED = {
    "python": 3000, "typescript": 200, "tsx": 100, "javascript": 200, "go": 500, "rust": 500, "java": 300,
    "c": 100, "cpp": 300, "csharp": 300, "ruby": 200, "php": 300, "kotlin": 300, "swift": 300,
}


def _check(language, expected_by_file):
    total, lost = 0, []
    for path, expected in expected_by_file.items():
        source = path.read_bytes()
        expected = oracles.credible(language, expected, source)
        sig = extract(source, language)
        total += len(expected)
        lost += [(path.name, item) for item in oracles.missing(expected, sig.definitions, source)]
    assert total >= MINIMUM_EXPECTED[language]
    assert lost == [], f"{len(lost)} of {total} definitions not shown on their line, e.g. {lost[:5]}"


def test_python_every_ast_definition_is_shown_on_its_line(corpus):
    expected = {p: oracles.ast_definitions(p.read_bytes()) for p in corpus["python"]}
    _check("python", {p: e for p, e in expected.items() if e is not None})


@pytest.mark.parametrize("language", sorted(oracles.CTAGS_KINDS))
def test_every_ctags_definition_is_shown_on_its_line(corpus, language):
    if not oracles.ctags_available():
        pytest.skip("Universal Ctags is not installed (apt-get install -y universal-ctags)")
    _check(language, oracles.ctags_definitions(language, corpus[language]))


def test_swift_every_declaration_is_shown_on_its_line(corpus):
    _check("swift", {p: oracles.swift_definitions(p.read_bytes()) for p in corpus["swift"]})


def test_whole_corpus_extracts_and_renders(corpus):
    for language, paths in corpus.items():
        for path in paths:
            source = path.read_bytes()
            sig = extract(source, language)
            text = render(sig, source)
            lines = source.split(b"\n")
            for definition in sig.definitions:
                assert 1 <= definition.line <= definition.end_line <= sig.total_lines, (path, definition)
                assert min(definition.lines) >= 1 and max(definition.lines) <= len(lines), (path, definition)
            assert text.count("\n") + 1 >= len({n for d in sig.definitions for n in d.lines}) or not text
