"""Project identity: which memory a working directory belongs to.

In a git repository the key is the git *common* directory, so every worktree of one repository shares a
memory. Elsewhere it is the real path of the directory Claude Code was started in. Found by reading files
only (no ``git`` subprocess), because it runs in every hook.
"""

from __future__ import annotations

import os
from collections import namedtuple

Project = namedtuple("Project", "key root name")
Project.__doc__ = "A project: ``key`` identifies its memory, ``root`` is the working tree, ``name`` is for people."


def find_project(cwd: str | None = None) -> Project:
    """The project that ``cwd`` (default: ``$CLAUDE_PROJECT_DIR`` or the current directory) belongs to."""
    start = os.path.realpath(cwd or os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd())
    folder = start
    while True:
        common = _git_common_dir(os.path.join(folder, ".git"))
        if common is not None:
            return Project(key=common, root=folder, name=_repo_name(common, folder))
        parent = os.path.dirname(folder)
        if parent == folder:
            return Project(key=start, root=start, name=os.path.basename(start) or start)
        folder = parent


def _git_common_dir(dot_git: str) -> str | None:
    """The common git directory behind a ``.git`` entry (a folder, or a worktree's ``gitdir:`` file)."""
    if os.path.isdir(dot_git):
        return os.path.realpath(dot_git)
    try:
        with open(dot_git, encoding="utf-8", errors="replace") as handle:
            text = handle.read(4096).strip()
    except OSError:
        return None
    if not text.startswith("gitdir:"):
        return None
    git_dir = os.path.join(os.path.dirname(dot_git), text[len("gitdir:"):].strip())
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            common = handle.read().strip()
    except OSError:
        return os.path.realpath(git_dir)  # a submodule: its own repository
    return os.path.realpath(os.path.join(git_dir, common))


def _repo_name(common: str, worktree: str) -> str:
    if os.path.basename(common) == ".git":
        return os.path.basename(os.path.dirname(common))
    return os.path.basename(worktree)


def canonical_path(path: str, root: str) -> tuple[str, bool]:
    """The one stored name of a file a session touched, and whether it lies outside the project.

    Inside the project ``root`` (a real path, see ``find_project``): relative to it (``"."`` for the root
    itself), also when ``path`` reaches it through a symlinked folder (``/tmp/x`` for ``/private/tmp/x``).
    Outside: absolute and normalized as written. A relative ``path`` is taken relative to ``root``. The file
    is never opened; only a path outside the root by its spelling is resolved.
    """
    if not os.path.isabs(path):
        path = os.path.join(root, path)
    path = os.path.normpath(path)
    root = os.path.normpath(root)
    inside = relative_to(path, root)
    if inside is None:
        inside = relative_to(os.path.realpath(path), root)
    return (path, True) if inside is None else (inside, False)


def relative_to(path: str, root: str) -> str | None:
    """``path`` relative to the folder ``root`` when it lies inside it (``"."`` for the root itself), else None.

    Both are compared as spelled: nothing is normalized or resolved (``canonical_path`` does that first)."""
    root = root.rstrip(os.sep) or os.sep
    if path == root:
        return "."
    prefix = root if root.endswith(os.sep) else root + os.sep
    return path[len(prefix):] if path.startswith(prefix) else None
