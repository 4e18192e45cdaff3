"""Independent oracles for "which definitions does this file have, on which line".

The parser must show every definition an oracle finds, with the oracle's line among the lines it shows for
a definition of that name:

- Python: the standard library's ``ast`` (ClassDef, FunctionDef, AsyncFunctionDef at any depth; ``lineno``
  is the ``def``/``class`` line, decorators excluded).
- Other languages but Swift: Universal Ctags (Debian's ``universal-ctags``), with the kinds in
  ``CTAGS_KINDS``. Kinds left out: locals, parameters, labels, prototypes and external variables (disabled
  in ctags by default), variables and properties (ctags reports them inside object literals and for every
  variable, which an outline does not show), aliases/references (not definitions).
- Swift: ctags 5.9 has no Swift parser, so a line-based scan of declaration keywords outside comments and
  string literals (``SWIFT_DECLARATION``) stands in for it.

An expected definition counts as found when the parser shows its line as part of a definition's signature
and either that definition has the same name (last component of a qualified name) or the line's text holds
the expected name as a word (ctags names an ``impl<T> Trait for T`` "T" and a conversion operator
"operator bool"; the line is what Claude needs to see).

Known ctags 5.9 false positives are filtered, each by a rule rather than a list of cases:
- anonymous tags (``AnonymousFunction…``, ``__anon…``, ``<lambda>``): not named definitions, and names
  with control characters (5.9 garbles some backtick-quoted Kotlin names);
- Kotlin "method" tags on lines without ``fun`` (5.9 also tags lambda parameters as methods);
- JavaScript "class" tags on lines without ``class`` (5.9 tags object literals with members as classes);
- Ruby tags on lines inside string literals (``class_eval "def …"`` and heredocs);
- C# fields and properties are not checked (5.9 tags parameters of expression-bodied members as fields and
  generic constraints such as ``where T : unmanaged`` as properties); Ruby constants are not checked (5.9
  reads ``X =~ /re/`` as an assignment).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# parser language -> (ctags language, ctags kind letters that must all be found)
CTAGS_KINDS: dict[str, tuple[str, str]] = {
    "typescript": ("TypeScript", "cfgimnG"),  # class function enum interface method namespace generator
    "tsx": ("TypeScript", "cfgimnG"),
    "javascript": ("JavaScript", "cfmgGS"),  # class function method generator getter setter
    "go": ("Go", "fsitnam"),  # func struct interface type methodSpec talias member
    "rust": ("Rust", "McefgimnsPt"),  # macro impl enumerator function enum trait field module struct method typedef
    "java": ("Java", "acefgim"),  # annotation class enumConstant field enum interface method
    "c": ("C", "defgmstu"),  # macro enumerator function enum member struct typedef union
    "cpp": ("C++", "cdefgmnstu"),  # + class namespace
    "csharp": ("C#", "cEegimns"),  # class event enumerator enum interface method namespace struct
    "ruby": ("Ruby", "cfmS"),  # class method module singletonMethod
    "php": ("PHP", "cfint"),  # class function interface namespace trait
    "kotlin": ("Kotlin", "ciomT"),  # class interface object method typealias
}

SWIFT_DECLARATION = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|open|final|static|class|override|"
    r"convenience|required|mutating|nonmutating|lazy|weak|unowned|dynamic|indirect|nonisolated|"
    r"private\(set\)|public\(set\)|internal\(set\)|fileprivate\(set\))\s+)*"
    r"(?P<keyword>class|struct|enum|protocol|extension|actor|func|typealias)\s+(?P<name>[A-Za-z_][\w.]*)"
)


@dataclass(frozen=True)
class Expected:
    """A definition an oracle found: its name, 1-based line and the oracle's kind."""

    name: str
    line: int
    kind: str


