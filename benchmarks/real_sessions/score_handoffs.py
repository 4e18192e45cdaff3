"""Handoff quality on labelled real sessions: replay each session through the hooks, score each handoff field by field.

    python -m benchmarks.real_sessions.score_handoffs [--subprocess] [--session STEM] [--show]

Gold: ``benchmarks/real_sessions/<stem>/handoff.json`` -- one gold handoff per compaction (the state just before
its ``compact_boundary`` line) and one for the end of the session, labelled by reading the transcript through
``condense.py`` before this scorer existed (see the README for who labelled what).

Replay: the transcript is read line by line up to each gold point. Every tool call the plugin's hooks.json
matches (Read, Edit, Write, Bash, TodoWrite, Task*) becomes the PostToolUse payload Claude Code sends
(``PostToolUseFailure`` with the error text for a failed call; nothing for a call the user rejected, which
Claude Code never runs), with the project path moved to a temporary git repository. At a compaction point
the PreCompact hook runs on the transcript as it was then, then PostCompact with the summary Claude Code
wrote after the boundary (``--no-post-compact``: as an older Claude Code without that event); at the end,
SessionEnd. Hooks run in-process
through ``memory.hooks.runtime.main`` -- the function ``hooks/run`` calls -- or, with ``--subprocess``, as
whole hook processes. The handoff scored is the newest one stored for the session, rendered exactly as
SessionStart gives it to Claude (``restore.render``, ``continuity.handoff_tokens``).

Fields:
- files: F1 of the handoff's modified files against the gold set (both empty counts 1.0);
- status: exact match;
- current request: every gold term (``a|b`` = either) in the headline line Claude receives;
- decisions / results: recall of the gold items, an item found when one of its terms appears in the rendered
  Decisions / User instructions / Plan / Recap (resp. Results / Recap) lines;
- blockers: precision of the rendered Blockers lines, a line correct when it matches an open gold blocker
  (nothing stale); with nothing shown there is nothing wrong.
Figures per session and for groups of sessions: English, non-English, non-English real (written sessions
excluded), real, all.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import REPO, write_result

HERE = Path(__file__).resolve().parent
TRACKED = {"Read", "Edit", "MultiEdit", "Write", "NotebookEdit", "Bash", "TodoWrite", "TaskCreate", "TaskUpdate"}
REJECTED = ("The user doesn't want to proceed with this tool use", "The user doesn't want to take this action",
            "[Request interrupted by user for tool use]")
# Figures are given for these groups of sessions: (language, origin) -> belongs.
GROUPS = {
    "en": lambda lang, origin: lang == "en",
    "non_en": lambda lang, origin: lang != "en",
    "non_en_real": lambda lang, origin: lang != "en" and origin == "real",
    "real": lambda lang, origin: origin == "real",
    "all": lambda lang, origin: True,
}
DECISION_SECTIONS = ("Decisions", "User instructions", "Plan", "Recap")
RESULT_SECTIONS = ("Results", "Recap")


def gold_sessions(only: str | None = None) -> list[dict]:
    """Every gold handoff file (one per session), sorted by session name."""
    docs = []
    for path in sorted(HERE.glob("*/handoff.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if only and doc["session"] != only:
            continue
        docs.append(doc)
    return docs


class Replayer:
    """Feeds one transcript to the hooks, in order, as Claude Code would have while it was written."""

    def __init__(self, doc: dict, tmp: Path, use_subprocess: bool) -> None:
        self.root = doc["root"]
        self.project = tmp / "project"
        self.project.mkdir()
        subprocess.run(["git", "init", "-q", str(self.project)], check=True)
        self.home = tmp / "home"
        self.transcript = tmp / "transcript.jsonl"
        self.session_id = f"gold-{doc['session']}"
        self.lines = (REPO / doc["transcript"]).read_text(encoding="utf-8", errors="replace").splitlines()
        self.done = 0  # lines replayed so far
        self.calls: dict[str, dict] = {}
        self.subprocess = use_subprocess
        self.no_post_compact = False
        self.sent = 0

    def rebase(self, text: str) -> str:
        """``text`` with the recorded project folder moved to our temporary project."""
        return text.replace(self.root, str(self.project))

    def run_until(self, line: int | None) -> None:
        """Send the tool calls of lines ``done+1 .. line-1`` (all lines with None)."""
        stop = len(self.lines) if line is None else min(line - 1, len(self.lines))
        for number in range(self.done, stop):
            self._line(self.rebase(self.lines[number]))
        self.done = max(self.done, stop)
        self.transcript.write_text("\n".join(self.rebase(t) for t in self.lines[:stop]) + "\n", encoding="utf-8")

    def _line(self, raw: str) -> None:
        try:
            obj = json.loads(raw)
        except ValueError:
            return
        if not isinstance(obj, dict):
            return
        message = obj.get("message") if isinstance(obj.get("message"), dict) else {}
        content = message.get("content")
        if not isinstance(content, list):
            return
        results = [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"]
        for block in content:
            if isinstance(block, dict) and block.get("type") == "tool_use" and block.get("name") in TRACKED:
                self.calls[str(block.get("id"))] = {"name": block["name"], "input": block.get("input") or {},
                                                    "cwd": obj.get("cwd")}
        for block in results:
            call = self.calls.pop(str(block.get("tool_use_id")), None)
            if call is None:
                continue
            text = _result_text(block.get("content"))
            if block.get("is_error") and any(marker in text for marker in REJECTED):
                continue  # a rejected call never ran: no PostToolUse
            payload = {"session_id": self.session_id, "transcript_path": str(self.transcript),
                       "cwd": self._cwd(call["cwd"]), "tool_name": call["name"], "tool_input": call["input"],
                       "tool_use_id": str(block.get("tool_use_id"))}
            if block.get("is_error"):
                payload.update(hook_event_name="PostToolUseFailure", error=text)
            else:
                structured = obj.get("toolUseResult") if len(results) == 1 else None
                payload.update(hook_event_name="PostToolUse", tool_response=structured if structured is not None else text)
            self.send(payload["hook_event_name"], payload)

    def _cwd(self, cwd: str | None) -> str:
        if not cwd or not cwd.startswith(str(self.project)):
            return str(self.project)
        os.makedirs(cwd, exist_ok=True)
        return cwd

    def send(self, event: str, payload: dict) -> None:
        """Run one hook event (in-process through the runtime, or as a hook process)."""
        self.sent += 1
        data = json.dumps(payload).encode()
        if self.subprocess:
            subprocess.run(["sh", str(REPO / "hooks" / "run"), event], input=data, capture_output=True, check=False,
                           env={**os.environ, "MEMORY_HOME": str(self.home), "MEMORY_PYTHON": sys.executable})
            return
        from memory.hooks import runtime

        runtime.main(event, stdin=io.BytesIO(data), stdout=io.StringIO())

    def checkpoint(self, point: dict) -> None:
        """The hook Claude Code runs at this gold point."""
        common = {"session_id": self.session_id, "transcript_path": str(self.transcript), "cwd": str(self.project)}
        if point["at"] == "compaction":
            self.send("PreCompact", {**common, "hook_event_name": "PreCompact", "trigger": "auto",
                                     "custom_instructions": None})
            summary = self.compact_summary(point["line"])
            if summary and not self.no_post_compact:
                self.send("PostCompact", {**common, "hook_event_name": "PostCompact", "trigger": "auto",
                                          "compact_summary": summary})
        else:
            self.send("SessionEnd", {**common, "hook_event_name": "SessionEnd", "reason": "other"})

    def compact_summary(self, boundary_line: int) -> str | None:
        """The summary Claude Code wrote after the compact boundary at ``boundary_line`` (what PostCompact
        carries), without the "This session is being continued…" preamble."""
        for raw in self.lines[boundary_line:boundary_line + 6]:
            try:
                obj = json.loads(raw)
            except ValueError:
                continue
            if isinstance(obj, dict) and obj.get("isCompactSummary"):
                content = (obj.get("message") or {}).get("content")
                text = _result_text(content) if isinstance(content, list) else content
                if isinstance(text, str):
                    return text.split("summarized below:", 1)[-1].strip()
        return None

    def handoff(self) -> tuple[dict, str]:
        """The session's newest handoff state and the block SessionStart would give Claude."""
        import sqlite3

        from memory.config import load_settings
        from memory.continuity import restore

        conn = sqlite3.connect(self.home / "memory.db")
        conn.row_factory = sqlite3.Row
        try:
            row = conn.execute("SELECT * FROM handoffs WHERE session_id = ? ORDER BY id DESC LIMIT 1",
                               (self.session_id,)).fetchone()
        finally:
            conn.close()
        if row is None:
            return {}, ""
        tokens = load_settings(str(self.project)).continuity.handoff_tokens
        return json.loads(row["state_json"]), restore.render(row, "next-session", tokens)


