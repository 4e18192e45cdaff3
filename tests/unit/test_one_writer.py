"""One owner per table: every SQL write in the product (INSERT, UPDATE, DELETE, REPLACE in ``memory/``) is
found by parsing the code, and each table of the schema is written by exactly one module -- the one
docs/architecture.md names for it. Migrations (``memory/store/migrations/*.sql``) shape the schema and are not
writers; ``learnings_fts`` follows ``learnings`` by trigger."""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path

from memory.store import migrations

ROOT = Path(__file__).resolve().parents[2]
# A data write and the table it writes (``ON CONFLICT ... DO UPDATE SET`` is part of its INSERT).
WRITE = re.compile(r"(?<!DO )\b(?:INSERT(?:\s+OR\s+[A-Z]+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+[A-Z]+)?|DELETE\s+FROM)"
                   r"\s+([^\s(]+)")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
BY_TRIGGER = {"learnings_fts", "anchor_index_state"}  # kept by triggers on learnings, no module writes them


def sql_texts(path: Path) -> list[str]:
    """Every string literal of a module that could be SQL (docstrings left out; an f-string's fields as ``{}``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    parts = {id(value) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for value in node.values}
    texts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings | parts:
            texts.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            texts.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
    return texts


def writers(root: Path = ROOT) -> dict[str, set[str]]:
    """table -> the product modules (paths from the repository root) whose SQL writes it."""
    found: dict[str, set[str]] = {}
    for path in sorted(root.joinpath("memory").rglob("*.py")):
        module = path.relative_to(root).as_posix()
        if "demo" in path.relative_to(root).parts[:2]:  # the demo project's sample code is data
            continue
        for text in sql_texts(path):
            for match in WRITE.finditer(text):
                found.setdefault(match.group(1).strip('"`[]'), set()).add(module)
    return found


def schema_tables() -> set[str]:
    """The tables of a database migrated to the latest version (SQLite's and FTS5's own left out)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrations.apply_pending(conn)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {n for n in names if not n.startswith("sqlite_") and not any(n.startswith(f"{t}_") for t in BY_TRIGGER)}


def documented_writers() -> dict[str, str]:
    """table -> writer module, as the table of docs/architecture.md ("Tables and their writers") names them."""
    text = ROOT.joinpath("docs", "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Tables and their writers", 1)[1].split("\n## ", 1)[0]
    named: dict[str, str] = {}
    for line in section.splitlines():
        cells = line.split("|")
        if len(cells) < 4 or not cells[1].strip().startswith("`"):
            continue
        tables = re.findall(r"`([^`]+)`", cells[1].split("(", 1)[0])
        module = re.search(r"`(memory/[^`]+\.py)`", cells[2])
        for table in tables:
            named[table] = module.group(1) if module else ""
    return named


def test_every_write_names_a_table_of_the_schema() -> None:
    tables = schema_tables()
    unknown = {t: sorted(m) for t, m in writers().items() if not NAME.fullmatch(t) or t not in tables}
    assert unknown == {}, "a write whose table is computed or not in the schema (name the table literally)"


def test_each_table_has_exactly_one_writer_module() -> None:
    found = writers()
    wrong = {t: sorted(found.get(t, ())) for t in schema_tables() - BY_TRIGGER if len(found.get(t, ())) != 1}
    assert wrong == {}, "each table is written by one module: call its writer instead of writing SQL"


def test_every_writer_is_in_the_store() -> None:
    """Features decide what to write; the SQL that writes it lives in ``memory/store/``."""
    outside = {t: sorted(m) for t, m in writers().items() if any(not w.startswith("memory/store/") for w in m)}
    assert outside == {}, "move the write into a module of memory/store/ and call it from the feature"


def test_the_architecture_document_names_each_writer() -> None:
    found = {t: next(iter(m)) for t, m in writers().items() if len(m) == 1}
    assert documented_writers() == found


def test_a_second_writer_is_found(tmp_path: Path) -> None:
    """The scan sees a write however the SQL is spelled: plain, implicitly joined, an f-string, upsert."""
    package = tmp_path / "memory" / "feature"
    package.mkdir(parents=True)
    (package / "one.py").write_text(
        '"""UPDATE learnings in prose is not a write."""\n'
        'def f(conn, now):\n'
        '    conn.execute("UPDATE learnings SET seen_count = 1 "\n'
        '                 "WHERE id = ?", (1,))\n'
        '    conn.execute(f"INSERT OR IGNORE INTO  recalls(x) VALUES ({now})")\n'
        '    conn.execute("INSERT INTO sessions(id) VALUES (?) ON CONFLICT(id) DO UPDATE SET id = id")\n'
        '    conn.execute(f"DELETE FROM {TABLE}")\n')
    assert writers(tmp_path) == {"learnings": {"memory/feature/one.py"}, "recalls": {"memory/feature/one.py"},
                                 "sessions": {"memory/feature/one.py"}, "{}": {"memory/feature/one.py"}}
