"""Loopback stand-ins for the two remote services, speaking their real wire protocols on 127.0.0.1.

- ``FakeAnthropic``: the Messages API (``POST /v1/messages``), answering with a ``record_learnings`` tool call
  and a ``usage`` block, recording every request body.
- ``FakeOllama``: ``GET /api/tags``, ``GET /api/version`` and ``POST /api/embed`` with deterministic vectors.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        handler = self._handler_class()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                server.requests.append({"method": method, "path": self.path, "body": body,
                                        "headers": dict(self.headers)})
                status, data = server.answer(method, self.path.split("?")[0], body)
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:  # noqa: N802
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

            def log_message(self, *args) -> None:
                pass

        return Handler


class FakeAnthropic(_Server):
    """Messages API: every call returns ``learnings`` in a tool call, with the given usage."""

    def __init__(self, learnings: list[dict[str, Any]], input_tokens: int = 1500, output_tokens: int = 200,
                 status: int = 200) -> None:
        super().__init__()
        self.learnings, self.input_tokens, self.output_tokens, self.status = learnings, input_tokens, output_tokens, status

    def answer(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        if method != "POST" or path != "/v1/messages":
            return 404, {"type": "error", "error": {"type": "not_found_error", "message": path}}
        if self.status != 200:
            return self.status, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        tool = body["tool_choice"]["name"]
        return 200, {
            "id": "msg_test", "type": "message", "role": "assistant", "model": body["model"],
            "content": [{"type": "tool_use", "id": "toolu_test", "name": tool, "input": {"learnings": self.learnings}}],
            "stop_reason": "tool_use", "stop_sequence": None,
            "usage": {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens},
        }


def fake_embedding(text: str, dimension: int = 32) -> list[float]:
    """A deterministic unit vector per text (the same text always gives the same vector)."""
    seed = hashlib.sha256(text.encode()).digest()
    raw = [(seed[i % len(seed)] - 127.5) * (1 + i % 3) for i in range(dimension)]
    norm = math.sqrt(sum(x * x for x in raw))
    return [x / norm for x in raw]


class FakeOllama(_Server):
    """Ollama's embed API with one model available."""

    def __init__(self, model: str = "nomic-embed-text", dimension: int = 32) -> None:
        super().__init__()
        self.model, self.dimension = model, dimension

    def answer(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        if path == "/api/version":
            return 200, {"version": "0.6.3"}
        if path == "/api/tags":
            return 200, {"models": [{"name": f"{self.model}:latest", "model": f"{self.model}:latest",
                                     "size": 274302450, "digest": "0a109f422b47", "details": {}}]}
        if path == "/api/embed" and method == "POST":
            if body["model"].split(":")[0] != self.model:
                return 404, {"error": f"model '{body['model']}' not found"}
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            return 200, {"model": body["model"], "embeddings": [fake_embedding(t, self.dimension) for t in texts],
                         "total_duration": 1000, "load_duration": 10, "prompt_eval_count": len(texts)}
        return 404, {"error": "not found"}
