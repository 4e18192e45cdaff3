"""A real, migrated store in the test's data folder, and the project row a feature call needs."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import NamedTuple

from memory import store
from memory.config import Settings, load_settings
from memory.project import Project, find_project
from memory.store.core import upsert_project


class StoreFixture(NamedTuple):
    """An open store, a project in it, and the effective settings for that project."""

    conn: sqlite3.Connection
    project: Project
    project_id: int
    settings: Settings


def open_store(project_dir: Path, environ: dict[str, str] | None = None) -> StoreFixture:
    """The store of the current data folder (``MEMORY_HOME``), with ``project_dir`` registered as a project."""
    conn = store.connect()
    project = find_project(str(project_dir))
    return StoreFixture(conn, project, upsert_project(conn, project), load_settings(project.root, environ))
