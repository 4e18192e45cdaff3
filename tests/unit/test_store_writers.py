"""The store's writers of continuity, the job queue, the LLM budget and narrowed Reads, in-process:
``store.handoffs`` (a newer snapshot wins, texts are redacted), ``store.jobs`` (retry later, give up),
``store.llm_usage`` and ``store.signatures`` (a Read claimed once, follow-ups charged, the cache kept small)."""

from __future__ import annotations

from pathlib import Path

from memory.store import handoffs, jobs, llm_usage, signatures
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


def test_a_narrowed_read_is_claimed_once_and_charged_its_followups(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    claim = dict(session_id="a", project_id=s.project_id, path="/p/big.py", content_hash="h1", tool_use_id="t1",
                 head_limit=40, original_tokens=5000, delivered_tokens=600)
    assert signatures.claim_read(s.conn, **claim)
    assert not signatures.claim_read(s.conn, **claim)
    assert signatures.already_claimed(s.conn, "a", "/p/big.py", "h1")
    assert not signatures.already_claimed(s.conn, "b", "/p/big.py", "h1")
    read = signatures.latest_read(s.conn, "a", "/p/big.py")
    signatures.own_read_seen(s.conn, read["id"])
    signatures.add_followup(s.conn, read["id"], 700)
    signatures.add_followup(s.conn, read["id"], 50)
    signatures.end_turn(s.conn, "a")
    row = s.conn.execute("SELECT own_read_seen, followup_reads, followup_tokens, turn_ended FROM signature_reads"
                         ).fetchone()
    assert tuple(row) == (1, 2, 750, 1)


def test_the_outline_cache_keeps_the_most_recently_used(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    for path in ("/p/a.py", "/p/b.py", "/p/c.py"):
        signatures.put_outline(s.conn, path, language="python", text="def f(): ...", content_hash=path,
                               original_tokens=100, signature_tokens=10, version="v1", size=1, mtime_ns=1,
                               total_lines=10, definitions=1, dropped_json="[]", partial=False, render_chars=100)
    s.conn.execute("UPDATE file_signatures SET accessed_at = '2000-01-01T00:00:00.000Z'")
    signatures.touch(s.conn, "/p/a.py")
    assert signatures.evict(s.conn, 2) == 1
    assert signatures.entries(s.conn)[0]["path"] == "/p/a.py" and len(signatures.entries(s.conn, "/p")) == 2
    assert signatures.outline_row_of_content(s.conn, "/p/a.py", "v1", 100)["hash"] == "/p/a.py"
    assert signatures.outline_row(s.conn, "/p/nothing.py") is None
