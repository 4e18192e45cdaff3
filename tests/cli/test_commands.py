"""Every `python -m memory` subcommand, with and without --json, as a real process against a real store that
the real hooks and worker filled (see conftest.py); exit codes; --help."""

from __future__ import annotations

import json

import pytest

from memory.cli.explain import where
from tests.support.store import CURRENT_SESSION, CURRENT_TASK, FIRST_SESSION, Store
from tests.support.session import as_json, failed, ok, run_cli

HELP = [["status"], ["learnings"], ["search"], ["show"], ["forget"], ["unforget"], ["prune"], ["reindex"],
        ["worker"], ["handoffs"], ["handoff", "show"], ["handoff", "current"], ["signature"], ["signatures"],
        ["export"], ["import"], ["config"], ["doctor"], ["version"], ["why"], ["confirm"]]


def learning_id(store: Store, words: str) -> int:
    with store.db() as conn:
        return conn.execute("SELECT id FROM learnings WHERE text LIKE ?", (f"%{words}%",)).fetchone()[0]


# --- help ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", HELP, ids=" ".join)
def test_every_command_has_help_with_json(command, memory_home):
    result = ok(run_cli(*command, "--help"))
    assert "--json" in result.stdout and "usage: python -m memory" in result.stdout
    description = result.stdout.split("\n\n")[1]
    assert description[:1].isupper() and description.rstrip().endswith((".", ")")), description


def test_top_level_help_lists_every_command(memory_home):
    text = ok(run_cli("--help")).stdout
    for command in HELP:
        assert f"\n    {command[0]}" in text, command
    assert "Exit codes" in text and "examples:" in text


# --- status ----------------------------------------------------------------------------------------------

def test_status_block(store: Store):
    text = ok(store.cli("status")).stdout
    lines = text.splitlines()
    assert lines[0] == "=== Memory System Status ==="
    # the store of these two sessions is about 1 MB: either unit may show
    assert lines[1].startswith(f"Database: {store.home / 'memory.db'} (") and lines[1].endswith(("KB)", "MB)"))
    assert "Handoffs: 1 saved" in lines
    assert any(line.startswith("Signatures: 1 cached (avg ") and line.endswith("% savings)") for line in lines)
    with store.db() as conn:
        live = conn.execute("SELECT count(*) FROM learnings WHERE forgotten_at IS NULL").fetchone()[0]
        original, delivered = conn.execute(
            "SELECT sum(original_tokens), sum(delivered_tokens) FROM signature_reads").fetchone()
    assert any(line.startswith(f"Learnings: {live} stored") for line in lines)
    assert f"Current Session: {CURRENT_SESSION}" in lines  # the most recently seen session
    assert f"  Task: {CURRENT_TASK}" in lines and "  Files: 2 modified, 0 read" in lines
    assert "  Tokens saved: 0 (no Read narrowed)" in lines
    assert f"Tokens saved: {original - delivered:,} net" in text
    assert "LLM tokens today: 0 of 50,000 budget (extractors: rules)" in lines
    assert "Worker queue: 0 pending, 0 running, 0 failed" in lines
    assert "Hooks (24 h): " in text and ", 0 errors" in text
    assert "Degraded: api key: not set: learnings come from the rules extractor only" in lines


def test_status_json_and_the_session_of_claude_code(store: Store):
    data = as_json(store.cli("status", "--json", env={"CLAUDE_CODE_SESSION_ID": FIRST_SESSION}))
    session = data["current_session"]
    assert session["session_id"] == FIRST_SESSION and session["ended_at"]  # that session ended
    assert data["tokens_saved"]["session"]["intercepted_reads"] == 1
    assert data["tokens_saved"]["session"]["net_saved_tokens"] == data["tokens_saved"]["total"]["net_saved_tokens"] > 0
    assert data["queue"]["done"] == 2 and data["queue"]["failed"] == 0
    assert data["llm"] == {"tokens_today": 0, "daily_budget": 50000, "extractors": ["rules"]}
    assert data["errors_24h"] == {"count": 0, "latest": None}
    assert data["learnings"] >= 5 and data["learning"]["forgotten"] == 0 and data["handoffs"] == 1
    text = ok(store.cli("status", env={"CLAUDE_CODE_SESSION_ID": FIRST_SESSION})).stdout
    assert "Last Session (ended " in text and f"): {FIRST_SESSION}" in text


