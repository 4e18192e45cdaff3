"""/memory-status, /memory-learnings [query], /memory-forget <id> and /memory-handoff through the real
`claude` CLI: the command's !`…` line runs our CLI through hooks/run, and the request the model receives
holds its output."""

from __future__ import annotations

import pytest

from tests.support.store import Store, build_store
from tests.support.api_server import text, text_of

pytestmark = pytest.mark.e2e


@pytest.fixture
def populated(claude, tmp_path) -> Store:
    """The CLI tests' populated store, built in the claude fixture's own data and project folders."""
    assert claude.data_dir == tmp_path / "data" and claude.cwd == tmp_path / "project"
    return build_store(tmp_path)


def _command(claude, api_server, prompt: str) -> str:
    """Run a slash command; return the text of the one request the model got."""
    api_server.script = [text("Relayed.")]
    run = claude.run(prompt)
    assert run.returncode == 0, run.describe()
    requests = api_server.main_requests()
    assert len(requests) == 1, run.describe() + "\n" + str([e for e in run.events if e.get("type") == "user"])
    return text_of(requests[0])


def _learning_id(store: Store, words: str) -> int:
    with store.db() as conn:
        return conn.execute("SELECT id FROM learnings WHERE text LIKE ?", (f"%{words}%",)).fetchone()[0]


def test_memory_status(claude, api_server, populated):
    seen = _command(claude, api_server, "/memory-status")
    assert "memory-status</command-name>" in seen
    assert "=== Memory System Status ===" in seen
    assert f"Database: {populated.home / 'memory.db'}" in seen
    assert "Handoffs: 1 saved" in seen and "Signatures: 1 cached" in seen
    with populated.db() as conn:
        live = conn.execute("SELECT count(*) FROM learnings WHERE forgotten_at IS NULL").fetchone()[0]
        original, delivered = conn.execute(
            "SELECT sum(original_tokens), sum(delivered_tokens) FROM signature_reads").fetchone()
    assert f"Learnings: {live} stored" in seen
    assert f"Tokens saved: {original - delivered:,} net (" in seen and "1 narrowed Read(s)) in total" in seen
    assert "Relay the status block above" in seen
    # the current session is the one running the command ($CLAUDE_CODE_SESSION_ID), not the replayed one
    current = [line for line in seen.splitlines() if line.startswith("Current Session: ")]
    assert len(current) == 1 and "cli-sess-current" not in current[0], seen
    with populated.db() as conn:
        assert conn.execute("SELECT 1 FROM sessions WHERE id = ?", (current[0].split(": ")[1],)).fetchone()


def test_memory_learnings_lists_recent(claude, api_server, populated):
    seen = _command(claude, api_server, "/memory-learnings")
    assert "=== Recent Learnings ===" in seen
    assert "[instruction] Always run ruff before committing." in seen
    assert "Total learnings: " in seen


def test_memory_learnings_with_a_query(claude, api_server, populated):
    seen = _command(claude, api_server, "/memory-learnings tabs delimiter")
    assert '=== Learnings matching "tabs delimiter" ===' in seen
    assert "1. [instruction] No, use tabs as the delimiter." in seen
    assert "[instruction] Always run ruff" not in seen


def test_memory_forget(claude, api_server, populated):
    learning = _learning_id(populated, "tabs as the delimiter")
    seen = _command(claude, api_server, f"/memory-forget {learning}")
    assert f"Learning #{learning} forgotten: No, use tabs as the delimiter" in seen
    assert f"Undo: python -m memory unforget {learning}" in seen
    with populated.db() as conn:
        assert conn.execute("SELECT forgotten_at FROM learnings WHERE id = ?", (learning,)).fetchone()[0]


def test_memory_handoff(claude, api_server, populated):
    with populated.db() as conn:  # give the replayed handoff back, as if no session had taken it yet
        conn.execute("UPDATE handoffs SET resumed_at = NULL")
    seen = _command(claude, api_server, "/memory-handoff")
    assert "=== Handoff ===" in seen
    assert "would be restored" in seen and "## Continuing:" in seen
