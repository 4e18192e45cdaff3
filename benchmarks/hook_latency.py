"""No-op hook latency: a whole hook process that has nothing to do, against a bare interpreter start.

    python -m benchmarks.hook_latency [--runs N]

The no-op is a PostToolUse for a tool we do not track (Glob): the process starts, parses the payload,
loads the configuration, opens the store and records the run. A MEMORY_DISABLE=1 run shows the floor.
"""

from __future__ import annotations

import argparse
import tempfile

from benchmarks.harness import bare_python, hook, markdown_table, summarize, time_interleaved, write_result

PAYLOAD = {"session_id": "bench", "cwd": "/tmp", "hook_event_name": "PostToolUse", "tool_name": "Glob",
           "tool_input": {"pattern": "*.py"}, "tool_response": {"filenames": []}, "tool_use_id": "toolu_bench"}


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        commands = [
            bare_python(),
            hook("PostToolUse", PAYLOAD, {"MEMORY_HOME": home}, name="no-op hook (PostToolUse Glob)"),
            hook("PostToolUse", PAYLOAD, {"MEMORY_HOME": home, "MEMORY_DISABLE": "1"}, name="MEMORY_DISABLE=1"),
        ]
        summary = summarize(time_interleaved(commands, runs=args.runs), baseline=commands[0].name)
    print(markdown_table(summary))
    write_result("hook_latency", {"summary": summary})


if __name__ == "__main__":
    main()
