"""One data-folder lookup: ``memory.paths.data_home`` decides, the shell launcher mirrors it for the venv, and
the launcher's "too old" note lands in the same folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from memory import paths
from tests.support.session import REPO

CASES = {
    "memory home only": ("MEMORY_HOME",),
    "plugin data only": ("CLAUDE_PLUGIN_DATA",),
    "both": ("MEMORY_HOME", "CLAUDE_PLUGIN_DATA"),
    "neither": (),
}


def _fake_venv(base: Path, mark: Path) -> None:
    """A finished bootstrap venv whose python only notes that the launcher chose it."""
    bin_dir = base / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (base / "venv" / ".ready").write_text("x")
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\necho "$0" > "{mark}"\n')
    python.chmod(0o755)


@pytest.mark.parametrize("case", CASES)
def test_the_launcher_finds_the_venv_where_paths_puts_it(case: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    bases = {"MEMORY_HOME": tmp_path / "memory-home", "CLAUDE_PLUGIN_DATA": tmp_path / "plugin-data"}
    mark = tmp_path / "chosen"
    for base in [*bases.values(), home / ".claude" / "compound-memory"]:
        _fake_venv(base, mark)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    monkeypatch.setenv("HOME", str(home))
    for name in ("MEMORY_HOME", "CLAUDE_PLUGIN_DATA", "MEMORY_PYTHON"):
        monkeypatch.delenv(name, raising=False)
    for name in CASES[case]:
        env[name] = str(bases[name])
        monkeypatch.setenv(name, str(bases[name]))
    subprocess.run(["sh", str(REPO / "hooks" / "run"), "SessionStart"], input=b"{}", env=env, timeout=30, check=True)
    assert mark.read_text().strip() == os.path.join(paths.venv_dir(), "bin", "python")
    assert paths.venv_dir() == os.path.join(paths.data_home(), "venv")


def test_a_too_old_python_notes_it_in_the_data_folder(tmp_path: Path) -> None:
    """run.py on an interpreter under its minimum version writes one line to <data>/launcher.log and exits 0."""
    plugin = tmp_path / "plugin"
    (plugin / "hooks").mkdir(parents=True)
    (plugin / "memory").symlink_to(REPO / "memory")
    source = (REPO / "hooks" / "run.py").read_text().replace("MIN_VERSION = (3, 10)", "MIN_VERSION = (99, 0)")
    (plugin / "hooks" / "run.py").write_text(source)
    data = tmp_path / "data"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "MEMORY_HOME": str(data)}
    done = subprocess.run([sys.executable, "-S", str(plugin / "hooks" / "run.py"), "SessionStart"], input=b"{}",
                          env=env, capture_output=True, timeout=30)
    assert done.returncode == 0 and not done.stdout
    assert "needs Python 99.0 or newer" in (data / "launcher.log").read_text()
