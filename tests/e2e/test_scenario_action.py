"""Scenario: learnings at the moment of action, through the real CLI.

The store holds two learnings of this project: one anchored to the command `npm`, one to the function
round_total. The scripted model runs `npm --version` (Bash), then edits money.py where round_total is defined,
then runs npm again. The learning anchored to the command must be in the request that follows the Bash call
(Claude Code delivers PreToolUse context after the tool result), the command and the edit must still run
(the hook adds context and takes no permission decision), and nothing is shown twice in the session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.support.api_server import ScriptedServer, in_order, messages_text, text, tool_results, tool_use
from tests.e2e.claude_runner import Claude, Result, make_claude
from tests.support.store import rows

pytestmark = pytest.mark.e2e

PNPM = "Use pnpm, never npm, in this repository: its lockfile is pnpm-lock.yaml."
ROUND = "round_total must round half-up with Decimal.quantize: float round() turns 2.675 into 2.67."
MONEY = "def round_total(amount):\n    return round(amount, 2)\n"
MONEY_FIXED = ("from decimal import ROUND_HALF_UP, Decimal\n\n\ndef round_total(amount):\n"
               "    return float(Decimal(str(amount)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))\n")
FIRST = "npm --version && echo BASH-RAN-1"
SECOND = "npm --version && echo BASH-RAN-2"


class Run(NamedTuple):
    claude: Claude
    server: ScriptedServer
    result: Result
    requests: list[dict]
    ids: dict[str, int]


def seed(claude: Claude) -> dict[str, int]:
    """Store the two anchored learnings the way the worker would, in the data folder the hooks use."""
    from memory import store
    from memory.learning.dedup import text_hash
    from memory.project import find_project
    from memory.store.core import upsert_project

    conn = store.connect(str(claude.data_dir / "memory.db"))
    pid = upsert_project(conn, find_project(str(claude.cwd)))
    ids = {}
    for key, category, learning, anchors in (
            ("pnpm", "preference", PNPM, [{"kind": "command", "value": "npm"}]),
            ("round", "pattern", ROUND, [{"kind": "symbol", "value": "round_total", "file": "money.py"}])):
        ids[key] = conn.execute(
            "INSERT INTO learnings(project_id, category, text, text_hash, confidence, anchors_json) "
            "VALUES (?, ?, ?, ?, 0.9, ?)", (pid, category, learning, text_hash(learning), json.dumps(anchors))
        ).lastrowid
    conn.close()
    return ids


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory, claude_binary: Path) -> Run:
    root = tmp_path_factory.mktemp("action")
    with ScriptedServer() as server:
        claude = make_claude(root, server, binary=claude_binary)
        money = claude.cwd / "money.py"
        money.write_text(MONEY)
        ids = seed(claude)
        server.script = in_order([
            tool_use("Bash", {"command": FIRST, "description": "Check the npm version"}),
            tool_use("Read", {"file_path": str(money)}),
            tool_use("Edit", {"file_path": str(money), "old_string": MONEY, "new_string": MONEY_FIXED}),
            tool_use("Bash", {"command": SECOND, "description": "Check again"}),
            text("Checked the toolchain and fixed the totals."),
        ])
        result = claude.run("Check the toolchain, then apply the change we agreed on",
                            extra_args=["--allowedTools", "Bash"])
        requests = [r.body for r in server.requests if r.kind == "main"]
        assert server.egress == []
    return Run(claude, server, result, requests, ids)


def test_the_run_completes_and_both_tool_calls_ran(session: Run) -> None:
    assert session.result.returncode == 0, session.result.describe()
    outputs = " ".join(r["text"] for request in session.requests for r in tool_results(request))
    assert "BASH-RAN-1" in outputs and "BASH-RAN-2" in outputs
    assert "ROUND_HALF_UP" in (session.claude.cwd / "money.py").read_text()  # the Edit was applied


def test_command_learning_is_in_the_request_after_the_bash_call(session: Run) -> None:
    after_bash = messages_text(session.requests[1])
    assert "BASH-RAN-1" in after_bash
    assert "PreToolUse:Bash hook additional context: " in after_bash
    assert f"[preference #{session.ids['pnpm']}; command `npm`]: {PNPM}" in after_bash
    assert PNPM not in messages_text(session.requests[0])  # not before: at the moment of action


def test_symbol_learning_comes_with_the_edit(session: Run) -> None:
    after_edit = messages_text(session.requests[3])
    assert "PreToolUse:Edit hook additional context: " in after_edit
    assert f"symbol `round_total` in the edited text]: {ROUND}" in after_edit
    assert ROUND not in messages_text(session.requests[2])


def test_nothing_is_shown_twice_and_every_injection_is_recorded(session: Run) -> None:
    last = messages_text(session.requests[-1])
    assert last.count(PNPM) == 1 and last.count(ROUND) == 1
    recalls = rows(session.claude.data_dir, "SELECT learning_id, event, query FROM recalls ORDER BY id")
    assert recalls == [
        {"learning_id": session.ids["pnpm"], "event": "PreToolUse:Bash", "query": "command `npm`"},
        {"learning_id": session.ids["round"], "event": "PreToolUse:Edit",
         "query": "symbol `round_total` in the edited text"}]
    outcomes = rows(session.claude.data_dir, "SELECT DISTINCT outcome FROM hook_runs")
    assert {r["outcome"] for r in outcomes} <= {"ok", "noop"}
    assert rows(session.claude.data_dir, "SELECT source, message FROM errors") == []
