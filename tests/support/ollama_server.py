"""A loopback stand-in for a local Ollama, speaking its real wire protocol on 127.0.0.1: ``GET /api/tags``,
``GET /api/version`` and ``POST /api/embed`` with deterministic vectors (``fake_embedding``)."""

from __future__ import annotations

import hashlib
import json
import math
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.loopback import LoopbackServer


def fake_embedding(text: str, dimension: int = 32) -> list[float]:
    """A deterministic unit vector per text (the same text always gives the same vector)."""
    seed = hashlib.sha256(text.encode()).digest()
    raw = [(seed[i % len(seed)] - 127.5) * (1 + i % 3) for i in range(dimension)]
    norm = math.sqrt(sum(x * x for x in raw))
    return [x / norm for x in raw]


class FakeOllama(LoopbackServer):
    """Ollama's embed API with one model available; ``requests`` holds every request (method, path, body,
    headers)."""

    def __init__(self, model: str = "nomic-embed-text", dimension: int = 32) -> None:
        super().__init__()
        self.model, self.dimension = model, dimension
        self.requests: list[dict[str, Any]] = []

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """Records each request and answers it with ``answer``."""
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

    def answer(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        """The status and JSON body Ollama gives for this request."""
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
