"""Pure parser: a source file's bytes + its language -> the outline of its definitions (tree-sitter).

No I/O, no SQLite. The API others code against::

    from parser import language_for_path, extract, render, render_within, PARSER_VERSION

    language = language_for_path("src/app.ts")     # "typescript", or None: pass the read through
    sig = extract(source_bytes, language)          # Signatures; never raises for bad input
    text = render(sig, source_bytes)               # numbered real lines, "⋮" between non-adjacent ones
    text, dropped = render_within(sig, source_bytes, max_chars=8000)   # richest form that fits

- ``language_for_path(path) -> str | None``: by extension; see ``parser.languages.EXTENSIONS`` (``.h`` is C).
- ``extract(source: bytes, language: str) -> Signatures``: ``Signatures(language, total_lines, partial,
  definitions, lost)``; a file with syntax errors gives what the error-tolerant parse recovered,
  ``partial=True``; ``lost`` the line ranges, outside function bodies, it could not read at all.
  Raises ``ValueError`` for an unsupported language name, ``ParserUnavailable`` if tree-sitter is missing.
- ``Definition(kind, name, line, end_line, depth, parent, signature_lines, decorator_lines, doc_line)``:
  ``line`` is the ``def``/``class`` line itself (never a decorator line); ``lines`` is everything shown.
  Kinds: class, interface, struct, union, enum, trait, impl, module, object, extension, function, method,
  constructor, type, macro, constant, field, import, export, package.
- ``render(sig, source) -> str``: each shown line as ``f"{n:>{width}}│ {text}"``, the real source line.
- ``render_within(sig, source, max_chars, detail_chars=None) -> (text, dropped)``: the richest of the forms in
  ``parser.render.FORMS`` that fits (signatures and detail first, then members as ``name:line``, then every
  definition as ``name:line``) and the details it left out. Every form shows every definition's name and
  line: the form degrades, never the set. ``compact_entries(text)`` reads the ``name:line`` pairs back.
- ``PARSER_VERSION``: changes whenever the output for the same input changes (signature caches key on it).

What is shown for each definition: its decorators/attributes/annotations (first line of each), every line of
its signature from the definition line up to where the body starts, and the first line with words of its doc
comment or docstring. Imports and exports are shown whole; constants, fields, type aliases by their first
line. Functions nested in functions are included (at any depth); imports, constants and fields inside
function bodies are not.

Syntax errors: tree-sitter's error-tolerant parse is used as is; definitions inside an ERROR region are
re-extracted by parsing the region's pieces alone (see ``parser.extract._with_recovered``), and for
C/C++/C#/Swift a file is re-parsed with its ``#if``/``#endif`` lines blanked when that has fewer errors.

tree-sitter is imported on the first ``extract`` call, so ``import parser`` stays cheap; each language's
query is compiled once per process.
"""

from __future__ import annotations

PARSER_VERSION = "3"

# Loaded on first use (PEP 562): the pre-read hook needs only ``language_for_path`` and ``PARSER_VERSION`` on a
# cache hit, and importing extract/model/render (dataclasses, pathlib, typing) costs ~60 ms there.
_LAZY = {
    "ParserUnavailable": "extract",
    "extract": "extract",
    "EXTENSIONS": "languages",
    "LANGUAGES": "languages",
    "language_for_path": "languages",
    "Definition": "model",
    "Signatures": "model",
    "DROP_ORDER": "render",
    "FORMS": "render",
    "compact_entries": "render",
    "render": "render",
    "render_form": "render",
    "render_within": "render",
}

__all__ = sorted([*_LAZY, "PARSER_VERSION"])


def __getattr__(name: str):
    """Import the submodule that defines ``name`` on first access, and bind every name it provides.

    Binding them all matters: importing ``parser.extract`` (or ``parser.render``) sets the package attribute of
    that name to the submodule, which must be replaced by the function of the same name.
    """
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'parser' has no attribute {name!r}")
    import importlib

    loaded = importlib.import_module(f".{module}", __name__)
    for public, home in _LAZY.items():
        if home == module:
            globals()[public] = getattr(loaded, public)
    return globals()[name]
