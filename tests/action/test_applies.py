"""The learning's own words narrow its anchors at the moment of action (``memory.learning.applies``)."""

from __future__ import annotations

from memory import shell
from memory.learning import applies


def fires(text: str, command: str, key: tuple[str, str | None] | None = None) -> bool:
    """Whether ``text``, anchored to the command ``key`` (the first command run by default), applies."""
    return applies.command_applies(text, key or shell.invocations(command)[0], command)


def test_a_learning_placed_in_ci_is_silent_before_the_same_command_run_here():
    ci = "`charmcraft pack` in GitHub Actions fails on LXD too; use `charmcraft pack --destructive-mode` there."
    assert not fires(ci, "charmcraft pack")
    assert not fires("rockcraft fails on CI runners without LXD permissions.", "rockcraft pack")
    assert fires("`charmcraft pack` needs the LXD group: run `newgrp lxd` first.", "charmcraft pack")
    assert fires("Read CI runs with `gh run view <id> --log-failed`; the list is noisy.", "gh run list")
    # ...but an edit of the workflow file is what it is about
    assert applies.edit_applies(ci, "file", "/repo/.github/workflows/ci.yaml")


def test_a_learning_placed_in_tests_fires_on_test_files_only():
    text = "In tests, CacheManager needs the library_version argument and a pathlib.Path, not a str."
    assert applies.place(text) == "tests"
    assert applies.edit_applies(text, "symbol", "/repo/test/test_cache.py")
    assert applies.edit_applies(text, "symbol", "/repo/web/src/cache.spec.ts")
    assert not applies.edit_applies(text, "symbol", "/repo/claude_code_log/renderer.py")
    assert applies.edit_applies("CacheManager needs a pathlib.Path.", "symbol", "/repo/claude_code_log/renderer.py")


def test_a_learning_about_one_package_is_not_about_installing_another():
    text = "BFG could not be installed with Homebrew here (`bfg not found` after `brew install bfg`)."
    assert not fires(text, "brew install gitleaks", ("brew", "install"))
    assert fires(text, "sleep 5 && brew install bfg 2>&1 | tail -10", ("brew", "install"))
    assert fires("`npm install` needs the registry token in .npmrc.", "npm install left-pad")  # no package named


def test_a_learning_that_only_names_the_command_being_run_says_nothing_new():
    assert not fires("Run the unit tests with `tox -e unit`.", "tox -e unit")
    assert not fires("Check the code with `npm run check`.", "npm run check")
    assert fires("Run tests with `tox -e unit` (only one .charm file may be in the directory).", "tox -e unit")
    assert fires("Use `pnpm`, never `npm`.", "npm install")  # a warning is never a mere recipe
    assert fires("Run tests with `make test`, which sets DATABASE_URL.", "cargo test", ("cargo", "test"))
    assert fires("`cargo test` needs DATABASE_URL: use `make test`.", "cargo test --release")  # another program
    assert not fires("Format and lint with `tox -e format` and `tox -e lint`.", "tox -e format")  # siblings
    assert fires("Redeploy with `charmcraft pack` then `juju refresh app --path=./app.charm`.", "charmcraft pack")


def test_an_option_the_command_does_not_have_concerns_a_run_that_uses_it():
    text = "`charmcraft pack` has no `--resource` flag; resources are given to `juju deploy`."
    assert not fires(text, "charmcraft pack")
    assert fires(text, "charmcraft pack --resource image=rock:1")


def test_the_extractors_fixed_and_works_as_learnings():
    fixed = ("`ruff check deep_manifest/` failed with SIM115 Use a context manager for opening files; fixed by editing "
             "deep_manifest/deep_manifest.py (`with zipfile.ZipFile(data) as zf:`).")
    assert not fires(fixed, "ruff check deep_manifest/")  # the failure is gone: running it again needs nothing
    assert applies.edit_applies(fixed, "file", "/src/deep_manifest/deep_manifest.py")
    assert not applies.edit_applies(fixed, "file", "/src/verify.py")
    works = "`ipconfig /all` failed with Error: unrecognized or incomplete command line.; it works as `ipconfig`."
    assert fires(works, "ipconfig /all")
    assert not fires(works, 'ipconfig | findstr "Default Gateway"')  # already written the way that works
    venv = "`pytest` failed with pytest: command not found; it works as `source .venv/bin/activate && pytest`."
    assert fires(venv, "pytest -q")


def test_what_an_edit_is_about_leaves_out_imports_paths_urls_and_data_files():
    def words(path: str, text: str) -> set[str]:
        return {w for t in applies.code_texts(path, [text]) for w in t.split()}

    reexport = 'from tests.mock.server import MockServer\n\n__all__ = ["MockServer"]\n'
    assert "MockServer" not in " ".join(applies.code_texts("/r/tests/mock/__init__.py", [reexport]))
    assert "MockServer" in " ".join(applies.code_texts("/r/app.py", ["server = MockServer(port=0)"]))
    assert not applies.code_texts("/r/package.json", ['{"dependencies": {"playwright": "^1.48.0"}}'])
    assert not applies.code_texts("/r/docs/plan.md", ["call round_total()"])
    assert "playwright" not in " ".join(applies.code_texts("/r/Dockerfile", ["FROM mcr.microsoft.com/playwright:v1"]))
    assert "playwright" not in " ".join(applies.code_texts("/r/a.py", ['URL = "https://x.org/playwright/docs"']))
    assert "count" in " ".join(applies.code_texts("/r/a.py", ["ratio = self.total/self.count  # see: notes"]))
    assert words("/r/a.rs", "use cosmic::app::Message;\nfn init() -> Message {}") == {"fn", "init()", "->",
                                                                                   "Message", "{}"}


def test_a_changelog_is_not_what_a_fix_is_about_unless_it_is_its_only_file():
    assert applies.is_bookkeeping("/r/CHANGELOG.md") and applies.is_bookkeeping("HISTORY.rst")
    assert not applies.is_bookkeeping("/r/src/changes.py")


def test_at_the_moment_of_action_a_changelog_edit_fires_only_learnings_about_the_changelog(memory_home, project_dir):
    from memory.learning import at_action
    from tests.support.action import add
    from tests.support.store import open_store

    fixture = open_store(project_dir)
    conn, pid = fixture.conn, fixture.project_id
    ci = add(conn, pid, "fix", "Use ubuntu-22.04 runners for the rock build.", [
        {"kind": "file", "value": ".github/workflows/ci.yaml"}, {"kind": "file", "value": "CHANGELOG.md"}])
    changelog = add(conn, pid, "preference", "Keep CHANGELOG.md entries under Unreleased.",
                    [{"kind": "file", "value": "CHANGELOG.md"}])

    def shown(path: str, session: str) -> str:
        return at_action.for_edit(conn, project_id=pid, root=str(project_dir), session_id=session, tool="Edit",
                                  path=str(project_dir / path), texts=["- Fixed the build"]) or ""

    text = shown("CHANGELOG.md", "s1")
    assert f"#{changelog};" in text and f"#{ci};" not in text
    assert f"#{ci};" in shown(".github/workflows/ci.yaml", "s1")
