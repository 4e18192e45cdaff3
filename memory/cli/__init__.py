"""``python -m memory``: see, search, correct and carry everything the memory holds.

Every module in this package that defines ``register(subparsers)`` adds its subcommands; ``common.py`` holds
what they share (``add_command`` gives each one ``--json``). Exit codes: 0 ok, 1 not found or a failed
check, 2 usage error -- always with a one-line message on stderr, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sqlite3
import sys

from memory import __version__, log
from memory.cli.common import CliError, Parser


def build_parser() -> Parser:
    """The argument parser with every subcommand module registered."""
    parser = Parser(
        prog="python -m memory",
        description="compound-memory: a memory for Claude Code. Every command takes --json.",
    )
    parser.add_argument("--version", action="version", version=f"compound-memory {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name in ("common", "__main__"):
            continue
        register = getattr(importlib.import_module(f"{__name__}.{module.name}"), "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code."""
    os.umask(0o077)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"memory: {exc}", file=sys.stderr)
        return exc.code
    except sqlite3.Error as exc:
        print(f"memory: database error: {exc}", file=sys.stderr)
        log.error("cli", f"database error in {argv!r}", exc)
        return 1
    except KeyboardInterrupt:
        print("memory: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback for the user; the log has it
        print(f"memory: unexpected {type(exc).__name__}: {exc} (details in the log)", file=sys.stderr)
        log.error("cli", f"unexpected error in {argv!r}", exc)
        return 1
