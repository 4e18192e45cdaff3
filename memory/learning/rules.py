"""Deterministic learning extraction from a transcript's records: no network, no model.

Five detectors, each conservative (a missed learning costs less than a wrong one recalled for months):

* fix: a build/test-like command fails, files are edited (or the invocation changes), the same command
  then succeeds -> "`cargo build` failed with error[E0433]: …; fixed by editing src/app.rs".
* tip: a build/test/lint command that succeeded -> "Run tests with `pytest -q`".
* preference: the user's corrections and standing instructions ("no, use pnpm", "never …", "prefer …").
* architecture / pattern: decisions the assistant stated ("I'll use …", "decided to …") and structural
  facts ("the app uses Zod for validation", "the tests need the DB running first").
* dead-end: approaches abandoned ("that didn't work, let's try …", "instead" right after a failure, an edit
  reverted, `git checkout -- file`).

Every text is redacted, clipped to one sentence of at most 300 characters, and deduplicated per session.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterable

from memory.continuity.transcript import (
    AnyRecord, AssistantText, ToolExchange, UserPrompt, is_edit, pair_tool_calls, tool_file_path,
)
from memory.learning.model import Learning, clip
from memory.learning.redact import redact

PER_CATEGORY = {"fix": 12, "tip": 8, "preference": 10, "architecture": 10, "pattern": 10, "dead-end": 8}

# --- commands ------------------------------------------------------------------------------------------

_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_SETUP_RE = re.compile(r"^\s*(?:cd\s+\S+|export\s+\S+|source\s+\S+|\.\s+\S+|set\s+-\S+|\w+=\S*)\s*(?:&&|;)\s*")
_ENV_PREFIX_RE = re.compile(r"^\s*(?:\w+=\S+\s+)+")
_WRAPPER_RE = re.compile(r"^\s*(?:timeout\s+\S+|time|nice|env)\s+")
_TAIL_RE = re.compile(r"\s*(?:2>&1|>\s*/dev/null|\|\|\s*true|\|\s*(?:tail|head|grep|tee|less|cat)\b.*|;\s*echo\b.*)$")
_PY_MODULE_RE = re.compile(r"^python3?\s+-m\s+")
_TRIVIAL_PROGRAMS = frozenset(
    "ls cat which find grep rg echo pwd head tail ps kill killall pkill sleep mkdir rm cp mv chmod chown touch "
    "test [ stat file wc tree du df env printenv type whereis command true false date open xdg-open curl wget "
    "sudo ln readlink realpath basename dirname diff git gh getcap setcap journalctl systemctl lsof pgrep "
    "nvidia-smi import screenshot".split())
_BUILD_TEST_RE = re.compile(
    r"^(?:pytest|tox|nox|make|just|cargo (?:build|test|check|clippy|run|fmt|bench)|go (?:test|build|vet|run)"
    r"|npm (?:test|t|ci|install|run \S+)|pnpm \S+|yarn(?: \S+)?|bun (?:test|run \S+|install)"
    r"|npx (?:tsc|jest|vitest|eslint|prettier|playwright|next build)|tsc|uv (?:run|sync|build)|poetry (?:run|install)"
    r"|ruff|mypy|pyright|black|gradle\S*|\./gradlew|mvn|dotnet (?:build|test)|swift (?:build|test)|cmake|ninja"
    r"|bazel (?:build|test)|deno (?:test|task)|rspec|bundle exec|mix (?:test|compile)|stack (?:build|test))\b")
_TEST_WORDS_RE = re.compile(r"\b(?:test|tests|pytest|jest|vitest|rspec|tox|nox|playwright)\b")
_CHECK_WORDS_RE = re.compile(r"\b(?:tsc|mypy|pyright|ruff|eslint|clippy|check|lint|vet|fmt|prettier|black)\b")
_BUILD_WORDS_RE = re.compile(r"\b(?:build|compile|make|ninja|cmake)\b")
_FAILURE_RE = re.compile(
    r"^(?:error(?:\[E\d+\])?:|FAILED\b|FAIL\b|npm ERR!|Traceback \(most recent call last\)|fatal:)"
    r"|\b[1-9]\d* (?:failed|errors?)\b|command not found|test result: FAILED", re.M)
_GIST_RES = [re.compile(p, re.M) for p in (
    r"^.*?\b(error(?:\[E\d+\]| TS\d+)?: .+)$",
    r"^\s*E\s+(\w*(?:Error|Exception)\b.*)$",
    r"\b([A-Z]\w*(?:Error|Exception)\b: [^\]\n]+)",
    r"^\s*((?:npm ERR!|fatal:|FAILED|FAIL) .+)$",
    r"(.*(?:command not found|No such file or directory|Permission denied|cannot find|not found|undefined"
    r"|unresolved|failed).*)$",
)]
_NOISE_LINES_RE = re.compile(r"^(?:Error: )?(?:Exit code \d+|npm warn .*|warning: .*)$", re.M | re.I)
_INSTALL_RE = re.compile(r"^(?:\S+ )?(?:add|remove|install|i|uninstall)\s+[^-\s]")
_HARNESS_ERRORS = ("has not been read yet", "doesn't want to proceed", "stay in plan mode", "Request interrupted",
                   "Unknown skill", "a terminal is required to read the password", "EACCES", "EISDIR",
                   "File has been modified since read")


def command_of(ex: ToolExchange) -> str | None:
    """The shell command of a Bash exchange, else None."""
    cmd = ex.call.input.get("command") if ex.call.name == "Bash" else None
    return cmd.strip() if isinstance(cmd, str) and cmd.strip() else None


def command_key(command: str) -> str:
    """The command without setup prefixes, env, wrappers, redirections and output filters."""
    cmd = command.strip().splitlines()[0] if command.strip() else ""
    while True:
        stripped = _SETUP_RE.sub("", cmd, count=1)
        if stripped == cmd:
            break
        cmd = stripped
    cmd = _ENV_PREFIX_RE.sub("", cmd)
    cmd = _WRAPPER_RE.sub("", cmd)
    while True:
        stripped = _TAIL_RE.sub("", cmd)
        if stripped == cmd:
            break
        cmd = stripped
    return " ".join(cmd.split())


def _similar(a: str, b: str) -> bool:
    """Same program and subcommand (``cargo build --release`` ~ ``cargo build --release --quiet``)."""
    return a == b or a.split()[:2] == b.split()[:2]


def _program(key: str) -> str:
    key = _PY_MODULE_RE.sub("", key)
    return os.path.basename(key.split()[0]) if key.split() else ""


def _is_build_or_test(key: str) -> bool:
    key = _PY_MODULE_RE.sub("", key)
    program, _, rest = key.partition(" ")
    return bool(_BUILD_TEST_RE.match(f"{os.path.basename(program)} {rest}".strip()))


def _output(ex: ToolExchange) -> str:
    if not ex.result:
        return ""
    parts = [ex.result.text]
    for k in ("stdout", "stderr") if ex.result.text else ("stdout", "stderr", "error"):
        v = ex.result.result.get(k)
        if isinstance(v, str) and v and v not in ex.result.text:
            parts.append(v)
    return _ANSI_RE.sub("", "\n".join(parts))


def _bash_failed(ex: ToolExchange) -> bool:
    if ex.failed:
        return True
    return bool(ex.result) and bool(_FAILURE_RE.search(_output(ex)))


def error_gist(output: str) -> str:
    """The most telling error line of a command's output, at most 140 characters."""
    text = _NOISE_LINES_RE.sub("", _ANSI_RE.sub("", output))
    for pattern in _GIST_RES:
        m = pattern.search(text)
        if m:
            return clip(" ".join(m.group(1).split()), 140)
    for line in text.splitlines():
        line = line.strip()
        if line and not re.match(r"^(?:Exit code \d+|Error:?$|npm warn|warning:)", line, re.I):
            return clip(" ".join(line.split()), 140)
    return "an error"


