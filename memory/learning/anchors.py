"""Anchors: what a learning is about, in terms a tool call can be matched against exactly.

A learning's anchors come from ``anchors_json`` (``[{"kind": "file"|"symbol"|"command"|"error", "value": ...,
"hash": ...}]``, written by the extractor) and, for learnings stored before anchors existed, from its
``files_json`` and ``symbols_json`` lists. This module only reads and compares them; it never touches the
store and imports nothing beyond the standard library (it runs inside hooks).

- ``of_row(row)``: a learning row's anchors, deduplicated.
- ``command_keys(command)``: what a shell command runs, as ``(program, subcommand)`` pairs (``npm install``).
- ``command_match(anchor_value, keys)``: the part of a command that runs an anchored command, if any.
- ``identifiers(text)``: the identifiers in edited text, for symbol anchors.
- ``signature_line(source, symbol)``: the line that defines ``symbol`` in a file, for anchors that notice change.
"""

from __future__ import annotations

import json
import os
import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

KINDS = ("file", "symbol", "command", "error")
# Symbols too short or too common to say what an edit is about: they would match almost any edit.
MIN_SYMBOL_CHARS = 4
GENERIC_SYMBOLS = frozenset({
    "main", "self", "this", "init", "__init__", "test", "tests", "data", "name", "value", "values", "item",
    "items", "result", "config", "options", "args", "kwargs", "props", "state", "index", "error", "errors",
    "list", "dict", "string", "number", "true", "false", "none", "null", "return", "print", "func", "function",
    "class", "type", "types", "json", "path", "file", "files", "text", "default", "handler", "setup", "utils",
})
MAX_IDENTIFIERS = 4000

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
_PYTHONS = re.compile(r"^python(?:\d+(?:\.\d+)?)?$")
_ENV_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "\n", "(", ")", ";;", "|&"})
_SHELL_SYNTAX = re.compile(r"[\"'\\;&|()<>#\n`$]")
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_DEFINITION = (r"(?:def|class|function|func|fn|struct|enum|trait|interface|type|impl|module|record|object"
               r"|const|let|var|val|macro|defn|defmacro|sub|proc)")


def of_row(row: Any) -> list[dict[str, Any]]:
    """The anchors of a learning row (``anchors_json``, plus ``files_json``/``symbols_json`` as file and symbol
    anchors), each ``{"kind", "value", ...}`` with any extra keys the extractor stored; duplicates dropped."""
    found: list[dict[str, Any]] = []
    for item in _json_list(_field(row, "anchors_json")):
        if isinstance(item, dict) and item.get("kind") in KINDS and isinstance(item.get("value"), str) \
                and item["value"].strip():
            found.append({**item, "value": item["value"].strip()})
    for kind, column in (("file", "files_json"), ("symbol", "symbols_json")):
        for value in _json_list(_field(row, column)):
            if isinstance(value, str) and value.strip():
                found.append({"kind": kind, "value": value.strip()})
    seen, unique = set(), []
    for anchor in found:
        key = (anchor["kind"], anchor["value"])
        if key not in seen:
            seen.add(key)
            unique.append(anchor)
    return unique


def _field(row: Any, name: str) -> Any:
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def _json_list(text: Any) -> list[Any]:
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def path_names(path: str, root: str | None) -> list[str]:
    """Every name a file goes by in anchors: as given, its real path, and relative to the project root."""
    names = [path, os.path.realpath(path)]
    if root:
        for candidate in (path, names[1]):
            relative = relative_to(candidate, root)
            if relative:
                names.append(relative)
    return list(dict.fromkeys(n for n in names if n))


def relative_to(path: str, root: str) -> str | None:
    """``path`` relative to ``root`` when it lies inside it, else None."""
    root = root.rstrip("/") + "/"
    return path[len(root):] if path.startswith(root) else None


def is_specific_symbol(symbol: str) -> bool:
    """True when a symbol says enough to match an edit on its own (not ``main``, ``data``, ``id``...)."""
    last = symbol.rsplit(".", 1)[-1].rsplit("::", 1)[-1]
    return len(last) >= MIN_SYMBOL_CHARS and last.lower() not in GENERIC_SYMBOLS and bool(_IDENTIFIER.fullmatch(last))


