"""The Haiku extractor against a local server speaking the Messages API (the SDK's base_url)."""

from __future__ import annotations

import pytest

from memory import store
from memory.config import load_settings
from memory.learning import budget, extractors, haiku
from tests.support.api_server import ScriptedServer



def _records():
    from memory.transcript import AssistantText, ToolCall, ToolResult, UserPrompt

    return [
        UserPrompt(line=1, text="the tests fail, fix it. my key is sk-ant-api03-" + "A" * 80),
        ToolCall(line=2, id="t1", name="Bash", input={"command": "pytest -q"}),
        ToolResult(line=3, id="t1", is_error=True, text="psycopg.OperationalError: relation invoices does not exist"),
        AssistantText(line=4, text="The schema is missing; running make db first."),
        ToolCall(line=5, id="t2", name="Bash", input={"command": "make db && pytest -q"}),
        ToolResult(line=6, id="t2", is_error=False, text="42 passed"),
    ]


ANSWER = [
    {"category": "tip", "text": "Run make db before pytest; the tests need the schema.", "files": ["Makefile"],
     "confidence": 0.9},
    {"category": "nonsense", "text": "dropped: unknown category"},
    {"category": "preference", "text": "The user wants fixes verified by running the tests."},
]


@pytest.fixture
def anthropic_env(memory_home, monkeypatch):
    def start(server):
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
        return load_settings(None)
    return start


def test_haiku_is_asked_with_a_redacted_condensed_session_and_charged(anthropic_env):
    with ScriptedServer(extraction_learnings=ANSWER, usage=(1234, 321)) as server:
        config = anthropic_env(server)
        conn = store.connect()
        assert extractors.names(config.learning) == ["rules", "haiku"]
        found = haiku.extract(_records(), session_id="s1", learning=config.learning, conn=conn)
    # An answer in the old category names is read in the new ones (tip -> fact, preference -> instruction).
    assert [(f.category, f.extractor) for f in found] == [("fact", "haiku"), ("instruction", "haiku")]
    assert found[0].files == ["Makefile"] and found[0].confidence == 0.9
    (request,) = server.requests
    body = request.body
    assert request.path == "/v1/messages" and body["model"] == config.learning.haiku_model
    assert body["tool_choice"] == {"type": "tool", "name": haiku.TOOL_NAME}
    sent = body["messages"][0]["content"]
    assert "make db" in sent and "relation invoices does not exist" in sent
    assert "sk-ant-api03-AAAA" not in sent  # redacted before it left the machine
    assert budget.used_today(conn) == 1234 + 321
    row = conn.execute("SELECT model, purpose, input_tokens, output_tokens FROM llm_usage").fetchone()
    assert tuple(row) == (config.learning.haiku_model, "extract", 1234, 321)


def test_the_budget_is_checked_before_each_call(anthropic_env, monkeypatch):
    monkeypatch.setenv("MEMORY_LEARNING_DAILY_TOKEN_BUDGET", "5000")
    with ScriptedServer(extraction_learnings=ANSWER, usage=(2000, 500)) as server:
        config = anthropic_env(server)
        conn = store.connect()
        budget.charge(conn, "claude-haiku-4-5", "extract", 3500, 500)  # 4000 of 5000 spent today
        assert haiku.extract(_records(), session_id="s1", learning=config.learning, conn=conn) == []
    assert server.requests == []  # no call at all: the estimate (with the output cap) does not fit
    assert budget.used_today(conn) == 4000


def test_budget_zero_or_no_key_means_rules_only(memory_home, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    monkeypatch.setenv("MEMORY_LEARNING_DAILY_TOKEN_BUDGET", "0")
    assert extractors.names(load_settings(None).learning) == ["rules"]
    monkeypatch.setenv("MEMORY_LEARNING_DAILY_TOKEN_BUDGET", "1000")
    monkeypatch.setenv("MEMORY_LEARNING_EXTRACTOR", "rules")
    assert extractors.names(load_settings(None).learning) == ["rules"]
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.setenv("MEMORY_LEARNING_EXTRACTOR", "auto")
    assert extractors.names(load_settings(None).learning) == ["rules"]


def test_an_api_error_fails_the_job_for_a_retry_and_charges_nothing(anthropic_env):
    import anthropic

    with ScriptedServer(extraction_learnings=ANSWER, fail_with=529) as server:
        config = anthropic_env(server)
        conn = store.connect()
        with pytest.raises(anthropic.APIStatusError):
            haiku.extract(_records(), session_id="s1", learning=config.learning, conn=conn)
    assert budget.used_today(conn) == 0


def test_condense_keeps_the_start_and_the_end_within_the_cap():
    from memory.transcript import AssistantText, UserPrompt

    records = [UserPrompt(line=1, text="FIRST task statement")] + [
        AssistantText(line=i, text=f"step {i} " + "detail " * 40) for i in range(2, 400)
    ] + [UserPrompt(line=400, text="LAST correction: use pnpm")]
    text = haiku.condense(records, 2000)
    assert "FIRST task statement" in text and "LAST correction: use pnpm" in text
    assert len(text) <= 2000 * 4 + 100 and "middle of the session left out" in text
