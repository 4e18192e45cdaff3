"""Embedders, pack files and the LanceDB index, on real SQLite and real LanceDB."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from memory import store
from memory.store import jobs
from memory.config import load_settings
from memory.vectors import builtin, choose, codec, lance, minilm, ollama, pack
from tests.support.ollama_server import FakeOllama, fake_embedding


def _insert(conn, text, project_id=None, model=builtin.MODEL, vector=None):
    vector = vector if vector is not None else builtin.embed(text)
    cur = conn.execute(
        "INSERT INTO learnings(project_id, category, text, text_hash, embedding_model, vector) VALUES (?,?,?,?,?,?)",
        (project_id, "tip", text, str(hash(text)), model, codec.to_blob(vector)))
    return cur.lastrowid


def test_builtin_embedding_is_unit_length_and_stable_across_processes():
    vector = builtin.embed("Run make db before pytest")
    assert len(vector) == builtin.DIMENSION
    assert abs(sum(x * x for x in vector) - 1.0) < 1e-6
    code = "from memory.vectors import builtin; print(builtin.embed('Run make db before pytest')[:8])"
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outputs) == 1  # CRC-32, not hash(): the same vector in every process
    assert json.loads(outputs.pop()) == pytest.approx(vector[:8], abs=1e-12)
    assert builtin.embed("the and of") == [0.0] * builtin.DIMENSION


def test_builtin_embedding_is_lexical():
    query = builtin.embed("why are the migrations failing")
    related = builtin.embed("Database migration fails unless make db ran first")
    unrelated = builtin.embed("The user prefers tabs in the Makefile")
    assert codec.cosine(query, related) > codec.cosine(query, unrelated) + 0.1


def test_pack_nearest_matches_a_full_scan_and_sees_rows_added_after_the_pack(memory_home):
    conn = store.connect()
    texts = [f"learning number {i} about {topic}" for i, topic in
             enumerate(["pytest fixtures", "docker compose", "pnpm workspaces", "alembic migrations"] * 5)]
    ids = [_insert(conn, t, project_id=None) for t in texts]
    assert pack.write_pack(conn, None, builtin.MODEL) == len(ids)
    late = _insert(conn, "alembic migrations need a database url", project_id=None)
    query = builtin.embed("alembic migration")
    got = pack.nearest(conn, [None], builtin.MODEL, query, 5)
    expected = sorted(((codec.cosine(query, builtin.embed(t)), i) for t, i in
                       zip(texts + ["alembic migrations need a database url"], ids + [late])), reverse=True)[:5]
    assert [i for i, _ in got] == [i for _, i in expected]
    assert [s for _, s in got] == pytest.approx([s for s, _ in expected], abs=1e-5)
    assert late in [i for i, _ in got]


def test_a_corrupt_pack_is_ignored_not_trusted(memory_home):
    conn = store.connect()
    first = _insert(conn, "pnpm is the package manager")
    pack.write_pack(conn, None, builtin.MODEL)
    with open(pack.pack_path(None, builtin.MODEL), "r+b") as handle:
        handle.truncate(30)
    assert pack.read_pack(None, builtin.MODEL) == ([], None, 0, 0)
    # a damaged pack covers nothing, so every row is scanned from SQLite: slower, still right
    assert [i for i, _ in pack.nearest(conn, [None], builtin.MODEL, builtin.embed("pnpm"), 3)] == [first]


def test_ollama_embedder_and_query_over_http_against_a_local_server():
    with FakeOllama(dimension=24) as server:
        assert ollama.reachable(server.url, "nomic-embed-text", 1.0)
        assert not ollama.reachable(server.url, "mxbai-embed-large", 1.0)
        embedder = ollama.OllamaEmbedder(server.url, "nomic-embed-text", 2.0)
        vectors = embedder.embed_many(["one", "two"])
        assert vectors[1] == pytest.approx(fake_embedding("two", 24))
        assert embedder.model == "ollama:nomic-embed-text" and embedder.dimension == 24
        assert ollama.embed_query_http(server.url, "nomic-embed-text", "two", 1.0) == pytest.approx(vectors[1])
        assert [r["path"] for r in server.requests] == ["/api/tags", "/api/tags", "/api/embed", "/api/embed"]
    assert ollama.embed_query_http(server.url, "nomic-embed-text", "two", 0.5) is None  # server gone
    assert not ollama.reachable("http://127.0.0.1:9", "nomic-embed-text", 0.5)


def test_worker_uses_ollama_when_reachable_and_reembeds_in_the_background(memory_home, monkeypatch):
    conn = store.connect()
    old = [_insert(conn, t, project_id=None) for t in ("use pnpm", "run make db first")]
    with FakeOllama(dimension=16) as server:
        monkeypatch.setenv("MEMORY_EMBEDDINGS_PROVIDER", "auto")
        monkeypatch.setenv("MEMORY_EMBEDDINGS_OLLAMA_HOST", server.url)
        embedder = choose.worker_embedder(load_settings(None).embeddings)
        assert embedder.model == "ollama:nomic-embed-text"
        job_id = choose.enqueue_reembed_if_needed(conn, embedder.model)
        assert job_id is not None and choose.enqueue_reembed_if_needed(conn, embedder.model) is None
        job = jobs.claim(conn, "test")
        choose.reembed_all(conn, job["id"], json.loads(job["payload_json"]))
    rows = conn.execute("SELECT id, embedding_model, vector FROM learnings ORDER BY id").fetchall()
    assert {r["embedding_model"] for r in rows} == {"ollama:nomic-embed-text"}
    assert codec.from_blob(rows[0]["vector"]) == pytest.approx(fake_embedding("use pnpm", 16), abs=1e-6)
    assert conn.execute("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()[0] == "done"
    assert not os.path.exists(pack.pack_path(None, builtin.MODEL))  # the old model's pack is gone
    ids, matrix, dimension, _ = pack.read_pack(None, "ollama:nomic-embed-text")
    assert ids == old and dimension == 16
    assert lance.count("ollama:nomic-embed-text") == 2


def test_auto_falls_back_to_minilm_when_ollama_is_down_and_to_builtin_while_it_installs(memory_home, monkeypatch,
                                                                                     tmp_path):
    monkeypatch.setenv("MEMORY_EMBEDDINGS_PROVIDER", "auto")
    monkeypatch.setenv("MEMORY_EMBEDDINGS_OLLAMA_HOST", "http://127.0.0.1:9")
    monkeypatch.setenv("MEMORY_EMBEDDINGS_OLLAMA_TIMEOUT_SECONDS", "0.3")
    assert choose.worker_embedder(load_settings(None).embeddings).model == minilm.MODEL
    monkeypatch.setenv("MEMORY_MINILM_DIR", str(tmp_path))  # no weights there: the package is not installed yet
    assert choose.worker_embedder(load_settings(None).embeddings).model == builtin.MODEL


def test_lancedb_index_follows_sqlite_and_reindex_rebuilds_it(memory_home):
    conn = store.connect()
    conn.execute("INSERT INTO projects(id, key, root, name) VALUES (1, 'k', '/tmp/p', 'p')")
    ids = [_insert(conn, t, project_id=1 if i % 2 else None) for i, t in
           enumerate(["use pnpm for installs", "run make db before tests", "jwt in httpOnly cookies"])]
    assert lance.upsert(conn, ids) == 3
    assert lance.upsert(conn, ids[:1]) == 1 and lance.count(builtin.MODEL) == 3  # replaced, not duplicated
    hits = lance.search(builtin.MODEL, builtin.embed("make db tests"), 2, [0, 1])
    assert hits[0][0] == ids[1]
    conn.execute("UPDATE learnings SET forgotten_at = 'x' WHERE id = ?", (ids[2],))
    assert choose.reindex(conn) == {lance.table_name(builtin.MODEL): 2}
    assert lance.count(builtin.MODEL) == 2
    assert sorted(pack.read_pack(None, builtin.MODEL)[0] + pack.read_pack(1, builtin.MODEL)[0]) == ids[:2]
