"""What every subcommand shares: registration with ``--json``, errors, the store, output for people."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
from typing import Any, Callable, Iterable, Iterator, Sequence

from memory import paths, store
from memory.project import Project, find_project
from memory.text import shorten as text_shorten


class CliError(Exception):
    """A failure to report in one line, with the exit code (1: not found / failed; 2: usage)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


PIPED_WIDTH = 200


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions wrapped to the terminal, examples kept as written, command names in one column."""

    def __init__(self, prog: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_help_position", 26)
        super().__init__(prog, **kwargs)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return super()._fill_text(text, width, indent)
        import textwrap

        return "\n\n".join(textwrap.fill(p, width, initial_indent=indent, subsequent_indent=indent)
                             for p in text.split("\n\n"))


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"memory: {message} (see `{self.prog} --help`)", file=sys.stderr)
        sys.exit(2)


def add_command(
    subparsers: Any, name: str, func: Callable[[argparse.Namespace], int | None], help: str, *,
    examples: Sequence[str] = (), **kwargs: Any
) -> argparse.ArgumentParser:
    """Add subcommand ``name`` running ``func(args)``, with ``--json`` already defined.

    ``help`` is the one-line summary in the command list; ``description`` (default: ``help``) opens the
    command's own ``--help``, and ``examples`` (argument strings) close it.
    """
    description = kwargs.pop("description", None) or help[:1].upper() + help[1:] + "."
    epilog = "examples:\n" + "\n".join(f"  python -m memory {e}" for e in examples) if examples else None
    parser = subparsers.add_parser(name, help=help, description=description, epilog=epilog,
                                   formatter_class=HelpFormatter, **kwargs)
    parser.add_argument("--json", action="store_true", help="print JSON (for scripts) instead of text")
    parser.set_defaults(func=func)
    return parser


def current_project() -> Project:
    """The project of the current directory."""
    return find_project(os.getcwd())


def open_store(*, create: bool = False) -> sqlite3.Connection:
    """The store, checked first so that a damaged or too new database is a clear error and stays untouched.

    A database that does not exist yet is created only with ``create``; otherwise an empty store in memory
    stands in for it, so reading commands answer "nothing stored yet" without writing a file. A store of an
    older schema is migrated (after a backup, see ``memory.store.migrations``).
    """
    db = paths.db_path()
    if not os.path.exists(db):
        return store.connect() if create else empty_store()
    check_database(db)
    return store.connect()


def check_database(db: str) -> None:
    """Raise CliError when ``db`` is not a readable SQLite database of a schema this code knows."""
    from memory.store.migrations import latest_version

    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if not store.is_corruption(exc):
            raise
        raise CliError(f"the database {db} is damaged ({exc}); nothing was changed: `python -m memory doctor` "
                       "explains, and the next Claude Code session moves it aside and starts a new one") from None
    if version > latest_version():
        raise CliError(f"the database {db} has schema v{version}, newer than this compound-memory "
                       f"(v{latest_version()}): update the plugin")


def empty_store() -> sqlite3.Connection:
    """An empty store in memory, with the current schema (stands in for a database not created yet)."""
    from memory.store.migrations import apply_pending

    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    apply_pending(conn)
    return conn


def positive_int(text: str) -> int:
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def is_terminal() -> bool:
    """True when stdout is a terminal (long jobs then show a progress bar)."""
    return sys.stdout.isatty()


@contextlib.contextmanager
def progress(label: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal (``advance(n)`` moves it on); nothing at all when stdout is not one."""
    if not is_terminal():
        yield lambda n=1: None
        return
    try:
        from rich.progress import Progress
    except ImportError:
        print(f"{label}...", file=sys.stderr)
        yield lambda n=1: None
        return
    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)


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
    # piped (no terminal width to respect, unless COLUMNS says one): wide, so rows are not folded
    wide = None if is_terminal() or os.environ.get("COLUMNS") else PIPED_WIDTH
    Console(soft_wrap=False, width=wide).print(table)


def _plain_table(title: str | None, columns: Sequence[str], rows: list[list[str]]) -> None:
    if title:
        print(title)
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


def shorten(text: str, width: int = 100) -> str:
    """``text`` cut to ``width`` characters for a table cell (``memory.text.shorten``)."""
    return text_shorten(text, width)


def human_size(num_bytes: int) -> str:
    """``156 KB`` style sizes."""
    size = float(num_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit in ("B", "KB") else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
