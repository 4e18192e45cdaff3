"""Hand-made samples, one per language: every construct with its exact line and the exact rendered text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from parser import LANGUAGES, extract, language_for_path, render

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix != ".expected")

# (kind, name, line) of every definition but imports/exports/package lines, in source order.
DEFINITIONS = {
    "Sample.cs": [
        ("module", "Shapes", 4), ("interface", "IShape", 9), ("method", "Area", 11), ("class", "Circle", 15),
        ("field", "Pi", 17), ("field", "radius", 18), ("field", "Radius", 20), ("constructor", "Circle", 22),
        ("method", "Area", 27), ("struct", "Point", 33), ("field", "X", 33), ("enum", "Color", 35),
        ("field", "Red", 35), ("field", "Green", 35),
    ],
    "Sample.java": [
        ("class", "Registry", 10), ("field", "MAX", 11), ("field", "items", 12), ("constructor", "Registry", 14),
        ("method", "iterator", 19), ("method", "collect", 23), ("interface", "Visitor", 29), ("method", "visit", 30),
        ("enum", "Kind", 33), ("field", "ROUND", 34), ("field", "SQUARE", 35),
    ],
    "sample.c": [
        ("constant", "MAX", 4), ("macro", "SQUARE", 5), ("struct", "point", 8), ("field", "x", 9), ("field", "y", 10),
        ("type", "circle", 13), ("field", "radius", 14), ("enum", "color", 17), ("field", "RED", 17),
        ("field", "GREEN", 17), ("constant", "count", 19), ("function", "area", 21), ("function", "distance", 25),
        ("function", "name_of", 31),
    ],
    "sample.cpp": [
        ("module", "shapes", 4), ("class", "Shape", 7), ("method", "~Shape", 9), ("method", "area", 10),
        ("field", "name", 11), ("struct", "Box", 15), ("field", "value", 16), ("type", "Names", 19),
        ("function", "Shape::area", 21), ("function", "operator<<", 25),
    ],
    "sample.go": [
        ("constant", "Pi", 9), ("constant", "count", 12), ("interface", "Shape", 16), ("method", "Area", 17),
        ("struct", "Circle", 21), ("field", "Radius", 22), ("field", "name", 23), ("type", "ID", 26),
        ("method", "Area", 29), ("function", "New", 33),
    ],
    "sample.js": [
        ("constant", "path", 1), ("constant", "LIMIT", 4), ("class", "Router", 6), ("field", "routes", 7),
        ("method", "size", 9), ("method", "handle", 13), ("function", "ids", 18), ("function", "exports.render", 22),
    ],
    "sample.kt": [
        ("interface", "Shape", 7), ("method", "area", 8), ("class", "Circle", 12), ("method", "area", 13),
        ("object", "Companion", 15), ("field", "UNIT", 16), ("method", "unit", 17), ("enum", "Color", 21), ("field", "RED", 21),
        ("field", "GREEN", 21), ("object", "Registry", 23), ("field", "shapes", 24), ("type", "Shapes", 27),
        ("function", "distance", 29),
    ],
    "sample.php": [
        ("module", "App\\Shapes", 3), ("constant", "MAX", 8), ("interface", "HasArea", 10), ("method", "area", 12),
        ("trait", "Named", 15), ("method", "name", 17), ("class", "Circle", 26), ("constant", "PI", 30),
        ("field", "radius", 31), ("method", "__construct", 33), ("method", "area", 38), ("function", "helper", 44),
    ],
    "sample.py": [
        ("constant", "MAX_SIZE", 10), ("constant", "_cache", 11), ("class", "Point", 15), ("field", "x", 21),
        ("field", "y", 22), ("method", "distance", 24), ("method", "norm", 32), ("function", "helper", 33),
        ("function", "top_level", 38),
    ],
    "sample.rb": [
        ("module", "Shapes", 5), ("constant", "MAX", 6), ("class", "Circle", 9), ("method", "initialize", 10),
        ("method", "area", 14), ("method", "unit", 18), ("function", "helper", 24),
    ],
    "sample.rs": [
        ("constant", "MAX", 5), ("constant", "COUNT", 6), ("struct", "Point", 10), ("field", "x", 11),
        ("field", "y", 12), ("enum", "Shape", 15), ("field", "Circle", 16), ("field", "Square", 17),
        ("field", "side", 17), ("trait", "Area", 20), ("method", "area", 21), ("impl", "Area Point", 24),
        ("method", "area", 25), ("impl", "Point", 30), ("method", "new", 32), ("type", "Map", 40),
        ("macro", "square", 42), ("module", "tests", 46), ("function", "helper", 47),
    ],
    "sample.swift": [
        ("interface", "Shape", 4), ("method", "area", 5), ("field", "var name", 6), ("class", "Circle", 10),
        ("field", "radius", 11), ("field", "name", 12), ("constructor", "", 14), ("method", "area", 18),
        ("struct", "Point", 23), ("field", "x", 24), ("enum", "Color", 27), ("field", "red", 28),
        ("extension", "Point", 31), ("method", "moved", 32), ("type", "Points", 39),
    ],
    "sample.ts": [
        ("constant", "MAX", 5), ("interface", "Shape", 7), ("method", "area", 8), ("field", "name", 9),
        ("type", "Id", 12), ("enum", "Color", 14), ("field", "Red", 15), ("field", "Green", 16),
        ("module", "Geometry", 19), ("function", "origin", 20), ("class", "Circle", 29), ("field", "radius", 30),
        ("field", "name", 31), ("method", "constructor", 33), ("method", "area", 38), ("function", "load", 43),
        ("function", "handler", 50),
    ],
    "sample.tsx": [
        ("type", "Props", 3), ("field", "title", 3), ("function", "Header", 5), ("function", "Footer", 9),
        ("class", "Page", 13), ("method", "render", 14),
    ],
}


def _extract(path: Path):
    source = path.read_bytes()
    return extract(source, language_for_path(path.name)), source


def test_every_language_has_a_sample():
    assert sorted({language_for_path(p.name) for p in SAMPLE_FILES}) == sorted(LANGUAGES)
    assert sorted(p.name for p in SAMPLE_FILES) == sorted(DEFINITIONS)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_definitions_and_their_lines(path):
    sig, _ = _extract(path)
    found = [(d.kind, d.name, d.line) for d in sig.definitions if d.kind not in ("import", "export", "package")]
    assert found == DEFINITIONS[path.name]
    assert sig.partial is False


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_rendered_text_is_exact(path):
    sig, source = _extract(path)
    assert render(sig, source) + "\n" == Path(f"{path}.expected").read_text(encoding="utf-8")


def test_python_details():
    sig, _ = _extract(SAMPLES / "sample.py")
    by_name = {d.name: d for d in sig.definitions}
    point, distance, norm = by_name["Point"], by_name["distance"], by_name["norm"]
    assert (point.decorator_lines, point.line, point.doc_line, point.end_line) == ((14,), 15, 16, 35)
    assert distance.signature_lines == (24, 25, 26, 27) and distance.doc_line == 28
    assert (norm.decorator_lines, norm.line, norm.depth, norm.parent) == ((31,), 32, 1, "Point")
    assert (by_name["helper"].depth, by_name["helper"].parent) == (2, "norm")
    assert by_name["top_level"].doc_line is None  # a comment inside the body is not a docstring
    imports = [d for d in sig.definitions if d.kind == "import"]
    assert [d.signature_lines for d in imports] == [(2,), (4,), (5, 6, 7, 8)]


def test_doc_comments_decorators_and_attributes():
    ts, _ = _extract(SAMPLES / "sample.ts")
    circle = next(d for d in ts.definitions if d.name == "Circle")
    assert (circle.doc_line, circle.decorator_lines, circle.line) == (26, (28,), 29)
    area = next(d for d in ts.definitions if d.name == "area" and d.kind == "method" and d.parent == "Circle")
    assert (area.decorator_lines, area.line) == ((37,), 38)
    rust, _ = _extract(SAMPLES / "sample.rs")
    point = next(d for d in rust.definitions if d.name == "Point" and d.kind == "struct")
    assert (point.doc_line, point.decorator_lines, point.line) == (8, (9,), 10)
    java, _ = _extract(SAMPLES / "Sample.java")
    registry = next(d for d in java.definitions if d.name == "Registry" and d.kind == "class")
    assert (registry.name, registry.doc_line, registry.decorator_lines, registry.line) == ("Registry", 7, (9,), 10)
    csharp, _ = _extract(SAMPLES / "Sample.cs")
    shape = next(d for d in csharp.definitions if d.name == "IShape")
    assert shape.doc_line == 7  # "/// A shape.", past the "<summary>" line
    cpp, _ = _extract(SAMPLES / "sample.cpp")
    box = next(d for d in cpp.definitions if d.name == "Box")
    assert (box.decorator_lines, box.line) == ((14,), 15)  # the template line


def test_c_typedef_shows_the_line_with_its_name():
    sig, _ = _extract(SAMPLES / "sample.c")
    circle = next(d for d in sig.definitions if d.name == "circle")
    assert circle.signature_lines == (13, 15)


def test_syntax_error_gives_partial_with_definitions_before_it():
    source = b"import os\n\nclass A:\n    def ok(self):\n        pass\n\ndef broken(:\n    return (\n\ndef after():\n    pass\n"
    sig = extract(source, "python")
    assert sig.partial is True
    found = {(d.name, d.line) for d in sig.definitions}
    assert {("A", 3), ("ok", 4)} <= found
    assert ("after", 10) in found  # recovered by re-parsing the broken region's pieces


def test_bad_input_never_raises():
    for language in LANGUAGES:
        for source in (b"", b"\x00\xff\xfe garbage \x80", b"{{{{((((", "déjà vu".encode(), b"\n" * 5):
            sig = extract(source, language)
            assert sig.language == language
    assert extract("def f():\n    pass\n", "python").definitions[0].name == "f"  # str is accepted too
    assert extract(b"", "python").total_lines == 0
    assert extract(b"a\nb", "python").total_lines == 2
    with pytest.raises(ValueError):
        extract(b"x", "cobol")


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("a.py", "python"), ("a.pyi", "python"), ("a.ts", "typescript"), ("a.d.ts", "typescript"),
        ("a.tsx", "tsx"), ("a.js", "javascript"), ("a.jsx", "javascript"), ("a.mjs", "javascript"),
        ("a.cjs", "javascript"), ("a.go", "go"), ("a.rs", "rust"), ("A.java", "java"), ("a.c", "c"), ("a.h", "c"),
        ("a.cc", "cpp"), ("a.cpp", "cpp"), ("a.cxx", "cpp"), ("a.hpp", "cpp"), ("a.hh", "cpp"), ("A.cs", "csharp"),
        ("a.rb", "ruby"), ("a.php", "php"), ("a.kt", "kotlin"), ("a.kts", "kotlin"), ("a.swift", "swift"),
        ("/x/Y.PY", "python"), ("README.md", None), ("Makefile", None), ("a.txt", None), ("a", None),
    ],
)
def test_language_for_path(path, language):
    assert language_for_path(path) == language


def test_import_parser_does_not_load_tree_sitter():
    code = "import sys, parser; print(parser.extract.__module__, 'tree_sitter' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout.split()
    assert out == ["parser.extract", "False"]
