"""Which Reads the pre-read hook may narrow: rules on the path and on the content of a file.

Every rule returns the reason a file is left alone (a short phrase shown by ``python -m memory signature``),
or None when the file may be summarized. The rules are deliberately cheap: plain string and byte checks, no
parser.
"""

from __future__ import annotations

import os
import re

from memory.project import relative_to

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

# Folders whose files are someone else's or machine-made: dependencies, virtual environments, build output.
EXCLUDED_DIRS = frozenset(
    {
        "node_modules", ".venv", "venv", "vendor", "dist", "build", "site-packages", "__pycache__", ".git",
        ".tox", ".nox", "generated", "__generated__", "bower_components",
    }
)
# Folders of installed or vendored libraries. With signatures.include_vendored (the default) their sources
# are outlined -- reading a dependency to learn its API is where an outline helps most -- and only the
# content rules (generated, minified, source-mapped) and MACHINE_DIRS apply below them.
VENDORED_DIRS = frozenset({"node_modules", "site-packages", "vendor", "bower_components"})
MACHINE_DIRS = frozenset({"__pycache__", ".git", "generated", "__generated__"})
# File names of generated or minified code (protobuf, gRPC, designer files, bundles); compared lower-cased.
GENERATED_SUFFIXES = (
    ".min.js", ".min.mjs", ".min.cjs", "-min.js", ".bundle.js", "_pb2.py", "_pb2.pyi", "_pb2_grpc.py", ".pb.go",
    ".pb.cc", ".pb.h", ".g.cs", ".designer.cs",
)
GENERATED_INFIXES = (".generated.", "_generated.")
# A "generated" marker in the head of the file (Go's "Code generated ... DO NOT EDIT.", "@generated", …).
GENERATED_MARKER = (
    rb"(@generated\b|\bdo not edit\b|\bauto-?generated\b|\bcode generated\b"
    rb"|\b(this|the) file (is|was|has been) (automatically |auto-?)?generated\b)"
)
GENERATED_HEAD_BYTES = 1024
MINIFIED_AVERAGE_LINE = 200  # characters; hand-written code averages 30-45
MINIFIED_LONGEST_LINE = 5000  # characters: a bundle's lines; a hand-written file's longest is rarely 300
SOURCE_MAP_TAIL_BYTES = 512  # a compiled or bundled file ends with its `# sourceMappingURL=` comment
TEST_DIRS = frozenset({"test", "tests", "__tests__", "spec", "specs", "testing"})
TEST_NAME = (
    r"(^test_.*\.py$|_test\.(py|go|rb|c|cc|cpp)$|\.(test|spec)\.[a-z]+$|(Test|Tests|Spec)\.(java|kt|cs|swift)$"
    r"|_spec\.rb$)"
)
# An outline is worth a narrowed Read only when it points somewhere: at least this many definitions, and in a
# short file at least one per LINES_PER_DEFINITION lines (a 104-line page that is one component is read whole).
MIN_DEFINITIONS = 3
SHORT_FILE_LINES = 300
LINES_PER_DEFINITION = 50
# Regular expressions are compiled only when a rule needs them: compiling costs milliseconds on the hook path.


def path_reason(
    path: str, project_root: str, exclude_globs: Iterable[str], include_tests: bool, include_vendored: bool = True
) -> str | None:
    """Why ``path`` (absolute) is not summarized by its name alone, or None."""
    relative = relative_to(path, project_root)
    parts = (relative if relative is not None else path).replace(os.sep, "/").split("/")
    folders, name = parts[:-1], parts[-1]
    vendored = include_vendored and any(folder in VENDORED_DIRS for folder in folders)
    for folder in folders:
        if folder in (MACHINE_DIRS if vendored else EXCLUDED_DIRS):
            return f"excluded folder {folder}/"
    lowered = name.lower()
    if lowered.endswith(GENERATED_SUFFIXES) or any(infix in lowered for infix in GENERATED_INFIXES):
        return "generated or minified file name"
    if not include_tests and (re.search(TEST_NAME, name) or any(folder in TEST_DIRS for folder in folders)):
        return "test file (signatures.include_tests is off)"
    globs = list(exclude_globs)
    if globs:
        from fnmatch import fnmatch

        candidate = "/".join(parts)
        for pattern in globs:
            if fnmatch(candidate, pattern) or fnmatch(name, pattern):
                return f"matches signatures.exclude {pattern!r}"
    return None


def symlink_reason(path: str, real_path: str, project_root: str) -> str | None:
    """Why a path that goes through a symlink is left alone: it leads out of the project."""
    if real_path == path:
        return None
    if relative_to(real_path, os.path.realpath(project_root)) is None:
        return "symlink leading out of the project"
    return None


def content_reason(source: bytes, total_lines: int) -> str | None:
    """Why this content is not summarized: binary, not UTF-8, generated, or minified."""
    if b"\0" in source[:8192]:
        return "binary file"
    try:
        source.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    if re.search(GENERATED_MARKER, source[:GENERATED_HEAD_BYTES], re.IGNORECASE):
        return "generated file (marker in its first lines)"
    if len(source) / max(total_lines, 1) > MINIFIED_AVERAGE_LINE:
        return f"minified (average line over {MINIFIED_AVERAGE_LINE} characters)"
    if b"sourceMappingURL=" in source[-SOURCE_MAP_TAIL_BYTES:]:
        return "compiled or bundled (it names a source map)"
    if max(map(len, source.split(b"\n"))) > MINIFIED_LONGEST_LINE:
        return f"minified (a line over {MINIFIED_LONGEST_LINE} characters)"
    return None


def thin_reason(total_lines: int, definitions: int) -> str | None:
    """Why an outline of ``definitions`` shown definitions carries too little to narrow the Read, or None."""
    if definitions < MIN_DEFINITIONS:
        return f"the outline would show only {definitions} definition{'s' if definitions != 1 else ''}"
    if total_lines <= SHORT_FILE_LINES and definitions * LINES_PER_DEFINITION < total_lines:
        return f"the outline would show only {definitions} definitions for {total_lines} lines"
    return None


def count_lines(source: bytes) -> int:
    """Lines as an editor counts them: a last line without a newline still counts."""
    if not source:
        return 0
    return source.count(b"\n") + (0 if source.endswith(b"\n") else 1)
