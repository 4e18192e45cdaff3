"""Open blockers: the failures still standing when a handoff is written, and the user's rejection reasons.

A session is replayed as a list of ``Step`` s (commands with their outcome, file edits, the user's requests,
rejected tool calls). A failed command is a blocker until one of these happens after it:

- the same or an equivalent command succeeds (``equivalence_key``: ``cd app && uv run pytest -x tests/a.py``
  and ``pytest tests/b.py`` are both ``pytest``; ``npm run build`` is not ``npm run lint``);
- a file the failure names (in its command or error) is edited and the work moves on (another step follows);
- the work is committed or pushed (``git commit`` / ``git push`` succeed);
- the user moves on to another request.

Never blockers: probes (``which``, ``command -v``, ``ls``, ``test -f``, ``stat``, ``cat``, a ``--version``;
anything where every command is a look-around), sudo password prompts, cleanups (``rm``, ``kill``,
``mkdir`` of what already exists), a ``timeout`` ending the command it was meant to end, and a call the user
interrupted or rejected. A rejection's reason ("use pnpm") is an instruction for the next session, returned
apart and never cut mid-word. The user's own latest request counts as a blocker when it reports a failure
("it still fails", a pasted error) -- until the user asks something else, or a command on what was reported
(a word of the report in it, not git) runs clean afterwards.
"""

from __future__ import annotations

import re
from collections import namedtuple

from memory.text import shorten

Step = namedtuple("Step", "kind text ok detail")
Step.__doc__ = ("One thing that happened: kind ``command`` (text=command, ok, detail=its error or output), ``edit`` "
                "(text=path), ``request`` (text=the user's words), ``rejection`` (detail=the tool result text).")

MAX_OPEN = 5
COMMAND_SHOWN = 120
ERROR_SHOWN = 160
INSTRUCTION_SHOWN = 300
PROBES = frozenset({
    "which", "whereis", "type", "hash", "ls", "ll", "dir", "test", "[", "[[", "stat", "file", "find", "fd", "pwd",
    "echo", "printf", "printenv", "env", "grep", "egrep", "fgrep", "rg", "ag", "head", "tail", "cat", "bat", "less",
    "more", "wc", "du", "df", "ps", "pgrep", "id", "whoami", "uname", "hostname", "date", "tree", "readlink",
    "realpath", "dirname", "basename", "lsof", "getcap", "jq", "sort", "uniq", "cut", "awk", "tr", "xargs",
    "diff", "cmp", "md5sum", "sha256sum", "nproc", "free", "uptime", "locale", "tty", "groups"})
NEUTRAL = frozenset({"cd", "pushd", "popd", "sleep", "true", "false", "export", "source", ".", "set", ":", "unset",
                     "clear", "wait"})
CLEANUPS = frozenset({"rm", "rmdir", "kill", "killall", "pkill", "unlink", "mkdir"})
GIT_PROBES = frozenset({"status", "log", "diff", "show", "branch", "remote", "rev-parse", "config", "ls-files",
                        "describe", "tag", "stash list", "blame", "shortlog", "reflog"})
TEST_RUNNERS = frozenset({"pytest", "py.test", "jest", "vitest", "mocha", "ava", "tap", "rspec", "phpunit", "ctest"})
WRAPPERS = frozenset({"sudo", "time", "nohup", "nice", "exec", "command", "builtin", "env", "npx", "bunx",
                      "pnpx", "doas"})
SUBCOMMAND_TOOLS = frozenset({"npm", "pnpm", "yarn", "bun", "cargo", "go", "git", "docker", "podman", "kubectl",
                              "juju", "gh", "make", "uv", "poetry", "pip", "pip3", "dotnet", "mvn", "gradle",
                              "helm", "terraform", "deno", "rustup", "brew", "apt", "apt-get", "snap", "systemctl",
                              "charmcraft", "rockcraft", "tox", "nox", "bundle", "rake", "mix", "flutter", "swift",
                              "container", "kind", "minikube", "az", "aws", "gcloud", "wrangler", "vercel", "fly"})
_SEGMENTS = re.compile(r"&&|\|\||;|\n")
_ENV_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_VERSION_FLAGS = frozenset({"--version", "-V", "version", "--help", "-h", "help"})
_SUDO_PROMPT = re.compile(r"a terminal is required to read the password|sudo: a password is required"
                          r"|sudo: no tty present|askpass helper", re.I)
_INTERRUPTED = re.compile(r"\[Request interrupted by user|^interrupted$", re.I)
_REJECTED = re.compile(r"The user doesn't want to (?:proceed with this tool use|take this action)"
                       r"|User chose to stay in plan mode", re.I)
_REASON = re.compile(r"(?:The user provided the following reason for the rejection|"
                     r"To tell you how to proceed, the user said):\s*(.+)", re.I | re.S)
_TIMEOUT_EXIT = re.compile(r"Exit code 124\b")
_ERROR_LINE = re.compile(r"error|fatal|fail|denied|not found|no such|cannot|can't|unable|invalid|exception|"
                         r"traceback|refused|missing|E\d{3,4}\b|panic", re.I)
