"""Which language a file is in, by its extension, and the languages the parser knows."""

from __future__ import annotations

import os

# language name (as tree-sitter-language-pack spells it) -> file extensions.
# ".h" is C by its name: a C header parsed as C++ would be wrong more often (C code may use C++ keywords such
# as `new` or `class` as identifiers); ``refine`` moves a .h file whose content is plainly C++ to "cpp".
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "python": (".py", ".pyi"),
    "typescript": (".ts", ".mts", ".cts"),
    "tsx": (".tsx",),
    "javascript": (".js", ".jsx", ".mjs", ".cjs"),
    "go": (".go",),
    "rust": (".rs",),
    "java": (".java",),
    "c": (".c", ".h"),
    "cpp": (".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++"),
    "csharp": (".cs",),
    "ruby": (".rb", ".rake"),
    "php": (".php",),
    "kotlin": (".kt", ".kts"),
    "swift": (".swift",),
}

LANGUAGES: tuple[str, ...] = tuple(EXTENSIONS)

_BY_EXTENSION = {ext: lang for lang, exts in EXTENSIONS.items() for ext in exts}


def language_for_path(path: str) -> str | None:
    """The parser language of ``path`` by its extension (case-insensitive), or None if not supported."""
    _, ext = os.path.splitext(path)
    return _BY_EXTENSION.get(ext.lower())


_CPP_MARKERS = (
    rb"(?m)^[ \t]*(?:namespace[ \t]+\w+[ \t]*\{|template[ \t]*<|class[ \t]+\w+[^;\n]*\{|"
    rb"(?:public|private|protected)[ \t]*:)"
)


def refine(language: str, source: bytes) -> str:
    """``language`` corrected by content: C (a ``.h`` file) that opens a namespace, declares a template or a
    class with a body, or has access specifiers is C++, where a C parse would lose its classes' members."""
    if language == "c":
        import re

        if re.search(_CPP_MARKERS, source):
            return "cpp"
    return language
