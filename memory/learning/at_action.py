"""Recall at the moment of action: the learnings anchored to what a tool call is about to change or run.

Before an Edit, MultiEdit or Write, a learning fires when one of its anchors is the file being changed (by
absolute, real or project-relative path) or a symbol that appears in the edited text of a code file (not of
prose such as Markdown: a plan that names a function is not a change to it); before a Bash command,
when one of its command anchors is run by it (same program, and the same subcommand when the anchor names
one: an anchor ``npm`` fires on ``npm install``, ``cargo test`` on ``cargo test --release``, neither on
``pnpm install``). Exact matches only: no scores, no vectors, no model. The learning's own words then narrow its anchors
(``memory.learning.applies``): one placed in CI stays silent before a local command, one about installing a
package before installing another, one that only names the command being run says nothing new; an import line
or a data file is not a change to a symbol; a changelog is not what a fix is about.

What fires: live learnings of this project or global ones -- never forgotten, superseded, or "may be stale"
(``memory.learning.staleness``) -- not yet shown in this session by any event (``recalls``); at most
``MAX_ITEMS``, the most specific anchor first. Each one shown is recorded in ``recalls`` with the event and
the anchor that matched, so ``memory why`` and ``memory show ID`` can explain it.

Standard library and sqlite only: this runs in the PreToolUse hook of every edit and command.
"""

from __future__ import annotations

from memory import shell
from memory.learning import anchors, applies
from memory.project import relative_to
from memory.text import shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from typing import Any

MAX_ITEMS = 2
MAX_TEXT_CHARS = 400
# How telling a matched anchor is: the more specific, the earlier it is shown.
SPECIFICITY = {"command+sub": 4, "symbol": 3, "file": 2, "command": 1}

# Scope and liveness first (plain columns), then the callers' cheap text tests and anchor matches, and only
# then the per-row lookups (shown this session? stale?), which are the costly part on a large store.
_SCOPE = "l.forgotten_at IS NULL AND l.superseded_by IS NULL AND ifnull(l.project_id, 0) IN (?, ?)"
_NEW = """
    NOT EXISTS (SELECT 1 FROM recalls AS r WHERE r.session_id = ? AND r.learning_id = l.id)
    AND NOT EXISTS (SELECT 1 FROM anchor_marks AS m WHERE m.learning_id = l.id AND m.state = 'stale')
"""
_COLUMNS = "l.id, l.project_id, l.category, l.text, l.confidence, l.recall_count, l.anchors_json, l.files_json, " \
           "l.symbols_json"
_ANCHORS = "json_each(CASE WHEN json_valid(l.anchors_json) THEN l.anchors_json ELSE '[]' END) AS a"


def edit_subject(path: str, root: str | None, texts: list[str]) -> tuple[list[str], set[str]]:
    """What an edit of ``path`` (absolute) can be matched on: the names of the file and the identifiers of its
    edited ``texts`` (``applies.code_texts``: none in prose or data files -- a symbol named in a plan or a
    package.json is not the code it names -- and none on import lines)."""
    names = anchors.path_names(path, root)
    return names, anchors.identifiers(*applies.code_texts(path, texts))


def for_edit(conn: sqlite3.Connection, *, project_id: int | None, root: str | None, session_id: str, tool: str,
             path: str, texts: list[str], include_global: bool = True, only: set[int] | None = None) -> str | None:
    """Before an edit of ``path`` (absolute) whose edited text is ``texts``: the context to add, or None.
    ``include_global``: global learnings count too (``recall.global_preferences``); ``only``: the learnings
    the anchor index says may match (None: ask about every learning)."""
    names, words = edit_subject(path, root, texts)
    scope = (project_id or 0, 0 if include_global else -1)
    rows = _edit_candidates(conn, scope, session_id, names, words, only)
    matched = []
    for row in rows:
        hit = _edit_match(row, names, words)
        if hit and applies.edit_applies(str(row["text"]), hit[0], path):
            matched.append((row, *hit))
    shown_path = (relative_to(path, root) if root else None) or path
    return _inject(conn, matched, session_id, f"PreToolUse:{tool}", f"before this edit of {shown_path}")


def for_command(conn: sqlite3.Connection, *, project_id: int | None, session_id: str, command: str,
                include_global: bool = True, only: set[int] | None = None) -> str | None:
    """Before the shell command ``command`` runs: the context to add, or None (``include_global``, ``only``:
    as above)."""
    keys = shell.invocations(command)
    if not keys:
        return None
    programs = list(dict.fromkeys(program for program, _ in keys))
    # The anchor names the program, alone or followed by words: Python checks the subcommand (`tox -e unit`).
    likes = " OR ".join("(a.value ->> 'value' = ? OR a.value ->> 'value' LIKE ? ESCAPE '\\')" for _ in programs)
    args: list[Any] = []
    for program in programs:
        args += [program, _like_prefix(program) + " %"]
    program_test = " OR ".join("instr(l.anchors_json, ?)" for _ in programs)
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM learnings AS l WHERE {_SCOPE} AND {_only(only)} "
        f"AND instr(l.anchors_json, '\"command\"') "
        f"AND ({program_test}) AND EXISTS (SELECT 1 FROM {_ANCHORS} WHERE a.type = 'object' "
        f"AND a.value ->> 'kind' = 'command' "
        f"AND ({likes})) AND {_NEW}",
        (project_id or 0, 0 if include_global else -1, *programs, *args, session_id)).fetchall()
    matched, ran = [], []
    for row in rows:
        for anchor in anchors.of_row(row):
            hit = anchors.command_match(anchor["value"], keys) if anchor["kind"] == "command" else None
            if hit and applies.command_applies(str(row["text"]), hit, command):
                anchored = shell.invocations(anchor["value"])[0]
                kind = "command+sub" if anchored[1] else "command"
                matched.append((row, kind, f"command `{shell.describe_invocation(anchored)}`"))
                ran.append(hit)
                break
    where = f"before `{shell.describe_invocation(ran[0])}`" if ran else ""
    return _inject(conn, matched, session_id, "PreToolUse:Bash", where)


