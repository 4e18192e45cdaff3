"""What every subcommand shares: registration with ``--json``, errors, the store, output for people."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Callable, Iterable, Sequence

from memory import paths, store
from memory.project import Project, find_project


class CliError(Exception):
    """A failure to report in one line, with the exit code (1: not found / failed; 2: usage)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"memory: {message} (see `{self.prog} --help`)", file=sys.stderr)
        sys.exit(2)


def add_command(
    subparsers: Any, name: str, func: Callable[[argparse.Namespace], int | None], help: str, **kwargs: Any
) -> argparse.ArgumentParser:
    """Add subcommand ``name`` running ``func(args)``, with ``--json`` already defined."""
    parser = subparsers.add_parser(name, help=help, description=kwargs.pop("description", help), **kwargs)
    parser.add_argument("--json", action="store_true", help="print JSON for scripts instead of a table")
    parser.set_defaults(func=func)
    return parser


def current_project() -> Project:
    """The project of the current directory."""
    return find_project(os.getcwd())


def open_store(*, must_exist: bool = True):  # -> sqlite3.Connection
    """The store; with ``must_exist`` a missing database is a clear error rather than a new empty file."""
    if must_exist and not os.path.exists(paths.db_path()):
        raise CliError(f"no memory stored yet ({paths.db_path()} does not exist)")
    return store.connect()


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON."""
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def print_table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A table for people: rich when installed, plain aligned text otherwise."""
    rows = [["" if cell is None else str(cell) for cell in row] for row in rows]
    try:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text
    except ImportError:
        _plain_table(title, columns, rows)
        return
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # Text: brackets in our data are not rich markup
    Console(soft_wrap=False).print(table)


def _plain_table(title: str | None, columns: Sequence[str], rows: list[list[str]]) -> None:
    if title:
        print(title)
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


def human_size(num_bytes: int) -> str:
    """``156 KB`` style sizes."""
    size = float(num_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit in ("B", "KB") else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
