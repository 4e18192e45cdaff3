"""The store's writers of continuity, the job queue and the LLM budget, in-process: ``store.handoffs`` (a newer
snapshot wins, texts are redacted), ``store.jobs`` (retry later, give up) and ``store.llm_usage``."""

from __future__ import annotations

from pathlib import Path

from memory.store import handoffs, jobs, llm_usage
from tests.support.store import open_store

SECRET = "sk-ant-api03-" + "A" * 90


def test_an_older_snapshot_never_replaces_a_newer_one(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    assert handoffs.save_snapshot(s.conn, "a", s.project_id, {"task": "ten"}, 10)
    assert not handoffs.save_snapshot(s.conn, "a", s.project_id, {"task": "five"}, 5)
    assert handoffs.load_snapshot(s.conn, "a") == {"task": "ten"}
    assert handoffs.load_snapshot(s.conn, "nobody") is None


def test_a_handoff_is_stored_redacted_and_marked_resumed(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    first = handoffs.insert(s.conn, "a", s.project_id, "session_end", {"task": f"use {SECRET}", "status": "blocked"},
                            f"summary {SECRET}")
    row = handoffs.get(s.conn, first)
    assert SECRET not in row["task"] + row["summary"] + row["state_json"]
    assert row["status"] == "blocked" and row["resumed_at"] is None
    handoffs.set_state(s.conn, first, {"task": "edited"})
    handoffs.mark_resumed(s.conn, first)
    row = handoffs.latest_of_session(s.conn, "a")
    assert row["id"] == first and row["state_json"] == '{"task": "edited"}' and row["resumed_at"] is not None
    assert handoffs.latest_of_project(s.conn, s.project_id, "a") is None
    assert [r["id"] for r in handoffs.listing(s.conn, s.project_id)] == [first]


def test_a_failed_job_is_retried_later_or_given_up(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    job_id = jobs.enqueue(s.conn, jobs.REINDEX, {})
    assert job_id is not None and jobs.claim(s.conn, "w") is not None
    jobs.retry_later(s.conn, job_id, f"boom {SECRET}", 3600)
    assert jobs.due_count(s.conn) == 0  # pending, but not before an hour from now
    row = s.conn.execute("SELECT status, last_error FROM jobs WHERE id = ?", (job_id,)).fetchone()
    assert row["status"] == "pending" and SECRET not in row["last_error"]
    jobs.give_up(s.conn, job_id, "x" * 5000)
    assert jobs.queue_summary(s.conn)["failed"] == 1
    assert len(jobs.queue_summary(s.conn)["last_error"]["last_error"]) == jobs.ERROR_CHARS


def test_llm_usage_sums_today(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    assert llm_usage.used_today(s.conn) == 0
    llm_usage.charge(s.conn, "claude-haiku-4-5", "extract", 1000, 200)
    llm_usage.charge(s.conn, "claude-haiku-4-5", "extract", 10, 2)
    assert llm_usage.used_today(s.conn) == 1212
