"""Plan progress files (seed 003 "Resilient Progress Tracking"): file-based progress that survives anything.

A *plan* is a Markdown file in the project's ``planning/`` folder with checkbox tasks (``- [ ] …`` or
``- [x] …``; ``*`` and numbered items work too). Next to ``planning/<plan>.md`` we keep
``<plan>-progress.json`` (machine state) and ``<plan>-progress.md`` (a dashboard: ✅ done, 🔄 in progress,
pending), written atomically. They are created the first time a task status change matches one of the
plan's lines, and never when there is no ``planning/`` folder or no plan: nothing else is ever written in
the user's repository, and the plan itself is not modified.

Status changes come from TaskCreate/TaskUpdate and TodoWrite (``in_progress`` -> 🔄, ``completed`` -> ✅).
A ``git commit`` in Bash whose output shows the new commit (``[main 1a2b3c4] message``) stamps its hash on
every task that is done and has no commit yet: the commit follows their completion.

Matching a task to a plan line: both texts are normalized (lower case; list numbering, ``Task 3:``
prefixes, Markdown marks, emoji, commit references and punctuation removed; a few common English suffixes
stripped; stop words dropped) into word sets. Equal texts, or one containing the other (3+ words), score 1;
otherwise the score is the Dice coefficient of the word sets, 2|A∩B| / (|A|+|B|). The best-scoring line of
all plans wins if it scores at least ``MATCH_THRESHOLD`` (0.7); on a tie, a line not done yet wins.
"""

from __future__ import annotations

import json
import os
import re

from memory import paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from memory.continuity.events import Event

MATCH_THRESHOLD = 0.7
CHECKBOX = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s+(.+?)\s*$")
STATUS_MAP = {"completed": "done", "done": "done", "in_progress": "in_progress", "pending": "pending"}
STOP_WORDS = frozenset("a an the and or of to for in on with by from into at as is be it this that".split())
_NUMBERING = re.compile(r"^(?:(?:task|step|phase)\s*\d+[a-z]?\s*[:.)-]\s*|\d+(?:\.\d+)*[.)]?\s+)", re.I)
_COMMIT_REF = re.compile(r"\(?\b(?:commit\s+)?(?=[0-9a-f]*\d)[0-9a-f]{7,40}\b\)?")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_MARKS = re.compile("[\u2705\U0001f504\u2713\u2714\u274c\u23f3]")


def apply_event(session_id: str, plans_dir: str, event: Event) -> list[str]:
    """Update the progress files of the plans in ``plans_dir`` for one event; return the files written.

    A task event names its task's subject (``tracking.record`` completes one that gave only the id).
    """
    plans = find_plans(plans_dir)
    if not plans:
        return []
    changes = _status_changes(event)
    commit = event.data.get("commit") if event.kind == "bash" else None
    if not changes and not commit:
        return []
    with _plans_lock(plans_dir):
        return update(plans, changes, commit, session_id)


def find_plans(plans_dir: str) -> list[str]:
    """The plan files in ``plans_dir`` (Markdown, not our own progress dashboards), sorted."""
    try:
        names = sorted(os.listdir(plans_dir))
    except OSError:
        return []
    return [os.path.join(plans_dir, n) for n in names
            if n.endswith(".md") and not n.endswith("-progress.md") and os.path.isfile(os.path.join(plans_dir, n))]


def parse_plan(path: str) -> list[dict[str, Any]]:
    """The plan's checkbox tasks: line number, text, and whether it is ticked."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read(2_000_000).splitlines()
    except OSError:
        return []
    tasks = []
    for number, line in enumerate(lines, start=1):
        match = CHECKBOX.match(line)
        if match:
            tasks.append({"line": number, "text": match.group(2), "ticked": match.group(1) != " "})
    return tasks


def update(plans: list[str], changes: list[tuple[str, str]], commit: str | None, session_id: str) -> list[str]:
    """Apply status changes and a commit to the plans' progress; write the progress files that changed."""
    from memory.store import now_iso

    now = now_iso()
    states = {plan: load_progress(plan) for plan in plans}
    states = {plan: state for plan, state in states.items() if state["tasks"]}
    touched: set[str] = set()
    for text, status in changes:
        found = best_match(text, states)
        if found is None:
            continue
        plan, task = found
        if task["status"] != status:
            task.update(status=status, updated_at=now, session_id=session_id, matched=text)
            if status != "done":
                task["commit"] = None
            touched.add(plan)
    if commit:
        for plan, state in states.items():
            if not os.path.exists(progress_paths(plan)[0]) and plan not in touched:
                continue  # no progress kept for this plan yet: a commit alone does not start it
            for task in state["tasks"]:
                if task["status"] == "done" and not task.get("commit") and not task.get("ticked_in_plan"):
                    task.update(commit=commit, updated_at=now)
                    touched.add(plan)
    written = []
    for plan in sorted(touched):
        written += write_progress(plan, states[plan], now)
    return written


