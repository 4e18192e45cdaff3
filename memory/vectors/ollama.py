"""Semantic embeddings from a local Ollama server (``/api/embed``), for the worker and the CLI.

The worker uses the ``ollama`` client (imported lazily). A hook that must embed a prompt for Ollama-made
vectors calls ``embed_query_http`` instead: one POST over ``http.client`` with a short timeout, no client
library on the hot path.
"""

from __future__ import annotations

import json

MODEL_PREFIX = "ollama:"


def model_name(ollama_model: str) -> str:
    """The ``embedding_model`` recorded for vectors made by ``ollama_model``."""
    return MODEL_PREFIX + ollama_model


class OllamaEmbedder:
    """Embeds through a reachable Ollama server; ``dimension`` is learned from the first answer."""

    def __init__(self, host: str, model: str, timeout: float) -> None:
        import ollama

        self.client = ollama.Client(host=host, timeout=timeout)
        self.ollama_model = model
        self.model = model_name(model)
        self.dimension: int | None = None

    def embed_many(self, texts: list[str]) -> list[list[float]]:
        """One vector per text (one request for the batch)."""
        if not texts:
            return []
        answer = self.client.embed(model=self.ollama_model, input=texts)
        vectors = [list(map(float, v)) for v in answer["embeddings"]]
        if len(vectors) != len(texts):
            raise RuntimeError(f"ollama returned {len(vectors)} embeddings for {len(texts)} texts")
        self.dimension = len(vectors[0])
        return vectors


def reachable(host: str, model: str, timeout: float) -> bool:
    """True when an Ollama server answers at ``host`` and has ``model`` (``/api/tags``)."""
    try:
        status, body = _request(host, "GET", "/api/tags", None, timeout)
    except OSError:
        return False
    if status != 200:
        return False
    try:
        names = {m.get("name", "") for m in json.loads(body).get("models", [])}
    except (ValueError, AttributeError):
        return False
    return any(name == model or name.split(":")[0] == model.split(":")[0] for name in names)


def embed_query_http(host: str, model: str, text: str, timeout: float) -> list[float] | None:
    """Embed one query over plain HTTP within ``timeout`` seconds; None on any failure (the hook goes on)."""
    try:
        status, body = _request(host, "POST", "/api/embed", {"model": model, "input": text}, timeout)
        if status != 200:
            return None
        return [float(x) for x in json.loads(body)["embeddings"][0]]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


def _request(host: str, method: str, path: str, payload: dict | None, timeout: float) -> tuple[int, bytes]:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(host if "://" in host else "http://" + host)
    conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = conn_class(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        body = json.dumps(payload).encode() if payload is not None else None
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
