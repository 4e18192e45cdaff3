"""Settings: one typed object, layered defaults < user TOML < project TOML < environment.

- user:    ``$MEMORY_HOME/config.toml``
- project: ``<project root>/.claude/memory.toml``
- environment: ``MEMORY_<SECTION>_<KEY>`` (e.g. ``MEMORY_SIGNATURES_MIN_LINES=200``), and ``MEMORY_DISABLE=1``
  which switches the whole plugin off.

Each ``[section]`` is a class below; each setting is written once, as an annotated class attribute whose value
is the default. The annotation is the setting's type: a value from a file or the environment is converted to it
(and checked) once, at load, so callers read ``settings.recall.prompt_tokens`` as an ``int``. A broken file or
value never stops a hook: it is reported in ``problems`` (shown by ``doctor`` and ``status``) and the lower
layer's value is kept.

To add a setting: add the annotated attribute to its section class, document it in the README's
Configuration block, and read it as an attribute. Plain classes, not dataclasses: ``dataclasses`` and
``typing`` cost milliseconds to import on the hook hot path, and these annotations are never evaluated.
"""

from __future__ import annotations

import math
import os

from memory import paths
from memory.hooks.wire import MAX_CONTEXT_CHARS

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds on the hook hot path; annotations only
    from typing import Any, Callable, Mapping

# Annotation-only aliases: a float in [0, 1], and a string among the section's ``choices``.
Fraction = float
Choice = str


class Section:
    """One ``[section]`` of settings. A subclass declares its settings as annotated class attributes (the
    defaults); an instance holds the effective values, set by ``load_settings``."""

    name = ""
    choices: dict[str, tuple[str, ...]] = {}  # the allowed values of each ``Choice`` setting

    def __init__(self) -> None:
        # A value set at load shadows the class attribute (the default); only a list is copied, so that changing
        # one instance's list never changes the default.
        for key, default in vars(type(self)).items():
            if isinstance(default, list):
                setattr(self, key, list(default))

    @classmethod
    def keys(cls) -> tuple[str, ...]:
        """The setting names, in declaration order."""
        return tuple(cls.__annotations__)

    @classmethod
    def kind(cls, key: str) -> str:
        """The declared type of ``key``, as written in the annotation (``"int"``, ``"list[str]"``, ...)."""
        return cls.__annotations__[key]

    def as_dict(self) -> dict[str, Any]:
        """The effective values, by name."""
        return {key: getattr(self, key) for key in self.keys()}


class General(Section):
    """The whole plugin, and its log."""

    name = "general"
    enabled: bool = True
    log_max_bytes: int = 1_000_000
    log_backups: int = 3
    hook_runs_keep_days: int = 14


class Continuity(Section):
    """Handoffs: when they are saved and restored."""

    name = "continuity"
    enabled: bool = True
    save_every: int = 5
    restore_max_age_hours: float = 48
    handoff_tokens: int = 1200
    plan_progress: bool = True
    crash_idle_minutes: float = 2
    transcript_max_mb: float = 4


class Signatures(Section):
    """Outlines given instead of whole-file Reads."""

    name = "signatures"
    enabled: bool = True
    min_lines: int = 100
    head_lines: int = 1
    max_file_bytes: int = 2_000_000
    max_context_chars: int = MAX_CONTEXT_CHARS
    outline_detail_ratio: Fraction = 0.06
    include_tests: bool = True
    include_vendored: bool = True
    exclude: list[str] = []
    cache_max_entries: int = 5000


class Learning(Section):
    """Extracting, keeping and pruning learnings; the LLM extractors and their budget."""

    name = "learning"
    choices = {"extractor": ("auto", "rules", "haiku", "claude-cli")}
    enabled: bool = True
    extractor: Choice = "auto"
    haiku_model: str = "claude-haiku-4-5"
    claude_command: str = "claude"
    claude_model: str = "haiku"
    claude_timeout_seconds: float = 120.0
    daily_token_budget: int = 50_000
    max_input_tokens: int = 8000
    prune_after_days: int = 90
    prune_below_confidence: Fraction = 0.5
    near_duplicate_threshold: Fraction = 0.88


class Recall(Section):
    """Learnings injected at SessionStart, on each prompt and before an action."""

    name = "recall"
    enabled: bool = True
    session_start_tokens: int = 800
    prompt_tokens: int = 400
    global_preferences: bool = True
    min_similarity: Fraction = 0.0  # > 0 overrides the embedder's calibrated gate (memory.recall.GATES)
    max_items: int = 5
    at_action: bool = True


class Embeddings(Section):
    """Which embedder turns learnings and queries into vectors."""

    name = "embeddings"
    choices = {"provider": ("auto", "ollama", "minilm", "builtin")}
    provider: Choice = "auto"
    ollama_model: str = "nomic-embed-text"
    ollama_host: str = "http://127.0.0.1:11434"
    ollama_timeout_seconds: float = 2.0


class Worker(Section):
    """Retries of the background worker's jobs."""

    name = "worker"
    max_attempts: int = 5
    backoff_seconds: int = 30


SECTIONS: tuple[type[Section], ...] = (General, Continuity, Signatures, Learning, Recall, Embeddings, Worker)
FEATURES = ("continuity", "signatures", "learning", "recall")  # sections with their own ``enabled`` switch
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


