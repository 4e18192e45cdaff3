"""Handoffs: what a session was doing, stored when its context is compacted, it ends, or it died.

A handoff is the session state (seed 004 shape) enriched from the transcript and stored in ``handoffs``:

- ``current_request``: the user's latest substantive request in their words (``requests.is_substantive``:
  by characters and script, so a short Japanese request counts; "ok", thanks and Claude Code's own slash
  commands do not); ``task``: the request the work started from (the previous handoff's task, else the
  first substantive request; else the todo in progress, the compaction's custom instructions, the
  transcript's title, "Work on <files>"). ``in_progress`` is the todo being worked on, ``instructions``
  the compaction's custom instructions.
- files modified (events, the transcript's edit tools, shell writes; minus files the shell removed) and read;
  todos; ``decisions`` the assistant stated (``prose.decision_sentences``, approved plans, the user's answers);
  ``results`` (test counts, commits, URLs); ``user_instructions`` (rejection reasons, corrections);
  ``blockers`` still open (``blockers``); ``recap`` (Claude Code's own recap line); the last action; and
  ``last_event_id`` (the events the handoff covers).
- ``status`` from evidence (``state.derive_status``).

Triggers: ``manual`` / ``auto`` (PreCompact), ``session_end`` (see ``on_session_end``), ``crash`` (built by
the next session from a session that stopped without either; ``unexpected_end`` is set).

Mainly the part of the transcript after its last compaction is used (what came before is in the previous
handoff); a transcript larger than ``continuity.transcript_max_mb`` is read from its last that-many MB only,
so PreCompact stays fast on any size.
"""

from __future__ import annotations

import json
import os
import re

from memory import prose, shell
from memory.continuity import blockers as session_blockers
from memory.continuity import requests as session_requests
from memory.continuity import results as session_results
from memory.continuity import state as session_state
from memory.continuity.events import scrub
from memory.hooks.wire import EDIT_TOOLS
from memory.project import canonical_path
from memory.store import events, handoffs
from memory.store.core import upsert_session
from memory.continuity.inspection import handoff_state
from memory.continuity.render import one_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

    from memory.config import Continuity

# What the part since the last compaction alone decides, even when it is empty.
LOOKBACK_SKIPS = ("request", "latest_request", "blockers", "turn_open", "stopped_on_blocker", "steps")
MAX_DECISIONS = 16
MAX_INSTRUCTIONS = 6
DECISION_CHARS = 200
MAX_FILES = 200
FINAL_REPORT_MIN, FINAL_REPORT_CHARS = 80, 240
GIT_WORK = re.compile(r"(?:^|&&|;)\s*git\s+(?:-C\s+\S+\s+)?(?:commit|push)\b")
SUMMARY_CAP = 20000
# "8. Current Work:\n   …" up to the next numbered heading, in Claude Code's compaction summary.
SUMMARY_SECTION = re.compile(r"^\s*(?:#+\s*)?\d+\.\s+([A-Z][A-Za-z ]{2,40}):[ \t]*\n?(.*?)"
                             r"(?=^\s*(?:#+\s*)?\d+\.\s+[A-Z][A-Za-z ]{2,40}:)", re.M | re.S)
