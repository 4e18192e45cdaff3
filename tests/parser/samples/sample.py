"""Module docstring."""
from __future__ import annotations

import os
from typing import (
    Any,
    Optional,
)

MAX_SIZE = 10
_cache: dict = {}


@dataclass(frozen=True)
class Point(Base):
    """A point in the plane.

    More text.
    """

    x: int = 0
    y: int = 0

    def distance(
        self,
        other: "Point",
    ) -> float:
        """Distance to other."""
        return 0.0

    @property
    async def norm(self) -> float:
        def helper(v):
            return v
        return helper(1.0)


def top_level(a, b=2, *args, **kwargs) -> Optional[Any]:
    # a comment, not a docstring
    return None
