"""``python -m memory demo``: replay a recorded Claude Code session through the real hooks, and show what Claude sees.

The sample project (``memory/demo/project``) is copied into a temporary folder and a temporary memory folder
is used, so the user's own memory is never touched (unless ``--home`` names one). The recording
(``memory/demo/recording``, written by ``scripts/build_demo_recording.py``) is a sequence of real hook payloads
plus the session transcripts in Claude Code's JSONL shape. Each step writes the transcript as far as Claude
Code would have written it, applies a recorded Edit to the project copy, then runs ``sh hooks/run EVENT``
with the payload on stdin -- exactly as Claude Code runs a hook -- and reads back its answer and the run the
hook recorded. After the first session the worker runs in the foreground; a second session then shows what
was learned. Offline, no API key: the rules extractor and the built-in embedder, unless asked otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from typing import Any, Iterator

from memory import paths
from memory.cli.common import add_command, print_json, shorten

DEMO_DIR = os.path.join(paths.PLUGIN_ROOT, "memory", "demo")
RECORDING = os.path.join(DEMO_DIR, "recording")
LAUNCHER = os.path.join(paths.PLUGIN_ROOT, "hooks", "run")
HOOK_TIMEOUT_S = 60
WORKER_TIMEOUT_S = 180
FAILED_OUTCOMES = ("error", "timeout", "bad_input")
SHORT_BLOCK_LINES = 22  # a longer block of context is shortened in the human output unless --full
RULE = "=" * 78
WORKER_TITLE = "python -m memory worker run"


class StepFailed(Exception):
    """A step of the replay did not do what it must; the message says what."""


def register(subparsers: Any) -> None:
    """Add the ``demo`` command."""
    parser = add_command(
        subparsers, "demo", run, "replay a recorded session through the real hooks on a sample project",
        description="Replay a recorded Claude Code session through the plugin's real hook scripts on a sample "
                    "project, in temporary folders, and show exactly what Claude would see at each step.")
    parser.add_argument("--home", help="memory folder to use and keep (default: a temporary one, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project and memory folders")
    parser.add_argument("--full", action="store_true", help="print long context blocks in full")
    parser.add_argument("--embeddings", default="builtin", choices=("builtin", "auto", "ollama"),
                        help="embeddings provider for the replay (default: builtin, offline)")
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


# --- steps ---------------------------------------------------------------------------------------------


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


# --- output for people ---------------------------------------------------------------------------------


class Printer:
    """Prints the replay step by step as it runs, then the summary."""

    def __init__(self, full: bool) -> None:
        self.full = full
        self.section: str | None = None

    def intro(self, ws: Workspace) -> None:
        """What is about to happen, and where."""
        home_note = "temporary" if ws.own_home else "yours, kept"
        self._out(f"compound-memory demo: a recorded Claude Code session replayed through the real hook scripts\n"
                  f"  project copy:  {ws.project}  (inventory/pricing.py, web/cart.ts, tests/)\n"
                  f"  memory folder: {ws.home}  ({home_note})\n"
                  f"  each hook runs as Claude Code runs it: `sh hooks/run EVENT`, the JSON payload on stdin")

    def step(self, step: dict[str, Any]) -> None:
        """One step: its event, how long its process took, and what Claude sees."""
        if step["section"] != self.section:
            self.section = step["section"]
            self._heading(self.section)
        timing = f"{step['ms']:,.0f} ms" if "ms" in step else ""
        if step.get("error"):
            self._out(f"{_number(step)} {step.get('title', '')}  {timing}\n     FAILED: {step['error']}")
            return
        if "learnings" in step:
            self._worker(step, timing)
            return
        if not (step.get("additional_context") or step.get("handoff") or step.get("updated_input")):
            self._out(f"{_number(step)} {step['title']:<37} {timing:>7}  {step['say']}")
            if step["event"] in ("SessionStart", "UserPromptSubmit"):
                self._out("     Claude sees: nothing from the memory (nothing relevant stored yet)")
            return
        self._out(f"{_number(step)} {step['title']}  {timing}\n     {step['say']}")
        if step.get("updated_input"):
            narrowed = {k: step["updated_input"][k] for k in ("offset", "limit") if k in step["updated_input"]}
            self._out(f"     The hook answers allow + updatedInput {json.dumps(narrowed)}: Claude Code reads only "
                      f"lines 1-{narrowed.get('limit')}.")
        if step.get("additional_context"):
            label = "after those lines" if step.get("updated_input") else "as a system reminder"
            self._out(f"     Claude sees, {label}:")
            self._block(step["additional_context"])
        if step.get("tokens"):
            t = step["tokens"]
            pct = round(100 * t["saved"] / t["whole_read"]) if t["whole_read"] else 0
            self._out(f"     Tokens: a whole Read ~{t['whole_read']:,}; delivered ~{t['delivered']:,} (head + outline); "
                      f"saved ~{t['saved']:,} ({pct}%)")
        if step.get("handoff"):
            self._out("     " + describe_handoff(step["handoff"]))

    def _worker(self, step: dict[str, Any], timing: str) -> None:
        jobs = ", ".join(f"{n} {s}" for s, n in sorted(step["jobs"].items()))
        self._out(f"{_number(step)} {step['title']}  {timing}\n     {step['say']}\n     Jobs: {jobs}\n"
                  f"     Learnings stored ({len(step['learnings'])}):")
        for item in step["learnings"]:
            scope = ", global" if item["scope"] == "global" else ""
            self._out(f"       #{item['id']} [{item['category']}{scope}] {item['text']}")

    def summary(self, summary: dict[str, Any], status_text: str) -> None:
        """The closing numbers and ``python -m memory status``."""
        self._heading("Summary")
        hooks = summary["hooks"]
        outcomes = ", ".join(f"{n} {o}" for o, n in hooks["outcomes"].items())
        self._out(f"Hooks: {hooks['runs']} runs, every one exited 0 ({outcomes}); process time p50 "
                  f"{hooks['p50_ms']:.0f} ms, max {hooks['max_ms']:.0f} ms (interpreter start included; inside "
                  f"the hook p50 {hooks['p50_hook_ms']:.0f} ms)")
        for event, stats in hooks["by_event"].items():
            self._out(f"  {event:<20} {stats['runs']:>2} runs  p50 {stats['p50_ms']:>5.0f} ms  max "
                      f"{stats['max_ms']:>5.0f} ms  (in hook p50 {stats['p50_hook_ms']:.0f} ms)")
        tokens = summary["tokens"]
        self._out(f"Tokens: {len(tokens['files'])} large Reads narrowed, ~{tokens['saved']:,} of "
                  f"~{tokens['whole_reads']:,} tokens saved ({tokens['saved_pct']}%, net of the later ranged "
                  f"Reads of the same files)")
        for handoff in summary["handoffs"]:
            restored = "restored" if handoff["resumed"] else "not restored yet"
            task = shorten(handoff["task"] or "", 70)
            self._out(f"Handoff #{handoff['id']} ({handoff['trigger']}, {restored}): {task}")
        recalled = summary["recalled"]
        where = ", ".join(f"{n} at {e}" for e, n in Counter(r["event"] for r in recalled).items())
        self._out(f"Learnings: {summary['learnings_stored']} stored; {len(recalled)} recalled"
                  + (f" in the next session ({where})" if recalled else ""))
        self._heading("python -m memory status (the demo's memory folder)")
        self._out(status_text)

    def ending(self, report: dict[str, Any], ws: Workspace) -> None:
        """Success or the failed step, and where the folders are (or that they are gone)."""
        print()
        if report["ok"]:
            print("Demo finished: every step did its part.")
        else:
            failed = report["failed_step"]
            print(f"Demo FAILED at step {failed['index']} ({failed['title']}): {failed['error']}")
        if report["kept"] or not ws.own_home:
            print(f"Kept: project copy {ws.project}, memory folder {ws.home}" if os.path.isdir(ws.root)
                  else f"Kept: memory folder {ws.home}")
            if report["ok"]:
                look = f"cd {ws.project} && " if os.path.isdir(ws.project) else ""
                print(f"  look around: {look}MEMORY_HOME={ws.home} PYTHONPATH={paths.PLUGIN_ROOT} "
                      f"python -m memory learnings")
        else:
            print("Temporary folders removed; your own memory was not touched. (--keep keeps them.)")

    def _heading(self, title: str) -> None:
        self._out(f"\n== {title} " + "=" * max(3, len(RULE) - len(title) - 4))

    def _block(self, text: str) -> None:
        lines = text.splitlines()
        shown = lines if self.full or len(lines) <= SHORT_BLOCK_LINES else lines[:SHORT_BLOCK_LINES - 2]
        for line in shown:
            self._out(f"       | {line}")
        if len(shown) < len(lines):
            self._out(f"       | … {len(lines) - len(shown)} more lines (--full shows all)")

    @staticmethod
    def _out(text: str) -> None:
        print(text, flush=True)


def _number(step: dict[str, Any]) -> str:
    return f"[{step['index']:>2}]"


def describe_handoff(handoff: dict[str, Any]) -> str:
    """One line about a saved handoff."""
    files = ", ".join(handoff["files_modified"]) or "none"
    todos = f"; open todos: {'; '.join(handoff['open_todos'])}" if handoff["open_todos"] else ""
    return (f"Handoff #{handoff['id']} saved ({handoff['trigger']}): status {handoff['status']}; "
            f"modified: {files}{todos}")