PLAN_FILE = re.compile(r"[\\/]\.claude[\\/]plans[\\/][^\\/]+\.md$")
PLAN_LINE = re.compile(r"^(?:Approved plan|Plan): (.+?)(?: — |$)")
# AskUserQuestion's result: 'User has answered your questions: "Which approach?"="Option C", …'
ANSWER = re.compile(r'"([^"]{3,300})"="([^"]{1,300})"')
# The user correcting course or laying down a rule, in a request.
USER_INSTRUCTION = re.compile(
    r"^(?:no|nope|nah)[,.!]\s+\S|^(?:actually|wait|stop)\b[,.!]?\s+\S"
    r"|^(?:(?:please|pls)\s+)?(?:always|never(?! mind)|don'?t|do not|avoid|make sure|from now on|remember)\b"
    r"|\b(?:instead of|rather than|not the)\b|,\s*not (?:the |a )?\S+"
    r"|\bI (?:don'?t|do not) want\b|\bI'?d (?:actually )?(?:rather|prefer|like|love)\b|\bI prefer\b"
    r"|\blet'?s (?:use|go with|do|stick with|switch to|keep)\b|\bwe (?:want|need|don'?t want|should)\b"
    r"|\bany \w+ other than\b|\bonly (?:use|with|on|in)\b|\boption [a-z0-9]\b"
    r"|(?:^|\n)\s*[-*]\s*(?:use|name|call|keep|put|don'?t|do not|never|always)\s+\S"
    r"|^(?:non|pas|nein|nicht|no es)\b[,.!]?\s+\S|^(?:いや|違う|ちがう|そうじゃなく)|^(?:不是|不对|不要|别)|^(?:아니|아뇨)"
    r"|ではなく|じゃなくて|而不是|不要用|대신에?"
    r"|\b(?:toujours|jamais|partout|dorénavant|désormais|à l'avenir)\b|\bdans tous mes projets\b"
    r"|\b(?:immer|niemals|nie|künftig|in allen Projekten)\b|\b(?:siempre|nunca|de ahora en adelante)\b"
    r"|常に|必ず|ないでください|しないで|今後|以後|一律|以后|总是|所有项目|都请|请用|别用|앞으로|항상|하지 ?마|절대",
    re.I)


def on_pre_compact(conn: sqlite3.Connection, continuity: Continuity, *, session_id: str, project_id: int,
                   project_root: str, trigger: str | None, transcript_path: str | None,
                   instructions: str | None) -> int:
    """PreCompact: build the handoff from events and transcript, store it; return its id."""
    trigger = trigger if trigger in ("manual", "auto") else "auto"
    handoff = build(conn, session_id, project_root, transcript_path=transcript_path, instructions=instructions,
                    max_transcript_bytes=transcript_cap(continuity))
    return store(conn, session_id, project_id, trigger, handoff)


def on_session_end(conn: sqlite3.Connection, continuity: Continuity, *, session_id: str, project_id: int,
                   project_root: str, reason: str | None, transcript_path: str | None) -> int | None:
    """SessionEnd: mark the session ended; leave a handoff when it did something not yet handed off.

    The handoff written here is what ``/clear`` and the next ``startup`` restore -- when its work is not
    completed (a completed one is kept for ``handoff show`` and ``--resume`` but never offered to another
    session). It is written only when the session has events after its newest handoff, and it reads the
    transcript only when that is small (``continuity.transcript_max_mb``, 4 MB by default), so SessionEnd stays
    well inside Claude Code's ~1.5 s.
    """
    upsert_session(conn, session_id, project_id, transcript_path=transcript_path, ended=True, end_reason=reason)
    last_event = events.last_event_id(conn, session_id)
    previous = handoffs.latest_of_session(conn, session_id)
    if last_event == 0 or last_event <= _covered_event_id(previous):
        return None
    handoff = build(conn, session_id, project_root, transcript_path=transcript_path,
                    max_transcript_bytes=transcript_cap(continuity), skip_larger=True)
    return store(conn, session_id, project_id, "session_end", handoff)


def on_post_compact(conn: sqlite3.Connection, *, session_id: str, summary: str | None) -> int | None:
    """PostCompact: keep the compaction summary with this session's newest handoff; return that handoff's id.

    The summary is redacted and capped at ``SUMMARY_CAP`` characters. The next handoff of the session (the
    one SessionEnd or the next PreCompact writes) takes the current work and next step, decisions and results
    from it (``summary_facts``). Without a handoff to attach to, nothing is stored.
    """
    if not isinstance(summary, str) or not summary.strip():
        return None
    row = handoffs.latest_of_session(conn, session_id)
    if row is None:
        return None
    state = json.loads(row["state_json"] or "{}")
    state["compact_summary"] = scrub(summary.strip()[:SUMMARY_CAP])
    handoffs.set_state(conn, row["id"], state)
    return int(row["id"])


