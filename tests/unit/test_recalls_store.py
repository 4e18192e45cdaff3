"""memory.store.recalls in-process: the one writer of ``recalls`` counts a learning once per session and stores
the query redacted."""

from __future__ import annotations

from pathlib import Path

from memory.store import recalls
from tests.support.store import add_learning, open_store


def test_a_learning_is_recorded_and_counted_once_per_session(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    first = add_learning(s.conn, s.project_id, "Run make db before pytest.")
    second = add_learning(s.conn, s.project_id, "The API client retries on 503.")
    assert recalls.record(s.conn, "a", "UserPromptSubmit", "tests fail", [(first, 0.9), (second, 0.5)]) == [first,
                                                                                                        second]
    assert recalls.record(s.conn, "a", "SessionStart", "again", [(first, 0.9)]) == []
    assert recalls.record(s.conn, "b", "SessionStart", None, [(first, None)]) == [first]
    counts = dict(s.conn.execute("SELECT id, recall_count FROM learnings").fetchall())
    assert counts == {first: 2, second: 1}
    assert s.conn.execute("SELECT count(*) FROM recalls").fetchone()[0] == 3


def test_the_query_is_redacted_then_cut(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    learning = add_learning(s.conn, s.project_id, "Run make db before pytest.")
    secret = "sk-ant-api03-" + "A" * 90
    recalls.record(s.conn, "a", "UserPromptSubmit", f"my key is {secret} " + "x" * 1000, [(learning, 1.0)])
    query = s.conn.execute("SELECT query FROM recalls").fetchone()[0]
    assert secret not in query and len(query) == recalls.QUERY_CHARS
