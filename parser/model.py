"""What the parser returns: definitions with the exact source lines that show each of them."""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds that contain other definitions (a function inside one of these is a method).
CONTAINER_KINDS = frozenset(
    {"class", "interface", "struct", "union", "enum", "trait", "impl", "module", "object", "extension"}
)
FUNCTION_KINDS = frozenset({"function", "method", "constructor"})
# Kinds shown only by their statement lines, never containing other definitions.
IMPORT_KINDS = frozenset({"import", "export", "package"})


@dataclass(frozen=True)
class Definition:
    """One definition found in a file.

    ``line`` is the 1-based line of the definition itself (the ``def``/``class``/``fn`` line, never a
    decorator or doc-comment line). ``signature_lines`` are the lines from ``line`` up to where the body
    starts (all lines of a multi-line signature); ``decorator_lines`` the first line of each decorator,
    attribute or annotation; ``doc_line`` the first line with words of its doc comment or docstring.
    ``depth`` is 0 at top level, 1 inside a class, and so on; ``parent`` the enclosing definition's name.
    """

    kind: str
    name: str
    line: int
    end_line: int
    depth: int = 0
    parent: str | None = None
    signature_lines: tuple[int, ...] = ()
    decorator_lines: tuple[int, ...] = ()
    doc_line: int | None = None

    @property
    def lines(self) -> frozenset[int]:
        """Every line shown for this definition."""
        shown = set(self.signature_lines) | set(self.decorator_lines)
        if self.doc_line is not None:
            shown.add(self.doc_line)
        return frozenset(shown)


@dataclass
class Signatures:
    """The outline of one file: its definitions in source order.

    ``partial`` is True when the file has syntax errors: the definitions are what the error-tolerant parse
    recovered.
    """

    language: str
    total_lines: int
    partial: bool = False
    definitions: list[Definition] = field(default_factory=list)
