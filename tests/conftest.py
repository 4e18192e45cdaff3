"""Shared fixtures: a private data folder per test (what tests share beyond fixtures is in tests/support)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The in-process unit tests run first: a broken feature fails in a second, before the subprocess tests."""
    items.sort(key=lambda item: not item.nodeid.startswith("tests/unit/"))


@pytest.fixture(autouse=True)
def _never_the_real_memory(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test writes its memory (database, logs) under a temp folder, never under the user's home; and
    whatever a test starts (``claude plugin validate`` from doctor, for one) gets a temp HOME too."""
    monkeypatch.setenv("MEMORY_HOME", str(tmp_path_factory.mktemp("isolated-memory-home")))
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("isolated-home")))
    monkeypatch.delenv("CLAUDE_PLUGIN_DATA", raising=False)


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