def _result_text(content) -> str:
    if isinstance(content, list):
        return "\n".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")
    return content if isinstance(content, str) else ""


# --- scoring ------------------------------------------------------------------------------------------


def sections(rendered: str) -> dict[str, list[str]]:
    """The rendered block's lines grouped by section title (``Title: inline`` or ``Title:`` then ``- item``)."""
    found: dict[str, list[str]] = {"headline": rendered.splitlines()[:1]}
    current = None
    for line in rendered.splitlines()[1:]:
        if line.startswith("- ") and current:
            found.setdefault(current, []).append(line[2:])
            continue
        title, sep, rest = line.partition(":")
        current = title.split(" (")[0].strip() if sep else None
        if current and rest.strip():
            found.setdefault(current, []).append(rest.strip())
    return found


def term_in(term: str, text: str) -> bool:
    """``term`` (alternatives separated by ``|``) occurs in ``text``, case-insensitively."""
    low = text.casefold()
    return any(alt.strip().casefold() in low for alt in term.split("|") if alt.strip())


def item_found(item: dict, text: str) -> bool:
    """A gold item is found when any of its terms is."""
    return any(term_in(term, text) for term in item["terms"])


def files_f1(predicted: list[str], gold: list[str]) -> float:
    """F1 of two file sets (paths compared as written, ``./`` dropped)."""
    pred = {p.removeprefix("./") for p in predicted}
    want = {g.removeprefix("./") for g in gold}
    if not pred and not want:
        return 1.0
    hits = len(pred & want)
    if not hits:
        return 0.0
    precision, recall = hits / len(pred), hits / len(want)
    return 2 * precision * recall / (precision + recall)


