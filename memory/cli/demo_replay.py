"""The demo's replay engine: a recorded Claude Code session run through the real hook processes.

``Workspace`` holds the replay's folders (a copy of the sample project ``demo/project``, the transcripts, a memory
folder); ``Replay`` writes each transcript as far as Claude Code would have, applies recorded edits, runs
``sh hooks/run EVENT`` with the payload on stdin, and reads back the answer and the run the hook recorded. The
recording (``demo/recording``) is written by ``scripts/build_demo_recording.py``. The command is ``demo.py``; the
human output ``demo_printer.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from typing import Any, Iterator

from memory import paths

DEMO_DIR = os.path.join(paths.PLUGIN_ROOT, "demo")  # data, outside the runtime package
RECORDING = os.path.join(DEMO_DIR, "recording")
LAUNCHER = os.path.join(paths.PLUGIN_ROOT, "hooks", "run")
HOOK_TIMEOUT_S = 60
WORKER_TIMEOUT_S = 180
FAILED_OUTCOMES = ("error", "timeout", "bad_input")
WORKER_TITLE = "python -m memory worker run"


class StepFailed(Exception):
    """A step of the replay did not do what it must; the message says what."""


class Workspace:
    """The replay's folders: a copy of the sample project, the transcripts, the memory folder."""

    def __init__(self, home: str | None) -> None:
        self.root = os.path.realpath(tempfile.mkdtemp(prefix="memory-demo-"))
        self.project = os.path.join(self.root, "project")
        self.transcripts = os.path.join(self.root, "transcripts")
        self.own_home = home is None
        self.home = os.path.join(self.root, "memory-home") if home is None else os.path.abspath(home)
        shutil.copytree(os.path.join(DEMO_DIR, "project"), self.project,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        os.makedirs(self.transcripts)

    @property
    def db_path(self) -> str:
        """The replay's database."""
        return os.path.join(self.home, "memory.db")

    def substitute(self, value: Any) -> Any:
        """``value`` with the recording's ``{{PROJECT}}`` and ``{{TRANSCRIPTS}}`` replaced by real paths."""
        if isinstance(value, str):
            return value.replace("{{PROJECT}}", self.project).replace("{{TRANSCRIPTS}}", self.transcripts)
        if isinstance(value, list):
            return [self.substitute(v) for v in value]
        if isinstance(value, dict):
            return {k: self.substitute(v) for k, v in value.items()}
        return value

    def cleanup(self, keep: bool) -> None:
        """Remove the temporary folders (after any worker the hooks started has finished), unless kept."""
        if keep:
            return
        wait_for_idle_worker(self.home, WORKER_TIMEOUT_S)
        shutil.rmtree(self.root, ignore_errors=True)


def worker_is_running(home: str) -> bool:
    """True while a worker holds ``home``'s worker lock (see ``memory.worker``)."""
    from memory import locks

    return locks.is_held(os.path.join(home, "worker.lock"))


def wait_for_idle_worker(home: str, timeout_s: float) -> bool:
    """Wait until no worker runs on ``home``; False when one still runs after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while worker_is_running(home):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class Replay:
    """Runs the recorded steps against the workspace and reads back what each one left in the store."""

    def __init__(self, workspace: Workspace, env: dict[str, str]) -> None:
        self.ws = workspace
        self.env = env
        self._conn: sqlite3.Connection | None = None
        self._last_run_id = 0
        self._written: dict[str, int] = {}

    @property
    def db(self) -> sqlite3.Connection:
        """The replay's store (opened once the first hook created it)."""
        if self._conn is None:
            from memory import store

            self._conn = store.connect(self.ws.db_path)
        return self._conn

    def close(self) -> None:
        """Close the store."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def steps(self) -> Iterator[dict[str, Any]]:
        """Run each recorded step in turn; yield its result (with ``error`` set when it failed)."""
        with open(os.path.join(RECORDING, "replay.jsonl"), encoding="utf-8") as handle:
            recorded = [json.loads(line) for line in handle if line.strip()]
        for index, step in enumerate(recorded, start=1):
            step = self.ws.substitute(step)
            result = {"index": index, "section": step["section"], "say": step["say"]}
            if "event" in step:
                result.update(event=step["event"], title=step_title(step["event"], step["payload"], self.ws.project))
            else:
                result["title"] = WORKER_TITLE
            try:
                if step.get("run") == "worker":
                    result.update(self.run_worker())
                else:
                    result.update(self.run_hook(step))
            except (StepFailed, sqlite3.Error, OSError) as exc:
                result["error"] = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
            yield result

    # --- hooks -----------------------------------------------------------------------------------------

    def run_hook(self, step: dict[str, Any]) -> dict[str, Any]:
        """One hook call as Claude Code makes it; its answer, timing and recorded outcome."""
        event, payload = step["event"], step["payload"]
        result: dict[str, Any] = {"event": event, "title": step_title(event, payload, self.ws.project)}
        self._write_transcript(step["transcript"], step["lines"])
        if event == "PostToolUse":
            apply_edit(payload)
        started = time.perf_counter()
        try:
            proc = subprocess.run(["sh", LAUNCHER, event], input=json.dumps(payload).encode(), capture_output=True,
                                  env=self.env, cwd=self.ws.project, timeout=HOOK_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise StepFailed(f"{event} hook did not finish within {HOOK_TIMEOUT_S} s") from None
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        result["exit_code"] = proc.returncode
        if proc.returncode != 0:
            raise StepFailed(f"{event} hook exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-300:]}")
        answer = parse_answer(proc.stdout, event)
        specific = (answer or {}).get("hookSpecificOutput") or {}
        result["additional_context"] = specific.get("additionalContext")
        result["updated_input"] = specific.get("updatedInput")
        result.update(self._recorded_run(event))
        if result["outcome"] in FAILED_OUTCOMES:
            raise StepFailed(f"{event} hook failed open ({result['outcome']}): {result['detail']}")
        self._check_expectation(step.get("expect"), result)
        result.update(self._effects(event, payload))
        return result

    def _write_transcript(self, name: str, lines: int) -> None:
        """Append the session's transcript up to ``lines`` lines, as Claude Code would have written it by now.

        Appending (never rewriting) matters: a worker the hooks started may be reading the file meanwhile.
        """
        written = self._written.get(name, 0)
        with open(os.path.join(RECORDING, name), encoding="utf-8") as handle:
            new = [line for number, line in zip(range(lines), handle) if number >= written]
        with open(os.path.join(self.ws.transcripts, name), "a", encoding="utf-8") as handle:
            handle.write("".join(self.ws.substitute(line) for line in new))
        self._written[name] = max(written, lines)

    def _recorded_run(self, event: str) -> dict[str, Any]:
        """The outcome and in-process duration the hook recorded in ``hook_runs``."""
        if not os.path.exists(self.ws.db_path):
            raise StepFailed(f"{event} hook created no database at {self.ws.db_path} (see its log)")
        rows = self.db.execute("SELECT id, event, duration_ms, outcome, detail FROM hook_runs WHERE id > ? "
                               "ORDER BY id", (self._last_run_id,)).fetchall()
        mine = [row for row in rows if row["event"] == event]
        if rows:
            self._last_run_id = rows[-1]["id"]
        if not mine:
            raise StepFailed(f"{event} hook left no record of its run in hook_runs")
        row = mine[-1]
        return {"hook_ms": round(row["duration_ms"], 1), "outcome": row["outcome"], "detail": row["detail"]}

    @staticmethod
    def _check_expectation(expect: str | None, result: dict[str, Any]) -> None:
        if expect == "context" and not result["additional_context"]:
            raise StepFailed(f"{result['title']}: expected context for Claude, the hook gave none")
        if expect == "narrowed" and not (result["updated_input"] or {}).get("limit"):
            raise StepFailed(f"{result['title']}: expected the Read to be narrowed, it passed untouched")

    def _effects(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        """What the step left in the store that the demo shows: a narrowed Read's tokens, a saved handoff."""
        if event == "PreToolUse":
            row = self.db.execute("SELECT original_tokens, delivered_tokens FROM signature_reads "
                                  "WHERE tool_use_id = ?", (payload.get("tool_use_id"),)).fetchone()
            if row:
                original, delivered = row["original_tokens"], row["delivered_tokens"]
                return {"tokens": {"whole_read": original, "delivered": delivered, "saved": original - delivered}}
        if event in ("PreCompact", "SessionEnd"):
            row = self.db.execute("SELECT id, trigger, task, status, state_json FROM handoffs WHERE session_id = ? "
                                  "ORDER BY id DESC LIMIT 1", (payload["session_id"],)).fetchone()
            if row and (event == "PreCompact" or row["trigger"] == "session_end"):
                return {"handoff": handoff_summary(row)}
        return {}

    # --- worker ----------------------------------------------------------------------------------------

    def run_worker(self) -> dict[str, Any]:
        """``python -m memory worker run`` in the foreground, after any worker the hooks started."""
        started = time.perf_counter()
        deadline = time.monotonic() + WORKER_TIMEOUT_S
        while True:
            if not wait_for_idle_worker(self.ws.home, max(0.0, deadline - time.monotonic())):
                raise StepFailed(f"a background worker was still running after {WORKER_TIMEOUT_S} s")
            proc = self.cli("worker", "run", "--json")
            if proc.returncode == 0:
                break
            if "another worker is running" not in proc.stderr or time.monotonic() > deadline:
                raise StepFailed(f"worker run exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
        wait_for_idle_worker(self.ws.home, max(0.0, deadline - time.monotonic()))
        jobs = {row[0]: row[1] for row in self.db.execute("SELECT status, count(*) FROM jobs GROUP BY status")}
        result = {"title": WORKER_TITLE, "ms": round((time.perf_counter() - started) * 1000, 1),
                  "exit_code": proc.returncode, "this_run": json.loads(proc.stdout or "{}"), "jobs": jobs,
                  "learnings": self.learnings()}
        if jobs.get("failed"):
            raise StepFailed(f"{jobs['failed']} worker job(s) failed: see `python -m memory worker`")
        if not result["learnings"]:
            raise StepFailed("the worker stored no learnings from the session")
        return result

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """``memory ARGS`` in the project copy, on the replay's memory folder (through the plugin's own script,
        so the project's files never shadow the plugin's)."""
        script = os.path.join(paths.PLUGIN_ROOT, "hooks", "run.py")
        return subprocess.run([sys.executable, script, "cli", *args], capture_output=True, text=True,
                              env=self.env, cwd=self.ws.project, timeout=WORKER_TIMEOUT_S)

    # --- reading the store -----------------------------------------------------------------------------

    def learnings(self) -> list[dict[str, Any]]:
        """The stored learnings, oldest first."""
        rows = self.db.execute("SELECT id, category, text, confidence, project_id FROM learnings "
                               "WHERE forgotten_at IS NULL ORDER BY id").fetchall()
        return [{"id": r["id"], "category": r["category"], "text": r["text"], "confidence": r["confidence"],
                 "scope": "global" if r["project_id"] is None else "project"} for r in rows]

    def summary(self, steps: list[dict[str, Any]]) -> dict[str, Any]:
        """The closing numbers: hook latencies, tokens saved, handoffs, learnings stored and recalled."""
        reads = self.db.execute("SELECT path, original_tokens, delivered_tokens, followup_tokens "
                                "FROM signature_reads ORDER BY id").fetchall()
        handoffs = self.db.execute("SELECT id, trigger, task, status, state_json, resumed_at FROM handoffs "
                                   "ORDER BY id").fetchall()
        recalls = self.db.execute("SELECT r.learning_id, r.session_id, r.event, l.category, l.text FROM recalls r "
                                  "JOIN learnings l ON l.id = r.learning_id ORDER BY r.id").fetchall()
        original = sum(r["original_tokens"] for r in reads)
        saved = sum(r["original_tokens"] - r["delivered_tokens"] - r["followup_tokens"] for r in reads)
        learnings = self.learnings()
        return {
            "hooks": latency_summary([s for s in steps if "event" in s]),
            "tokens": {"whole_reads": original, "saved": saved,
                       "saved_pct": round(100 * saved / original) if original else 0,
                       "files": [{"path": os.path.relpath(r["path"], self.ws.project),
                                  "whole_read": r["original_tokens"], "delivered": r["delivered_tokens"],
                                  "followup": r["followup_tokens"]} for r in reads]},
            "handoffs": [dict(handoff_summary(r), resumed=r["resumed_at"] is not None) for r in handoffs],
            "learnings_stored": len(learnings),
            "learnings": learnings,
            "recalled": [{"learning_id": r["learning_id"], "session_id": r["session_id"], "event": r["event"],
                          "category": r["category"], "text": r["text"]} for r in recalls],
        }

    def status(self, as_json: bool) -> Any:
        """``python -m memory status`` on the replay's memory folder (data with ``as_json``, else its text)."""
        proc = self.cli("status", *(["--json"] if as_json else []))
        if proc.returncode != 0:
            return {"error": proc.stderr.strip()} if as_json else f"(status failed: {proc.stderr.strip()})"
        return json.loads(proc.stdout) if as_json else proc.stdout.rstrip()


def step_title(event: str, payload: dict[str, Any], project: str) -> str:
    """``PreToolUse Read inventory/pricing.py``, ``SessionStart (compact)``, ``PostToolUse TaskUpdate``."""
    tool = payload.get("tool_name")
    if tool:
        path = (payload.get("tool_input") or {}).get("file_path")
        shown = f" {os.path.relpath(path, project)}" if isinstance(path, str) and tool == "Read" else ""
        return f"{event} {tool}{shown}"
    qualifier = payload.get("source") or payload.get("trigger") or payload.get("reason")
    return f"{event} ({qualifier})" if qualifier else event


def apply_edit(payload: dict[str, Any]) -> None:
    """Make a recorded Edit on the project copy, as Claude Code does before PostToolUse."""
    if payload.get("tool_name") != "Edit":
        return
    tool_input = payload["tool_input"]
    path = tool_input["file_path"]
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if text.count(tool_input["old_string"]) != 1:
        raise StepFailed(f"the recorded Edit of {path} does not match the sample project")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace(tool_input["old_string"], tool_input["new_string"]))


def parse_answer(stdout: bytes, event: str) -> dict[str, Any] | None:
    """The hook's JSON answer (None when it printed nothing); anything else is a failed step."""
    text = stdout.decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        answer = json.loads(text)
    except ValueError:
        raise StepFailed(f"{event} hook printed something that is not JSON: {text[:200]!r}") from None
    if not isinstance(answer, dict):
        raise StepFailed(f"{event} hook answered a JSON {type(answer).__name__}, not an object")
    return answer


def handoff_summary(row: sqlite3.Row) -> dict[str, Any]:
    """A stored handoff in brief: its task, status, modified files and open todos."""
    state = json.loads(row["state_json"] or "{}")
    todos = [t for t in state.get("todos") or [] if isinstance(t, dict)]
    return {"id": row["id"], "trigger": row["trigger"], "task": row["task"], "status": row["status"],
            "files_modified": state.get("files_modified") or [],
            "open_todos": [t.get("content") for t in todos if t.get("status") in ("pending", "in_progress")]}


def latency_summary(hook_steps: list[dict[str, Any]]) -> dict[str, Any]:
    """Hook timings: per event and overall, as the process took (``ms``) and inside the hook (``hook_ms``)."""
    by_event: dict[str, dict[str, Any]] = {}
    for event in dict.fromkeys(s["event"] for s in hook_steps):
        mine = [s for s in hook_steps if s["event"] == event]
        by_event[event] = {"runs": len(mine), **_spread([s["ms"] for s in mine], "ms"),
                           **_spread([s["hook_ms"] for s in mine], "hook_ms")}
    return {"runs": len(hook_steps), "all_exit_0": all(s["exit_code"] == 0 for s in hook_steps),
            "outcomes": {o: sum(1 for s in hook_steps if s["outcome"] == o)
                         for o in sorted({s["outcome"] for s in hook_steps})},
            **_spread([s["ms"] for s in hook_steps], "ms"), **_spread([s["hook_ms"] for s in hook_steps], "hook_ms"),
            "by_event": by_event}


def _spread(values: list[float], name: str) -> dict[str, float]:
    ordered = sorted(values)
    return {f"p50_{name}": round(ordered[len(ordered) // 2], 1), f"max_{name}": round(ordered[-1], 1)} \
        if ordered else {}
