"""Project identity: worktrees of one repository share a memory; other folders are keyed by real path."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from memory.project import find_project, relative_to


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True,
                   capture_output=True)


def test_worktrees_of_one_repository_share_the_key(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    git("commit", "-q", "--allow-empty", "-m", "first", cwd=repo)
    git("worktree", "add", "-q", str(tmp_path / "wt"), "-b", "feature", cwd=repo)
    (repo / "src").mkdir()
    main, nested, worktree = find_project(str(repo)), find_project(str(repo / "src")), find_project(str(tmp_path / "wt"))
    assert main.key == nested.key == worktree.key == str((repo / ".git").resolve())
    assert (main.root, worktree.root) == (str(repo.resolve()), str((tmp_path / "wt").resolve()))
    assert main.name == worktree.name == "repo"


def test_folder_outside_git_is_keyed_by_its_real_path(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    link = tmp_path / "link"
    os.symlink(folder, link)
    assert find_project(str(link)).key == find_project(str(folder)).key == str(folder.resolve())


def test_relative_to_names_a_path_inside_a_folder_as_spelled() -> None:
    """The one relative_to (signatures, anchors and canonical_path share it): the root itself is ".", a sibling
    whose name starts with the root's is outside, and nothing is normalized."""
    assert relative_to("/work/app/src/main.py", "/work/app") == "src/main.py"
    assert relative_to("/work/app/src/main.py", "/work/app/") == "src/main.py"
    assert relative_to("/work/app", "/work/app") == "."
    assert relative_to("/work/application/x.py", "/work/app") is None
    assert relative_to("/etc/hosts", "/") == "etc/hosts"
    assert relative_to("/work/app/../other.py", "/work/app") == "../other.py"  # as spelled: normalize first
