"""Fixtures for the signatures tests: real code files in a real project folder, driven through the real hook
processes by the session driver (tests/support/session.py) with continuity off."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.session import Session, hook_env
from tests.support.sources import python_source


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / ".git").mkdir()  # a repository root: the project is this folder
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "memory-home"


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    """Hook environment on the data folder ``home``, continuity off (it is tested on its own)."""
    return hook_env(MEMORY_HOME=str(home), MEMORY_CONTINUITY_ENABLED="0")


@pytest.fixture
def session(project: Path, env: dict[str, str]) -> Session:
    return Session(project, env)


@pytest.fixture
def py_file(project: Path) -> tuple[Path, dict[str, int]]:
    text, where = python_source(600)
    path = project / "src" / "services.py"
    path.parent.mkdir()
    path.write_text(text)
    return path, where
