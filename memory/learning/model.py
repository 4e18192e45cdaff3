"""What a learning is: one sentence that stands alone, its category, what it is about (anchors), where it
applies (scope) and the evidence it came from.

Categories (what a careful engineer writes down):

* ``fix``: a failure, the change, the same or an equivalent check passing (the error's stable signature, the
  cause, the fix).
* ``gotcha``: how a library, tool or platform really behaves, revealed by an error and confirmed by the
  corrected use succeeding.
* ``instruction``: a standing instruction of the user (always / never / in this repo we …, a correction, the
  reason given when rejecting a tool call). Never the task itself.
* ``fact``: how the project builds, tests, runs, deploys: the command that worked.
* ``dead-end``: an approach tried and abandoned for another that worked (both are said).

Older stores and exports used ``pattern``, ``architecture``, ``tip`` and ``preference``; they are read as
``fact``, ``fact``, ``fact`` and ``instruction``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from memory.text import shorten

CATEGORIES = ("fix", "gotcha", "instruction", "fact", "dead-end")
LEGACY_CATEGORIES = {"pattern": "fact", "architecture": "fact", "tip": "fact", "preference": "instruction"}
EXTRACTORS = ("rules", "haiku", "claude-cli")
SCOPES = ("project", "global")
ANCHOR_KINDS = ("file", "symbol", "command", "error")
MAX_TEXT = 300


def category_of(name: str) -> str | None:
    """The current category for ``name`` (a legacy name is mapped), or None when it is not a category."""
    name = str(name or "").strip().lower()
    return name if name in CATEGORIES else LEGACY_CATEGORIES.get(name)


@dataclass
class Learning:
    """One learning.

    ``evidence`` is ``{"session_id": str, "lines": [int, …]}`` (1-based transcript line numbers);
    ``confidence`` is in [0, 1]; ``extractor`` says which extractor produced it. ``scope`` is "project" unless
    the user said it holds everywhere, and then ``scope_reason`` says where they said so. ``anchors`` are
    ``{"kind": "file"|"symbol"|"command"|"error", "value": str}``: what the learning is about.
    """

    category: str
    text: str
    files: list[str] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    confidence: float = 0.5
    extractor: str = "rules"
    scope: str = "project"
    scope_reason: str = ""
    anchors: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        category = category_of(self.category)
        if category is None:
            raise ValueError(f"unknown learning category: {self.category!r}")
        self.category = category
        if self.extractor not in EXTRACTORS:
            raise ValueError(f"unknown extractor: {self.extractor!r}")
        if self.scope not in SCOPES:
            raise ValueError(f"unknown scope: {self.scope!r}")
        self.text = clip(" ".join(self.text.split()))
        if not self.text:
            raise ValueError("a learning needs text")
        self.confidence = min(1.0, max(0.0, float(self.confidence)))
        self.anchors = [a for a in self.anchors if isinstance(a, dict) and a.get("kind") in ANCHOR_KINDS
                        and str(a.get("value") or "").strip()]

    def to_dict(self) -> dict:
        """A JSON-ready dict of all fields."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Learning":
        """The learning a ``to_dict`` produced."""
        fields = ("category", "text", "files", "symbols", "evidence", "confidence", "extractor", "scope",
                  "scope_reason", "anchors")
        return cls(**{k: data[k] for k in fields if k in data})


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary (``memory.text.shorten``)."""
    return shorten(text, limit, at_word=True)
