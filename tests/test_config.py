"""Settings layers: defaults < user TOML < project TOML < environment; bad values never break."""

from __future__ import annotations

from pathlib import Path

import pytest

from memory.config import SECTIONS, Settings, coerce, load_settings


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_defaults_when_nothing_is_configured(memory_home: Path, project_dir: Path) -> None:
    config = load_settings(str(project_dir), environ={})
    assert config.as_dict() == Settings().as_dict()
    assert set(config.sources.values()) == {"default"}
    assert config.problems == []


def test_each_layer_overrides_the_one_below(memory_home: Path, project_dir: Path) -> None:
    write(memory_home / "config.toml", "[signatures]\nmin_lines = 150\nhead_lines = 5\n[recall]\nprompt_tokens = 100\n")
    write(project_dir / ".claude" / "memory.toml", "[signatures]\nmin_lines = 200\n")
    config = load_settings(str(project_dir), environ={"MEMORY_RECALL_PROMPT_TOKENS": "300"})
    assert config.signatures.min_lines == 200
    assert config.sources["signatures.min_lines"].startswith("project")
    assert config.signatures.head_lines == 5
    assert config.sources["signatures.head_lines"].startswith("user")
    assert config.recall.prompt_tokens == 300
    assert config.sources["recall.prompt_tokens"] == "env MEMORY_RECALL_PROMPT_TOKENS"


def test_environment_values_are_coerced_to_the_default_type(memory_home: Path) -> None:
    config = load_settings(None, environ={"MEMORY_CONTINUITY_ENABLED": "off",
                                          "MEMORY_EMBEDDINGS_OLLAMA_TIMEOUT_SECONDS": "0.5",
                                          "MEMORY_SIGNATURES_EXCLUDE": "*.gen.ts, fixtures/**"})
    assert config.continuity.enabled is False
    assert config.feature_enabled("continuity") is False and config.feature_enabled("signatures") is True
    assert config.embeddings.ollama_timeout_seconds == 0.5
    assert config.signatures.exclude == ["*.gen.ts", "fixtures/**"]


def test_memory_disable_switches_everything_off(memory_home: Path) -> None:
    config = load_settings(None, environ={"MEMORY_DISABLE": "1"})
    assert not config.enabled
    assert not any(config.feature_enabled(f) for f in ("continuity", "signatures", "learning", "recall"))


def test_invalid_toml_and_values_are_reported_and_defaults_kept(memory_home: Path, project_dir: Path) -> None:
    write(memory_home / "config.toml", "this is [not toml")
    write(project_dir / ".claude" / "memory.toml",
          "[signatures]\nmin_lines = 'many'\nno_such_key = 1\n[nonsense]\nx = 1\n")
    config = load_settings(str(project_dir), environ={"MEMORY_CONTINUITY_SAVE_EVERY": "often"})
    assert config.signatures.min_lines == 100
    assert config.continuity.save_every == 5
    text = "\n".join(config.problems)
    for expected in ("invalid TOML", "min_lines", "no_such_key", "[nonsense]", "MEMORY_CONTINUITY_SAVE_EVERY"):
        assert expected in text


def test_every_default_has_the_type_its_annotation_declares() -> None:
    """The annotation drives the conversion: each default must survive its own converter unchanged."""
    for section in SECTIONS:
        for key in section.keys():
            default = getattr(section, key)
            assert coerce(section.kind(key), default, section.choices.get(key, ())) == default, f"{section.name}.{key}"


