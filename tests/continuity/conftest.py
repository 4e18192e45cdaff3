"""Fixtures for the continuity tests: a git project and a session replayed through the real hook processes by
the session driver (tests/support/session.py) with only continuity on."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.session import Session, hook_env


@pytest.fixture
def env(memory_home: Path) -> dict[str, str]:
    """Hook environment with only continuity on (the other features are tested on their own)."""
    return hook_env(MEMORY_HOME=str(memory_home), MEMORY_SIGNATURES_ENABLED="0", MEMORY_LEARNING_ENABLED="0",
                    MEMORY_RECALL_ENABLED="0")


@pytest.fixture
def git_project(tmp_path: Path) -> Path:
    """A project folder that is a git repository (so its identity is stable)."""
    folder = tmp_path / "project"
    folder.mkdir()
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


@pytest.fixture
def replay(git_project: Path, env: dict[str, str]) -> Session:
    """A replayed session in a fresh project."""
    return Session(git_project, env, "sess-1")