def score_point(point: dict, state: dict, rendered: str) -> dict:
    """Field scores of one handoff against its gold point."""
    parts = sections(rendered)
    decision_text = "\n".join(line for name in DECISION_SECTIONS for line in parts.get(name, []))
    result_text = "\n".join(line for name in RESULT_SECTIONS for line in parts.get(name, []))
    headline = "\n".join(parts.get("headline", []))
    shown_blockers = parts.get("Blockers", [])
    stale = [b for b in shown_blockers if not any(item_found(g, b) for g in point["open_blockers"])]
    return {
        "at": point["at"], "line": point.get("line"),
        "files_f1": round(files_f1(state.get("files_modified", []), point["files_modified"]), 3),
        "status_ok": state.get("status") == point["status"], "status": state.get("status"), "gold_status": point["status"],
        "request_ok": bool(rendered) and all(term_in(t, headline) for t in point["current_request_terms"]),
        "headline": headline[:200],
        "decisions_found": sum(item_found(d, decision_text) for d in point["decisions"]),
        "decisions_total": len(point["decisions"]),
        "decisions_missed": [d["text"] for d in point["decisions"] if not item_found(d, decision_text)],
        "results_found": sum(item_found(r, result_text) for r in point["results"]),
        "results_total": len(point["results"]),
        "blockers_shown": len(shown_blockers), "blockers_stale": stale,
        "blockers_gold_found": sum(any(item_found(g, b) for b in shown_blockers) for g in point["open_blockers"]),
        "blockers_gold": len(point["open_blockers"]),
        "tokens_estimate": len(rendered) // 4,
    }