def test_status_reports_a_failed_job_hook_errors_and_config_problems(store: Store):
    with store.db() as conn:
        conn.execute("INSERT INTO jobs(kind, payload_json, status, attempts, last_error) VALUES "
                     "('extract', '{}', 'failed', 5, 'Traceback…\nValueError: transcript unreadable')")
    run_cli("status", env=store.env)  # nothing recorded by status itself
    from tests.support.session import run_hook

    run_hook("PostToolUse", b"not json", env=store.env)
    (store.project / ".claude").mkdir(exist_ok=True)
    (store.project / ".claude" / "memory.toml").write_text("[recall]\nprompt_tokens = 'many'\n")
    text = ok(store.cli("status")).stdout
    assert "Worker queue: 0 pending, 0 running, 1 failed" in text
    assert "ValueError: transcript unreadable" in text
    assert ", 1 errors" in text and "  Latest error: " in text
    assert "Degraded: config: " in text and "prompt_tokens" in text
    (store.project / ".claude" / "memory.toml").unlink()


# --- learnings, search, show ---------------------------------------------------------------------------------

def test_learnings_recent_and_filtered(store: Store):
    text = ok(store.cli("learnings")).stdout
    lines = text.splitlines()
    assert lines[0] == "=== Recent Learnings ==="
    assert "[instruction] Always run ruff before committing." in text
    assert any(line.startswith("   Recalls: ") and " | Date: 20" in line for line in lines)
    assert lines[-1].startswith("Total learnings: ")
    data = as_json(store.cli("learnings", "--json", "--category", "fix", "--limit", "1"))
    assert len(data["learnings"]) == 1 and data["learnings"][0]["category"] == "fix"
    assert data["total"] >= 5 and data["query"] is None


def test_learnings_with_a_query_lists_only_matches(store: Store):
    text = ok(store.cli("learnings", "tabs", "delimiter")).stdout
    assert text.splitlines()[0] == '=== Learnings matching "tabs delimiter" ==='
    assert "1. [instruction] No, use tabs as the delimiter." in text and "[fix]" not in text
    data = as_json(store.cli("learnings", "pytest", "--json"))
    assert data["query"] == "pytest" and all("pytest" in item["text"].lower() for item in data["learnings"])
    assert "No learning matches." in ok(store.cli("learnings", "zebra quokka")).stdout


def test_search_ranks_with_scores_and_exit_1_without_a_match(store: Store):
    hits = as_json(store.cli("search", "pytest", "--json"))
    assert hits and all("pytest" in h["text"].lower() for h in hits)
    assert all({"score", "similarity", "bm25_rank", "would_recall"} <= set(h) for h in hits)
    table = ok(store.cli("search", "pytest")).stdout
    assert [w for w in table.splitlines()[0].split() if w != "┃"] == ["id", "category", "score", "similarity",
                                                                      "words", "recall", "text"]
    none = store.cli("search", "zebra", "quokka")
    assert none.returncode == 1 and "No learning matches." in none.stdout
    assert store.cli("search", "zebra", "--json").stdout.strip() == "[]"


def test_show_has_evidence_and_recalls(store: Store):
    with store.db() as conn:
        row = conn.execute("SELECT learning_id, event, session_id FROM recalls ORDER BY id LIMIT 1").fetchone()
    data = as_json(store.cli("show", str(row["learning_id"]), "--json"))
    assert data["evidence"] and data["evidence"][0]["session"] == FIRST_SESSION
    assert data["recalls"][0]["event"] == row["event"] and data["recalls"][0]["session_id"] == CURRENT_SESSION
    text = ok(store.cli("show", str(row["learning_id"]))).stdout
    assert f"Evidence: session {FIRST_SESSION}, transcript line(s) " in text
    assert f"at {where(row['event'])} in session {CURRENT_SESSION}: score " in text
    never = learning_id(store, "ruff before committing")
    assert "Never recalled." in ok(store.cli("show", str(never))).stdout


# --- forget, unforget, prune ----------------------------------------------------------------------------------

