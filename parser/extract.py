"""Source bytes + language -> Signatures, with tree-sitter and our own tag queries (queries/<language>.scm).

A query marks definitions the way tree-sitter's tags.scm files do: the definition node is captured as
``@definition.<kind>`` and its name as ``@name``; ``@import`` and ``@export`` mark import/export statements.
Everything else (which lines show a definition, its decorators and doc comment, nesting) is derived here from
the syntax tree, the same way for every language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .languages import EXTENSIONS
from .model import CONTAINER_KINDS, FUNCTION_KINDS, IMPORT_KINDS, Definition, Signatures

if TYPE_CHECKING:  # tree_sitter is imported lazily: `import parser` must stay cheap
    from tree_sitter import Node, Parser, Query

QUERY_DIR = Path(__file__).parent / "queries"
QUERY_FILES = {"tsx": "typescript"}  # languages that share another language's query file

# Nodes shown as decorator lines: Python/TS decorators, Rust attributes, Java/Kotlin annotations, C#/PHP
# attribute lists, Swift attributes, and the `template <...>` line of a C++ template.
DECORATOR_TYPES = frozenset(
    {
        "decorator",
        "attribute_item",
        "attribute_list",
        "annotation",
        "marker_annotation",
        "attribute",
        "template_parameter_list",
    }
)
COMMENT_TYPES = frozenset({"comment", "line_comment", "block_comment", "multiline_comment"})
MODIFIER_TYPES = frozenset({"modifiers"})
# Statements that wrap a definition without being one: the doc comment sits before the wrapper.
WRAPPER_TYPES = frozenset(
    {
        "decorated_definition",
        "export_statement",
        "template_declaration",
        "lexical_declaration",
        "variable_declaration",
        "ambient_declaration",
        "type_declaration",
        "const_declaration",
        "var_declaration",
        "expression_statement",
    }
)
BODY_TYPES = frozenset(
    {
        "block",
        "class_body",
        "interface_body",
        "enum_body",
        "enum_class_body",
        "protocol_body",
        "statement_block",
        "declaration_list",
        "field_declaration_list",
        "enumerator_list",
        "enum_variant_list",
        "compound_statement",
        "function_body",
        "body_statement",
        "object_type",
    }
)
# Kinds shown by their first line only (a multi-line value is not a signature).
ONE_LINE_KINDS = frozenset({"constant", "field", "type", "macro"})
MAX_BODYLESS_SIGNATURE = 40  # lines of a body-less declaration (prototype, abstract method) to show
_WORD = re.compile(r"[A-Za-z0-9]")
_COMMENT_NOISE = re.compile(r"<[^>]*>|^\s*(?:[rRbBuUfF]{0,2}(?:\"\"\"|'''|\"|')|/\*+|\*+|//+!?|#+)")


class ParserUnavailable(RuntimeError):
    """tree-sitter or tree-sitter-language-pack is not installed."""


class _Candidate(NamedTuple):
    node: Node
    kind: str
    name: str
    pattern: int


def extract(source: bytes, language: str) -> Signatures:
    """The definitions in ``source`` (a file's bytes) written in ``language`` (see ``LANGUAGES``).

    Never raises for bad input: a file with syntax errors gives what the error-tolerant parse recovered,
    with ``partial=True``. Raises ``ValueError`` for a language name we do not support and
    ``ParserUnavailable`` when tree-sitter is missing.
    """
    if language not in EXTENSIONS:
        raise ValueError(f"unsupported language {language!r}")
    if isinstance(source, str):
        source = source.encode("utf-8", "surrogatepass")
    parser, query = _tools(language)
    tree = parser.parse(source)
    root = tree.root_node
    definitions = _definitions(_candidates(query, root, source), source, language)
    return Signatures(language, _count_lines(source), root.has_error, definitions)


def _count_lines(source: bytes) -> int:
    """Number of lines an editor shows for ``source``."""
    if not source:
        return 0
    return source.count(b"\n") + (0 if source.endswith(b"\n") else 1)


@lru_cache(maxsize=None)
def _tools(language: str) -> tuple[Parser, Query]:
    """The parser and compiled query of ``language``, built once per process."""
    try:
        from tree_sitter import Query
        from tree_sitter_language_pack import get_language, get_parser
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ParserUnavailable(str(error)) from error
    query_file = QUERY_FILES.get(language, language)
    query_text = (QUERY_DIR / f"{query_file}.scm").read_text(encoding="utf-8")
    return get_parser(language), Query(get_language(language), query_text)


def _candidates(query: Query, root: Node, source: bytes) -> list[_Candidate]:
    """Query matches as (node, kind, name) candidates, one per node and name, in source order."""
    from tree_sitter import QueryCursor

    found: dict[tuple[int, int, str], _Candidate] = {}
    for pattern, captures in QueryCursor(query).matches(root):
        for capture, nodes in captures.items():
            if capture == "name" or capture.startswith("_"):
                continue
            kind = capture.removeprefix("definition.")
            name_nodes = captures.get("name") or []
            name = _text(source, name_nodes[0]).split("\n")[0].strip() if name_nodes else ""
            for node in nodes:
                key = (node.start_byte, node.end_byte, name)
                if key not in found or found[key].pattern > pattern:
                    found[key] = _Candidate(node, kind, name, pattern)
    return sorted(found.values(), key=lambda c: (c.node.start_byte, -c.node.end_byte, c.pattern))


def _definitions(candidates: list[_Candidate], source: bytes, language: str) -> list[Definition]:
    """Turn candidates into Definitions: nesting, kind fixes, and the lines that show each."""
    definitions: list[Definition] = []
    scopes: list[tuple[_Candidate, str]] = []  # enclosing containers/functions with their final kind
    for index, cand in enumerate(candidates):
        while scopes and scopes[-1][0].node.end_byte <= cand.node.start_byte:
            scopes.pop()
        in_function = any(kind in FUNCTION_KINDS for _, kind in scopes)
        if _hidden(cand, index, candidates, in_function):
            continue
        parent = scopes[-1] if scopes else None
        kind = cand.kind
        if kind == "function" and parent is not None and parent[1] in CONTAINER_KINDS:
            kind = "method"
        definitions.append(_definition(cand, kind, parent[0].name if parent else None, len(scopes), source, language))
        if kind in CONTAINER_KINDS or kind in FUNCTION_KINDS:
            scopes.append((cand, kind))
    return definitions


def _hidden(cand: _Candidate, index: int, candidates: list[_Candidate], in_function: bool) -> bool:
    """Whether a candidate is not a definition worth showing.

    Imports, constants and fields inside a function body are local details; a constant whose value is a
    function or class (``const f = () => …``) is shown as that function instead.
    """
    if cand.kind in IMPORT_KINDS or cand.kind in ONE_LINE_KINDS:
        if in_function and cand.kind != "type":
            return True
    if cand.kind in ("constant", "field") and index + 1 < len(candidates):
        following = candidates[index + 1].node
        return following.start_byte >= cand.node.start_byte and following.end_byte <= cand.node.end_byte
    return False


def _definition(cand: _Candidate, kind: str, parent: str | None, depth: int, source: bytes, language: str) -> Definition:
    """One Definition with its shown lines (1-based)."""
    node = cand.node
    if kind in IMPORT_KINDS:
        rows = range(node.start_point.row, node.end_point.row + 1)
        return Definition(kind, cand.name, node.start_point.row + 1, node.end_point.row + 1, depth, parent,
                          tuple(r + 1 for r in rows))
    first = _definition_row(node)
    outer, wrapper_decorators = _outermost(node)
    decorators = sorted({r for r in _decorator_rows(node) + wrapper_decorators + _preceding_decorators(outer) if r < first})
    last = _signature_end(node, kind, first)
    top = min([outer.start_point.row, first, *decorators])
    doc = _docstring_row(node, source) if language == "python" else None
    if doc is None:
        doc = _doc_comment_row(outer, top, source)
    return Definition(
        kind=kind,
        name=cand.name,
        line=first + 1,
        end_line=node.end_point.row + 1,
        depth=depth,
        parent=parent,
        signature_lines=tuple(range(first + 1, last + 2)),
        decorator_lines=tuple(r + 1 for r in decorators),
        doc_line=None if doc is None else doc + 1,
    )


def _definition_row(node: Node) -> int:
    """Row of the definition's own first token, past leading decorators, annotations and comments."""
    for child in node.children:
        if child.type in DECORATOR_TYPES or child.type in COMMENT_TYPES:
            continue
        if child.type in MODIFIER_TYPES:
            for modifier in child.children:
                if modifier.type not in DECORATOR_TYPES and modifier.type not in COMMENT_TYPES:
                    return modifier.start_point.row
            continue
        return child.start_point.row
    return node.start_point.row


def _decorator_rows(node: Node) -> list[int]:
    """First rows of the decorators that are children of the definition node (or of its modifiers)."""
    rows = []
    for child in node.children:
        if child.type in DECORATOR_TYPES:
            rows.append(child.start_point.row)
        elif child.type in MODIFIER_TYPES:
            rows.extend(m.start_point.row for m in child.children if m.type in DECORATOR_TYPES)
    return rows


def _outermost(node: Node) -> tuple[Node, list[int]]:
    """The wrapper statement that carries the definition's doc comment, and the wrappers' decorator rows."""
    outer, rows = node, []
    parent = node.parent
    while parent is not None and parent.type in WRAPPER_TYPES:
        leading = [c for c in parent.children if c.start_byte < outer.start_byte]
        if parent.start_point.row != outer.start_point.row and not any(c.type in DECORATOR_TYPES for c in leading):
            break
        rows.extend(c.start_point.row for c in leading if c.type in DECORATOR_TYPES)
        outer, parent = parent, parent.parent
    return outer, rows


def _preceding_decorators(outer: Node) -> list[int]:
    """Rows of decorators written as siblings just before the definition (Rust attributes, TS members)."""
    rows = []
    sibling = outer.prev_named_sibling
    while sibling is not None and (sibling.type in DECORATOR_TYPES or sibling.type in COMMENT_TYPES):
        if sibling.type in DECORATOR_TYPES:
            rows.append(sibling.start_point.row)
        sibling = sibling.prev_named_sibling
    return rows


def _find_body(node: Node) -> Node | None:
    """The definition's body block, looked for as a `body` field or a known body node up to two levels down."""
    level = [node]
    for _ in range(2):
        next_level = []
        for parent in level:
            body = parent.child_by_field_name("body")
            if body is not None:
                return body
            for child in parent.named_children:
                if child.type in BODY_TYPES:
                    return child
                next_level.append(child)
        level = next_level
    return None


def _signature_end(node: Node, kind: str, first: int) -> int:
    """Last row of the signature: up to the body's start, or the whole declaration if it has no body."""
    if kind in ONE_LINE_KINDS and kind != "type":
        return first
    body = _find_body(node)
    if body is not None:
        before = body.prev_sibling
        end = before.end_point.row if before is not None else body.start_point.row
        return max(first, end)
    if kind in FUNCTION_KINDS:
        return max(first, min(node.end_point.row, first + MAX_BODYLESS_SIGNATURE - 1))
    return first


def _docstring_row(node: Node, source: bytes) -> int | None:
    """Python: the first row with words of the docstring opening the class or function body."""
    body = node.child_by_field_name("body")
    if body is None or body.named_child_count == 0:
        return None
    string = body.named_children[0]
    if string.type == "expression_statement" and string.named_child_count == 1:  # older grammars wrap it
        string = string.named_children[0]
    if string.type not in ("string", "concatenated_string"):
        return None
    return _first_text_row(string, source)


def _doc_comment_row(outer: Node, top: int, source: bytes) -> int | None:
    """The first row with words of the comment block that ends right above the definition."""
    sibling = outer.prev_named_sibling
    while sibling is not None and sibling.type in DECORATOR_TYPES:
        sibling = sibling.prev_named_sibling
    comments: list[Node] = []
    expected = top
    while sibling is not None and sibling.type in COMMENT_TYPES and sibling.end_point.row >= expected - 1:
        comments.append(sibling)
        expected = sibling.start_point.row
        sibling = sibling.prev_named_sibling
    if comments and sibling is not None and sibling.end_point.row >= comments[-1].start_point.row:
        comments.pop()  # trails the previous statement on its own line: not this definition's doc
    for comment in reversed(comments):
        row = _first_text_row(comment, source)
        if row is not None:
            return row
    return None


def _first_text_row(node: Node, source: bytes) -> int | None:
    """Row of the first line of ``node`` that has a letter or digit once comment markers are removed."""
    for offset, line in enumerate(_text(source, node).split("\n")):
        if _WORD.search(_COMMENT_NOISE.sub("", line)):
            return node.start_point.row + offset
    return None


def _text(source: bytes, node: Node) -> str:
    """The source text of ``node``."""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")
