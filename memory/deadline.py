"""A time budget for a block of code: ``OutOfTime`` is raised in the main thread when it runs out.

The hook runtime gives every event its budget; code that catches broad exceptions around slow work (the parser
in the pre-read) lets ``OutOfTime`` through so the budget holds. Stdlib only.
"""

from __future__ import annotations

import contextlib

try:  # the C module directly: ``signal`` builds its enums at import, ~0.5 ms of every hook
    import _signal as signal
except ImportError:  # pragma: no cover - an interpreter without it
    import signal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


class OutOfTime(Exception):
    """The time budget ran out."""


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise OutOfTime in the main thread if the block runs longer than ``seconds``."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise OutOfTime()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