_EXIT_CODE = re.compile(r"^\s*Exit code \d+\s*$")
# The user reporting that something fails: a persisting problem in words, or a pasted failure.
_STILL_FAILS = re.compile(
    r"\b(still|again)\b[^.?!\n]{0,80}\b(fail\w*|error\w*|broken|crash\w*|wrong|missing|not|no|doesn'?t|"
    r"didn'?t|isn'?t|won'?t|can'?t)\b"
    r"|\b(doesn'?t|does not|didn'?t|did not|isn'?t|is not|not|never) work(s|ing)?\b"
    r"|\bsame (error|problem|issue)\b"
    r"|\b(is|are) (also |still )?(failing|broken|crashing|erroring)\b"
    r"|\bfail(s|ed|ing)? (again|too|as well)\b"
    r"|\b(?:neither|none of (?:them|these|those)|nothing) (?:shows?|works?|appears?|happens?|loads?)\b"
    r"|\b(?:doesn'?t|don'?t|isn'?t|aren'?t|is not|are not) (?:show(?:ing)?|appear(?:ing)?|display(?:ing)?|"
    r"load(?:ing)?|start(?:ing)?|build(?:ing)?|compil(?:e|ing)|pass(?:ing)?)\b"
    r"|(还是|仍然|依然|又)[^。！？\n]{0,30}(失败|报错|错误|不行|不对|崩溃)|(失败了|报错了|出错了|不行了)"
    r"|(まだ|また)[^。！？\n]{0,30}(失敗|エラー|動かない|動きません|落ちる)|(失敗します|エラーになります|動きません)"
    r"|(여전히|아직도|또)[^.?!\n]{0,30}(실패|에러|오류|안 ?돼|안 ?됩니다)"
    r"|\b(ne marche (toujours )?pas|ne fonctionne (toujours )?pas|échoue encore|toujours (une )?erreur)\b"
    r"|\b(funktioniert (immer )?noch nicht|schlägt (immer )?noch fehl|immer noch (ein )?fehler)\b"
    r"|\b(sigue (sin funcionar|fallando)|todavía (falla|no funciona)|no funciona)\b",
    re.I,
)
_PASTED_FAILURE = re.compile(
    r"Traceback \(most recent call last\)|^\s*(?:\S+\s+)?(?:npm ERR!|npm error)\b|^\s*(?:Error|ERROR|FATAL):\s"
    r"|\bexit(?:ed with)? code:? [1-9]\d*\b|^FAILED\b|^E\s{2,}\w+Error\b|\berror\[E\d+\]|^error: ", re.M)
_OUTPUT_FAILS = re.compile(r"(?m)^(?:error(?:\[E\d+\])?:|FAILED\b|FAIL\b|npm ERR!|fatal:)|Traceback \(most recent call last\)"
                           r"|\bERROR at\b|\b[1-9]\d* (?:failed|errors?)\b|command not found|test result: FAILED")
_REPORT_STOPWORDS = frozenset("also still again fails failing failed error errors broken with this that they them "
                              "when from have does doesn't work works working same what there here your".split())
_GIT_WORK = re.compile(r"(?:^|&&|;|\|\|)\s*git\s+(?:-C\s+\S+\s+)?(?:commit|push)\b")


def open_blockers(steps: list[Step]) -> tuple[list[str], list[str]]:
    """(open blockers, newest last; user instructions from rejection reasons) for the steps in order."""
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
            report = step.text if reports_failure(step.text) else None
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
    if not step.ok or _OUTPUT_FAILS.search(step.detail or "") or re.match(r"\s*(?:git|gh)\b", step.text or ""):
        return False
    said = {w for w in re.findall(r"[a-z][a-z0-9_.-]{3,}", report.casefold()) if w not in _REPORT_STOPWORDS}
    return bool(said & set(re.findall(r"[a-z][a-z0-9_.-]{3,}", (step.text or "").casefold())))


def _apply_command(open_: dict[str, tuple[str, str]], step: Step) -> None:
    command, detail = step.text or "", step.detail or ""
    key = equivalence_key(command)
    if step.ok:
        open_.pop(key, None)
        if _GIT_WORK.search(command):
            open_.clear()  # the work was committed or pushed: it moved on
        return
    if not is_real_failure(command, detail):
        return
    open_.pop(key, None)  # newest failure of a key last
    open_[key] = (f"`{cut(command, COMMAND_SHOWN)}` failed: {error_gist(detail)}", f"{command}\n{detail}")


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
    programs = [_program(words) for words in _command_words(command)]
    programs = [p for p in programs if p and p[0] not in NEUTRAL]
    if not programs:
        return False
    if all(_is_probe(p) for p in programs):
        return False
    last = programs[-1]
    if last[0] in CLEANUPS:
        return False
    if last[0] == "timeout" or (_TIMEOUT_EXIT.search(error) and "timeout" in command):
        return False
    return True


