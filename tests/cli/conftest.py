"""A real populated store for the CLI tests (tests/support/store.py ``build_store``: real hook processes fed the
captured payload shapes, a real transcript extracted by the real worker, a real recall on a later prompt).

The store is built once per test session (a few seconds) into a template folder; ``store`` hands each test
its own copy, so tests may change it freely.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.store import Store, build_store, copy_store


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The populated store, built once."""
    return build_store(tmp_path_factory.mktemp("cli-store"))


@pytest.fixture
def store(store_template: Store, tmp_path: Path) -> Store:
    """This test's own copy of the populated store (same project folder, own data folder)."""
    return copy_store(store_template, tmp_path / "data")