# --- text ----------------------------------------------------------------------------------------------

_CODE_BLOCK_RE = re.compile(r"```.*?(?:```|\Z)", re.S)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`\"'(\[])")
_BULLET_RE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_MARKUP_RE = re.compile(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_EMOJI_RE = re.compile(r"[\u2600-\u27bf\U0001F300-\U0001FAFF\u2705\u274c\u2714\u2713]")
_SYMBOL_RE = re.compile(r"`([A-Za-z_][\w]*(?:(?:::|\.)[A-Za-z_]\w*)*(?:\(\))?)`")
_PATH_RE = re.compile(
    r"(?<![\w/.\-])((?:[\w.\-]+/)*[\w\-]+\.(?:py|pyi|ts|tsx|js|jsx|mjs|cjs|rs|go|toml|json|md|yaml|yml|css|scss"
    r"|html|sh|java|kt|rb|c|h|cc|cpp|hpp|cs|swift|sql|lock|cfg|ini|vue|svelte|php))\b")


def sentences(text: str) -> list[str]:
    """The prose sentences of ``text``: code blocks, tables, headings and tags removed, markup stripped."""
    out: list[str] = []
    for raw_line in _CODE_BLOCK_RE.sub("\n", text).splitlines():
        line = raw_line.strip()
        if not line or line.startswith(("#", "|", ">", "<", "{", "[")) or line.count("|") >= 2:
            continue
        line = _EMOJI_RE.sub("", _MARKUP_RE.sub("", _BULLET_RE.sub("", line))).strip()
        for sentence in _SENTENCE_SPLIT_RE.split(line):
            sentence = sentence.strip().rstrip(":").strip()
            if sentence:
                out.append(sentence)
    return out


def _prose(sentence: str) -> bool:
    """A plausible one-sentence learning: 4+ words, mostly letters, no markup or tool noise."""
    if not 4 <= len(sentence.split()) <= 60 or len(sentence) > 300:
        return False
    if "<" in sentence and ">" in sentence or "system-reminder" in sentence or sentence.endswith("?"):
        return False
    letters = sum(c.isalpha() or c.isspace() for c in sentence)
    return letters / len(sentence) >= 0.7


_WE_WILL = r"I'll|I will|we'll|we will|let's|let us|I'm going to|we're going to|I've decided to|we've decided to"
_DECISION_RE = re.compile(
    r"\b(?:" + _WE_WILL + r")"
    r"\s+(?:use|go with|switch to|stick with|keep using|adopt|rely on|store|keep|put|structure|organi[sz]e|split"
    r"|move|implement \S+(?: \S+)? (?:with|using|via)|build \S+(?: \S+)? (?:with|using|on))\b"
    r"|\b(?:decided|decide|chose|choosing|opted|opting)\s+(?:to|for|on|with)\b"
    r"|\bgoing with\b|\b(?:the|our) (?:approach|decision|choice) (?:is|will be)\b", re.I)
_NOT_DECISION_RE = re.compile(r"\b(?:help you|let me (?:check|see|look|read|run|verify|try|know)|I'll (?:check|"
                              r"look|read|run|verify|wait|let you know))\b", re.I)
_FACT_RE = re.compile(
    r"^(?:The |This |Our )?[\w.`/\-]+(?: [\w.`/\-]+)? (?:uses|is built with|relies on|is configured (?:with|via)"
    r"|stores (?:its|the)|reads (?:its|the)) \S.* (?:for|to|in|from|via|as) \S"
    r"|\b(?:tests?|the build|the app|the server|it) (?:needs?|requires?|must have) .+ (?:first|before)\b", re.I)
_DEAD_END_RE = re.compile(
    r"\b(?:(?:that|this|it|which) (?:didn'?t|did not|doesn'?t|does not|won'?t|will not) (?:work|help|fix)"
    r"|(?:didn'?t|doesn'?t|does not|did not) work|not working|still (?:fails|failing|broken)"
    r"|(?:try|trying|take|use) (?:a |an )?(?:different|another|alternative|simpler|new) (?:approach|way|method"
    r"|version|strategy)|revert(?:ed|ing)?\b|roll(?:ed|ing)? back|abandon(?:ed|ing)?|give up on|dead end"
    r"|won'?t work|also requires|can'?t (?:be done|work))", re.I)
_INSTEAD_RE = re.compile(r"\b(?:try|use|using|switch|let me|let's|I'll|we'll)\b.*\binstead\b(?!\s+of\s+\d)", re.I)
_PREF_LEAD_RE = re.compile(r"^(?:(?:no|nope|nah|actually|wait|please|ok|okay|also|and|but|hmm)\b[,!.]?\s*)+", re.I)
_PREF_RE = re.compile(
    r"^(?:always|never|don'?t|do not|stop|avoid|prefer|make sure|from now on|please (?:use|always|never|don'?t)"
    r"|we (?:always|never|use|prefer|don'?t)|i (?:prefer|want you to|'d rather|would rather|like to use)"
    r"|let'?s (?:always|never|stick with|keep using))\b"
    r"|^use \S.*\b(?:instead|rather than|not|over)\b", re.I)
_CORRECTION_RE = re.compile(r"^(?:no|nope|nah|actually|wait)\b[,!.]?\s+(?P<rest>(?:use|do|put|call|run|keep|make"
                            r"|write|name|it should|we should|you should|that should)\b.*)", re.I)
_FIRST_PERSON_RE = re.compile(
    r"^(?:so |now |then |ok,? |okay,? )?(?:" + _WE_WILL + r"|I decided to|we decided to)\s+", re.I)


def find_decisions(text: str) -> list[str]:
    """Sentences of ``text`` in which the writer states a decision ("I'll use …", "we decided to …")."""
    return [s for s in sentences(text)
            if _DECISION_RE.search(s) and not _NOT_DECISION_RE.search(s) and _prose(s)]


# --- extraction ----------------------------------------------------------------------------------------


@dataclass
class _Context:
    session_id: str
    cwd: str | None = None
    found: list[Learning] = field(default_factory=list)

    def add(self, category: str, text: str, lines: Iterable[int], confidence: float,
            files: Iterable[str] = (), symbols: Iterable[str] = ()) -> None:
        text = redact(text)
        files = [redact(self.rel(f)) for f in dict.fromkeys(files)]
        symbols = list(dict.fromkeys(redact(s) for s in [*symbols, *_symbols(text)]))
        files = list(dict.fromkeys([*files, *(f for f in _PATH_RE.findall(text) if f not in files)]))
        evidence = {"session_id": self.session_id, "lines": sorted(set(lines))[:20]}
        self.found.append(Learning(category, text, files[:10], symbols[:10], evidence, confidence))

    def rel(self, path: str) -> str:
        if self.cwd and path.startswith(self.cwd.rstrip("/") + "/"):
            return path[len(self.cwd.rstrip("/")) + 1:]
        return path


def extract(records: Iterable[AnyRecord], *, session_id: str) -> list[Learning]:
    """The learnings the rules find in a session's records, redacted and deduplicated."""
    records = list(records)
    exchanges = pair_tool_calls(records)
    ctx = _Context(session_id, _session_cwd(exchanges))
    _fixes_and_tips(exchanges, ctx)
    _reverts(exchanges, ctx)
    _preferences(records, ctx)
    _assistant_statements(records, exchanges, ctx)
    return _finalize(ctx.found)


def _session_cwd(exchanges: list[ToolExchange]) -> str | None:
    cwds = [ex.call.cwd for ex in exchanges if ex.call.cwd and not ex.call.sidechain]
    return max(set(cwds), key=cwds.count) if cwds else None


@dataclass
class _Chain:
    key: str
    failures: list[ToolExchange]
    edits: dict[str, int] = field(default_factory=dict)  # file -> line of the edit


def _fixes_and_tips(exchanges: list[ToolExchange], ctx: _Context) -> None:
    open_chains: list[_Chain] = []
    tips: dict[str, list[ToolExchange]] = {}
    for ex in exchanges:
        if is_edit(ex.call) and not ex.failed:
            path = tool_file_path(ex.call)
            for chain in open_chains:
                if path:
                    chain.edits.setdefault(path, ex.call.line)
            continue
        command = command_of(ex)
        if not command or not ex.result:
            continue
        key = command_key(command)
        if not key or _program(key) in _TRIVIAL_PROGRAMS:
            continue
        chain = next((c for c in open_chains if _similar(c.key, key)), None)
        if _bash_failed(ex):
            if any(h in _output(ex) for h in _HARNESS_ERRORS):
                continue
            if chain:
                chain.failures.append(ex)
            else:
                open_chains.append(_Chain(key, [ex]))
            continue
        if chain:
            open_chains.remove(chain)
            _add_fix(chain, ex, ctx)
        if _is_build_or_test(key) and not _INSTALL_RE.match(key.split(" ", 1)[-1]):
            tips.setdefault(key, []).append(ex)
    for successes in _group_tips(tips).values():
        _add_tip(successes, ctx)


def _add_fix(chain: _Chain, success: ToolExchange, ctx: _Context) -> None:
    first, last = chain.failures[0], chain.failures[-1]
    failed_cmd = command_key(command_of(first) or "")
    ok_cmd = command_of(success) or ""
    # The edits answer the last error; a changed invocation answers the first.
    gist = error_gist(_output(last if chain.edits else first))
    lines = [first.call.line, *(f.result.line for f in chain.failures if f.result), *chain.edits.values(),
             success.call.line]
    attempts = f" ({len(chain.failures)} failed attempts)" if len(chain.failures) > 1 else ""
    files = list(chain.edits)
    if files:
        names = ", ".join(_short(ctx.rel(f)) for f in files[:4]) + (" and more" if len(files) > 4 else "")
        text = f"`{clip(failed_cmd, 80)}` failed with {gist}{attempts}; fixed by editing {names}."
        ctx.add("fix", text, lines, 0.8 if _is_build_or_test(failed_cmd) else 0.65, files, _symbols(gist))
    elif _first_line(ok_cmd) != _first_line(command_of(first) or "") and _about_the_command(gist, failed_cmd):
        text = f"`{clip(failed_cmd, 80)}` failed with {gist}; it worked as `{clip(_first_line(ok_cmd), 120)}`."
        ctx.add("fix", text, lines, 0.6, (), _symbols(gist))


def _about_the_command(gist: str, key: str) -> bool:
    """False when the error is about a helper in a pipe (`tail: command not found`), not the command."""
    missing = re.search(r"command not found: (\S+)|(\S+): command not found", gist)
    return not missing or (missing.group(1) or missing.group(2)) == _program(key)


def _group_tips(tips: dict[str, list[ToolExchange]]) -> dict[str, list[ToolExchange]]:
    """One tip per tool and subcommand (`pytest -q` and `pytest tests/x.py -q` are one), shortest first."""
    groups: dict[str, list[ToolExchange]] = {}
    for key in sorted(tips, key=len):
        words = _PY_MODULE_RE.sub("", key).split()
        group = [os.path.basename(words[0])]
        for word in words[1:3]:
            if not re.fullmatch(r"[a-z][\w:\-]*", word):
                break
            group.append(word)
            if word not in ("run", "exec", "x"):
                break
        groups.setdefault(" ".join(group), []).extend(tips[key])
    return groups


def _add_tip(successes: list[ToolExchange], ctx: _Context) -> None:
    key = command_key(command_of(successes[0]) or "")
    plain = _PY_MODULE_RE.sub("python -m ", key)
    if _TEST_WORDS_RE.search(plain):
        verb = "Run tests with"
    elif _CHECK_WORDS_RE.search(plain):
        verb = "Check the code with"
    elif _BUILD_WORDS_RE.search(plain):
        verb = "Build with"
    else:
        verb = "Run"
    raw = command_of(successes[-1]) or ""
    setup = re.findall(r"(?:export PATH=\S+|source \S+)", raw)
    note = f" (after `{setup[0]}`)" if setup else ""
    text = f"{verb} `{clip(plain, 120)}`{note}."
    ctx.add("tip", text, [s.call.line for s in successes], 0.8 if len(successes) > 1 else 0.7)


def _reverts(exchanges: list[ToolExchange], ctx: _Context) -> None:
    """An edit that undoes an earlier one, or a git command that discards changes, marks a dead end."""
    done: dict[tuple[str, str, str], ToolExchange] = {}
    for ex in exchanges:
        if ex.failed:
            continue
        inp = ex.call.input
        path = tool_file_path(ex.call)
        if ex.call.name == "Edit" and path and isinstance(inp.get("old_string"), str):
            old, new = inp["old_string"], inp.get("new_string", "")
            earlier = done.get((path, new, old))
            if earlier and old.strip():
                tried = _first_line(old)
                text = f"Reverted a change to {_short(ctx.rel(path))} (`{clip(tried, 80)}`): it did not work out."
                ctx.add("dead-end", text, [earlier.call.line, ex.call.line], 0.6, [path])
            done[(path, old, new)] = ex
        command = command_of(ex)
        if command:
            m = re.search(r"\bgit (?:checkout -- |restore |reset --hard|revert |stash\b)(\S*)", command)
            if m:
                target = m.group(1) or "the working tree"
                text = f"Discarded the changes to {target} with `{clip(command_key(command), 80)}`."
                ctx.add("dead-end", text, [ex.call.line], 0.5, [m.group(1)] if m.group(1) else [])


def _preferences(records: list[AnyRecord], ctx: _Context) -> None:
    for rec in records:
        if not isinstance(rec, UserPrompt) or rec.sidechain or rec.kind != "prompt":
            continue
        for sentence in sentences(rec.text):
            correction = _CORRECTION_RE.match(sentence)
            body = _PREF_LEAD_RE.sub("", sentence).strip()
            if _PREF_RE.match(body) and _prose(body):
                ctx.add("preference", _capitalize(body), [rec.line], 0.75)
            elif correction and _prose(correction.group("rest")):
                ctx.add("preference", _capitalize(correction.group("rest")), [rec.line], 0.6)


def _assistant_statements(records: list[AnyRecord], exchanges: list[ToolExchange], ctx: _Context) -> None:
    failures = [(ex.result.line, ex) for ex in exchanges if ex.result and (ex.failed or
                (command_of(ex) and _bash_failed(ex)))]
    for rec in records:
        if not isinstance(rec, AssistantText):
            continue
        recent = _recent_failure(failures, rec.line)
        abandoned: list[str] = []
        for sentence in sentences(rec.text):
            if not _prose(sentence):
                continue
            if _DEAD_END_RE.search(sentence) or (recent and _INSTEAD_RE.search(sentence)):
                abandoned.append(sentence.rstrip(".") + ".")
            elif _DECISION_RE.search(sentence) and not _NOT_DECISION_RE.search(sentence):
                ctx.add("architecture", _as_instruction(sentence), [rec.line], 0.6)
            elif _FACT_RE.search(sentence):
                ctx.add("pattern", _capitalize(sentence), [rec.line], 0.55)
        if abandoned:
            ctx.add("dead-end", _with_failure(clip(" ".join(abandoned), 200), recent), _lines(rec.line, recent), 0.55)


def _recent_failure(failures: list[tuple[int, ToolExchange]], line: int) -> ToolExchange | None:
    """The latest failed exchange whose result came within 12 lines before ``line``."""
    best = None
    for result_line, ex in failures:
        if line - 12 <= result_line < line:
            best = ex
        elif result_line >= line:
            break
    if best and any(h in _output(best) for h in _HARNESS_ERRORS):
        return None
    return best


def _with_failure(sentence: str, failure: ToolExchange | None) -> str:
    text = _capitalize(sentence).rstrip(".") + "."
    if failure and len(sentence) < 200:
        what = command_key(command_of(failure) or "") or failure.call.name
        text = f"{text[:-1]} (after `{clip(what, 60)}` failed: {clip(error_gist(_output(failure)), 90)})."
    return text


def _lines(line: int, failure: ToolExchange | None) -> list[int]:
    return [line] + ([failure.call.line] if failure else [])


def _as_instruction(sentence: str) -> str:
    """Turn a first-person decision into an instruction (I will use X -> Use X)."""
    rest = _FIRST_PERSON_RE.sub("", sentence, count=1)
    rest = re.sub(r"^go with\b", "use", rest, flags=re.I)
    return _capitalize(rest).rstrip(".") + "."


def _capitalize(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""


def _short(path: str) -> str:
    parts = path.split("/")
    return "/".join(parts[-3:]) if len(parts) > 3 else path


def _symbols(text: str) -> list[str]:
    return [s for s in _SYMBOL_RE.findall(text) if not _PATH_RE.fullmatch(s) and len(s) > 2]


def _finalize(found: list[Learning]) -> list[Learning]:
    """Drop duplicates (same category, same words) and keep the most confident few per category."""
    kept: list[Learning] = []
    seen: list[tuple[str, frozenset[str]]] = []
    for learning in sorted(found, key=lambda l: -l.confidence):
        words = frozenset(re.findall(r"[a-z0-9]+", learning.text.lower()))
        if any(cat == learning.category and _jaccard(words, other) >= 0.8 for cat, other in seen):
            continue
        if sum(1 for l in kept if l.category == learning.category) >= PER_CATEGORY[learning.category]:
            continue
        seen.append((learning.category, words))
        kept.append(learning)
    return sorted(kept, key=lambda l: (l.evidence["lines"] or [0])[0])


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0
