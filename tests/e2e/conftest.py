"""Fixtures for end-to-end tests: the `claude` binary (once per Claude Code version the suite covers), a
scripted loopback API server, and the CLI bound to isolated temp dirs (HOME, memory data, project) with this
repository as the plugin.

A test that relies on a feature of some versions only says so with
``@pytest.mark.claude_version(min="2.1.300", reason="...")`` (and/or ``max=``); on the other versions it is
skipped with that reason, before any of its fixtures run."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.support.api_server import ScriptedServer
from tests.e2e.claude_runner import (CLAUDE_VERSIONS, Claude, ClaudeUnavailable, find_claude, make_claude,
                                     version_key)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip, with its stated reason, a test marked claude_version(min/max) on a version outside its range."""
    for item in items:
        marker = item.get_closest_marker("claude_version")
        callspec = getattr(item, "callspec", None)
        version = callspec.params.get("claude_version") if callspec else None
        if marker is None or version is None:
            continue
        low, high = marker.kwargs.get("min"), marker.kwargs.get("max")
        if (low and version_key(version) < version_key(low)) or (high and version_key(version) > version_key(high)):
            span = " to ".join(v for v in (low and f">= {low}", high and f"<= {high}") if v)
            item.add_marker(pytest.mark.skip(
                reason=f"Claude Code {version}: needs {span}: {marker.kwargs.get('reason', '')}"))


@pytest.fixture(scope="session", params=list(CLAUDE_VERSIONS), ids=lambda version: f"claude-{version}")
def claude_version(request: pytest.FixtureRequest) -> str:
    """The Claude Code version this test runs against (each e2e test runs once per version)."""
    return request.param


@pytest.fixture(scope="session")
def claude_binary(claude_version: str) -> Path:
    """That version's CLI; installed once if node/npm exist, else the test is skipped."""
    try:
        return find_claude(version=claude_version)
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
