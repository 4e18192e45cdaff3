"""Recording hooks still running, so that a hook that reads what they record can wait for them.

PostToolUse and PostToolUseFailure run asynchronously where Claude Code supports it (hooks.json
``"async": true``): Claude's turn goes on while they write. A hook that depends on what they write (PreToolUse
of a Read: was the file edited?; PreCompact and SessionEnd: the handoff) first waits, briefly, until none is
running. ``hooks/run`` marks a recorder the moment it starts, with a shell redirection (no extra process):
an empty file ``<data>/inflight/<pid>``; the recorder removes it when done (``done``). A marker whose process
is gone (killed) is removed by the next waiter. The wait is bounded: waiting never blocks Claude for long.

Claude Code ends a session's async hooks with SIGTERM when it exits; ``hooks/run`` makes a recorder ignore
it from its first instant, so that the last actions of a session are not lost (Claude Code kills them after
a grace of a second or two).
"""

from __future__ import annotations

import os
import time

from memory import paths

POLL_S = 0.005
# Longest waits, within each hook's own time budget (memory/hooks/runtime.py EVENTS).
WAIT_BEFORE_READ_S = 0.5
WAIT_BEFORE_HANDOFF_S = 2.0
WAIT_AT_SESSION_END_S = 0.5
STALE_S = 30.0  # a marker this old is a leftover (a recorder's own timeout is 10 s), whatever its pid is now


def folder() -> str:
    """Where the markers live (created by the first recorder; hooks/run only writes into it if it exists)."""
    return os.path.join(paths.data_home(), "inflight")


def ensure_folder() -> None:
    """Create the marker folder (once; a recorder of an enabled plugin calls this), so hooks/run marks the next."""
    where = folder()
    if not os.path.isdir(where):
        try:
            os.makedirs(where, 0o700, exist_ok=True)
        except OSError:
            pass


def done() -> None:
    """This recorder finished: remove its marker, if hooks/run wrote one."""
    try:
        os.unlink(os.path.join(folder(), str(os.getpid())))
    except OSError:
        pass


def running() -> list[int]:
    """Process ids of recorders running now (markers of dead processes are removed)."""
    try:
        names = os.listdir(folder())
    except OSError:
        return []
    alive = []
    for name in names:
        if not name.isdigit() or int(name) == os.getpid():
            continue
        marker = os.path.join(folder(), name)
        try:
            stale = time.time() - os.stat(marker).st_mtime > STALE_S
            if not stale:
                os.kill(int(name), 0)
                alive.append(int(name))
                continue
        except PermissionError:
            alive.append(int(name))  # exists, not ours to signal
            continue
        except OSError:
            pass  # gone already, or no such process: a leftover
        try:
            os.unlink(marker)
        except OSError:
            pass
    return alive


def wait_idle(timeout_s: float) -> bool:
    """Wait until no recorder runs, at most ``timeout_s``; True when none is left."""
    deadline = time.monotonic() + timeout_s
    while running():
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)
    return True
