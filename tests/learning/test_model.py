"""The Learning model."""

from __future__ import annotations

import pytest

from memory.learning.model import CATEGORIES, Learning, clip


def test_categories():
    assert CATEGORIES == ("fix", "gotcha", "instruction", "fact", "dead-end")


@pytest.mark.parametrize("old,new", [("preference", "instruction"), ("tip", "fact"), ("architecture", "fact"),
                                     ("pattern", "fact")])
def test_legacy_categories_are_read_as_the_new_ones(old, new):
    assert Learning(old, "Use pnpm.").category == new


def test_scope_and_anchors():
    learning = Learning("instruction", "Answer in Chinese.", scope="global", scope_reason="said 'in all my projects'",
                        anchors=[{"kind": "command", "value": "uv run pytest"}, {"kind": "bogus", "value": "x"},
                                 {"kind": "file", "value": "  "}])
    assert learning.anchors == [{"kind": "command", "value": "uv run pytest"}]
    assert Learning.from_dict(learning.to_dict()) == learning
    with pytest.raises(ValueError):
        Learning("fact", "x", scope="everywhere")


def test_round_trip_and_normalization():
    learning = Learning("fix", "  `pytest` failed\n with ImportError;  fixed by editing a.py. ", ["a.py"], ["f"],
                        {"session_id": "s", "lines": [3, 9]}, 1.7)
    assert learning.text == "`pytest` failed with ImportError; fixed by editing a.py."
    assert learning.confidence == 1.0
    assert Learning.from_dict(learning.to_dict()) == learning


def test_text_is_clipped_to_300_characters():
    learning = Learning("fact", "word " * 200)
    assert len(learning.text) <= 300 and learning.text.endswith("…")
    assert clip("short") == "short"


@pytest.mark.parametrize("bad", [{"category": "gossip"}, {"extractor": "oracle"}, {"text": "   "}])
def test_invalid_learnings_are_rejected(bad):
    args = {"category": "fact", "text": "Run tests with `make test`.", **bad}
    with pytest.raises(ValueError):
        Learning(**args)
