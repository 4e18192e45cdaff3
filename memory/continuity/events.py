"""What one tool call means for continuity: a finished tool call turned into an event row.

Pure functions: ``event_from_call`` reads only the tool call it is given. A file is named by
``memory.project.canonical_path`` (relative to the project root when inside it; otherwise absolute, normalized
and flagged ``outside``). The row shape (``Event``) and its one writer are ``memory.store.events``. Bash commands and error excerpts are capped and passed through secret
redaction before they are stored.
"""

from __future__ import annotations

import re

from memory.hooks.wire import BASH, EDIT_TOOLS, READ, TASK_TOOLS, TODO_WRITE
from memory.project import canonical_path
from memory.shell import commit_in_output
from memory.store.events import MAYBE_SECRET, Event
from memory.text import shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

TRACKED_TOOLS = EDIT_TOOLS | TASK_TOOLS | {READ, BASH, TODO_WRITE}
COMMAND_CAP = 300
ERROR_CAP = 400
TEXT_CAP = 200


def event_from_call(tool: str, tool_input: dict[str, Any], response: Any, project_root: str, *,
                    error: str | None = None, failed: bool = False) -> Event:
    """The event for one finished tool call: its name, input and response (``error`` and ``failed`` when Claude
    Code reported it as failed)."""
    tool = tool or "unknown"
    tool_input = tool_input if isinstance(tool_input, dict) else {}
    error = _failure_text(error, response) if failed or _looks_failed(response) else None
    outcome = "error" if error is not None else "ok"
    if tool == READ or tool in EDIT_TOOLS:
        return _file_event(tool, tool_input, response, project_root, outcome, error)
    if tool == BASH:
        return _bash_event(tool_input, response, outcome, error)
    if tool == TODO_WRITE:
        return _todo_event(tool_input, response, outcome)
    if tool in TASK_TOOLS:
        return _task_event(tool, tool_input, response, outcome)
    return Event(tool, "other", None, tool, outcome, {"error": _excerpt(error)} if error else {})


def scrub(text: str) -> str:
    """``text`` with credentials redacted (the redaction module is loaded only when it could matter)."""
    if not text or not re.search(MAYBE_SECRET, text):
        return text
    try:
        from memory.redact import redact
    except ImportError:  # never store what could not be checked
        return "[withheld: redaction unavailable]"
    return redact(text)


def _file_event(tool: str, tool_input: dict, response: Any, root: str, outcome: str, error: str | None) -> Event:
    raw = tool_input.get("file_path") or tool_input.get("notebook_path") or _response_path(response)
    kind = "read" if tool == "Read" else "modify"
    if not isinstance(raw, str) or not raw:
        return Event(tool, kind, None, tool, outcome, {"error": _excerpt(error)} if error else {})
    path, outside = canonical_path(raw, root)
    data: dict[str, Any] = {"outside": True} if outside else {}
    if tool == "Write" and isinstance(response, dict) and response.get("type") in ("create", "update"):
        data["write"] = response["type"]
    if tool == "MultiEdit" and isinstance(tool_input.get("edits"), list):
        data["edits"] = len(tool_input["edits"])
    if tool == "Read" and isinstance(response, dict) and response.get("type") == "file_unchanged":
        data["unchanged"] = True
    if error:
        data["error"] = _excerpt(error)
    verb = {"Read": "Read", "Write": "Wrote", "NotebookEdit": "Edited notebook"}.get(tool, "Edited")
    return Event(tool, kind, path, f"{verb} {path}", outcome, data)


