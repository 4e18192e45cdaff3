"""Zero setup: the plugin installs its own dependencies into its own virtual environment.

The first SessionStart that finds a dependency missing starts this module detached (new session, stdio
closed). It creates ``paths.venv_dir()``, installs the pinned ``requirements.txt`` and writes a ``.ready``
marker holding the requirements' hash; ``hooks/run`` switches to that interpreter once the marker exists.
Until then hooks run on the standard library alone and features that need a dependency skip themselves.
``install.sh`` runs the same steps in the foreground.

    python -m memory.bootstrap [--foreground]
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from memory import log, paths

# module -> what needs it (shown by doctor and status when missing)
DEPENDENCIES: dict[str, str] = {
    "tree_sitter_language_pack": "signatures of large files",
    "simsimd": "vector recall in hooks",
    "numpy": "embeddings",
    "lancedb": "the vector index",
    "pyarrow": "the vector index",
    "anthropic": "Haiku extraction (with an API key)",
    "ollama": "Ollama embeddings",
    "rich": "CLI tables",
    "detect_secrets": "thorough secret redaction",
}
RETRY_AFTER_FAILURE_S = 3600


def requirements_file() -> Path:
    """The pinned requirements to install (``$MEMORY_BOOTSTRAP_REQUIREMENTS`` overrides, for tests)."""
    return Path(os.environ.get("MEMORY_BOOTSTRAP_REQUIREMENTS") or paths.PLUGIN_ROOT / "requirements.txt")


def requirements_hash() -> str:
    """A hash of the requirements file, so a plugin update re-installs."""
    try:
        return hashlib.sha256(requirements_file().read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"


def missing_modules() -> list[str]:
    """Dependencies the running interpreter cannot import (checked without importing them)."""
    return [name for name in DEPENDENCIES if importlib.util.find_spec(name) is None]


def state() -> dict[str, object]:
    """Where the bootstrap stands: ready, installing, failed (with the reason) or not started."""
    venv = paths.venv_dir()
    ready = venv / ".ready"
    failed = venv.parent / "bootstrap.failed"
    result: dict[str, object] = {"venv": str(venv), "missing_here": missing_modules()}
    if ready.exists() and ready.read_text(encoding="utf-8").strip() == requirements_hash():
        result["state"] = "ready"
    elif _lock_is_held():
        result["state"] = "installing"
    elif failed.exists():
        result["state"] = "failed"
        result["reason"] = failed.read_text(encoding="utf-8", errors="replace")[-500:]
    else:
        result["state"] = "not started"
    return result


def start_if_needed() -> bool:
    """Start a detached bootstrap when dependencies are missing and none is ready, running or recently failed."""
    if not missing_modules():
        return False
    current = state()
    if current["state"] in ("ready", "installing"):
        return False
    failed = paths.venv_dir().parent / "bootstrap.failed"
    if current["state"] == "failed" and time.time() - failed.stat().st_mtime < RETRY_AFTER_FAILURE_S:
        return False
    env = dict(os.environ, PYTHONPATH=str(paths.PLUGIN_ROOT))
    subprocess.Popen(
        [sys.executable, "-m", "memory.bootstrap"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True, env=env, cwd=str(paths.PLUGIN_ROOT),
    )
    log.info("bootstrap", f"started: missing {', '.join(current['missing_here'])}")  # type: ignore[arg-type]
    return True


def run(foreground: bool = False) -> int:
    """Create the virtual environment and install the requirements; 0 on success."""
    venv = paths.venv_dir()
    paths.ensure_private_dir(venv.parent)
    lock = _take_lock()
    if lock is None:
        _say(foreground, "another bootstrap is already running")
        return 0
    failed = venv.parent / "bootstrap.failed"
    try:
        python = venv / "bin" / "python"
        if not python.exists():
            _say(foreground, f"creating virtual environment {venv}")
            _run([sys.executable, "-m", "venv", str(venv)], foreground)
        _say(foreground, f"installing {requirements_file()}")
        _run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q",
              "-r", str(requirements_file())], foreground)
        (venv / ".ready").write_text(requirements_hash() + "\n", encoding="utf-8")
        if failed.exists():
            failed.unlink()
        _say(foreground, "dependencies ready")
        log.info("bootstrap", "dependencies ready")
        return 0
    except (OSError, subprocess.CalledProcessError) as exc:
        reason = getattr(exc, "output", None) or str(exc)
        failed.write_text(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {reason}"[-4000:], encoding="utf-8")
        log.error("bootstrap", f"failed: {reason}")
        _say(foreground, f"bootstrap failed: {reason}")
        return 1
    finally:
        os.close(lock)


def _run(command: list[str], foreground: bool) -> None:
    if foreground:
        subprocess.run(command, check=True)
    else:
        subprocess.run(command, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _say(foreground: bool, message: str) -> None:
    if foreground:
        print(f"compound-memory: {message}", flush=True)


def _lock_path() -> Path:
    return paths.venv_dir().parent / "bootstrap.lock"


def _take_lock() -> int | None:
    import fcntl

    fd = os.open(_lock_path(), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _lock_is_held() -> bool:
    if not _lock_path().exists():
        return False
    fd = _take_lock()
    if fd is None:
        return True
    os.close(fd)
    return False


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m memory.bootstrap [--foreground]``."""
    args = sys.argv[1:] if argv is None else argv
    os.umask(0o077)
    return run(foreground="--foreground" in args)


if __name__ == "__main__":
    sys.exit(main())
