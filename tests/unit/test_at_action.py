"""memory.learning.at_action in-process: which anchored learnings fire before an edit or a command, on a real
store (the hook-process view of the same feature is tests/action/test_recall_action.py)."""

from __future__ import annotations

from pathlib import Path

from memory.learning import at_action
from memory.store.learnings import forget
from tests.support.store import add_learning, open_store

PNPM = "Use pnpm, never npm: the lockfile is pnpm-lock.yaml."
CARGO = "`cargo test` needs DATABASE_URL set: use `make test`, which sets it."
ROUND = "round_total rounds half-up with Decimal.quantize, never float round()."


def test_a_command_anchor_fires_on_its_program_and_subcommand_only(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    add_learning(s.conn, None, PNPM, "instruction", anchors=[{"kind": "command", "value": "npm"}])
    add_learning(s.conn, s.project_id, CARGO, "fact", anchors=[{"kind": "command", "value": "cargo test"}])

    def ask(session: str, command: str) -> str | None:
        return at_action.for_command(s.conn, project_id=s.project_id, session_id=session, command=command)

    assert ask("a", "pnpm install") is None  # another program, though its name contains the anchor's
    assert ask("a", "cargo build --release") is None  # the anchor names a subcommand: another one does not fire
    shown = ask("a", "cd web && npm install left-pad")
    assert shown and "pnpm-lock.yaml" in shown and "npm install" in shown
    assert ask("a", "npm ci") is None  # once per session
    assert "DATABASE_URL" in (ask("a", "cargo test --release") or "")
    assert "pnpm-lock.yaml" in (ask("b", "npm ci") or "")  # another session is shown it again
    recorded = s.conn.execute("SELECT event, session_id FROM recalls ORDER BY id").fetchall()
    assert [tuple(r) for r in recorded] == [("PreToolUse:Bash", "a"), ("PreToolUse:Bash", "a"),
                                           ("PreToolUse:Bash", "b")]


def test_global_learnings_can_be_left_out(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    add_learning(s.conn, None, PNPM, "instruction", anchors=[{"kind": "command", "value": "npm"}])
    assert at_action.for_command(s.conn, project_id=s.project_id, session_id="a", command="npm i",
                                 include_global=False) is None
    assert at_action.for_command(s.conn, project_id=s.project_id, session_id="a", command="npm i") is not None


def test_a_symbol_anchor_fires_on_an_edit_of_code_not_of_prose(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    add_learning(s.conn, s.project_id, ROUND, "fact",
                 anchors=[{"kind": "symbol", "value": "round_total", "file": "money.py"}])
    texts = ["def round_total(amount):\n    return amount\n"]

    def edit(session: str, name: str) -> str | None:
        return at_action.for_edit(s.conn, project_id=s.project_id, root=s.project.root, session_id=session,
                                  tool="Edit", path=str(project_dir / name), texts=texts)

    assert edit("a", "PLAN.md") is None  # a plan naming the function is not a change to it
    shown = edit("a", "billing.py")
    assert shown and "Decimal.quantize" in shown and "billing.py" in shown
    assert edit("a", "billing.py") is None


def test_a_file_anchor_fires_on_that_file_only_and_not_when_forgotten(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    learning = add_learning(s.conn, s.project_id, "Invoice totals in money.py are integer cents.", "fact",
                            anchors=[{"kind": "file", "value": "money.py"}])

    def edit(session: str, name: str) -> str | None:
        return at_action.for_edit(s.conn, project_id=s.project_id, root=s.project.root, session_id=session,
                                  tool="Write", path=str(project_dir / name), texts=["x = 1\n"])

    assert edit("a", "other.py") is None
    assert "integer cents" in (edit("a", "money.py") or "")
    forget(s.conn, learning)
    assert edit("b", "money.py") is None
