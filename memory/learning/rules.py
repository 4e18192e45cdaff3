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

from memory import prose, shell
from memory.learning.model import Learning, clip
from memory.redact import redact
from memory.transcript import (
    AnyRecord, AssistantText, ToolExchange, UserPrompt, is_edit, pair_tool_calls, tool_file_path,
)

PER_CATEGORY = {"fix": 12, "tip": 8, "preference": 10, "architecture": 10, "pattern": 10, "dead-end": 8}

# --- tool exchanges ---------------------------------------------------------------------------------------

_HARNESS_ERRORS = ("has not been read yet", "doesn't want to proceed", "stay in plan mode", "Request interrupted",
                   "Unknown skill", "a terminal is required to read the password", "EACCES", "EISDIR",
                   "File has been modified since read")


def command_of(ex: ToolExchange) -> str | None:
    """The shell command of a Bash exchange, else None."""
    cmd = ex.call.input.get("command") if ex.call.name == "Bash" else None
    return cmd.strip() if isinstance(cmd, str) and cmd.strip() else None


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


# --- files and symbols named in a text ------------------------------------------------------------------------------------------

_SYMBOL_RE = re.compile(r"`([A-Za-z_][\w]*(?:(?:::|\.)[A-Za-z_]\w*)*(?:\(\))?)`")
_PATH_RE = re.compile(
    r"(?<![\w/.\-])((?:[\w.\-]+/)*[\w\-]+\.(?:py|pyi|ts|tsx|js|jsx|mjs|cjs|rs|go|toml|json|md|yaml|yml|css|scss"
    r"|html|sh|java|kt|rb|c|h|cc|cpp|hpp|cs|swift|sql|lock|cfg|ini|vue|svelte|php))\b")


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
        key = shell.core_command(command)
        if not key or shell.program(key) in shell.TRIVIAL_PROGRAMS:
            continue
        chain = next((c for c in open_chains if shell.same_program_and_subcommand(c.key, key)), None)
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
        if shell.is_build_or_test(key) and not shell.is_package_change(key):
            tips.setdefault(key, []).append(ex)
    for successes in _group_tips(tips).values():
        _add_tip(successes, ctx)


def _add_fix(chain: _Chain, success: ToolExchange, ctx: _Context) -> None:
    first, last = chain.failures[0], chain.failures[-1]
    failed_cmd = shell.core_command(command_of(first) or "")
    ok_cmd = command_of(success) or ""
    # The edits answer the last error; a changed invocation answers the first.
    gist = shell.error_gist(_output(last if chain.edits else first))
    lines = [first.call.line, *(f.result.line for f in chain.failures if f.result), *chain.edits.values(),
             success.call.line]
    attempts = f" ({len(chain.failures)} failed attempts)" if len(chain.failures) > 1 else ""
    files = list(chain.edits)
    if files:
        names = ", ".join(_short(ctx.rel(f)) for f in files[:4]) + (" and more" if len(files) > 4 else "")
        text = f"`{clip(failed_cmd, 80)}` failed with {gist}{attempts}; fixed by editing {names}."
        ctx.add("fix", text, lines, 0.8 if shell.is_build_or_test(failed_cmd) else 0.65, files, _symbols(gist))
    elif _first_line(ok_cmd) != _first_line(command_of(first) or "") and _about_the_command(gist, failed_cmd):
        text = f"`{clip(failed_cmd, 80)}` failed with {gist}; it worked as `{clip(_first_line(ok_cmd), 120)}`."
        ctx.add("fix", text, lines, 0.6, (), _symbols(gist))


def _about_the_command(gist: str, key: str) -> bool:
    """False when the error is about a helper in a pipe (`tail: command not found`), not the command."""
    missing = re.search(r"command not found: (\S+)|(\S+): command not found", gist)
    return not missing or (missing.group(1) or missing.group(2)) == shell.program(key)


def _group_tips(tips: dict[str, list[ToolExchange]]) -> dict[str, list[ToolExchange]]:
    """One tip per tool and subcommand (`pytest -q` and `pytest tests/x.py -q` are one), shortest first."""
    groups: dict[str, list[ToolExchange]] = {}
    for key in sorted(tips, key=len):
        words = shell.without_python_m(key).split()
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
    key = shell.core_command(command_of(successes[0]) or "")
    plain = shell.without_python_m(key, "python -m ")
    verb = {"test": "Run tests with", "check": "Check the code with", "build": "Build with"}.get(
        shell.purpose(plain) or "", "Run")
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
                text = f"Discarded the changes to {target} with `{clip(shell.core_command(command), 80)}`."
                ctx.add("dead-end", text, [ex.call.line], 0.5, [m.group(1)] if m.group(1) else [])


def _preferences(records: list[AnyRecord], ctx: _Context) -> None:
    for rec in records:
        if not isinstance(rec, UserPrompt) or rec.sidechain or rec.kind != "prompt":
            continue
        for sentence in prose.sentences(rec.text):
            correction = prose.CORRECTION.match(sentence)
            body = prose.INSTRUCTION_LEAD.sub("", sentence).strip()
            if prose.INSTRUCTION.match(body) and prose.is_prose(body):
                ctx.add("preference", _capitalize(body), [rec.line], 0.75)
            elif correction and prose.is_prose(correction.group("rest")):
                ctx.add("preference", _capitalize(correction.group("rest")), [rec.line], 0.6)


def _assistant_statements(records: list[AnyRecord], exchanges: list[ToolExchange], ctx: _Context) -> None:
    failures = [(ex.result.line, ex) for ex in exchanges if ex.result and (ex.failed or
                (command_of(ex) and _bash_failed(ex)))]
    for rec in records:
        if not isinstance(rec, AssistantText):
            continue
        recent = _recent_failure(failures, rec.line)
        abandoned: list[str] = []
        for sentence in prose.sentences(rec.text):
            if not prose.is_prose(sentence):
                continue
            if prose.DEAD_END.search(sentence) or (recent and prose.INSTEAD.search(sentence)):
                abandoned.append(sentence.rstrip(".") + ".")
            elif prose.is_decision(sentence):
                ctx.add("architecture", _as_instruction(sentence), [rec.line], 0.6)
            elif prose.FACT.search(sentence):
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
        what = shell.core_command(command_of(failure) or "") or failure.call.name
        text = f"{text[:-1]} (after `{clip(what, 60)}` failed: {clip(shell.error_gist(_output(failure)), 90)})."
    return text


def _lines(line: int, failure: ToolExchange | None) -> list[int]:
    return [line] + ([failure.call.line] if failure else [])


def _as_instruction(sentence: str) -> str:
    """Turn a first-person decision into an instruction (I will use X -> Use X)."""
    rest = prose.FIRST_PERSON_DECISION.sub("", sentence, count=1)
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
