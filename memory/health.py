"""Health checks behind ``doctor`` and the degraded-mode lines of ``status``.

Each check returns a ``Check(name, status, detail)`` with status ``ok``, ``warn`` (works, but less than it
could) or ``fail`` (something the user must fix). Nothing here changes the store: the database is opened
read-only, so a damaged file is reported, not moved.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import urllib.request
from dataclasses import dataclass

from memory import bootstrap, paths
from memory.config import Settings
from memory.store import SQL_NOW_OFFSET
from memory.store.migrations import latest_version

MIN_FREE_BYTES = 50 * 1024 * 1024
LOW_FREE_BYTES = 500 * 1024 * 1024


@dataclass
class Check:
    """One line of the doctor's report."""

    name: str
    status: str
    detail: str


def run_checks(settings: Settings, *, with_plugin_validation: bool = True) -> list[Check]:
    """Every check, in the order a person would want to read them."""
    checks = [check_python(), check_dependencies(), check_data_folder(), *check_database(), check_disk(),
              check_config(settings), check_plugin_files()]
    if with_plugin_validation:
        checks.append(check_plugin_validation())
    checks += [check_ollama(settings), check_api_key(), check_recent_errors()]
    return checks


def check_python() -> Check:
    """Python 3.10 or newer."""
    version = ".".join(map(str, sys.version_info[:3]))
    status = "ok" if sys.version_info >= (3, 10) else "fail"
    return Check("python", status, f"{version} at {sys.executable}")


def check_dependencies() -> Check:
    """Which dependencies this interpreter has, and where the bootstrap stands."""
    missing = bootstrap.missing_modules()
    boot = bootstrap.state()
    if not missing:
        versions = []
        for dist in ("tree-sitter-language-pack", "lancedb", "simsimd"):
            try:
                versions.append(f"{dist} {importlib.metadata.version(dist)}")
            except importlib.metadata.PackageNotFoundError:
                pass
        return Check("dependencies", "ok", "all installed (" + ", ".join(versions) + ")")
    features = sorted({bootstrap.DEPENDENCIES[m] for m in missing})
    detail = f"missing {', '.join(missing)} -> skipped: {'; '.join(features)}; bootstrap {boot['state']}"
    if boot.get("reason"):
        detail += f" ({str(boot['reason']).strip().splitlines()[-1][:200]})"
    return Check("dependencies", "warn", detail)


def check_data_folder() -> Check:
    """The data folder exists (or can be made), is writable and private."""
    home = paths.data_home()
    if not os.path.exists(home):
        ancestor = os.path.dirname(home.rstrip(os.sep)) or os.sep
        while not os.path.exists(ancestor):
            ancestor = os.path.dirname(ancestor)
        if os.path.isdir(ancestor) and os.access(ancestor, os.W_OK | os.X_OK):
            return Check("data folder", "ok", f"{home} (created on first use)")
        return Check("data folder", "fail", f"{home} does not exist and cannot be created ({ancestor} is in the way)")
    if not os.path.isdir(home):
        return Check("data folder", "fail", f"{home} is not a folder")
    if not os.access(home, os.W_OK | os.X_OK):
        return Check("data folder", "fail", f"{home} is not writable: nothing can be stored")
    mode = os.stat(home).st_mode & 0o777
    if mode & 0o077:
        return Check("data folder", "warn", f"{home} is readable by others (mode {mode:o}; expected 700)")
    return Check("data folder", "ok", home)


def check_database() -> list[Check]:
    """Integrity and schema version of the database, and any damaged copies moved aside."""
    db = paths.db_path()
    checks = []
    if not os.path.exists(db):
        checks.append(Check("database", "ok", f"{db} (not created yet)"))
    else:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2)
            try:
                result = conn.execute("PRAGMA quick_check").fetchone()[0]
                version = conn.execute("PRAGMA user_version").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            checks.append(Check("database", "fail", f"{db}: {exc} (the next hook moves it aside and starts afresh)"))
        else:
            size = os.path.getsize(db)
            if result != "ok":
                checks.append(Check("database", "fail", f"{db}: integrity check says {result}"))
            elif version > latest_version():
                checks.append(Check("database", "fail", f"schema v{version} is newer than this plugin (v{latest_version()})"))
            elif version < latest_version():
                checks.append(Check("database", "warn", f"schema v{version}, migrates to v{latest_version()} on next use (backup first)"))
            else:
                checks.append(Check("database", "ok", f"{db} ({size // 1024} KB, schema v{version}, integrity ok)"))
    folder = os.path.dirname(db)
    moved = sorted(n for n in os.listdir(folder) if ".corrupt-" in n) if os.path.isdir(folder) else []
    if moved:
        checks.append(Check("damaged copies", "warn", f"{len(moved)} kept aside in {folder}, newest {moved[-1]}"))
    return checks