def summary_facts(summary: str) -> dict[str, Any]:
    """What a compaction summary adds to the next handoff: a recap (current work and next step), the
    decisions and results it states."""
    facts: dict[str, Any] = {}
    sections = {name.lower(): " ".join(body.replace("*", "").split())
                for name, body in SUMMARY_SECTION.findall(summary + "\n\n0. End:")}
    work = sections.get("current work") or sections.get("pending tasks")
    step = sections.get("optional next step") or sections.get("next step")
    parts = [session_blockers.cut(work, 300) if work else "", f"Next: {session_blockers.cut(step, 200)}" if step else ""]
    if any(parts):
        facts["recap"] = "Before the compaction: " + " ".join(p for p in parts if p)
    facts["decisions"] = [one_line(text, DECISION_CHARS) for strength, text in
                          prose.decision_sentences(summary) if strength == prose.STRONG_CUE]
    facts["results"] = session_results.keep(session_results.from_text(summary))
    return facts


def recover_crash(conn: sqlite3.Connection, session: sqlite3.Row, project_root: str, max_transcript_bytes: int) -> int:
    """Store a ``crash`` handoff for a session that stopped without PreCompact or SessionEnd; return its id."""
    handoff = build(conn, session["id"], project_root, transcript_path=session["transcript_path"],
                    max_transcript_bytes=max_transcript_bytes, skip_larger=True)
    snapshot = handoffs.load_snapshot(conn, session["id"])
    if snapshot and not handoff.get("files_modified"):
        handoff["files_modified"] = snapshot.get("files_modified", [])
    handoff["unexpected_end"] = True
    handoff["last_seen_at"] = session["last_seen_at"]
    return store(conn, session["id"], session["project_id"], "crash", handoff)


def build(conn: sqlite3.Connection, session_id: str, project_root: str, *, transcript_path: str | None = None,
          instructions: str | None = None, max_transcript_bytes: int, skip_larger: bool = False) -> dict[str, Any]:
    """The handoff state of a session from its events, its transcript (``max_transcript_bytes`` of it at most: see
    ``transcript_facts``) and its previous handoff."""
    rows = events.session_events(conn, session_id)
    handoff = session_state.fold_events(session_id, rows)
    handoff["last_event_id"] = rows[-1]["id"] if rows else 0
    if not rows:
        snapshot = handoffs.load_snapshot(conn, session_id)
        if snapshot:
            handoff.update({k: snapshot[k] for k in handoff if k in snapshot and snapshot[k]})
    previous = handoffs.latest_of_session(conn, session_id)
    prior = handoff_state(previous)
    try:
        facts = transcript_facts(transcript_path, project_root, max_transcript_bytes, skip_larger)
    except Exception as exc:  # a transcript we cannot read never costs the handoff: build it from the rest
        from memory import log

        log.warning("continuity", f"transcript {transcript_path} not used: {type(exc).__name__}: {exc}")
        facts = {}
    if prior.get("compact_summary"):
        from_summary = summary_facts(prior["compact_summary"])
        prior = {**prior, "decisions": _union(prior.get("decisions", []), from_summary["decisions"]),
                 "results": _union(prior.get("results", []), from_summary["results"])}
        facts.setdefault("recap", from_summary.get("recap"))
    merge(handoff, facts, prior, instructions)
    return handoff


