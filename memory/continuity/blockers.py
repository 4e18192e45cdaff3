"""Open blockers: the failures still standing when a handoff is written, and the user's rejection reasons.

A session is replayed as a list of ``Step`` s (commands with their outcome, file edits, the user's requests,
rejected tool calls). A failed command is a blocker until one of these happens after it:

- the same or an equivalent command succeeds (``shell.equivalence_key``: ``cd app && uv run pytest -x
  tests/a.py`` and ``pytest tests/b.py`` are both ``pytest``; ``npm run build`` is not ``npm run lint``);
- a file the failure names (in its command or error) is edited and the work moves on (another step follows);
- the work is committed or pushed (``git commit`` / ``git push`` succeed);
- the user moves on to another request.

Never blockers: probes (``shell.is_look_around``: ``which``, ``command -v``, ``ls``, ``test -f``, ``stat``,
``cat``, a ``--version``), sudo password prompts, cleanups (``rm``, ``kill``,
``mkdir`` of what already exists), a ``timeout`` ending the command it was meant to end, and a call the user
interrupted or rejected. A rejection's reason ("use pnpm") is an instruction for the next session, returned
apart and never cut mid-word. The user's own latest request counts as a blocker when it reports a failure
(``prose.reports_failure``: "it still fails", "还是失败", a pasted error) -- until the user asks something else, or a command on what was reported
(a word of the report in it, not git) runs clean afterwards.
"""

from __future__ import annotations

import re
from collections import namedtuple

from memory import shell
from memory.text import shorten

Step = namedtuple("Step", "kind text ok detail")
Step.__doc__ = ("One thing that happened: kind ``command`` (text=command, ok, detail=its error or output), ``edit`` "
                "(text=path), ``request`` (text=the user's words), ``rejection`` (detail=the tool result text).")

MAX_OPEN = 5
COMMAND_SHOWN = 120
ERROR_SHOWN = 160
INSTRUCTION_SHOWN = 300
CLEANUPS = frozenset({"rm", "rmdir", "kill", "killall", "pkill", "unlink", "mkdir"})
_SUDO_PROMPT = re.compile(r"a terminal is required to read the password|sudo: a password is required"
                          r"|sudo: no tty present|askpass helper", re.I)
_INTERRUPTED = re.compile(r"\[Request interrupted by user|^interrupted$", re.I)
_REJECTED = re.compile(r"The user doesn't want to (?:proceed with this tool use|take this action)"
                       r"|User chose to stay in plan mode", re.I)
_REASON = re.compile(r"(?:The user provided the following reason for the rejection|"
                     r"To tell you how to proceed, the user said):\s*(.+)", re.I | re.S)
_TIMEOUT_EXIT = re.compile(r"Exit code 124\b")
_REPORT_STOPWORDS = frozenset("also still again fails failing failed error errors broken with this that they them "
                              "when from have does doesn't work works working same what there here your".split())
_GIT_WORK = re.compile(r"(?:^|&&|;|\|\|)\s*git\s+(?:-C\s+\S+\s+)?(?:commit|push)\b")


def open_blockers(steps: list[Step]) -> tuple[list[str], list[str]]:
    """(open blockers, newest last; user instructions from rejection reasons) for the steps in order."""
    from memory import prose  # its cue tables cost ~14 ms to compile: not on the recording path
    open_: dict[str, tuple[str, str]] = {}  # key -> (blocker line, text naming what it concerns)
    edited_since: set[str] = set()
    instructions: list[str] = []
    request = report = None
    for step in steps:
        _settle_edits(open_, edited_since, step)
        if step.kind == "request":
            if request is not None and _norm(step.text) != _norm(request):
                open_.clear()  # the user moved on to another request
            request = step.text
            report = step.text if prose.reports_failure(step.text) else None
        elif step.kind == "rejection":
            reason = rejection_reason(step.detail or "")
            if reason and reason not in instructions:
                instructions.append(reason)
        elif step.kind == "edit" and step.ok:
            edited_since.add(step.text.rsplit("/", 1)[-1])
        elif step.kind == "command":
            _apply_command(open_, step)
            if report and _passes_what_was_reported(step, report):
                report = None
    blockers = [line for line, _ in open_.values()][-MAX_OPEN:]
    if report:
        blockers.append(f"User reported: {_report_gist(report)}")
    return blockers, instructions


def _passes_what_was_reported(step: Step, report: str) -> bool:
    """A command that ran clean (its output shows no failure) on what the user said fails: a word of the
    report ("integration tests are failing") in the command (``tox -e integration``). Not git: a commit
    message names what it fixes without proving it."""
    if not step.ok or shell.output_shows_failure(step.detail or "") or re.match(r"\s*(?:git|gh)\b", step.text or ""):
        return False
    said = {w for w in re.findall(r"[a-z][a-z0-9_.-]{3,}", report.casefold()) if w not in _REPORT_STOPWORDS}
    return bool(said & set(re.findall(r"[a-z][a-z0-9_.-]{3,}", (step.text or "").casefold())))


def _apply_command(open_: dict[str, tuple[str, str]], step: Step) -> None:
    command, detail = step.text or "", step.detail or ""
    key = shell.equivalence_key(command)
    if step.ok:
        open_.pop(key, None)
        if _GIT_WORK.search(command):
            open_.clear()  # the work was committed or pushed: it moved on
        return
    if not is_real_failure(command, detail):
        return
    open_.pop(key, None)  # newest failure of a key last
    open_[key] = (f"`{cut(command, COMMAND_SHOWN)}` failed: {shell.error_gist(detail)}", f"{command}\n{detail}")


def _settle_edits(open_: dict[str, tuple[str, str]], edited: set[str], step: Step) -> None:
    """A failure naming a file that was edited since is resolved once the work moves on (this next step)."""
    if not edited or (step.kind == "edit"):
        return
    for key, (_, concerns) in list(open_.items()):
        if any(name and name in concerns for name in edited):
            del open_[key]
    edited.clear()


def is_real_failure(command: str, error: str) -> bool:
    """False for what never blocks: probes, sudo prompts, cleanups, timeouts that did their job, interruptions."""
    if _SUDO_PROMPT.search(error) or _INTERRUPTED.search(error.strip()) or _REJECTED.search(error):
        return False
    if shell.is_look_around(command):
        return False
    last = shell.last_program(command)
    if last[0] in CLEANUPS:
        return False
    if last[0] == "timeout" or (_TIMEOUT_EXIT.search(error) and "timeout" in command):
        return False
    return True


def rejection_reason(text: str) -> str | None:
    """The reason the user gave when rejecting a tool call, whole words only; None without one."""
    if not _REJECTED.search(text):
        return None
    match = _REASON.search(text)
    if not match:
        return None
    return cut(match.group(1), INSTRUCTION_SHOWN) or None


def is_rejection(text: str) -> bool:
    """True when a tool result says the user rejected the call (not a failure of the tool)."""
    return bool(_REJECTED.search(text or ""))


def _report_gist(text: str) -> str:
    from memory import prose  # its cue tables cost ~14 ms to compile: not on the recording path
    for line in text.splitlines():
        if prose.PASTED_FAILURE.search(line) and len(line.strip()) > 8:
            return cut(line.strip(), ERROR_SHOWN)
    return cut(text, ERROR_SHOWN)


def cut(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, cut at a word boundary."""
    return shorten(str(text), limit, one_line=True, at_word=True)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()
