"""Deterministic learning extraction from a transcript's records: no network, no model. Precision first.

What a careful engineer would write down, and nothing else (a wrong learning recalled for months costs more
than a missed one):

* **fix** / **gotcha**: a command fails, files are edited, the same command then succeeds. The learning keeps
  the error's stable line, the change (the file and the first line it added) and, when the assistant stated
  one right after the failure, the cause. It is a *gotcha* when the error shows how a library or tool really
  behaves (``X is not a function``, ``unexpected keyword argument``, ``Unrecognized key``, ``No module named``).
  A changed invocation counts only when the error was about the invocation (``command not found``, ``unknown
  option``) and the new one is not a diagnostic (``--help``, ``python -c``).
* **dead end**: inside such a chain the assistant gave an approach up ("that had no effect", "放弃这个办法",
  "j'abandonne cette piste") and a different change then made the check pass: both are said. When the error
  that defeated the abandoned approach is the one finally fixed, the dead end replaces the fix.
* **instruction**: the user's standing instructions and corrections in any supported language (memory.prose:
  always / never / from now on / in this repo …, "no, use X"), and the reasons given when rejecting a tool
  call. Never the task: a sentence scoped to the current work ("… yet", "for now", "先不要 …") or a bare
  request ("create an app that …") is not an instruction. Global only when the user said so ("in all my
  projects", "所有项目"); the words are kept as the scope reason.
* **fact**: how the project tests, checks and builds: a test/check/build command that succeeded at least twice,
  or that confirmed a fix, in its most general form.

Subagent (sidechain) records, compaction summaries, tool-protocol errors (Edit before Read, a rejected call
without a reason) and the assistant's plans ("I'll use …") are not learnings. Every text is redacted, one
sentence of at most 300 characters, deduplicated per session.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterable

from memory import prose, shell
from memory.learning.model import Learning, clip
from memory.redact import redact
from memory.transcript import (
    AnyRecord, AssistantText, ToolExchange, UserPrompt, is_edit, pair_tool_calls, tool_file_path,
)

PER_CATEGORY = {"fix": 8, "gotcha": 6, "instruction": 8, "fact": 5, "dead-end": 4}

# --- tool exchanges ---------------------------------------------------------------------------------------

_HARNESS_ERRORS = ("has not been read yet", "doesn't want to proceed", "stay in plan mode", "Request interrupted",
                   "Unknown skill", "a terminal is required to read the password", "EACCES", "EISDIR",
                   "File has been modified since read", "Found 2 matches of the string", "String to replace not found")
_REJECTION = re.compile(r"(?:the user said:|reason for the rejection:)\s*(.+)", re.S | re.I)
_NO_REASON = re.compile(r"STOP what you are doing|wait for the user to tell you", re.I)
# Errors that show how a library, tool or platform behaves (a gotcha rather than a fix of our own code).
_GOTCHA = re.compile(
    r"is not a function|has no attribute|unexpected keyword argument|got an unexpected|cannot import name"
    r"|No module named|Unrecognized key|unknown (?:option|flag|argument)|no matching package|could not find `"
    r"|cannot find type|not found in `|No support for|not supported|is not defined|only works in a client"
    r"|feature is disabled|is not JSON serializable|Invalid \S+ entry|requires additional permissions"
    r"|missing \d+ required (?:positional|keyword)", re.I)
# Gists that carry no signature worth keeping.
_USELESS_GIST = re.compile(
    r"^(?:an error|error:?|failed|FAIL(?:ED)?:?|Exit code \d+|evaluation failed.*|.*test session starts.*|=+.*"
    r"|.*FAIL code \d+.*|Traceback.*|FAILED \S+|FAIL \S+(?: > .*)?|\W*)$", re.I)
_LINT_CODE = re.compile(r"(?m)^\s*([A-Z]{1,4}\d{2,4}\b.+)$")
# Style and hygiene findings in the project's own code (line length, unused import, undefined name,
# docstrings, import order): fixed by the next edit, nothing to remember.
_STYLE_CODE = re.compile(r"^(?:E\d{3}|W\d{3}|F\d{3}|D\d{3}|I\d{3})\b")
# Invocation errors: a changed command line (not an edit) is the fix.
_INVOCATION = re.compile(r"command not found|unknown option|unrecognized|invalid option|No such file or directory"
                         r"|file or directory not found|E902"
                         r"|no such option|usage:|not recognized as", re.I)
_DIAGNOSTIC = re.compile(r"\b(?:python[\d.]*|node|ruby|perl|bash|sh|deno)\s+-[ce]\b|\s--(?:help|version|markers"
                         r"|collect-only)\b|\s-h$|^(?:which|type|ls|cat)\b")
_FILLER = re.compile(r"^(?:let me|let's|i'll|i will|now|perfect|great|excellent|good|ok|okay|i see|ah|hmm)\b", re.I)
_ASSERTION = re.compile(r"AssertionError|assert |expected .* (?:to|but)|toBe|toEqual", re.I)
_TEST_FILE = re.compile(r"(?:^|/)(?:tests?/|test_[^/]*$|[^/]*_test\.\w+$|[^/]*\.test\.\w+$|[^/]*\.spec\.\w+$)")


def command_of(ex: ToolExchange) -> str | None:
    """The shell command of a Bash exchange (a whole-command subshell's parentheses dropped), else None."""
    cmd = ex.call.input.get("command") if ex.call.name == "Bash" else None
    if not isinstance(cmd, str) or not cmd.strip():
        return None
    cmd = cmd.strip()
    if cmd.startswith("(") and cmd.endswith(")") and cmd.count("(") == 1:
        cmd = cmd[1:-1].strip()
    return cmd


def _output(ex: ToolExchange) -> str:
    if not ex.result:
        return ""
    parts = [ex.result.text]
    for k in ("stdout", "stderr") if ex.result.text else ("stdout", "stderr", "error"):
        v = ex.result.result.get(k)
        if isinstance(v, str) and v and v not in ex.result.text:
            parts.append(v)
    return shell.strip_ansi("\n".join(parts))


def _bash_failed(ex: ToolExchange) -> bool:
    if ex.failed:
        return True
    return bool(ex.result) and bool(shell.output_shows_failure(_output(ex)))


def signature(output: str) -> str | None:
    """The stable error line of a failed command's output (a lint code line first), or None when the output
    has no line worth keeping."""
    lint = _LINT_CODE.search(shell.strip_ansi(output))
    if lint and not _USELESS_GIST.match(lint.group(1).strip()):
        return clip(" ".join(lint.group(1).split()), 140)
    gist = shell.error_gist(output).strip()
    return None if _USELESS_GIST.match(gist) else gist


# --- files and symbols named in a text ------------------------------------------------------------------

_SYMBOL_RE = re.compile(r"`([A-Za-z_][\w]*(?:(?:::|\.)[A-Za-z_]\w*)*(?:\(\))?)`")
_PATH_RE = re.compile(
    r"(?<![\w/.\-])((?:[\w.\-]+/)*[\w\-]+\.(?:py|pyi|ts|tsx|js|jsx|mjs|cjs|rs|go|toml|json|md|yaml|yml|css|scss"
    r"|html|sh|java|kt|rb|c|h|cc|cpp|hpp|cs|swift|sql|lock|cfg|ini|vue|svelte|php))\b")


def _symbols(text: str) -> list[str]:
    return [s for s in _SYMBOL_RE.findall(text) if not _PATH_RE.fullmatch(s) and len(s) > 2]


# --- the context a session's learnings are built in -----------------------------------------------------


@dataclass
class _Context:
    session_id: str
    cwd: str | None = None
    found: list[Learning] = field(default_factory=list)

    def add(self, category: str, text: str, lines: Iterable[int], confidence: float, *,
            files: Iterable[str] = (), commands: Iterable[str] = (), errors: Iterable[str] = (),
            scope: str = "project", scope_reason: str = "") -> None:
        text = redact(text)
        files = list(dict.fromkeys(redact(self.rel(f)) for f in files if f))
        files += [f for f in _PATH_RE.findall(text) if f not in files]
        symbols = list(dict.fromkeys(redact(s) for s in _symbols(text)))
        anchors = ([{"kind": "file", "value": f} for f in files[:6]]
                   + [{"kind": "command", "value": redact(c)} for c in dict.fromkeys(commands) if c][:3]
                   + [{"kind": "error", "value": redact(e)} for e in dict.fromkeys(errors) if e][:2]
                   + [{"kind": "symbol", "value": s} for s in symbols[:4]])
        evidence = {"session_id": self.session_id, "lines": sorted(set(lines))[:20]}
        self.found.append(Learning(category, text, files[:10], symbols[:10], evidence, confidence,
                                   scope=scope, scope_reason=redact(scope_reason), anchors=anchors))

    def rel(self, path: str) -> str:
        if self.cwd and path.startswith(self.cwd.rstrip("/") + "/"):
            return path[len(self.cwd.rstrip("/")) + 1:]
        return path


def extract(records: Iterable[AnyRecord], *, session_id: str) -> list[Learning]:
    """The learnings the rules find in a session's records, redacted and deduplicated."""
    records = list(records)
    # Subagents' runs are the agent's own work on this project (their fixes count); their prompts were written
    # by the orchestrating agent, not the user, so instructions and facts come from the main thread only.
    all_exchanges = pair_tool_calls(records)
    records = [r for r in records if not getattr(r, "sidechain", False)]
    exchanges = [ex for ex in all_exchanges if not ex.call.sidechain]
    ctx = _Context(session_id, _session_cwd(exchanges))
    prose_by_line = [(r.line, r.text) for r in records if isinstance(r, AssistantText)]
    chains = _chains(all_exchanges)
    fixed = {_family(chain.core) for chain in chains if _learn_from_chain(chain, prose_by_line, ctx)}
    _facts(exchanges, chains, fixed, ctx)
    _shipping_facts(exchanges, ctx)
    _needs_the_user(exchanges, ctx)
    _os_refusals(exchanges, ctx)
    _committed_fixes(exchanges, records, ctx)
    _instructions(records, exchanges, ctx)
    return _finalize(ctx.found)


def _session_cwd(exchanges: list[ToolExchange]) -> str | None:
    cwds = [ex.call.cwd for ex in exchanges if ex.call.cwd]
    return max(set(cwds), key=cwds.count) if cwds else None


# --- fix, gotcha, dead end: a failing command, changes, the same command passing ---------------------------


@dataclass
class _Edit:
    path: str
    line: int
    added: str
    undoes: bool = False  # puts back what an earlier edit of the session replaced (a revert)


@dataclass
class _Chain:
    core: str
    failures: list[ToolExchange]
    edits: list[tuple[int, _Edit]] = field(default_factory=list)  # (index of the failure it follows, edit)
    success: ToolExchange | None = None


def _family(core: str) -> str:
    """Program and subcommand, and the target of `run`/`exec`/`-e` (``tox -e lint``, ``npm run build``)."""
    words = shell.without_python_m(core).split()
    if len(words) > 2 and words[1] in ("-e", "run", "exec", "x", "-m"):
        return " ".join(words[:3])
    if len(words) > 1 and words[1].startswith(("-", "/")):
        return words[0]
    return " ".join(words[:2])


_PATHISH = re.compile(r"^[^-].*(?:[/\\]|::|\.\w{1,4}$)")
# A file or test-id argument (not an owner/name slug): left out of the general form of a command.
_FILEISH = re.compile(r"^(?:\.{0,2}/|~|[^-].*(?:::|\.\w{1,4}$))")


def _same_check(failed: str, other: str) -> bool:
    """``other`` runs the check that ``failed`` ran: same family, and the same files or test ids (or none,
    a broader run)."""
    if _family(failed) != _family(other):
        return False
    ours = {os.path.basename(w.rstrip("/")) for w in failed.split() if _PATHISH.search(w)}
    theirs = {os.path.basename(w.rstrip("/")) for w in other.split() if _PATHISH.search(w)}
    return not theirs or theirs == ours


def _segments(command: str) -> list[str]:
    """The core of each ``&&``/``;`` part of a command line."""
    return [c for c in (shell.core_command(part) for part in re.split(r"&&|;|\|\|", command)) if c]


def _chains(exchanges: list[ToolExchange]) -> list[_Chain]:
    """Closed chains: failures of one command (same program and subcommand), the edits made while it was
    failing, and the run that passed."""
    open_chains: list[_Chain] = []
    closed: list[_Chain] = []
    done: set[tuple[str, str, str]] = set()
    for ex in exchanges:
        if is_edit(ex.call) and not ex.failed:
            path = tool_file_path(ex.call)
            if path:
                old, new = str(ex.call.input.get("old_string") or ""), str(ex.call.input.get("new_string") or "")
                edit = _Edit(path, ex.call.line, _added_line(ex), bool(old) and (path, new, old) in done)
                done.add((path, old, new))
                for chain in open_chains:
                    chain.edits.append((len(chain.failures) - 1, edit))
            continue
        command = command_of(ex)
        if not command or not ex.result:
            continue
        core = shell.core_command(command)
        if not core or shell.program(core) in shell.TRIVIAL_PROGRAMS or _DIAGNOSTIC.search(core):
            continue
        chain = next((c for c in open_chains if _same_check(c.core, core)), None)
        if chain is None and not _bash_failed(ex):
            chain = next((c for c in open_chains if any(_same_check(c.core, part) for part in _segments(command))),
                         None)
        if _bash_failed(ex):
            if any(h in _output(ex) for h in _HARNESS_ERRORS):
                continue
            if chain:
                chain.failures.append(ex)
            else:
                open_chains.append(_Chain(core, [ex]))
        elif chain:
            open_chains.remove(chain)
            chain.success = ex
            closed.append(chain)
    return closed


def _added_line(ex: ToolExchange) -> str:
    """The most telling line an Edit/Write added (the most words the old text did not have), at most 90
    characters: what the change was."""
    inp = ex.call.input
    new = inp.get("new_string") if isinstance(inp.get("new_string"), str) else inp.get("content")
    if not isinstance(new, str):
        edits = inp.get("edits")
        new = "\n".join(e.get("new_string", "") for e in edits if isinstance(e, dict)) if isinstance(edits, list) else ""
    old = inp.get("old_string") if isinstance(inp.get("old_string"), str) else ""
    old_lines = {line.strip() for line in old.splitlines()}
    old_words = set(re.findall(r"\w+", old))
    best, best_score = "", 0
    for line in new.splitlines():
        text = line.strip()
        if not text or text in old_lines or len(text) <= 3 or text.startswith(("#", "//", "/*", "*", '"""')):
            continue
        score = len(set(re.findall(r"\w+", text)) - old_words)
        if score > best_score or not best:
            best, best_score = text, score
    return clip(" ".join(best.split()), 90) if best else ""


def _learn_from_chain(chain: _Chain, prose_by_line: list[tuple[int, str]], ctx: _Context) -> bool:
    """Add the fix, gotcha or dead end a closed chain teaches; True when one was added."""
    success = chain.success
    ok_cmd = command_of(success) or ""
    if _DIAGNOSTIC.search(shell.core_command(ok_cmd)) or _DIAGNOSTIC.search(chain.core):
        return False
    last = chain.failures[-1]
    gist = signature(_output(last))
    if gist is None or _STYLE_CODE.match(gist):
        return False
    lines = [f.call.line for f in chain.failures] + [f.result.line for f in chain.failures if f.result]
    lines += [e.line for _, e in chain.edits] + [success.call.line]
    if not chain.edits:
        return _invocation_fix(chain, gist, ok_cmd, lines, ctx)
    window = [(n, t) for n, t in prose_by_line if chain.failures[0].call.line < n < success.call.line]
    if _dead_end(chain, gist, window, lines, ctx):
        return True
    final_edits = [e for index, e in chain.edits if index == len(chain.failures) - 1] or [e for _, e in chain.edits]
    files = list(dict.fromkeys(ctx.rel(e.path) for e in final_edits))
    failing_output = _output(last)
    if all(_TEST_FILE.search(f) for f in files) and (
            _ASSERTION.search(gist) or any(re.search(rf"{re.escape(os.path.basename(f))}[(:]", failing_output)
                                           for f in files)):
        return False  # a test changed to match the code, or to compile: nothing learned about the project
    change = next((e.added for e in final_edits if e.added), "")
    names = ", ".join(_short(f) for f in files[:3]) + (" and more" if len(files) > 3 else "")
    cause = _cause(window, after=last.result.line if last.result else last.call.line)
    text = f"`{clip(chain.core, 70)}` failed with {gist}; fixed by editing {names}"
    text += f" (`{change}`)" if change else ""
    text += f". {cause}" if cause and len(text) + len(cause) < 290 else "."
    category = "gotcha" if _GOTCHA.search(gist) else "fix"
    ctx.add(category, text, lines, 0.8, files=files, commands=[chain.core], errors=[gist])
    _earlier_errors(chain, gist, ctx)
    return True


def _earlier_errors(chain: _Chain, final_gist: str, ctx: _Context) -> None:
    """Inside a chain, an error that edits made go away (the next run failed differently) is fixed too: kept
    when it shows how a library or tool behaves (a gotcha), at most two per chain."""
    kept = 0
    for index, failure in enumerate(chain.failures[:-1]):
        gist = signature(_output(failure))
        following = signature(_output(chain.failures[index + 1]))
        edits = [e for i, e in chain.edits if i == index]
        if not gist or not edits or gist in (following, final_gist) or not _GOTCHA.search(gist):
            continue
        files = list(dict.fromkeys(ctx.rel(e.path) for e in edits))
        change = next((e.added for e in edits if e.added), "")
        text = (f"`{clip(chain.core, 70)}` failed with {gist}; fixed by editing "
                f"{', '.join(_short(f) for f in files[:3])}" + (f" (`{change}`)." if change else "."))
        lines = [failure.call.line, *([failure.result.line] if failure.result else []), *(e.line for e in edits)]
        ctx.add("gotcha", text, lines, 0.7, files=files, commands=[chain.core], errors=[gist])
        kept += 1
        if kept == 2:
            return


def _invocation_fix(chain: _Chain, gist: str, ok_cmd: str, lines: list[int], ctx: _Context) -> bool:
    """A failure about the command line itself, cured by a different command line."""
    ok_core = shell.core_command(ok_cmd)
    failed_cmd = _first_line(command_of(chain.failures[-1]) or "")
    if not _INVOCATION.search(gist) or _first_line(ok_cmd) == failed_cmd or _DIAGNOSTIC.search(ok_core):
        return False
    if re.search(r"\bcd:", gist):
        return False  # a `cd` before the command failed, not the command
    missing = re.search(r"command not found:? (\S+)|(\S+): command not found", gist)
    if missing and (missing.group(1) or missing.group(2)).strip(":") != shell.program(chain.core):
        return False  # a helper in a pipe was missing, not the command
    if shell.program(chain.core) not in ok_cmd:
        return False
    text = f"`{clip(failed_cmd, 80)}` failed with {gist}; it works as `{clip(_first_line(ok_cmd), 120)}`."
    ctx.add("fix", text, lines, 0.65, commands=[chain.core, ok_core], errors=[gist])
    return True


def _dead_end(chain: _Chain, gist: str, window: list[tuple[int, str]], lines: list[int], ctx: _Context) -> bool:
    """The assistant gave an approach up after a failure of the chain and another change then passed."""
    given_up: list[tuple[int, str]] = []
    for line, text in window:
        for sentence in prose.split_sentences(text):
            if prose.abandons(sentence) and prose.is_learning_sized(sentence):
                given_up.append((line, sentence))
    if not given_up:
        return False
    at = given_up[0][0]
    before = [f for f in chain.failures if (f.result.line if f.result else f.call.line) < at]
    if not before:
        return False
    defeated = signature(_output(before[-1])) or gist
    later_edits = [e for _, e in chain.edits if e.line > at and not e.undoes]
    if not later_edits:
        return False
    tried = [e for i, e in chain.edits if i == len(before) - 2 and e.added and not e.undoes]
    said = " ".join(_end(s) for _, s in given_up[:2])
    worked = next((e for e in later_edits if e.added), later_edits[0])
    files = list(dict.fromkeys(ctx.rel(e.path) for e in later_edits))
    head = (f"Tried `{clip(tried[-1].added, 60)}` in {_short(ctx.rel(tried[-1].path))}, but" if tried else "But")
    text = (f"{head} `{clip(chain.core, 40)}` still failed ({clip(defeated, 45)}): {clip(said, 75)}"
            f" What worked: editing {_short(ctx.rel(worked.path))}" + (f" (`{clip(worked.added, 50)}`)." if worked.added else "."))
    ctx.add("dead-end", text, lines + [n for n, _ in given_up], 0.6, files=files, commands=[chain.core],
            errors=[defeated])
    if defeated != gist:
        return False  # a different error was fixed after the dead end: that fix is learned too
    return True


def _cause(window: list[tuple[int, str]], *, after: int) -> str:
    """The first sentence the assistant wrote after ``after`` that states a cause (not a plan or a filler)."""
    for line, text in window:
        if line <= after:
            continue
        for sentence in prose.split_sentences(text)[:3]:
            if prose.explains(sentence) and not _FILLER.match(sentence) and not prose.abandons(sentence):
                return clip(_end(sentence), 140)
        return ""
    return ""


# --- fixes the session committed: the engineer's own note of what was wrong and what changed ----------------

_HEREDOC = re.compile(r"<<-?\s*'?\"?(\w+)'?\"?\n(.*?)\n\s*\1\b", re.S)
_DASH_M = re.compile(r"""\s-m\s+(?:"((?:[^"\\]|\\.)*)"|'([^']*)')""")
_FIX_SUBJECT = re.compile(r"^(?:(?:fix|bugfix|hotfix)(?:\([^)]*\))?!?:\s*|(?=Fix(?:es|ed)?\s))(.+)", re.I)
_TRAILER = re.compile(r"^(?:Co-Authored-By|Signed-off-by|🤖|Generated with|Refs?|Closes|Fixes #)", re.I)
_GIT_ADD = re.compile(r"\bgit add\s+([^&;|]+)")


def commit_message(command: str) -> str | None:
    """The message a `git commit` command line carries (heredoc or -m), or None."""
    heredoc = _HEREDOC.search(command)
    if heredoc:
        return heredoc.group(2).strip()
    parts = [a if a is not None else b for a, b in _DASH_M.findall(command)]
    return "\n\n".join(p.replace('\\"', '"') for p in parts).strip() or None


def _committed_fixes(exchanges: list[ToolExchange], records: list[AnyRecord], ctx: _Context) -> None:
    """A commit whose message says it fixes something (``fix: …``, ``Fix …``), that was made, and whose
    failure (a quoted error in the message) does not come back later in the session."""
    for ex in exchanges:
        command = command_of(ex)
        if not command or not ex.result or ex.failed or not shell.commit_in_output(command, _output(ex)):
            continue
        message = commit_message(command)
        subject_match = _FIX_SUBJECT.match(message or "")
        if not subject_match or _comes_back(message, ex.result.line, records):
            continue
        body = _commit_body(message)
        subject = subject_match.group(1).strip().rstrip(".")
        text = subject[:1].upper() + subject[1:] + (f": {clip(body.rstrip('.'), 220)}." if body else ".")
        added = _GIT_ADD.search(command)
        files = [f for f in added.group(1).split() if not f.startswith("-") and f not in (".", "-A")] if added else []
        ctx.add("fix", clip(text, 300), [ex.call.line], 0.7, files=files)


def _commit_body(message: str) -> str:
    """The first paragraph of a commit body as one line (hard wraps joined); for a bulleted body, the first
    two bullets joined by "; "."""
    body = message.split("\n", 1)[1] if "\n" in message else ""
    lines = [l.rstrip() for l in body.strip().splitlines()]
    lines = [l for l in lines if not _TRAILER.match(l.strip())]
    if any(l.lstrip().startswith(("- ", "* ", "• ")) for l in lines[:1]):
        bullets, current = [], ""
        for line in lines:
            if line.lstrip().startswith(("- ", "* ", "• ")):
                if current:
                    bullets.append(current)
                current = line.strip()[2:].strip()
            elif line.strip():
                current += " " + line.strip()
        bullets.append(current)
        return "; ".join(b.rstrip(".") for b in bullets[:2] if b)
    paragraph = []
    for line in lines:
        if not line.strip():
            if paragraph:
                break
            continue
        paragraph.append(line.strip())
    text = " ".join(paragraph)
    first = prose.split_sentences(text)
    return first[0] if first else ""


_QUOTED = re.compile(r"'([^']{10,80})'|\"([^\"]{10,80})\"|`([^`]{10,80})`")


def _comes_back(message: str, after_line: int, records: list[AnyRecord]) -> bool:
    """An error quoted in the commit message shows up again later (the user pastes it, a tool prints it)."""
    quoted = [next(g for g in m if g) for m in _QUOTED.findall(message)]
    if not quoted:
        return False
    for rec in records:
        if rec.line <= after_line:
            continue
        text = getattr(rec, "text", "") or ""
        if any(q in text for q in quoted):
            return True
    return False


# --- an OS refusal cured by another command (a busy file, a taken port) ------------------------------------

_OS_REFUSAL = re.compile(r"Text file busy|Address already in use|Device or resource busy|port is already allocated"
                         r"|Resource temporarily unavailable|Too many open files", re.I)


def _os_refusals(exchanges: list[ToolExchange], ctx: _Context) -> None:
    """A command refused by the OS, the command run in between, and the same command then working."""
    for index, ex in enumerate(exchanges):
        command = command_of(ex)
        if not command or not ex.result or not _bash_failed(ex):
            continue
        output = _output(ex)
        refusal = _OS_REFUSAL.search(output)
        if not refusal:
            continue
        parts = _segments(command)
        core = next((part for part in parts if f"{shell.program(part)}:" in output), parts[-1] if parts else "")
        between: list[str] = []
        for later in exchanges[index + 1:index + 8]:
            later_cmd = command_of(later)
            if not later_cmd or not later.result:
                continue
            if core in _segments(later_cmd) and not _bash_failed(later):
                cure = [c for c in between if c != core][-1:] or [c for c in _segments(later_cmd) if c != core][:1]
                if cure:
                    text = (f"`{clip(core, 70)}` failed with '{refusal.group(0)}'; it worked after "
                            f"`{clip(cure[0], 70)}`.")
                    ctx.add("gotcha", text, [ex.call.line, later.call.line], 0.7, commands=[core, cure[0]],
                            errors=[refusal.group(0)])
                    return
                break
            between.extend(_segments(later_cmd))


# --- what only the user can do ------------------------------------------------------------------------------

_SUDO_PASSWORD = "a terminal is required to read the password"


def _needs_the_user(exchanges: list[ToolExchange], ctx: _Context) -> None:
    """`sudo` asked for a password the agent cannot type: such commands are for the user to run (once)."""
    tried = [ex for ex in exchanges if command_of(ex) and ex.result and _SUDO_PASSWORD in _output(ex)]
    if not tried:
        return
    examples = list(dict.fromkeys(clip(shell.core_command(command_of(ex) or ""), 60) for ex in tried))[:2]
    text = (f"`sudo` here asks for a password the agent cannot type ('{_SUDO_PASSWORD}'): ask the user to run "
            + " and ".join(f"`{e}`" for e in examples) + " (and other sudo commands) themselves.")
    ctx.add("fact", text, [ex.call.line for ex in tried], 0.7, commands=examples)


# --- facts: how the project tests, checks and builds --------------------------------------------------------


def _facts(exchanges: list[ToolExchange], chains: list[_Chain], fixed: set[str], ctx: _Context) -> None:
    """Test, check and build commands that worked; not for a command a fix of this session already quotes."""
    confirmed = {_family(c.core) for c in chains}
    runs: dict[str, list[ToolExchange]] = {}
    for ex in exchanges:
        command = command_of(ex)
        if not command or not ex.result or _bash_failed(ex):
            continue
        core = shell.core_command(command)
        if (not core or not shell.is_build_or_test(core) or shell.is_package_change(core)
                or shell.purpose(shell.without_python_m(core, "python -m ")) is None or _DIAGNOSTIC.search(core)):
            continue
        runs.setdefault(_family(core), []).append(ex)
    order = {"test": 0, "check": 1, "build": 2}
    chosen = []
    for family, successes in runs.items():
        plain_run = not any(_PATHISH.search(w) for w in shell.core_command(command_of(successes[0]) or "").split())
        once_ok = family in confirmed or (plain_run and shell.purpose(family) == "test" and "format" not in family)
        if family in fixed or (len(successes) < 2 and not once_ok):
            continue
        core = _general_form([shell.core_command(command_of(s) or "") for s in successes])
        chosen.append((order[_purpose(core)], -len(successes), core, successes))
    for _, _, core, successes in sorted(chosen)[:PER_CATEGORY["fact"]]:
        plain = shell.without_python_m(core, "python -m ")
        verb = {"test": "Run tests with", "check": "Check the code with", "build": "Build with"}[_purpose(plain)]
        setup = re.findall(r"(?:export PATH=\S+|source \S+)", command_of(successes[-1]) or "")
        note = f" (after `{setup[0]}`)" if setup else ""
        ctx.add("fact", f"{verb} `{clip(plain, 120)}`{note}.", [s.call.line for s in successes],
                0.6 if verb.startswith("Check") else 0.7, commands=[core])


# Packaging, deploying and scanning commands: how the project ships, when the session used them repeatedly.
_SHIPS = re.compile(
    r"^(?:juju deploy|charmcraft pack|rockcraft pack|(?:rockcraft\.)?skopeo (?:--\S+ )*copy"
    r"|docker (?:build|push|compose up)|podman (?:build|push)|kubectl apply|helm (?:install|upgrade)"
    r"|juju refresh"
    r"|gitleaks (?:detect|protect)|terraform apply|fly deploy|wrangler deploy|vercel deploy|gh run view)\b")


def _shipping_facts(exchanges: list[ToolExchange], ctx: _Context) -> None:
    """A packaging/deploy/scan command that worked three times or more: how this project ships."""
    runs: dict[str, list[tuple[ToolExchange, str]]] = {}
    for ex in exchanges:
        command = command_of(ex)
        if not command or not ex.result or _bash_failed(ex):
            continue
        for part in _segments(command):
            part = re.sub(r"^sudo\s+", "", part)
            match = _SHIPS.match(part)
            if match:
                runs.setdefault(match.group(0), []).append((ex, part))
    for name, found in sorted(runs.items(), key=lambda item: -len(item[1]))[:3]:
        if len(found) < 3:
            continue
        parts = [part for _, part in found]
        core = max(dict.fromkeys(parts), key=lambda part: (parts.count(part), parts[::-1].index(part) * -1))
        core = re.sub(r"\b\d{5,}\b", "<id>", core)
        verb = ("Scan with" if name.startswith("gitleaks") else "Package with" if "pack" in name
                else "Read CI runs with" if name.startswith("gh run") else "Deploy with")
        ctx.add("fact", f"{verb} `{clip(core, 160)}`.", [ex.call.line for ex, _ in found], 0.7, commands=[core])


def _purpose(core: str) -> str:
    """test, check or build; a tox/nox/npm-run target named for formatting or linting is a check."""
    target = _family(core).split()[-1]
    if re.search(r"format|lint|fmt|style|check|type", target):
        return "check"
    return shell.purpose(core) or "build"


def _general_form(cores: list[str]) -> str:
    """The most general of the commands: without file or test-id arguments, the most used, then the latest."""
    def general(core: str) -> str:
        words = [re.sub(r"^\d{5,}$", "<id>", w) for w in core.split()]
        return " ".join(words[:1] + [w for w in words[1:] if not _FILEISH.search(w)])
    forms = [general(c) or c for c in cores]
    last_seen = {form: index for index, form in enumerate(forms)}
    return max(last_seen, key=lambda form: (forms.count(form), last_seen[form]))


# --- instructions: standing instructions, corrections, reasons given when rejecting a tool call -----------


def _instructions(records: list[AnyRecord], exchanges: list[ToolExchange], ctx: _Context) -> None:
    for rec in records:
        if not isinstance(rec, UserPrompt) or rec.kind != "prompt":
            continue
        sentences = [s.strip("*_ ") for s in prose.split_sentences(rec.text)[:12]]  # a long paste is logs
        for index, sentence in enumerate(sentences):
            if _LOG_LINE.search(sentence) or prose.is_task_text(sentence):
                continue
            if prose.is_standing_instruction(sentence) or _negative_imperative(sentence):
                previous = sentences[index - 1] if index else ""
                if previous and _PRONOUN.search(sentence) and len(previous) <= 100 and not _LOG_LINE.search(previous):
                    sentence = f"{previous.rstrip('.')}: {sentence}"  # "it" needs its antecedent to stand alone
                _add_instruction(ctx, sentence, [rec.line], 0.8)
    for ex in exchanges:
        reason = _rejection_reason(ex)
        if reason:
            what = command_of(ex) or tool_file_path(ex.call) or ex.call.name
            text = f"{reason} (the user's reason for rejecting `{clip(shell.core_command(what) or what, 60)}`)"
            _add_instruction(ctx, text, [ex.call.line, ex.result.line], 0.85, reason)


_PRONOUN = re.compile(r"\b(?:it|them|this one|that one)\b", re.I)
# "Don't use X with …", "Do not push to main": a standing prohibition unless it is about the task at hand.
_NEGATIVE_IMPERATIVE = re.compile(r"^(?:please |and |but |also )?(?:don'?t|do n[oi]t|never)\s+\w+", re.I)
# Pasted output, not the user's words: log prefixes, error banners, stack frames.
_LOG_LINE = re.compile(r"^\s*(?:\d+(?:\.\d+)+\s|\[[^\]]*\]\s|\d{2}:\d{2}|at \S+\(|=>|[│┃╭╰])"
                       r"|\b(?:npm (?:error|ERR!)|Traceback|Exception:|ERROR\b|WARN\b)", re.I)


def _negative_imperative(sentence: str) -> bool:
    return (bool(_NEGATIVE_IMPERATIVE.search(sentence)) and prose.is_learning_sized(sentence)
            and not prose.TASK_SCOPED.search(sentence) and not re.search(r"\bnever ?mind\b", sentence, re.I))


def _rejection_reason(ex: ToolExchange) -> str | None:
    """The reason the user gave when rejecting this tool call, if it reads as a standing instruction."""
    if not ex.result or not ex.result.is_error:
        return None
    match = _REJECTION.search(ex.result.text)
    if not match or _NO_REASON.search(match.group(1)):
        return None
    sentences = [s for s in prose.split_sentences(match.group(1)) if s.strip()][:2]
    reason = " ".join(sentences).strip()
    if not reason or prose.text_size(reason) < 2 or prose.TASK_SCOPED.search(reason) and not prose.global_scope_words(reason):
        return None
    if reason.rstrip().endswith(("?", "？")):
        return None
    return clip(reason[:1].upper() + reason[1:], 200)


def _add_instruction(ctx: _Context, text: str, lines: list[int], confidence: float, said: str | None = None) -> None:
    words = prose.global_scope_words(said or text)
    scope, reason = ("global", f"the user said \"{clip(words, 60)}\"") if words else ("project", "")
    ctx.add("instruction", text[:1].upper() + text[1:], lines, confidence, scope=scope, scope_reason=reason)


# --- small helpers ------------------------------------------------------------------------------------------


def _end(sentence: str) -> str:
    """The sentence with one closing mark: 。 after CJK text, a period otherwise."""
    sentence = sentence.rstrip(" .。")
    return sentence + ("。" if sentence and re.match(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", sentence[-1]) else ".")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def _short(path: str) -> str:
    parts = path.split("/")
    return "/".join(parts[-3:]) if len(parts) > 3 else path


def _finalize(found: list[Learning]) -> list[Learning]:
    """Drop duplicates (same category, nearly the same words) and keep the most confident few per category."""
    kept: list[Learning] = []
    seen: list[tuple[str, frozenset[str]]] = []
    for learning in sorted(found, key=lambda l: -l.confidence):
        words = frozenset(re.findall(r"\w+", learning.text.lower()))
        if any(cat == learning.category and _jaccard(words, other) >= 0.8 for cat, other in seen):
            continue
        if sum(1 for l in kept if l.category == learning.category) >= PER_CATEGORY[learning.category]:
            continue
        seen.append((learning.category, words))
        kept.append(learning)
    return sorted(kept, key=lambda l: (l.evidence["lines"] or [0])[0])


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0



