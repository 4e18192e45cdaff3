"""Tests mirror modules: every product module is imported in-process by at least one test, so a broken feature
fails a fast in-process test before a subprocess test. The modules still reached only through hook or CLI
processes are listed in ``ONLY_THROUGH_PROCESSES``; the list may only shrink (a module that gets an in-process
test must leave it, a new module must come with one).

``python -m tests.unit.test_tests_mirror_modules`` prints the count and the modules no test imports."""

from __future__ import annotations

from pathlib import Path

from tests.support.modules import has_code, imported_modules, product_modules
from tests.support.session import REPO

# Reached only through a hook or CLI process: entry points and hook handlers, thin by design (they unpack a payload
# or arguments, call a feature that has its in-process test, and render the answer); their tests run them as
# processes (tests/support/session.py).
ONLY_THROUGH_PROCESSES = frozenset({
    # entry points: the package, ``python -m memory``, the commands
    "memory", "memory.__main__", "memory.cli", "memory.cli.common", "memory.cli.config_cmd", "memory.cli.demo",
    "memory.cli.demo_printer", "memory.cli.demo_replay", "memory.cli.doctor", "memory.cli.handoffs",
    "memory.cli.learning", "memory.cli.signatures", "memory.cli.status", "memory.cli.transfer", "memory.cli.version",
    # hook handlers
    "memory.hooks.post_compact", "memory.hooks.post_tool_use", "memory.hooks.pre_compact",
    "memory.hooks.pre_tool_use", "memory.hooks.session_end", "memory.hooks.session_start",
    "memory.hooks.user_prompt_submit",
})


def code_modules(root: Path = REPO) -> set[str]:
    """The product modules that hold code (a package whose ``__init__`` is only a docstring has nothing to test)."""
    return {name for name, path in product_modules(root).items() if has_code(path)}


def suite_files(root: Path = REPO) -> list[Path]:
    """The Python files of the test suite (the fixture builders under tests/fixtures are data, not tests)."""
    return sorted(p for p in root.joinpath("tests").rglob("*.py") if "fixtures" not in p.relative_to(root).parts)


def imported_by_tests(root: Path = REPO) -> set[str]:
    """The product modules some test file imports in-process (directly, or through tests/support)."""
    mods = product_modules(root)
    found: set[str] = set()
    for path in suite_files(root):
        package = ".".join(path.relative_to(root).parent.parts)
        found |= imported_modules(path, package, mods)
    return found


def untested(modules: set[str], imported: set[str]) -> list[str]:
    """Modules neither imported by a test nor allowed to be reached only through processes."""
    return sorted(modules - imported - ONLY_THROUGH_PROCESSES)


def stale(modules: set[str], imported: set[str]) -> list[str]:
    """Allow-list entries that are imported by a test now, or no longer exist: they must leave the list."""
    return sorted(ONLY_THROUGH_PROCESSES & imported | ONLY_THROUGH_PROCESSES - modules)


def test_every_module_is_imported_by_a_test() -> None:
    assert untested(code_modules(), imported_by_tests()) == []


def test_the_allow_list_only_shrinks() -> None:
    assert stale(code_modules(), imported_by_tests()) == []


def test_the_checks_can_fail() -> None:
    """A module nobody imports is reported; an allow-listed module a test imports is reported as stale."""
    assert untested({"memory.brand_new"}, set()) == ["memory.brand_new"]
    if ONLY_THROUGH_PROCESSES:
        entry = min(ONLY_THROUGH_PROCESSES)
        assert entry in stale(code_modules(), {entry})
    assert "memory.recall" in imported_modules(REPO / "tests" / "unit" / "test_features_in_process.py", "tests.unit",
                                               product_modules())


if __name__ == "__main__":
    import sys

    checkout = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else REPO  # another checkout, to compare
    modules, imported = code_modules(checkout), imported_by_tests(checkout)
    print(f"{len(modules & imported)} of {len(modules)} product modules are imported by a test in-process")
    for name in sorted(modules - imported):
        print("  not imported:", name)