def ast_definitions(source: bytes) -> list[Expected] | None:
    """Every class and (async) function ``ast`` finds in Python ``source``; None if ``ast`` cannot parse it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    kinds = {ast.ClassDef: "class", ast.FunctionDef: "function", ast.AsyncFunctionDef: "function"}
    return [
        Expected(node.name, node.lineno, kinds[type(node)])
        for node in ast.walk(tree)
        if type(node) in kinds
    ]


def ctags_available() -> bool:
    """Whether Universal Ctags is on PATH."""
    ctags = shutil.which("ctags")
    if ctags is None:
        return False
    version = subprocess.run([ctags, "--version"], capture_output=True, text=True).stdout
    return "Universal Ctags" in version


def ctags_definitions(language: str, paths: Iterable[Path]) -> dict[Path, list[Expected]]:
    """What Universal Ctags finds in ``paths`` (all in ``language``), per file, for the kinds we check."""
    ctags_language, kinds = CTAGS_KINDS[language]
    paths = [Path(p) for p in paths]
    command = [
        "ctags", "--output-format=json", "--fields=+nKz", "-o", "-", "--extras=-{fileScope}",
        f"--language-force={ctags_language}", f"--kinds-{ctags_language}={kinds}",
    ]
    found: dict[Path, list[Expected]] = {p: [] for p in paths}
    by_name = {str(p): p for p in paths}
    for start in range(0, len(paths), 200):
        batch = [str(p) for p in paths[start : start + 200]]
        out = subprocess.run(command + batch, capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            tag = json.loads(line)
            if tag.get("_type") == "tag" and tag["path"] in by_name:
                found[by_name[tag["path"]]].append(Expected(tag["name"], tag["line"], tag["kind"]))
    return found


ANONYMOUS = re.compile(r"^(?:AnonymousFunction|__anon)|^<lambda>$|[^\x20-\x7e]")  # or garbled by ctags
# (language, ctags kind) -> a regex the tagged line must match for the tag to count (see module docstring)
LINE_MUST_MATCH: dict[tuple[str, str], re.Pattern[str]] = {
    ("kotlin", "method"): re.compile(r"\bfun\b"),
    ("javascript", "class"): re.compile(r"\bclass\b"),
}


def credible(language: str, expected: list[Expected], source: bytes) -> list[Expected]:
    """``expected`` without the oracle's known false positives (see the module docstring)."""
    lines = source.decode("utf-8", "replace").split("\n")
    in_strings = _ruby_string_lines(source) if language == "ruby" else set()
    kept = []
    for item in expected:
        if ANONYMOUS.search(item.name) or item.line in in_strings:
            continue
        pattern = LINE_MUST_MATCH.get((language, item.kind))
        if pattern is not None and not pattern.search(lines[item.line - 1] if item.line <= len(lines) else ""):
            continue
        kept.append(item)
    return kept


def _ruby_string_lines(source: bytes) -> set[int]:
    """1-based lines that lie inside a Ruby string literal or heredoc body (past its opening line)."""
    from tree_sitter_language_pack import get_parser

    root = get_parser("ruby").parse(source).root_node
    lines: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in ("string", "heredoc_body"):
            first = node.start_point.row + (1 if node.type == "string" else 0)
            lines.update(range(first + 1, node.end_point.row + 2))
        else:
            stack.extend(node.children)
    return lines


def swift_definitions(source: bytes) -> list[Expected]:
    """Swift declarations (class/struct/enum/protocol/extension/actor/func/typealias) found line by line,
    outside comments and string literals."""
    found = []
    for number, line in enumerate(_code_lines(source.decode("utf-8", "replace")), start=1):
        match = SWIFT_DECLARATION.match(line)
        if match:
            found.append(Expected(match["name"], number, match["keyword"]))
    return found


def _code_lines(text: str) -> list[str]:
    """The lines of Swift ``text`` with comments and multi-line string literals blanked out."""
    text = re.sub(r'"""[\s\S]*?"""', lambda m: "\n" * m.group().count("\n"), text)
    text = re.sub(r"/\*[\s\S]*?\*/", lambda m: "\n" * m.group().count("\n"), text)
    return [re.sub(r"//.*", "", line) for line in text.split("\n")]


def normalized(name: str) -> str:
    """A name as both sides can agree on: last component of a qualified name, no generics, no "operator"."""
    name = name.strip().split("(")[0]
    while re.search(r"<[^<>]*>", name):
        name = re.sub(r"<[^<>]*>", "", name)
    for separator in ("::", "."):
        name = name.rsplit(separator, 1)[-1]
    return name.removeprefix("operator").strip("`'\"$ ")


def missing(expected: Iterable[Expected], definitions, source: bytes) -> list[Expected]:
    """The expected definitions whose line no parser definition shows as part of its signature under the
    same name, or as a signature line that holds the expected name as a word."""
    lines = source.decode("utf-8", "replace").split("\n")
    by_line: dict[int, set[str]] = {}
    for definition in definitions:
        for line in {definition.line, *definition.signature_lines}:
            by_line.setdefault(line, set()).add(normalized(definition.name))
    lost = []
    for item in expected:
        names = by_line.get(item.line)
        if names is None:
            lost.append(item)
            continue
        name = normalized(item.name)
        text = lines[item.line - 1] if item.line <= len(lines) else ""
        if name not in names and not re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", text, re.IGNORECASE):
            lost.append(item)
    return lost
