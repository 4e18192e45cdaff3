"""The scripted server speaks the real Messages API wire protocol: checked with the official client.

No `claude` binary needed: these run in every test run, e2e or not.
"""

from __future__ import annotations

import json
import urllib.request

import anthropic
import pytest

from tests.support.api_server import (COMPACTION_MARKER, DEFAULT_SUMMARY, ScriptedServer, assistant_turns, in_order,
                                  text, text_of, tool_results, tool_use, tool_uses)

TOOLS = [{"name": "Read", "description": "read", "input_schema": {"type": "object"}}]


def _client(server: ScriptedServer) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=server.url, api_key="x", max_retries=0)


def _ask(server: ScriptedServer, messages: list[dict], *, tools: list | None = TOOLS, stream: bool = True):
    client = _client(server)
    options = {"model": "claude-e2e", "max_tokens": 100, "messages": messages, "system": "sys"}
    if tools:
        options["tools"] = tools
    if stream:
        with client.messages.stream(**options) as events:
            return events.get_final_message()
    return client.messages.create(**options)


def test_streamed_tool_uses_parse_with_the_official_client() -> None:
    reply = tool_uses(("Read", {"file_path": "/a.py", "limit": 3}), ("Bash", {"command": "ls"}),
                      preface="Looking.")
    with ScriptedServer([reply]) as server:
        message = _ask(server, [{"role": "user", "content": "go"}])
    assert message.stop_reason == "tool_use"
    assert message.content[0].type == "text" and message.content[0].text == "Looking."
    calls = [(block.name, block.input) for block in message.content[1:]]
    assert calls == [("Read", {"file_path": "/a.py", "limit": 3}), ("Bash", {"command": "ls"})]
    assert message.content[1].id != message.content[2].id


def test_turn_n_gets_reply_n_and_then_end_turn() -> None:
    script = [tool_use("Read", {"file_path": "/a"}), text("second")]
    history = [{"role": "user", "content": "go"}]
    with ScriptedServer(script) as server:
        first = _ask(server, history)
        history += [{"role": "assistant", "content": [b.model_dump() for b in first.content]},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": first.content[0].id,
                                                  "content": "file text"}]}]
        second = _ask(server, history)
        history += [{"role": "assistant", "content": "second"}, {"role": "user", "content": "more"}]
        third = _ask(server, history)
        assert [assistant_turns(body) for body in server.main_requests()] == [0, 1, 2]
        assert tool_results(server.main_requests()[1])[0]["text"] == "file text"
    assert second.content[0].text == "second"
    assert third.content[0].text == "Done." and third.stop_reason == "end_turn"


def test_callable_script_sees_the_body_and_turn() -> None:
    seen = []

    def script(body: dict, turn: int):
        seen.append((turn, body["messages"][-1]["content"]))
        return text(f"turn {turn}")

    with ScriptedServer(script) as server:
        message = _ask(server, [{"role": "user", "content": "hello"}], stream=False)
    assert message.content[0].text == "turn 0"
    assert seen == [(0, "hello")]


def test_compaction_and_side_requests_do_not_advance_the_script() -> None:
    with ScriptedServer([text("main reply")]) as server:
        summary = _ask(server, [{"role": "user", "content": f"{COMPACTION_MARKER}. Go."}])
        side = _ask(server, [{"role": "user", "content": "title please"}], tools=None, stream=False)
        main = _ask(server, [{"role": "user", "content": "go"}])
        assert [r.kind for r in server.requests] == ["compaction", "side", "main"]
        assert len(server.compaction_requests()) == len(server.side_requests()) == 1
    assert summary.content[0].text == DEFAULT_SUMMARY
    assert side.content[0].text == "Scripted side answer"
    assert main.content[0].text == "main reply"


def test_text_of_flattens_system_messages_and_tool_results() -> None:
    body = {"system": [{"type": "text", "text": "SYS"}],
            "messages": [{"role": "user",
                          "content": [{"type": "text", "text": "<system-reminder>R</system-reminder>"}]},
                         {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "Read",
                                                            "input": {"file_path": "/x"}}]},
                         {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t",
                                                       "content": [{"type": "text", "text": "RESULT"}]}]},
                         {"role": "system", "content": "SessionStart hook additional context: C"}]}
    seen = text_of(body)
    for piece in ("SYS", "<system-reminder>R</system-reminder>", '"/x"', "RESULT", "additional context: C"):
        assert piece in seen
    assert [r["text"] for r in tool_results(body)] == ["RESULT"]


def test_proxy_requests_are_refused_and_recorded_as_egress() -> None:
    with ScriptedServer() as server:
        proxy = urllib.request.ProxyHandler({"http": server.url})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.build_opener(proxy).open("http://example.invalid/telemetry", timeout=5)
        assert refused.value.code == 403
        assert server.egress == ["GET http://example.invalid/telemetry"]


def test_unknown_paths_are_logged_and_count_tokens_is_answered() -> None:
    with ScriptedServer() as server:
        request = urllib.request.Request(f"{server.url}/v1/messages/count_tokens", method="POST",
                                         data=json.dumps({"messages": []}).encode())
        with urllib.request.urlopen(request, timeout=5) as response:
            assert "input_tokens" in json.load(response)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{server.url}/v1/models", timeout=5)
        assert server.unknown_paths == ["GET /v1/models"]


def test_extraction_request_gets_the_scripted_learnings_without_advancing_the_script() -> None:
    learning = {"category": "tip", "text": "Run the checks with make check."}
    with ScriptedServer([text("main reply")], extraction_learnings=[learning]) as server:
        message = _client(server).messages.create(
            model="claude-haiku-4-5", max_tokens=100, system="extract",
            tools=[{"name": "record_learnings", "description": "d", "input_schema": {"type": "object"}}],
            tool_choice={"type": "tool", "name": "record_learnings"},
            messages=[{"role": "user", "content": "<session>\nUSER: hi\n</session>"}])
        main = _ask(server, [{"role": "user", "content": "go"}])
        assert [r.kind for r in server.requests] == ["extraction", "main"]
        assert len(server.extraction_requests()) == 1 and len(server.main_requests()) == 1
    (block,) = message.content
    assert (block.type, block.name, block.input) == ("tool_use", "record_learnings", {"learnings": [learning]})
    assert main.content[0].text == "main reply"


def test_in_order_script_ignores_the_turn_count() -> None:
    script = in_order([text("one"), text("two")])
    replies = [script({}, turn) for turn in (7, 7, 9)]
    assert [r.content[0]["text"] for r in replies] == ["one", "two", "Done."]
