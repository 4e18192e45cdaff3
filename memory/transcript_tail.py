"""When a tool call was made, read from the end of a transcript.

The recording hooks (PostToolUse, async where Claude Code supports it) reach the store in any order, so each
event keeps the transcript time of its call. This lives apart from ``memory.transcript`` because it runs on
every recorded action: it needs only json and mmap, while the reader's dataclasses cost ~15 ms to import.
"""

from __future__ import annotations

import json
import mmap
import os

TAIL_SEARCH_BYTES = 8 << 20  # how far back from the end tool_use_time looks for a tool call


def tool_use_time(path: str | os.PathLike, tool_use_id: str) -> str | None:
    """The transcript ``timestamp`` of the assistant line holding the ``tool_use`` block ``tool_use_id``.

    Hooks that run asynchronously reach the store in any order; this is when the call was made, so events can
    be ordered by it. Searched from the end (the call is recent), at most TAIL_SEARCH_BYTES back; None when
    the file, the call or its timestamp is missing.
    """
    needle = json.dumps(tool_use_id).encode()
    try:
        f = open(path, "rb")
    except OSError:
        return None
    with f:
        size = os.fstat(f.fileno()).st_size
        if size == 0 or not needle.strip(b'"'):
            return None
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            floor = max(0, size - TAIL_SEARCH_BYTES)
            end = size
            while True:
                at = mm.rfind(needle, floor, end)
                if at < 0:
                    return None
                start = mm.rfind(b"\n", 0, at) + 1
                stop = mm.find(b"\n", at)
                obj = _loads(mm[start:stop if stop >= 0 else size])
                if isinstance(obj, dict) and obj.get("type") == "assistant":
                    blocks = (obj.get("message") or {}).get("content")
                    if isinstance(blocks, list) and any(isinstance(b, dict) and b.get("type") == "tool_use"
                                                        and b.get("id") == tool_use_id for b in blocks):
                        stamp = obj.get("timestamp")
                        return stamp if isinstance(stamp, str) and stamp else None
                end = start  # the id also appears in its tool_result line (after the call): look earlier
                if end <= floor:
                    return None


def _loads(raw: bytes) -> object:
    try:
        return json.loads(raw.decode("utf-8", "replace"))
    except ValueError:  # a torn last line of a file still being written
        return None