def symbol_name(symbol: str) -> str:
    """The identifier a symbol anchor is matched on: the last part of ``Class.method`` or ``mod::fn``."""
    return symbol.rsplit(".", 1)[-1].rsplit("::", 1)[-1].strip("()")


def identifiers(*texts: str) -> set[str]:
    """The distinct identifiers in the given texts (at most ``MAX_IDENTIFIERS``)."""
    found: set[str] = set()
    for text in texts:
        for match in _IDENTIFIER.finditer(text or ""):
            found.add(match.group())
            if len(found) >= MAX_IDENTIFIERS:
                return found
    return found


# ---- commands --------------------------------------------------------------------------------------------

def _words(command: str) -> list[str]:
    """Shell words and control operators of ``command``; a command shlex cannot split is split on spaces."""
    if not _SHELL_SYNTAX.search(command):
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


def command_key(words: list[str]) -> tuple[str, str | None] | None:
    """``(program, subcommand)`` of one simple command, past env assignments and wrappers; None if empty."""
    words = list(words)
    while words:
        first = os.path.basename(words[0])
        if _ENV_ASSIGN.match(words[0]) or first in _WRAPPERS:
            words.pop(0)
            while words and first in ("sudo", "env", "timeout", "nice", "xargs") and \
                    (words[0].startswith("-") or _ENV_ASSIGN.match(words[0]) or
                     (first == "timeout" and words[0][:1].isdigit())):
                words.pop(0)
            continue
        if len(words) > 1 and (first, words[1]) in _RUNNERS:
            words = _skip_options(words[2:], _RUNNER_OPTIONS)
            continue
        if _PYTHONS.match(first) and len(words) > 2 and words[1] == "-m":
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
        return program, (word if len(word) <= 40 and not any(c.isspace() for c in word) else None)
    return program, None


def _skip_options(words: list[str], with_value: frozenset[str]) -> list[str]:
    """``words`` past their leading options (and the values of those in ``with_value``)."""
    while words and words[0].startswith("-"):
        option = words.pop(0)
        if option in with_value and "=" not in option and words:
            words.pop(0)
    return words


def command_keys(command: str) -> list[tuple[str, str | None]]:
    """Every ``(program, subcommand)`` a command line runs, in order, without repeats."""
    keys = []
    for words in simple_commands(command or ""):
        key = command_key(words)
        if key and key not in keys:
            keys.append(key)
    return keys


def command_match(anchor_value: str, keys: Iterable[tuple[str, str | None]]) -> tuple[str, str | None] | None:
    """The key among ``keys`` that runs the anchored command (``npm`` or ``npm install`` or ``cargo test
    --release``): same program, and the same subcommand when the anchor names one; None when none does."""
    anchored = command_keys(anchor_value)
    if not anchored:
        return None
    program, subcommand = anchored[0]
    return next(((p, s) for p, s in keys if p == program and (subcommand is None or s == subcommand)), None)


def describe_command(key: tuple[str, str | None]) -> str:
    """``npm install`` for ``("npm", "install")``."""
    return key[0] if key[1] is None else f"{key[0]} {key[1]}"


# ---- what an anchor points at ----------------------------------------------------------------------------

def signature_line(source: str, symbol: str) -> str | None:
    """The line defining ``symbol`` in ``source`` (whitespace collapsed), or None when nothing defines it.

    A definition is a line where the name follows a definition keyword (``def``, ``class``, ``function``,
    ``fn``, ``struct``, ``const``...), or is assigned a function (``name = (...) =>``, ``name: function``).
    The first such line counts.
    """
    name = re.escape(symbol_name(symbol))
    if not name:
        return None
    pattern = re.compile(
        rf"^[ \t]*(?:[\w@\[\]<>,.*&]+[ \t]+)*?{_DEFINITION}[ \t]+\*?{name}\b[^\n]*"
        rf"|^[ \t]*(?:export[ \t]+)?(?:const|let|var)?[ \t]*{name}[ \t]*[:=][ \t]*(?:async[ \t]+)?"
        rf"(?:function\b|\([^\n]*\)[ \t]*(?::[^\n=]*)?=>)[^\n]*",
        re.MULTILINE,
    )
    match = pattern.search(source)
    return " ".join(match.group().split()) if match else None

