"""The plugin as a user installs it: manifests validate, and a local marketplace install runs our hooks."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.support import api_server as api
from tests.e2e.claude_runner import Claude
from tests.support.session import REPO

pytestmark = pytest.mark.e2e


def clean_checkout(target: Path) -> Path:
    """The files git tracks (what a user's clone holds: no .venv, no .tools), copied to ``target``."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        source = REPO / name.decode()
        if source.is_file():
            (target / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name.decode())
    return target


def test_plugin_and_marketplace_manifests_validate(claude: Claude) -> None:
    plugin = claude.cli("plugin", "validate", str(REPO / ".claude-plugin" / "plugin.json"))
    assert plugin.returncode == 0, plugin.describe()
    market = claude.cli("plugin", "validate", str(REPO))
    assert market.returncode == 0, market.describe()


def test_invalid_manifest_is_rejected(claude: Claude, tmp_path: Path) -> None:
    broken = clean_checkout(tmp_path / "broken")
    manifest = broken / ".claude-plugin" / "plugin.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "keywords": "not-an-array"}))
    assert claude.cli("plugin", "validate", str(manifest)).returncode == 1


def test_marketplace_install_runs_our_hooks(claude: Claude, tmp_path: Path) -> None:
    checkout = clean_checkout(tmp_path / "checkout")
    added = claude.cli("plugin", "marketplace", "add", str(checkout))
    assert added.returncode == 0, added.describe()
    installed = claude.cli("plugin", "install", "compound-memory@compound-memory-local")
    assert installed.returncode == 0, installed.describe()
    claude.server.script = [api.text("Hello.")]
    result = claude.run("say hello", plugin_dir=None)
    assert result.returncode == 0, result.describe()
    conn = sqlite3.connect(claude.data_dir / "memory.db")
    events = {row[0] for row in conn.execute("SELECT event FROM hook_runs")}
    assert {"SessionStart", "UserPromptSubmit"} <= events
