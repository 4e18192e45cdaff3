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
from memory.cli.common import CliError, HelpFormatter, Parser

DESCRIPTION = """compound-memory: a memory for Claude Code. See, search, correct and carry what it holds: \
handoffs between sessions, signatures of large files, learnings recalled across sessions.

Every command takes --help and --json. Tables are plain text when the output is not a terminal. Exit codes: \
0 ok, 1 not found or a failed check, 2 usage error (with a one-line message on stderr)."""

EPILOG = """examples:
  python -m memory status                 what it holds, saved and cost; what is broken
  python -m memory learnings pytest       the learnings that best match "pytest"
  python -m memory show 12                one learning, its evidence, when it was recalled and why
  python -m memory why                    what Claude was just told from memory, and why
  python -m memory forget 12              stop recalling it (undo: unforget 12)
  python -m memory export -o mem.jsonl    carry learnings and handoffs to another machine
  python -m memory doctor                 check the installation

The data folder is $MEMORY_HOME, else $CLAUDE_PLUGIN_DATA, else Claude Code's plugin data folder."""


ORDER = ("status", "learning", "explain", "handoffs", "signatures", "transfer", "config_cmd", "doctor", "version")


def _listing_order(module: pkgutil.ModuleInfo) -> tuple[int, str]:
    """Where a module's commands appear in --help: the everyday ones first, any other module after."""
    return (ORDER.index(module.name) if module.name in ORDER else len(ORDER), module.name)


def build_parser() -> Parser:
    """The argument parser with every subcommand module registered."""
    parser = Parser(prog="python -m memory", description=DESCRIPTION, epilog=EPILOG, formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"compound-memory {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in sorted(pkgutil.iter_modules(__path__), key=_listing_order):
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
