"""memory.continuity.transfer in-process: handoffs exported as plain redacted data and imported once."""

from __future__ import annotations

from pathlib import Path

from memory.continuity import transfer
from memory.store import handoffs
from tests.support.store import open_store

SECRET = "ghp_" + "A1b2C3d4" * 5


def test_export_then_import_carries_a_handoff_once_and_never_a_secret(memory_home: Path, project_dir: Path,
                                                                       tmp_path: Path) -> None:
    s = open_store(project_dir)
    handoffs.insert(s.conn, "s1", s.project_id, "manual", {"task": "Fix login", "decisions": [
        f"use the token {SECRET} for the staging API"]}, "Fix login - 1 decision", task="Fix login",
                           status="in_progress")
    (item,) = transfer.export_handoffs(s.conn, s.project_id)
    assert item["type"] == "handoff" and item["task"] == "Fix login" and SECRET not in str(item)
    assert transfer.import_handoff(s.conn, item, s.project_id) == "unchanged"  # the same handoff is there

    other = open_store(tmp_path)  # another project in the same store
    assert transfer.import_handoff(other.conn, {**item, "session_id": "s1-copy"}, other.project_id) == "added"
    assert transfer.import_handoff(other.conn, {"session_id": 3}, other.project_id) == "skipped"
    (copied,) = handoffs.listing(other.conn, other.project_id)
    assert copied["task"] == "Fix login" and copied["resumed_at"] is not None  # not offered to a session again
