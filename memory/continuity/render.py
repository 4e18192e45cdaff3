"""The "Continuing: <task>" block a new context gets: compact Markdown within a token budget.

Sections, most important first: the task and where it stands, modified files, todos, blockers, decisions, the
last action, then files read. When the block is over the budget, lists are shortened in the reverse order
of importance (files read first, then decisions, modified files, todos, blockers) and a closing line says
what was left out. The result is always under ``HARD_LIMIT`` characters (Claude Code replaces longer hook
output with a file reference).
"""

from __future__ import annotations

from memory.text import shorten
from memory.tokens import CHARS_PER_TOKEN

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

HARD_LIMIT = 9000
# Which list shrinks first when over budget, and the smallest it is cut to before the next one shrinks.
SHRINK_ORDER = (("files_read", 0), ("decisions", 2), ("files_modified", 5), ("todos", 3), ("blockers", 1))
LIST_LABELS = {"files_read": "read files", "decisions": "decisions", "files_modified": "modified files",
               "todos": "todos", "blockers": "blockers"}
LINE_CAP = 240


def format_handoff(handoff: dict[str, Any], max_tokens: int = 1200, origin: str | None = None) -> str:
    """The Markdown block for ``handoff`` within ``max_tokens`` (estimated) and ``HARD_LIMIT`` characters."""
    limit = min(HARD_LIMIT, max(400, int(max_tokens) * CHARS_PER_TOKEN))
    lists = {name: _list_of(handoff, name) for name, _ in SHRINK_ORDER}
    shown = {name: len(items) for name, items in lists.items()}
    text = _render(handoff, lists, shown, origin)
    for name, floor in SHRINK_ORDER:
        while len(text) > limit and shown[name] > floor:
            shown[name] = max(floor, shown[name] - max(1, shown[name] // 3))
            text = _render(handoff, lists, shown, origin)
    if len(text) > limit:
        text = text[: limit - 40].rsplit("\n", 1)[0] + "\n(… cut to fit the budget)"
    return text


def _render(handoff: dict[str, Any], lists: dict[str, list], shown: dict[str, int], origin: str | None) -> str:
    lines = [f"## Continuing: {shorten(handoff.get('task') or '(task unknown)', LINE_CAP, one_line=True)}"]
    if origin:
        lines.append(f"_{origin}_")
    status = handoff.get("status") or "in_progress"
    lines.append(f"Status: {status}" + (f" · now: {shorten(handoff['in_progress'], LINE_CAP, one_line=True)}" if handoff.get("in_progress")
                                        and handoff["in_progress"] != handoff.get("task") else ""))
    for key, label in (("goal", "Earlier goal"), ("latest_request", "Latest request"),
                       ("instructions", "Compaction instructions")):
        if handoff.get(key):
            lines.append(f"{label}: {shorten(handoff[key], LINE_CAP, one_line=True)}")
    _section(lines, f"Modified ({len(lists['files_modified'])})", lists["files_modified"], shown["files_modified"],
             inline=True)
    _section(lines, "Todos", [f"[{t.get('status', 'pending')}] {t.get('content', '')}" for t in lists["todos"]],
             shown["todos"])
    _section(lines, "Blockers", lists["blockers"], shown["blockers"])
    _section(lines, "Decisions", lists["decisions"], shown["decisions"])
    if handoff.get("last_action"):
        lines.append(f"Last: {shorten(handoff['last_action'], LINE_CAP, one_line=True)}")
    _section(lines, f"Read ({len(lists['files_read'])})", lists["files_read"], shown["files_read"], inline=True)
    left_out = [f"{len(lists[n]) - shown[n]} {LIST_LABELS[n]}" for n, _ in SHRINK_ORDER if shown[n] < len(lists[n])]
    if left_out:
        lines.append(f"(Left out to fit the budget: {', '.join(left_out)}; `python -m memory handoff show` has all.)")
    return "\n".join(lines)


def _section(lines: list[str], title: str, items: list, count: int, inline: bool = False) -> None:
    if not items or count <= 0:
        return
    visible = [shorten(str(item), LINE_CAP, one_line=True) for item in items[-count:]] if title.startswith("Decisions") else \
        [shorten(str(item), LINE_CAP, one_line=True) for item in items[:count]]
    more = f" (+{len(items) - count} more)" if count < len(items) else ""
    if inline:
        lines.append(f"{title}: {', '.join(visible)}{more}")
    else:
        lines.append(f"{title}:{more}")
        lines.extend(f"- {item}" for item in visible)


def _list_of(handoff: dict[str, Any], name: str) -> list:
    value = handoff.get(name)
    if name == "todos" and isinstance(value, list):
        open_first = [t for t in value if isinstance(t, dict) and t.get("status") in ("in_progress", "pending")]
        return open_first + [t for t in value if isinstance(t, dict) and t not in open_first]
    return list(value) if isinstance(value, list) else []

