"""Scenarios 5 and 6: the plugin switched off, and the plugin's data folder broken.

With MEMORY_DISABLE=1 nothing is injected, nothing is stored and Claude Code works as without the plugin.
With the data folder unwritable or the database corrupt, sessions still complete normally (the hooks fail
open) and `python -m memory doctor` reports the problem.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.api_server import ScriptedServer, in_order, messages_text, text, tool_results, tool_use
from tests.e2e.claude_runner import REPO_ROOT, Claude, Result
from tests.support.store import rows, wait_for_worker
from tests.support.sources import line_of, python_module

pytestmark = pytest.mark.e2e

INJECTED = ("[compound-memory]", "## Continuing:", "Previous learning")  # the command list names the plugin anyway
EDITED = "def adjust_stock_3_3("


def work_session(claude: Claude, server: ScriptedServer, env: dict[str, str]) -> Result:
    """Read a large file whole, Edit its middle, run a failing then a passing command; return the run."""
    big = claude.cwd / "inventory.py"
    big.write_text(python_module())
    _, line = line_of(big.read_text(), EDITED)
    server.script = in_order([
        tool_use("Read", {"file_path": str(big)}),
        tool_use("Edit", {"file_path": str(big), "old_string": line, "new_string": line + "\n        pass  # e2e"}),
        tool_use("Bash", {"command": "python3 -c 'import inventory_missing'", "description": "fails"}),
        tool_use("Bash", {"command": "python3 -c 'import inventory'", "description": "passes"}),
        text("Work done."),
    ])
    return claude.run("Add a pass to adjust_stock_3_3", env_extra=env, extra_args=["--allowedTools", "Bash"])


def assert_worked_like_without_plugin(run: Result, server: ScriptedServer, claude: Claude) -> None:
    """The run completed, the Read returned the whole file, the Edit and both commands ran."""
    assert run.returncode == 0, run.describe()
    assert run.final_text == "Work done."
    results = tool_results(server.main_requests()[-1])
    assert len(results) == 4, results
    big = claude.cwd / "inventory.py"
    lines = python_module().split("\n")  # as read, before the edit
    read = results[0]["text"]
    assert f"{len(lines) - 1}\t{lines[-2]}" in read and "12\tDEFAULT_REORDER_LEVEL = 12" in read
    assert "has been updated successfully" in results[1]["text"] and "pass  # e2e" in big.read_text()
    assert results[2].get("is_error") and "ModuleNotFoundError" in results[2]["text"]
    assert not results[3].get("is_error")


def doctor(data_dir: Path, home: Path) -> subprocess.CompletedProcess:
    """`python -m memory doctor --no-validate` for this data folder, as a person would run it."""
    env = {key: os.environ[key] for key in ("PATH", "LANG", "TZ") if key in os.environ}
    env.update(HOME=str(home), MEMORY_HOME=str(data_dir), PYTHONPATH=str(REPO_ROOT), COLUMNS="300")
    return subprocess.run([sys.executable, "-m", "memory", "doctor", "--no-validate"], capture_output=True,
                          text=True, timeout=120, cwd=REPO_ROOT, env=env)


def marked_lines(report: subprocess.CompletedProcess, mark: str) -> list[str]:
    """The report's table rows marked ``mark`` (FAIL, WARN, ok)."""
    return [line for line in report.stdout.splitlines() if f"│ {mark} " in line]


# ---- scenario 5: MEMORY_DISABLE=1 ------------------------------------------------------------------------

def test_disabled_plugin_injects_nothing_stores_nothing_breaks_nothing(claude: Claude,
                                                                       api_server: ScriptedServer) -> None:
    off = {"MEMORY_DISABLE": "1"}
    run = work_session(claude, api_server, off)
    assert_worked_like_without_plugin(run, api_server, claude)
    compact = claude.run("/compact", resume=run.session_id, env_extra=off)
    api_server.script = in_order([text("Still here.")])
    after = claude.run("What did we change?", resume=run.session_id, env_extra=off)
    assert compact.returncode == 0 and after.returncode == 0, compact.describe() + after.describe()
    assert after.final_text == "Still here."
    assert len(api_server.compaction_requests()) == 1
    for request in api_server.main_requests():
        seen = messages_text(request)
        for marker in INJECTED:
            assert marker not in seen, marker
    assert list(claude.data_dir.iterdir()) == []  # no memory.db, no log, no worker lock
    plugin_data = claude.home / ".claude" / "plugins" / "data"
    assert not plugin_data.exists() or not any(plugin_data.rglob("memory.db"))
    assert api_server.extraction_requests() == []


# ---- scenario 6: a broken data folder ---------------------------------------------------------------------

def test_unwritable_data_folder_session_completes_and_doctor_fails(claude: Claude, api_server: ScriptedServer,
                                                                   tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file where the data folder's parent should be\n")
    data = blocker / "memory-data"  # root ignores permissions, but nothing can be created under a file
    run = work_session(claude, api_server, {"MEMORY_HOME": str(data)})
    assert_worked_like_without_plugin(run, api_server, claude)
    for request in api_server.main_requests():
        assert "[compound-memory]" not in messages_text(request)
    report = doctor(data, claude.home)
    assert report.returncode == 1, report.stdout + report.stderr
    (line,) = marked_lines(report, "FAIL")
    assert "data folder" in line and "cannot be created" in line, report.stdout


def test_corrupt_database_session_completes_and_doctor_reports_it(claude: Claude, api_server: ScriptedServer) -> None:
    db = claude.data_dir / "memory.db"
    db.write_bytes(os.urandom(64 * 1024))
    os.chmod(claude.data_dir, 0o700)
    before = doctor(claude.data_dir, claude.home)
    assert before.returncode == 1, before.stdout + before.stderr
    (line,) = marked_lines(before, "FAIL")
    assert "database" in line and "file is not a database" in line, before.stdout

    run = work_session(claude, api_server, {})
    assert run.returncode == 0, run.describe()
    assert run.final_text == "Work done."
    wait_for_worker(claude.data_dir)
    moved = [p.name for p in claude.data_dir.iterdir()
             if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(moved) == 1, list(claude.data_dir.iterdir())  # the first hook moved it aside ...
    assert rows(claude.data_dir, "SELECT count(*) AS n FROM events")[0]["n"] >= 3  # ... and the rest stored again
    after = doctor(claude.data_dir, claude.home)
    assert after.returncode == 0, after.stdout
    assert any("damaged copies" in line and moved[0] in line for line in marked_lines(after, "WARN")), after.stdout
