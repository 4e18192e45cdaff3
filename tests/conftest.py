"""Shared fixtures: a private data folder per test (helpers that run real processes are in helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def memory_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder, set as MEMORY_HOME for this process and the processes it starts."""
    home = tmp_path / "memory-home"
    monkeypatch.setenv("MEMORY_HOME", str(home))
    monkeypatch.delenv("CLAUDE_PLUGIN_DATA", raising=False)
    monkeypatch.delenv("MEMORY_DISABLE", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("MEMORY_EMBEDDINGS_PROVIDER", "builtin")  # no Ollama probing in tests
    return home


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """An empty git-less project folder."""
    folder = tmp_path / "project"
    folder.mkdir()
    return folder