def merge(handoff: dict[str, Any], facts: dict[str, Any], prior: dict[str, Any], instructions: str | None) -> None:
    """Fold transcript facts and the previous handoff into ``handoff`` (events win where both know)."""
    removed = set(facts.get("files_removed", []))
    modified = _union(facts.get("files_modified", []), handoff["files_modified"])
    handoff["files_modified"] = [p for p in modified if p not in removed][:MAX_FILES]
    handoff["files_read"] = [p for p in _union(facts.get("files_read", []), handoff["files_read"])
                             if p not in handoff["files_modified"] and p not in removed][:MAX_FILES]
    if not handoff["todos"] and facts.get("todos"):
        handoff["todos"] = facts["todos"]
    handoff["decisions"] = _union(prior.get("decisions", []), facts.get("decisions", []))[-MAX_DECISIONS:]
    handoff["results"] = _union(prior.get("results", []), facts.get("results", []))[-session_results.MAX_RESULTS:]
    handoff["user_instructions"] = _union(prior.get("user_instructions", []),
                                          facts.get("user_instructions", []))[-MAX_INSTRUCTIONS:]
    if "blockers" in facts:  # the transcript knows what came after each failure; the events alone do not
        handoff["blockers"] = facts["blockers"]
        if prior and prior.get("current_request") == facts.get("latest_request"):
            # the same request as at the last handoff: a report of it found resolved then stays resolved
            handoff["blockers"] = [b for b in handoff["blockers"] if not b.startswith("User reported: ")
                                   or b in prior.get("blockers", [])]
    if facts.get("recap"):
        handoff["recap"] = facts["recap"]
    if facts.get("last_action") and not handoff.get("last_action"):
        handoff["last_action"] = facts["last_action"]
    in_progress = session_state.current_task(handoff["todos"])
    if in_progress:
        handoff["in_progress"] = in_progress
    if instructions and instructions.strip():
        handoff["instructions"] = scrub(instructions.strip()[:500])
    task = (prior.get("task") or facts.get("request") or in_progress or handoff.get("instructions")
            or facts.get("title") or session_state.work_description(handoff["files_modified"]))
    handoff["task"] = task or "(task unknown)"
    current = facts.get("latest_request") or prior.get("current_request")
    if current:
        handoff["current_request"] = current
    task_words = " ".join(str(handoff["task"]).split())  # on the Task line already
    handoff["user_instructions"] = [line for line in handoff["user_instructions"]
                                    if " ".join(line.removeprefix("User: ").rstrip("…").split()) != task_words]
    turn_open = facts.get("turn_open")
    stopped = facts.get("stopped_on_blocker", handoff.pop("stopped_on_blocker", False))
    handoff["status"] = session_state.derive_status(handoff["todos"], handoff["blockers"], turn_open, stopped)


def store(conn: sqlite3.Connection, session_id: str, project_id: int | None, trigger: str,
          handoff: dict[str, Any]) -> int:
    """Save the handoff with its one-line summary; return its id."""
    from memory.store import now_iso

    handoff["trigger"] = trigger
    handoff["created_at"] = now_iso()
    return handoffs.insert(conn, session_id, project_id, trigger, handoff, summary_line(handoff))


def summary_line(handoff: dict[str, Any]) -> str:
    """A short human summary: task, counts, last action."""
    open_todos = sum(1 for t in handoff.get("todos", []) if t.get("status") in session_state.OPEN_STATUSES)
    parts = [f"{len(handoff.get('files_modified', []))} files modified",
             f"{len(handoff.get('decisions', []))} decisions", f"{open_todos} open todos"]
    if handoff.get("blockers"):
        parts.append(f"{len(handoff['blockers'])} blockers")
    line = f"{one_line(handoff.get('task') or '', 120)} - {', '.join(parts)}"
    if handoff.get("last_action"):
        line += f"; last: {one_line(handoff['last_action'], 100)}"
    return line


