"""The product's modules (``memory``, ``parser``) and which of them a Python file imports, read from its source:
every import counts, lazy ones inside functions too; ``from pkg import sub`` counts as importing ``pkg.sub``."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.session import REPO


def product_modules(root: Path = REPO) -> dict[str, Path]:
    """Every module of the product in the checkout ``root``, by dotted name (the demo project's sample code is
    data, not product)."""
    found = {}
    for path in [*root.joinpath("memory").rglob("*.py"), *root.joinpath("parser").rglob("*.py")]:
        if "demo" in path.relative_to(root).parts[:2]:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_modules(path: Path, package: str, modules: dict[str, Path]) -> set[str]:
    """The modules of ``modules`` that the file ``path`` (in ``package``, for relative imports) imports."""

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(filter(None, (owner(alias.name) for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package
                for _ in range(node.level - 1):
                    parent = parent.rpartition(".")[0]
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                dep = owner(f"{base}.{alias.name}") if f"{base}.{alias.name}" in modules else owner(base)
                if dep:
                    found.add(dep)
    return found


def has_code(path: Path) -> bool:
    """Whether a module holds anything but its docstring (a package's ``__init__`` often holds only that)."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return any(not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)) for node in body)
