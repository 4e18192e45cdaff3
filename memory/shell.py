"""Shell commands and their output, as Claude Code's Bash tool runs them: what a command is, how it went.

Two ways to name a command, for two questions:

* ``core_command``: the command itself, without setup prefixes, environment, wrappers, redirections and output
  filters (``cd app && FOO=1 timeout 60 pytest -q 2>&1 | tail`` -> ``pytest -q``): what a learning quotes.
* ``equivalence_key``: program and subcommand of the last step, wrappers dropped (``cd app && FOO=1 npm test --
  -x`` -> ``npm test``; ``uv run pytest -x tests/a.py`` -> ``pytest``): what a later run must match to clear a
  failure.

and what a command does to files (``file_changes``) and whether it only looks around (``is_look_around``).

``invocations`` lists every program a command line runs with its subcommand, past env, wrappers and runners
(``cd web && sudo -E npm ci; uv run --group it pytest -q`` -> ``cd web``, ``npm ci``, ``pytest``): what a
learning anchored to a command matches.

Stdlib only and nothing compiled at import: the patterns are strings that ``re`` compiles (and caches) on
first use, so the hook path that imports this module for one question pays for no other.
"""

from __future__ import annotations

import os
import re

from memory.text import shorten

_ANSI = r"\x1b\[[0-9;?]*[A-Za-z]"
_SETUP = r"^\s*(?:cd\s+\S+|export\s+\S+|source\s+\S+|\.\s+\S+|set\s+-\S+|\w+=\S*)\s*(?:&&|;)\s*"
_ENV_PREFIX = r"^\s*(?:\w+=\S+\s+)+"
_WRAPPER = r"^\s*(?:timeout\s+\S+|time|nice|env)\s+"
_TAIL = r"\s*(?:2>&1|>\s*/dev/null|\|\|\s*true|\|\s*(?:tail|head|grep|tee|less|cat)\b.*|;\s*echo\b.*)$"
PY_MODULE = r"^python3?\s+-m\s+"
_SEGMENT_SPLIT = r"&&|\|\||;|\n"
_ENV_WORD = r"^[A-Za-z_][A-Za-z0-9_]*="
_REDIRECT = r"(?<![0-9&<>])>>?\s*(?!&)([^\s;&|<>()]+)"
_VERSION_FLAGS = frozenset({"--version", "-V", "version", "--help", "-h", "help"})
# Programs that only look around: a failure of one tells something, it blocks nothing.
PROBE_PROGRAMS = frozenset(
    "which whereis type hash ls ll dir test [ [[ stat file find fd pwd echo printf printenv env grep egrep fgrep rg ag "
    "head tail cat bat less more wc du df ps pgrep id whoami uname hostname date tree readlink realpath dirname "
    "basename lsof getcap jq sort uniq cut awk tr xargs diff cmp md5sum sha256sum nproc free uptime locale tty "
    "groups".split())
GIT_PROBES = frozenset({"status", "log", "diff", "show", "branch", "remote", "rev-parse", "config", "ls-files",
                        "describe", "tag", "blame", "shortlog", "reflog"})
NEUTRAL_PROGRAMS = frozenset({"cd", "pushd", "popd", "sleep", "true", "false", "export", "source", ".", "set", ":",
                              "unset", "clear", "wait"})
TEST_RUNNERS = frozenset({"pytest", "py.test", "jest", "vitest", "mocha", "ava", "tap", "rspec", "phpunit", "ctest"})
WRAPPERS = frozenset({"sudo", "time", "nohup", "nice", "exec", "command", "builtin", "env", "npx", "bunx", "pnpx",
                      "doas"})
SUBCOMMAND_TOOLS = frozenset(
    "npm pnpm yarn bun cargo go git docker podman kubectl juju gh make uv poetry pip pip3 dotnet mvn gradle helm "
    "terraform deno rustup brew apt apt-get snap systemctl charmcraft rockcraft tox nox bundle rake mix flutter "
    "swift container kind minikube az aws gcloud wrangler vercel fly".split())