def transcript_facts(path: str | None, project_root: str, max_bytes: int, skip_larger: bool = False
                     ) -> dict[str, Any]:
    """What the transcript tells since its last compaction: request, files, decisions, todos, blockers.

    A missing, empty, unreadable or non-JSON transcript gives ``{}``; one over ``max_bytes`` is read from its
    tail only, or skipped with ``skip_larger``. When nothing was asked or changed since the last compaction,
    the last request before it (and the files, todos, decisions and last action around it, where the part
    since the compaction has none) is looked up in the transcript's last ``max_bytes``.
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
        earlier = _facts_from(transcript, _records(transcript, path, size, min(size, max_bytes), False),
                              project_root)
        if "request" not in facts and "latest_request" in earlier:
            facts["request"], facts["latest_request"] = earlier["request"], earlier["latest_request"]
            # no request since the compaction: a failure the user reported in the current one still stands
            request = session_blockers.Step("request", facts["latest_request"], True, None)
            facts["blockers"] = session_blockers.open_blockers([request, *facts.get("steps", [])])[0]
        for key, value in earlier.items():
            if value and not facts.get(key) and key not in LOOKBACK_SKIPS:
                facts[key] = value
    return facts


def _records(transcript: Any, path: str, size: int, max_bytes: int, since_last_compaction: bool) -> list:
    """The transcript's records, from its last ``max_bytes`` only when it is larger."""
    return list(transcript.iter_records(path, since_last_compaction=since_last_compaction,
                                        tail_bytes=max_bytes if size > max_bytes else None))


def _facts_from(transcript: Any, records: list, project_root: str) -> dict[str, Any]:
    main = [r for r in records if not r.sidechain]
    facts: dict[str, Any] = {}
    requests = [(r.text, r.kind) for r in main if isinstance(r, transcript.UserPrompt)
                and session_requests.is_substantive(r.text, r.kind)]
    if requests:
        facts["request"] = scrub(one_line(requests[0][0], 300))
        facts["latest_request"] = scrub(one_line(requests[-1][0], 300))
    exchanges = transcript.pair_tool_calls(records)
    touched = transcript.files_touched(exchanges)  # subagents' work counts too
    written, removed = _shell_file_changes([ex for ex in exchanges if not ex.failed and ex.result is not None])
    modified = [canonical_path(p, project_root)[0] for p in touched.modified]
    modified += [rel for rel, outside in (canonical_path(p, project_root) for p in written) if not outside]
    facts["files_modified"] = _union(modified, [])
    facts["files_removed"] = [canonical_path(p, project_root)[0] for p in removed]
    facts["files_read"] = [canonical_path(p, project_root)[0] for p in touched.read]
    facts["todos"] = [{"id": i + 1, **t} for i, t in enumerate(transcript.latest_todos(main))]
    steps, decided, instructions, reported = _walk(transcript, main)
    facts["blockers"], rejections = session_blockers.open_blockers(steps)
    facts["steps"] = steps
    facts["user_instructions"] = [scrub(line) for line in _union(rejections, instructions)][-MAX_INSTRUCTIONS:]
    facts["decisions"] = [scrub(one_line(text, DECISION_CHARS)) for text in _strongest(decided)]
    final = _final_report(transcript, main)
    if final:
        reported.append(("final", final))
    facts["results"] = [scrub(line) for line in session_results.keep(reported)]
    facts["turn_open"], facts["stopped_on_blocker"] = _turn_state(transcript, main, facts["blockers"])
    facts["last_action"] = transcript.last_action(main)
    recaps = [r.text for r in main if isinstance(r, transcript.Recap)]
    if recaps:
        facts["recap"] = scrub(one_line(recaps[-1], 400))
    titles = [r.text for r in records if isinstance(r, transcript.Summary)]
    if titles:
        facts["title"] = titles[-1]
    return facts


def _shell_file_changes(exchanges: list) -> tuple[list[str], list[str]]:
    """(written, removed) absolute paths of the successful Bash calls among ``exchanges``, in order: a file
    written after it was removed counts as written again; one removed after being written, as removed."""
    written: dict[str, None] = {}
    removed: dict[str, None] = {}
    for ex in exchanges:
        command = ex.call.input.get("command") if ex.call.name == "Bash" else None
        if not isinstance(command, str):
            continue
        wrote, gone = shell.file_changes(command)
        for path in gone:
            full = _absolute(path, ex.call.cwd or "")
            written.pop(full, None)
            removed[full] = None
        for path in wrote:
            full = _absolute(path, ex.call.cwd or "")
            removed.pop(full, None)
            written.setdefault(full, None)
    return list(written), list(removed)