def check_disk() -> Check:
    """Free space where the data folder lives."""
    target = paths.data_home()
    while not os.path.exists(target):
        target = os.path.dirname(target) or "/"
    free = shutil.disk_usage(target).free
    status = "fail" if free < MIN_FREE_BYTES else "warn" if free < LOW_FREE_BYTES else "ok"
    return Check("disk space", status, f"{free // (1024 * 1024)} MB free at {target}")


def check_config(settings: Settings) -> Check:
    """Problems met while loading the settings (the lower layer's value is kept for those)."""
    if settings.problems:
        return Check("config", "warn", "; ".join(settings.problems))
    if not settings.enabled:
        return Check("config", "warn", "the plugin is switched off (MEMORY_DISABLE or general.enabled)")
    return Check("config", "ok", "valid")


def check_plugin_files() -> Check:
    """The manifest and hooks file parse, and the launcher is there."""
    root = paths.PLUGIN_ROOT
    try:
        for name in (".claude-plugin/plugin.json", "hooks/hooks.json"):
            with open(os.path.join(root, name), encoding="utf-8") as handle:
                json.load(handle)
    except (OSError, ValueError) as exc:
        return Check("plugin files", "fail", str(exc))
    if not os.path.exists(os.path.join(root, "hooks", "run")):
        return Check("plugin files", "fail", "hooks/run is missing")
    return Check("plugin files", "ok", root)


def find_claude() -> str | None:
    """The ``claude`` binary: on PATH, else the pinned copy a development checkout installs in .tools/."""
    local = os.path.join(paths.PLUGIN_ROOT, ".tools", "node_modules", ".bin", "claude")
    return shutil.which("claude") or (local if os.path.exists(local) else None)


def check_plugin_validation() -> Check:
    """``claude plugin validate`` on the plugin folder, when Claude Code is installed."""
    claude = find_claude()
    if claude is None:
        return Check("plugin validation", "ok", "skipped: claude not on PATH")
    try:
        done = subprocess.run([claude, "plugin", "validate", paths.PLUGIN_ROOT], capture_output=True, text=True,
                              timeout=60, env=dict(os.environ, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1"))
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("plugin validation", "warn", f"could not run claude: {exc}")
    if done.returncode == 0:
        return Check("plugin validation", "ok", "claude plugin validate passed")
    output = (done.stdout + done.stderr).strip().splitlines()
    return Check("plugin validation", "fail", " ".join(output[-3:])[:300])


def check_ollama(settings: Settings) -> Check:
    """Whether the local Ollama answers (without it the local MiniLM embedder is used)."""
    host = settings.embeddings.ollama_host.rstrip("/")
    if settings.embeddings.provider in ("builtin", "minilm"):
        return Check("ollama", "ok", f"not used (embeddings.provider = {settings.embeddings.provider})")
    try:
        with urllib.request.urlopen(f"{host}/api/version", timeout=1.0) as response:
            version = json.loads(response.read() or b"{}").get("version", "?")
        return Check("ollama", "ok", f"reachable at {host} (version {version})")
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Check("ollama", "warn", f"not reachable at {host} ({reason}); the local MiniLM embedder is used")


def check_api_key() -> Check:
    """Whether an Anthropic API key is set (its value is never shown)."""
    if os.environ.get("ANTHROPIC_API_KEY"):
        return Check("api key", "ok", "ANTHROPIC_API_KEY is set: Haiku extraction allowed within the daily budget")
    return Check("api key", "ok", "not set: learnings come from the rules extractor only")


def check_recent_errors() -> Check:
    """Hook and worker errors recorded in the last 24 hours."""
    db = paths.db_path()
    if not os.path.exists(db):
        return Check("recent errors", "ok", "none")
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2)
        try:
            count, last = conn.execute(
                "SELECT count(*), max(ts || ' ' || source || ': ' || message) FROM errors "
                f"WHERE ts >= {SQL_NOW_OFFSET}", ("-1 day",)
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return Check("recent errors", "warn", f"cannot read the errors table: {exc}")
    if not count:
        return Check("recent errors", "ok", "none in the last 24 h")
    return Check("recent errors", "warn", f"{count} in the last 24 h; latest: {str(last)[:200]}")
