"""Where things live: the data folder, the database, logs, the plugin's own virtual environment.

Nothing here writes inside the user's repository. Every folder we create is private (0700) and every file
0600, because the memory holds excerpts of the user's work. Paths are plain strings: this module is on every
hook's hot path, where importing ``pathlib`` alone costs several milliseconds.
"""

from __future__ import annotations

import os
import sys

PLUGIN_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_site_packages() -> None:
    """Make installed packages (tree-sitter, simsimd, …) importable; call it before importing one.

    ``hooks/run`` starts hooks with ``python -S``: processing site-packages costs ~7 ms, a third of the
    interpreter's start, and most hook runs (tracking every tool call) never import a third-party package.
    The few that do call this first. In a virtual environment (the plugin's own) its site-packages folder is
    simply put on ``sys.path`` (~0 ms; its ``.pth`` files hold nothing the hooks use); elsewhere the standard
    ``site.main()`` runs. Without ``-S`` it does nothing.
    """
    global _site_ready
    if _site_ready or not sys.flags.no_site or "site" in sys.modules:
        return
    _site_ready = True
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    folder = os.path.join(sys.prefix, "lib", version, "site-packages")
    if sys.prefix != sys.base_prefix and os.path.isdir(folder):
        sys.path.append(folder)
        return
    import site

    site.main()


_site_ready = False


def data_home() -> str:
    """The data folder: ``$MEMORY_HOME``, else ``$CLAUDE_PLUGIN_DATA``, else ``~/.claude/compound-memory``.

    Claude Code sets CLAUDE_PLUGIN_DATA for hooks, but not in a terminal. So that ``python -m memory`` in a
    terminal reads the memory the hooks wrote, it falls back to the plugin data folder Claude Code keeps
    (``~/.claude/plugins/data/compound-memory*``) when one holds a database.
    """
    configured = os.environ.get("MEMORY_HOME") or os.environ.get("CLAUDE_PLUGIN_DATA")
    if configured:
        return os.path.expanduser(configured)
    claude_home = os.path.join(os.path.expanduser("~"), ".claude")
    return _plugin_data_folder(claude_home) or os.path.join(claude_home, "compound-memory")


def _plugin_data_folder(claude_home: str) -> str | None:
    """The most recently used ``plugins/data/compound-memory*`` folder that holds a database, if any."""
    folder = os.path.join(claude_home, "plugins", "data")
    try:
        names = [n for n in os.listdir(folder) if n.startswith("compound-memory")]
    except OSError:
        return None
    found = [os.path.join(folder, n) for n in names if os.path.exists(os.path.join(folder, n, "memory.db"))]
    return max(found, key=lambda f: os.path.getmtime(os.path.join(f, "memory.db"))) if found else None


def ensure_private_dir(path: str) -> str:
    """Create ``path`` (and parents) if needed and make it 0700; return it."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    if os.stat(path).st_mode & 0o777 != 0o700:
        os.chmod(path, 0o700)
    return path


def db_path() -> str:
    """The SQLite database file."""
    return os.path.join(data_home(), "memory.db")


def log_path() -> str:
    """The size-capped, rotating log file."""
    return os.path.join(data_home(), "logs", "memory.log")


def venv_dir() -> str:
    """Where the bootstrap creates the plugin's virtual environment: ``venv`` in the data folder.

    ``hooks/run`` (shell) looks for it in the same places in the same order as ``data_home``;
    tests/test_paths.py checks that the two agree.
    """
    return os.path.join(data_home(), "venv")


def write_private_file(path: str, data: str | bytes) -> None:
    """Atomically replace ``path`` with ``data`` (0600), creating its private folder if needed."""
    ensure_private_dir(os.path.dirname(path))
    write_atomic(path, data, mode=0o600)


def write_atomic(path: str, data: str | bytes, *, mode: int) -> None:
    """Replace ``path`` with ``data`` atomically: write a temp file beside it, fsync, set ``mode``, rename.

    A reader sees the old file or the new one, never half of one; a crash leaves no partial file.
    """
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # os.open's mode is filtered by the umask
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
