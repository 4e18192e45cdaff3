"""``export`` and ``import``: carry learnings and handoffs to another project or machine as JSON Lines.

One object a line: ``{"type": "learning", …}`` (the fields of ``memory.learning.storage.export_rows``) or
``{"type": "handoff", …}`` (``memory.continuity.transfer``). Everything is redacted on the way out and again
on the way in; importing deduplicates (the same file twice changes nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from memory.cli.common import CliError, add_command, current_project, open_store, print_json, progress
from memory.config import load_settings
from memory.store.core import project_id

MAX_BAD_LINES_SHOWN = 5


def register(subparsers) -> None:
    """Add ``export`` and ``import``."""
    p = add_command(subparsers, "export", cmd_export, "write learnings and handoffs as JSON Lines (redacted)",
                    description="Write this project's learnings (and the global ones) and its handoffs as JSON "
                                "Lines, one object a line with a \"type\" of \"learning\" or \"handoff\". Secrets "
                                "are redacted again on the way out. Forgotten learnings are not exported.",
                    examples=["export > memory.jsonl", "export --all -o everything.jsonl",
                              "export --learnings-only"])
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE (private, 0600) instead of stdout")
    p.add_argument("--all", action="store_true", help="every project, not only this one")
    p.add_argument("--learnings-only", action="store_true", help="leave the handoffs out")

    p = add_command(subparsers, "import", cmd_import, "read learnings and handoffs from a JSON Lines file",
                    description="Add the learnings and handoffs of FILE (as written by `export`, e.g. on another "
                                "machine) to this project; global learnings stay global. Secrets are redacted "
                                "on the way in; learnings already known are reinforced, not duplicated; a "
                                "forgotten learning stays forgotten. Imported handoffs are kept as history and "
                                "never restored automatically. Lines that are not valid are skipped and "
                                "reported; exit code 1 when no line is valid.",
                    examples=["import memory.jsonl", "import memory.jsonl --json"])
    p.add_argument("file", help="JSON Lines file written by `export`")


def cmd_export(args: argparse.Namespace) -> int:
    """JSON Lines, one learning or handoff a line, redacted again on the way out."""
    from memory.continuity.transfer import export_handoffs
    from memory.learning.storage import export_rows

    conn = open_store()
    project = project_id(conn, current_project())
    items = export_rows(conn, None if args.all else [project, None])
    if not args.learnings_only:
        items += export_handoffs(conn, project, every_project=args.all)
    text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    learnings = sum(1 for item in items if item["type"] == "learning")
    summary = {"learnings": learnings, "handoffs": len(items) - learnings}
    if not args.output:
        sys.stdout.write(text)
        return 0
    from memory.paths import write_private_file

    try:
        write_private_file(os.path.abspath(args.output), text)
    except OSError as exc:
        raise CliError(f"cannot write {args.output}: {exc.strerror}") from None
    if args.json:
        print_json({**summary, "file": os.path.abspath(args.output)})
    else:
        print(f"Exported {summary['learnings']} learning(s) and {summary['handoffs']} handoff(s) to {args.output}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Add learnings and handoffs from a JSON Lines file (redacted, deduplicated)."""
    from memory.learning.imports import import_learnings, source_name
    from memory.store.core import upsert_project

    lines = _read_lines(args.file)
    learnings, handoffs, bad = _parse(lines)
    if bad and not learnings and not handoffs:
        number, reason = bad[0]
        raise CliError(f"{args.file} is not JSON Lines written by `export` (line {number}: {reason}); "
                       "nothing imported")
    for number, reason in bad[:MAX_BAD_LINES_SHOWN]:
        print(f"memory: skipped line {number} of {args.file}: {reason}", file=sys.stderr)
    conn = open_store(create=True)
    project = current_project()
    target = upsert_project(conn, project)
    with progress(f"Importing {len(learnings) + len(handoffs)} item(s)", total=2) as advance:
        counts = import_learnings(conn, learnings, source=source_name(args.file, "\n".join(lines)),
                                  project_id=target, settings=load_settings(project.root))
        advance(1)
        handoff_counts = _import_handoffs(conn, handoffs, target)
        advance(1)
    counts["skipped"] = counts.get("skipped", 0) + len(bad)
    result = {"learnings": counts, "handoffs": handoff_counts}
    if args.json:
        print_json(result)
    else:
        print("Learnings: " + _counts_text(counts))
        print("Handoffs: " + _counts_text(handoff_counts))
    return 0


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().splitlines()
    except UnicodeDecodeError:
        raise CliError(f"{path} is not a text file (not JSON Lines written by `export`); nothing imported") from None
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None


def _parse(lines: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[int, str]]]:
    """The learnings and handoffs of ``lines``, and (line number, reason) of every other non-blank line."""
    from memory.learning.imports import parse_item

    learnings, handoffs, bad = [], [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            bad.append((number, "not JSON"))
            continue
        kind = item.get("type", "learning") if isinstance(item, dict) else None
        if kind == "handoff" and isinstance(item.get("session_id"), str) and isinstance(item.get("created_at"), str):
            handoffs.append(item)
        elif kind == "learning" and parse_item(item) is not None:
            learnings.append(item)
        else:
            bad.append((number, "not a learning or handoff"))
    return learnings, handoffs, bad


def _import_handoffs(conn, handoffs: list[dict[str, Any]], target: int) -> dict[str, int]:
    from memory.continuity.transfer import import_handoff
    from memory.store import transaction

    counts: dict[str, int] = {"added": 0, "unchanged": 0, "skipped": 0}
    with transaction(conn):
        for item in handoffs:
            outcome = import_handoff(conn, item, target)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _counts_text(counts: dict[str, int]) -> str:
    shown = [f"{n} {name}" for name, n in counts.items() if n]
    return ", ".join(shown) or "none"
