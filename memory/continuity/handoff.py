"""Handoffs: what a session was doing, stored when its context is compacted, it ends, or it died.

A handoff is the session state (seed 004 shape) enriched from the transcript and stored in ``handoffs``:

- ``task``: the user's request in their words -- the first substantive request (4+ words, not one of Claude
  Code's own slash commands) since the last compaction, else the last one before it; else the previous
  handoff's task, the todo in progress, the compaction's custom instructions, the transcript's title, and
  last "Work on <files>". ``latest_request`` is the last substantive request when it differs; ``goal`` the
  previous handoff's task when it differs; ``in_progress`` the todo being worked on; ``instructions`` the
  compaction's custom instructions.
- files modified/read (events, plus the transcript's tool calls), decisions the assistant stated
  (``memory.prose.find_decisions`` over its messages, plus the previous handoff's), todos,
  blockers (failed commands not followed by a success of the same command; the user saying something still
  fails), the last action, and ``last_event_id`` (the events the handoff covers).

Triggers: ``manual`` / ``auto`` (PreCompact), ``session_end`` (see ``on_session_end``), ``crash`` (built by
the next session from a session that stopped without either; ``unexpected_end`` is set).

Mainly the part of the transcript after its last compaction is used (what came before is in the previous
handoff); a transcript larger than ``continuity.transcript_max_mb`` is read from its last that-many MB only,
so PreCompact stays fast on any size.
"""

from __future__ import annotations

import os

from memory import prose, shell
from memory.continuity import queries, state as session_state
from memory.continuity.events import relative_path, scrub
from memory.continuity.inspection import handoff_state
from memory.text import shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from memory.config import Config

SUBSTANTIVE_WORDS = 4
LOOKBACK_BYTES = 4 * 1024 * 1024
BUILTIN_COMMANDS = frozenset({"compact", "clear", "resume", "model", "config", "cost", "help", "login", "logout",
                              "memory", "permissions", "status", "doctor", "exit", "quit", "context", "hooks",
                              "plugin", "mcp", "agents", "add-dir", "export", "rewind", "vim", "theme"})
MAX_DECISIONS = 12
MAX_FILES = 200
SESSION_END_TRANSCRIPT_BYTES = 4 * 1024 * 1024


def on_pre_compact(conn: sqlite3.Connection, config: Config, *, session_id: str, project_id: int, project_root: str,
                   trigger: str | None, transcript_path: str | None, instructions: str | None) -> int:
    """PreCompact: build the handoff from events and transcript, store it; return its id."""
    trigger = trigger if trigger in ("manual", "auto") else "auto"
    handoff = build(conn, session_id, project_root, transcript_path=transcript_path, instructions=instructions,
                    max_transcript_bytes=_max_transcript_bytes(config))
    return store(conn, session_id, project_id, trigger, handoff)


def on_session_end(conn: sqlite3.Connection, *, session_id: str, project_id: int, project_root: str,
                   reason: str | None, transcript_path: str | None) -> int | None:
    """SessionEnd: mark the session ended; leave a handoff when it has unfinished work not yet handed off.

    The handoff written here is what ``/clear`` and the next ``startup`` restore. It is written only when the
    session has events after its newest handoff and its work is not completed, and it reads the transcript
    only when that is small (4 MB), so SessionEnd stays well inside Claude Code's ~1.5 s.
    """
    queries.end_session(conn, session_id, project_id, reason, transcript_path)
    last_event = queries.last_event_id(conn, session_id)
    previous = queries.latest_session_handoff(conn, session_id)
    if last_event == 0 or last_event <= _covered_event_id(previous):
        return None
    handoff = build(conn, session_id, project_root, transcript_path=transcript_path,
                    max_transcript_bytes=SESSION_END_TRANSCRIPT_BYTES, skip_larger=True)
    if handoff["status"] == "completed":
        return None
    return store(conn, session_id, project_id, "session_end", handoff)


def recover_crash(conn: sqlite3.Connection, session: sqlite3.Row, project_root: str) -> int:
    """Store a ``crash`` handoff for a session that stopped without PreCompact or SessionEnd; return its id."""
    handoff = build(conn, session["id"], project_root, transcript_path=session["transcript_path"],
                    max_transcript_bytes=SESSION_END_TRANSCRIPT_BYTES, skip_larger=True)
    snapshot = queries.load_snapshot(conn, session["id"])
    if snapshot and not handoff.get("files_modified"):
        handoff["files_modified"] = snapshot.get("files_modified", [])
    handoff["unexpected_end"] = True
    handoff["last_seen_at"] = session["last_seen_at"]
    return store(conn, session["id"], session["project_id"], "crash", handoff)


