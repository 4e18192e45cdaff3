"""Source bytes + language -> Signatures, with tree-sitter and our own tag queries (queries/<language>.scm).

A query marks definitions the way tree-sitter's tags.scm files do: the definition node is captured as
``@definition.<kind>`` and its name as ``@name``; ``@import`` and ``@export`` mark import/export statements.
Everything else (which lines show a definition, its decorators and doc comment, nesting) is derived here from
the syntax tree, the same way for every language.
"""

from __future__ import annotations

import os
import re
from collections import namedtuple
from functools import lru_cache

from .languages import EXTENSIONS
from .model import CONTAINER_KINDS, FUNCTION_KINDS, IMPORT_KINDS, METHOD_PARENT_KINDS, Definition, Signatures

TYPE_CHECKING = False  # `typing` and `pathlib` cost milliseconds on a hook's cache miss; annotations only
if TYPE_CHECKING:  # tree_sitter is imported lazily: `import parser` must stay cheap
    from types import ModuleType

    from tree_sitter import Language, Node, Parser, Query

QUERY_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "queries")
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
CONDITIONAL_COMPILATION = frozenset({"swift", "c", "cpp", "csharp"})
_DIRECTIVE = re.compile(rb"(?m)^[ \t]*#[ \t]*(?:if|ifdef|ifndef|elif|elseif|else|endif)\b[^\n]*")
_WORD = re.compile(r"[A-Za-z0-9]")
_COMMENT_NOISE = re.compile(r"<[^>]*>|^\s*(?:[rRbBuUfF]{0,2}(?:\"\"\"|'''|\"|')|/\*+|\*+|//+!?|#+)")


class ParserUnavailable(RuntimeError):
    """tree-sitter or tree-sitter-language-pack is not installed."""


# A query match that may be a definition. name_row: the row of the name, shown even when it sits below the
# signature (C typedefs).
_Candidate = namedtuple("_Candidate", "node kind name pattern name_row")


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
    root = parser.parse(source).root_node
    if root.has_error and language in CONDITIONAL_COMPILATION:
        root = _reparse_without_directives(parser, source, root)
    candidates = _candidates(query, root, source, language)
    lost: list[tuple[int, int]] = []
    if root.has_error:
        candidates = _with_recovered(candidates, parser, query, root, source, language, lost)
    definitions = _definitions(candidates, source, language)
    return Signatures(language, _count_lines(source), root.has_error, definitions, _outside_functions(lost, definitions))


def _outside_functions(rows: list[tuple[int, int]], definitions: list[Definition]) -> tuple[tuple[int, int], ...]:
    """The 1-based line ranges of ``rows`` (0-based) that no function's lines contain: where a definition may
    be missing. A syntax error inside a function body (often a grammar quirk, as in a JSX string) hides no
    definition the outline would show, so it is not reported."""
    spans = [(d.line, d.end_line) for d in definitions if d.kind in FUNCTION_KINDS]
    ranges: list[tuple[int, int]] = []
    for top, bottom in sorted(rows):
        first, last = top + 1, bottom + 1
        if not any(start <= first and last <= end for start, end in spans):
            if ranges and first <= ranges[-1][1] + 1:
                ranges[-1] = (ranges[-1][0], max(last, ranges[-1][1]))
            else:
                ranges.append((first, last))
    return tuple(ranges)


def _reparse_without_directives(parser: Parser, source: bytes, root: Node) -> Node:
    """Parse again with `#if`/`#else`/`#endif` lines blanked (same length, so lines and offsets stay), and
    keep that tree if it has fewer errors: conditional compilation inside an expression or a switch is a
    frequent cause of a failed parse, and keeping both branches' code usually parses."""
    blanked = _DIRECTIVE.sub(lambda m: b" " * len(m.group()), source)
    if blanked == source:
        return root
    retry = parser.parse(blanked).root_node
    return retry if _error_count(retry) < _error_count(root) else root


