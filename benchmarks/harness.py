"""Timing whole processes, side by side with a bare interpreter start, in one interleaved run.

Hook latency depends on the machine, so an absolute number says little; the ratio to ``python -c pass`` run
by the same interpreter, in the same run, interleaved round by round (so drift in machine load hits both),
is what we report. Wall time is measured around ``subprocess.run``, so process creation counts for both.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


# Real Claude Code transcripts from public repositories, copied with their sources and licenses (SOURCES.md).
REAL_TRANSCRIPTS = REPO / "tests" / "fixtures" / "transcripts" / "real"
RESULTS = REPO / "benchmarks" / "results"
PYTHON = os.environ.get("MEMORY_PYTHON") or sys.executable


@dataclass
class Command:
    """One process to time: its argv, what it reads on stdin, extra environment, and a setup hook."""

    name: str
    argv: list[str]
    stdin: bytes = b""
    env: dict[str, str] = field(default_factory=dict)
    before_each: object = None  # optional callable run (untimed) before every execution


def bare_python() -> Command:
    """The baseline: the same interpreter doing nothing."""
    return Command("bare python -c pass", [PYTHON, "-c", "pass"])


def hook(event: str, payload: dict, env: dict[str, str], name: str | None = None) -> Command:
    """A real hook process, through the launcher exactly as Claude Code runs it."""
    return Command(name or event, ["sh", str(REPO / "hooks" / "run"), event], json.dumps(payload).encode(),
                   {"MEMORY_PYTHON": PYTHON, **env})


def time_interleaved(commands: list[Command], runs: int = 40, warmup: int = 3) -> dict[str, list[float]]:
    """Run every command ``runs`` times, round-robin, and return wall times in milliseconds."""
    compile_plugin()
    times: dict[str, list[float]] = {c.name: [] for c in commands}
    for round_number in range(warmup + runs):
        for command in commands:
            if callable(command.before_each):
                command.before_each()
            env = {**os.environ, **command.env}
            started = time.perf_counter()
            subprocess.run(command.argv, input=command.stdin, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
            elapsed = (time.perf_counter() - started) * 1000
            if round_number >= warmup:
                times[command.name].append(elapsed)
    return times


def summarize(times: dict[str, list[float]], baseline: str) -> dict[str, dict[str, float]]:
    """p50/p95 per command and the ratio of each to the baseline's p50/p95."""
    base = times[baseline]
    base_p50, base_p95 = percentile(base, 50), percentile(base, 95)
    summary = {}
    for name, values in times.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        summary[name] = {"runs": len(values), "p50_ms": round(p50, 1), "p95_ms": round(p95, 1),
                         "p50_ratio": round(p50 / base_p50, 2), "p95_ratio": round(p95 / base_p95, 2)}
    return summary


def percentile(values: list[float], pct: float) -> float:
    """The ``pct`` percentile (inclusive method)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1] if pct < 100 else max(values)


def markdown_table(summary: dict[str, dict[str, float]]) -> str:
    """The summary as a Markdown table for the README."""
    lines = ["| process | runs | p50 ms | p95 ms | p50 ratio | p95 ratio |", "|---|---|---|---|---|---|"]
    for name, s in summary.items():
        lines.append(f"| {name} | {s['runs']} | {s['p50_ms']} | {s['p95_ms']} | {s['p50_ratio']}x | {s['p95_ratio']}x |")
    return "\n".join(lines)


def write_result(name: str, data: dict) -> Path:
    """Save a benchmark's result as JSON in benchmarks/results/, with the machine it ran on."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform},
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **data}
    target = RESULTS / f"{name}.json"
    target.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return target


def compile_plugin() -> None:
    """Byte-compile our modules first, as install and the bootstrap do (PYTHONDONTWRITEBYTECODE may be set)."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "memory"), str(REPO / "parser")], check=False)