def _only(ids: set[int] | None) -> str:
    """The SQL test restricting the rows to ``ids`` (integers, written inline: at most a handful)."""
    return "1" if ids is None else f"l.id IN ({','.join(str(int(i)) for i in sorted(ids)) or 'NULL'})"


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _edit_candidates(conn: sqlite3.Connection, scope: tuple[int, int], session_id: str, names: list[str],
                     words: set[str], only: set[int] | None) -> list[sqlite3.Row]:
    """Live learnings with a file anchor among ``names``, or a symbol anchor that may be among ``words``
    (exact names here; ``Class.method`` and ``mod::fn`` anchors are checked in Python). Cheap text tests on
    the JSON columns come first, so only a few rows are parsed."""
    import os

    bases = list(dict.fromkeys(os.path.basename(n) for n in names if os.path.basename(n)))
    word_list = sorted(words)
    file_marks, word_marks = ",".join("?" * len(names)), ",".join("?" * len(word_list)) or "NULL"
    base_test = " OR ".join("instr(l.anchors_json, ?) OR instr(l.files_json, ?)" for _ in bases) or "0"
    symbol_test = "instr(l.anchors_json, '\"symbol\"') OR l.symbols_json <> '[]'" if word_list else "0"
    return conn.execute(
        f"""
        SELECT {_COLUMNS} FROM learnings AS l
        WHERE {_SCOPE} AND {_only(only)} AND ({base_test} OR {symbol_test})
          AND (EXISTS (SELECT 1 FROM {_ANCHORS} WHERE a.type = 'object' AND (
                       (a.value ->> 'kind' = 'file' AND a.value ->> 'value' IN ({file_marks}))
                    OR (a.value ->> 'kind' = 'symbol' AND (a.value ->> 'value' IN ({word_marks})
                        OR instr(a.value ->> 'value', '.') OR instr(a.value ->> 'value', '::')))))
            OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(l.files_json) THEN l.files_json ELSE '[]' END)
                       AS f WHERE f.value IN ({file_marks}))
            OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(l.symbols_json) THEN l.symbols_json
                                                    ELSE '[]' END) AS s
                       WHERE s.value IN ({word_marks}) OR instr(s.value, '.') OR instr(s.value, '::')))
          AND {_NEW}
        """,
        (*scope, *[b for base in bases for b in (base, base)], *names, *word_list, *names, *word_list,
         session_id)).fetchall()


def _edit_match(row: Any, names: list[str], words: set[str]) -> tuple[str, str] | None:
    """The best anchor of ``row`` for this edit as (kind, description), or None."""
    best = None
    found = anchors.of_row(row)
    files = [a["value"] for a in found if a["kind"] == "file"]
    for anchor in found:
        kind, value = anchor["kind"], anchor["value"]
        if kind == "symbol" and anchors.is_specific_symbol(value) and anchors.symbol_name(value) in words:
            return "symbol", f"symbol `{value}` in the edited text"
        if kind == "file" and value in names and best is None:
            if applies.is_bookkeeping(value) and any(not applies.is_bookkeeping(f) for f in files):
                continue  # where the fix was recorded, not what it is about
            best = ("file", f"file {value}")
    return best


def _inject(conn: sqlite3.Connection, matched: list[tuple[Any, str, str]], session_id: str, event: str,
            where: str) -> str | None:
    """Pick, record and render; None when nothing new matched."""
    matched.sort(key=lambda m: (-SPECIFICITY[m[1]], -float(m[0]["confidence"]), -int(m[0]["recall_count"]),
                                -int(m[0]["id"])))
    from memory.store import recalls, transaction

    shown = []
    if matched:
        with transaction(conn):
            for row, _kind, anchor in matched:
                if len(shown) >= MAX_ITEMS:
                    break
                if recalls.record(conn, session_id, event, anchor, [(row["id"], None)]):
                    shown.append((row, anchor))  # recorded now: not shown earlier in the session by anything
    if not shown:
        return None
    return render(shown, where)


def render(shown: list[tuple[Any, str]], where: str) -> str:
    """The context text: a header, then one line per learning with the anchor that matched."""
    lines = [f"compound-memory, {where}: learnings from earlier sessions anchored to it "
             "(`memory why` explains, `memory forget ID` stops one):"]
    for row, anchor in shown:
        text = shorten(str(row["text"]), MAX_TEXT_CHARS, one_line=True)
        scope = ", global" if row["project_id"] is None else ""
        lines.append(f"- Previous learning [{row['category']} #{row['id']}{scope}; {anchor}]: {text}")
    return "\n".join(lines)

