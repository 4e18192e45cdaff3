"""The demo's human output: each replayed step, what Claude was shown, the summary and where to look next."""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from memory import paths
from memory.cli.common import shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    from memory.cli.demo_replay import Workspace

SHORT_BLOCK_LINES = 22  # a longer block of context is shortened in the human output unless --full
RULE = "=" * 78


class Printer:
    """Prints the replay step by step as it runs, then the summary."""

    def __init__(self, full: bool) -> None:
        self.full = full
        self.section: str | None = None
        self.stored = 0  # learnings the worker has stored so far in the replay

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
                why = ("nothing stored yet" if not self.stored else
                       "no relevant learning this session has not already seen")
                self._out(f"     Claude sees: nothing from the memory ({why})")
            return
        self._out(f"{_number(step)} {step['title']}  {timing}\n     {step['say']}")
        if step.get("updated_input"):
            narrowed = {k: step["updated_input"][k] for k in ("offset", "limit") if k in step["updated_input"]}
            limit = narrowed.get("limit")
            shown = "line 1" if limit == 1 else f"lines 1-{limit}"
            self._out(f"     The hook answers allow + updatedInput {json.dumps(narrowed)}: Claude Code reads only "
                      f"{shown}.")
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
        self.stored += len(step["learnings"])
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
