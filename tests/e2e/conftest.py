"""Fixtures for end-to-end tests: the pinned `claude` binary, a scripted loopback API server, and the
CLI bound to isolated temp dirs (HOME, memory data, project) with this repository as the plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.e2e.api_server import ScriptedServer
from tests.e2e.claude_runner import Claude, ClaudeUnavailable, find_claude, make_claude


@pytest.fixture(scope="session")
def claude_binary() -> Path:
    """The pinned CLI; installed once per session if node/npm exist, else the test is skipped."""
    try:
        return find_claude()
    except ClaudeUnavailable as reason:
        pytest.skip(str(reason))


@pytest.fixture
def api_server() -> Iterator[ScriptedServer]:
    """A started scripted server (set `.script` in the test); fails the test if the CLI tried egress."""
    with ScriptedServer() as server:
        yield server
    assert server.egress == [], f"the CLI tried to reach the network: {server.egress}"


@pytest.fixture
def claude(tmp_path: Path, api_server: ScriptedServer, claude_binary: Path) -> Claude:
    """The CLI bound to api_server, with home/, data/ and project/ under tmp_path and this repo as plugin."""
    return make_claude(tmp_path, api_server, binary=claude_binary)
