"""``python -m memory config``: the effective settings and where each came from."""

from __future__ import annotations

import argparse

from memory.cli.common import add_command, current_project, print_json, print_table
from memory.config import load_settings


def register(subparsers) -> None:
    """Add the ``config`` command."""
    add_command(subparsers, "config", run, "show the effective configuration and the source of each value",
                description="Effective configuration: defaults < user TOML ($MEMORY_HOME/config.toml) < project "
                            "TOML (.claude/memory.toml) < environment (MEMORY_<SECTION>_<KEY>, MEMORY_DISABLE=1).")


def run(args: argparse.Namespace) -> int:
    """Print every setting with its value and source; problems go to stderr-free notes below the table."""
    settings = load_settings(current_project().root)
    rows = [
        (f"{section}.{key}", value, settings.sources[f"{section}.{key}"])
        for section, values in settings.as_dict().items()
        for key, value in values.items()
    ]
    if args.json:
        print_json({"settings": {name: {"value": value, "source": source} for name, value, source in rows},
                    "problems": settings.problems})
        return 0
    print_table(None, ("setting", "value", "source"), rows)
    for problem in settings.problems:
        print(f"problem: {problem}")
    return 0
