"""``python -m memory doctor``: is everything in place?"""

from __future__ import annotations

import argparse
from dataclasses import asdict

from memory.cli.common import add_command, current_project, print_json, print_table
from memory.config import load_settings
from memory.health import run_checks

MARKS = {"ok": "ok", "warn": "WARN", "fail": "FAIL"}


def register(subparsers) -> None:
    """Add the ``doctor`` command."""
    parser = add_command(subparsers, "doctor", run, "check the interpreter, dependencies, database, disk, plugin")
    parser.add_argument("--no-validate", action="store_true", help="skip `claude plugin validate`")


def run(args: argparse.Namespace) -> int:
    """Run every check; exit 1 when any fails."""
    checks = run_checks(load_settings(current_project().root), with_plugin_validation=not args.no_validate)
    failed = any(check.status == "fail" for check in checks)
    if args.json:
        print_json({"ok": not failed, "checks": [asdict(check) for check in checks]})
    else:
        print_table("compound-memory doctor", ("check", "", "detail"),
                    [(c.name, MARKS[c.status], c.detail) for c in checks])
        print("\nAll checks passed." if not failed else "\nSome checks failed: see FAIL lines above.")
    return 1 if failed else 0