def _absolute(path: str, cwd: str) -> str:
    path = os.path.expanduser(path)
    return os.path.normpath(path if os.path.isabs(path) or not cwd else os.path.join(cwd, path))


def _walk(transcript: Any, main: list) -> tuple[list, list, list, list]:
    """One pass over the main conversation: blocker steps, decisions, user instructions, results."""
    steps: list = []
    decided: list[tuple[int, int, str]] = []  # (strength, position, text)
    instructions: list[str] = []
    reported: list[tuple[str, str]] = []
    calls: dict[str, Any] = {}
    asked = False  # the assistant's last words were a question: a short answer is a choice
    for position, rec in enumerate(main):
        if isinstance(rec, transcript.UserPrompt):
            if session_requests.is_substantive(rec.text, rec.kind):
                steps.append(session_blockers.Step("request", rec.text, True, None))
                instruction = user_instruction(rec.text)
                if instruction:
                    instructions.append(instruction)
            elif asked and rec.kind == "prompt" and session_requests.weight(rec.text) >= 4 \
                    and not session_requests.is_acknowledgement(rec.text):
                decided.append((prose.STRONG_CUE, position, f"User chose: {one_line(rec.text, 120)}"))
            asked = False
        elif isinstance(rec, transcript.AssistantText):
            for strength, sentence in prose.decision_sentences(rec.text):
                decided.append((strength, position, sentence))
            reported.extend(session_results.from_text(rec.text))
            asked = rec.text.rstrip().endswith("?")
        elif isinstance(rec, transcript.ToolCall):
            calls[rec.id] = rec
        elif isinstance(rec, transcript.ToolResult) and rec.id in calls:
            call = calls.pop(rec.id)
            _exchange_facts(call, rec, position, steps, decided, reported)
    return steps, decided, instructions, reported


def _exchange_facts(call: Any, result: Any, position: int, steps: list, decided: list, reported: list) -> None:
    text = result.text or ""
    if result.is_error and session_blockers.is_rejection(text):
        steps.append(session_blockers.Step("rejection", call.name, False, text))
        return
    if call.name == "Bash" and isinstance(call.input.get("command"), str):
        command = call.input["command"]
        output = "\n".join(str(result.result.get(k) or "") for k in ("stdout", "stderr")) or text
        steps.append(session_blockers.Step("command", command, not result.is_error, text if result.is_error else output))
        reported.extend(session_results.from_command(command, output, not result.is_error))
    elif call.name in EDIT_TOOLS:
        path = call.input.get("file_path") or call.input.get("notebook_path")
        if isinstance(path, str):
            steps.append(session_blockers.Step("edit", path, not result.is_error, None))
            if not result.is_error and PLAN_FILE.search(path) and call.name == "Write":
                title = plan_title(str(call.input.get("content") or ""))
                if title:
                    decided.append((prose.STRONG_CUE, position, f"Plan: {title}"))
    elif call.name == "ExitPlanMode" and not result.is_error:
        title = plan_title(str(call.input.get("plan") or ""))
        if title:
            decided.append((prose.STRONG_CUE + 1, position, f"Approved plan: {title}"))
    elif call.name == "AskUserQuestion" and not result.is_error:
        for answer in ANSWER.findall(text):
            decided.append((prose.STRONG_CUE + 1, position, f"User chose: {one_line(answer[1], 160)} "
                                                                     f"({one_line(answer[0], 80)})"))


