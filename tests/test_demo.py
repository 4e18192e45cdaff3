"""``python -m memory demo``: the recorded session replayed through the real hook processes, run as a user would."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.session import REPO, hook_env, run_cli

SAMPLE = REPO / "demo" / "project"
OUTLINE_LINE = re.compile(r"^\s*(\d+)│ (.*)$", re.M)


def demo_env(tmp: Path) -> dict[str, str]:
    """A user's environment: their own memory folder and home, which the demo must leave alone."""
    env = hook_env(MEMORY_HOME=str(tmp / "user-memory"), HOME=str(tmp / "user-home"))
    env.pop("MEMORY_EMBEDDINGS_PROVIDER", None)  # the demo picks the built-in embedder by itself
    env.pop("MEMORY_PYTHON", None)
    return env


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    tmp = tmp_path_factory.mktemp("demo-json")
    result = run_cli("demo", "--json", env=demo_env(tmp), timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    return json.loads(result.stdout), tmp


def hook_step(report: dict[str, Any], event: str, title_part: str = "", session: int = 1) -> dict[str, Any]:
    """The first step of ``event`` whose title contains ``title_part``, in session 1 or 2."""
    steps = [s for s in report["steps"] if s.get("event") == event and title_part in s["title"]
             and s["section"].startswith("Session 2") == (session == 2)]
    assert steps, f"no {event} {title_part} step in session {session}"
    return steps[0]


def check_outline_lines(context: str, source: Path) -> int:
    """Every ``N│ text`` line of an outline must be line N of ``source``, and every ``name:N`` entry of its
    compact lines must name something on line N; return how many were checked."""
    from parser import compact_entries

    lines = source.read_text(encoding="utf-8").splitlines()
    found = OUTLINE_LINE.findall(context)
    for number, text in found:
        assert lines[int(number) - 1].rstrip() == text.rstrip(), (number, text)
    entries = compact_entries(context)
    for name, number in entries:
        assert name.split("+")[-1] in lines[number - 1], (name, number)
    return len(found) + len(entries)


def shows(context: str, source: Path, text: str, name: str) -> bool:
    """Whether ``context`` shows the line holding ``text`` as a source line or as a ``name:line`` entry."""
    number = source.read_text(encoding="utf-8").splitlines().index(text) + 1
    return f"{number}│ {text}" in context or f"{name}:{number}" in context


def test_every_hook_ran_as_a_real_process_and_exited_0(demo: tuple[dict[str, Any], Path]) -> None:
    report, _ = demo
    assert report["ok"] is True and report["failed_step"] is None
    hooks = [s for s in report["steps"] if "event" in s]
    assert len(hooks) == report["summary"]["hooks"]["runs"] >= 20
    assert all(s["exit_code"] == 0 and s["outcome"] in ("ok", "noop") for s in hooks)
    events = {s["event"] for s in hooks}
    assert events == {"SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure",
                      "PreCompact", "SessionEnd"}
    assert report["summary"]["hooks"]["all_exit_0"] is True


def test_large_python_read_is_narrowed_with_signatures_at_their_real_lines(demo: tuple[dict[str, Any], Path]) -> None:
    report, _ = demo
    step = hook_step(report, "PreToolUse", "inventory/pricing.py")
    assert step["updated_input"]["offset"] == 1 and step["updated_input"]["limit"] == 1
    assert step["updated_input"]["file_path"].endswith("/inventory/pricing.py")
    context = step["additional_context"]
    assert check_outline_lines(context, SAMPLE / "inventory" / "pricing.py") >= 50
    assert shows(context, SAMPLE / "inventory" / "pricing.py", "class PriceCalculator:", "PriceCalculator")
    assert step["tokens"]["saved"] > 0 and step["tokens"]["delivered"] < step["tokens"]["whole_read"]


def test_large_typescript_read_is_narrowed_too(demo: tuple[dict[str, Any], Path]) -> None:
    report, _ = demo
    step = hook_step(report, "PreToolUse", "web/cart.ts")
    assert step["updated_input"]["limit"] == 1
    assert check_outline_lines(step["additional_context"], SAMPLE / "web" / "cart.ts") >= 30
    assert shows(step["additional_context"], SAMPLE / "web" / "cart.ts", "export class Cart {", "Cart")
    tokens = report["summary"]["tokens"]
    assert {f["path"] for f in tokens["files"]} == {"inventory/pricing.py", "web/cart.ts"}
    assert tokens["saved"] == sum(f["whole_read"] - f["delivered"] - f["followup"] for f in tokens["files"]) > 0


def test_handoff_after_compaction_holds_the_task_and_the_modified_files(demo: tuple[dict[str, Any], Path]) -> None:
    report, _ = demo
    saved = hook_step(report, "PreCompact")["handoff"]
    assert saved["trigger"] == "manual"
    assert {"inventory/pricing.py", "tests/test_pricing.py"} <= set(saved["files_modified"])
    block = hook_step(report, "SessionStart", "compact")["additional_context"]
    assert block.startswith("## Continuing: Add a bulk discount to the pricing engine")
    modified = next(line for line in block.splitlines() if line.startswith("Modified"))
    assert "inventory/pricing.py" in modified and "tests/test_pricing.py" in modified
    assert "Show the bulk discount badge in web/cart.ts" in block
    assert "keep the cart badge task in mind" in block


def test_the_next_session_recalls_what_was_learned(demo: tuple[dict[str, Any], Path]) -> None:
    report, _ = demo
    worker = next(s for s in report["steps"] if s["title"] == "python -m memory worker run")
    categories = {item["category"] for item in worker["learnings"]}
    assert {"gotcha", "instruction"} <= categories
    fix = next(item for item in worker["learnings"] if item["category"] == "gotcha")
    assert "python -m pytest -q" in fix["text"] and "TypeError" in fix["text"]
    shown = "\n".join(hook_step(report, event, session=2)["additional_context"] or ""
                      for event in ("SessionStart", "UserPromptSubmit"))
    recalled = report["summary"]["recalled"]
    assert recalled and all(r["event"] in ("SessionStart", "UserPromptSubmit") for r in recalled)
    for item in recalled:
        assert f"Previous learning [{item['category']} #{item['learning_id']}" in shown
        assert item["text"] in shown
    assert "## Continuing:" in hook_step(report, "SessionStart", session=2)["additional_context"]


def test_the_next_session_is_told_the_real_last_action(demo: tuple[dict[str, Any], Path]) -> None:
    """Every recorded tool call is in the transcript too, so the handoff's "Last:" is the session's last call."""
    report, _ = demo
    block = hook_step(report, "SessionStart", session=2)["additional_context"]
    assert "Last: Edited web/cart.ts" in block, block


def test_status_is_the_demo_store_and_the_users_memory_is_untouched(demo: tuple[dict[str, Any], Path]) -> None:
    report, tmp = demo
    assert report["status"]["learnings"] == report["summary"]["learnings_stored"] > 0
    assert report["status"]["handoffs"] == len(report["summary"]["handoffs"]) == 2
    assert report["status"]["database"]["path"].startswith(report["memory_home"])
    assert not (tmp / "user-memory").exists()
    assert not (tmp / "user-home").exists()
    assert not Path(report["project"]).exists() and not Path(report["memory_home"]).exists()


def test_human_output_walks_through_each_section(tmp_path: Path) -> None:
    result = run_cli("demo", env=demo_env(tmp_path), timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    out = result.stdout
    for heading in ("== Session 1 starts", "== Claude reads a large file", "== Claude works",
                    "== The context is compacted", "== Claude continues after the compaction",
                    "== The worker learns from the session", "== Session 2: the next day", "== Summary",
                    "== python -m memory status", "=== Memory System Status ==="):
        assert heading in out
    assert "updatedInput {\"offset\": 1, \"limit\": 1}" in out
    assert "## Continuing: Add a bulk discount" in out and "Previous learning [" in out
    assert "Demo finished: every step did its part." in out
    assert not (tmp_path / "user-memory").exists()


def test_a_failing_step_is_named_and_exits_1(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "memory-home-is-a-file"
    not_a_folder.write_text("")
    result = run_cli("demo", "--home", str(not_a_folder), env=demo_env(tmp_path), timeout=120)
    assert result.returncode == 1
    assert "Demo FAILED at step 1 (SessionStart (startup))" in result.stdout
    report_run = run_cli("demo", "--json", "--home", str(not_a_folder), env=demo_env(tmp_path), timeout=120)
    report = json.loads(report_run.stdout)
    assert report_run.returncode == 1 and report["ok"] is False
    assert report["failed_step"]["index"] == 1 and "no database" in report["failed_step"]["error"]