def _bash_event(tool_input: dict, response: Any, outcome: str, error: str | None) -> Event:
    command = tool_input.get("command") if isinstance(tool_input.get("command"), str) else ""
    shown = shorten(scrub(command.strip()), COMMAND_CAP)  # redacted before the cut: a cut token is no longer known
    data: dict[str, Any] = {"command": shown}
    if isinstance(tool_input.get("description"), str):
        data["description"] = shorten(scrub(tool_input["description"]), TEXT_CAP)
    if error:
        data["error"] = _excerpt(error)
    elif isinstance(response, dict):
        commit = commit_in_output(command, f"{response.get('stdout') or ''}\n{response.get('stderr') or ''}")
        if commit:
            data["commit"], data["commit_message"] = commit[0], scrub(commit[1])
    first = shown.splitlines()[0] if shown else ""
    summary = f"Ran `{shorten(first, 120)}`" + (" (failed)" if outcome == "error" else "")
    return Event("Bash", "bash", None, summary, outcome, data)


def _todo_event(tool_input: dict, response: Any, outcome: str) -> Event:
    todos = tool_input.get("todos")
    if not isinstance(todos, list) and isinstance(response, dict):
        todos = response.get("newTodos")
    items = [
        {"content": shorten(scrub(str(t.get("content") or "")), TEXT_CAP), "status": str(t.get("status") or "pending")}
        for t in (todos if isinstance(todos, list) else []) if isinstance(t, dict)
    ]
    active = next((t["content"] for t in items if t["status"] == "in_progress"), None)
    summary = f"Updated todos ({len(items)})" + (f": working on {active}" if active else "")
    return Event("TodoWrite", "todo", None, summary, outcome, {"todos": items})


def with_task_subject(event: Event, subject: str) -> Event:
    """A task event that named only its task id, completed with the task's subject."""
    data = {**event.data, "subject": subject}
    return event._replace(data=data, summary=f"Task {subject} -> {data.get('status', 'updated')}")


def _task_event(tool: str, tool_input: dict, response: Any, outcome: str) -> Event:
    task = response.get("task") if isinstance(response, dict) and isinstance(response.get("task"), dict) else {}
    task_id = tool_input.get("taskId") or tool_input.get("task_id") or task.get("id")
    if task_id is None and isinstance(response, dict):
        task_id = response.get("taskId")
    subject = tool_input.get("subject") or task.get("subject") or tool_input.get("content")
    status = tool_input.get("status")
    if status is None and isinstance(response, dict) and isinstance(response.get("statusChange"), dict):
        status = response["statusChange"].get("to")
    if status is None and tool == "TaskCreate":
        status = "pending"
    data: dict[str, Any] = {"id": None if task_id is None else str(task_id)}
    if subject:
        data["subject"] = shorten(scrub(str(subject)), TEXT_CAP)
    if status:
        data["status"] = str(status)
    if isinstance(tool_input.get("description"), str):
        data["description"] = shorten(scrub(tool_input["description"]), TEXT_CAP)
    label = data.get("subject") or f"task {data['id']}"
    summary = f"Created task: {label}" if tool == "TaskCreate" else f"Task {label} -> {data.get('status', 'updated')}"
    return Event(tool, "task", None, summary, outcome, data)


def _looks_failed(response: Any) -> bool:
    if isinstance(response, str):
        return response.lstrip().lower().startswith("error")
    if isinstance(response, dict):
        return bool(response.get("interrupted")) or response.get("success") is False
    return False


def _failure_text(error: str | None, response: Any) -> str:
    if isinstance(error, str):
        return error
    if isinstance(response, str):
        return response
    if isinstance(response, dict):
        if response.get("interrupted"):
            return "interrupted"
        for key in ("error", "stderr", "stdout"):
            if isinstance(response.get(key), str) and response[key].strip():
                return response[key]
    return "failed"


def _excerpt(error: str | None) -> str | None:
    """The end of an error (where the cause usually is), capped and redacted."""
    if not error:
        return None
    return shorten(scrub(error.strip()), ERROR_CAP, keep_end=True)  # redacted first: a PEM keeps its BEGIN line


def _response_path(response: Any) -> str | None:
    if isinstance(response, dict):
        if isinstance(response.get("filePath"), str):
            return response["filePath"]
        if isinstance(response.get("file"), dict) and isinstance(response["file"].get("filePath"), str):
            return response["file"]["filePath"]
    return None

