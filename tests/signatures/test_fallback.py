"""Fallbacks: an interpreter without tree-sitter, and files with syntax errors."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support.session import Session, context_of, outline_lines
from tests.support.sources import python_source

SYSTEM_PYTHON = shutil.which("python3.11") or shutil.which("python3")


def _lacks_tree_sitter(python: str | None) -> bool:
    if python is None:
        return False
    probe = subprocess.run([python, "-c", "import tree_sitter_language_pack"], capture_output=True)
    return probe.returncode != 0


@pytest.mark.skipif(not _lacks_tree_sitter(SYSTEM_PYTHON), reason="needs a Python 3.10+ without tree-sitter")
def test_without_tree_sitter_reads_pass_untouched_and_cached_outlines_still_serve(project, home, env, py_file):
    path, _ = py_file
    bare = Session(project, env, "bare", MEMORY_PYTHON=SYSTEM_PYTHON)
    process = bare.pre_read_process(path)
    assert process.returncode == 0 and process.stdout == b""
    log = (home / "logs" / "memory.log").read_text()
    assert "tree-sitter is not available" in log
    assert Session(project, env, "full").pre_read(path) is not None  # the plugin's own interpreter parses and caches
    served = Session(project, env, "bare-again", MEMORY_PYTHON=SYSTEM_PYTHON).pre_read(path)
    assert served is not None  # a cache hit needs no tree-sitter


def test_file_with_syntax_errors_gets_a_partial_outline(session, project):
    text, where = python_source(600)
    broken = text.replace("class Service5:", "class Service5(:", 1)
    path = project / "broken.py"
    path.write_text(broken)
    context = context_of(session.pre_read(path))
    assert "syntax error" not in context.lower()  # where the parser lost its way, not "the file is broken"
    assert f"[The parser could not read line {where['Service5']}: a definition there may be missing.]" in context
    shown = outline_lines(context)
    assert all(name.split(".")[-1] in shown.get(line, "") for name, line in where.items())
