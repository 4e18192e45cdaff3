"""Contract tests: the behaviours of the real Claude Code CLI (each version the suite covers) that our
plugin relies on.

Each scenario runs the CLI with a throwaway probe plugin (tests/e2e/probe_plugin.py) against the scripted
loopback server. When one of these fails after a Claude Code upgrade, the contract changed: update
tests/e2e/README.md's observations, the plugin, and (python -m tests.e2e.capture_fixtures VERSION) the
fixtures. A behaviour only some versions have is marked claude_version(...) and skipped on the others.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.api_server import COMPACTION_MARKER, last_user_text, text_of, tool_results
from tests.e2e.capture_fixtures import (compaction_session_payloads, payload_dir, tool_session_payloads,
                                        transcript_file, transcript_lines)
from tests.e2e.claude_runner import Claude
from tests.e2e.probe_plugin import write_probe_plugin
from tests.e2e.scenarios import (COMMAND_OUTPUT, EDITED_LINE, SIGNATURES_MARK, Session, marker,
                                 run_command_session, run_compaction_session, run_tool_session)

pytestmark = pytest.mark.e2e

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def assert_clean(session: Session) -> None:
    """Every run exited 0, and the CLI never tried to reach past loopback."""
    for run in session.runs:
        assert run.returncode == 0, run.describe()
    assert session.server.egress == []


@pytest.fixture(scope="module")
def tool_session(tmp_path_factory: pytest.TempPathFactory, claude_binary: Path) -> Session:
    session = run_tool_session(tmp_path_factory.mktemp("tools"), claude_binary)
    assert_clean(session)
    return session


@pytest.fixture(scope="module")
def compaction_session(tmp_path_factory: pytest.TempPathFactory, claude_binary: Path) -> Session:
    session = run_compaction_session(tmp_path_factory.mktemp("compact"), claude_binary)
    assert_clean(session)
    return session


@pytest.fixture(scope="module")
def command_session(tmp_path_factory: pytest.TempPathFactory, claude_binary: Path) -> Session:
    session = run_command_session(tmp_path_factory.mktemp("command"), claude_binary)
    assert_clean(session)
    return session


# ---- the harness itself ---------------------------------------------------------------------------

def test_cli_talks_only_to_the_scripted_server(tool_session: Session) -> None:
    run = tool_session.runs[0]
    assert UUID.match(run.session_id or ""), run.describe()
    assert run.final_text == "All steps done."
    paths = {(r.method, r.path) for r in tool_session.server.requests}
    assert paths <= {("HEAD", "/"), ("POST", "/v1/messages?beta=true")}, paths
    assert tool_session.server.side_requests() == []
    assert len(tool_session.server.main_requests()) == 9
    assert all(body["stream"] is True for body in tool_session.server.main_requests())


def test_hooks_run_with_isolated_home_and_plugin_env(tool_session: Session) -> None:
    claude, env = tool_session.claude, tool_session.probe.calls("SessionStart")[0]["env"]
    assert env["HOME"] == str(claude.home)
    assert env["MEMORY_HOME"] == str(claude.data_dir)
    assert env["CLAUDE_PLUGIN_ROOT"] == str(tool_session.probe.root)
    assert env["CLAUDE_PROJECT_DIR"] == str(claude.cwd)
    assert env["CLAUDE_PLUGIN_DATA"].startswith(str(claude.home))
    assert env["CLAUDE_CODE_SESSION_ID"] == tool_session.runs[0].session_id
    assert env["CLAUDECODE"] == "1"


# ---- (a), (b): context from SessionStart and UserPromptSubmit ---------------------------------------

def test_session_start_context_reaches_first_request(tool_session: Session) -> None:
    first = text_of(tool_session.server.main_requests()[0])
    assert f"SessionStart hook additional context: {marker('SessionStart')}" in first
    assert tool_session.probe.payloads("SessionStart")[0]["source"] == "startup"


def test_user_prompt_context_reaches_first_request(tool_session: Session) -> None:
    first = text_of(tool_session.server.main_requests()[0])
    assert marker("UserPromptSubmit") in first
    assert tool_session.probe.payloads("UserPromptSubmit")[0]["prompt"] == "Work through big.py"


# ---- (c): narrowing a Read, then Edit, then a plain Read ---------------------------------------------

def test_narrowed_read_shows_line_one_and_the_hook_context(tool_session: Session) -> None:
    after_read = tool_session.server.main_requests()[1]
    assert tool_results(after_read)[-1]["text"] == "1\tvalue_1 = 1"
    seen = text_of(after_read)
    assert "value_2 = 2" not in seen and EDITED_LINE[0] not in seen
    assert f"PreToolUse:Read hook additional context: {SIGNATURES_MARK}" in seen
    narrowed = tool_session.probe.payloads("PostToolUse", "Read")[0]
    assert narrowed["tool_input"] == {"file_path": str(tool_session.files["big"]), "offset": 1, "limit": 1}
    assert narrowed["tool_response"]["file"]["totalLines"] == 101  # trailing newline counts as a line


def test_edit_in_the_middle_after_a_narrowed_read_succeeds(tool_session: Session) -> None:
    edit_result = tool_results(tool_session.server.main_requests()[2])[-1]
    assert not edit_result.get("is_error"), edit_result
    assert "has been updated successfully" in edit_result["text"]
    assert EDITED_LINE[1] + "\n" in tool_session.files["big"].read_text()


def test_plain_read_after_the_edit_returns_the_whole_file(tool_session: Session) -> None:
    whole = tool_results(tool_session.server.main_requests()[3])[-1]["text"]
    assert "50\tvalue_50 = 5000" in whole and "100\tvalue_100 = 100" in whole


@pytest.mark.claude_version(max="2.1.197", reason="identical re-reads answered with a 'file unchanged' stub; "
                                                   "2.1.332 sends the file again")
def test_identical_reread_is_answered_file_unchanged(tool_session: Session) -> None:
    reread = tool_results(tool_session.server.main_requests()[4])[-1]["text"]
    assert "file unchanged" in reread
    assert tool_session.probe.payloads("PostToolUse", "Read")[2]["tool_response"]["type"] == "file_unchanged"


# ---- (d): PostToolUse payload shapes, pinned by the saved fixtures -----------------------------------

def shape(payload: dict[str, Any]) -> set[str]:
    """The key paths of a payload: top-level keys and the keys of nested objects (one level down)."""
    keys = set(payload)
    for name, value in payload.items():
        if isinstance(value, dict):
            keys |= {f"{name}.{key}" for key in value}
    return keys


def _fixture(version: str, name: str) -> dict[str, Any]:
    return json.loads((payload_dir(version) / f"{name}.json").read_text())


def test_live_payloads_have_the_saved_fixture_shapes(tool_session: Session, compaction_session: Session,
                                                     claude_version: str) -> None:
    live = {**tool_session_payloads(tool_session), **compaction_session_payloads(compaction_session)}
    saved = {path.stem for path in payload_dir(claude_version).glob("*.json")}
    assert set(live) == saved
    for name, payload in live.items():
        assert shape(payload) == shape(_fixture(claude_version, name)), name


def test_post_tool_use_field_names_the_plugin_reads(tool_session: Session) -> None:
    payloads = tool_session_payloads(tool_session)
    read = payloads["PostToolUse-Read"]["tool_response"]
    assert read["type"] == "text"
    assert set(read["file"]) == {"filePath", "content", "numLines", "startLine", "totalLines"}
    edit = payloads["PostToolUse-Edit"]["tool_response"]
    assert {"filePath", "oldString", "newString", "originalFile", "structuredPatch"} <= set(edit)
    write = payloads["PostToolUse-Write"]["tool_response"]
    assert write["type"] == "create" and write["content"] == "first note\n"
    task = payloads["PostToolUse-TaskCreate"]["tool_response"]["task"]  # 2.1.332 adds "description"
    assert {"id": task["id"], "subject": task["subject"]} == {"id": "1", "subject": "Refactor big.py"}
    update = payloads["PostToolUse-TaskUpdate"]["tool_response"]
    assert update["statusChange"] == {"from": "pending", "to": "completed"}
    for payload in payloads.values():
        if payload["hook_event_name"] == "PostToolUse":
            assert {"session_id", "transcript_path", "cwd", "tool_name", "tool_input", "tool_response",
                    "tool_use_id", "duration_ms"} <= set(payload)


def test_bash_success_payload_merges_stderr_into_stdout(tool_session: Session) -> None:
    bash = tool_session_payloads(tool_session)["PostToolUse-Bash"]["tool_response"]
    assert set(bash) == {"stdout", "stderr", "interrupted", "isImage", "noOutputExpected"}
    assert bash["stdout"] == "to-stdout\nto-stderr" and bash["stderr"] == ""


def test_failed_bash_fires_post_tool_use_failure_not_post_tool_use(tool_session: Session) -> None:
    commands = [p["tool_input"]["command"] for p in tool_session.probe.payloads("PostToolUse", "Bash")]
    assert commands == ["echo to-stdout; echo to-stderr >&2"]
    failure = tool_session.probe.payloads("PostToolUseFailure", "Bash")
    assert len(failure) == 1 and "tool_response" not in failure[0]
    assert failure[0]["error"].startswith("Exit code 1\n")
    assert "No such file or directory" in failure[0]["error"]
    assert failure[0]["is_interrupt"] is False


# ---- (e): compaction and resume ----------------------------------------------------------------------

def _event_sequence(session: Session) -> list[str]:
    return [call["event"] + (":" + call["payload"]["source"] if "source" in call["payload"] else "")
            for call in session.probe.calls()]


def test_compact_fires_precompact_then_session_start_compact(compaction_session: Session) -> None:
    sequence = _event_sequence(compaction_session)
    start = sequence.index("PreCompact")
    assert sequence[start - 1:start + 3] == ["SessionStart:resume", "PreCompact", "SessionStart:compact",
                                             "SessionEnd"], sequence
    precompact = compaction_session.probe.payloads("PreCompact")[0]
    assert precompact["trigger"] == "manual"
    assert precompact["custom_instructions"] == "keep the plan in mind"


def test_compaction_request_is_recognised_and_answered(compaction_session: Session) -> None:
    (request,) = compaction_session.server.compaction_requests()
    assert COMPACTION_MARKER in last_user_text(request)
    assert compaction_session.runs[1].session_id == compaction_session.runs[0].session_id


def test_post_compaction_request_holds_summary_and_compact_context(compaction_session: Session) -> None:
    records = compaction_session.server.requests
    compaction_at = next(i for i, r in enumerate(records) if r.kind == "compaction")
    after = next(r.body for r in records[compaction_at:] if r.kind == "main")
    seen = text_of(after)
    assert "This session is being continued from a previous conversation" in seen
    assert "Primary Request and Intent: scripted end-to-end test session." in seen
    assert f"SessionStart hook additional context: {marker('SessionStart', 'compact')}" in seen
    assert marker("SessionStart", "resume") in seen
    assert marker("SessionStart", "startup") not in seen  # compacted away with the old context


def test_resume_fires_session_start_resume(compaction_session: Session) -> None:
    sources = [p["source"] for p in compaction_session.probe.payloads("SessionStart")]
    assert sources == ["startup", "resume", "compact", "resume"]
    ids = {p["session_id"] for p in compaction_session.probe.payloads()}
    assert ids == {compaction_session.runs[0].session_id}


# ---- (f): SessionEnd ---------------------------------------------------------------------------------

def test_session_end_fires_last_with_reason_other_in_print_mode(tool_session: Session,
                                                                 compaction_session: Session) -> None:
    assert tool_session.probe.calls()[-1]["event"] == "SessionEnd"
    assert tool_session.probe.payloads("SessionEnd")[0]["reason"] == "other"
    reasons = [p["reason"] for p in compaction_session.probe.payloads("SessionEnd")]
    assert reasons == ["other", "other", "other"]


# ---- (g): plugin validate ----------------------------------------------------------------------------

def test_plugin_validate_exit_codes(claude: Claude, tmp_path: Path) -> None:
    good = write_probe_plugin(tmp_path / "good")
    bad = tmp_path / "bad" / ".claude-plugin"
    bad.mkdir(parents=True)
    (bad / "plugin.json").write_text(json.dumps({"name": "Not Kebab", "keywords": "not-a-list"}))
    passed = claude.cli("plugin", "validate", str(good.root))
    assert passed.returncode == 0, passed.describe()
    failed = claude.cli("plugin", "validate", str(bad.parent))
    assert failed.returncode == 1, failed.describe()
    assert "kebab-case" in failed.stdout and "keywords" in failed.stdout


# ---- (h): plugin slash command with a !`cmd` line ----------------------------------------------------

def test_plugin_command_output_reaches_the_request(command_session: Session) -> None:
    (request,) = command_session.server.main_requests()
    seen = text_of(request)
    assert f"Command output:\n{COMMAND_OUTPUT}\n" in seen
    assert "Arguments: alpha beta" in seen
    assert f"Plugin root: {command_session.probe.root}" in seen
    assert "<command-name>/e2e-probe:x</command-name>" in seen


def test_command_without_allowed_tools_sends_nothing(command_session: Session) -> None:
    run = command_session.runs[1]
    assert len(command_session.server.main_requests()) == 1  # only /x reached the model
    # 2.1.197 reports it as a user event (local command stderr), 2.1.332 as a synthetic assistant message.
    said = [json.dumps(e["message"]["content"]) for e in run.events if e.get("type") in ("user", "assistant")]
    assert any("Shell command permission check failed" in line for line in said), run.describe()


# ---- transcript ----------------------------------------------------------------------------------------

def _line_kinds(lines: list[dict]) -> set[str]:
    kinds = set()
    for line in lines:
        kinds.add(line["type"] + (":" + line["subtype"] if line.get("subtype") else ""))
        if line.get("isCompactSummary"):
            kinds.add("user:isCompactSummary")
        if line.get("toolUseResult") is not None:
            kinds.add("user:toolUseResult")
        content = (line.get("message") or {}).get("content")
        if isinstance(content, list):
            kinds |= {f"{line['type']}:{block.get('type')}" for block in content}
    return kinds


def test_transcript_has_tool_calls_and_compaction(compaction_session: Session, claude_version: str) -> None:
    live = _line_kinds(transcript_lines(compaction_session))
    assert {"assistant:tool_use", "user:tool_result", "user:toolUseResult", "system:compact_boundary",
            "user:isCompactSummary"} <= live
    saved = [json.loads(line) for line in transcript_file(claude_version).read_text().splitlines()]
    assert _line_kinds(saved) == live
