"""The Learning model."""

from __future__ import annotations

import pytest

from memory.learning.model import CATEGORIES, Learning, clip


def test_categories():
    assert CATEGORIES == ("pattern", "architecture", "fix", "tip", "preference", "dead-end")


def test_round_trip_and_normalization():
    learning = Learning("fix", "  `pytest` failed\n with ImportError;  fixed by editing a.py. ", ["a.py"], ["f"],
                        {"session_id": "s", "lines": [3, 9]}, 1.7)
    assert learning.text == "`pytest` failed with ImportError; fixed by editing a.py."
    assert learning.confidence == 1.0
    assert Learning.from_dict(learning.to_dict()) == learning


def test_text_is_clipped_to_300_characters():
    learning = Learning("tip", "word " * 200)
    assert len(learning.text) <= 300 and learning.text.endswith("…")
    assert clip("short") == "short"


@pytest.mark.parametrize("bad", [{"category": "gossip"}, {"extractor": "oracle"}, {"text": "   "}])
def test_invalid_learnings_are_rejected(bad):
    args = {"category": "tip", "text": "Run tests with `make test`.", **bad}
    with pytest.raises(ValueError):
        Learning(**args)
