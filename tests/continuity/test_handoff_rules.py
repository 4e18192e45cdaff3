"""The handoff rules of issue 12: open blockers only, status from evidence, decisions and results, the current
request in any script -- as units, then end to end through the real PreCompact hook on small transcripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memory.continuity.blockers import Step, cut, is_real_failure, open_blockers, rejection_reason
from memory.prose import STRONG_CUE as STRONG, decision_sentences
from memory.continuity.render import format_handoff
from memory.continuity.requests import is_substantive
from memory.continuity.results import from_command, from_text, keep
from tests.support.session import Session
from tests.support.store import db

REJECTION = ("The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file "
             "edit, the new_string was NOT written to the file). The user provided the following reason for the "
             "rejection: Remember that you are using VS Code on Windows, please use PowerShell syntax for every "
             "command you run in the integrated terminal from now on")


def cmd(command: str, ok: bool = True, error: str | None = None) -> Step:
    return Step("command", command, ok, error)


# --- blockers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command, error", [
    ("which powertop", "Exit code 1\npowertop not found"),
    ("command -v legion_cli || which lenovo-legion", "Exit code 1"),
    ("ls node_modules/.bin/vitest*", "ls: cannot access 'node_modules/.bin/vitest*': No such file or directory"),
    ("test -f .env && echo yes", "Exit code 1"),
    ("stat /sys/class/power_supply/BAT0/power_now", "stat: cannot stat: No such file"),
    ("cargo --version", "Exit code 127 zsh: command not found: cargo"),
    ("sudo setcap cap_dac_read_search=ep ./app", "sudo: a terminal is required to read the password; either use the"
                                                 " -S option to read from standard input or configure an askpass helper"),
    ("rm sungather_amd64.charm", "rm: cannot remove 'sungather_amd64.charm': No such file or directory"),
    ("timeout 5 ./target/debug/app", "Exit code 124"),
    ("git push", "[Request interrupted by user for tool use]"),
])
def test_probes_and_non_failures_are_never_blockers(command: str, error: str) -> None:
    assert not is_real_failure(command, error)
    assert open_blockers([Step("request", "Fix the build please", True, None), cmd(command, False, error)])[0] == []


def test_a_failure_fixed_later_is_not_a_blocker() -> None:
    steps = [Step("request", "Make the tests pass again", True, None),
             cmd("cd app && uv run pytest -x tests/test_a.py", False, "FAILED tests/test_a.py::test_x - AssertionError"),
             cmd("pytest tests/", True)]
    assert open_blockers(steps)[0] == []


def test_an_edit_of_the_file_named_then_moving_on_resolves_a_failure() -> None:
    failed = cmd("npm run build", False, "src/app.ts(12,3): error TS2322: Type 'x' is not assignable")
    moved_on = [Step("edit", "/p/src/app.ts", True, None), cmd("git status")]
    assert open_blockers([failed, *moved_on])[0] == []
    assert len(open_blockers([failed, Step("edit", "/p/src/other.ts", True, None), cmd("git status")])[0]) == 1


def test_a_new_request_or_a_commit_ends_earlier_failures() -> None:
    failed = cmd("cargo build", False, "error[E0433]: failed to resolve")
    assert open_blockers([Step("request", "Build the applet", True, None), failed,
                          Step("request", "Now write the README", True, None)])[0] == []
    assert open_blockers([failed, cmd("git add -A && git commit -m 'wip'")])[0] == []
    # the user asking the same thing again has not moved on
    same = open_blockers([Step("request", "/publish-session", True, None), failed,
                          Step("request", "/publish-session", True, None)])[0]
    assert same == ["`cargo build` failed: error[E0433]: failed to resolve"]


def test_open_failures_are_deduplicated_newest_last() -> None:
    steps = [cmd("cargo build", False, "error: one"), cmd("npm test", False, "FAIL a"),
             cmd("cargo build --release", False, "error: two")]
    assert open_blockers(steps)[0] == ["`npm test` failed: FAIL a", "`cargo build --release` failed: error: two"]


def test_a_rejection_is_an_instruction_whole_words_not_a_blocker() -> None:
    blockers, instructions = open_blockers([cmd("docker run -it app", True),
                                            Step("rejection", "Bash", False, REJECTION)])
    assert blockers == []
    [line] = instructions
    assert line.startswith("Remember that you are using VS Code on Windows, please use PowerShell syntax")
    assert len(line) <= 300
    words = line.rstrip("…").split()
    assert all(word in REJECTION for word in words)  # cut between words, never inside one
    assert rejection_reason("The user doesn't want to take this action right now. STOP what you are doing") is None


def test_the_user_reporting_a_failure_is_a_blocker_until_they_ask_something_else() -> None:
    assert open_blockers([Step("request", "the login form still fails when the email is empty", True, None)])[0] \
        == ["User reported: the login form still fails when the email is empty"]
    pasted = "❯ ./run.sh\n158.6 npm error Exit handler never called!\nError: failed to solve: exit code: 1"
    assert open_blockers([Step("request", pasted, True, None)])[0][0].startswith("User reported: 158.6 npm error")
    assert open_blockers([Step("request", "还是失败了，同样的错误", True, None)])[0]
    assert open_blockers([Step("request", "double check your screenshots: two bars, neither shows readings", True,
                               None)])[0]
    assert open_blockers([Step("request", "Error Handling: good addition of structured error events", True,
                               None)])[0] == []


def test_a_reported_failure_ends_when_a_command_on_it_runs_clean() -> None:
    report = Step("request", "The integration tests are also failing.", True, None)
    failing = cmd("tox -e integration 2>&1 | head -100", True, "ERROR at setup of test_deploy\nTraceback (most recent")
    assert open_blockers([report, failing])[0] == ["User reported: The integration tests are also failing."]
    assert open_blockers([report, failing, cmd("tox -e integration", True, "11 passed")])[0] == []
    # a commit naming the problem proves nothing
    assert open_blockers([report, cmd("git commit -m 'fix integration tests'", True, "[main 1a2b3c4] fix")])[0]


def test_cut_keeps_whole_words() -> None:
    assert cut("alpha beta gamma delta", 15) == "alpha beta…"
    assert cut("短い日本語の文はそのまま", 40) == "短い日本語の文はそのまま"


def test_shell_commands_that_write_or_remove_files() -> None:
    from memory.shell import file_changes as command_changes

    assert command_changes('echo "__pycache__/" >> .gitignore') == ([".gitignore"], [])
    assert command_changes("mv docker/Dockerfile docker/Containerfile") == (["docker/Containerfile"],
                                                                             ["docker/Dockerfile"])
    assert command_changes("rm verify_mock_server.py && git rm -q old.py") == ([], ["verify_mock_server.py", "old.py"])
    assert command_changes("sed -i 's/a/b/' src/x.py") == (["src/x.py"], [])
    assert command_changes("cargo build 2>&1 | tail -20; ls > /dev/null") == ([], [])


@pytest.mark.parametrize("text", [
    "Non : dans ce dépôt, on utilise toujours des vues basées sur des classes.",
    "앞으로 이 저장소에서 커밋 메시지는 Conventional Commits 형식으로 써 줘.",
    "所有项目里都请用中文回复我。", "今後はテストを先に書いてください。",
    "ah. the issue is the linter/formatter, not db:generate, I think.",
])
def test_user_instructions_in_several_languages(text: str) -> None:
    from memory.continuity.handoff import user_instruction

    assert user_instruction(text) == f"User: {text}"
    assert user_instruction("Please add a /health endpoint with a test") is None
    assert user_instruction("never mind, i pushed") is None


# --- requests, decisions, results -----------------------------------------------------------------------


@pytest.mark.parametrize("text, kind, expected", [
    ("Let's also migrate to AudioWorklet", "prompt", True),
    ("ok", "prompt", False), ("1", "prompt", False), ("Excellent work, thank you!", "prompt", False),
    ("Continue", "prompt", False), ("ありがとうございます", "prompt", False),
    ("テストも直して", "prompt", True),  # 7 characters of Japanese: a request, though not four words
    ("用中文写README", "prompt", True), ("한국어로 설명해줘", "prompt", True),
    ("/publish-session", "command", True), ("/clear", "command", False), ("/export", "command", False),
    ("force push", "prompt", True), ("pushed", "prompt", False), ("提交一下吧", "prompt", True),
    ("Where did we leave off?", "prompt", False), ("What is left to do?", "prompt", False),
    ("where we at?", "prompt", False),
])
def test_substantive_requests_by_characters_and_script(text: str, kind: str, expected: bool) -> None:
    assert is_substantive(text, kind) is expected


@pytest.mark.parametrize("text", [
    "I went with a listener instead of an inline onclick because script.js is an ES module.",
    "We decided to use discrete colour buckets rather than a gradient.",
    "J'ai choisi SQLite plutôt que Postgres, car le projet tourne en local.",
    "Wir haben uns für SQLite entschieden, weil alles lokal läuft.",
    "Elegimos SQLite en lugar de Postgres porque todo es local.",
    "ローカルで動くため、PostgreSQLではなくSQLiteを採用しました。",
    "因为只在本地运行，所以改用 SQLite 而不是 Postgres。",
    "로컬에서만 실행되기 때문에 Postgres 대신 SQLite를 선택했습니다.",
])
def test_decisions_in_six_languages(text: str) -> None:
    assert decision_sentences(text) and decision_sentences(text)[0][0] == STRONG


def test_a_decision_that_refers_back_keeps_what_it_refers_to() -> None:
    [(_, sentence)] = decision_sentences("The session_nav.html component already renders sessions. Let me use it instead.")
    assert "session_nav.html" in sentence and sentence.endswith("use it instead.")


def test_steps_and_questions_are_not_decisions() -> None:
    assert decision_sentences("Let me check the config first.") == []
    assert decision_sentences("Should I use Vite or serve?") == []
    assert decision_sentences("Let me revert that and instead update the knip config.")  # a choice in a step


def test_results_from_words_and_output() -> None:
    text = "All 15 tests pass. Committed `f0bf20a` - Add the plugin. Live at https://gist.github.com/u/fc37fc5d."
    keys = [key for key, _ in from_text(text)]
    assert "tests" in keys and "commit:f0bf20a" in keys and any(k.startswith("url:https://gist") for k in keys)
    assert from_text("See https://docs.python.org/3/library/re.html for the syntax.") == []
    made = from_command("git commit -m 'x'", "[main 2e593ed] chore: add skill\n 1 file changed", True)
    assert made == [("commit:2e593ed", "Committed 2e593ed: chore: add skill")]
    assert keep([("tests", "12 tests pass"), ("tests", "15 tests pass")]) == ["15 tests pass"]


def test_render_budget_order_and_three_blockers() -> None:
    handoff = {"task": "Add JWT auth", "current_request": "Now the refresh token", "status": "in_progress",
               "files_modified": ["a.py"], "todos": [{"content": "Refresh", "status": "in_progress"}],
               "decisions": ["Went with JWT over sessions"], "results": ["All 15 tests pass"],
               "user_instructions": ["use pnpm"], "blockers": [f"`npm test` failed: {i}" for i in range(5)]}
    lines = format_handoff(handoff, 1200).splitlines()
    assert lines[0] == "## Continuing: Now the refresh token" and lines[1] == "Task: Add JWT auth"
    order = [next(i for i, line in enumerate(lines) if line.startswith(title))
             for title in ("Status", "Modified", "Todos", "Decisions", "Results", "User instructions", "Blockers")]
    assert order == sorted(order)
    assert sum(line.startswith("- `npm test`") for line in lines) == 3


# --- end to end through the PreCompact hook -------------------------------------------------------------


def _transcript(path: Path, rows: list[dict]) -> None:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")


def _user(text: str) -> dict:
    return {"type": "user", "message": {"role": "user", "content": text}}


def _say(text: str) -> dict:
    return {"type": "assistant", "message": {"role": "assistant", "content": [{"type": "text", "text": text}]}}


def _bash(i: int, command: str, output: str, error: bool = False) -> list[dict]:
    return [{"type": "assistant", "message": {"role": "assistant", "content": [
                {"type": "tool_use", "id": f"t{i}", "name": "Bash", "input": {"command": command}}]}},
            {"type": "user", "message": {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": f"t{i}", "is_error": error, "content": output}]},
             "toolUseResult": output if error else {"stdout": output, "stderr": ""}}]


def _state(memory_home: Path) -> dict:
    with db(memory_home) as conn:
        row = conn.execute("SELECT state_json FROM handoffs ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(row["state_json"])


def test_hook_handoff_keeps_only_what_is_still_open(git_project: Path, env, memory_home: Path) -> None:
    transcript = git_project / "t.jsonl"
    _transcript(transcript, [
        _user("Set up the dev server and make the tests pass"),
        *_bash(1, "which node", "node not found", error=True),
        *_bash(2, "npx vitest run", "FAIL src/a.test.ts > adds\nError: expected 3", error=True),
        _say("I went with Vite instead of webpack because the project has no build step."),
        *_bash(3, "npx vitest run", "Test Files  1 passed\n      Tests  15 passed"),
        *_bash(4, "npm install", REJECTION, error=True),
        *_bash(5, "git commit -m 'Add dev server'", "[main f0bf20a] Add dev server\n 2 files changed"),
        _user("テストが通ったので、次はREADMEを日本語で書いてください"),
        _say("All 15 tests pass. Committed f0bf20a."),
    ])
    Session(git_project, env, session_id="rules", transcript=transcript).pre_compact()
    state = _state(memory_home)
    assert state["blockers"] == []  # a probe, a failure fixed later, a rejection: nothing open
    assert state["status"] == "completed"
    assert state["task"] == "Set up the dev server and make the tests pass"
    assert state["current_request"] == "テストが通ったので、次はREADMEを日本語で書いてください"
    assert any("Vite instead of webpack" in d for d in state["decisions"])
    assert any("f0bf20a" in r for r in state["results"]) and any("15" in r for r in state["results"])
    assert state["user_instructions"][0].startswith("Remember that you are using VS Code on Windows")
    block = Session(git_project, env, session_id="rules").session_start("compact")
    assert block.splitlines()[0] == "## Continuing: テストが通ったので、次はREADMEを日本語で書いてください"
    assert "Task: Set up the dev server" in block and "User instructions:" in block and "Blockers" not in block


def test_hook_handoff_stopped_on_a_failure_is_blocked(git_project: Path, env, memory_home: Path) -> None:
    transcript = git_project / "t.jsonl"
    _transcript(transcript, [
        _user("Deploy the site to production"),
        *_bash(1, "npm run deploy", "Error: 403 Forbidden: token lacks the deploy scope", error=True),
    ])
    Session(git_project, env, session_id="stuck", transcript=transcript).pre_compact()
    state = _state(memory_home)
    assert state["status"] == "in_progress"  # the assistant had not finished its turn
    _transcript(transcript, [
        _user("Deploy the site to production"),
        *_bash(1, "npm run deploy", "Error: 403 Forbidden: token lacks the deploy scope", error=True),
        _say("The deploy token lacks the deploy scope; I cannot go further without a new token."),
    ])
    Session(git_project, env, session_id="stuck2", transcript=transcript).pre_compact()
    state = _state(memory_home)
    assert state["blockers"] == ["`npm run deploy` failed: Error: 403 Forbidden: token lacks the deploy scope"]
    assert state["status"] == "blocked"  # its turn ended on that failure


# --- PostCompact ----------------------------------------------------------------------------------------

SUMMARY = """Analysis: the user wants a power applet.

