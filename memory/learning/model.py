"""What a learning is: one actionable sentence with its category, the code it is about, and its evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from memory.text import shorten

CATEGORIES = ("pattern", "architecture", "fix", "tip", "preference", "dead-end")
EXTRACTORS = ("rules", "haiku")
MAX_TEXT = 300


@dataclass
class Learning:
    """One learning.

    ``evidence`` is ``{"session_id": str, "lines": [int, …]}`` (1-based transcript line numbers);
    ``confidence`` is in [0, 1]; ``extractor`` says which extractor produced it.
    """

    category: str
    text: str
    files: list[str] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    confidence: float = 0.5
    extractor: str = "rules"

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown learning category: {self.category!r}")
        if self.extractor not in EXTRACTORS:
            raise ValueError(f"unknown extractor: {self.extractor!r}")
        self.text = clip(" ".join(self.text.split()))
        if not self.text:
            raise ValueError("a learning needs text")
        self.confidence = min(1.0, max(0.0, float(self.confidence)))

    def to_dict(self) -> dict:
        """A JSON-ready dict of all fields."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Learning":
        """The learning a ``to_dict`` produced."""
        fields = ("category", "text", "files", "symbols", "evidence", "confidence", "extractor")
        return cls(**{k: data[k] for k in fields if k in data})


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary (``memory.text.shorten``)."""
    return shorten(text, limit, at_word=True)
