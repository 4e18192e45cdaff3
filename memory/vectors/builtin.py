"""The built-in embedder: lexical, not semantic, and it needs no download.

Each text becomes a fixed-size vector by feature hashing (the "hashing trick"): lower-cased words (with a
light suffix strip so that "migrations" and "migrate" meet), adjacent word pairs, and character 3- and
4-grams of each word are hashed with CRC-32 (stable across processes, unlike ``hash()``) into ``DIMENSION``
signed buckets; the result is L2-normalized. Two texts are close when they share words, word stems and
spelling fragments -- "pytest fixtures" finds "the fixture in conftest.py" -- but synonyms with no letters in
common ("car" / "automobile") are not. Ollama's embeddings are used instead when it is reachable.

Pure stdlib and a few hundred microseconds per prompt, so a hook can embed its query in-process.
"""

from __future__ import annotations

import re
import zlib

from memory.vectors.codec import normalize

MODEL = "builtin-hash-v1"
DIMENSION = 256

_WORD_RE = re.compile(r"[a-z0-9][a-z0-9_]*")
_SPLIT_CAMEL_RE = re.compile(r"([a-z0-9])([A-Z])")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s", "ly")
_STOP = frozenset(
    "a an and are as at be but by can do does for from has have how i if in into is it its me my no not of on "
    "or our so than that the their then there these this those to use used uses using was we were what when "
    "where which while who why will with you your".split()
)
STOP_WORDS = _STOP  # also the stop words of recall's keyword query
WORD_WEIGHT = 1.0
PAIR_WEIGHT = 0.7
GRAM_WEIGHT = 0.35


def stem(word: str) -> str:
    """A light, deterministic suffix strip (not a real stemmer): enough to join plural and verb forms."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """The content words of ``text``: camelCase split, lower case, stop words dropped, stemmed."""
    text = _SPLIT_CAMEL_RE.sub(r"\1 \2", text).lower()
    return [stem(w) for w in _WORD_RE.findall(text.replace("_", " ")) if w not in _STOP]


def embed(text: str) -> list[float]:
    """The unit-length ``DIMENSION``-float vector of ``text`` (all zeros when it has no content words)."""
    vector = [0.0] * DIMENSION
    tokens = words(text)
    for i, word in enumerate(tokens):
        _add(vector, "w:" + word, WORD_WEIGHT)
        if i:
            _add(vector, "p:" + tokens[i - 1] + " " + word, PAIR_WEIGHT)
        padded = f"<{word}>"
        for n in (3, 4):
            for j in range(len(padded) - n + 1):
                _add(vector, "g:" + padded[j : j + n], GRAM_WEIGHT)
    return normalize(vector)


def _add(vector: list[float], feature: str, weight: float) -> None:
    code = zlib.crc32(feature.encode("utf-8"))
    vector[code % DIMENSION] += weight if code & 0x80000000 else -weight


class BuiltinEmbedder:
    """The embedder interface (``model``, ``dimension``, ``embed_many``) over ``embed``."""

    model = MODEL
    dimension = DIMENSION

    def embed_many(self, texts: list[str]) -> list[list[float]]:
        """One vector per text."""
        return [embed(text) for text in texts]
