"""Session state (seed 004 "Session State Format") folded from a session's events, and its periodic save.

The state is a plain dict: session_id, task, status, files_modified, files_read, decisions, todos, blockers,
last_action (plus action_count and saved_at). Events alone give files, todos/tasks, Bash failures and the
last action; decisions and the user's own words come from the transcript when a handoff is built.

Blockers from events: a failed Bash command is a blocker until a later Bash command with the same *command
key* succeeds. The key (``memory.shell.command_family``) is the first two words of the command's last ``&&``/``;`` segment with environment
assignments dropped (``cd app && FOO=1 npm test -- -x`` -> ``npm test``), so a later successful ``ls`` does
not clear a failing build, but re-running the build does.
"""

from __future__ import annotations

import json
import os
import re

from memory import paths
from memory.shell import command_family

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
    todos = _merge_todos(todo_list, tasks)
    blockers = [f"`{f['command']}` failed: {f['error']}" if f.get("error") else f"`{f['command']}` failed"
                for f in failures.values()]
    state = {
        "session_id": session_id,
        "task": current_task(todos),
        "status": derive_status(todos, blockers),
        "files_modified": list(modified),
        "files_read": [p for p in read if p not in modified],
        "decisions": [],
        "todos": todos,
        "blockers": blockers,
        "last_action": last_action,
    }
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


def derive_status(todos: list[dict[str, Any]], blockers: list[str]) -> str:
    """``blocked`` with open blockers, ``completed`` when every todo is done, else ``in_progress``."""
    if blockers:
        return "blocked"
    if todos and all(t.get("status") in ("completed", "deleted") for t in todos):
        return "completed"
    return "in_progress"


def save(conn: sqlite3.Connection, state: dict[str, Any], project_id: int | None, action_count: int) -> None:
    """Store the snapshot in ``session_state`` and, when it is the newest, in the readable session file."""
    from memory.continuity import queries
    from memory.store import now_iso

    state = {**state, "action_count": action_count, "saved_at": now_iso()}
    if queries.save_snapshot(conn, state["session_id"], project_id, state, action_count):
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
    key = command_family(command)
    if outcome == "error":
        failures.pop(key, None)  # keep the newest failure of a key, in order
        failures[key] = {"command": command[:120], "error": (data.get("error") or "")[-200:]}
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
