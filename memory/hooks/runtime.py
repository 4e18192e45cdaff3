"""The hook runtime: read the payload, check it, run the event's handler, answer -- and never fail.

Every Claude Code hook event goes through ``main(event)``. Whatever happens (bad input, a bug, a locked or
corrupt database, our own time budget running out) the process exits 0 and prints either a valid answer or
nothing, so Claude Code carries on as if the plugin were not there. Each run is recorded in ``hook_runs``;
each failure in the log file and the ``errors`` table.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sqlite3
import sys
import time

from memory import log, paths
from memory.config import Settings, load_settings
from memory.deadline import OutOfTime as HookTimeout, time_budget
from memory.hooks.wire import COMMON_OPTIONAL, COMMON_REQUIRED, EVENT_FIELDS
from memory.project import Project, find_project

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing and dataclasses cost tens of milliseconds on this hot path; annotations only
    from typing import Any, BinaryIO, Callable, TextIO

# event -> (handler module in memory.hooks, our own time budget in seconds, stays under hooks.json's timeout)
EVENTS: dict[str, tuple[str, float]] = {
    "SessionStart": ("session_start", 8.0),
    "UserPromptSubmit": ("user_prompt_submit", 4.0),
    "PreToolUse": ("pre_tool_use", 4.0),
    "PostToolUse": ("post_tool_use", 4.0),
    "PostToolUseFailure": ("post_tool_use", 4.0),  # a tool call that failed (e.g. Bash exiting non-zero)
    "PreCompact": ("pre_compact", 25.0),
    "PostCompact": ("post_compact", 4.0),  # where Claude Code has it: the compaction summary
    "SessionEnd": ("session_end", 1.2),
}

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024


class BadPayload(ValueError):
    """The hook's stdin is not a payload we can act on."""


