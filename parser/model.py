"""What the parser returns: definitions with the exact source lines that show each of them."""

from __future__ import annotations

from collections import namedtuple

# Kinds that contain other definitions (a function inside one of these is a method).
CONTAINER_KINDS = frozenset(
    {"class", "interface", "struct", "union", "enum", "trait", "impl", "module", "object", "extension"}
)
# Kinds whose functions are methods (a function in a module or namespace stays a function).
METHOD_PARENT_KINDS = CONTAINER_KINDS - {"module"}
FUNCTION_KINDS = frozenset({"function", "method", "constructor"})
# Kinds shown only by their statement lines, never containing other definitions.
IMPORT_KINDS = frozenset({"import", "export", "package"})


_DefinitionFields = namedtuple(
    "_DefinitionFields",
    "kind name line end_line depth parent signature_lines decorator_lines doc_line",
    defaults=(0, None, (), (), None),
)


class Definition(_DefinitionFields):
    """One definition found in a file (immutable).

    ``line`` is the 1-based line of the definition itself (the ``def``/``class``/``fn`` line, never a
    decorator or doc-comment line). ``signature_lines`` are the lines from ``line`` up to where the body
    starts (all lines of a multi-line signature); ``decorator_lines`` the first line of each decorator,
    attribute or annotation; ``doc_line`` the first line with words of its doc comment or docstring.
    ``depth`` is 0 at top level, 1 inside a class, and so on; ``parent`` the enclosing definition's name.

    A named tuple rather than a dataclass: this module loads on every signature-cache miss, inside a hook,
    where ``dataclasses`` alone costs ~15 ms to import.
    """

    __slots__ = ()

    @property
    def lines(self) -> frozenset[int]:
        """Every line shown for this definition."""
        shown = set(self.signature_lines) | set(self.decorator_lines)
        if self.doc_line is not None:
            shown.add(self.doc_line)
        return frozenset(shown)


class Signatures:
    """The outline of one file: its definitions in source order.

    ``partial`` is True when the file has syntax errors: the definitions are what the error-tolerant parse
    recovered. ``lost`` lists the (first, last) line ranges the parser could not read even piece by piece,
    outside any function body: the only places where a definition may be missing from ``definitions``.
    """

    __slots__ = ("language", "total_lines", "partial", "definitions", "lost")

    def __init__(self, language: str, total_lines: int, partial: bool = False,
                 definitions: list[Definition] | None = None, lost: tuple[tuple[int, int], ...] = ()) -> None:
        self.language = language
        self.total_lines = total_lines
        self.partial = partial
        self.definitions = definitions if definitions is not None else []
        self.lost = lost

    def __repr__(self) -> str:
        return (f"Signatures(language={self.language!r}, total_lines={self.total_lines}, "
                f"partial={self.partial}, definitions=[{len(self.definitions)} definitions])")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Signatures):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)
