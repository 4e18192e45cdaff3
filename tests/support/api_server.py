"""The one loopback Anthropic Messages API server of the tests: it drives the real `claude` CLI offline (e2e)
and answers the plugin's own extractors (the Haiku SDK call, `claude -p`) in the learning tests.

It speaks the real wire protocol (SSE streaming and plain JSON), records every request it receives, and
answers the main conversation from a script: turn N (N assistant messages already in the request) gets
reply N. Compaction requests get a canned `<analysis>…</analysis><summary>…</summary>`; the plugin worker's
learning extraction (a forced `record_learnings` tool call) gets `extraction_learnings`; the CLI's side
requests (titles, topic detection, …) get a short text without advancing the script. Every response reports
the `usage` it is given; `fail_with` (e.g. 529) makes every /v1/messages answer that API error instead.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Iterator, Sequence, Union

from tests.support.loopback import LoopbackServer

COMPACTION_MARKER = "Your task is to create a detailed summary of the conversation"
EXTRACTION_TOOL = "record_learnings"  # memory.learning.haiku.TOOL_NAME: the worker's Haiku extraction call
CLI_EXTRACTION_MARKER = "compound-memory learning extraction"  # memory.learning.llm_prompt.MARKER (claude -p)
DEFAULT_SUMMARY = (
    "<analysis>The user asked for work on a small project; it was done.</analysis>\n"
    "<summary>1. Primary Request and Intent: scripted end-to-end test session.\n"
    "2. Pending Tasks: none.</summary>"
)

_tool_ids = itertools.count(1)


@dataclass
class Reply:
    """One assistant message: content blocks (Messages API shape) and the stop reason."""

    content: list[dict[str, Any]]
    stop_reason: str = "end_turn"


Script = Union[Sequence[Reply], Callable[[dict, int], Reply]]


def text(message: str = "Done.") -> Reply:
    """A reply made of one text block that ends the turn."""
    return Reply([{"type": "text", "text": message}], "end_turn")


def end_turn() -> Reply:
    """The plain closing reply: 'Done.' and end_turn."""
    return text("Done.")


def tool_use(name: str, input: dict[str, Any], *, preface: str | None = None) -> Reply:
    """A reply that calls one tool (a fresh tool_use id), optionally after a short text."""
    return tool_uses((name, input), preface=preface)


def tool_uses(*calls: tuple[str, dict[str, Any]], preface: str | None = None) -> Reply:
    """A reply that calls several tools at once: each call is (name, input)."""
    blocks: list[dict[str, Any]] = []
    if preface:
        blocks.append({"type": "text", "text": preface})
    for name, tool_input in calls:
        blocks.append({"type": "tool_use", "id": f"toolu_e2e{next(_tool_ids):06d}", "name": name,
                       "input": tool_input})
    return Reply(blocks, "tool_use")


def in_order(replies: Sequence[Reply]) -> Callable[[dict, int], Reply]:
    """A script that gives its replies one per main request, in order, then `end_turn()`.

    Unlike a list script it ignores the turn count, which a resumed or compacted session does not restart.
    """
    answered = itertools.count()

    def script(body: dict, turn: int) -> Reply:
        index = next(answered)
        return replies[index] if index < len(replies) else end_turn()

    return script


# ---- reading what the model received -------------------------------------------------------------

def _flatten(content: Any) -> Iterator[str]:
    """Every piece of text inside a content value (string, block list, tool_result contents)."""
    if isinstance(content, str):
        yield content
        return
    if not isinstance(content, list):
        return
    for block in content:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text":
            yield block.get("text", "")
        elif kind == "tool_result":
            yield from _flatten(block.get("content"))
        elif kind == "tool_use":
            yield json.dumps(block.get("input", {}))


def system_text(request: dict) -> str:
    """The system prompt of a request as one string."""
    return "\n".join(_flatten(request.get("system", "")))


def messages_text(request: dict) -> str:
    """All message text of a request (user and assistant, tool results, system reminders)."""
    return "\n".join(piece for message in request.get("messages", [])
                     for piece in _flatten(message.get("content")))


def text_of(request: dict) -> str:
    """Everything the model saw in a request, flattened: system prompt, messages, tool results."""
    return system_text(request) + "\n" + messages_text(request)


def tool_results(request: dict) -> list[dict[str, Any]]:
    """The tool_result blocks of a request, each with its text flattened into 'text'."""
    results = []
    for message in request.get("messages", []):
        content = message.get("content")
        if message.get("role") != "user" or not isinstance(content, list):
            continue
        for block in content:
            if isinstance(block, dict) and block.get("type") == "tool_result":
                results.append({**block, "text": "\n".join(_flatten(block.get("content")))})
    return results


def assistant_turns(request: dict) -> int:
    """How many assistant messages the request already holds (the script's turn number)."""
    return sum(1 for message in request.get("messages", []) if message.get("role") == "assistant")


def last_user_text(request: dict) -> str:
    """The text of the last user message of a request."""
    users = [m for m in request.get("messages", []) if m.get("role") == "user"]
    return "\n".join(_flatten(users[-1].get("content"))) if users else ""


def is_compaction(request: dict) -> bool:
    """True for the CLI's request to summarise the conversation (compaction)."""
    return COMPACTION_MARKER in last_user_text(request)


def is_extraction(request: dict) -> bool:
    """True for the plugin worker's learning extraction request (it forces the `record_learnings` tool)."""
    choice = request.get("tool_choice")
    return isinstance(choice, dict) and choice.get("name") == EXTRACTION_TOOL


def is_cli_extraction(request: dict) -> bool:
    """True for the `claude -p` extractor's request: our extraction system prompt, answered as JSON text."""
    return CLI_EXTRACTION_MARKER in system_text(request)


def is_main(request: dict) -> bool:
    """True for a turn of the main conversation: tools are offered and it is not a compaction.

    In `-p` mode the system prompt starts "You are a Claude agent, built on Anthropic's Claude Agent SDK",
    not "You are Claude Code", so the offered tools are the reliable sign.
    """
    return bool(request.get("tools")) and not is_compaction(request) and not is_extraction(request)


# ---- the wire protocol ---------------------------------------------------------------------------

DEFAULT_USAGE = (100, 20)  # (input_tokens, output_tokens) every response reports unless told otherwise


def _message(reply: Reply, model: str, usage: tuple[int, int] = DEFAULT_USAGE) -> dict[str, Any]:
    """A complete (non-streamed) Messages API response."""
    return {"id": f"msg_e2e{next(_tool_ids):06d}", "type": "message", "role": "assistant", "model": model,
            "content": reply.content, "stop_reason": reply.stop_reason, "stop_sequence": None,
            "usage": {"input_tokens": usage[0], "output_tokens": usage[1], "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0}}


def sse_events(reply: Reply, model: str, usage: tuple[int, int] = DEFAULT_USAGE) -> Iterator[tuple[str, dict[str, Any]]]:
    """The SSE events that stream a reply: message_start, one start/delta/stop per block, the end."""
    start = _message(Reply([], reply.stop_reason), model, usage)
    start.update(stop_reason=None, usage={**start["usage"], "output_tokens": 1})
    yield "message_start", {"type": "message_start", "message": start}
    for index, block in enumerate(reply.content):
        if block["type"] == "text":
            yield "content_block_start", {"type": "content_block_start", "index": index,
                                          "content_block": {"type": "text", "text": ""}}
            yield "content_block_delta", {"type": "content_block_delta", "index": index,
                                          "delta": {"type": "text_delta", "text": block["text"]}}
        else:
            yield "content_block_start", {"type": "content_block_start", "index": index,
                                          "content_block": {**block, "input": {}}}
            yield "content_block_delta", {"type": "content_block_delta", "index": index,
                                          "delta": {"type": "input_json_delta",
                                                    "partial_json": json.dumps(block["input"])}}
        yield "content_block_stop", {"type": "content_block_stop", "index": index}
    yield "message_delta", {"type": "message_delta",
                            "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None},
                            "usage": {"output_tokens": usage[1]}}
    yield "message_stop", {"type": "message_stop"}


CLOSING_DELAY_S = 1.0  # before a closing answer that follows tool results (see ScriptedServer.reply_for)


@dataclass
class Recorded:
    """One request the server received: method, path (with query) and parsed JSON body."""

    method: str
    path: str
    body: dict[str, Any] = field(default_factory=dict)
    kind: str = ""  # main | compaction | extraction | cli_extraction | side | failed | other
    at: float = field(default_factory=time.monotonic)  # when it arrived (benchmarks time the CLI's turns by it)


class ScriptedServer(LoopbackServer):
    """The loopback Messages API server. Use as a context manager; `url` is its base URL."""

    def __init__(self, script: Script = (), *, summary: str = DEFAULT_SUMMARY,
                 side_reply: str = "Scripted side answer",
                 extraction_learnings: Sequence[dict[str, Any]] = (), usage: tuple[int, int] = DEFAULT_USAGE,
                 fail_with: int | None = None) -> None:
        super().__init__()
        self.script = script
        self.usage = usage
        self.fail_with = fail_with
        self.summary = summary
        self.extraction_learnings = list(extraction_learnings)
        self.side_reply = side_reply
        self.closing_delay = CLOSING_DELAY_S
        self.requests: list[Recorded] = []
        self.unknown_paths: list[str] = []
        self.egress: list[str] = []  # proxy requests: the CLI tried to reach a host other than us
        self._lock = threading.Lock()

    # -- views of what was received --
    def message_requests(self) -> list[dict]:
        """Bodies of every POST /v1/messages, in arrival order."""
        return [r.body for r in self.requests if r.kind in ("main", "compaction", "extraction", "cli_extraction",
                                                             "side")]

    def main_requests(self) -> list[dict]:
        """Bodies of the main conversation's requests, in arrival order."""
        return [r.body for r in self.requests if r.kind == "main"]

    def compaction_requests(self) -> list[dict]:
        """Bodies of the compaction (summary) requests."""
        return [r.body for r in self.requests if r.kind == "compaction"]

    def extraction_requests(self) -> list[dict]:
        """Bodies of the plugin worker's learning extraction requests."""
        return [r.body for r in self.requests if r.kind == "extraction"]

    def cli_extraction_requests(self) -> list[dict]:
        """Bodies of the `claude -p` extractor's requests."""
        return [r.body for r in self.requests if r.kind == "cli_extraction"]

    def side_requests(self) -> list[dict]:
        """Bodies of the CLI's side requests (neither main conversation nor compaction)."""
        return [r.body for r in self.requests if r.kind == "side"]

    # -- answering --
    def reply_for(self, body: dict) -> tuple[str, Reply]:
        """Classify a /v1/messages body and choose its reply."""
        if is_compaction(body):
            return "compaction", text(self.summary)
        if is_extraction(body):
            return "extraction", tool_use(EXTRACTION_TOOL, {"learnings": list(self.extraction_learnings)})
        if is_cli_extraction(body):
            return "cli_extraction", text(json.dumps({"learnings": list(self.extraction_learnings)}))
        if not is_main(body):
            return "side", text(self.side_reply)
        turn = assistant_turns(body)
        reply = self.script(body, turn) if callable(self.script) else (
            self.script[turn] if turn < len(self.script) else end_turn())
        if reply.stop_reason == "end_turn" and tool_results({"messages": body.get("messages", [])[-1:]}):
            # A model thinks before its closing answer; an instant one would end the run while the async
            # recording hooks of the last tool calls still run, and then 2.1.197 skips SessionEnd hooks.
            time.sleep(self.closing_delay)
        return "main", reply

    def _record(self, entry: Recorded) -> None:
        with self._lock:
            self.requests.append(entry)

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """Routes /v1/messages (and count_tokens), refuses proxy requests, records everything."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base class name
                pass

            def do_HEAD(self) -> None:  # noqa: N802 - http.server naming
                server._record(Recorded("HEAD", self.path, kind="other"))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_CONNECT(self) -> None:  # noqa: N802 - an HTTPS proxy tunnel: refuse and remember
                server.egress.append(f"CONNECT {self.path}")
                self._send_json(403, {"error": "no network in end-to-end tests"})

            def do_GET(self) -> None:  # noqa: N802
                if self._is_proxied():
                    return
                server._record(Recorded("GET", self.path, kind="other"))
                server.unknown_paths.append(f"GET {self.path}")
                self._send_json(404, {"type": "error", "error": {"type": "not_found_error",
                                                                 "message": "not scripted"}})

            def do_POST(self) -> None:  # noqa: N802
                if self._is_proxied():
                    return
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                route = self.path.split("?", 1)[0]
                if route == "/v1/messages/count_tokens":
                    server._record(Recorded("POST", self.path, body, "other"))
                    self._send_json(200, {"input_tokens": len(json.dumps(body)) // 4})
                elif route == "/v1/messages" and server.fail_with:
                    server._record(Recorded("POST", self.path, body, "failed"))
                    self._send_json(server.fail_with, {"type": "error", "error": {"type": "overloaded_error",
                                                                                  "message": "Overloaded"}})
                elif route == "/v1/messages":
                    kind, reply = server.reply_for(body)
                    server._record(Recorded("POST", self.path, body, kind))
                    model = body.get("model", "claude-e2e")
                    if body.get("stream"):
                        self._send_stream(reply, model)
                    else:
                        self._send_json(200, _message(reply, model, server.usage))
                else:
                    server._record(Recorded("POST", self.path, body, "other"))
                    server.unknown_paths.append(f"POST {self.path}")
                    self._send_json(404, {"type": "error", "error": {"type": "not_found_error",
                                                                     "message": "not scripted"}})

            def _is_proxied(self) -> bool:
                """A plain-HTTP proxy request (absolute URL): refuse and remember it."""
                if not self.path.startswith(("http://", "https://")):
                    return False
                server.egress.append(f"{self.command} {self.path}")
                self._send_json(403, {"error": "no network in end-to-end tests"})
                return True

            def _send_json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _send_stream(self, reply: Reply, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                for event, data in sse_events(reply, model, server.usage):
                    self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
                    self.wfile.flush()
                self.close_connection = True

        return Handler
