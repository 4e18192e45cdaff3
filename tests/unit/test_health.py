"""memory.health in-process: the doctor's checks of the data folder and the database, without changing them."""

from __future__ import annotations

from pathlib import Path

from memory import health, store
from memory.config import load_settings


def test_a_fresh_store_is_healthy_and_a_damaged_one_is_reported_untouched(memory_home: Path) -> None:
    (missing,) = health.check_database()
    assert missing.status == "ok" and "not created yet" in missing.detail
    store.connect().close()
    (fresh,) = health.check_database()
    assert fresh.status == "ok" and "integrity ok" in fresh.detail
    db = memory_home / "memory.db"
    db.write_bytes(b"this is not a database" * 100)
    (damaged,) = health.check_database()
    assert damaged.status == "fail" and damaged.name == "database"
    assert db.read_bytes().startswith(b"this is not a database")  # reported, not moved or repaired


def test_every_check_reports_a_known_status(memory_home: Path) -> None:
    checks = health.run_checks(load_settings(None), with_plugin_validation=False)
    assert {check.status for check in checks} <= {"ok", "warn", "fail"}
    names = [check.name for check in checks]
    assert "database" in names and len(names) == len(set(names))
