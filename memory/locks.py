"""Advisory locks between processes: an exclusive ``flock`` on a private lock file.

Lock files are opened without following symlinks (a link in the data folder is replaced by our own file).
The kernel drops a process's locks when it dies, so a crashed holder never leaves a stale lock behind. Used by
the worker (one per data folder), the bootstrap (one install at a time) and schema migrations (migrate once).
``fcntl`` is imported on first use: it only matters to the few hook runs that take a lock.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from memory.paths import open_private


def try_lock(path: str) -> int | None:
    """Take the exclusive lock on ``path`` (created 0600) without waiting: its fd, or None when another holds it."""
    import fcntl

    fd = open_private(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def release(fd: int) -> None:
    """Give up a lock taken with ``try_lock``."""
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def is_held(path: str) -> bool:
    """True when some holder has the lock on ``path`` right now (no lock file: nobody; none is created)."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing releases the probe's lock
    return False


@contextlib.contextmanager
def hold(path: str) -> Iterator[None]:
    """Hold the exclusive lock on ``path`` (created 0600) for the block, waiting for it if needed.

    Without ``fcntl`` (not Unix) the block runs unlocked.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    fd = open_private(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