def _with_recovered(
    candidates: list[_Candidate], parser: Parser, query: Query, root: Node, source: bytes, language: str,
    lost: list[tuple[int, int]],
) -> list[_Candidate]:
    """Candidates with those inside syntax-error regions replaced by what re-parsing the region's pieces
    finds. A grammar gap (a construct it does not know) can turn a whole class or file into one ERROR node;
    each top-level piece of that region (split at its least-indented lines), parsed alone with the rest of
    the file blanked out, usually parses. A piece that still fails is split again, up to two levels deeper;
    the rows of those that fail at the last level are added to ``lost``."""
    regions = _error_regions(root)
    if not regions:
        return candidates
    starts = _line_starts(source)
    recovered: list[_Candidate] = []
    for first, last in regions:
        _recover(parser, query, source, language, starts, first, last, 3, recovered, lost)
    spans = [(starts[a], starts[b + 1]) for a, b in regions]
    kept = [c for c in candidates if not any(lo <= c.node.start_byte < hi for lo, hi in spans)]
    merged = {(c.node.start_byte, c.node.end_byte, c.node.type): c for c in recovered + kept}
    return sorted(merged.values(), key=lambda c: (c.node.start_byte, -c.node.end_byte, c.pattern))


def _error_regions(root: Node) -> list[tuple[int, int]]:
    """(first row, last row) of each outermost ERROR node."""
    regions, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.is_error:
            regions.append((node.start_point.row, node.end_point.row))
        elif node.has_error:
            stack.extend(node.children)
    return sorted(regions)


def _line_starts(source: bytes) -> list[int]:
    """Byte offset of the start of each row, plus one past the end."""
    starts = [0]
    starts.extend(match.end() for match in re.finditer(b"\n", source))
    starts.append(len(source) + 1)
    return starts


def _recover(parser, query, source, language, starts, first, last, levels, out, lost) -> None:
    """Parse each piece of rows first..last alone (the rest blanked) and collect its candidates; the rows of
    a piece that still has errors at the last level go to ``lost``."""
    for top, bottom in _pieces(source, starts, first, last):
        root = _parse_rows(parser, source, starts, top, bottom)
        inner = _pieces(source, starts, top + 1, bottom) if root.has_error and levels > 1 and bottom > top else []
        if inner:  # the piece's own lines before its first member (a class header), then each member
            header_end = max(top, inner[0][0] - 1) if len(inner) > 1 else top
            header = _parse_rows(parser, source, starts, top, header_end)
            out.extend(_candidates(query, header, source, language))
            _recover(parser, query, source, language, starts, header_end + 1, bottom, levels - 1, out, lost)
        else:
            out.extend(_candidates(query, root, source, language))
            if root.has_error:
                lost.extend(_error_regions(root))


def _pieces(source: bytes, starts: list[int], first: int, last: int) -> list[tuple[int, int]]:
    """Rows first..last split before each least-indented line that opens something (not a closing
    bracket, `end`, or a line right after a decorator/comment line of the same indentation)."""
    rows = []
    for row in range(first, min(last, len(starts) - 2) + 1):
        text = source[starts[row] : starts[row + 1]].rstrip(b"\r\n")
        if text.strip():
            rows.append((row, len(text) - len(text.lstrip()), text.lstrip()))
    if not rows:
        return []
    closing = (b"}", b")", b"]", b"end")
    indent = min((level for _, level, text in rows if not text.startswith(closing)), default=0)
    cuts, previous = [first], None
    for row, level, text in rows:
        if level == indent and row != first and not text.startswith(closing):
            if previous is None or not previous.startswith((b"@", b"#[", b"/", b"*", b"[")):
                cuts.append(row)
        if level == indent:
            previous = text
    return [(top, (cuts[i + 1] - 1) if i + 1 < len(cuts) else last) for i, top in enumerate(cuts)]


def _parse_rows(parser: Parser, source: bytes, starts: list[int], top: int, bottom: int) -> Node:
    """Parse only rows top..bottom of ``source`` (nodes keep their positions in the whole file)."""
    from tree_sitter import Point, Range

    end = min(starts[bottom + 1] - 1, len(source))
    whole = parser.included_ranges
    parser.included_ranges = [Range(Point(top, 0), Point(bottom, end - starts[bottom]), starts[top], end)]
    try:
        return parser.parse(source).root_node
    finally:
        parser.included_ranges = whole


def _error_count(root: Node) -> int:
    """Number of ERROR and MISSING nodes in the tree."""
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        elif node.has_error:
            stack.extend(node.children)
    return count


def _count_lines(source: bytes) -> int:
    """Number of lines an editor shows for ``source``."""
    if not source:
        return 0
    return source.count(b"\n") + (0 if source.endswith(b"\n") else 1)


@lru_cache(maxsize=None)
def _tools(language: str) -> tuple[Parser, Query]:
    """The parser and compiled query of ``language``, built once per process."""
    try:
        from tree_sitter import Parser, Query
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ParserUnavailable(str(error)) from error
    grammar = _grammar(language)
    query_file = QUERY_FILES.get(language, language)
    with open(os.path.join(QUERY_DIR, f"{query_file}.scm"), encoding="utf-8") as handle:
        query_text = handle.read()
    return Parser(grammar), Query(grammar, query_text)


