"""The transcript reader against the three real Claude Code transcripts and hand-made edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.harness import REAL_TRANSCRIPTS
from memory import transcript as T
from memory.transcript import (
    AssistantText, CompactBoundary, CompactSummary, Summary, ToolCall, ToolResult, UserPrompt, files_touched,
    iter_records, last_action, latest_todos, pair_tool_calls, user_requests,
)

REAL = REAL_TRANSCRIPTS
KIMUSON = REAL / "kimuson-todo-app.jsonl"
SHARE = REAL / "session-share-dev.jsonl"
COSMIC = REAL / "mclaude-cosmic-applet-compact.jsonl"
OURS = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def _reference_errors(path: Path) -> tuple[int, int]:
    """(tool calls, tool results flagged is_error) counted with a plain full JSON parse."""
    calls = errors = 0
    for raw in _lines(path):
        try:
            obj = json.loads(raw)
        except ValueError:
            continue
        content = (obj.get("message") or {}).get("content") if isinstance(obj.get("message"), dict) else None
        for block in content if isinstance(content, list) else ():
            calls += block.get("type") == "tool_use"
            errors += block.get("type") == "tool_result" and bool(block.get("is_error"))
    return calls, errors


@pytest.mark.parametrize("path", [KIMUSON, SHARE, COSMIC], ids=lambda p: p.stem)
def test_tool_calls_and_errors_match_a_full_parse(path):
    exchanges = pair_tool_calls(iter_records(path))
    calls, errors = _reference_errors(path)
    assert len(exchanges) == calls
    assert sum(ex.failed for ex in exchanges) == errors
    assert sum(ex.result is None for ex in exchanges) <= 1  # only a call the session ended on


@pytest.mark.parametrize("path", [KIMUSON, SHARE, COSMIC], ids=lambda p: p.stem)
def test_every_record_cites_the_line_it_came_from(path):
    lines = _lines(path)
    for rec in iter_records(path):
        raw = lines[rec.line - 1]
        if isinstance(rec, ToolCall):
            assert rec.id.encode() in raw and rec.name.encode() in raw
        elif isinstance(rec, ToolResult):
            assert rec.id.encode() in raw
        elif isinstance(rec, UserPrompt) and rec.kind == "command":
            assert b"<command-name>" in raw or b"<bash-input>" in raw
        elif isinstance(rec, (UserPrompt, AssistantText, Summary, CompactSummary)):
            probe = rec.text.split("\n")[0][:30].strip()
            assert json.dumps(probe)[1:-1].encode() in raw or probe.encode() in raw
        elif isinstance(rec, CompactBoundary):
            assert b"compact_boundary" in raw


def test_non_json_comment_lines_are_skipped():
    assert _lines(SHARE)[0].startswith(b"//")
    records = list(iter_records(SHARE))
    assert records and min(r.line for r in records) > 2
    assert sum(isinstance(r, Summary) for r in records) == 4


def test_compaction_boundary_and_summary():
    records = list(iter_records(COSMIC))
    boundaries = [r for r in records if isinstance(r, CompactBoundary)]
    assert [b.line for b in boundaries] == [749]
    assert boundaries[0].trigger == "auto" and boundaries[0].pre_tokens == 155548
    summaries = [r for r in records if isinstance(r, CompactSummary)]
    assert [s.line for s in summaries] == [750]
    assert not any(isinstance(r, UserPrompt) and r.text.startswith("This session is being continued")
                   for r in records)
    since = list(iter_records(COSMIC, since_last_compaction=True))
    assert since[0] == boundaries[0] and since[1] == summaries[0]
    assert since == [r for r in records if r.line >= 749]


def test_since_last_compaction_without_compaction_reads_everything():
    assert list(iter_records(KIMUSON, since_last_compaction=True)) == list(iter_records(KIMUSON))


def test_user_requests_are_the_users_words_only():
    cosmic = [r.text for r in user_requests(iter_records(COSMIC))]
    assert cosmic[0] == "use lenovo-legion-linux cli to increase my fan speed"
    assert "double check your screenshots. there are two bars, neither shows readings" in cosmic
    for noise in ("Caveat", "<command-name>", "/clear", "Unknown slash command", "[Request interrupted",
                  "<local-command-stdout>", "This session is being continued"):
        assert not any(noise in text for text in cosmic), noise
    kimuson = [r.text for r in user_requests(iter_records(KIMUSON))]
    assert kimuson == ["/orchestrator create TODO app by Next.js",
                       "Thanks! Please update CLAUDE.md for current changes"]  # not the subagent prompts
    share = [r.text for r in user_requests(iter_records(SHARE))]
    assert share[0].startswith("read plan.md and roadmap.md")
    assert not any("ide_opened_file" in t or "Publish the current session transcript" in t for t in share)
    assert len(share) == len(set(share))


def test_sidechain_lines_are_flagged():
    records = list(iter_records(KIMUSON))
    side = [r for r in records if r.sidechain]
    assert len(side) > len(records) / 2
    assert any(isinstance(r, UserPrompt) and r.text.startswith("Create React components") for r in side)


def test_files_todos_and_last_action():
    records = list(iter_records(COSMIC))
    touched = files_touched(pair_tool_calls(records))
    assert "/home/[USER]/cosmic-applet-power-monitor/Cargo.toml" in touched.modified
    assert not set(touched.modified) & set(touched.read)
    todos = latest_todos(records)
    assert todos and {"content", "status"} <= set(todos[0])
    assert last_action(records).startswith("Bash: sudo setcap")


def test_task_tools_build_a_todo_list(tmp_path):
    path = tmp_path / "t.jsonl"
    calls = [("TaskCreate", {"subject": "Write parser", "description": "…"}),
             ("TaskCreate", {"subject": "Add tests"}),
             ("TaskUpdate", {"taskId": "#1", "status": "completed"})]
    lines = [json.dumps({"type": "assistant", "message": {"role": "assistant", "content": [
        {"type": "tool_use", "id": f"t{i}", "name": name, "input": inp}]}}) for i, (name, inp) in enumerate(calls)]
    path.write_text("\n".join(lines) + "\n")
    assert latest_todos(iter_records(path)) == [{"content": "Write parser", "status": "completed"},
                                                {"content": "Add tests", "status": "pending"}]


def test_torn_last_line_and_garbage_are_skipped(tmp_path):
    good = _lines(KIMUSON)[:40]
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"\n".join(good) + b"\nnot json at all\n\n" + good[40 - 1][:57])
    expected = [r for r in iter_records(KIMUSON) if r.line <= 40]
    assert list(iter_records(path)) == expected


def test_missing_and_empty_files_yield_nothing(tmp_path):
    assert list(iter_records(tmp_path / "nope.jsonl")) == []
    (tmp_path / "empty.jsonl").write_bytes(b"")
    assert list(iter_records(tmp_path / "empty.jsonl")) == []


def test_huge_strings_are_capped(tmp_path):
    big = "x" * 3_000_000
    call = {"type": "assistant", "message": {"role": "assistant", "content": [
        {"type": "tool_use", "id": "t1", "name": "Write", "input": {"file_path": "/a.py", "content": big}}]}}
    result = {"type": "user", "message": {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "t1", "content": big, "is_error": True}]},
        "toolUseResult": {"stdout": big, "stderr": "", "filePath": "/a.py", "originalFile": big}}
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(call) + "\n" + json.dumps(result) + "\n")
    rec_call, rec_result = list(iter_records(path))
    assert len(rec_call.input["content"]) <= T.INPUT_CAP + 2 and rec_call.input["file_path"] == "/a.py"
    assert len(rec_result.text) < T.RESULT_CAP + 100 and rec_result.is_error
    assert "originalFile" not in rec_result.result and len(rec_result.result["stdout"]) < T.RESULT_CAP + 100


def test_escaped_boundary_text_is_not_a_boundary(tmp_path):
    fake = {"type": "user", "message": {"role": "user", "content": 'see {"subtype":"compact_boundary"} here'}}
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"type": "user", "message": {"role": "user", "content": "first"}}) + "\n"
                    + json.dumps(fake) + "\n")
    assert [r.line for r in iter_records(path, since_last_compaction=True)] == [1, 2]


@pytest.mark.parametrize("path", [KIMUSON, SHARE, COSMIC, *sorted(OURS.glob("*.jsonl"))], ids=lambda p: p.stem)
def test_unparsed_large_results_read_the_same_as_parsed_ones(path, monkeypatch):
    def key(records):
        return [(type(r).__name__, r.line, getattr(r, "id", None), getattr(r, "is_error", None)) for r in records]
    fast = key(iter_records(path))
    monkeypatch.setattr(T, "LIGHT_RESULT_BYTES", 10**12)
    assert fast == key(iter_records(path))


def test_our_fixture_covers_compaction_and_torn_line():
    path = OURS / "ts-build-compaction.jsonl"
    assert not path.read_text().rstrip("\n").splitlines()[-1].endswith("}")
    records = list(iter_records(path))
    assert any(isinstance(r, CompactBoundary) for r in records)
    after = list(iter_records(path, since_last_compaction=True))
    assert isinstance(after[1], CompactSummary)
    assert [r.text for r in user_requests(after)] == ["Please don't use `any` in this codebase. Use unknown and "
                                                      "narrow it."]


def _prompt_line(text: str) -> str:
    return json.dumps({"type": "user", "message": {"role": "user", "content": text}})


def test_tail_bytes_reads_only_the_whole_lines_of_the_tail(tmp_path):
    """A transcript over the cap is read from its last bytes in place: the cut line is dropped, nothing copied."""
    lines = [_prompt_line(f"request number {i} about the parser") for i in range(10)]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n")
    tail = len(lines[-1]) + 1 + len(lines[-2]) + 1 + 5  # the last two lines and 5 bytes of the one before
    texts = [r.text for r in iter_records(path, tail_bytes=tail) if isinstance(r, UserPrompt)]
    assert texts == ["request number 8 about the parser", "request number 9 about the parser"]
    assert len(list(iter_records(path, tail_bytes=10 * path.stat().st_size))) == 10


def test_tail_bytes_and_the_last_compaction_take_the_later_start(tmp_path):
    boundary = json.dumps({"type": "system", "subtype": "compact_boundary", "content": "Conversation compacted"})
    before, after = [_prompt_line(f"before {i}") for i in range(5)], [_prompt_line(f"after {i}") for i in range(3)]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join([*before, boundary, *after]) + "\n")
    size = path.stat().st_size

    def texts(tail: int) -> list[str]:
        return [r.text for r in iter_records(path, since_last_compaction=True, tail_bytes=tail)
                if isinstance(r, UserPrompt)]

    assert texts(size) == ["after 0", "after 1", "after 2"]  # the boundary is inside the tail
    assert texts(len(after[-1]) + 2) == ["after 2"]  # the tail starts after the boundary
