"""Shell commands and their output, as Claude Code's Bash tool runs them: what a command is, how it went.

``core_command`` names a command: the command itself, without setup prefixes, environment, wrappers,
redirections and output filters (``cd app && FOO=1 timeout 60 pytest -q 2>&1 | tail`` -> ``pytest -q``): what a
learning quotes. (What a later run must match to clear a failure is continuity's ``blockers.equivalence_key``.)

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
    r"|\b[1-9]\d* (?:failed|errors?)\b|command not found|test result: FAILED")
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
