"""Packaging hygiene: the runtime lock the plugin installs for users holds no test tools, pyproject.toml
declares exactly the third-party packages our code imports, and the plugin manifest has no placeholder URL."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEV_ONLY = {"pytest", "iniconfig", "pluggy", "ruff", "mypy", "mypy-extensions", "pathspec"}
# Imported only when present, with a defined fallback (config on Python 3.10 without tomli is ignored, said so).
OPTIONAL_IMPORTS = {"tomli"}


def canonical(name: str) -> str:
    """PEP 503 normalized distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` line of a requirements file (comments and -r lines skipped)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line and not line.startswith("-"):
            name, version = line.split("==", 1)
            found[canonical(name)] = version.split(";")[0].strip()
    return found


def declared() -> dict[str, str]:
    """pyproject.toml's runtime dependencies, name -> pinned version."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {canonical(spec.split("==")[0]): spec.split("==")[1] for spec in project["dependencies"]}


def imported_top_level_modules() -> set[str]:
    """Top-level modules imported anywhere in the plugin's code (memory/, parser/, hooks/)."""
    modules: set[str] = set()
    for folder in ("memory", "parser", "hooks"):
        for source in (REPO / folder).rglob("*.py"):
            tree = ast.parse(source.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return modules


def third_party_imports() -> set[str]:
    """Imported modules that are neither the standard library nor ours."""
    ours = {"memory", "parser", "inventory"}  # inventory: the demo project's own package
    return {m for m in imported_top_level_modules()
            if m not in sys.stdlib_module_names and m not in ours and not m.startswith("_")}


def test_runtime_lock_holds_no_test_tools() -> None:
    runtime = pins(REPO / "requirements.txt")
    assert not DEV_ONLY & set(runtime), "test tools belong in requirements-dev.txt"


def test_dev_lock_is_the_runtime_lock_plus_test_tools() -> None:
    text = (REPO / "requirements-dev.txt").read_text(encoding="utf-8")
    assert "-r requirements.txt" in text.splitlines()
    dev = pins(REPO / "requirements-dev.txt")
    assert "pytest" in dev
    assert not set(dev) & set(pins(REPO / "requirements.txt")), "a package pinned in both locks can disagree"


def test_pyproject_declares_what_the_code_imports_at_the_locked_versions() -> None:
    from importlib.metadata import packages_distributions

    module_to_dist = {module: [canonical(d) for d in dists] for module, dists in packages_distributions().items()}
    needed = set()
    for module in third_party_imports() - OPTIONAL_IMPORTS:
        assert module in module_to_dist, f"{module} is imported but not installed in the dev environment"
        needed.update(module_to_dist[module])
    assert set(declared()) == needed
    runtime = pins(REPO / "requirements.txt")
    for name, version in declared().items():
        assert runtime.get(name) == version, f"{name}: pyproject says {version}, requirements.txt {runtime.get(name)}"


def test_the_bootstrap_installs_the_runtime_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    from memory import bootstrap

    monkeypatch.delenv("MEMORY_BOOTSTRAP_REQUIREMENTS", raising=False)
    assert Path(bootstrap.requirements_file()).resolve() == REPO / "requirements.txt"


def test_plugin_manifest_has_no_placeholder_repository() -> None:
    manifest = json.loads((REPO / ".claude-plugin" / "plugin.json").read_text(encoding="utf-8"))
    assert "repository" not in manifest
