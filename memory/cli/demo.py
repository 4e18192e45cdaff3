"""``python -m memory demo``: replay a recorded Claude Code session through the real hooks, and show what Claude sees.

The sample project (``demo/project``) is copied into a temporary folder and a temporary memory folder
is used, so the user's own memory is never touched (unless ``--home`` names one). The recording
(``demo/recording``, written by ``scripts/build_demo_recording.py``) is a sequence of real hook payloads
plus the session transcripts in Claude Code's JSONL shape. Each step writes the transcript as far as Claude
Code would have written it, applies a recorded Edit to the project copy, then runs ``sh hooks/run EVENT``
with the payload on stdin -- exactly as Claude Code runs a hook -- and reads back its answer and the run the
hook recorded. After the first session the worker runs in the foreground; a second session then shows what
was learned. Offline, no API key: the rules extractor and the built-in embedder, unless asked otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from memory import paths
from memory.cli.common import add_command, print_json
from memory.cli.demo_printer import Printer
from memory.cli.demo_replay import Replay, Workspace


def register(subparsers: Any) -> None:
    """Add the ``demo`` command."""
    parser = add_command(
        subparsers, "demo", run, "replay a recorded session through the real hooks on a sample project",
        description="Replay a recorded Claude Code session through the plugin's real hook scripts on a sample "
                    "project, in temporary folders, and show exactly what Claude would see at each step.")
    parser.add_argument("--home", help="memory folder to use and keep (default: a temporary one, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project and memory folders")
    parser.add_argument("--full", action="store_true", help="print long context blocks in full")
    parser.add_argument("--embeddings", default="minilm", choices=("minilm", "builtin", "auto", "ollama"),
                        help="embeddings provider for the replay (default: minilm, offline)")
    parser.add_argument("--extractor", default="rules", choices=("rules", "auto", "haiku"),
                        help="learning extractor for the replay (default: rules, no API key needed)")


def run(args: argparse.Namespace) -> int:
    """Replay the recording; print it as it goes (or as JSON at the end); 0 when every step did its part."""
    missing = _missing_dependencies()
    if missing:
        print(f"memory demo: missing dependencies ({', '.join(missing)}); run `make setup` or install.sh first",
              file=sys.stderr)
        return 1
    workspace = Workspace(args.home)
    printer = None if args.json else Printer(full=args.full)
    report: dict[str, Any] = {"ok": False, "project": workspace.project, "memory_home": workspace.home,
                              "kept": bool(args.keep or args.home), "steps": [], "failed_step": None}
    replay = Replay(workspace, _hook_env(workspace, args))
    try:
        if printer:
            printer.intro(workspace)
        for step in replay.steps():
            report["steps"].append(step)
            if printer:
                printer.step(step)
            if step.get("error"):
                report["failed_step"] = {"index": step["index"], "title": step["title"], "error": step["error"]}
                break
        else:
            report["summary"] = replay.summary(report["steps"])
            report["status"] = replay.status(as_json=True)
            report["ok"] = True
            if printer:
                printer.summary(report["summary"], replay.status(as_json=False))
    finally:
        replay.close()
        workspace.cleanup(keep=bool(args.keep))
    if printer:
        printer.ending(report, workspace)
    else:
        print_json(report)
    return 0 if report["ok"] else 1


def _missing_dependencies() -> list[str]:
    """Modules the replay needs in this interpreter (the hooks run on it too)."""
    from memory.bootstrap import missing_modules

    return missing_modules()


def _hook_env(workspace: Workspace, args: argparse.Namespace) -> dict[str, str]:
    """The environment of every process of the replay: built-in defaults, the demo's folders, this Python."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MEMORY_") and k not in ("CLAUDE_PLUGIN_DATA", "CLAUDE_PROJECT_DIR")}
    if args.extractor == "rules":
        env.pop("ANTHROPIC_API_KEY", None)
    env.update({
        "MEMORY_HOME": workspace.home,
        "MEMORY_PYTHON": sys.executable,
        "MEMORY_EMBEDDINGS_PROVIDER": args.embeddings,
        "MEMORY_LEARNING_EXTRACTOR": args.extractor,
        "CLAUDE_PROJECT_DIR": workspace.project,
        "PYTHONPATH": paths.PLUGIN_ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
    })
    return env
