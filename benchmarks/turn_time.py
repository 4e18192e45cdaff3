"""Added wait per tool call: Claude Code's own turn time with and without the plugin, sync and async hooks.

    python -m benchmarks.turn_time [--runs N]

Drives the real `claude` CLI of each e2e version (tests/e2e: the pinned one and the newest) against the scripted
loopback API server, which answers at once, so the time between two of the CLI's requests is Claude Code's
own work for one tool call: run the tool, run the hooks it waits for, build the next request. One scripted
session of TOOL_CALLS tool calls (Bash ok and failing, Read, Edit, Write: every hook the plugin has on the
tool path), timed from the first request to the last (session start and end, which are not per tool call,
are left out). Three variants, interleaved run by run so that machine load hits all alike:

- ``no plugin``: the CLI alone;
- ``plugin, sync hooks``: this repository as shipped (every hook synchronous);
- ``plugin, async hooks``: this repository with PostToolUse and PostToolUseFailure ``"async": true`` (not
  shipped: Claude Code writes a call's transcript line after its hook starts, so async events lose their
  order; see tests/continuity/test_async_recording.py).

Reported: the median over runs of (loop time / tool calls) per variant, and the added wait per tool call =
a variant's median minus the no-plugin median. The machine's load matters: the result records the load
average before and after. Result: benchmarks/results/turn_time.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from pathlib import Path

from benchmarks.harness import REPO, write_result
from tests.support.api_server import ScriptedServer, in_order, text, tool_use
from tests.e2e.claude_runner import CLAUDE_VERSIONS, find_claude, make_claude
from tests.support.store import wait_for_worker

TOOL_CALLS = 10
SOURCE = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(20))  # small: Reads pass through


def script(project: Path) -> list:
    """TOOL_CALLS tool calls touching every hook on the tool path, then a closing text."""
    code, notes = project / "calc.py", project / "notes.txt"
    calls = [
        tool_use("Read", {"file_path": str(code)}),
        tool_use("Bash", {"command": "echo one", "description": "echo"}),
        tool_use("Edit", {"file_path": str(code), "old_string": "return x + 1\n", "new_string": "return x + 100\n"}),
        tool_use("Bash", {"command": "cat missing.txt", "description": "fails"}),
        tool_use("Write", {"file_path": str(notes), "content": "first\n"}),
        tool_use("Read", {"file_path": str(notes)}),
        tool_use("Bash", {"command": "echo two", "description": "echo"}),
        tool_use("Edit", {"file_path": str(code), "old_string": "return x + 2\n", "new_string": "return x + 200\n"}),
        tool_use("Read", {"file_path": str(code)}),
        tool_use("Bash", {"command": "echo three", "description": "echo"}),
    ]
    assert len(calls) == TOOL_CALLS
    return [*calls, text("Done.")]


def plugin_copy(folder: Path, recorders_async: bool) -> Path:
    """This plugin with its recording hooks async or not: links to its code, its own hooks.json."""
    folder.mkdir()
    for name in (".claude-plugin", "commands", "memory", "parser"):
        (folder / name).symlink_to(REPO / name)
    (folder / "hooks").mkdir()
    for name in ("run", "run.py"):
        (folder / "hooks" / name).symlink_to(REPO / "hooks" / name)
    hooks = json.loads((REPO / "hooks" / "hooks.json").read_text(encoding="utf-8"))
    for event, matchers in hooks["hooks"].items():
        for matcher in matchers:
            for hook in matcher["hooks"]:
                hook.pop("async", None)
                if recorders_async and event in ("PostToolUse", "PostToolUseFailure"):
                    hook["async"] = True
    (folder / "hooks" / "hooks.json").write_text(json.dumps(hooks, indent=2), encoding="utf-8")
    return folder


def one_run(binary: Path, plugin: Path | None, root: Path) -> float:
    """Milliseconds per tool call of one scripted session (first to last request of the tool loop)."""
    with ScriptedServer() as server:
        claude = make_claude(root, server, binary=binary, plugin_dir=plugin)
        (claude.cwd / "calc.py").write_text(SOURCE)
        server.script = in_order(script(claude.cwd))
        run = claude.run("Work on calc.py", extra_args=["--allowedTools", "Bash"])
        if plugin is not None:
            wait_for_worker(claude.data_dir)  # the session's learning worker must not load the next run
        main = [r for r in server.requests if r.kind == "main"]
        if run.returncode != 0 or len(main) != TOOL_CALLS + 1 or run.final_text != "Done.":
            raise RuntimeError(f"scripted session did not run as planned: {run.describe()}")
        return (main[-1].at - main[0].at) * 1000 / TOOL_CALLS


def measure(runs: int) -> dict:
    """Interleaved runs of every variant for every version; medians and added wait per tool call."""
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="turn-time-") as tmp:
        variants = {"no plugin": None, "plugin, sync hooks": plugin_copy(Path(tmp) / "sync-plugin", False),
                    "plugin, async hooks": plugin_copy(Path(tmp) / "async-plugin", True)}
        for version in CLAUDE_VERSIONS:
            binary = find_claude(version=version)
            samples: dict[str, list[float]] = {name: [] for name in variants}
            one_run(binary, None, Path(tempfile.mkdtemp(dir=tmp)))  # warm-up: page cache, node start
            for _ in range(runs):
                for name, plugin in variants.items():
                    samples[name].append(one_run(binary, plugin, Path(tempfile.mkdtemp(dir=tmp))))
            base = statistics.median(samples["no plugin"])
            results[version] = {
                name: {"median_ms_per_call": round(statistics.median(values), 1),
                       "added_ms_per_call": round(statistics.median(values) - base, 1),
                       "runs_ms_per_call": [round(v, 1) for v in values]}
                for name, values in samples.items()
            }
    return results


def main() -> None:
    """Measure and write benchmarks/results/turn_time.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed sessions per variant and version")
    args = parser.parse_args()
    load_before = os.getloadavg()
    results = measure(args.runs)
    load_after = os.getloadavg()
    write_result("turn_time", {"tool_calls_per_session": TOOL_CALLS, "runs": args.runs,
                               "load_average_before": [round(x, 2) for x in load_before],
                               "load_average_after": [round(x, 2) for x in load_after],
                               "versions": results})
    for version, variants in results.items():
        for name, row in variants.items():
            print(f"claude {version:8} {name:20} {row['median_ms_per_call']:7.1f} ms/call "
                  f"(added {row['added_ms_per_call']:+.1f})")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