TRIVIAL_PROGRAMS = frozenset(
    "ls cat which find grep rg echo pwd head tail ps kill killall pkill sleep mkdir rm cp mv chmod chown touch "
    "test [ stat file wc tree du df env printenv type whereis command true false date open xdg-open curl wget "
    "sudo ln readlink realpath basename dirname diff git gh getcap setcap journalctl systemctl lsof pgrep "
    "nvidia-smi import screenshot".split())
_BUILD_TEST = (
    r"^(?:pytest|tox|nox|make|just|cargo (?:build|test|check|clippy|run|fmt|bench)|go (?:test|build|vet|run)"
    r"|npm (?:test|t|ci|install|run \S+)|pnpm \S+|yarn(?: \S+)?|bun (?:test|run \S+|install)"
    r"|npx (?:tsc|jest|vitest|eslint|prettier|playwright|next build)|tsc|uv (?:run|sync|build)|poetry (?:run|install)"
    r"|ruff|mypy|pyright|black|gradle\S*|\./gradlew|mvn|dotnet (?:build|test)|swift (?:build|test)|cmake|ninja"
    r"|bazel (?:build|test)|deno (?:test|task)|rspec|bundle exec|mix (?:test|compile)|stack (?:build|test))\b")
_PURPOSES = (
    ("test", r"\b(?:test|tests|pytest|jest|vitest|rspec|tox|nox|playwright)\b"),
    ("check", r"\b(?:tsc|mypy|pyright|ruff|eslint|clippy|check|lint|vet|fmt|prettier|black)\b"),
    ("build", r"\b(?:build|compile|make|ninja|cmake)\b"),
)
_INSTALL = r"^(?:\S+ )?(?:add|remove|install|i|uninstall)\s+[^-\s]"
_FAILURE = (
    r"(?m)^(?:error(?:\[E\d+\])?:|FAILED\b|FAIL\b|npm ERR!|Traceback \(most recent call last\)|fatal:)"
    r"|\b[1-9]\d* (?:failed|errors?)\b|command not found|test result: FAILED|\bERROR at (?:setup|teardown) of\b")
_GISTS = (
    r"(?m)^.*?\b(error(?:\[E\d+\]| TS\d+)?: .+)$",
    r"(?m)^\s*E\s+(\w*(?:Error|Exception)\b.*)$",
    r"(?m)\b([A-Z]\w*(?:Error|Exception)\b: [^\]\n]+)",
    r"(?m)^\s*((?:npm ERR!|fatal:|FAILED|FAIL) .+)$",
    r"(?m)(.*(?:command not found|No such file or directory|Permission denied|cannot find|not found|undefined"
    r"|unresolved|failed).*)$",
)
_NOISE_LINES = r"(?mi)^(?:Error: )?(?:Exit code \d+|npm warn .*|warning: .*)$"
# "[main 1a2b3c4] message" / "[feature/x (root-commit) 1a2b3c4] message": what `git commit` prints first.
_COMMIT_LINE = r"(?m)^\[[^\]\s]+(?: \([^)]*\))? ([0-9a-f]{7,40})\] (.*)$"
_GIT_COMMIT = r"\bgit\b(?:\s+-[cC]\s+\S+)*\s+commit\b"
COMMIT_MESSAGE_CAP = 200

# Words that run another program: `sudo npm install` runs npm; `npx jest` runs jest.
_WRAPPERS = frozenset({"sudo", "env", "time", "nohup", "exec", "command", "nice", "stdbuf", "timeout", "npx",
                       "bunx", "xargs", "watch"})
_RUNNERS = {("uv", "run"), ("poetry", "run"), ("pipenv", "run"), ("bundle", "exec"), ("pnpm", "exec"),
            ("pnpm", "dlx"), ("yarn", "dlx"), ("hatch", "run"), ("pdm", "run"), ("rye", "run")}
# Runner options that take the next word as their value (`uv run --group integration pytest` runs pytest).
_RUNNER_OPTIONS = frozenset({"--group", "--with", "--from", "--python", "-p", "--env-file", "--extra", "--package",
                             "--project", "--directory", "-e", "--env"})
