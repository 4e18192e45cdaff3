"""Configuration: defaults < user TOML < project TOML < environment.

- user:    ``$MEMORY_HOME/config.toml``
- project: ``<project root>/.claude/memory.toml``
- environment: ``MEMORY_<SECTION>_<KEY>`` (e.g. ``MEMORY_SIGNATURES_MIN_LINES=200``), and ``MEMORY_DISABLE=1``
  which switches the whole plugin off.

A broken file or value never stops a hook: it is reported in ``problems`` (shown by ``doctor`` and
``status``) and the lower layer's value is kept.
"""

from __future__ import annotations

import os

from memory import paths
from memory.hooks.wire import MAX_CONTEXT_CHARS

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds on the hook hot path; annotations only
    from typing import Any, Mapping

DEFAULTS: dict[str, dict[str, Any]] = {
    "general": {
        "enabled": True,
        "log_max_bytes": 1_000_000,
        "log_backups": 3,
        "hook_runs_keep_days": 14,
    },
    "continuity": {
        "enabled": True,
        "save_every": 5,
        "restore_max_age_hours": 48,
        "handoff_tokens": 1200,
        "plan_progress": True,
        "crash_idle_minutes": 2,
        "transcript_max_mb": 4,
    },
    "signatures": {
        "enabled": True,
        "min_lines": 100,
        "head_lines": 1,
        "max_file_bytes": 2_000_000,
        "max_context_chars": MAX_CONTEXT_CHARS,
        "outline_detail_ratio": 0.06,
        "include_tests": True,
        "include_vendored": True,
        "exclude": [],
        "cache_max_entries": 5000,
    },
    "learning": {
        "enabled": True,
        "extractor": "auto",
        "haiku_model": "claude-haiku-4-5",
        "claude_command": "claude",
        "claude_model": "haiku",
        "claude_timeout_seconds": 120.0,
        "daily_token_budget": 50_000,
        "max_input_tokens": 8000,
        "prune_after_days": 90,
        "prune_below_confidence": 0.5,
        "near_duplicate_threshold": 0.88,
    },
    "recall": {
        "enabled": True,
        "session_start_tokens": 800,
        "prompt_tokens": 400,
        "global_preferences": True,
        "min_similarity": 0.0,  # > 0 overrides the embedder's calibrated gate (memory.recall.GATES)
        "max_items": 5,
        "at_action": True,
    },
    "embeddings": {
        "provider": "auto",
        "ollama_model": "nomic-embed-text",
        "ollama_host": "http://127.0.0.1:11434",
        "ollama_timeout_seconds": 2.0,
    },
    "worker": {
        "max_attempts": 5,
        "backoff_seconds": 30,
    },
}

TRUE_WORDS = ("1", "true", "yes", "on")


class Config:
    """Effective settings (``values``), where each came from (``sources``) and problems met loading them."""

    def __init__(self, values: dict[str, dict[str, Any]]) -> None:
        self.values = values
        self.sources: dict[str, str] = {}
        self.problems: list[str] = []

    def get(self, section: str, key: str) -> Any:
        """The effective value of ``[section] key``."""
        return self.values[section][key]

    def section(self, section: str) -> dict[str, Any]:
        """All effective values of one section."""
        return self.values[section]

    @property
    def enabled(self) -> bool:
        """False when the whole plugin is switched off."""
        return bool(self.values["general"]["enabled"])

    def feature_enabled(self, feature: str) -> bool:
        """True when the plugin and the feature ``feature`` (a section with an ``enabled`` key) are on."""
        return self.enabled and bool(self.values[feature]["enabled"])


def load_config(project_root: str | None = None, environ: dict[str, str] | None = None) -> Config:
    """Build the effective configuration for a project (``project_root`` may be None outside one)."""
    env = os.environ if environ is None else environ
    config = Config(values={section: dict(keys) for section, keys in DEFAULTS.items()})
    for section, keys in DEFAULTS.items():
        for key in keys:
            config.sources[f"{section}.{key}"] = "default"
    _apply_file(config, os.path.join(paths.data_home(), "config.toml"), "user")
    if project_root:
        _apply_file(config, os.path.join(project_root, ".claude", "memory.toml"), "project")
    _apply_environment(config, env)
    return config


def _apply_file(config: Config, path: str, label: str) -> None:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return
    except OSError as exc:
        config.problems.append(f"{label} config {path}: cannot read ({exc.strerror})")
        return
    toml = _toml_module()
    if toml is None:
        config.problems.append(f"{label} config {path}: ignored, no TOML parser (Python 3.10 needs tomli)")
        return
    try:
        data = toml.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        config.problems.append(f"{label} config {path}: invalid TOML ({exc}); defaults used")
        return
    for section, table in data.items():
        if section not in DEFAULTS or not isinstance(table, dict):
            config.problems.append(f"{label} config {path}: unknown section [{section}]")
            continue
        for key, value in table.items():
            _set(config, section, key, value, f"{label} ({path})")


def _apply_environment(config: Config, env: Mapping[str, str]) -> None:
    if env.get("MEMORY_DISABLE", "").strip().lower() in TRUE_WORDS:
        _set(config, "general", "enabled", False, "env MEMORY_DISABLE")
    for section, keys in DEFAULTS.items():
        for key in keys:
            name = f"MEMORY_{section.upper()}_{key.upper()}"
            if name in env:
                _set(config, section, key, env[name], f"env {name}")


def _set(config: Config, section: str, key: str, value: Any, source: str) -> None:
    if key not in DEFAULTS[section]:
        config.problems.append(f"{source}: unknown setting {section}.{key}")
        return
    try:
        config.values[section][key] = coerce(DEFAULTS[section][key], value)
    except ValueError as exc:
        config.problems.append(f"{source}: {section}.{key}: {exc}; kept {config.values[section][key]!r}")
        return
    config.sources[f"{section}.{key}"] = source


def coerce(default: Any, value: Any) -> Any:
    """Convert ``value`` (from TOML or an environment string) to the type of ``default``."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"expected true/false, got {value!r}")
    if isinstance(default, int):
        if isinstance(value, bool):
            raise ValueError(f"expected a whole number, got {value!r}")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected a whole number, got {value!r}") from None
    if isinstance(default, float):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected a number, got {value!r}") from None
    if isinstance(default, list):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        raise ValueError(f"expected a list of strings, got {value!r}")
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def _toml_module():
    try:
        import tomllib  # Python 3.11+
        return tomllib
    except ModuleNotFoundError:
        try:
            import tomli  # type: ignore[import-not-found]
            return tomli
        except ModuleNotFoundError:
            return None
