"""Each rule of the rules extractor on short transcripts, in several languages.

The transcripts are built with tests/support/transcript.py (the JSONL Claude Code writes). Every
instruction case is paired with task text in the same language that must not become an instruction.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from memory.learning.rules import extract
from memory.transcript import iter_records
from tests.support.transcript import Transcript


def _learn(tmp_path: Path, session: Transcript):
    path = session.save(tmp_path)
    return extract(iter_records(path), session_id=path.stem)


def _by(learnings, category):
    return [l for l in learnings if l.category == category]


# --- instructions -------------------------------------------------------------------------------------------

STANDING = [
    ("en", "From now on, always run the linter before committing."),
    ("en", "No, use pnpm, not npm."),
    ("fr", "Dans ce dépôt, on utilise toujours des vues basées sur des classes."),
    ("de", "Verwende ab jetzt immer pytest statt unittest."),
    ("es", "Usa siempre pnpm en este repositorio."),
    ("ja", "今後はこのリポジトリでは必ず pnpm を使ってください。"),
    ("zh", "以后这个仓库一律用 uv 跑命令。"),
    ("ko", "아니, npm 말고 pnpm 써."),
]

TASK_TEXT = [
    ("en", "Do not implement payment / checkout."),
    ("en", "Do not write any application code yet."),
    ("en", "I want you to create a TypeScript application from scratch that tracks expenses."),
    ("en", "Create an app that shows the weather."),
    ("fr", "Ne touche pas au modèle Profile pour l'instant."),
    ("de", "Implementiere die Zahlung noch nicht."),
    ("es", "No implementes el pago todavía."),
    ("ja", "まだ決済は実装しないでください。"),
    ("zh", "先不要实现用户注册，那个下周再说。"),
    ("ko", "지금은 소셜 로그인은 구현하지 마."),
]


@pytest.mark.parametrize("language,sentence", STANDING, ids=[f"{l}-{i}" for i, (l, _) in enumerate(STANDING)])
def test_a_standing_instruction_is_learned_for_the_project(tmp_path, language, sentence):
    s = Transcript(f"standing-{language}", "/p", "2026-01-01T10:00:00")
    s.user(sentence)
    s.say("OK.")
    (learning,) = _learn(tmp_path, s)
    assert learning.category == "instruction" and sentence.rstrip(".。") in learning.text
    assert learning.scope == "project" and learning.scope_reason == ""


@pytest.mark.parametrize("language,sentence", TASK_TEXT, ids=[f"{l}-{i}" for i, (l, _) in enumerate(TASK_TEXT)])
def test_task_text_is_never_an_instruction(tmp_path, language, sentence):
    s = Transcript(f"task-{language}", "/p", "2026-01-01T10:00:00")
    s.user(sentence)
    s.say("Sure, starting now.")
    assert _learn(tmp_path, s) == []


@pytest.mark.parametrize("sentence,words", [
    ("In all my projects, write commit messages in English.", "In all my projects"),
    ("Et pour info : partout, dans tous mes projets, écris les messages de commit en anglais.", "dans tous mes projets"),
    ("所有项目里都请用中文回复我。", "所有项目"),
    ("모든 프로젝트에서 커밋 메시지는 영어로 써 줘.", "모든 프로젝트"),
    ("Always use tabs everywhere.", "everywhere"),
])
def test_global_only_when_the_user_says_so(tmp_path, sentence, words):
    s = Transcript("global", "/p", "2026-01-01T10:00:00")
    s.user(sentence)
    (learning,) = _learn(tmp_path, s)
    assert learning.scope == "global" and words in learning.scope_reason


def test_install_it_globally_is_not_a_global_instruction(tmp_path):
    s = Transcript("not-global", "/p", "2026-01-01T10:00:00")
    s.user("Install the CLI globally with npm, then run it.")
    assert _learn(tmp_path, s) == []


@pytest.mark.parametrize("reason", [
    "Remember that you are using VS Code on Windows, please use PowerShell commands.",
    "use pnpm",
    "不要用 pip，这个仓库一律用 uv。",
    "Ne pousse jamais directement sur main.",
])
def test_the_reason_given_when_rejecting_a_tool_call_is_an_instruction(tmp_path, reason):
    s = Transcript("reject", "/p", "2026-01-01T10:00:00")
    s.user("Set up the project.")
    s.reject("Bash", reason, command="npm install", description="Install")
    (learning,) = _learn(tmp_path, s)
    assert learning.category == "instruction" and reason.split()[0].lower() in learning.text.lower()
    assert "rejecting `npm install`" in learning.text and learning.confidence >= 0.8


def test_a_rejection_without_a_reason_teaches_nothing(tmp_path):
    s = Transcript("reject-bare", "/p", "2026-01-01T10:00:00")
    tid = s.tool("Bash", command="rm -rf build", description="Clean")
    s.result(tid, "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a "
                  "file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the "
                  "user to tell you how to proceed.", error=True)
    assert _learn(tmp_path, s) == []


def test_subagent_prompts_are_not_the_users_instructions(tmp_path):
    s = Transcript("subagent", "/p", "2026-01-01T10:00:00")
    s.user("Always keep functions under 50 lines.")
    s.lines[-1]["isSidechain"] = True  # a Task subagent's prompt, written by the orchestrating agent
    assert _learn(tmp_path, s) == []


# --- fix, gotcha, dead end ----------------------------------------------------------------------------------


def test_fix_keeps_the_error_signature_the_file_and_the_change(tmp_path):
    s = Transcript("fix", "/w/app", "2026-01-01T10:00:00")
    s.user("the tests fail")
    s.bash("npm test", "FAIL src/sum.test.ts\n  ✕ adds\nTypeError: Cannot read properties of undefined (reading 'total')",
           "Run tests", code=1)
    s.edit("/w/app/src/sum.ts", "return cart.total;", "return cart?.total ?? 0;")
    s.bash("npm test", "Tests  3 passed (3)", "Run tests again")
    (fix,) = _by(_learn(tmp_path, s), "fix")
    assert fix.text.startswith("`npm test` failed with TypeError: Cannot read properties of undefined")
    assert "src/sum.ts" in fix.files and "cart?.total ?? 0" in fix.text
    assert {"kind": "command", "value": "npm test"} in fix.anchors
    assert any(a["kind"] == "error" and "TypeError" in a["value"] for a in fix.anchors)


def test_a_library_misuse_found_by_an_error_is_a_gotcha(tmp_path):
    s = Transcript("gotcha", "/w/viz", "2026-01-01T10:00:00")
    s.bash("node check-ease.mjs", "file:///w/viz/check-ease.mjs:3\nTypeError: d3.easeElastic.out is not a function",
           "Check the easing", code=1)
    s.edit("/w/viz/src/anim.js", "d3.easeElastic.out(1, 0.3)", "d3.easeElastic.period(0.3)")
    s.bash("node check-ease.mjs", "easing ok", "Check again")
    (gotcha,) = _by(_learn(tmp_path, s), "gotcha")
    assert "d3.easeElastic.out is not a function" in gotcha.text and "period(0.3)" in gotcha.text


@pytest.mark.parametrize("language,given_up", [
    ("en", "That didn't work: the cast hides the real problem, so I'll parse the value instead."),
    ("fr", "`override_settings` ne change rien : j'abandonne cette piste."),
    ("de", "Das hat nicht funktioniert, also nehme ich einen anderen Ansatz."),
    ("es", "Eso no funcionó, así que pruebo otro enfoque."),
    ("ja", "キャストではうまくいかないので、値を変換します。"),
    ("zh", "强制转换没用，放弃这个办法，改用解析。"),
    ("ko", "캐스팅은 효과가 없네요. 다른 방법으로 하겠습니다."),
])
def test_dead_end_says_what_was_tried_and_what_worked(tmp_path, language, given_up):
    s = Transcript(f"dead-end-{language}", "/w/shop", "2026-01-01T10:00:00")
    s.bash("npm run build", "src/cart.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.",
           "Build", code=2)
    s.edit("/w/shop/src/cart.ts", "const q: number = raw.qty;", "const q: number = raw.qty as unknown as number;")
    s.bash("npm run build", "src/cart.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.",
           "Build again", code=2)
    s.say(given_up)
    s.edit("/w/shop/src/cart.ts", "const q: number = raw.qty as unknown as number;", "const q: number = Number(raw.qty);")
    s.bash("npm run build", "> tsc -p .", "Build once more")
    learnings = _learn(tmp_path, s)
    (dead_end,) = _by(learnings, "dead-end")
    assert "as unknown as number" in dead_end.text and "Number(raw.qty)" in dead_end.text
    assert "TS2322" in dead_end.text
    assert not _by(learnings, "fix") and not _by(learnings, "gotcha")  # the same story is told once


def test_the_fix_itself_is_not_filed_as_a_dead_end(tmp_path):
    """Issue 11: 'Let me fix this by using an event listener instead' was the fix, not an abandoned approach."""
    s = Transcript("instead", "/w/page", "2026-01-01T10:00:00")
    s.bash("npx playwright test", "Error: page.click: onclick handler is not defined in module scope", "E2E", code=1)
    s.say("Let me fix this by using an event listener instead.")
    s.edit("/w/page/index.html", '<button onclick="go()">', '<button id="go">')
    s.bash("npx playwright test", "1 passed (2.1s)", "E2E again")
    learnings = _learn(tmp_path, s)
    assert not _by(learnings, "dead-end")
    assert len(_by(learnings, "fix") + _by(learnings, "gotcha")) == 1


def test_an_approach_given_up_without_a_later_success_is_no_dead_end(tmp_path):
    s = Transcript("no-success", "/w/x", "2026-01-01T10:00:00")
    s.bash("cargo build", "error[E0433]: failed to resolve: use of undeclared crate", "Build", code=101)
    s.say("That didn't work, let me try another approach.")
    s.edit("/w/x/Cargo.toml", "[dependencies]", "[dependencies]\nserde = \"1\"")
    s.bash("cargo build", "error[E0433]: failed to resolve: use of undeclared crate", "Build", code=101)
    assert _learn(tmp_path, s) == []


def test_a_test_edited_to_match_the_code_is_not_a_fix(tmp_path):
    s = Transcript("test-only", "/w/y", "2026-01-01T10:00:00")
    s.bash("pytest -q", "E   AssertionError: assert 'a' == 'b'\n1 failed", "Test", code=1)
    s.edit("/w/y/tests/test_y.py", "assert out == 'b'", "assert out == 'a'")
    s.bash("pytest -q", "1 passed", "Test")
    assert not [l for l in _learn(tmp_path, s) if l.category in ("fix", "gotcha")]


# --- facts ------------------------------------------------------------------------------------------------------


def test_a_test_command_that_worked_twice_is_a_fact(tmp_path):
    s = Transcript("fact", "/w/z", "2026-01-01T10:00:00")
    s.bash("uv run pytest -q", "12 passed", "Test")
    s.edit("/w/z/z.py", "x = 1", "x = 2")
    s.bash("uv run pytest tests/test_z.py -q", "3 passed", "Test one file")
    s.bash("git status", "clean", "Status")
    (fact,) = _by(_learn(tmp_path, s), "fact")
    assert fact.text == "Run tests with `uv run pytest -q`."


def test_sudo_that_needs_a_password_is_for_the_user(tmp_path):
    s = Transcript("sudo", "/w/z", "2026-01-01T10:00:00")
    s.bash("sudo setcap cap_dac_read_search=ep ./bin/app", "sudo: a terminal is required to read the password; "
           "either use the -S option", "Set capabilities", code=1)
    (fact,) = _by(_learn(tmp_path, s), "fact")
    assert "sudo setcap" in fact.text and "ask the user" in fact.text