# Options that take the next word as their value, per program (so `git -C dir status` is `git status`).
_OPTION_WITH_VALUE = {"git": {"-C", "-c"}, "docker": {"-H", "--context"}, "kubectl": {"-n", "--namespace"},
                      "make": {"-C", "-f", "-j"}, "cargo": {"-p", "--package", "--manifest-path"},
                      "npm": {"--prefix"}, "pnpm": {"-C", "--dir", "--filter"}, "yarn": {"--cwd"},
                      "ctr": {"-n", "--namespace", "-a", "--address"}, "ssh": {"-o", "-i", "-p", "-l"}}
_PYTHONS = r"^python(?:\d+(?:\.\d+)?)?$"
_ENV_ASSIGN = r"^[A-Za-z_][A-Za-z0-9_]*="
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "\n", "(", ")", ";;", "|&"})
_SHELL_SYNTAX = r"[\"'\\;&|()<>#\n`$]"


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour and cursor escapes."""
    return re.sub(_ANSI, "", text)


def core_command(command: str) -> str:
    """The command without setup prefixes, env, wrappers, redirections and output filters (first line only)."""
    cmd = command.strip().splitlines()[0] if command.strip() else ""
    while True:
        stripped = re.sub(_SETUP, "", cmd, count=1)
        if stripped == cmd:
            break
        cmd = stripped
    cmd = re.sub(_ENV_PREFIX, "", cmd)
    cmd = re.sub(_WRAPPER, "", cmd)
    while True:
        stripped = re.sub(_TAIL, "", cmd)
        if stripped == cmd:
            break
        cmd = stripped
    return " ".join(cmd.split())


def equivalence_key(command: str) -> str:
    """What makes two commands "the same" for "did it pass later": program and subcommand of the last step.

    Setup (``cd``, env assignments), wrappers (``sudo``, ``uv run``, ``npx``, ``timeout N``) and output filters
    are dropped; a test runner is itself whatever its arguments (``uv run pytest -x tests/a.py`` ~ ``pytest``);
    ``npm run build`` is not ``npm run lint``; ``tox -e unit`` is not ``tox -e integration``.
    """
    segments = command_words(command)
    if not segments:
        return ""
    words = program_words(segments[-1])
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


def command_words(command: str) -> list[list[str]]:
    """The words of each simple command (split at ``&&``, ``||``, ``;``, newlines and pipes)."""
    out = []
    for segment in re.split(_SEGMENT_SPLIT, command):
        for piece in segment.split("|"):
            words = piece.strip().lstrip("(").rstrip(")").split()
            if words:
                out.append(words)
    return out


def program_words(words: list[str]) -> list[str]:
    """A simple command's words from its program on: env assignments and wrappers (sudo, uv run, npx…) dropped."""
    i = 0
    while i < len(words):
        word = words[i]
        if word == "command" and words[i + 1:i + 2] in (["-v"], ["-V"]):
            return words[i:]
        if re.match(_ENV_WORD, word) or word in WRAPPERS:
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


def is_look_around(command: str) -> bool:
    """True when every command in ``command`` only looks around (``which``, ``command -v``, ``ls``, ``test -f``,
    ``stat``, ``cat``, ``git status``, a ``--version``) -- its failure blocks nothing."""
    programs = [p for p in (program_words(w) for w in command_words(command)) if p and p[0] not in NEUTRAL_PROGRAMS]
    return not programs or all(_is_probe(p) for p in programs)


def last_program(command: str) -> list[str]:
    """The words, from its program on, of the last simple command in ``command`` that does something."""
    programs = [p for p in (program_words(w) for w in command_words(command)) if p and p[0] not in NEUTRAL_PROGRAMS]
    return programs[-1] if programs else []


def _is_probe(words: list[str]) -> bool:
    name = words[0]
    if name in PROBE_PROGRAMS:
        return True
    if name == "git" and len(words) > 1 and words[1] in GIT_PROBES:
        return True
    if name == "command" and "-v" in words[1:2]:
        return True
    return any(w in _VERSION_FLAGS for w in words[1:3])