def build(conn: sqlite3.Connection, session_id: str, project_root: str, *, transcript_path: str | None = None,
          instructions: str | None = None, max_transcript_bytes: int = 4 * 1024 * 1024,
          skip_larger: bool = False) -> dict[str, Any]:
    """The handoff state of a session from its events, its transcript and its previous handoff."""
    rows = queries.session_events(conn, session_id)
    handoff = session_state.fold_events(session_id, rows)
    handoff["last_event_id"] = rows[-1]["id"] if rows else 0
    if not rows:
        snapshot = queries.load_snapshot(conn, session_id)
        if snapshot:
            handoff.update({k: snapshot[k] for k in handoff if k in snapshot and snapshot[k]})
    previous = queries.latest_session_handoff(conn, session_id)
    prior = handoff_state(previous)
    try:
        facts = transcript_facts(transcript_path, project_root, max_transcript_bytes, skip_larger)
    except Exception as exc:  # a transcript we cannot read never costs the handoff: build it from the rest
        from memory import log

        log.warning("continuity", f"transcript {transcript_path} not used: {type(exc).__name__}: {exc}")
        facts = {}
    merge(handoff, facts, prior, instructions)
    return handoff


def merge(handoff: dict[str, Any], facts: dict[str, Any], prior: dict[str, Any], instructions: str | None) -> None:
    """Fold transcript facts and the previous handoff into ``handoff`` (events win where both know)."""
    handoff["files_modified"] = _union(facts.get("files_modified", []), handoff["files_modified"])[:MAX_FILES]
    handoff["files_read"] = [p for p in _union(facts.get("files_read", []), handoff["files_read"])
                             if p not in handoff["files_modified"]][:MAX_FILES]
    if not handoff["todos"] and facts.get("todos"):
        handoff["todos"] = facts["todos"]
    handoff["decisions"] = _union(prior.get("decisions", []), facts.get("decisions", []))[-MAX_DECISIONS:]
    handoff["blockers"] = _union(handoff["blockers"], facts.get("blockers", []))
    if facts.get("last_action") and not handoff.get("last_action"):
        handoff["last_action"] = facts["last_action"]
    in_progress = session_state.current_task(handoff["todos"])
    if in_progress:
        handoff["in_progress"] = in_progress
    if instructions and instructions.strip():
        handoff["instructions"] = scrub(instructions.strip()[:500])
    request = facts.get("request")
    task = (request or prior.get("task") or in_progress or handoff.get("instructions") or facts.get("title")
            or session_state.work_description(handoff["files_modified"]))
    handoff["task"] = task or "(task unknown)"
    if prior.get("task") and prior["task"] != handoff["task"]:
        handoff["goal"] = prior["task"]
    if facts.get("latest_request") and facts["latest_request"] != request:
        handoff["latest_request"] = facts["latest_request"]
    handoff["status"] = session_state.derive_status(handoff["todos"], handoff["blockers"])


def store(conn: sqlite3.Connection, session_id: str, project_id: int | None, trigger: str,
          handoff: dict[str, Any]) -> int:
    """Save the handoff with its one-line summary; return its id."""
    from memory.store import now_iso

    handoff["trigger"] = trigger
    handoff["created_at"] = now_iso()
    return queries.insert_handoff(conn, session_id, project_id, trigger, handoff, summary_line(handoff))


def summary_line(handoff: dict[str, Any]) -> str:
    """A short human summary: task, counts, last action."""
    open_todos = sum(1 for t in handoff.get("todos", []) if t.get("status") in session_state.OPEN_STATUSES)
    parts = [f"{len(handoff.get('files_modified', []))} files modified",
             f"{len(handoff.get('decisions', []))} decisions", f"{open_todos} open todos"]
    if handoff.get("blockers"):
        parts.append(f"{len(handoff['blockers'])} blockers")
    line = f"{shorten(handoff.get('task') or '', 120, one_line=True)} - {', '.join(parts)}"
    if handoff.get("last_action"):
        line += f"; last: {shorten(handoff['last_action'], 100, one_line=True)}"
    return line


def transcript_facts(path: str | None, project_root: str, max_bytes: int, skip_larger: bool = False
                     ) -> dict[str, Any]:
    """What the transcript tells since its last compaction: request, files, decisions, todos, blockers.

    A missing, empty, unreadable or non-JSON transcript gives ``{}``; one over ``max_bytes`` is read from its
    tail only, or skipped with ``skip_larger``. When nothing was asked or changed since the last compaction,
    the last request before it (and the files, todos, decisions and last action around it, where the part
    since the compaction has none) is looked up in the transcript's last 4 MB.
    """
    if not path:
        return {}
    try:
        size = os.path.getsize(path)
    except OSError:
        return {}
    if size == 0 or (skip_larger and size > max_bytes):
        return {}
    from memory import transcript

    facts = _facts_from(transcript, _records(transcript, path, size, max_bytes, True), project_root)
    if "request" not in facts or not facts["files_modified"]:  # since the last compaction: nothing asked or changed
        earlier = _facts_from(transcript, _records(transcript, path, size, min(size, LOOKBACK_BYTES), False),
                              project_root)
        if "request" not in facts and "latest_request" in earlier:
            facts["request"] = earlier["latest_request"]
        for key, value in earlier.items():
            if value and not facts.get(key) and key not in ("latest_request", "blockers"):
                facts[key] = value
    return facts


