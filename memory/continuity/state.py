"""Session state (seed 004 "Session State Format") folded from a session's events, and its periodic save.

The state is a plain dict: session_id, task, status, files_modified, files_read, decisions, todos, blockers,
last_action (plus action_count and saved_at). Events alone give files, todos/tasks, Bash failures and the
last action; decisions and the user's own words come from the transcript when a handoff is built.

Blockers from events alone (no transcript): a failed Bash command is a blocker until a later Bash command
with the same equivalence key succeeds (``shell.equivalence_key``: ``cd app && FOO=1 npm test -- -x``
-> ``npm test``), so a later successful ``ls`` does not clear a failing build, but re-running the build does;
probes, sudo prompts and cleanups never are (``blockers.is_real_failure``). With a transcript the handoff
uses the fuller rules of ``blockers.open_blockers``.
"""

from __future__ import annotations

import json
import os
import re

from memory import paths
from memory.continuity.blockers import is_real_failure
from memory.shell import equivalence_key, error_gist

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any, Iterable

OPEN_STATUSES = ("in_progress", "pending")


def fold_events(session_id: str, rows: Iterable[Any]) -> dict[str, Any]:
    """The session state described by its event rows (oldest first)."""
    modified: dict[str, None] = {}
    read: dict[str, None] = {}
    outside: set[str] = set()
    todo_list: list[dict[str, Any]] = []
    tasks: dict[str, dict[str, Any]] = {}
    failures: dict[str, dict[str, Any]] = {}
    commits: list[dict[str, str]] = []
    subjects: dict[str, str] = {}
    last_action = None
    last_row = None
    for row in rows:
        data = json.loads(row["data_json"]) if row["data_json"] else {}
        kind, path = row["kind"], row["path"]
        if path and data.get("outside"):
            outside.add(path)
        if kind == "modify" and path and row["outcome"] == "ok":
            modified.setdefault(path, None)
        elif kind == "read" and path and row["outcome"] == "ok":
            read.setdefault(path, None)
        elif kind == "todo":
            todo_list = [dict(t) for t in data.get("todos", [])]
        elif kind == "task":
            _apply_task(tasks, subjects, data)
        elif kind == "bash":
            _apply_bash(failures, commits, data, row["outcome"], row["ts"])
        last_action = row["summary"] or last_action
        last_row = row
    todos = _merge_todos(todo_list, tasks)
    blockers = [f"`{f['command']}` failed: {error_gist(f['error'])}" if f.get("error") else f"`{f['command']}` failed"
                for f in failures.values()]
    stopped = bool(last_row is not None and last_row["kind"] == "bash" and last_row["outcome"] == "error"
                   and blockers)
    state = {
        "session_id": session_id,
        "task": current_task(todos),
        "status": derive_status(todos, blockers, None, stopped),
        "files_modified": list(modified),
        "files_read": [p for p in read if p not in modified],
        "decisions": [],
        "todos": todos,
        "blockers": blockers,
        "last_action": last_action,
    }
    if stopped:
        state["stopped_on_blocker"] = True
    if outside:
        state["outside_project"] = sorted(outside)
    if commits:
        state["commits"] = commits[-10:]
    return state


def work_description(files_modified: list[str]) -> str | None:
    """A task named after the work itself (``Work on a.py, b.py``) when nothing better is known."""
    if not files_modified:
        return None
    shown = ", ".join(files_modified[-3:])
    return f"Work on {shown}" + (f" (and {len(files_modified) - 3} more files)" if len(files_modified) > 3 else "")


def current_task(todos: list[dict[str, Any]]) -> str | None:
    """The todo being worked on, else the first pending one."""
    for status in OPEN_STATUSES:
        for todo in todos:
            if todo.get("status") == status and todo.get("content"):
                return str(todo["content"])
    return None


def derive_status(todos: list[dict[str, Any]], blockers: list[str], turn_open: bool | None = None,
                  stopped_on_blocker: bool = False) -> str:
    """Where the work stands, from evidence.

    ``blocked`` only when the work stopped on an open blocker (its last action failed and nothing came
    after); ``completed`` when every todo is done, no blocker is open and the assistant finished its turn
    (``turn_open`` False; unknown without a transcript, then the todos alone decide); else ``in_progress``.
    """
    if blockers and stopped_on_blocker:
        return "blocked"
    if blockers or turn_open or any(t.get("status") in OPEN_STATUSES for t in todos):
        return "in_progress"
    if turn_open is None and not todos:
        return "in_progress"
    return "completed"


def save(conn: sqlite3.Connection, state: dict[str, Any], project_id: int | None, action_count: int) -> None:
    """Store the snapshot in ``session_state`` and, when it is the newest, in the readable session file."""
    from memory.store import handoffs
    from memory.store import now_iso

    from memory.redact import redact_data

    state = redact_data({**state, "action_count": action_count, "saved_at": now_iso()})
    if handoffs.save_snapshot(conn, state["session_id"], project_id, state, action_count):
        paths.write_private_file(state_file(state["session_id"]), json.dumps(state, indent=2, ensure_ascii=False))


def state_file(session_id: str) -> str:
    """The readable session-state file: ``<data>/sessions/<session_id>.json``."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", session_id)[:128] or "session"
    return os.path.join(paths.data_home(), "sessions", f"{safe}.json")


def _apply_task(tasks: dict[str, dict[str, Any]], subjects: dict[str, str], data: dict[str, Any]) -> None:
    task_id = data.get("id") or f"#{len(tasks) + 1}"
    if data.get("subject"):
        subjects[task_id] = data["subject"]
    task = tasks.setdefault(task_id, {"id": task_id, "content": subjects.get(task_id, f"task {task_id}"),
                                      "status": "pending"})
    if data.get("subject"):
        task["content"] = data["subject"]
    if data.get("status"):
        task["status"] = data["status"]


def _apply_bash(failures: dict[str, dict[str, Any]], commits: list[dict[str, str]], data: dict[str, Any],
                outcome: str, ts: str) -> None:
    command = data.get("command") or ""
    key = equivalence_key(command)
    if outcome == "error":
        if not is_real_failure(command, data.get("error") or ""):
            return  # a probe, a sudo prompt, a cleanup, an interruption: never a blocker
        failures.pop(key, None)  # keep the newest failure of a key, in order
        failures[key] = {"command": command[:120], "error": (data.get("error") or "")[-400:]}
    else:
        failures.pop(key, None)
    if data.get("commit"):
        commits.append({"hash": data["commit"], "message": data.get("commit_message", ""), "ts": ts})


def _merge_todos(todo_list: list[dict[str, Any]], tasks: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """TodoWrite's latest list and the task tools' tasks, numbered for display."""
    merged = [{"id": i + 1, "content": t.get("content", ""), "status": t.get("status", "pending")}
              for i, t in enumerate(todo_list)]
    merged += [{"id": t["id"], "content": t["content"], "status": t["status"]}
               for t in tasks.values() if t["status"] != "deleted"]
    return merged
