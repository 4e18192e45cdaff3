"""Continuity figures: tracking and restore latency, PreCompact on a 20 MB transcript, handoff success rate.

    python -m benchmarks.continuity_bench [--runs N]

- PostToolUse and SessionStart(compact, with a stored handoff) -- and, to show what the hook runtime itself
  costs, a SessionStart with nothing to restore: whole hook processes through the launcher,
  interleaved round by round with a bare ``python -c pass`` (benchmarks/harness.py); p50 and the ratio to
  the bare start. PostToolUse cycles Read / Edit / Bash / TaskUpdate / Edit payloads with fresh tool_use
  ids, so every fifth call also writes the snapshot, as in a real session.
- PreCompact on 20 MB transcripts built by repeating real transcript content: (a) a session that was
  compacted before (the repeated content holds compact boundaries, as long real sessions do) and (b) the
  worst case, 20 MB with no compaction at all (every line is a candidate). Whole hook process, median.
- Handoff success rate: every replayed session (the three real transcripts, the e2e transcript, and
  event-only sessions) goes through PreCompact and SessionStart(compact); a success is a stored handoff
  with a task, a last action and files, and a "Continuing:" block given back.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.harness import (PYTHON, REAL_TRANSCRIPTS, REPO, bare_python, compile_plugin, hook,
                                markdown_table, summarize, time_interleaved, write_result)

REAL = REAL_TRANSCRIPTS
TRANSCRIPTS = [REAL / "kimuson-todo-app.jsonl", REAL / "mclaude-cosmic-applet-compact.jsonl",
               REAL / "session-share-dev.jsonl", REPO / "tests" / "fixtures" / "transcripts_e2e" / "tools-and-compaction.jsonl"]
ONLY_CONTINUITY = {"MEMORY_SIGNATURES_ENABLED": "0", "MEMORY_LEARNING_ENABLED": "0", "MEMORY_RECALL_ENABLED": "0"}


def run_hook(event: str, payload: dict, env: dict[str, str]) -> subprocess.CompletedProcess:
    """One real hook process."""
    return subprocess.run(["sh", str(REPO / "hooks" / "run"), event], input=json.dumps(payload).encode(),
                          capture_output=True, env={**os.environ, "MEMORY_PYTHON": PYTHON, **env}, check=False)


def tool_payloads(project: str, session: str) -> itertools.cycle:
    """A realistic cycle of tracked tool calls."""
    return itertools.cycle([
        ("Read", {"file_path": f"{project}/src/app.py"}, {"type": "text", "file": {"filePath": f"{project}/src/app.py"}}),
        ("Edit", {"file_path": f"{project}/src/app.py", "old_string": "a", "new_string": "b"}, {"filePath": "x"}),
        ("Bash", {"command": "pytest -q"}, {"stdout": "3 passed", "stderr": "", "interrupted": False}),
        ("TaskUpdate", {"taskId": "1", "status": "in_progress"}, {"success": True, "taskId": "1"}),
        ("Edit", {"file_path": f"{project}/src/b.py", "old_string": "a", "new_string": "b"}, {"filePath": "x"}),
    ])


def latency(runs: int, home: str, project: str) -> dict:
    """PostToolUse and SessionStart-with-handoff against a bare interpreter."""
    env = {"MEMORY_HOME": home, **ONLY_CONTINUITY}
    cycle, ids = tool_payloads(project, "bench"), itertools.count()
    post = hook("PostToolUse", {}, env, name="PostToolUse (tracked tool)")

    def next_tool_call() -> None:
        tool, tool_input, response = next(cycle)
        post.stdin = json.dumps({"session_id": "bench", "cwd": project, "hook_event_name": "PostToolUse",
                                 "transcript_path": f"{project}/none.jsonl", "tool_name": tool,
                                 "tool_input": tool_input, "tool_response": response,
                                 "tool_use_id": f"toolu_{next(ids)}"}).encode()

    post.before_each = next_tool_call
    for _ in range(12):  # a session with some history and a handoff to restore
        next_tool_call()
        subprocess.run(post.argv, input=post.stdin, env={**os.environ, **post.env}, capture_output=True)
    run_hook("PreCompact", {"session_id": "bench", "cwd": project, "hook_event_name": "PreCompact",
                            "trigger": "auto"}, env)
    start = hook("SessionStart", {"session_id": "bench", "cwd": project, "hook_event_name": "SessionStart",
                                  "source": "compact"}, env, name="SessionStart (compact, with handoff)")
    empty = hook("SessionStart", {"session_id": "fresh", "cwd": project + "/nothing", "hook_event_name": "SessionStart",
                                  "source": "compact"}, env, name="SessionStart (compact, nothing to restore)")
    os.makedirs(project + "/nothing", exist_ok=True)
    commands = [bare_python(), post, start, empty]
    summary = summarize(time_interleaved(commands, runs=runs), baseline=commands[0].name)
    check = run_hook("SessionStart", json.loads(start.stdin), env).stdout.decode()
    assert "Continuing:" in check, "SessionStart gave no handoff: the benchmark would measure the wrong thing"
    return summary


def build_transcript(target: Path, sources: list[Path], size: int, drop_boundaries: bool) -> None:
    """``size`` bytes of real transcript lines, repeated; optionally without compaction lines."""
    lines = []
    for source in sources:
        for line in source.read_bytes().splitlines(keepends=True):
            if drop_boundaries and (b"compact_boundary" in line or b"isCompactSummary" in line):
                continue
            lines.append(line)
    chunk = b"".join(lines)
    with target.open("wb") as out:
        written = 0
        while written < size:
            out.write(chunk)
            written += len(chunk)


def pre_compact_time(transcript: Path, home: str, project: str, repeats: int) -> dict:
    """Median wall time of the whole PreCompact hook process on ``transcript``."""
    env = {"MEMORY_HOME": home, **ONLY_CONTINUITY}
    times = []
    for i in range(repeats):
        payload = {"session_id": f"pc-{transcript.name}-{i}", "cwd": project, "hook_event_name": "PreCompact",
                   "trigger": "auto", "transcript_path": str(transcript)}
        started = time.perf_counter()
        result = run_hook("PreCompact", payload, env)
        times.append((time.perf_counter() - started) * 1000)
        assert result.returncode == 0
    return {"bytes": transcript.stat().st_size, "runs": repeats, "p50_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1)}


def success_rate(home: str, project: str) -> dict:
    """Replay sessions through PreCompact + SessionStart(compact) and count usable handoffs."""
    import sqlite3

    env = {"MEMORY_HOME": home, **ONLY_CONTINUITY}
    sessions = [(f"transcript:{t.name}", str(t), 0) for t in TRANSCRIPTS]
    sessions += [(f"events-only:{n}", f"{project}/missing.jsonl", n) for n in (3, 9, 27)]
    outcomes = {}
    for name, transcript, events in sessions:
        sid = f"rate-{name}"
        cycle = tool_payloads(project, sid)
        for i in range(events):
            tool, tool_input, response = next(cycle)
            run_hook("PostToolUse", {"session_id": sid, "cwd": project, "hook_event_name": "PostToolUse",
                                     "tool_name": tool, "tool_input": tool_input, "tool_response": response,
                                     "tool_use_id": f"{sid}-{i}"}, env)
        run_hook("PreCompact", {"session_id": sid, "cwd": project, "hook_event_name": "PreCompact",
                                "trigger": "auto", "transcript_path": transcript}, env)
        answer = run_hook("SessionStart", {"session_id": sid, "cwd": project, "hook_event_name": "SessionStart",
                                           "source": "compact"}, env).stdout.decode()
        conn = sqlite3.connect(os.path.join(home, "memory.db"))
        row = conn.execute("SELECT task, state_json FROM handoffs WHERE session_id = ? ORDER BY id DESC",
                           (sid,)).fetchone()
        conn.close()
        state = json.loads(row[1]) if row else {}
        ok = bool(row and row[0] and row[0] != "(task unknown)" and state.get("last_action")
                  and (state.get("files_modified") or state.get("files_read")) and "Continuing:" in answer)
        outcomes[name] = {"ok": ok, "task": row[0] if row else None, "last_action": state.get("last_action"),
                          "files_modified": len(state.get("files_modified", []))}
    good = sum(1 for o in outcomes.values() if o["ok"])
    return {"sessions": len(outcomes), "succeeded": good, "rate": round(good / len(outcomes), 3), "detail": outcomes}


def main() -> None:
    """Run every measurement, print a summary, write benchmarks/results/continuity.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--precompact-runs", type=int, default=7)
    args = parser.parse_args()
    compile_plugin()
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "memory"), str(REPO / "hooks")], check=False)
    with tempfile.TemporaryDirectory() as tmp:
        home, project = os.path.join(tmp, "home"), os.path.join(tmp, "project")
        os.makedirs(project)
        subprocess.run(["git", "init", "-q", project], check=True)
        summary = latency(args.runs, home, project)
        print(markdown_table(summary))
        big = Path(tmp) / "compacted-20mb.jsonl"
        build_transcript(big, [REAL / "mclaude-cosmic-applet-compact.jsonl"], 20 * 1024 * 1024, False)
        flat = Path(tmp) / "uncompacted-20mb.jsonl"
        build_transcript(flat, TRANSCRIPTS, 20 * 1024 * 1024, True)
        pre_compact = {"compacted_before": pre_compact_time(big, home, project, args.precompact_runs),
                       "never_compacted": pre_compact_time(flat, home, project, args.precompact_runs)}
        print(json.dumps(pre_compact, indent=2))
        rate = success_rate(os.path.join(tmp, "home-rate"), project)
        print(f"handoff success: {rate['succeeded']}/{rate['sessions']}")
    write_result("continuity", {"latency": summary, "pre_compact_20mb": pre_compact, "handoff_success": rate,
                                "method": __doc__.strip()})


if __name__ == "__main__":
    main()
