"""memory.store.recalls in-process: the one writer of ``recalls`` counts a learning once per session and stores
the query redacted; memory.learning.summary counts what ``status`` shows."""

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


def test_the_status_summary_counts_live_forgotten_global_and_recalled(memory_home: Path, project_dir: Path) -> None:
    from memory.learning.summary import learning_summary
    from memory.store.learnings import forget

    s = open_store(project_dir)
    kept = add_learning(s.conn, s.project_id, "Run make db before pytest.", "fact")
    add_learning(s.conn, None, "The user wants answers in French.", "instruction")
    forget(s.conn, add_learning(s.conn, s.project_id, "An old and wrong claim.", "fact"))
    recalls.record(s.conn, "a", "UserPromptSubmit", "db", [(kept, 0.9)])
    summary = learning_summary(s.conn, s.settings.learning)
    assert (summary["learnings"], summary["forgotten"], summary["global"], summary["recalls"]) == (2, 1, 1, 1)
    assert summary["by_category"] == {"fact": 1, "instruction": 1}
    assert summary["extractors"] == ["rules"] and summary["llm_tokens_today"] == 0