def aggregate(points: list[dict]) -> dict:
    """Overall figures of a list of scored points."""
    if not points:
        return {"points": 0}
    shown = sum(p["blockers_shown"] for p in points)
    stale = sum(len(p["blockers_stale"]) for p in points)
    dec_total = sum(p["decisions_total"] for p in points)
    res_total = sum(p["results_total"] for p in points)
    gold_blockers = sum(p["blockers_gold"] for p in points)
    return {
        "points": len(points),
        "files_f1": round(sum(p["files_f1"] for p in points) / len(points), 3),
        "status_correct": round(sum(p["status_ok"] for p in points) / len(points), 3),
        "current_request_correct": round(sum(p["request_ok"] for p in points) / len(points), 3),
        "decisions_recall": round(sum(p["decisions_found"] for p in points) / dec_total, 3) if dec_total else None,
        "results_recall": round(sum(p["results_found"] for p in points) / res_total, 3) if res_total else None,
        "blockers_precision": round((shown - stale) / shown, 3) if shown else 1.0,
        "blockers_shown": shown,
        "blockers_recall": round(sum(p["blockers_gold_found"] for p in points) / gold_blockers, 3) if gold_blockers else None,
    }


def run_session(doc: dict, use_subprocess: bool, show: bool, post_compact: bool = True) -> list[dict]:
    """Replay one session and score every gold point."""
    scored = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MEMORY_HOME"] = str(Path(tmp) / "home")
        for feature in ("SIGNATURES", "LEARNING", "RECALL"):
            os.environ[f"MEMORY_{feature}_ENABLED"] = "0"
        replay = Replayer(doc, Path(tmp), use_subprocess)
        replay.no_post_compact = not post_compact
        for point in doc["points"]:
            replay.run_until(point.get("line") if point["at"] == "compaction" else None)
            replay.checkpoint(point)
            state, rendered = replay.handoff()
            if show:
                print(f"----- {doc['session']} @ {point['at']} {point.get('line')}\n{rendered}\n")
            scored.append(score_point(point, state, rendered))
    return scored


def main() -> None:
    """Score every labelled session; print the table; write benchmarks/results/handoffs.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subprocess", action="store_true", help="run whole hook processes (slower)")
    parser.add_argument("--session", help="only this session (transcript stem)")
    parser.add_argument("--show", action="store_true", help="print each rendered handoff")
    parser.add_argument("--no-post-compact", action="store_true", help="replay as a Claude Code without PostCompact")
    args = parser.parse_args()
    per_session = {}
    groups: dict[str, list] = {name: [] for name in GROUPS}
    for doc in gold_sessions(args.session):
        points = run_session(doc, args.subprocess, args.show, not args.no_post_compact)
        origin = doc.get("origin", "real")
        per_session[doc["session"]] = {"language": doc["language"], "origin": origin, "summary": aggregate(points),
                                       "points": points}
        for name in GROUPS:
            if GROUPS[name](doc["language"], origin):
                groups[name].extend(points)
    overall = {name: aggregate(points) for name, points in groups.items()}
    print(table(per_session, overall))
    if not args.session and not args.no_post_compact:
        write_result("handoffs", {"overall": overall, "sessions": per_session, "method": __doc__.strip()})


def table(per_session: dict, overall: dict) -> str:
    """A Markdown table: one row per session, then the overall rows."""
    cols = ("files_f1", "status_correct", "current_request_correct", "decisions_recall", "results_recall",
            "blockers_precision")
    lines = ["| session | lang | origin | points | files F1 | status | current request | decisions | results "
             "| blockers precision |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name, entry in per_session.items():
        s = entry["summary"]
        lines.append(f"| {name} | {entry['language']} | {entry['origin']} | {s['points']} | "
                     + " | ".join(str(s.get(c)) for c in cols) + " |")
    for name in GROUPS:
        s = overall[name]
        if s.get("points"):
            lines.append(f"| **{name}** | | | {s['points']} | " + " | ".join(f"**{s.get(c)}**" for c in cols) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
