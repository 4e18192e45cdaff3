"""The anchor index: the PreToolUse hook of an edit or a command leaves without the store when nothing can match,
and never misses a learning the store would have shown."""

from __future__ import annotations

import json

from memory import store
from memory.learning import anchor_index, at_action
from tests.support.action import CARGO, MONEY, PNPM, add, post, pre, seed
from tests.support.store import open_store


def hook_runs(event: str) -> int:
    conn = store.connect()
    try:
        return conn.execute("SELECT count(*) FROM hook_runs WHERE event = ?", (event,)).fetchone()[0]
    finally:
        conn.close()


def test_a_call_nothing_is_anchored_to_ends_at_the_index(memory_home, project_dir):
    seed(project_dir)
    assert PNPM in pre(project_dir, "Bash", {"command": "npm install"})  # no index yet: the store, which writes it
    assert anchor_index.file_generation() is not None
    runs = hook_runs("PreToolUse")
    assert pre(project_dir, "Bash", {"command": "ls -la src"}) is None
    assert pre(project_dir, "Edit", {"file_path": str(project_dir / "notes.py"), "old_string": "a",
                                     "new_string": "b = compute(a)"}) is None
    assert hook_runs("PreToolUse") == runs  # answered from the index alone: the store was never opened
    assert CARGO in pre(project_dir, "Bash", {"command": "cargo test"})
    assert hook_runs("PreToolUse") == runs + 1


def test_a_learning_stored_later_fires_once_a_hook_with_the_store_refreshed_the_index(memory_home, project_dir):
    seed(project_dir)
    assert pre(project_dir, "Bash", {"command": "ls"}) is None  # writes the index
    before = anchor_index.file_generation()
    conn = store.connect()
    add(conn, None, "fix", "`alembic upgrade` needs the tunnel open: run `make tunnel` first.",
        [{"kind": "command", "value": "alembic upgrade"}])
    conn.close()
    post(project_dir, "Bash", {"command": "ls"})  # every tool call's PostToolUse checks the counter
    assert anchor_index.file_generation() == before + 1
    assert "make tunnel" in pre(project_dir, "Bash", {"command": "alembic upgrade head"})


def test_forgetting_a_learning_takes_its_keys_out(memory_home, project_dir):
    ids = seed(project_dir)
    fixture = open_store(project_dir)
    anchor_index.refresh(fixture.conn)
    assert ids["cargo"] in anchor_index.candidates(anchor_index.load(), ["c:cargo test"])
    fixture.conn.execute("UPDATE learnings SET forgotten_at = '2026-01-01T00:00:00.000Z' WHERE id = ?",
                         (ids["cargo"],))
    fixture.conn.execute("UPDATE learnings SET recall_count = recall_count + 1 WHERE id = ?", (ids["pnpm"],))
    assert anchor_index.refresh(fixture.conn)  # the trigger moved the counter
    assert not anchor_index.candidates(anchor_index.load(), ["c:cargo", "c:cargo test"])
    assert not anchor_index.refresh(fixture.conn)  # a recall count is not an anchor change


def test_a_missing_or_damaged_index_means_asking_the_store(memory_home, project_dir):
    seed(project_dir)
    assert pre(project_dir, "Bash", {"command": "ls"}) is None
    path = anchor_index.index_path()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("garbage\n")
    assert anchor_index.load() is None
    assert PNPM in pre(project_dir, "Bash", {"command": "npm ci"})
    assert anchor_index.load() is not None  # rewritten by the hook that asked the store


def test_the_index_never_hides_a_learning_the_store_would_show(memory_home, project_dir):
    """Keys are necessary: whatever at_action shows when asked about every learning is among the candidates."""
    (project_dir / "money.py").write_text(MONEY)
    fixture = open_store(project_dir)
    conn, pid = fixture.conn, fixture.project_id
    anchor_sets = [
        [{"kind": "command", "value": "npm"}], [{"kind": "command", "value": "cargo test"}],
        [{"kind": "command", "value": "sudo rockcraft pack"}], [{"kind": "command", "value": "python -m pytest"}],
        [{"kind": "command", "value": "tox -e unit"}], [{"kind": "command", "value": "git push"}],
        [{"kind": "symbol", "value": "Ledger.round_total"}], [{"kind": "symbol", "value": "mod::parse_row"}],
        [{"kind": "symbol", "value": "main"}], [{"kind": "file", "value": "money.py"}],
        [{"kind": "file", "value": str(project_dir / "invoice.py")}], [{"kind": "error", "value": "E902"}],
    ]
    for n, anchors in enumerate(anchor_sets):
        add(conn, pid if n % 2 else None, "fix", f"learning {n} {json.dumps(anchors)}", anchors)
    add(conn, pid, "fix", "legacy columns", [], files=["invoice.py"])
    conn.execute("UPDATE learnings SET symbols_json = '[\"parse_row\"]' WHERE text = 'legacy columns'")
    anchor_index.refresh(conn)
    index = anchor_index.load()
    fired = 0
    commands = ["npm install", "cd web && npm ci", "cargo test --release", "cargo build", "sudo rockcraft pack -v",
                "python3 -m pytest -x", "pytest", "tox -e unit", "tox -e lint", "git push origin main", "git pull",
                "DATABASE_URL= cargo test", "ls -la"]
    for n, command in enumerate(commands):
        shown = _ids(at_action.for_command(conn, project_id=pid, session_id=f"c{n}", command=command))
        assert shown <= anchor_index.candidates(index, anchor_index.command_keys(command)), command
        fired += bool(shown)
    edits = [("money.py", "x = round_total(y)"), ("invoice.py", "rows = parse_row(line)"), ("other.py", "main()"),
             (str(project_dir / "invoice.py"), "pass"), ("money.py", "import os")]
    for n, (path, text) in enumerate(edits):
        absolute = str(project_dir / path)
        shown = _ids(at_action.for_edit(conn, project_id=pid, root=str(project_dir), session_id=f"e{n}",
                                        tool="Edit", path=absolute, texts=[text]))
        keys = anchor_index.edit_keys(*at_action.edit_subject(absolute, str(project_dir), [text]))
        assert shown <= anchor_index.candidates(index, keys), (path, text)
        fired += bool(shown)
    assert fired >= 10  # most of the calls above do fire: the check is not vacuous


def _ids(context: str | None) -> set[int]:
    import re

    return {int(i) for i in re.findall(r"\[[a-z-]+ #(\d+)", context or "")}
