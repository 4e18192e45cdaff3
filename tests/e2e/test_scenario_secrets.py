"""Scenario: secrets in a real Claude Code session never reach the memory, its log, or what it sends.

A session through the real CLI gets fake secrets in the prompt, in Bash commands (one failing), in a todo
list, in a written .env file and in the assistant's text; when it ends the worker extracts learnings (rules,
and Haiku via the scripted server, whose answer itself carries a secret). Then every byte under the data
folder, the extraction request and the next session's first request (which holds only what the plugin
injected) are searched for each secret.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.api_server import ScriptedServer, in_order, text, tool_use
from tests.e2e.claude_runner import make_claude
from tests.support.store import wait_for_worker
from tests.fixtures.secrets_corpus import SECRET_CASES, leaked

pytestmark = pytest.mark.e2e


def _value(kind: str) -> str:
    return next(value for name, _, value in SECRET_CASES if name == kind)


ANTHROPIC, STRIPE, GITHUB = _value("anthropic-key:env"), _value("stripe-key:env"), _value("github-token:prompt")
PASSWORD, PEM, DISCORD = _value("password:mysql"), _value("private-key:prompt"), _value("discord-token:env")
SECRETS = [ANTHROPIC, STRIPE, GITHUB, PASSWORD, PEM, DISCORD]


def test_a_session_full_of_secrets_leaves_none_behind(tmp_path: Path, claude_binary: Path):
    haiku = {"category": "tip", "text": f"Deploy with the key {DISCORD} set in the environment."}
    with ScriptedServer(extraction_learnings=[haiku]) as server:
        claude = make_claude(tmp_path, server, binary=claude_binary)
        server.script = in_order([
            tool_use("Bash", {"command": f"export STRIPE_KEY={STRIPE} && echo configured",
                              "description": "Configure Stripe"}),
            tool_use("Bash", {"command": f"mysql -h 127.0.0.1 -u root -p'{PASSWORD}' -e 'select 1'",
                              "description": "Check the database"}),
            tool_use("TodoWrite", {"todos": [{"content": f"Rotate {GITHUB}", "status": "in_progress",
                                              "activeForm": "Rotating the token"}]}),
            tool_use("Write", {"file_path": str(claude.cwd / ".env"),
                               "content": f"ANTHROPIC_API_KEY={ANTHROPIC}\nDISCORD_TOKEN={DISCORD}\n{PEM}\n"}),
            text(f"Done. I stored {GITHUB} in .env; the private key is:\n{PEM}"),
        ])
        first = claude.run(f"Set up deploys. My Anthropic key is {ANTHROPIC} and the db password is {PASSWORD}.",
                           extra_args=["--allowedTools", "Bash,Write,TodoWrite"])
        assert first.returncode == 0, first.describe()
        wait_for_worker(claude.data_dir)
        assert server.extraction_requests(), "the worker never asked Haiku"
        seen = len(server.requests)
        server.script = in_order([text("Noted.")])
        second = claude.run("Continue with the deploy setup.")
        assert second.returncode == 0, second.describe()
        wait_for_worker(claude.data_dir)
        later_main = [r.body for r in server.requests[seen:] if r.kind == "main"]

    stored = b"\n".join(p.read_bytes() for p in sorted(claude.data_dir.rglob("*"))
                        if p.is_file() and "venv" not in p.relative_to(claude.data_dir).parts[:1])
    for secret in SECRETS:
        assert not leaked(secret, stored.decode("utf-8", "replace")), secret[:12]
        for body in server.extraction_requests():
            assert not leaked(secret, str(body)), secret[:12]
        for body in later_main:  # a new session: whatever it holds of the last one, the plugin injected
            assert not leaked(secret, str(body)), secret[:12]
    assert b"[REDACTED:" in stored