def test_forget_is_reversible(store: Store):
    target = learning_id(store, "tabs as the delimiter")
    text = ok(store.cli("forget", str(target))).stdout
    assert f"Learning #{target} forgotten: No, use tabs as the delimiter" in text
    assert f"Undo: python -m memory unforget {target}" in text
    assert "delimiter" not in ok(store.cli("learnings")).stdout
    assert store.cli("search", "tabs", "delimiter").returncode == 1
    assert "Forgotten " in ok(store.cli("show", str(target))).stdout
    assert "already forgotten" in ok(store.cli("forget", str(target))).stdout
    assert as_json(store.cli("unforget", str(target), "--json")) == {"id": target, "restored": True}
    hits = as_json(store.cli("search", "tabs", "delimiter", "--json"))
    assert hits[0]["id"] == target and hits[0]["similarity"] > 0.3  # its vector is back
    assert "is not forgotten" in ok(store.cli("unforget", str(target))).stdout


def test_forget_purge_erases(store: Store):
    target = learning_id(store, "ruff before committing")
    data = as_json(store.cli("forget", str(target), "--purge", "--json"))
    assert data["purged"] is True
    with store.db() as conn:
        assert conn.execute("SELECT count(*) FROM learnings WHERE id = ?", (target,)).fetchone()[0] == 0
    failed(store.cli("unforget", str(target)), 1, f"no learning #{target}")
    failed(store.cli("forget", str(target)), 1, f"no learning #{target}")


def test_prune_dry_run_then_prune(store: Store):
    assert as_json(store.cli("prune", "--dry-run", "--json"))["pruned"] == []  # everything is new
    env = {"MEMORY_LEARNING_PRUNE_AFTER_DAYS": "0", "MEMORY_LEARNING_PRUNE_BELOW_CONFIDENCE": "0.85"}
    with store.db() as conn:
        expected = {r[0] for r in conn.execute(
            "SELECT id FROM learnings WHERE recall_count = 0 AND confidence < 0.85 AND forgotten_at IS NULL")}
    assert expected, "the store should hold an unrecalled, unsure learning"
    text = ok(store.cli("prune", "--dry-run", env=env)).stdout
    assert text.startswith(f"Would forget {len(expected)} learning(s)")
    with store.db() as conn:
        assert conn.execute("SELECT count(*) FROM learnings WHERE forgotten_at IS NOT NULL").fetchone()[0] == 0
    data = as_json(store.cli("prune", "--json", env=env))
    assert {r["id"] for r in data["pruned"]} == expected and data["dry_run"] is False
    with store.db() as conn:
        forgotten = {r[0] for r in conn.execute("SELECT id FROM learnings WHERE forgotten_at IS NOT NULL")}
    assert forgotten == expected


# --- reindex, worker -----------------------------------------------------------------------------------------

def test_reindex(store: Store):
    counts = as_json(store.cli("reindex", "--json"))
    with store.db() as conn:
        live = conn.execute("SELECT count(*) FROM learnings WHERE forgotten_at IS NULL").fetchone()[0]
    assert sum(counts.values()) == live
    assert ok(store.cli("reindex")).stdout.startswith("Reindexed: ")


def test_worker_status_and_run(store: Store):
    data = as_json(store.cli("worker", "status", "--json"))
    assert data["worker_running"] is False and data["done"] == 2 and data["pending"] == 0
    assert "Jobs: 0 pending (0 due), 0 running, 2 done, 0 failed" in ok(store.cli("worker", "status")).stdout
    assert as_json(store.cli("worker", "run", "--json")) == {"done": 0, "retried": 0, "failed": 0, "reclaimed": 0,
                                                             "locked": 0}
    assert ok(store.cli("worker", "run")).stdout.startswith("Jobs: 0 done")


# --- handoffs ------------------------------------------------------------------------------------------------

def test_handoffs_list_and_show(store: Store):
    [record] = as_json(store.cli("handoffs", "--json"))
    assert record["session_id"] == FIRST_SESSION and record["trigger"] == "manual"
    table = ok(store.cli("handoffs")).stdout
    assert [w for w in table.splitlines()[0].split() if w != "┃"][:4] == ["id", "created", "trigger", "status"]
    shown = ok(store.cli("handoff", "show", str(record["id"]))).stdout
    assert "## Continuing: " in shown
    assert as_json(store.cli("handoff", "show", str(record["id"]), "--json"))["id"] == record["id"]


