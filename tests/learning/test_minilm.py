"""The MiniLM embedder: real weights from the installed package, run in numpy, checked against known values."""

from __future__ import annotations

import subprocess
import sys

import pytest

from memory.vectors import minilm


def _cos(a, b):
    return sum(x * y for x, y in zip(a, b))


def test_weights_come_from_the_installed_package():
    folder = minilm.model_dir()
    assert folder is not None and folder.endswith("model")
    assert minilm.available()


def test_wordpiece_matches_bert_uncased():
    # ids from bert-base-uncased's vocabulary (the one all-MiniLM-L6-v2 uses)
    assert minilm.wordpiece_ids("Hello, world!") == [7592, 1010, 2088, 999]
    assert minilm.basic_tokens("Déjà-vu's") == ["deja", "-", "vu", "'", "s"]
    assert minilm.wordpiece_ids("unaffable") == [14477, 20961, 3468]  # un ##aff ##able
    assert len(minilm.wordpiece_ids("word " * 1000)) == minilm.MAX_TOKENS - 2


def test_vectors_match_sentence_transformers():
    # the sentence-transformers documentation's example pair: cosine 0.7553 with the reference implementation
    a, b, c = minilm.MiniLMEmbedder().embed_many(
        ["A man is eating food.", "A man is eating a piece of bread.", "The girl is carrying a baby."])
    assert len(a) == minilm.DIMENSION and abs(_cos(a, a) - 1.0) < 1e-5
    assert _cos(a, b) == pytest.approx(0.7553, abs=0.005)
    assert _cos(a, c) < 0.1


def test_batched_and_single_embeddings_agree():
    texts = ["short", "a somewhat longer sentence about celery workers and redis brokers", "mid length text"]
    batched = minilm.MiniLMEmbedder().embed_many(texts)
    for text, vector in zip(texts, batched):
        assert _cos(minilm.embed(text), vector) > 0.9999


def test_meaning_without_shared_words():
    query = minilm.embed("why did the customer get the same message two times after the box rebooted?")
    near = minilm.embed("Tasks must be idempotent: the broker redelivers a task when a worker dies mid-run.")
    far = minilm.embed("Use named exports only; default exports are banned by the linter.")
    assert _cos(query, near) > _cos(query, far) + 0.1


def test_a_hook_process_started_with_minus_s_finds_the_weights_and_uses_one_blas_thread():
    code = ("import os; from memory.vectors import minilm; v = minilm.embed('hello'); "
            "print(len(v), os.environ['OPENBLAS_NUM_THREADS'])")
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True,
                          cwd=str(minilm.__file__).rsplit("/memory/", 1)[0])
    assert done.stdout.split() == ["384", "1"]