def _records(transcript: Any, path: str, size: int, max_bytes: int, since_last_compaction: bool) -> list:
    """The transcript's records, from its last ``max_bytes`` only when it is larger."""
    if size <= max_bytes:
        return list(transcript.iter_records(path, since_last_compaction=since_last_compaction))
    tail = _tail_copy(path, max_bytes)
    try:
        return list(transcript.iter_records(tail, since_last_compaction=since_last_compaction))
    finally:
        os.unlink(tail)


def _facts_from(transcript: Any, records: list, project_root: str) -> dict[str, Any]:
    main = [r for r in records if not r.sidechain]
    facts: dict[str, Any] = {}
    requests = _requests(transcript, main)
    if requests:
        facts["request"] = scrub(shorten(requests[0], 300, one_line=True))
        facts["latest_request"] = scrub(shorten(requests[-1], 300, one_line=True))
    exchanges = transcript.pair_tool_calls(records)
    touched = transcript.files_touched(exchanges)  # subagents' work counts too
    facts["files_modified"] = [relative_path(p, project_root)[0] for p in touched.modified]
    facts["files_read"] = [relative_path(p, project_root)[0] for p in touched.read]
    facts["todos"] = [{"id": i + 1, **t} for i, t in enumerate(transcript.latest_todos(main))]
    facts["decisions"] = _decisions(main, transcript)
    facts["blockers"] = _failed_commands([ex for ex in exchanges if not ex.call.sidechain]) + _user_reports(
        [r.text for r in transcript.user_requests(main)])
    facts["last_action"] = transcript.last_action(main)
    titles = [r.text for r in records if isinstance(r, transcript.Summary)]
    if titles:
        facts["title"] = titles[-1]
    return facts


def _requests(transcript: Any, records: list) -> list[str]:
    """The user's substantive requests (4+ words; Claude Code's own slash commands are not requests)."""
    found = []
    for prompt in transcript.user_requests(records):
        text = prompt.text.strip()
        if prompt.kind == "command" and text.lstrip("/").split(" ", 1)[0] in BUILTIN_COMMANDS:
            continue
        if len(text.split()) >= SUBSTANTIVE_WORDS:
            found.append(text)
    return found


def _decisions(records: list, transcript: Any) -> list[str]:
    found: list[str] = []
    for rec in records:
        if isinstance(rec, transcript.AssistantText):
            found.extend(scrub(shorten(text, 240, one_line=True)) for text in prose.find_decisions(rec.text))
    return _union(found, [])[-MAX_DECISIONS:]


def _failed_commands(exchanges: list) -> list[str]:
    """Failed Bash calls with no later success of the same command key."""
    open_failures: dict[str, str] = {}
    for ex in exchanges:
        command = ex.call.input.get("command") if ex.call.name == "Bash" else None
        if not isinstance(command, str) or ex.result is None:
            continue
        key = shell.command_family(command)
        open_failures.pop(key, None)
        if ex.failed:
            error = shorten(ex.result.text.strip()[-200:], 200, one_line=True)
            open_failures[key] = scrub(f"`{shorten(command, 120, one_line=True)}` failed: {error}")
    return list(open_failures.values())[-5:]


def _user_reports(requests: list[str]) -> list[str]:
    """The user saying something still fails, in the last two requests."""
    return [f"User: {scrub(shorten(text, 240, one_line=True))}" for text in requests[-2:] if prose.STILL_FAILS.search(text)]


def _covered_event_id(row: Any) -> int:
    return int(handoff_state(row).get("last_event_id") or 0)


def _max_transcript_bytes(config: Config) -> int:
    return int(float(config.get("continuity", "transcript_max_mb")) * 1024 * 1024)


def _tail_copy(path: str, max_bytes: int) -> str:
    """The last ``max_bytes`` of ``path`` from a line start, copied to a private temporary file."""
    import tempfile

    from memory import paths

    folder = paths.ensure_private_dir(os.path.join(paths.data_home(), "tmp"))
    with open(path, "rb") as source:
        source.seek(-max_bytes, os.SEEK_END)
        source.readline()  # drop the partial first line
        fd, tail = tempfile.mkstemp(suffix=".jsonl", dir=folder)
        with os.fdopen(fd, "wb") as target:
            while True:
                chunk = source.read(1 << 20)
                if not chunk:
                    break
                target.write(chunk)
    return tail


def _union(first: list, second: list) -> list:
    seen: dict = {}
    for item in list(first) + list(second):
        key = item if isinstance(item, str) else repr(item)
        seen.setdefault(key, item)
    return list(seen.values())