def _grammar(language: str) -> Language:
    """The tree-sitter grammar of ``language`` from tree-sitter-language-pack's compiled bindings.

    The binding's extension module is loaded on its own: the package's ``__init__`` imports every helper it
    might need (typing, pathlib, importlib.resources, ctypes, three grammar packages), ~20 ms on a hook's
    cache miss. When the wheel's layout is not the expected one, the package's own ``get_language`` is used.
    """
    from tree_sitter import Language

    binding = _binding_module(language)
    if binding is not None:
        return Language(binding.language())
    try:
        from tree_sitter_language_pack import get_language
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ParserUnavailable(str(error)) from error
    return get_language(language)  # type: ignore[arg-type]  # our names are a subset of the pack's Literal


def _binding_module(language: str) -> ModuleType | None:
    """The extension module ``tree_sitter_language_pack/bindings/<language>``, loaded without running the
    package's ``__init__`` (``find_spec`` of a top-level package does not import it); None if not found."""
    import importlib.machinery
    import importlib.util

    try:
        spec = importlib.util.find_spec("tree_sitter_language_pack")
        folders = list(spec.submodule_search_locations or []) if spec is not None else []
        if not folders:
            return None
        name = f"tree_sitter_language_pack.bindings.{language}"
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folders[0], "bindings", language + suffix)
            if os.path.exists(path):
                loader = importlib.machinery.ExtensionFileLoader(name, path)
                spec = importlib.util.spec_from_loader(name, loader)
                if spec is None:
                    return None
                module = importlib.util.module_from_spec(spec)
                loader.exec_module(module)
                return module if hasattr(module, "language") else None
    except (ImportError, OSError):
        return None
    return None


def _candidates(query: Query, root: Node, source: bytes, language: str) -> list[_Candidate]:
    """Query matches as (node, kind, name) candidates, one per node and name, in source order."""
    from tree_sitter import QueryCursor

    found: dict[tuple[int, int, str], _Candidate] = {}
    for pattern, captures in QueryCursor(query).matches(root):
        for capture, nodes in captures.items():
            if capture == "name" or capture.startswith("_"):
                continue
            kind = capture.removeprefix("definition.")
            name_nodes = captures.get("name") or []
            name = " ".join(_text(source, n).split("\n")[0].strip() for n in name_nodes)
            if not name and kind == "object" and language == "kotlin":
                name = "Companion"  # a companion object without a name is called Companion
            name_row = name_nodes[0].start_point.row if name_nodes else None
            for node in nodes:
                if language in ("c", "cpp") and not name_nodes and kind in ("declaration", "type", "function"):
                    name, name_row, kind = _c_declaration(node, kind, source)
                    if not name:
                        continue
                key = (node.start_byte, node.end_byte, node.type)  # one definition per node
                if key not in found or found[key].pattern > pattern:
                    found[key] = _Candidate(node, kind, name, pattern, name_row)
    return sorted(found.values(), key=lambda c: (c.node.start_byte, -c.node.end_byte, c.pattern))


def _definitions(candidates: list[_Candidate], source: bytes, language: str) -> list[Definition]:
    """Turn candidates into Definitions: nesting, kind fixes, and the lines that show each."""
    definitions: list[Definition] = []
    scopes: list[tuple[_Candidate, str]] = []  # enclosing containers/functions with their final kind
    for index, cand in enumerate(candidates):
        while scopes and scopes[-1][0].node.end_byte <= cand.node.start_byte:
            scopes.pop()
        in_function = bool(scopes) and scopes[-1][1] in FUNCTION_KINDS
        if cand.kind == "declaration":
            in_container = scopes and scopes[-1][1] in CONTAINER_KINDS
            kind = "field" if in_container or cand.node.type == "field_declaration" else "constant"
            cand = cand._replace(kind=kind)
        if _hidden(cand, index, candidates, in_function):
            continue
        parent = scopes[-1] if scopes else None
        kind = cand.kind
        if kind == "function" and parent is not None and parent[1] in METHOD_PARENT_KINDS:
            kind = "method"
        definitions.append(_definition(cand, kind, parent[0].name if parent else None, len(scopes), source, language))
        if kind in CONTAINER_KINDS or kind in FUNCTION_KINDS:
            scopes.append((cand, kind))
    return definitions


