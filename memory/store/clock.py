"""The store's one clock: timestamps are UTC text ``2026-01-31T12:00:00.000Z``, written by SQL or by Python.

``SQL_NOW`` is the expression every INSERT/UPDATE uses; ``now_iso`` is its twin for values built in Python (JSON
state, file names). Both give the same format, so stored times compare as text.
"""

from __future__ import annotations

import time

# The store's time format in SQL (the twin of ``now_iso``); the OFFSET form takes a modifier such as '-1 day'.
SQL_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
SQL_NOW_OFFSET = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)"


def now_iso() -> str:
    """The current UTC time in the store's text format."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"
