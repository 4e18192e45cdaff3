"""``python -m memory version``."""

from __future__ import annotations

import argparse
import platform

from memory import __version__
from memory.cli.common import add_command, print_json
from memory.store.migrations import latest_version


def register(subparsers) -> None:
    """Add the ``version`` command."""
    add_command(subparsers, "version", run, "print the plugin, schema and Python versions")


def run(args: argparse.Namespace) -> int:
    """Print versions."""
    data = {"compound_memory": __version__, "schema": latest_version(), "python": platform.python_version()}
    if args.json:
        print_json(data)
    else:
        print(f"compound-memory {data['compound_memory']} (schema v{data['schema']}, Python {data['python']})")
    return 0