Summary:
1. Primary Request and Intent: a COSMIC applet showing live wattage.
8. Current Work:
   Debugging why the applet shows no readings; I chose RAPL for CPU power instead of powertop because it needs no daemon.
9. Optional Next Step:
   Rebuild with debug logging and take a new screenshot.
"""


def test_post_compact_summary_is_kept_and_used_by_the_next_handoff(git_project: Path, env, memory_home: Path) -> None:
    transcript = git_project / "t.jsonl"
    _transcript(transcript, [_user("Build a COSMIC applet with live wattage"), *_bash(1, "cargo build", "Finished")])
    replay = Session(git_project, env, session_id="pc", transcript=transcript)
    replay.pre_compact("auto")
    post = {"session_id": "pc", "transcript_path": str(transcript), "cwd": str(git_project),
            "hook_event_name": "PostCompact", "trigger": "auto", "compact_summary": SUMMARY}
    assert replay.send("PostCompact", post) is None  # answers nothing
    assert _state(memory_home)["compact_summary"] == SUMMARY.strip()
    replay.bash("cargo build --release", stdout="Finished")  # work after the compaction
    replay.session_end("other")
    state = _state(memory_home)
    assert state["recap"].startswith("Before the compaction: Debugging why the applet shows no readings")
    assert "Next: Rebuild with debug logging" in state["recap"]
    assert any("RAPL for CPU power instead of powertop" in d for d in state["decisions"])
    assert "compact_summary" not in state  # the summary itself stays with the handoff it came with


@pytest.mark.parametrize("changes", [{"compact_summary": None}, {"compact_summary": ""}, {}])
def test_post_compact_without_a_summary_or_a_handoff_stores_nothing(replay: Session, memory_home: Path,
                                                                     changes: dict) -> None:
    post = {"session_id": replay.session_id, "cwd": str(replay.project), "hook_event_name": "PostCompact",
            "trigger": "manual", **changes}
    replay.send("PostCompact", post)
    replay.send("PostCompact", {**post, "compact_summary": "a summary with no handoff to attach to"})
    with db(memory_home) as conn:
        assert conn.execute("SELECT count(*) FROM handoffs").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM errors").fetchone()[0] == 0
