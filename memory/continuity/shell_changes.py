"""Files a successful shell command wrote or removed: ``> f``, ``>> f``, ``tee f``, ``sed -i … f``,
``mv a b`` (b written, a gone), ``rm``/``git rm`` (gone). Paths are made absolute against the command's
working directory. A plain reading of the command line, no shell is run; what it cannot tell it leaves out.
"""

from __future__ import annotations

import os
import re
import shlex
from collections import namedtuple

Changes = namedtuple("Changes", "written removed")
Changes.__doc__ = "Absolute paths a command wrote (first-write order) and removed."

_REDIRECT = re.compile(r"(?<![0-9&<>])>>?\s*(?!&)([^\s;&|<>()]+)")
_SEGMENTS = re.compile(r"&&|\|\||;|\n|\|")


def from_exchanges(exchanges: list) -> Changes:
    """What the successful Bash calls among ``exchanges`` (``transcript.ToolExchange``) did to files, in order.

    A file written after it was removed counts as written again; one removed after being written, as removed.
    """
    written: dict[str, None] = {}
    removed: dict[str, None] = {}
    for ex in exchanges:
        command = ex.call.input.get("command") if ex.call.name == "Bash" else None
        if not isinstance(command, str):
            continue
        cwd = ex.call.cwd or ""
        wrote, gone = command_changes(command)
        for path in gone:
            full = _absolute(path, cwd)
            written.pop(full, None)
            removed[full] = None
        for path in wrote:
            full = _absolute(path, cwd)
            removed.pop(full, None)
            written.setdefault(full, None)
    return Changes(list(written), list(removed))


def command_changes(command: str) -> tuple[list[str], list[str]]:
    """(paths written, paths removed) by ``command``, as written in it."""
    wrote: list[str] = []
    gone: list[str] = []
    body = command.split("<<", 1)[0] if "<<" in command else command
    for match in _REDIRECT.finditer(_without_quotes(body)):
        target = match.group(1).strip("'\"")
        if target and not target.startswith("/dev/"):
            wrote.append(target)
    for segment in _SEGMENTS.split(body):
        words = _words(segment)
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


def _absolute(path: str, cwd: str) -> str:
    path = os.path.expanduser(path)
    return os.path.normpath(path if os.path.isabs(path) or not cwd else os.path.join(cwd, path))


def _words(segment: str) -> list[str]:
    try:
        return shlex.split(segment, comments=False)
    except ValueError:
        return segment.split()


def _without_quotes(text: str) -> str:
    """``text`` with quoted strings blanked (a ``>`` inside quotes is not a redirection)."""
    return re.sub(r"'[^']*'|\"(?:[^\"\\\\]|\\\\.)*\"", lambda m: " " * len(m.group(0)) if ">" in m.group(0)
                  else m.group(0), text)
