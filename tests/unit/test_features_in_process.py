"""Features called in-process with plain arguments, on a real store: no hook process, no payload, no HookContext.

The same behaviours are covered end to end through the hook processes elsewhere; these fail first, and fast, when a
feature breaks."""

from __future__ import annotations

import json
import os
from pathlib import Path

from memory import recall
from memory.continuity import handoff, tracking
from memory.learning.dedup import text_hash
from memory.signatures import preread
from memory.vectors import builtin, choose, codec
from tests.support.store import open_store


def test_tracking_records_one_event_per_call_and_counts_the_session(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir)
    call = dict(session_id="s1", project_id=s.project_id, project_root=s.project.root, tool="Edit",
                tool_input={"file_path": str(project_dir / "app.py"), "old_string": "a", "new_string": "b"},
                response={"filePath": str(project_dir / "app.py")}, tool_use_id="toolu_1")
    tracking.record(s.conn, s.settings.continuity, **call)
    tracking.record(s.conn, s.settings.continuity, **call)  # the same tool_use_id again: nothing twice
    tracking.record(s.conn, s.settings.continuity, **{**call, "tool": "Bash", "tool_input": {"command": "make test"},
                                         "response": None, "error": "Exit code 2", "failed": True,
                                         "tool_use_id": "toolu_2"})
    rows = s.conn.execute("SELECT tool, kind, path, outcome FROM events ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [("Edit", "modify", "app.py", "ok"), ("Bash", "bash", None, "error")]
    assert s.conn.execute("SELECT action_count FROM sessions WHERE id = 's1'").fetchone()[0] == 2
    assert not tracking.tracks("WebFetch")


def test_session_end_reads_no_transcript_over_the_configured_cap(memory_home: Path, project_dir: Path) -> None:
    """SessionEnd honours continuity.transcript_max_mb (it used a fixed 4 MB before)."""
    transcript = project_dir / "t.jsonl"
    prompt = {"type": "user", "message": {"role": "user", "content": "Add retry logic to the payment client please"}}
    transcript.write_text(json.dumps(prompt) + "\n" + " " * 1_500_000 + "\n")  # 1.5 MB
    for cap_mb, expect_request in (("4", True), ("1", False)):
        s = open_store(project_dir, {**os.environ, "MEMORY_CONTINUITY_TRANSCRIPT_MAX_MB": cap_mb})
        session = f"end-{cap_mb}"
        tracking.record(s.conn, s.settings.continuity, session_id=session, project_id=s.project_id,
                        project_root=s.project.root, tool="Bash", tool_input={"command": "pytest"}, response=None, error="1 failed",
                        failed=True, tool_use_id=f"toolu_{cap_mb}")
        handoff_id = handoff.on_session_end(s.conn, s.settings.continuity, session_id=session, project_id=s.project_id,
                                            project_root=s.project.root, reason="other",
                                            transcript_path=str(transcript))
        state = json.loads(s.conn.execute("SELECT state_json FROM handoffs WHERE id = ?", (handoff_id,)).fetchone()[0])
        assert ("Add retry logic" in (state.get("task") or "")) is expect_request, state.get("task")


def test_prompt_recall_shows_a_relevant_learning_once(memory_home: Path, project_dir: Path) -> None:
    s = open_store(project_dir, {**os.environ, "MEMORY_EMBEDDINGS_PROVIDER": "builtin"})
    text = "Run `make db` before `pytest`: the integration tests need the local Postgres schema loaded."
    s.conn.execute("INSERT INTO learnings(project_id, category, text, text_hash, confidence, embedding_model, vector) "
                   "VALUES (?, 'tip', ?, ?, 0.8, ?, ?)",
                   (s.project_id, text, text_hash(text), builtin.MODEL, codec.to_blob(builtin.embed(text))))
    choose.write_packs(s.conn)
    ask = dict(project_id=s.project_id, session_id="r1", prompt="the integration tests fail, postgres schema?")
    shown = recall.prompt_context(s.conn, s.settings, **ask)
    assert shown and "make db" in shown
    assert recall.prompt_context(s.conn, s.settings, **ask) is None  # once per session
    row = s.conn.execute("SELECT event, recall_count FROM recalls JOIN learnings ON learnings.id = learning_id").fetchone()
    assert tuple(row) == ("UserPromptSubmit", 1)


def test_an_edited_file_is_no_longer_narrowed(memory_home: Path, project_dir: Path) -> None:
    source = project_dir / "big.py"
    body = "".join(f"    total = total * {n} + value  # step {n} of the computation\n" for n in range(12))
    source.write_text("".join(f"def function_{i}(value: int) -> int:\n    total = 0\n{body}    return total\n\n\n"
                              for i in range(60)))
    s = open_store(project_dir)
    plan = preread.plan_read(s.conn, s.settings.signatures, s.project.root, str(source), session_id="p1",
                             project_id=lambda: s.project_id, tool_use_id="toolu_1")
    assert plan.head >= 1 and "function_59" in plan.context
    tracking.record(s.conn, s.settings.continuity, session_id="p2", project_id=s.project_id,
                    project_root=s.project.root, tool="Edit", tool_input={"file_path": str(source)}, response={"filePath": str(source)})
    try:
        preread.plan_read(s.conn, s.settings.signatures, s.project.root, str(source), session_id="p2",
                          project_id=lambda: s.project_id)
    except preread.PassThrough as exc:
        assert "edited" in str(exc)
    else:
        raise AssertionError("an edited file was narrowed")
