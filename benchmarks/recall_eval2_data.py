"""The hard recall evaluation set (benchmarks/recall_eval2/): loading it and checking how it was written.

``content_tokens`` is the mechanical check behind the "semantic" class: a semantic prompt must share no
token with any of its targets, where tokens are what SQLite's FTS5 ``porter unicode61`` tokenizer (the one
``learnings_fts`` uses) makes of the text, minus the stop words recall drops from its queries.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "recall_eval2"
CLASSES = ("lexical", "semantic", "none", "cross", "superseded")


def load() -> tuple[list[dict], list[dict]]:
    """(learnings, prompts) of the set, as written in its JSON Lines files."""
    def read(name: str) -> list[dict]:
        with open(FOLDER / name, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    return read("learnings.jsonl"), read("prompts.jsonl")


def content_tokens(text: str) -> set[str]:
    """The FTS5 tokens (porter stemmed, unicode61) of ``text``, recall's stop words left out."""
    from memory.vectors.builtin import STOP_WORDS

    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
        conn.execute("INSERT INTO t(x) VALUES (?)", (text,))
        tokens = {row[0] for row in conn.execute("SELECT term FROM v")}
    finally:
        conn.close()
    return tokens - content_tokens_stop(STOP_WORDS)


def content_tokens_stop(words: frozenset[str]) -> set[str]:
    """The stop words as FTS5 tokens (stemmed the same way), so that "does" and "doe" both drop out."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
        conn.execute("INSERT INTO t(x) VALUES (?)", (" ".join(sorted(words)),))
        return {row[0] for row in conn.execute("SELECT term FROM v")} | set(words)
    finally:
        conn.close()


def shared_tokens(prompt: dict, learnings_by_key: dict[str, dict]) -> dict[str, set[str]]:
    """For each target of ``prompt``: the content tokens it shares with the prompt."""
    mine = content_tokens(prompt["prompt"])
    return {key: mine & content_tokens(learnings_by_key[key]["text"]) for key in prompt["relevant"]}
