"""`make bench` ends by writing benchmarks/results/SUMMARY.md from the committed results: it must build."""

from __future__ import annotations

from benchmarks import run_all
from benchmarks.harness import RESULTS


def test_the_summary_builds_from_the_committed_results() -> None:
    text = run_all.summary()
    for heading in ("| hook process |", "Handoff quality", "| language |"):
        assert heading in text, heading
    assert (RESULTS / "SUMMARY.md").read_text(encoding="utf-8").strip() == text.strip()