def best_match(text: str, states: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]] | None:
    """The plan task that ``text`` describes (see the module docstring), or None."""
    words = _words(text)
    if not words:
        return None
    best, best_key = None, (-1.0, -1)
    for plan, state in states.items():
        for task in state["tasks"]:
            key = (similarity(words, _words(task["text"])), 0 if task["status"] == "done" else 1)
            if key > best_key:  # strictly better: on a full tie the earlier line wins
                best, best_key = (plan, task), key
    if best_key[0] < MATCH_THRESHOLD:
        return None
    return best


def similarity(first: frozenset[str] | str, second: frozenset[str] | str) -> float:
    """How alike two task texts are, 0..1 (see the module docstring)."""
    a = first if isinstance(first, frozenset) else _words(first)
    b = second if isinstance(second, frozenset) else _words(second)
    if not a or not b:
        return 0.0
    if a == b or (min(len(a), len(b)) >= 3 and (a <= b or b <= a)):
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def load_progress(plan: str) -> dict[str, Any]:
    """The plan's tasks with their progress: from the JSON file when there is one, re-aligned to the plan."""
    json_path = progress_paths(plan)[0]
    previous: dict[str, dict[str, Any]] = {}
    try:
        with open(json_path, encoding="utf-8") as handle:
            for task in json.load(handle).get("tasks", []):
                previous[_normalize(task.get("text", ""))] = task
    except (OSError, ValueError, AttributeError):
        pass
    tasks = []
    for item in parse_plan(plan):
        known = previous.get(_normalize(item["text"]), {})
        status = known.get("status") or ("done" if item["ticked"] else "pending")
        tasks.append({"line": item["line"], "text": item["text"], "status": status,
                      "commit": known.get("commit"),
                      "ticked_in_plan": known.get("ticked_in_plan", False) if known else item["ticked"],
                      "updated_at": known.get("updated_at"), "session_id": known.get("session_id"),
                      "matched": known.get("matched")})
    return {"plan": os.path.basename(plan), "tasks": tasks}


def write_progress(plan: str, state: dict[str, Any], now: str) -> list[str]:
    """Write ``<plan>-progress.json`` and ``<plan>-progress.md`` atomically; return both paths."""
    json_path, md_path = progress_paths(plan)
    counts = {s: sum(1 for t in state["tasks"] if t["status"] == s) for s in ("done", "in_progress", "pending")}
    data = {"plan": state["plan"], "updated_at": now, "counts": counts, "tasks": state["tasks"]}
    paths.write_atomic(json_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", mode=0o644)
    paths.write_atomic(md_path, render_dashboard(data), mode=0o644)  # the user's files, readable like theirs
    return [json_path, md_path]


def render_dashboard(data: dict[str, Any]) -> str:
    """The human dashboard: done / in progress / pending."""
    tasks, counts = data["tasks"], data["counts"]
    lines = [f"# Progress: {data['plan']}", "",
             f"{counts['done']}/{len(tasks)} done · {counts['in_progress']} in progress · "
             f"{counts['pending']} pending · updated {data['updated_at']}", "",
             "_Kept by compound-memory from task status changes; safe to delete._", ""]
    for title, status, mark in (("In progress", "in_progress", "🔄"), ("Pending", "pending", "⬜"),
                                ("Done", "done", "✅")):
        chosen = [t for t in tasks if t["status"] == status]
        if not chosen:
            continue
        lines.append(f"## {title}")
        for task in chosen:
            commit = f" ({task['commit'][:7]})" if task.get("commit") else ""
            lines.append(f"- {mark} {task['text']}{commit} (line {task['line']})")
        lines.append("")
    return "\n".join(lines)


def progress_paths(plan: str) -> tuple[str, str]:
    """``<plan>-progress.json`` and ``<plan>-progress.md`` beside the plan."""
    stem = plan[:-3] if plan.endswith(".md") else plan
    return f"{stem}-progress.json", f"{stem}-progress.md"


def _status_changes(event: Event) -> list[tuple[str, str]]:
    """(task text, plan status) pairs an event reports."""
    data = event.data
    if event.kind == "todo":
        return [(t["content"], STATUS_MAP[t["status"]]) for t in data.get("todos", [])
                if t.get("content") and t.get("status") in STATUS_MAP]
    if event.kind == "task" and data.get("status") in STATUS_MAP and data.get("subject"):
        return [(data["subject"], STATUS_MAP[data["status"]])]
    return []


def _normalize(text: str) -> str:
    return " ".join(sorted(_words(text)))


def _words(text: str) -> frozenset[str]:
    text = _MARKS.sub(" ", text)
    text = _COMMIT_REF.sub(" ", text.lower())
    text = _NUMBERING.sub("", text.strip())
    return frozenset(_stem(w) for w in _NON_WORD.split(text) if w and w not in STOP_WORDS)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _plans_lock(plans_dir: str):  # -> a context manager holding the lock
    """An exclusive lock per plans folder, held in the data folder (never in the user's repository)."""
    import hashlib

    from memory import locks

    digest = hashlib.sha1(os.path.realpath(plans_dir).encode()).hexdigest()[:16]
    folder = paths.ensure_private_dir(os.path.join(paths.data_home(), "locks"))
    return locks.hold(os.path.join(folder, f"plans-{digest}.lock"))