class Settings:
    """The effective settings (one attribute per section), where each value came from (``sources``, keyed
    ``"section.key"``) and the problems met loading them."""

    def __init__(self) -> None:
        self.general = General()
        self.continuity = Continuity()
        self.signatures = Signatures()
        self.learning = Learning()
        self.recall = Recall()
        self.embeddings = Embeddings()
        self.worker = Worker()
        self.sources: dict[str, str] = {f"{cls.name}.{key}": "default" for cls in SECTIONS for key in cls.keys()}
        self.problems: list[str] = []

    @property
    def enabled(self) -> bool:
        """False when the whole plugin is switched off."""
        return self.general.enabled

    def feature_enabled(self, feature: str) -> bool:
        """True when the plugin and the feature ``feature`` (one of ``FEATURES``) are on."""
        return self.general.enabled and bool(getattr(self, feature).enabled)

    def sections(self) -> dict[str, Section]:
        """Every section, by name, in the documented order."""
        return {cls.name: getattr(self, cls.name) for cls in SECTIONS}

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Every effective value, by section and name."""
        return {name: section.as_dict() for name, section in self.sections().items()}


def load_settings(project_root: str | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Build the effective settings for a project (``project_root`` may be None outside one)."""
    env = os.environ if environ is None else environ
    settings = Settings()
    _apply_file(settings, os.path.join(paths.data_home(), "config.toml"), "user")
    if project_root:
        _apply_file(settings, os.path.join(project_root, ".claude", "memory.toml"), "project")
    _apply_environment(settings, env)
    return settings


def _apply_file(settings: Settings, path: str, label: str) -> None:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return
    except OSError as exc:
        settings.problems.append(f"{label} config {path}: cannot read ({exc.strerror})")
        return
    toml = _toml_module()
    if toml is None:
        settings.problems.append(f"{label} config {path}: ignored, no TOML parser (Python 3.10 needs tomli)")
        return
    try:
        data = toml.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        settings.problems.append(f"{label} config {path}: invalid TOML ({exc}); defaults used")
        return
    sections = settings.sections()
    for name, table in data.items():
        if name not in sections or not isinstance(table, dict):
            settings.problems.append(f"{label} config {path}: unknown section [{name}]")
            continue
        for key, value in table.items():
            _set(settings, sections[name], key, value, f"{label} ({path})")


def _apply_environment(settings: Settings, env: Mapping[str, str]) -> None:
    if env.get("MEMORY_DISABLE", "").strip().lower() in TRUE_WORDS:
        _set(settings, settings.general, "enabled", False, "env MEMORY_DISABLE")
    for section in settings.sections().values():
        for key in section.keys():
            name = f"MEMORY_{section.name.upper()}_{key.upper()}"
            if name in env:
                _set(settings, section, key, env[name], f"env {name}")


def _set(settings: Settings, section: Section, key: str, value: Any, source: str) -> None:
    if key not in section.keys():
        settings.problems.append(f"{source}: unknown setting {section.name}.{key}")
        return
    try:
        converted = coerce(section.kind(key), value, section.choices.get(key, ()))
    except ValueError as exc:
        settings.problems.append(f"{source}: {section.name}.{key}: {exc}; kept {getattr(section, key)!r}")
        return
    setattr(section, key, converted)
    settings.sources[f"{section.name}.{key}"] = source


def coerce(kind: str, value: Any, choices: tuple[str, ...] = ()) -> Any:
    """Convert ``value`` (from TOML, or an environment string) to the declared type ``kind``; ValueError says
    what was expected when it cannot be. Numbers must be finite and not negative; a ``Fraction`` lies in
    [0, 1]; a ``Choice`` is one of ``choices``."""
    return _CONVERTERS[kind](value, choices)


def _to_bool(value: Any, choices: tuple[str, ...]) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"expected true/false, got {value!r}")


def _to_int(value: Any, choices: tuple[str, ...]) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"expected a whole number, got {value!r}")
    try:
        number = int(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise ValueError(f"expected a number of at least 0, got {value!r}")
    return number


def _to_float(value: Any, choices: tuple[str, ...]) -> float:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"expected a finite number of at least 0, got {value!r}")
    return number


def _to_fraction(value: Any, choices: tuple[str, ...]) -> float:
    number = _to_float(value, choices)
    if number > 1:
        raise ValueError(f"expected a number from 0 to 1, got {value!r}")
    return number


def _to_str(value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def _to_choice(value: Any, choices: tuple[str, ...]) -> str:
    text = _to_str(value, choices).strip().lower()
    if text not in choices:
        raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
    return text


def _to_strings(value: Any, choices: tuple[str, ...]) -> list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    raise ValueError(f"expected a list of strings, got {value!r}")


_CONVERTERS: dict[str, Callable[[Any, tuple[str, ...]], Any]] = {
    "bool": _to_bool, "int": _to_int, "float": _to_float, "Fraction": _to_fraction, "str": _to_str,
    "Choice": _to_choice, "list[str]": _to_strings,
}


def _toml_module():
    try:
        import tomllib  # Python 3.11+
        return tomllib
    except ModuleNotFoundError:
        try:
            import tomli
            return tomli
        except ModuleNotFoundError:
            return None
