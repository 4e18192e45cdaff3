"""memory.signatures.learnings in-process: the learnings shown under a file's signatures ("Previous learning:"),
on a real store (through the hook process: tests/signatures/test_cache_and_accounting.py)."""

from __future__ import annotations

from pathlib import Path

from memory.signatures import learnings
from memory.store.learnings import forget
from tests.support.store import add_learning, open_store


def test_the_learnings_naming_a_file_best_first_once_per_session(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    low = add_learning(s.conn, s.project_id, "billing.py rounds with Decimal.", files=["src/billing.py"],
                       confidence=0.5)
    high = add_learning(s.conn, s.project_id, "billing.py totals are integer cents.", files=["src/billing.py"],
                        confidence=0.9)
    gone = add_learning(s.conn, s.project_id, "billing.py once used floats.", files=["src/billing.py"])
    add_learning(s.conn, s.project_id, "Other file only.", files=["src/other.py"])
    forget(s.conn, gone)
    names = ["src/billing.py", str(project_dir / "src" / "billing.py")]  # relative and absolute names
    found = learnings.for_file(s.conn, names, s.project_id, "a")
    assert [row["id"] for row in found] == [high, low]
    assert learnings.lines(found)[0] == "Previous learning: billing.py totals are integer cents."
    learnings.record_shown(s.conn, found, "a", names[1])
    assert learnings.for_file(s.conn, names, s.project_id, "a") == []  # shown once in a session
    assert len(learnings.for_file(s.conn, names, s.project_id, "b")) == 2
    assert learnings.for_file(s.conn, [], s.project_id, "b") == []


def test_a_long_learning_is_cut_visibly_on_one_line(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    add_learning(s.conn, s.project_id, "First line\nsecond " + "word " * 100, files=["a.py"])
    (line,) = learnings.lines(learnings.for_file(s.conn, ["a.py"], s.project_id, "a"))
    assert "\n" not in line and line.endswith("…") and len(line) <= learnings.MAX_LEARNING_CHARS