class HookContext:
    """What a handler gets: the checked payload, the settings, the project, and a lazily opened store."""

    def __init__(self, event: str, payload: dict[str, Any], settings: Settings, project: Project) -> None:
        self.event = event
        self.payload = payload
        self.settings = settings
        self.project = project
        self._db: sqlite3.Connection | None = None
        self._project_id: int | None = None
        # False when the handler answered without the store (the anchor index said nothing can match): the
        # run is then not written to hook_runs, since opening the store would be most of its cost.
        self.record_run = True

    @property
    def session_id(self) -> str:
        """Claude Code's session id."""
        return self.payload["session_id"]

    @property
    def cwd(self) -> str:
        """The working directory Claude Code reported (the project root when absent)."""
        return self.payload.get("cwd") or self.project.root

    @property
    def db(self) -> sqlite3.Connection:
        """The store, opened (and migrated) on first use."""
        if self._db is None:
            from memory import store

            self._db = store.connect()
        return self._db

    @property
    def project_id(self) -> int:
        """This project's row id in the store."""
        if self._project_id is None:
            from memory.store.core import upsert_project

            self._project_id = upsert_project(self.db, self.project)
        return self._project_id

    def close(self) -> None:
        """Close the store if it was opened."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def main(event: str, stdin: BinaryIO | None = None, stdout: TextIO | None = None) -> int:
    """Run one hook event; always returns 0.

    The store is left open: ``hooks/run.py`` ends the process with ``os._exit`` right after, because closing
    the last connection to a WAL database checkpoints it, which costs ~10 ms per hook for nothing (every
    transaction is already committed; SQLite checkpoints on its own as the WAL grows).
    """
    os.umask(0o077)
    started = time.perf_counter()
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else sys.stdout
    ctx: HookContext | None = None
    outcome, detail, answer = "ok", None, None
    try:
        raw = _read_capped(stdin)
        if event not in EVENTS:
            raise BadPayload(f"unknown hook event {event!r}")
        payload = parse_payload(raw, event)
        project = find_project(payload.get("cwd") or None)
        settings = load_settings(project.root)
        if not settings.enabled:
            return 0  # switched off: do nothing, store nothing
        ctx = HookContext(event=event, payload=payload, settings=settings, project=project)
        module_name, budget = EVENTS[event]
        handler: Callable[[HookContext], dict[str, Any] | None] = importlib.import_module(
            f"memory.hooks.{module_name}"
        ).handle
        with time_budget(budget):
            answer = handler(ctx)
        outcome = "ok" if answer else "noop"
    except BadPayload as exc:
        outcome, detail = "bad_input", str(exc)[:500]
        log.warning(f"hook:{event}", f"bad input: {detail}")
    except HookTimeout:
        outcome, detail, answer = "timeout", "own time budget exceeded", None
        log.error(f"hook:{event}", detail)
    except Exception as exc:  # fail open: whatever went wrong, Claude Code carries on
        outcome, detail, answer = "error", f"{type(exc).__name__}: {exc}"[:500], None
        log.error(f"hook:{event}", detail, exc)
        _quarantine_if_corrupt(exc, ctx)
    if answer:
        _write_answer(stdout, answer, event)
    if ctx is None or ctx.record_run or outcome != "noop":
        _record_run(ctx, event, (time.perf_counter() - started) * 1000, outcome, detail)
    return 0


def _read_capped(stdin: BinaryIO) -> bytes:
    data = stdin.read(MAX_PAYLOAD_BYTES + 1)
    if len(data) > MAX_PAYLOAD_BYTES:
        raise BadPayload(f"payload larger than {MAX_PAYLOAD_BYTES} bytes, ignored")
    return data


def parse_payload(raw: bytes, event: str) -> dict[str, Any]:
    """Decode and check a hook payload; raise BadPayload with the reason when it is unusable."""
    if not raw.strip():
        raise BadPayload("empty stdin")
    try:
        payload = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadPayload("stdin is not UTF-8") from None
    except ValueError as exc:
        raise BadPayload(f"stdin is not JSON ({exc})") from None
    except RecursionError:
        raise BadPayload("stdin is JSON nested too deeply") from None
    if not isinstance(payload, dict):
        raise BadPayload(f"payload is a JSON {type(payload).__name__}, not an object")
    required, optional = EVENT_FIELDS[event]
    _check_fields(payload, {**COMMON_REQUIRED, **required}, required=True)
    _check_fields(payload, {**COMMON_OPTIONAL, **optional}, required=False)
    named = payload.get("hook_event_name")
    if named is not None and named != event:
        raise BadPayload(f"payload is for {named!r}, hook registered for {event!r}")
    return payload


def _check_fields(payload: dict[str, Any], fields: dict[str, Any], *, required: bool) -> None:
    for name, kind in fields.items():
        if name not in payload:
            if required:
                raise BadPayload(f"missing field {name!r}")
            continue
        if not isinstance(payload[name], kind) or (kind is int and isinstance(payload[name], bool)):
            raise BadPayload(f"field {name!r} has type {type(payload[name]).__name__}")


def _write_answer(stdout: TextIO, answer: dict[str, Any], event: str) -> None:
    """Print the answer, every text in it redacted (a tool's ``updatedInput`` is structure, kept as is). The
    rules load only when some text needs them (``memory.redacted``: a cache hit's answer was redacted when
    its outline was stored)."""
    try:
        from memory.redacted import needs_redaction

        keep = frozenset({"updatedInput"})
        if needs_redaction(answer, keep):
            from memory.redact import redact_data

            answer = redact_data(answer, keep=keep)
        stdout.write(json.dumps(answer))
        stdout.flush()
    except (OSError, ValueError) as exc:
        log.error(f"hook:{event}", f"could not write the answer: {exc}")


def _record_run(ctx: HookContext | None, event: str, duration_ms: float, outcome: str, detail: str | None) -> None:
    """Store the run in hook_runs (and errors); best effort, never raises."""
    session_id = ctx.payload.get("session_id") if ctx else None
    try:
        from memory import store
        from memory.store.core import record_error, record_hook_run

        conn = ctx.db if ctx is not None else store.connect()
        record_hook_run(conn, event, session_id, duration_ms, outcome, detail)
        if outcome in ("error", "timeout", "bad_input"):
            record_error(conn, f"hook:{event}", f"{outcome}: {detail}", session_id=session_id)
    except Exception as exc:
        log.error(f"hook:{event}", f"could not record the hook run: {type(exc).__name__}: {exc}")


def _quarantine_if_corrupt(exc: BaseException, ctx: HookContext | None) -> None:
    """Move a database that turned out to be damaged aside, so the next hook starts on a fresh one."""
    from memory import store

    if not store.is_corruption(exc):
        return
    if ctx is not None:
        ctx.close()
    try:
        moved = store.move_aside(paths.db_path())
        log.error("store", f"corrupt database moved aside to {moved}")
    except OSError as err:
        log.error("store", f"corrupt database could not be moved aside: {err}")
