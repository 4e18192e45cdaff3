"""Scenario 1: whole-file Reads of a large Python and a large TypeScript file, through our plugin.

The model must get line 1 and the signatures with their real line numbers under the header; an Edit
in the middle of the narrowed file must work; a plain Read afterwards must return the whole file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.support.api_server import ScriptedServer, assistant_turns, text, tool_results, tool_use
from tests.e2e.claude_runner import Claude, Result, make_claude
from tests.support.store import rows, wait_for_worker
from tests.support.sources import line_of, python_module, typescript_module

pytestmark = pytest.mark.e2e

HEAD_LINES = 1  # signatures.head_lines default
HOOK_CONTEXT = "PreToolUse:Read hook additional context: "


class BigFile(NamedTuple):
    """A large source file of the scenario, the definitions to find in its outline, and its Edit."""

    path: Path
    source: str
    language: str
    definitions: tuple[str, ...]  # fragments of definition lines spread over the file
    edited: str  # the definition edited in the middle of the file
    added: str  # the line the Edit adds under it


class Session(NamedTuple):
    run: Result
    server: ScriptedServer
    claude: Claude
    files: dict[str, BigFile]


def request_after(server: ScriptedServer, turn: int) -> dict:
    """The main request answering the script's reply number ``turn`` (it holds that reply's tool result)."""
    return next(body for body in server.main_requests() if assistant_turns(body) == turn + 1)


def last_result(request: dict) -> dict:
    """The newest tool_result of a request (the one the previous reply asked for)."""
    return tool_results(request)[-1]


def edit_input(big: BigFile) -> dict:
    """An Edit that adds ``big.added`` as the first line of the body of ``big.edited``."""
    _, line = line_of(big.source, big.edited)
    indent = re.match(r"\s*", line).group(0) + ("    " if big.language == "python" else "  ")
    return {"file_path": str(big.path), "old_string": line, "new_string": f"{line}\n{indent}{big.added}"}


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory, claude_binary: Path) -> Session:
    """One session: Read both files, Edit both in the middle, Read both again."""
    root = tmp_path_factory.mktemp("signatures")
    with ScriptedServer() as server:
        claude = make_claude(root, server, binary=claude_binary)
        files = {
            "py": BigFile(claude.cwd / "inventory.py", python_module(), "python",
                          ("class Warehouse0Ledger:", "def adjust_stock_3_3(", "def adjust_stock_6_6(",
                           "def reorder_candidates("),
                          "def adjust_stock_3_3(", "audited = True  # e2e edit"),
            "ts": BigFile(claude.cwd / "routing.ts", typescript_module(), "typescript",
                          ("export class RegionRouter0 ", "quoteRate3x4(", "export class RegionRouter6 ",
                           "export function cheapestCarrier("),
                          "quoteRate3x4(", "const audited = true; // e2e edit"),
        }
        for big in files.values():
            big.path.write_text(big.source)
        py, ts = files["py"], files["ts"]
        server.script = [tool_use("Read", {"file_path": str(py.path)}), tool_use("Read", {"file_path": str(ts.path)}),
                         tool_use("Edit", edit_input(py)), tool_use("Edit", edit_input(ts)),
                         tool_use("Read", {"file_path": str(py.path)}), tool_use("Read", {"file_path": str(ts.path)}),
                         text("Both files are done.")]
        run = claude.run("Add an audit flag to adjust_stock_3_3 and quoteRate3x4")
        wait_for_worker(claude.data_dir)  # the session's end queued learning extraction: let it finish here
        assert server.egress == []
    return Session(run, server, claude, files)


def test_session_completes(session: Session) -> None:
    assert session.run.returncode == 0, session.run.describe()
    assert session.run.final_text == "Both files are done."


@pytest.mark.parametrize("turn, key", [(0, "py"), (1, "ts")])
def test_narrowed_read_gives_head_and_signatures_with_line_numbers(session: Session, turn: int, key: str) -> None:
    big = session.files[key]
    request = request_after(session.server, turn)
    lines = big.source.split("\n")
    assert last_result(request)["text"] == "\n".join(f"{n}\t{lines[n - 1]}" for n in range(1, HEAD_LINES + 1))
    (reminder,) = [block["text"] for block in request["messages"][-1]["content"]
                   if block.get("type") == "text" and HOOK_CONTEXT in block.get("text", "")]
    context = reminder.split(HOOK_CONTEXT, 1)[1]
    header = context.split("\n", 1)[0]
    total = big.source.count("\n")
    assert header.startswith(f"[compound-memory] Only line 1 of {big.path.name} ({total:,} lines) returned; "
                             f"all its "), header
    for fragment in big.definitions:  # each at its line: as the source line, or as a `name:line` entry
        number, line = line_of(big.source, fragment)
        name = re.findall(r"[A-Za-z_]\w*", fragment)[-1]
        assert (re.search(rf"^ *{number}│ {re.escape(line)}$", context, re.M)
                or re.search(rf"^ *· .*(?<![\w$]){name}:{number}\b", context, re.M)), (fragment, number)
    assert lines[200] not in last_result(request)["text"]  # the body did not come along


@pytest.mark.parametrize("turn, key", [(2, "py"), (3, "ts")])
def test_edit_in_the_middle_of_a_narrowed_file_works(session: Session, turn: int, key: str) -> None:
    big = session.files[key]
    result = last_result(request_after(session.server, turn))
    assert not result.get("is_error"), result
    assert "has been updated successfully" in result["text"]
    number, _ = line_of(big.source, big.edited)
    on_disk = big.path.read_text().split("\n")
    assert on_disk[number].strip() == big.added  # the line right under the definition
    assert len(on_disk) == len(big.source.split("\n")) + 1


@pytest.mark.parametrize("turn, key", [(4, "py"), (5, "ts")])
def test_plain_read_after_the_edit_returns_the_whole_file(session: Session, turn: int, key: str) -> None:
    big = session.files[key]
    request = request_after(session.server, turn)
    whole = last_result(request)["text"]
    on_disk = big.path.read_text().split("\n")
    number, _ = line_of(big.source, big.edited)
    assert f"{number + 1}\t{on_disk[number]}" in whole  # the edited middle
    assert f"{len(on_disk) - 1}\t{on_disk[-2]}" in whole  # the last line
    assert HOOK_CONTEXT not in str(request["messages"][-1]["content"])


def test_store_accounts_each_narrowed_read_once(session: Session) -> None:
    data = session.claude.data_dir
    reads = {Path(r["path"]).name: r for r in rows(data, "SELECT * FROM signature_reads")}
    assert set(reads) == {"inventory.py", "routing.ts"}
    for row in reads.values():
        assert row["session_id"] == session.run.session_id
        assert row["head_limit"] == HEAD_LINES and row["own_read_seen"] == 1
        assert row["original_tokens"] > 3 * row["delivered_tokens"] > 0
        # The Read after the Edit is not charged: it reads text that no narrowed Read could have shown.
        assert row["followup_reads"] == 0 and row["followup_tokens"] == 0
    cached = {Path(r["path"]).name: r for r in rows(data, "SELECT path, language, total_lines FROM file_signatures")}
    assert {name: (r["language"], r["total_lines"]) for name, r in cached.items()} == {
        "inventory.py": ("python", session.files["py"].source.count("\n")),
        "routing.ts": ("typescript", session.files["ts"].source.count("\n"))}
    edited = {Path(r["path"]).name for r in rows(data, "SELECT path FROM events WHERE kind = 'modify'")}
    assert edited == {"inventory.py", "routing.ts"}
    kinds = [(r["tool"], r["kind"], Path(r["path"]).name) for r in rows(
        data, "SELECT tool, kind, path FROM events WHERE session_id = ? ORDER BY ts, id", (session.run.session_id,))]
    assert kinds == [("Read", "read", "inventory.py"), ("Read", "read", "routing.ts"),
                     ("Edit", "modify", "inventory.py"), ("Edit", "modify", "routing.ts"),
                     ("Read", "read", "inventory.py"), ("Read", "read", "routing.ts")]
    assert rows(data, "SELECT * FROM errors") == []
    outcomes = rows(data, "SELECT event, outcome FROM hook_runs WHERE event = 'PreToolUse'")
    # narrowed twice; the Reads after the Edits pass through (noop). The two Edits leave no row: nothing in them
    # is in the anchor index, so their PreToolUse ends before it opens the store.
    assert [r["outcome"] for r in outcomes] == ["ok", "ok", "noop", "noop"]
