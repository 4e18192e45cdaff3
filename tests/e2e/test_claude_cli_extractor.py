"""The `claude -p` extractor with the real pinned CLI against the scripted loopback server.

The user has this plugin installed (marketplace install in the isolated HOME) and a learning stored, so that
any session with the plugin loaded gets that learning injected as hook context. A control run proves it does.
The extractor's child must not: the server sees no hook context, our hooks record no run, the request offers
no tools, and the tokens it reports are charged to the daily budget (a call that would pass the budget is not
made at all; a call that outlives the timeout is killed and charged its estimate).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from memory.config import load_settings
from memory.transcript import iter_records
from memory.learning import claude_cli, llm_prompt
from memory.learning.model import Learning
from tests.support import api_server as api
from tests.e2e.claude_runner import Claude, claude_env, clean_checkout

pytestmark = pytest.mark.e2e

SESSION = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts" / "written" / "written-ko-nextjs-prisma.jsonl"
ANSWER = [{"category": "gotcha", "text": "A component using useState in the Next.js App Router needs 'use client'.",
           "files": ["app/login/page.tsx"], "anchors": [{"kind": "error", "value": "use client"}]},
          {"category": "instruction", "text": "Use pnpm, not npm, in this repository."},
          {"category": "gossip", "text": "dropped: not a category"}]
# Relevant to the session sent for extraction, so that a child with the plugin loaded would get it injected.
SEEDED = "Always run `pnpm build` and `pnpm test` before pushing changes to the login page."


def _hook_runs(data_dir: Path) -> int:
    conn = sqlite3.connect(data_dir / "memory.db")
    try:
        return conn.execute("SELECT count(*) FROM hook_runs").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def installed(claude: Claude, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Claude:
    """The plugin installed for the user, a global learning stored, and this process seeing the user's env."""
    checkout = clean_checkout(tmp_path / "checkout")
    assert claude.cli("plugin", "marketplace", "add", str(checkout)).returncode == 0
    assert claude.cli("plugin", "install", "compound-memory@compound-memory-local").returncode == 0
    for key, value in claude_env(claude.server, claude.home, claude.data_dir).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("MEMORY_DISABLE", raising=False)
    monkeypatch.setenv("MEMORY_EMBEDDINGS_PROVIDER", "builtin")
    monkeypatch.setenv("MEMORY_LEARNING_EXTRACTOR", "claude-cli")
    monkeypatch.setenv("MEMORY_LEARNING_CLAUDE_COMMAND", str(claude.binary))
    from memory import store
    from memory.learning.pipeline import store_learnings

    conn = store.connect()
    store_learnings(conn, [Learning("instruction", SEEDED, scope="global", scope_reason="seeded by the test")],
                    project_id=None, session_id="seed", settings=load_settings(str(claude.cwd)))
    conn.close()
    return claude


def _extract(claude: Claude, monkeypatch: pytest.MonkeyPatch, **env: str):
    from memory import store

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    config = load_settings(str(claude.cwd))
    conn = store.connect()
    try:
        found = claude_cli.extract(list(iter_records(SESSION)), session_id="s1", learning=config.learning, conn=conn)
        usage = [dict(r) for r in conn.execute("SELECT model, purpose, input_tokens, output_tokens FROM llm_usage")]
    finally:
        conn.close()
    return found, usage


def test_the_plugin_injects_context_when_it_is_loaded(installed: Claude) -> None:
    """Control: a normal session of this user gets the seeded learning from our SessionStart hook."""
    installed.server.script = [api.text("Hello.")]
    result = installed.run("Run pnpm build for the login page, then pnpm test", plugin_dir=None)
    assert result.returncode == 0, result.describe()
    assert SEEDED in api.messages_text(installed.server.main_requests()[-1])


def test_claude_p_child_runs_without_the_plugin_and_within_the_budget(installed: Claude,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    installed.server.extraction_learnings = ANSWER
    runs_before = _hook_runs(installed.data_dir)
    found, usage = _extract(installed, monkeypatch)

    (request,) = installed.server.cli_extraction_requests()
    seen = api.text_of(request)
    assert llm_prompt.MARKER in api.system_text(request)
    assert "<session>" in seen and "pnpm build" in seen and "로그인 페이지" in seen
    assert SEEDED not in seen and "hook additional context" not in seen
    assert not request.get("tools")
    assert _hook_runs(installed.data_dir) == runs_before  # no hook of ours (or any) ran in the child
    assert installed.server.main_requests() == []

    assert [(l.category, l.extractor) for l in found] == [("gotcha", "claude-cli"), ("instruction", "claude-cli")]
    assert found[0].files == ["app/login/page.tsx"] and found[0].anchors == [{"kind": "error", "value": "use client"}]
    assert all(l.scope == "project" for l in found)
    (charged,) = usage
    assert charged["purpose"] == "extract" and charged["input_tokens"] >= 100 and charged["output_tokens"] == 20
    assert charged["input_tokens"] + charged["output_tokens"] <= 50_000


def test_no_call_when_the_budget_has_no_room(installed: Claude, monkeypatch: pytest.MonkeyPatch) -> None:
    found, usage = _extract(installed, monkeypatch, MEMORY_LEARNING_DAILY_TOKEN_BUDGET="500")
    assert found == [] and usage == []
    assert installed.server.cli_extraction_requests() == []


def test_a_child_that_outlives_the_timeout_is_killed_and_charged_its_estimate(
        installed: Claude, monkeypatch: pytest.MonkeyPatch) -> None:
    found, usage = _extract(installed, monkeypatch, MEMORY_LEARNING_CLAUDE_TIMEOUT_SECONDS="0.01")
    assert found == []
    (charged,) = usage
    assert charged["output_tokens"] == claude_cli.MAX_OUTPUT_TOKENS and charged["input_tokens"] > 500
