"""Configuration layers: defaults < user TOML < project TOML < environment; bad values never break."""

from __future__ import annotations

from pathlib import Path

from memory.config import DEFAULTS, load_config


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_defaults_when_nothing_is_configured(memory_home: Path, project_dir: Path) -> None:
    config = load_config(str(project_dir), environ={})
    assert config.values == DEFAULTS
    assert set(config.sources.values()) == {"default"}
    assert config.problems == []


def test_each_layer_overrides_the_one_below(memory_home: Path, project_dir: Path) -> None:
    write(memory_home / "config.toml", "[signatures]\nmin_lines = 150\nhead_lines = 5\n[recall]\nprompt_tokens = 100\n")
    write(project_dir / ".claude" / "memory.toml", "[signatures]\nmin_lines = 200\n")
    config = load_config(str(project_dir), environ={"MEMORY_RECALL_PROMPT_TOKENS": "300"})
    assert config.get("signatures", "min_lines") == 200
    assert config.sources["signatures.min_lines"].startswith("project")
    assert config.get("signatures", "head_lines") == 5
    assert config.sources["signatures.head_lines"].startswith("user")
    assert config.get("recall", "prompt_tokens") == 300
    assert config.sources["recall.prompt_tokens"] == "env MEMORY_RECALL_PROMPT_TOKENS"


def test_environment_values_are_coerced_to_the_default_type(memory_home: Path) -> None:
    config = load_config(None, environ={"MEMORY_CONTINUITY_ENABLED": "off", "MEMORY_EMBEDDINGS_OLLAMA_TIMEOUT_SECONDS": "0.5",
                                        "MEMORY_SIGNATURES_EXCLUDE": "*.gen.ts, fixtures/**"})
    assert config.get("continuity", "enabled") is False
    assert config.feature_enabled("continuity") is False and config.feature_enabled("signatures") is True
    assert config.get("embeddings", "ollama_timeout_seconds") == 0.5
    assert config.get("signatures", "exclude") == ["*.gen.ts", "fixtures/**"]


def test_memory_disable_switches_everything_off(memory_home: Path) -> None:
    config = load_config(None, environ={"MEMORY_DISABLE": "1"})
    assert not config.enabled
    assert not any(config.feature_enabled(f) for f in ("continuity", "signatures", "learning", "recall"))


def test_invalid_toml_and_values_are_reported_and_defaults_kept(memory_home: Path, project_dir: Path) -> None:
    write(memory_home / "config.toml", "this is [not toml")
    write(project_dir / ".claude" / "memory.toml",
          "[signatures]\nmin_lines = 'many'\nno_such_key = 1\n[nonsense]\nx = 1\n")
    config = load_config(str(project_dir), environ={"MEMORY_CONTINUITY_SAVE_EVERY": "often"})
    assert config.get("signatures", "min_lines") == 100
    assert config.get("continuity", "save_every") == 5
    text = "\n".join(config.problems)
    for expected in ("invalid TOML", "min_lines", "no_such_key", "[nonsense]", "MEMORY_CONTINUITY_SAVE_EVERY"):
        assert expected in text