def test_the_readme_documents_every_setting_under_its_section() -> None:
    """Users set these by the README's names (TOML keys, MEMORY_<SECTION>_<KEY>): none may drift."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = readme.split("## Configuration", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    documented: dict[str, str] = {}
    current = ""
    for line in block.splitlines():
        if line.startswith("["):
            current = line[1:line.index("]")]
        if current:
            documented[current] = documented.get(current, "") + line
    assert list(documented) == [section.name for section in SECTIONS]
    for section in SECTIONS:
        for key in section.keys():
            assert key in documented[section.name], f"{section.name}.{key} is not in the README"


def test_values_are_typed_once_at_load(memory_home: Path, project_dir: Path) -> None:
    write(project_dir / ".claude" / "memory.toml",
          "[continuity]\ntranscript_max_mb = 0.5\nrestore_max_age_hours = 12\n[learning]\nextractor = 'Claude-CLI'\n")
    config = load_settings(str(project_dir), environ={"MEMORY_RECALL_MAX_ITEMS": " 7 ", "MEMORY_RECALL_AT_ACTION": "no",
                                                      "MEMORY_RECALL_MIN_SIMILARITY": "0.6"})
    assert config.continuity.transcript_max_mb == 0.5  # a float setting: 0.5 MB, no longer cut to 0
    assert config.continuity.restore_max_age_hours == 12.0 and isinstance(config.continuity.restore_max_age_hours,
                                                                           float)
    assert config.learning.extractor == "claude-cli"
    assert config.recall.max_items == 7 and config.recall.at_action is False and config.recall.min_similarity == 0.6
    assert config.problems == []


@pytest.mark.parametrize(("setting", "value", "expected"), [
    ("recall.prompt_tokens", "-5", "at least 0"),
    ("recall.prompt_tokens", "2.5", "whole number"),
    ("recall.prompt_tokens", "true", "whole number"),
    ("recall.prompt_tokens", "", "whole number"),
    ("recall.at_action", "maybe", "true/false"),
    ("recall.min_similarity", "1.5", "from 0 to 1"),
    ("recall.min_similarity", "nan", "finite"),
    ("learning.claude_timeout_seconds", "inf", "finite"),
    ("learning.claude_timeout_seconds", "soon", "a number"),
    ("learning.extractor", "gpt", "one of auto, rules, haiku, claude-cli"),
    ("embeddings.provider", "olama", "one of auto, ollama, minilm, builtin"),
])
def test_a_bad_environment_value_is_reported_and_the_lower_layer_kept(
        memory_home: Path, project_dir: Path, setting: str, value: str, expected: str) -> None:
    section, key = setting.split(".")
    before = load_settings(str(project_dir), environ={})
    config = load_settings(str(project_dir), environ={f"MEMORY_{section.upper()}_{key.upper()}": value})
    kept = getattr(before.sections()[section], key)
    assert getattr(config.sections()[section], key) == kept
    assert config.sources[setting] == "default"
    (problem,) = config.problems
    assert f"MEMORY_{section.upper()}_{key.upper()}" in problem and expected in problem and f"kept {kept!r}" in problem


@pytest.mark.parametrize(("toml", "expected"), [
    ("[recall]\nprompt_tokens = 2.5\n", "whole number"),
    ("[recall]\nprompt_tokens = true\n", "whole number"),
    ("[recall]\nprompt_tokens = [1]\n", "whole number"),
    ("[recall]\nprompt_tokens = 1e400\n", "whole number"),
    ("[recall]\nenabled = 'sometimes'\n", "true/false"),
    ("[signatures]\nexclude = [1, 2]\n", "list of strings"),
    ("[signatures]\nexclude = 3\n", "list of strings"),
    ("[learning]\nhaiku_model = 4\n", "a string"),
    ("[learning]\nnear_duplicate_threshold = -0.1\n", "at least 0"),
    ("recall = 5\n", "unknown section [recall]"),
    ("[recall]\nprompt_token = 5\n", "unknown setting recall.prompt_token"),
])
def test_a_bad_file_value_is_reported_and_the_user_layer_kept(
        memory_home: Path, project_dir: Path, toml: str, expected: str) -> None:
    write(memory_home / "config.toml", "[recall]\nprompt_tokens = 300\nenabled = false\n[learning]\n"
                                       "haiku_model = 'm'\nnear_duplicate_threshold = 0.9\n")
    write(project_dir / ".claude" / "memory.toml", toml)
    config = load_settings(str(project_dir), environ={})
    (problem,) = config.problems
    assert problem.startswith("project") and expected in problem
    assert (config.recall.prompt_tokens, config.recall.enabled) == (300, False)
    assert (config.learning.haiku_model, config.learning.near_duplicate_threshold) == ("m", 0.9)
    assert config.signatures.exclude == []


def test_an_unreadable_or_undecodable_file_is_reported(memory_home: Path, project_dir: Path) -> None:
    (project_dir / ".claude" / "memory.toml").mkdir(parents=True)  # a folder where the file should be
    write(memory_home / "config.toml", "")
    (memory_home / "config.toml").write_bytes(b"[recall]\nprompt_tokens = 1 # \xff\n")
    config = load_settings(str(project_dir), environ={})
    assert config.recall.prompt_tokens == 400
    text = "\n".join(config.problems)
    assert "user config" in text and "invalid TOML" in text
    assert "project config" in text and "cannot read" in text


def test_each_load_gets_its_own_values(memory_home: Path) -> None:
    """A list default is copied: changing one Settings never changes the defaults or another load."""
    first = load_settings(None, environ={})
    first.signatures.exclude.append("*.gen.ts")
    assert load_settings(None, environ={}).signatures.exclude == []


def test_the_log_rotates_as_the_user_settings_say(memory_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """general.log_max_bytes and log_backups reach the log (they were read from the defaults only before)."""
    from memory import log

    monkeypatch.setattr(log, "_logger", None)
    write(memory_home / "config.toml", "[general]\nlog_backups = 1\n")
    monkeypatch.setenv("MEMORY_GENERAL_LOG_MAX_BYTES", "2000")
    logger = log._get_logger()
    handler = logger.handlers[-1]
    try:
        assert (handler.maxBytes, handler.backupCount) == (2000, 1)
    finally:
        logger.removeHandler(handler)
        handler.close()
