"""Fixtures for the parser tests: the real-world corpus (fetched once per session) and the sample files."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus import CorpusUnavailable, ensure_corpus

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(scope="session")
def corpus() -> dict[str, list[Path]]:
    """language -> real source files from pinned registry packages (skips if a registry is unreachable)."""
    try:
        return ensure_corpus(REPO_ROOT)
    except CorpusUnavailable as error:
        pytest.skip(f"real-code corpus unavailable: {error}")
