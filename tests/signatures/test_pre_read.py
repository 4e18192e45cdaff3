"""The PreToolUse Read hook, run as the real process: which Reads are narrowed, and what Claude is given."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from memory.continuity.events import event_from_call
from memory.signatures.view import MORE
from memory.store import events
from tests.support.session import Session, context_of, outline_lines, run_cli
from tests.support.sources import python_source, typescript_source


def numbered(context: str) -> dict[int, str]:
    """Line number -> source text of every numbered line in a context."""
    found = {}
    for line in context.splitlines():
        match = re.match(r"^ *(\d+)│ (.*)$", line)
        if match:
            found[int(match.group(1))] = match.group(2)
    return found


def assert_narrowed(answer: dict, path: Path, head: int = 1) -> str:
    out = answer["hookSpecificOutput"]
    assert out["hookEventName"] == "PreToolUse"
    assert out["permissionDecision"] == "allow"
    assert out["updatedInput"] == {"file_path": str(path), "offset": 1, "limit": head}
    return out["additionalContext"]


def test_python_file_is_narrowed_to_head_and_signatures_with_true_line_numbers(session, py_file):
    path, where = py_file
    context = assert_narrowed(session.pre_read(path), path)
    header = context.splitlines()[0]
    assert header.startswith("[compound-memory] Only line 1 of src/services.py (600 lines) returned")
    assert header.endswith(f"{MORE}.")
    shown = outline_lines(context)
    source = path.read_text().splitlines()
    for name, line in where.items():
        assert line in shown, f"{name} (line {line}) missing"
        assert name.split(".")[-1] in shown[line]
    for line, text in numbered(context).items():
        assert source[line - 1] == text  # the real line, at its real number
        assert line > 1  # the narrowed Read shows line 1 already
    definitions = int(re.search(r"all its ([\d,]+) definitions", header).group(1).replace(",", ""))
    assert definitions == len(where)
    assert len(context) < 9000


def test_typescript_file_is_narrowed(session, project):
    text, where = typescript_source(600)
    path = project / "loader.ts"
    path.write_text(text)
    context = assert_narrowed(session.pre_read(path), path)
    assert "loader.ts (600 lines)" in context.splitlines()[0]
    shown = outline_lines(context)
    source = text.splitlines()
    for name, line in where.items():
        assert line <= 1 or (line in shown and name.split(".")[-1] in shown[line]), name
    assert all(source[n - 1] == t for n, t in numbered(context).items())


def test_other_tool_input_fields_are_kept(session, py_file):
    path, _ = py_file
    answer = session.pre_read(path, some_future_field="kept")
    assert answer["hookSpecificOutput"]["updatedInput"] == {
        "file_path": str(path), "some_future_field": "kept", "offset": 1, "limit": 1}


def test_head_lines_setting_and_cap(project, env, py_file):
    path, _ = py_file
    assert Session(project, env, "s-a", MEMORY_SIGNATURES_HEAD_LINES="25").pre_read(path)[
        "hookSpecificOutput"]["updatedInput"]["limit"] == 25
    assert Session(project, env, "s-b", MEMORY_SIGNATURES_HEAD_LINES="5000").pre_read(path)[
        "hookSpecificOutput"]["updatedInput"]["limit"] == 50


def test_second_read_of_same_content_passes_untouched(session, py_file):
    path, _ = py_file
    assert session.pre_read(path) is not None
    assert session.pre_read(path) is None
    assert session.pre_read(path) is None


def test_other_session_is_narrowed_again(project, env, py_file):
    path, _ = py_file
    assert Session(project, env, "one").pre_read(path) is not None
    assert Session(project, env, "two").pre_read(path) is not None


def test_changed_content_is_narrowed_again_in_the_same_session(session, py_file):
    path, _ = py_file
    assert session.pre_read(path) is not None
    path.write_text(path.read_text().replace("class Service3:", "class Renamed3:"))
    context = context_of(session.pre_read(path))
    assert "Renamed3:" in context


def test_file_edited_in_the_session_passes_untouched(session, py_file, project, env):
    path, _ = py_file
    other = project / "other.py"
    other.write_text(python_source(600)[0])
    session.post("Edit", {"file_path": str(path), "old_string": "a", "new_string": "b"}, {"filePath": str(path)})
    assert session.pre_read(path) is None
    session.post("Write", {"file_path": str(other), "content": "x"}, {"type": "update", "filePath": str(other)})
    assert session.pre_read(other) is None
    assert Session(session.project, session.env, "another-session").pre_read(other) is not None


def test_file_edited_per_continuity_events_passes_untouched(session, py_file):
    path, _ = py_file
    assert session.pre_read(project_file := path.with_name("fresh.py")) is None  # creates the store (file absent)
    project_file.write_text(path.read_text())
    with session.db() as conn:  # the one writer of an edit, given the absolute path Claude Code sends
        event = event_from_call("Edit", {"file_path": str(project_file)}, {"filePath": str(project_file)},
                                str(session.project))
        events.insert(conn, session.session_id, None, event)
    assert session.pre_read(project_file) is None
    assert session.pre_read(path) is not None


def test_file_edited_per_continuity_events_with_a_project_relative_path(session, py_file):
    """Continuity records paths inside the project relative to its root; those edits count too."""
    path, _ = py_file
    assert session.pre_read(path.with_name("absent.py")) is None  # creates the store
    with session.db() as conn:
        conn.execute("INSERT INTO events(session_id, tool, kind, path) VALUES (?, 'Edit', 'modify', ?)",
                     (session.session_id, str(path.relative_to(session.project))))
    assert session.pre_read(path) is None


@pytest.mark.parametrize("extra", [{"offset": 1}, {"limit": 2000}, {"offset": 40, "limit": 10}, {"offset": None}])
def test_read_that_names_a_range_is_never_rewritten(session, py_file, extra):
    path, _ = py_file
    assert session.pre_read(path, **extra) is None


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


BIG_PY = python_source(600)[0]


@pytest.mark.parametrize(
    "relative, content, reason",
    [
        ("small.py", python_source(60)[0], "under signatures.min_lines"),
        ("notes.md", "# Notes\n" + "text line\n" * 800, "not a language"),
        ("data.json", "[\n" + "  1,\n" * 800 + "  1\n]\n", "not a language"),
        ("blob.py", BIG_PY.encode()[:2000] + b"\0\1\2" + BIG_PY.encode()[2000:], "binary"),
        ("latin.py", BIG_PY.encode() + "# caf\xe9\n".encode("latin-1"), "not UTF-8"),
        ("node_modules/pkg/__pycache__/index.py", BIG_PY, "excluded folder __pycache__/"),
        (".venv/lib/mod.py", BIG_PY, "excluded folder .venv/"),
        ("venv/lib/mod.py", BIG_PY, "excluded folder venv/"),
        ("vendor/lib/dist/out.js", "function f() {}\n" * 300 + "//# sourceMappingURL=out.js.map\n", "source map"),
        ("dist/bundle.py", BIG_PY, "excluded folder dist/"),
        ("build/lib/mod.py", BIG_PY, "excluded folder build/"),
        ("web/app.min.js", "function a(){return 1}\n" * 300, "minified file name"),
        ("web/app.js", ("var x=" + "1+" * 400 + "1;\n") * 150, "minified (average line"),
        ("gen/api_pb2.py", BIG_PY, "generated or minified file name"),
        ("gen/types.go", "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage gen\n" + "func F() {}\n" * 300,
         "generated file"),
        ("empty.py", "", "empty file"),
        ("flat.py", "".join(f"def f{i}(): return {i}\n" for i in range(400)), "would save too little"),
        ("script.py", "import os\n\nprint(os.getcwd())\n" + "print(1)\n" * 300, "no definitions found"),
    ],
)
def test_files_that_pass_untouched(session, project, relative, content, reason, env):
    path = _write(project / relative, content)
    process = session.pre_read_process(path)
    assert process.returncode == 0
    assert process.stdout == b""
    explained = run_cli("signature", str(path), "--json", cwd=project, env=session.env)
    assert explained.returncode == 1
    assert reason in json.loads(explained.stdout)["reason"]


def test_vanished_file_directory_and_unreadable_pass_untouched(session, project):
    assert session.pre_read(project / "gone.py") is None
    (project / "pkg.py").mkdir()
    assert session.pre_read(project / "pkg.py") is None
    locked = _write(project / "locked.py", BIG_PY)
    locked.chmod(0)
    try:
        if os.geteuid() != 0:  # root reads anything
            assert session.pre_read(locked) is None
    finally:
        locked.chmod(0o644)


def test_symlink_out_of_project_passes_untouched_inside_is_narrowed(session, project, tmp_path):
    outside = _write(tmp_path / "elsewhere" / "lib.py", BIG_PY)
    (project / "link.py").symlink_to(outside)
    assert session.pre_read(project / "link.py") is None
    inside = _write(project / "real.py", BIG_PY)
    (project / "alias.py").symlink_to(inside)
    assert session.pre_read(project / "alias.py") is not None


def test_file_over_size_cap_passes_untouched(project, env):
    path = _write(project / "big.py", BIG_PY)
    assert Session(project, env, MEMORY_SIGNATURES_MAX_FILE_BYTES="1000").pre_read(path) is None


def test_user_exclude_globs_and_tests_setting(project, env):
    generated = _write(project / "proto" / "api.py", BIG_PY)
    test_file = _write(project / "tests" / "test_api.py", BIG_PY)
    strict = Session(project, env, "strict", MEMORY_SIGNATURES_EXCLUDE="proto/*",
                     MEMORY_SIGNATURES_INCLUDE_TESTS="false")
    assert strict.pre_read(generated) is None
    assert strict.pre_read(test_file) is None
    default = Session(project, env, "default")
    assert default.pre_read(generated) is not None
    assert default.pre_read(test_file) is not None


def test_feature_switched_off(project, env, py_file):
    path, _ = py_file
    assert Session(project, env, MEMORY_SIGNATURES_ENABLED="0").pre_read(path) is None
    assert Session(project, env, "s2", MEMORY_DISABLE="1").pre_read(path) is None