def file_changes(command: str) -> tuple[list[str], list[str]]:
    """(paths written, paths removed) by ``command`` as written in it: ``> f``, ``>> f``, ``tee f``,
    ``sed -i … f``, ``mv a b`` (b written, a gone), ``rm``/``git rm`` (gone). A plain reading, no shell run."""
    wrote: list[str] = []
    gone: list[str] = []
    body = command.split("<<", 1)[0] if "<<" in command else command
    for match in re.finditer(_REDIRECT, _without_quoted_redirects(body)):
        target = match.group(1).strip("'\"")
        if target and not target.startswith("/dev/"):
            wrote.append(target)
    for segment in re.split(_SEGMENT_SPLIT + r"|\|", body):
        words = _shell_words(segment)
        while words and ("=" in words[0] or words[0] in ("sudo", "command")):
            words = words[1:]
        if not words:
            continue
        args = [w for w in words[1:] if not w.startswith("-")]
        if words[0] == "git" and len(words) > 1:
            sub, args = words[1], [w for w in words[2:] if not w.startswith("-")]
            if sub == "rm":
                gone.extend(args)
            elif sub == "mv" and len(args) == 2:
                gone.append(args[0])
                wrote.append(args[1])
        elif words[0] == "rm":
            gone.extend(a for a in args if not any(ch in a for ch in "*?$"))
        elif words[0] == "mv" and len(args) == 2:
            gone.append(args[0])
            wrote.append(args[1])
        elif words[0] == "tee":
            wrote.extend(args)
        elif words[0] == "sed" and any(w.startswith("-i") or w == "--in-place" for w in words[1:]) and len(args) >= 2:
            wrote.extend(args[1:])
    return [w for w in wrote if _looks_like_path(w)], [g for g in gone if _looks_like_path(g)]


def _looks_like_path(word: str) -> bool:
    return bool(word) and bool(re.fullmatch(r"[\w./~@+-]+", word)) and ("." in word or "/" in word)


def _shell_words(segment: str) -> list[str]:
    import shlex

    try:
        return shlex.split(segment, comments=False)
    except ValueError:
        return segment.split()


def _without_quoted_redirects(text: str) -> str:
    """``text`` with quoted strings holding a ``>`` blanked (a ``>`` inside quotes is not a redirection)."""
    return re.sub(r"'[^']*'|\"(?:[^\"\\\\]|\\\\.)*\"", lambda m: " " * len(m.group(0)) if ">" in m.group(0)
                  else m.group(0), text)


def same_program_and_subcommand(a: str, b: str) -> bool:
    """Same program and subcommand (``cargo build --release`` ~ ``cargo build --release --quiet``)."""
    return a == b or a.split()[:2] == b.split()[:2]


def without_python_m(core: str, replacement: str = "") -> str:
    """A core command with a leading ``python -m`` replaced (``python -m pytest`` -> ``pytest``)."""
    return re.sub(PY_MODULE, replacement, core)


def program(core: str) -> str:
    """The program a core command runs (``python -m pytest -q`` -> ``pytest``)."""
    core = without_python_m(core)
    return os.path.basename(core.split()[0]) if core.split() else ""


def is_build_or_test(core: str) -> bool:
    """Whether a core command builds, tests, checks or installs a project (pytest, cargo build, npm ci, …)."""
    core = without_python_m(core)
    name, _, rest = core.partition(" ")
    return bool(re.match(_BUILD_TEST, f"{os.path.basename(name)} {rest}".strip()))


def is_package_change(core: str) -> bool:
    """Whether a core command adds or removes a package (``npm install left-pad``, ``uv add x``)."""
    return bool(re.match(_INSTALL, core.split(" ", 1)[-1]))


def purpose(core: str) -> str | None:
    """``test``, ``check`` or ``build`` by the words of the command; None when it says none of them."""
    return next((name for name, pattern in _PURPOSES if re.search(pattern, core)), None)


def output_shows_failure(output: str) -> bool:
    """Whether a command's output reports a failure (``error:``, ``FAILED``, a traceback, …)."""
    return bool(re.search(_FAILURE, output))