def test_handoff_current(store: Store):
    # the replayed second session was given the handoff: nothing would be restored now
    data = as_json(store.cli("handoff", "current", "--json"))
    assert data["handoff"] is None and "already given to a session" in data["reason"]
    assert "No handoff would be restored now: the newest handoff" in ok(store.cli("handoff", "current")).stdout
    # inside the session that saved it, a compaction would restore its own handoff
    data = as_json(store.cli("handoff", "current", "--json", env={"CLAUDE_CODE_SESSION_ID": FIRST_SESSION}))
    assert data["restored_on"] == "this_session" and data["handoff"]["session_id"] == FIRST_SESSION
    with store.db() as conn:
        conn.execute("UPDATE handoffs SET resumed_at = NULL")
    text = ok(store.cli("handoff", "current")).stdout
    assert "would be restored in a new session or after /clear" in text and "## Continuing: " in text
    with store.db() as conn:  # showing it marked nothing
        assert conn.execute("SELECT resumed_at FROM handoffs").fetchone()[0] is None


# --- signatures ------------------------------------------------------------------------------------------------

def test_signatures(store: Store):
    data = as_json(store.cli("signatures", "--json"))
    assert [e["path"] for e in data["entries"]] == [str(store.project / "src" / "services.py")]
    assert data["total"]["intercepted_reads"] == 1 and data["sessions"][0]["session_id"] == FIRST_SESSION
    assert as_json(store.cli("signatures", "docs", "--json"))["entries"] == []
    text = ok(store.cli("signatures")).stdout
    assert "src/services.py" in text and "all sessions" in text
    context = ok(store.cli("signature", "src/services.py")).stdout
    assert "Only line 1 of src/services.py (600 lines)" in context


# --- export, import -------------------------------------------------------------------------------------------

def test_export_is_redacted_json_lines_of_learnings_and_handoffs(store: Store):
    lines = ok(store.cli("export")).stdout.splitlines()
    items = [json.loads(line) for line in lines]
    kinds = [item["type"] for item in items]
    assert kinds.count("handoff") == 1 and kinds.count("learning") >= 5
    assert "[REDACTED:" in "\n".join(lines)  # the transcript's database URL password
    assert as_json(store.cli("export", "-o", str(store.home / "out.jsonl"), "--json"))["handoffs"] == 1
    assert (store.home / "out.jsonl").stat().st_mode & 0o777 == 0o600
    only = [json.loads(line)["type"] for line in ok(store.cli("export", "--learnings-only")).stdout.splitlines()]
    assert set(only) == {"learning"}


def test_import_into_another_machine_is_deduplicated(store: Store, tmp_path):
    dump = tmp_path / "memory.jsonl"
    dump.write_text(ok(store.cli("export")).stdout)
    other_home, other_project = tmp_path / "other-data", tmp_path / "other-project"
    other_project.mkdir()
    env = {"MEMORY_HOME": str(other_home)}
    first = as_json(store.cli("import", str(dump), "--json", env=env, cwd=other_project))
    exported = [json.loads(line) for line in dump.read_text().splitlines()]
    assert first["learnings"]["added"] == sum(1 for i in exported if i["type"] == "learning")
    assert first["handoffs"]["added"] == 1
    again = as_json(store.cli("import", str(dump), "--json", env=env, cwd=other_project))
    assert again["learnings"].get("added", 0) == 0 and again["handoffs"] == {"added": 0, "unchanged": 1, "skipped": 0}
    listed = as_json(store.cli("learnings", "--json", "--limit", "100", env=env, cwd=other_project))
    assert {i["text"] for i in listed["learnings"]} == {i["text"] for i in exported if i["type"] == "learning"}
    [handoff] = as_json(store.cli("handoffs", "--json", env=env, cwd=other_project))
    assert handoff["resumed_at"]  # kept as history, never restored by surprise
    assert "Learnings: " in ok(store.cli("import", str(dump), env=env, cwd=other_project)).stdout