def _strongest(decided: list[tuple[int, int, str]]) -> list[str]:
    """The strongest, then newest, decisions, at most ``MAX_DECISIONS``, in the order they were made."""
    unique: dict[str, tuple[int, int, str]] = {}
    for strength, position, text in decided:
        plan = PLAN_LINE.match(text)  # one line per plan title: the approved one, else the newest draft
        key = f"plan:{plan.group(1)}" if plan else " ".join(text.split()).casefold()
        if key not in unique or strength >= unique[key][0]:
            unique[key] = (strength, position, text)
    chosen = sorted(unique.values(), key=lambda d: (d[0], d[1]), reverse=True)[:MAX_DECISIONS]
    return [text for _, _, text in sorted(chosen, key=lambda d: d[1])]


def _turn_state(transcript: Any, main: list, blockers: list[str]) -> tuple[bool, bool]:
    """(the assistant was still working -- its last record is not its own closing text; it stopped right after
    a failure that is still open)."""
    last = None
    for rec in main:
        if isinstance(rec, (transcript.AssistantText, transcript.ToolCall, transcript.ToolResult)):
            last = rec
        elif isinstance(rec, transcript.UserPrompt) and session_requests.is_substantive(rec.text, rec.kind):
            last = rec
    turn_open = last is not None and not isinstance(last, transcript.AssistantText)
    if turn_open and isinstance(last, transcript.ToolResult) and not last.is_error and _committed(main, last):
        turn_open = False  # the last thing done was committing the work: nothing is left mid-way
    last_result = next((r for r in reversed(main) if isinstance(r, transcript.ToolResult)), None)
    stopped = bool(blockers) and not turn_open and last_result is not None and last_result.is_error \
        and not session_blockers.is_rejection(last_result.text)
    return turn_open, stopped


def _final_report(transcript: Any, main: list) -> str | None:
    """The assistant's closing report of the work, when the conversation ends on one: its first lines."""
    last = next((r for r in reversed(main) if isinstance(r, (transcript.AssistantText, transcript.ToolCall))), None)
    if not isinstance(last, transcript.AssistantText) or len(last.text) < FINAL_REPORT_MIN:
        return None
    text = re.sub(r"[#*`|]+", " ", last.text)
    return f"Reported: {session_blockers.cut(text, FINAL_REPORT_CHARS)}"


def _committed(main: list, result: Any) -> bool:
    """The tool call behind ``result`` committed or pushed the work."""
    for rec in reversed(main):
        if getattr(rec, "id", None) == result.id and getattr(rec, "name", None) == "Bash":
            return bool(GIT_WORK.search(str(rec.input.get("command") or "")))
    return False


def user_instruction(text: str) -> str | None:
    """The user's correction, choice or standing instruction in a request ("no, use X", "never …",
    "X, not Y", "let's use X", "- name the command …")."""
    if len(text) > 600 or not USER_INSTRUCTION.search(text.strip()):
        return None
    return f"User: {session_blockers.cut(text, 240)}"


def plan_title(plan: str) -> str | None:
    """The first heading of a plan (without "Plan:") and its first sentence of prose."""
    title, first = None, None
    for line in plan.splitlines():
        line = line.strip()
        if not line:
            continue
        if title is None:
            title = re.sub(r"^(?:implementation )?plan:\s*", "", line.lstrip("#").strip(), flags=re.I)
        elif not line.startswith(("#", "|", "```", "-", "*")) and len(line) > 20:
            first = re.split(r"(?<=[.!?。])\s", line, maxsplit=1)[0]
            break
    if not title:
        return None
    return session_blockers.cut(f"{title} — {first}" if first else title, 200)


def _covered_event_id(row: Any) -> int:
    return int(handoff_state(row).get("last_event_id") or 0)


def transcript_cap(continuity: Continuity) -> int:
    """The most of a transcript a hook reads, in bytes: ``continuity.transcript_max_mb``, the one setting."""
    return int(continuity.transcript_max_mb * 1024 * 1024)


def _union(first: list, second: list) -> list:
    seen: dict = {}
    for item in list(first) + list(second):
        key = item if isinstance(item, str) else repr(item)
        seen.setdefault(key, item)
    return list(seen.values())