def _hidden(cand: _Candidate, index: int, candidates: list[_Candidate], in_function: bool) -> bool:
    """Whether a candidate is not a definition worth showing.

    Imports, constants and fields directly inside a function body are local details; a constant whose value
    is a function or class (``const f = () => …``) is shown as that function instead.
    """
    if in_function and (cand.kind in IMPORT_KINDS or cand.kind in ("constant", "field")):
        return True
    if cand.kind in ("constant", "field") and index + 1 < len(candidates):
        following = candidates[index + 1]
        return (
            following.kind in FUNCTION_KINDS
            and following.node.start_point.row == cand.node.start_point.row
            and following.node.end_byte <= cand.node.end_byte
        )
    return False


def _definition(cand: _Candidate, kind: str, parent: str | None, depth: int, source: bytes, language: str) -> Definition:
    """One Definition with its shown lines (1-based)."""
    node = cand.node
    end = _last_row(node)
    if kind in IMPORT_KINDS:
        end = _content_end_row(node, source)
        rows = range(node.start_point.row, end + 1)
        return Definition(kind, cand.name, node.start_point.row + 1, end + 1, depth, parent, tuple(r + 1 for r in rows))
    first = _definition_row(node) if node.type != "ERROR" else (cand.name_row or node.start_point.row)
    outer, wrapper_decorators = _outermost(node)
    decorators = sorted({r for r in _decorator_rows(node) + wrapper_decorators + _preceding_decorators(outer) if r < first})
    last = _signature_end(node, kind, first)
    shown = set(range(first + 1, last + 2))
    if cand.name_row is not None and cand.name_row > first:
        shown.add(cand.name_row + 1)
    top = min([outer.start_point.row, first, *decorators])
    doc = _docstring_row(node, source) if language == "python" else None
    if doc is None:
        doc = _doc_comment_row(outer, top, source)
    return Definition(
        kind=kind,
        name=cand.name,
        line=first + 1,
        end_line=end + 1,
        depth=depth,
        parent=parent,
        signature_lines=tuple(sorted(shown)),
        decorator_lines=tuple(r + 1 for r in decorators),
        doc_line=None if doc is None else doc + 1,
    )


_C_NAME_TYPES = frozenset(
    {"identifier", "field_identifier", "type_identifier", "qualified_identifier", "operator_name",
     "destructor_name", "primitive_type", "template_function", "operator_cast"}
)


def _c_declaration(node: Node, kind: str, source: bytes) -> tuple[str, int | None, str]:
    """C/C++: the (name, name row, kind) of a declaration, typedef or function definition, found by
    following its declarator chain. A declaration whose chain has a function declarator is a function."""
    declarator = node.child_by_field_name("declarator")
    is_function = node.type == "function_definition"
    while declarator is not None:
        if declarator.type == "function_declarator":
            is_function = True
        if declarator.type in _C_NAME_TYPES:
            name = _text(source, declarator).split("(")[0].strip()
            new_kind = "function" if is_function and kind == "declaration" else kind
            return name, declarator.start_point.row, new_kind
        inner = declarator.child_by_field_name("declarator")
        if inner is None and declarator.named_child_count:
            inner = declarator.named_children[-1 if declarator.type == "reference_declarator" else 0]
        declarator = inner
    return "", None, kind


def _last_row(node: Node) -> int:
    """Last row holding text of ``node`` (a node that ends with its newline ends at column 0 of the next)."""
    row = node.end_point.row
    return row - 1 if node.end_point.column == 0 and row > node.start_point.row else row


def _content_end_row(node: Node, source: bytes) -> int:
    """Last row of the node's own text: past trailing comments and blank tokens some grammars attach."""
    for child in reversed(node.children):
        if child.type not in COMMENT_TYPES and source[child.start_byte : child.end_byte].strip():
            return _last_row(child)
    return _last_row(node)


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
    outer = node
    rows: list[int] = []
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
    if (kind in ONE_LINE_KINDS and kind != "type") or node.type == "ERROR":
        return first
    body = _find_body(node)
    if body is not None:
        before = body.prev_sibling
        while before is not None and before.type in COMMENT_TYPES:
            before = before.prev_sibling
        end = _last_row(before) if before is not None else body.start_point.row
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
    if sibling is not None and sibling.type not in COMMENT_TYPES:  # some grammars nest it in the previous node
        tail = sibling
        while tail.child_count and tail.type not in COMMENT_TYPES:
            tail = tail.children[-1]
        if tail.type in COMMENT_TYPES and tail.end_point.row == top - 1:
            return _first_text_row(tail, source)
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