def error_gist(output: str) -> str:
    """The most telling error line of a command's output, at most 140 characters."""
    text = re.sub(_NOISE_LINES, "", strip_ansi(output))
    for pattern in _GISTS:
        m = re.search(pattern, text)
        if m:
            return shorten(" ".join(m.group(1).split()), 140, at_word=True)
    for line in text.splitlines():
        line = line.strip()
        if line and not re.match(r"^(?:Exit code \d+|Error:?$|npm warn|warning:)", line, re.I):
            return shorten(" ".join(line.split()), 140, at_word=True)
    return "an error"


def commit_in_output(command: str, output: str) -> tuple[str, str] | None:
    """(hash, message) when ``command`` ran ``git commit`` and ``output`` shows the commit it made."""
    if not re.search(_GIT_COMMIT, command):
        return None
    match = re.search(_COMMIT_LINE, output)
    return (match.group(1), match.group(2).strip()[:COMMIT_MESSAGE_CAP]) if match else None


# ---- what a command line invokes --------------------------------------------------------------------------------------------

def _words(command: str) -> list[str]:
    """Shell words and control operators of ``command``; a command shlex cannot split is split on spaces."""
    if not re.search(_SHELL_SYNTAX, command):
        return command.split()  # the common case, and every anchor: plain words (shlex costs ~0.2 ms a call)
    import shlex

    lexer = shlex.shlex(command.replace("\\\n", " "), posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:  # an unclosed quote: take the words as they come
        return command.replace("\n", " ; ").split()


def simple_commands(command: str) -> list[list[str]]:
    """The simple commands of a command line (split on ``&&``, ``||``, ``;``, ``|``, newlines)."""
    commands, current = [], []
    words = iter(_words(command))
    for word in words:
        if word and set(word) <= set("<>&|") and ("<" in word or ">" in word):
            next(words, None)  # a redirection and its target: `2>&1`, `> out.log`, `< in.txt`
            continue
        if word in _SEPARATORS or (word and set(word) <= set(";&|()\n")):
            if current:
                commands.append(current)
            current = []
        else:
            current.append(word)
    if current:
        commands.append(current)
    return commands


def invocation(words: list[str]) -> tuple[str, str | None] | None:
    """``(program, subcommand)`` of one simple command, past env assignments and wrappers; None if empty."""
    words = list(words)
    while words:
        first = os.path.basename(words[0])
        if re.match(_ENV_ASSIGN, words[0]) or first in _WRAPPERS:
            words.pop(0)
            while words and first in ("sudo", "env", "timeout", "nice", "xargs") and \
                    (words[0].startswith("-") or re.match(_ENV_ASSIGN, words[0]) or
                     (first == "timeout" and words[0][:1].isdigit())):
                words.pop(0)
            continue
        if len(words) > 1 and (first, words[1]) in _RUNNERS:
            words = _skip_options(words[2:], _RUNNER_OPTIONS)
            continue
        if re.match(_PYTHONS, first) and len(words) > 2 and words[1] == "-m":
            words = words[2:]
            continue
        break
    if not words:
        return None
    program = os.path.basename(words[0])
    takes_value = _OPTION_WITH_VALUE.get(program, set())
    rest = iter(words[1:])
    for word in rest:
        if word in takes_value:
            next(rest, None)
            continue
        if word.startswith(("-", "+")):
            continue
        # a subcommand is one short word: not inline code (`python -c "..."`), a path or a quoted sentence
        return program, (word if len(word) <= 40 and "/" not in word and not any(c.isspace() for c in word)
                         else None)
    return program, None


def _skip_options(words: list[str], with_value: frozenset[str]) -> list[str]:
    """``words`` past their leading options (and the values of those in ``with_value``)."""
    while words and words[0].startswith("-"):
        option = words.pop(0)
        if option in with_value and "=" not in option and words:
            words.pop(0)
    return words


def invocations(command: str) -> list[tuple[str, str | None]]:
    """Every ``(program, subcommand)`` a command line runs, in order, without repeats."""
    keys = []
    for words in simple_commands(command or ""):
        key = invocation(words)
        if key and key not in keys:
            keys.append(key)
    return keys


def describe_invocation(key: tuple[str, str | None]) -> str:
    """``npm install`` for ``("npm", "install")``."""
    return key[0] if key[1] is None else f"{key[0]} {key[1]}"
