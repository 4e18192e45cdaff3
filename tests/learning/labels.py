"""Scoring extracted learnings against the labels in tests/fixtures/transcripts/expected.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from memory.learning.model import Learning

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"


def load_labels() -> dict[str, dict]:
    """The labelled sessions: file name -> {"expected": [...], "forbidden": [...]}."""
    data = json.loads((FIXTURES / "expected.json").read_text())
    return {k: v for k, v in data.items() if not k.startswith("_")}


@dataclass
class Score:
    """Matched learnings against labels for one or more sessions."""

    extracted: int = 0
    correct: int = 0
    expected: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        """Fraction of extracted learnings that match a label (1.0 when nothing was extracted)."""
        return self.correct / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        """Fraction of labels matched by an extracted learning (1.0 when nothing was expected)."""
        return self.found / self.expected if self.expected else 1.0

    def __add__(self, other: "Score") -> "Score":
        return Score(self.extracted + other.extracted, self.correct + other.correct,
                     self.expected + other.expected, self.found + other.found)


def matches(learning: Learning, item: dict) -> bool:
    """True when the learning has the label's category and contains all its strings."""
    text = learning.text.lower()
    return learning.category == item["category"] and all(s.lower() in text for s in item["contains"])


def score(learnings: list[Learning], expected: list[dict]) -> Score:
    """One-to-one matching: each label can be claimed by one learning only."""
    unclaimed = list(expected)
    correct = 0
    for learning in learnings:
        hit = next((item for item in unclaimed if matches(learning, item)), None)
        if hit is not None:
            unclaimed.remove(hit)
            correct += 1
    return Score(len(learnings), correct, len(expected), len(expected) - len(unclaimed))
