"""Scenario 3: cross-session learning through the real CLI.

A session fixes a failing check; when it ends, the detached worker extracts its learnings (the rules
extractor offline, and the Haiku extractor, whose request goes to the scripted server like any Messages API
call). A new session's first request holds the relevant learning; a later prompt on the same topic in that
session does not inject it a second time. With SessionStart recall switched off, the prompt itself injects
it, once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.support.api_server import ScriptedServer, in_order, messages_text, text, tool_use
from tests.e2e.claude_runner import Claude, Result, make_claude
from tests.support.store import rows, wait_for_worker

pytestmark = pytest.mark.e2e

CHECK = "python3 check_rounding.py"
MONEY = "def round_total(amount):\n    return round(amount, 2)\n"
MONEY_FIXED = ("from decimal import ROUND_HALF_UP, Decimal\n\n\ndef round_total(amount):\n"
               "    return float(Decimal(str(amount)).quantize(Decimal(\"0.01\"), rounding=ROUND_HALF_UP))\n")
CHECK_SCRIPT = ("from money import round_total\n\ngot = round_total(2.675)\n"
                "assert got == 2.68, f\"round_total(2.675) gave {got}, expected 2.68\"\nprint(\"rounding ok\")\n")
HAIKU_LEARNING = {"category": "pattern", "files": ["money.py"], "confidence": 0.9,
                  "text": "Invoice totals in money.py are rounded half-up with Decimal.quantize, "
                          "never with float round()."}


class Runs(NamedTuple):
    claude: Claude
    server: ScriptedServer
    runs: dict[str, Result]
    requests: dict[str, list[dict]]
    learnings: list[dict]


@pytest.fixture(scope="module")
def learned(tmp_path_factory: pytest.TempPathFactory, claude_binary: Path) -> Runs:
    """Session A fixes the check; the worker learns from it; sessions B and C come back to the topic."""
    root = tmp_path_factory.mktemp("learning")
    runs: dict[str, Result] = {}
    requests: dict[str, list[dict]] = {}
    with ScriptedServer(extraction_learnings=[HAIKU_LEARNING]) as server:
        claude = make_claude(root, server, binary=claude_binary)
        money = claude.cwd / "money.py"
        money.write_text(MONEY)
        (claude.cwd / "check_rounding.py").write_text(CHECK_SCRIPT)

        def run(name: str, prompt: str, replies: list, resume: str | None = None, **env: str) -> Result:
            seen = len(server.requests)
            server.script = in_order(replies)
            runs[name] = claude.run(prompt, resume=resume, env_extra=env, extra_args=["--allowedTools", "Bash"])
            requests[name] = [r.body for r in server.requests[seen:] if r.kind == "main"]
            return runs[name]

        run("a", "Fix the rounding check: invoice totals are off by a cent", [
            tool_use("Bash", {"command": CHECK, "description": "Run the rounding check"}),
            tool_use("Read", {"file_path": str(money)}),
            tool_use("Edit", {"file_path": str(money), "old_string": MONEY, "new_string": MONEY_FIXED}),
            tool_use("Bash", {"command": CHECK, "description": "Run the rounding check again"}),
            text("Totals are rounded half-up with Decimal now; the check passes.")])
        wait_for_worker(claude.data_dir)
        learnings = rows(claude.data_dir, "SELECT * FROM learnings ORDER BY id")
        b = run("b", "Add a discount line to the invoice totals in money.py", [text("Noted.")])
        run("b2", "The rounding check in check_rounding.py fails again for 2.675", [text("Looking.")],
            resume=b.session_id)
        c = run("c", "Why does the rounding check use 2.675 for round_total?", [text("Because.")],
                MEMORY_RECALL_SESSION_START_TOKENS="0")
        run("c2", "Does the rounding check still fail for round_total?", [text("No.")], resume=c.session_id,
            MEMORY_RECALL_SESSION_START_TOKENS="0")
        wait_for_worker(claude.data_dir)
        assert server.egress == []
    return Runs(claude, server, runs, requests, learnings)


def by_extractor(learned: Runs, extractor: str) -> dict:
    (found,) = [row for row in learned.learnings if row["extractor"] == extractor]
    return found


def test_runs_complete_and_the_fix_is_real(learned: Runs) -> None:
    for name, run in learned.runs.items():
        assert run.returncode == 0, (name, run.describe())
    assert "Decimal" in (learned.claude.cwd / "money.py").read_text()


def test_worker_extracted_learnings_with_both_extractors(learned: Runs) -> None:
    fix = by_extractor(learned, "rules")
    assert fix["category"] == "fix" and fix["source_session"] == learned.runs["a"].session_id
    assert fix["text"].startswith(f"`{CHECK}` failed with AssertionError: round_total(2.675) gave 2.67"), fix["text"]
    assert "fixed by editing money.py" in fix["text"]
    haiku = by_extractor(learned, "haiku")
    assert (haiku["category"], haiku["text"]) == ("fact", HAIKU_LEARNING["text"])  # "pattern" is read as a fact
    assert json.loads(haiku["files_json"]) == ["money.py"]
    assert all(row["vector"] and row["embedding_model"] for row in learned.learnings)
    jobs = rows(learned.claude.data_dir, "SELECT status, payload_json FROM jobs WHERE kind = 'extract'")
    assert {json.loads(j["payload_json"])["session_id"] for j in jobs if j["status"] == "done"} >= {
        learned.runs["a"].session_id}
    assert all(j["status"] == "done" for j in jobs), jobs


def test_haiku_request_carried_the_condensed_session(learned: Runs) -> None:
    first = learned.server.extraction_requests()[0]
    prompt = messages_text(first)
    assert prompt.startswith("<session>") and f"TOOL Bash: {CHECK}" in prompt
    assert "USER: Fix the rounding check" in prompt
    usage = rows(learned.claude.data_dir, "SELECT purpose FROM llm_usage")
    assert {u["purpose"] for u in usage} == {"extract"}


def test_new_session_first_request_holds_the_learning(learned: Runs) -> None:
    seen = messages_text(learned.requests["b"][0])
    fix = by_extractor(learned, "rules")
    assert f"Previous learning [fix #{fix['id']}]: {fix['text']}" in seen
    assert seen.count(fix["text"]) == 1


def test_prompt_on_the_same_topic_does_not_inject_it_again(learned: Runs) -> None:
    seen = messages_text(learned.requests["b2"][0])
    assert "The rounding check in check_rounding.py fails again" in seen
    for row in learned.learnings:
        assert seen.count(row["text"]) <= 1, row["text"]
    assert seen.count(by_extractor(learned, "rules")["text"]) == 1
    recalls = rows(learned.claude.data_dir, "SELECT learning_id, event FROM recalls WHERE session_id = ?",
                   (learned.runs["b"].session_id,))
    assert len(recalls) == len({r["learning_id"] for r in recalls}) >= 1
    # everything was injected with the session's start or its first request (SessionStart ranks the task's
    # query; the first prompt may bring a learning SessionStart's gate left out): the later prompt, b2, adds none
    queries = [r["query"] for r in rows(learned.claude.data_dir, "SELECT query FROM recalls WHERE session_id = ?",
                                        (learned.runs["b"].session_id,))]
    assert not any("fails again" in q for q in queries), queries


def test_prompt_injects_the_learning_once_when_session_start_did_not(learned: Runs) -> None:
    fix = by_extractor(learned, "rules")
    first = messages_text(learned.requests["c"][0])
    assert "UserPromptSubmit hook additional context: " in first
    assert first.count(fix["text"]) == 1
    again = messages_text(learned.requests["c2"][0])
    assert again.count(fix["text"]) == 1  # the first injection, kept in the resumed history; no second one
    recalls = rows(learned.claude.data_dir, "SELECT learning_id, event FROM recalls WHERE session_id = ? "
                   "AND learning_id = ?", (learned.runs["c"].session_id, fix["id"]))
    assert recalls == [{"learning_id": fix["id"], "event": "UserPromptSubmit"}]


def test_no_hook_or_job_failed_silently(learned: Runs) -> None:
    data = learned.claude.data_dir
    assert rows(data, "SELECT source, message FROM errors") == []
    outcomes = rows(data, "SELECT DISTINCT outcome FROM hook_runs")
    assert {r["outcome"] for r in outcomes} <= {"ok", "noop"}, outcomes
