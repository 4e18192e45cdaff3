"""Scenario 2: continuity through the real CLI. A session edits files, runs a check that fails then passes
and tracks its work with the task tools; a resumed run gets the "Continuing: …" block; `/compact` stores a
handoff in PreCompact, and the first request after the compaction holds the block: the task, the modified
files and the last action.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.support.api_server import ScriptedServer, in_order, text, tool_use
from tests.e2e.claude_runner import Claude, Result, make_claude
from tests.support.store import rows, wait_for_worker

pytestmark = pytest.mark.e2e

TASK = "Split billing.py: move charge_card into a new payments.py module"
TODO = "Move charge_card out of billing.py"
CHECK = "python3 check_split.py"
BILLING = ('"""Billing."""\n\n\ndef make_invoice(order):\n    return {"order": order}\n\n\n'
           'def charge_card(card, amount):\n    return card.charge(amount)\n')
CHECK_SCRIPT = 'import os, sys\n\nif not os.path.exists("payments.py"):\n' \
               '    sys.exit("payments.py is missing: charge_card was not moved")\nprint("split ok")\n'
CONTEXT = "SessionStart hook additional context: "
# What the block must say about this session, whichever handoff it comes from.
EXPECTED_LINES = (f"## Continuing: {TASK}", f"Status: in_progress · next: {TODO}",
                  "Modified (2): billing.py, payments.py", f"- [in_progress] {TODO}", f"Last: Ran `{CHECK}`")


class Session(NamedTuple):
    claude: Claude
    server: ScriptedServer
    runs: dict[str, Result]
    requests: dict[str, list[dict]]  # main requests of each run
    handoffs_after: dict[str, list[dict]]  # the handoffs table after each run


def _work_script(project: Path) -> list:
    billing, payments = project / "billing.py", project / "payments.py"
    return [
        tool_use("TaskCreate", {"subject": TODO, "description": "Move it to payments.py and keep the import working",
                                "activeForm": "Moving charge_card"}),
        tool_use("TaskUpdate", {"taskId": "1", "status": "in_progress"}),
        tool_use("Read", {"file_path": str(billing)}),
        tool_use("Edit", {"file_path": str(billing), "old_string": "def charge_card(card, amount):\n"
                          "    return card.charge(amount)\n", "new_string": "from payments import charge_card\n"}),
        tool_use("Bash", {"command": CHECK, "description": "Check the split"}),
        tool_use("Write", {"file_path": str(payments), "content": "def charge_card(card, amount):\n"
                           "    return card.charge(amount)\n"}),
        tool_use("Bash", {"command": CHECK, "description": "Check the split again"}),
        text("charge_card now lives in payments.py and the check passes."),
    ]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory, claude_binary: Path) -> Session:
    """Four runs of one session: the work, a resumed question, `/compact`, a prompt after the compaction."""
    root = tmp_path_factory.mktemp("continuity")
    runs: dict[str, Result] = {}
    requests: dict[str, list[dict]] = {}
    handoffs: dict[str, list[dict]] = {}
    with ScriptedServer() as server:
        claude = make_claude(root, server, binary=claude_binary)
        (claude.cwd / "billing.py").write_text(BILLING)
        (claude.cwd / "check_split.py").write_text(CHECK_SCRIPT)
        steps = [("work", TASK, _work_script(claude.cwd)),
                 ("resume", "Where did we leave off?", [text("At the split.")]),
                 ("compact", "/compact", []),
                 ("after", "What is left to do?", [text("Closing the task.")])]
        session_id = None
        for name, prompt, script in steps:
            seen = len(server.requests)
            server.script = in_order(script)
            run = claude.run(prompt, resume=session_id, extra_args=["--allowedTools", "Bash"])
            runs[name] = run
            session_id = session_id or run.session_id
            requests[name] = [r.body for r in server.requests[seen:] if r.kind == "main"]
            handoffs[name] = rows(claude.data_dir, "SELECT * FROM handoffs ORDER BY id")
        wait_for_worker(claude.data_dir)  # each run's end queued learning extraction: let it finish here
        assert server.egress == []
    return Session(claude, server, runs, requests, handoffs)


def blocks(request: dict) -> list[str]:
    """Every "Continuing: …" block the request holds (SessionStart context, wherever it was placed)."""
    found = []
    for message in request["messages"]:
        content = message["content"]
        pieces = [content] if isinstance(content, str) else [b.get("text", "") for b in content if isinstance(b, dict)]
        for piece in pieces:
            for part in piece.split(CONTEXT)[1:]:
                if part.startswith("## Continuing: "):
                    found.append(part.split("\n\n", 1)[0])
    return found


def assert_block_describes_the_work(block: str) -> None:
    for line in EXPECTED_LINES:
        assert line in block.split("\n"), (line, block)


def test_every_run_completes(session: Session) -> None:
    for name, run in session.runs.items():
        assert run.returncode == 0, (name, run.describe())
        assert run.session_id == session.runs["work"].session_id
    assert session.runs["work"].final_text == "charge_card now lives in payments.py and the check passes."
    assert (session.claude.cwd / "payments.py").exists()


def test_tracking_saw_the_failure_then_the_success(session: Session) -> None:
    events = rows(session.claude.data_dir, "SELECT tool, kind, path, outcome, summary FROM events "
                                           "WHERE session_id = ? ORDER BY ts, id", (session.runs["work"].session_id,))
    assert [(e["tool"], e["outcome"]) for e in events[:7]] == [
        ("TaskCreate", "ok"), ("TaskUpdate", "ok"), ("Read", "ok"), ("Edit", "ok"), ("Bash", "error"),
        ("Write", "ok"), ("Bash", "ok")]
    assert {e["path"] for e in events if e["kind"] == "modify"} == {"billing.py", "payments.py"}


def test_first_session_end_leaves_a_handoff(session: Session) -> None:
    (handoff,) = session.handoffs_after["work"]
    assert (handoff["trigger"], handoff["task"], handoff["status"]) == ("session_end", TASK, "in_progress")
    state = json.loads(handoff["state_json"])
    assert state["blockers"] == []  # the check failed, then passed: not a blocker
    assert state["files_modified"] == ["billing.py", "payments.py"]


def test_resume_restores_the_handoff_into_the_first_request(session: Session) -> None:
    first = session.requests["resume"][0]
    (block,) = blocks(first)
    assert_block_describes_the_work(block)
    assert "_Handoff saved at session_end just now._" in block
    assert session.handoffs_after["resume"][0]["resumed_at"] is not None


def test_pre_compact_stores_a_manual_handoff(session: Session) -> None:
    manual = [h for h in session.handoffs_after["compact"] if h["trigger"] == "manual"]
    assert len(manual) == 1, session.handoffs_after["compact"]
    (handoff,) = manual
    assert (handoff["session_id"], handoff["task"]) == (session.runs["work"].session_id, TASK)
    state = json.loads(handoff["state_json"])
    assert state["todos"] == [{"id": "1", "content": TODO, "status": "in_progress"}]
    assert state["last_action"] == f"Ran `{CHECK}`"
    assert handoff["resumed_at"] is not None  # given to the compacted context by SessionStart (compact)
    assert session.requests["compact"] == []  # `/compact` in -p mode sends only the summary request
    assert len(session.server.compaction_requests()) == 1


def test_first_request_after_compaction_holds_the_handoff(session: Session) -> None:
    first = session.requests["after"][0]
    text_seen = json.dumps(first["messages"])
    assert "This session is being continued from a previous conversation" in text_seen
    from_compaction = [b for b in blocks(first) if "_Handoff saved at compaction just now._" in b]
    assert from_compaction, blocks(first)
    assert_block_describes_the_work(from_compaction[0])
    assert "Instructions" not in from_compaction[0]


def test_no_hook_failed_silently(session: Session) -> None:
    data = session.claude.data_dir
    assert rows(data, "SELECT source, message FROM errors") == []
    outcomes = rows(data, "SELECT event, outcome, count(*) AS n FROM hook_runs GROUP BY event, outcome")
    assert {r["outcome"] for r in outcomes} <= {"ok", "noop"}, outcomes
    assert {"SessionStart", "UserPromptSubmit", "PostToolUse", "PostToolUseFailure", "PreCompact",
            "SessionEnd"} <= {r["event"] for r in outcomes}


def test_post_compact_keeps_the_summary_with_the_handoff(session: Session) -> None:
    """The real CLI sends PostCompact with its summary; the plugin keeps it with the manual handoff."""
    (handoff,) = [h for h in session.handoffs_after["compact"] if h["trigger"] == "manual"]
    summary = json.loads(handoff["state_json"]).get("compact_summary") or ""
    assert "scripted end-to-end test session" in summary, handoff["state_json"][:500]  # the server's canned summary
    runs = rows(session.claude.data_dir, "SELECT event, outcome FROM hook_runs WHERE event = 'PostCompact'")
    assert runs and all(r["outcome"] in ("ok", "noop") for r in runs)
