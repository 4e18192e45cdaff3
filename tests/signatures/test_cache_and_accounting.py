"""The signature cache, the context cap, file learnings and the savings accounting, through real processes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from memory.signatures.view import read_result
from memory.tokens import estimate_tokens
from tests.support.session import Session, context_of, outline_lines, read_response, run_cli
from tests.support.sources import python_source


def imported_tree_sitter(process) -> bool:
    """Whether the hook process imported tree-sitter (PYTHONPROFILEIMPORTTIME lists every import on stderr)."""
    return re.search(rb"\|\s+tree_sitter", process.stderr) is not None


def profiled(project: Path, env: dict[str, str], session_id: str, **settings: str) -> Session:
    return Session(project, env, session_id, PYTHONPROFILEIMPORTTIME="1", **settings)


def cache_rows(session: Session) -> list[dict]:
    with session.db() as conn:
        return [dict(r) for r in conn.execute("SELECT * FROM file_signatures ORDER BY path")]


def test_miss_parses_hit_does_not_import_tree_sitter(project, env, py_file):
    path, _ = py_file
    miss = profiled(project, env, "a").pre_read_process(path)
    assert miss.stdout and imported_tree_sitter(miss)
    hit = profiled(project, env, "b").pre_read_process(path)
    assert hit.stdout and not imported_tree_sitter(hit)
    assert context_of(json.loads(hit.stdout)) == context_of(json.loads(miss.stdout))


def test_mtime_change_with_same_content_is_a_hit(project, env, py_file):
    path, _ = py_file
    first = profiled(project, env, "a").pre_read_process(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # a checkout, a formatter no-op
    again = profiled(project, env, "b").pre_read_process(path)
    assert again.stdout and not imported_tree_sitter(again)
    assert context_of(json.loads(again.stdout)) == context_of(json.loads(first.stdout))
    (row,) = cache_rows(Session(project, env))
    assert row["mtime_ns"] == path.stat().st_mtime_ns  # the quick check is current again


def test_same_content_at_another_path_reuses_the_outline(project, env, py_file):
    path, _ = py_file
    profiled(project, env, "a").pre_read_process(path)
    copy = project / "copy.py"
    copy.write_bytes(path.read_bytes())
    process = profiled(project, env, "a").pre_read_process(copy)
    assert process.stdout and not imported_tree_sitter(process)


def test_content_change_reparses(project, env, py_file):
    path, _ = py_file
    profiled(project, env, "a").pre_read_process(path)
    original_size = path.stat().st_size
    path.write_text(path.read_text().replace("def handle_1(", "def renamed_1(", 1))
    assert path.stat().st_size == original_size + 1
    process = profiled(project, env, "b").pre_read_process(path)
    assert imported_tree_sitter(process)
    context = context_of(json.loads(process.stdout))
    assert "renamed_1:" in context or context.count("def renamed_1(") == 1
    (row,) = cache_rows(Session(project, env))
    assert row["size"] == original_size + 1


def test_parser_version_change_reparses(project, env, py_file):
    path, _ = py_file
    profiled(project, env, "a").pre_read_process(path)
    with Session(project, env).db() as conn:
        conn.execute("UPDATE file_signatures SET parser_version = 'old'")
    assert imported_tree_sitter(profiled(project, env, "b").pre_read_process(path))


def test_least_recently_used_entries_are_evicted(project, env):
    files = []
    for name in ("one", "two", "three"):
        path = project / f"{name}.py"
        path.write_text(python_source(600)[0].replace("Service", f"{name.title()}Service"))
        files.append(path)
    capped = {"MEMORY_SIGNATURES_CACHE_MAX_ENTRIES": "2"}
    Session(project, env, "a", **capped).pre_read(files[0])
    Session(project, env, "a", **capped).pre_read(files[1])
    assert Session(project, env, "b", **capped).pre_read(files[0]) is not None  # a hit: one.py is now the newest
    Session(project, env, "a", **capped).pre_read(files[2])
    assert [Path(r["path"]).name for r in cache_rows(Session(project, env))] == ["one.py", "three.py"]


def test_context_cap_degrades_the_form_never_the_set_and_says_so(project, env):
    text, where = python_source(2000)
    path = project / "huge.py"
    path.write_text(text)
    answer = Session(project, env, MEMORY_SIGNATURES_MAX_CONTEXT_CHARS="7000").pre_read(path)
    context = context_of(answer)
    assert len(context) < 7000
    note = re.search(r"^\[Not shown: (.+)\.\]$", context, re.MULTILINE)
    assert note, context
    assert "doc comments" in note.group(1)
    shown = outline_lines(context)
    for name, line in where.items():  # every definition keeps its name and line, however compact the form
        assert name.split(".")[-1] in shown.get(line, ""), (name, line)
    roomy = context_of(Session(project, env, "other", MEMORY_SIGNATURES_OUTLINE_DETAIL_RATIO="1").pre_read(path))
    assert len(roomy) < 9000 and len(roomy) > len(context)
    # Even the most compact form cannot fit: the Read passes through, never a cut outline.
    assert Session(project, env, "tiny", MEMORY_SIGNATURES_MAX_CONTEXT_CHARS="3000").pre_read(path) is None


def _insert_learning(conn, project_id, text, files, confidence=0.5, forgotten=False, recalls=0, anchors=()):
    conn.execute(
        "INSERT INTO learnings(project_id, category, text, text_hash, files_json, confidence, recall_count,"
        " forgotten_at, anchors_json) VALUES (?, 'pattern', ?, ?, ?, ?, ?, ?, ?)",
        (project_id, text, text, json.dumps(files), confidence, recalls, "2026-01-01T00:00:00Z" if forgotten else None,
         json.dumps(list(anchors))),
    )


def test_learnings_about_the_file_are_shown_best_first(project, env, py_file):
    path, _ = py_file
    session = Session(project, env)
    assert session.pre_read(project / "absent.py") is None  # creates the store
    with session.db() as conn:
        conn.execute("INSERT INTO projects(key, root, name) VALUES (?, ?, 'project')",
                     (str((project / ".git").resolve()), str(project)))
        conn.execute("INSERT INTO projects(key, root, name) VALUES ('/elsewhere/.git', '/elsewhere', 'other')")
        mine, theirs = (r[0] for r in conn.execute("SELECT id FROM projects ORDER BY id"))
        _insert_learning(conn, mine, "Retries in handle_0 must stay idempotent", ["src/services.py"], 0.9)
        _insert_learning(conn, None, "Global: services log with json", [str(path)], 0.7)
        _insert_learning(conn, mine, "Anchored note", [], 0.3, anchors=[{"kind": "file", "value": "src/services.py"}])
        _insert_learning(conn, mine, "Symbol-only note", [], 1.0, anchors=[{"kind": "symbol", "value": "src/services.py"}])
        _insert_learning(conn, mine, "Low confidence note", ["src/services.py"], 0.2)
        _insert_learning(conn, mine, "Lowest note", ["src/services.py"], 0.1)
        _insert_learning(conn, theirs, "Another project's note", ["src/services.py"], 1.0)
        _insert_learning(conn, mine, "Forgotten note", ["src/services.py"], 1.0, forgotten=True)
        _insert_learning(conn, mine, "About another file", ["src/other.py"], 1.0)
    context = context_of(session.pre_read(path))
    learned = [line for line in context.splitlines() if line.startswith("Previous learning: ")]
    assert learned == [
        "Previous learning: Retries in handle_0 must stay idempotent",
        "Previous learning: Global: services log with json",
        "Previous learning: Anchored note",  # a file anchor names it, as the moment of action matches it
    ]
    assert context.splitlines()[-1] == learned[-1]  # under the signatures
    with session.db() as conn:
        assert conn.execute("SELECT count(*) FROM recalls WHERE session_id = 'session-1'").fetchone()[0] == 3


def test_accounting_charges_follow_up_reads(project, env, py_file):
    path, _ = py_file
    session = Session(project, env)
    answer = session.pre_read(path)
    narrowed_id = session.last_tool_use_id
    context = context_of(answer)
    head = answer["hookSpecificOutput"]["updatedInput"]["limit"]
    session.post("Read", {"file_path": str(path), "offset": 1, "limit": head}, read_response(path, 1, head),
                 tool_use_id=narrowed_id)
    with session.db() as conn:
        row = dict(conn.execute("SELECT * FROM signature_reads").fetchone())
    lines = path.read_bytes().split(b"\n")
    assert row["delivered_tokens"] == estimate_tokens(read_result(lines[:head])) + estimate_tokens(context)
    assert row["original_tokens"] == estimate_tokens(read_result(lines))
    assert (row["followup_reads"], row["followup_tokens"], row["own_read_seen"]) == (0, 0, 1)

    ranged = read_response(path, 200, 40)
    session.post("Read", {"file_path": str(path), "offset": 200, "limit": 40}, ranged)
    whole = read_response(path)
    session.post("Read", {"file_path": str(path)}, whole)
    session.post("Read", {"file_path": str(path)}, {"type": "file_unchanged", "file": {"filePath": str(path)}})
    followup = (estimate_tokens(read_result(ranged["file"]["content"].encode().split(b"\n"), 200))
                + estimate_tokens(read_result(whole["file"]["content"].encode().split(b"\n"))))

    result = run_cli("signatures", "--json", env=session.env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    total = data["total"]
    assert total["intercepted_reads"] == 1
    assert total["followup_reads"] == 3
    assert total["followup_tokens"] == followup
    assert total["net_saved_tokens"] == row["original_tokens"] - row["delivered_tokens"] - followup
    assert total["net_saved_tokens"] < 0  # read it all anyway: the narrowing cost more, and we say so
    assert data["sessions"][0]["session_id"] == "session-1"
    assert [Path(e["path"]).name for e in data["entries"]] == ["services.py"]


def test_accounting_net_saving_without_follow_ups(project, env, py_file):
    path, _ = py_file
    Session(project, env, "quiet").pre_read(path)
    data = json.loads(run_cli("signatures", "--json", env=Session(project, env).env).stdout)
    total = data["total"]
    assert total["followup_tokens"] == 0
    assert total["net_saved_tokens"] == total["original_tokens"] - total["delivered_tokens"] > 0
    assert total["net_saved_percent"] > 50


def test_signature_command_prints_exactly_what_claude_is_shown(project, env, py_file):
    path, _ = py_file
    session = Session(project, env)
    preview = run_cli("signature", str(path), cwd=project, env=session.env)
    assert preview.returncode == 0, preview.stderr
    context = context_of(session.pre_read(path))
    assert preview.stdout == context + "\n"
    assert "narrowed to line 1;" in preview.stderr


def test_signature_command_explains_a_pass_through(project, env):
    small = project / "small.py"
    small.write_text("x = 1\n")
    result = run_cli("signature", str(small), cwd=project, env=Session(project, env).env)
    assert result.returncode == 1
    assert "passes untouched" in result.stderr and "min_lines" in result.stderr
    as_json = run_cli("signature", str(small), "--json", cwd=project, env=Session(project, env).env)
    assert json.loads(as_json.stdout)["narrowed"] is False


def test_outline_is_stored_redacted_and_a_hit_answers_it_as_stored(project, env):
    secret = "ghp_" + "A1b2C3d4" * 5
    source = python_source(600)[0].replace("def handle_0(", f"def {secret}(", 1)  # a name: always shown
    path = project / "client.py"
    path.write_text(source)
    miss = Session(project, env, "a").pre_read_process(path)
    hit = profiled(project, env, "b").pre_read_process(path)
    assert not imported_tree_sitter(hit)
    assert context_of(json.loads(hit.stdout)) == context_of(json.loads(miss.stdout))
    assert "[REDACTED:" in miss.stdout.decode() and secret not in (miss.stdout + hit.stdout).decode()
    (row,) = cache_rows(Session(project, env))
    assert secret not in row["signature"] and "[REDACTED:" in row["signature"]
    from memory.redact import stamp

    assert row["parser_version"].endswith(f"/r{stamp()}")  # the rules that redacted it


def test_outline_redacted_by_other_rules_is_parsed_again(project, env, py_file):
    path, _ = py_file
    profiled(project, env, "a").pre_read_process(path)
    with Session(project, env).db() as conn:
        conn.execute("UPDATE file_signatures SET parser_version = replace(parser_version, '/r', '/rolder-')")
    assert imported_tree_sitter(profiled(project, env, "b").pre_read_process(path))


def test_a_read_after_the_next_prompt_is_not_a_follow_up(project, env, py_file):
    """Claude Code re-reads files for a new request whether or not a Read was narrowed: a Read after the user's
    next prompt (UserPromptSubmit) does not count against the narrowed Read; one before it does."""
    from tests.support.session import payload, run_hook

    path, _ = py_file
    session = Session(project, env, "turns")
    assert session.pre_read(path) is not None
    session.post("Read", {"file_path": str(path), "offset": 1, "limit": 1}, read_response(path, 1, 1),
                 tool_use_id=session.last_tool_use_id)
    session.post("Read", {"file_path": str(path), "offset": 40, "limit": 20}, read_response(path, 40, 20))
    prompt = payload("UserPromptSubmit", "turns", str(project), prompt="now add a feature to services.py")
    run_hook("UserPromptSubmit", prompt, env={**session.env, "MEMORY_RECALL_ENABLED": "0"})
    session.post("Read", {"file_path": str(path)}, read_response(path))
    with session.db() as conn:
        row = dict(conn.execute("SELECT * FROM signature_reads").fetchone())
    assert row["turn_ended"] == 1
    assert row["followup_reads"] == 1  # the ranged Read of the same turn, not the whole Read after the prompt
    assert row["followup_tokens"] == estimate_tokens(read_result(path.read_bytes().split(b"\n")[39:59], 40))


def test_a_hit_never_loads_the_redaction_rules(project, env, py_file):
    """The answer of a hit is a stored outline (redacted when stored) and a header the gate lets through."""
    path, _ = py_file
    miss = profiled(project, env, "a").pre_read_process(path)
    hit = profiled(project, env, "b").pre_read_process(path)
    assert re.search(rb"\|\s+memory\.redact\s*$", miss.stderr, re.MULTILINE)  # the miss redacts the outline
    assert hit.stdout and not re.search(rb"\|\s+memory\.redact\s*$", hit.stderr, re.MULTILINE)
