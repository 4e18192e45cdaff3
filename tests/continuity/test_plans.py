"""Plan progress files next to the user's plans, driven by the real hooks; and the matching rule."""

from __future__ import annotations

import json
from pathlib import Path

from memory.continuity.plans import best_match, render_dashboard, similarity
from tests.support.session import Session

PLAN = """# Auth feature

- [ ] Task 1: Add the User model and migration
- [ ] Task 2: Implement JWT login endpoint
- [x] Task 3: Write the README section
- [ ] Add tests for logout
"""


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if ".git" not in p.parts}


def test_task_status_changes_and_commit_reach_the_progress_files(replay: Session) -> None:
    planning = replay.project / "planning"
    planning.mkdir()
    plan = planning / "2026-01-11-auth.md"
    plan.write_text(PLAN)
    replay.task_create("1", "Implement the JWT login endpoint")
    assert _files(planning) == {"2026-01-11-auth.md"}  # creating a pending task changes nothing
    replay.task_update("1", "in_progress")
    progress = json.loads((planning / "2026-01-11-auth-progress.json").read_text())
    assert [t["status"] for t in progress["tasks"]] == ["pending", "in_progress", "done", "pending"]
    assert "🔄 Task 2: Implement JWT login endpoint" in (planning / "2026-01-11-auth-progress.md").read_text()
    replay.task_update("1", "completed", previous="in_progress")
    replay.bash('git commit -m "JWT login"', stdout="[main 3f2a9c1] JWT login\n 2 files changed")
    progress = json.loads((planning / "2026-01-11-auth-progress.json").read_text())
    task = progress["tasks"][1]
    assert task["status"] == "done" and task["commit"] == "3f2a9c1"
    assert progress["tasks"][2]["commit"] is None  # ticked in the plan before: not this commit's work
    assert "✅ Task 2: Implement JWT login endpoint (3f2a9c1)" in (planning / "2026-01-11-auth-progress.md").read_text()
    assert plan.read_text() == PLAN  # the user's plan is never modified
    replay.todo_write([("Add the User model and migration", "in_progress")])
    progress = json.loads((planning / "2026-01-11-auth-progress.json").read_text())
    assert progress["tasks"][0]["status"] == "in_progress" and progress["counts"]["done"] == 2


def test_no_plan_means_no_file_in_the_repository(replay: Session) -> None:
    (replay.project / "README.md").write_text("hi\n")
    before = _files(replay.project)
    replay.task_create("1", "Implement JWT login endpoint")
    replay.task_update("1", "completed")
    replay.bash('git commit -m "x"', stdout="[main 3f2a9c1] x")
    assert _files(replay.project) == before
    (replay.project / "planning").mkdir()
    (replay.project / "planning" / "notes.md").write_text("no checkboxes here\n")
    replay.task_update("1", "in_progress", previous="completed")
    assert _files(replay.project) == before | {"planning", "planning/notes.md"}


def test_matching_rule() -> None:
    assert similarity("Task 2: Implement JWT login endpoint", "Implement the JWT login endpoint") == 1.0
    assert similarity("Add tests for logout", "Add tests for login") < 0.7
    assert similarity("Implement backend/rapl.rs for Intel RAPL reading", "Write the README section") < 0.3
    states = {"p.md": {"tasks": [{"text": "Add tests for login", "status": "pending"},
                                 {"text": "Add tests for logout", "status": "pending"}]}}
    assert best_match("add tests for logout", states)[1]["text"] == "Add tests for logout"
    assert best_match("Deploy to production", states) is None


def test_dashboard_sections() -> None:
    text = render_dashboard({"plan": "p.md", "updated_at": "now", "counts": {"done": 1, "in_progress": 1, "pending": 1},
                             "tasks": [{"line": 1, "text": "a", "status": "done", "commit": "abcdef123"},
                                       {"line": 2, "text": "b", "status": "in_progress"},
                                       {"line": 3, "text": "c", "status": "pending"}]})
    assert "- ✅ a (abcdef1) (line 1)" in text and "- 🔄 b (line 2)" in text and "1/3 done" in text
