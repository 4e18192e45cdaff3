"""Which of the user's messages are requests: the task a session started with and the one it is on now.

A message is *substantive* by its characters, not by space-separated words, so a Japanese or Chinese request
counts as much as an English one: letters count once, CJK ideographs, kana and Hangul three times, and
a message needs ``MIN_WEIGHT``. Bare answers ("ok", "1", "yes"), thanks and "continue" are not requests; a
slash command of the user's or a plugin's (``/publish-session``) is one, Claude Code's own (``/clear``,
``/export``) is not; nor is asking where the work stands ("Where did we leave off?").
"""

from __future__ import annotations

import re

MIN_WEIGHT = 8
BUILTIN_COMMANDS = frozenset({
    "compact", "clear", "resume", "model", "config", "cost", "help", "login", "logout", "memory", "permissions",
    "status", "doctor", "exit", "quit", "context", "hooks", "plugin", "plugins", "mcp", "agents", "add-dir",
    "export", "rewind", "vim", "theme", "init", "ide", "terminal-setup", "upgrade", "usage", "bug", "feedback",
    "release-notes", "statusline", "output-style", "todos", "bashes", "privacy-settings", "rate-limit-options",
    "fast", "effort", "copy", "rename", "tasks", "sandbox", "security-review", "review", "pr-comments", "install-github-app"})
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ACK = re.compile(
    r"^(?:(?:ok(?:ay)?|yes|yep|yeah|sure|great|excellent|perfect|nice|awesome|cool|good(?: job)?|well done|lgtm|"
    r"thanks?(?: you)?(?: (?:so|very) much)?|thx|ty|cheers|merci(?: beaucoup)?|danke(?: schön)?|gracias|"
    r"continue|go on|go ahead|proceed|resume|keep going|carry on|done|next|"
    r"ありがとう(?:ございます)?|了解|はい|谢谢|好的|继续|감사합니다|네|계속)"
    r"(?:\s+(?:work|job|stuff|one))?[\s,.!?。！、~]*)+$", re.I)


# Asking where the work stands is not a new request: the work it asks about stays the current request.
_STATUS_QUESTION = re.compile(
    r"^(?:so,? |ok,? |and )?(?:where (?:did we|are we|were we|we)(?: at| leave off| left off)?|what(?:'s| is| was) "
    r"(?:left|next|the status|the state)(?: to do)?|what did you (?:do|change)|status|how far are we)\b[^\n]{0,30}\??$"
    r"|^(?:今どこまで|進捗は|现在进展|进度如何|어디까지)", re.I)


def weight(text: str) -> int:
    """Letters and digits count 1, CJK/kana/Hangul characters 3."""
    return sum(3 if _WIDE.match(ch) else 1 for ch in text if ch.isalnum())


def is_builtin_command(text: str) -> bool:
    """``/clear``, ``/export``…: Claude Code's own commands, not requests."""
    name = text.strip().lstrip("/").split(" ", 1)[0].split(":")[-1] if text.strip().startswith("/") else ""
    return name in BUILTIN_COMMANDS


def is_acknowledgement(text: str) -> bool:
    """"ok", "thanks!", "continue", "ありがとう": a reply that asks for nothing new."""
    return bool(_ACK.match(text.strip()))


def is_substantive(text: str, kind: str = "prompt") -> bool:
    """True when the message asks for something (see the module docstring)."""
    text = text.strip()
    if not text:
        return False
    if kind == "command":
        return text.startswith("/") and not is_builtin_command(text)
    if _ACK.match(text) or _STATUS_QUESTION.match(text):
        return False
    return weight(text) >= MIN_WEIGHT
