"""A threaded HTTP server on 127.0.0.1 (a free port), the base of the loopback stand-ins for remote services
(the Messages API in api_server.py, Ollama in ollama_server.py). Use a server as a context manager."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer:
    """Serves ``handler_class()`` on loopback between ``__enter__`` and ``__exit__``; ``url`` is its base URL."""

    def __init__(self) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class; it reaches this server through a closure."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        """The base URL (e.g. ANTHROPIC_BASE_URL, OLLAMA_HOST)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
