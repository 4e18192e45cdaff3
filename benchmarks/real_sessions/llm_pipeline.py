"""The two LLM extractors on the labelled sessions, with the scripted loopback API server as the model.

    python -m benchmarks.real_sessions.score_learnings --extractor haiku-scripted
    python -m benchmarks.real_sessions.score_learnings --extractor claude-cli-scripted

What this measures: the pipeline, not a model. For each session the scripted server answers the extraction
request with that session's gold learnings (an oracle: what a perfect model would say) plus one item that a
careless model would add -- the user's first request filed as a standing instruction. Everything else is real: the session condensed and redacted, the prompt, the
Messages API call through the `anthropic` client (Haiku) or the pinned `claude` CLI run headless with the plugin
off (claude -p), the answer parsed and validated into learnings, merged with the rules extractor's as the worker
merges them. So the figures say whether the pipeline keeps what the model says correctly, drops what it must
(malformed items), and passes through what it should not (the distractor shows up as wrong/harmful: the LLM
extractors do not filter task text on their own). A model's real quality needs a real key and is not measured
here.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator



def _gold(stem: str) -> dict:
    from benchmarks.real_sessions.score_learnings import sessions

    return next(s["gold"] for s in sessions() if s["stem"] == stem)


def answer_for(stem: str, records: list) -> list[dict]:
    """What the scripted model answers for a session: its gold learnings, and the user's first request (the
    task) filed as an instruction, the mistake a careless model makes."""
    gold = _gold(stem)
    items = [{"category": g["category"], "text": g["text"], "scope": g["scope"],
              "scope_reason": "the user said so in the session" if g["scope"] == "global" else ""}
             for g in gold["learnings"]]
    first = next((r.text for r in records if type(r).__name__ == "UserPrompt" and r.kind == "prompt"
                  and not r.sidechain), "")
    if first.strip():
        items.append({"category": "instruction", "text": " ".join(first.split())[:300]})
    return items


@contextmanager
def _scripted(stem: str, records: list, **env: str) -> Iterator[object]:
    """A scripted server answering with ``answer_for(stem)``, this process's environment pointed at it, and a
    private data folder (store, budget) for the call."""
    from tests.support.api_server import ScriptedServer

    saved = dict(os.environ)
    with ScriptedServer(extraction_learnings=answer_for(stem, records)) as server, tempfile.TemporaryDirectory() as tmp:
        os.environ.update({"ANTHROPIC_BASE_URL": server.url, "ANTHROPIC_API_KEY": "x", "MEMORY_HOME": tmp,
                           "HOME": tmp, "MEMORY_EMBEDDINGS_PROVIDER": "builtin",
                           "MEMORY_LEARNING_DAILY_TOKEN_BUDGET": "10000000", "DISABLE_AUTOUPDATER": "1",
                           "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_TELEMETRY": "1",
                           "HTTPS_PROXY": server.url, "HTTP_PROXY": server.url, "NO_PROXY": "127.0.0.1,localhost",
                           **env})
        os.environ.pop("MEMORY_DISABLE", None)
        try:
            yield server
        finally:
            os.environ.clear()
            os.environ.update(saved)


def _run(records: list, stem: str, llm, with_rules: bool) -> list:
    """The LLM extractor's learnings, alone or merged with the rules' as the worker merges them."""
    from memory import store
    from memory.config import load_settings
    from memory.learning.extractors import merge
    from memory.learning.llm_prompt import drop_echoed_tasks
    from memory.learning.rules import extract

    conn = store.connect()
    try:
        learning = load_settings().learning
        found = drop_echoed_tasks(llm.extract(records, session_id=stem, learning=learning, conn=conn), records)
    finally:
        conn.close()
    return merge(list(extract(records, session_id=stem)) + found) if with_rules else found


def haiku_scripted(records: list, stem: str, with_rules: bool = False) -> list:
    """The Haiku extractor (anthropic client) against the scripted server."""
    from memory.learning import haiku

    with _scripted(stem, records, MEMORY_LEARNING_EXTRACTOR="haiku"):
        return _run(records, stem, haiku, with_rules)


def claude_cli_scripted(records: list, stem: str, with_rules: bool = False) -> list:
    """The `claude -p` extractor (the pinned CLI, headless, plugin off) against the scripted server."""
    from memory.learning import claude_cli
    from tests.e2e.claude_runner import find_claude

    binary = Path(find_claude(install=False))
    with _scripted(stem, records, MEMORY_LEARNING_EXTRACTOR="claude-cli",
                   MEMORY_LEARNING_CLAUDE_COMMAND=str(binary)):
        return _run(records, stem, claude_cli, with_rules)



