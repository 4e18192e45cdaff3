"""The plugin as a user installs it: manifests validate, and a local marketplace install runs our hooks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.support import api_server as api
from tests.e2e.claude_runner import Claude, clean_checkout
from tests.support.session import REPO

pytestmark = pytest.mark.e2e


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