def _is_probe(words: list[str]) -> bool:
    name = words[0]
    if name in PROBES:
        return True
    if name == "git" and len(words) > 1 and words[1] in GIT_PROBES:
        return True
    if name == "command" and "-v" in words[1:2]:
        return True
    return any(w in _VERSION_FLAGS for w in words[1:3])


def equivalence_key(command: str) -> str:
    """What makes two commands "the same" for "did it pass later": program and subcommand of the last step."""
    segments = _command_words(command)
    if not segments:
        return ""
    words = _program(segments[-1])
    if not words:
        return ""
    name = words[0].rsplit("/", 1)[-1] if words[0].startswith("/") else words[0]
    if name in TEST_RUNNERS:
        return name
    if name in ("python", "python3") and len(words) > 2 and words[1] == "-m":
        return words[2] if words[2] in TEST_RUNNERS else f"python -m {words[2]}"
    rest = [w for w in words[1:] if not w.startswith("-")]
    if name in SUBCOMMAND_TOOLS and rest:
        if name in ("npm", "pnpm", "yarn", "bun") and rest[0] == "run" and len(rest) > 1:
            return f"{name} run {rest[1]}"
        if name == "cargo" and rest[0] in ("test", "nextest"):
            return "cargo test"
        if name == "tox" and "-e" in words:
            index = words.index("-e")
            return f"tox -e {words[index + 1]}" if index + 1 < len(words) else "tox"
        return f"{name} {rest[0]}"
    if name in ("python", "python3", "node", "bash", "sh", "ruby") and rest:
        return f"{name} {rest[0].rsplit('/', 1)[-1]}"
    if name in ("python", "python3") and "-c" in words:
        return f"{name} -c"
    return name


def _command_words(command: str) -> list[list[str]]:
    """The words of each simple command (split at ``&&``, ``||``, ``;``, newlines and pipes)."""
    out = []
    for segment in _SEGMENTS.split(command):
        for piece in segment.split("|"):
            words = piece.strip().lstrip("(").rstrip(")").split()
            if words:
                out.append(words)
    return out


def _program(words: list[str]) -> list[str]:
    """The words from the program on: environment assignments and wrappers (sudo, uv run, npx…) dropped."""
    i = 0
    while i < len(words):
        word = words[i]
        if word == "command" and words[i + 1:i + 2] in (["-v"], ["-V"]):
            return words[i:]
        if _ENV_ASSIGN.match(word) or word in WRAPPERS:
            i += 1
        elif word == "timeout" and i + 1 < len(words) and words[i + 1][:1].isdigit() and i + 2 < len(words):
            return ["timeout", *words[i + 2:]]
        elif word in ("uv", "poetry", "pdm", "hatch", "pipenv") and i + 1 < len(words) and words[i + 1] == "run":
            i += 2
            while i < len(words) and words[i].startswith("-"):
                i += 2 if words[i] in ("--group", "--with", "--extra", "-p", "--python", "--env-file") else 1
        elif word in ("pnpm", "yarn", "bun") and i + 1 < len(words) and words[i + 1] in ("exec", "dlx"):
            i += 2
        elif word.startswith("-") and i > 0 and words[i - 1] in WRAPPERS:
            i += 1
        else:
            name = word.rsplit("/", 1)[-1] if "/" in word and not word.startswith("./") else word
            return [name, *words[i + 1:]]
    return []


def rejection_reason(text: str) -> str | None:
    """The reason the user gave when rejecting a tool call, whole words only; None without one."""
    if not _REJECTED.search(text):
        return None
    match = _REASON.search(text)
    if not match:
        return None
    reason = " ".join(match.group(1).split())
    return cut(reason, INSTRUCTION_SHOWN) or None


def is_rejection(text: str) -> bool:
    """True when a tool result says the user rejected the call (not a failure of the tool)."""
    return bool(_REJECTED.search(text or ""))


def reports_failure(text: str) -> bool:
    """True when the user's message says something fails or pastes a failure."""
    return bool(_STILL_FAILS.search(text) or _PASTED_FAILURE.search(text))


def _report_gist(text: str) -> str:
    for line in text.splitlines():
        if _PASTED_FAILURE.search(line) and len(line.strip()) > 8:
            return cut(line.strip(), ERROR_SHOWN)
    return cut(text, ERROR_SHOWN)


def error_gist(error: str) -> str:
    """The most telling line of an error output: the last one that looks like an error, else the last line."""
    lines = [ln.strip() for ln in error.splitlines() if ln.strip() and not _EXIT_CODE.match(ln)]
    if not lines:
        return cut(error.strip() or "failed", ERROR_SHOWN)
    telling = [ln for ln in lines if _ERROR_LINE.search(ln)]
    return cut((telling or lines)[-1], ERROR_SHOWN)


def cut(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, cut at a word boundary: ``memory.text.shorten``."""
    return shorten(text, limit, one_line=True, at_word=True)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()
