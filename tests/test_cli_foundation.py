"""`python -m memory` basics: version, config, doctor, status, with and without --json; exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.session import hook_env, payload, run_cli, run_hook


def test_help_lists_commands(memory_home: Path) -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("status", "doctor", "config", "version"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["status", "doctor", "config", "version"])
def test_every_command_has_help(memory_home: Path, command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0 and "--json" in result.stdout


def test_usage_error_is_one_line_and_exit_2(memory_home: Path) -> None:
    result = run_cli("no-such-command")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_version(memory_home: Path) -> None:
    assert run_cli("version").stdout.startswith("compound-memory ")
    assert json.loads(run_cli("version", "--json").stdout)["schema"] >= 1


def test_config_shows_value_and_source(memory_home: Path, project_dir: Path) -> None:
    (project_dir / ".claude").mkdir()
    (project_dir / ".claude" / "memory.toml").write_text("[signatures]\nmin_lines = 250\n")
    data = json.loads(run_cli("config", "--json", cwd=project_dir, env=hook_env(MEMORY_RECALL_PROMPT_TOKENS="99")).stdout)
    assert data["settings"]["signatures.min_lines"]["value"] == 250
    assert data["settings"]["signatures.min_lines"]["source"].startswith("project")
    assert data["settings"]["recall.prompt_tokens"] == {"value": 99, "source": "env MEMORY_RECALL_PROMPT_TOKENS"}
    text = run_cli("config", cwd=project_dir).stdout
    assert "signatures.min_lines" in text and "250" in text


def test_doctor_passes_on_a_healthy_install(memory_home: Path) -> None:
    run_hook("SessionStart", payload("SessionStart", source="startup"))
    result = run_cli("doctor", "--json", "--no-validate")
    data = json.loads(result.stdout)
    assert result.returncode == 0 and data["ok"] is True
    names = {c["name"] for c in data["checks"]}
    assert {"python", "dependencies", "data folder", "database", "disk space", "config", "ollama", "api key"} <= names


def test_doctor_fails_on_a_corrupt_database_and_never_prints_the_key(memory_home: Path) -> None:
    memory_home.mkdir()
    (memory_home / "memory.db").write_bytes(b"garbage" * 1000)
    result = run_cli("doctor", "--no-validate", env=hook_env(ANTHROPIC_API_KEY="sk-ant-api03-secretvalue123"))
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "database" in result.stdout
    assert "secretvalue123" not in result.stdout + result.stderr
    assert (memory_home / "memory.db").read_bytes() == b"garbage" * 1000  # doctor only reports


def test_doctor_reports_an_unwritable_data_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("doctor", "--json", "--no-validate", env=hook_env(MEMORY_HOME=str(blocker / "home")))
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert result.returncode == 1 and checks["data folder"]["status"] == "fail"


def test_status_on_an_empty_store(memory_home: Path) -> None:
    result = run_cli("status")
    assert result.returncode == 0 and "=== Memory System Status ===" in result.stdout
    assert "Nothing stored yet" in result.stdout
    assert not memory_home.exists()  # status does not create a database


def test_status_counts_hook_runs(memory_home: Path) -> None:
    run_hook("PostToolUse", b"not json")
    data = json.loads(run_cli("status", "--json").stdout)
    assert data["hooks_24h"]["PostToolUse"]["runs"] == 1 and data["errors_24h"]["count"] == 1
