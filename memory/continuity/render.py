"""The "Continuing: <current request>" block a new context gets: compact Markdown within a token budget.

Sections in the order they matter (the budget order): the current request with the task it belongs to, the
status and next step, the files being changed, todos, decisions, results, the user's instructions, open
blockers (at most ``MAX_BLOCKERS``); then Claude Code's recap, the last action and files read. When the block
is over the budget, lists are shortened from the least important up (files read, recap, blockers, user
instructions, results, decisions, todos, modified files) and a closing line says what was left out. The
result is always under ``HARD_LIMIT`` characters (Claude Code replaces longer hook output with a file
reference).
"""

from __future__ import annotations

from memory.hooks.wire import MAX_CONTEXT_CHARS
from memory.text import shorten
from memory.tokens import CHARS_PER_TOKEN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

HARD_LIMIT = MAX_CONTEXT_CHARS
MAX_BLOCKERS = 3
# Which list shrinks first when over budget, and the smallest it is cut to before the next one shrinks.
SHRINK_ORDER = (("files_read", 0), ("recap", 0), ("blockers", 1), ("user_instructions", 1), ("results", 1),
                ("decisions", 2), ("todos", 3), ("files_modified", 5))
LIST_LABELS = {"files_read": "read files", "recap": "recap", "decisions": "decisions", "files_modified": "modified files",
               "todos": "todos", "blockers": "blockers", "results": "results", "user_instructions": "user instructions"}
NEWEST_LAST = ("Decisions", "Results", "User instructions")  # lists whose newest items are the ones kept
LINE_CAP = 240


def format_handoff(handoff: dict[str, Any], max_tokens: int = 1200, origin: str | None = None) -> str:
    """The Markdown block for ``handoff`` within ``max_tokens`` (estimated) and ``HARD_LIMIT`` characters."""
    limit = min(HARD_LIMIT, max(400, int(max_tokens) * CHARS_PER_TOKEN))
    lists = {name: _list_of(handoff, name) for name, _ in SHRINK_ORDER}
    shown = {name: len(items) for name, items in lists.items()}
    shown["blockers"] = min(shown["blockers"], MAX_BLOCKERS)
    text = _render(handoff, lists, shown, origin)
    for name, floor in SHRINK_ORDER:
        while len(text) > limit and shown[name] > floor:
            shown[name] = max(floor, shown[name] - max(1, shown[name] // 3))
            text = _render(handoff, lists, shown, origin)
    if len(text) > limit:
        text = text[: limit - 40].rsplit("\n", 1)[0] + "\n(… cut to fit the budget)"
    return text


def _render(handoff: dict[str, Any], lists: dict[str, list], shown: dict[str, int], origin: str | None) -> str:
    task = handoff.get("task") or "(task unknown)"
    current = handoff.get("current_request") or handoff.get("latest_request") or task  # latest_request: older handoffs
    lines = [f"## Continuing: {one_line(current)}"]
    if origin:
        lines.append(f"_{origin}_")
    if current != task:
        lines.append(f"Task: {one_line(task)}")
    status = handoff.get("status") or "in_progress"
    lines.append(f"Status: {status}" + (f" · next: {one_line(handoff['in_progress'])}" if handoff.get("in_progress")
                                        and handoff["in_progress"] not in (task, current) else ""))
    if handoff.get("instructions"):
        lines.append(f"Compaction instructions: {one_line(handoff['instructions'])}")
    _section(lines, f"Modified ({len(lists['files_modified'])})", lists["files_modified"], shown["files_modified"],
             inline=True)
    _section(lines, "Todos", [f"[{t.get('status', 'pending')}] {t.get('content', '')}" for t in lists["todos"]],
             shown["todos"])
    _section(lines, "Decisions", lists["decisions"], shown["decisions"])
    _section(lines, "Results", lists["results"], shown["results"])
    _section(lines, "User instructions", lists["user_instructions"], shown["user_instructions"])
    _section(lines, "Blockers", lists["blockers"], shown["blockers"])
    _section(lines, "Recap", lists["recap"], shown["recap"], inline=True)
    if handoff.get("last_action"):
        lines.append(f"Last: {one_line(handoff['last_action'])}")
    _section(lines, f"Read ({len(lists['files_read'])})", lists["files_read"], shown["files_read"], inline=True)
    left_out = [f"{len(lists[n]) - shown[n]} {LIST_LABELS[n]}" for n, _ in SHRINK_ORDER
                if shown[n] < len(lists[n]) and not (n == "blockers" and shown[n] == MAX_BLOCKERS)]
    if left_out:
        lines.append(f"(Left out to fit the budget: {', '.join(left_out)}; `python -m memory handoff show` has all.)")
    return "\n".join(lines)


def _section(lines: list[str], title: str, items: list, count: int, inline: bool = False) -> None:
    if not items or count <= 0:
        return
    visible = [one_line(str(item)) for item in items[-count:]] if title.startswith(NEWEST_LAST) else \
        [one_line(str(item)) for item in items[:count]]
    more = f" (+{len(items) - count} more)" if count < len(items) else ""
    if inline:
        lines.append(f"{title}: {', '.join(visible)}{more}")
    else:
        lines.append(f"{title}:{more}")
        lines.extend(f"- {item}" for item in visible)


def _list_of(handoff: dict[str, Any], name: str) -> list:
    value = handoff.get(name)
    if name == "recap":
        return [value] if isinstance(value, str) and value else []
    if name == "todos" and isinstance(value, list):
        open_first = [t for t in value if isinstance(t, dict) and t.get("status") in ("in_progress", "pending")]
        return open_first + [t for t in value if isinstance(t, dict) and t not in open_first]
    return list(value) if isinstance(value, list) else []


def one_line(text: str, limit: int = LINE_CAP) -> str:
    """``text`` on one line, cut to ``limit`` characters at a word boundary (a text without spaces near the end,
    such as Chinese or Japanese, at the character): ``memory.text.shorten``."""
    return shorten(text, limit, one_line=True, at_word=True)
