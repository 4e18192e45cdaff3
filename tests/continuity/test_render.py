"""The handoff formatter and the state fold, as units."""

from __future__ import annotations

from memory.continuity.render import HARD_LIMIT, format_handoff
from memory.shell import equivalence_key
from memory.continuity.state import derive_status


def _handoff(**extra):
    base = {"task": "Implement user authentication with JWT", "status": "in_progress",
            "files_modified": ["src/auth/login.ts"], "files_read": ["src/types/user.ts"],
            "decisions": ["Using JWT over sessions for stateless auth"],
            "todos": [{"id": 1, "content": "Add rate limiting", "status": "pending"},
                      {"id": 2, "content": "Write login form", "status": "completed"}],
            "blockers": [], "last_action": "Edited src/auth/middleware.ts"}
    return {**base, **extra}


def test_seed_example_renders_every_section() -> None:
    text = format_handoff(_handoff(in_progress="Add rate limiting"), 1200, "Handoff saved at compaction just now.")
    lines = text.splitlines()
    assert lines[0] == "## Continuing: Implement user authentication with JWT"
    assert "Modified (1): src/auth/login.ts" in lines
    assert "- [pending] Add rate limiting" in lines and lines.index("- [pending] Add rate limiting") < \
        lines.index("- [completed] Write login form")
    assert "- Using JWT over sessions for stateless auth" in lines
    assert "Last: Edited src/auth/middleware.ts" in lines
    assert "Left out" not in text


def test_huge_handoff_fits_budget_and_hard_limit() -> None:
    many = _handoff(files_read=[f"r{i}.py" for i in range(3000)], files_modified=[f"m{i}.py" for i in range(3000)],
                    decisions=[f"decision {i} " + "x" * 300 for i in range(200)],
                    todos=[{"content": f"todo {i}", "status": "pending"} for i in range(500)],
                    blockers=["b" * 1000] * 50, task="t" * 5000)
    for tokens in (100, 1200, 100_000):
        text = format_handoff(many, tokens)
        assert len(text) < HARD_LIMIT <= 10_000
        assert len(text) <= max(400, tokens * 4)
    assert "Left out to fit the budget" in format_handoff(many, 1200)


def test_command_key_and_status() -> None:
    assert equivalence_key("cd app && FOO=1 npm test -- -x") == "npm test"
    assert equivalence_key("cargo build --release") == "cargo build"
    assert equivalence_key("(source .venv/bin/activate && uv run pytest -x tests/a.py)") == "pytest"
    assert equivalence_key("npm run build") != equivalence_key("npm run lint")
    assert derive_status([], ["x"]) == "in_progress"  # an open blocker that did not stop the work
    assert derive_status([], ["x"], turn_open=False, stopped_on_blocker=True) == "blocked"
    assert derive_status([{"status": "completed"}], []) == "completed"
    assert derive_status([{"status": "completed"}], [], turn_open=True) == "in_progress"  # still working
    assert derive_status([], [], turn_open=False) == "completed"
    assert derive_status([], []) == "in_progress"  # events only, nothing to go by


def test_a_handoff_stored_by_an_earlier_version_still_leads_with_its_latest_request() -> None:
    old = _handoff(latest_request="Now add the refresh token", goal="Earlier goal")
    lines = format_handoff(old, 1200).splitlines()
    assert lines[0] == "## Continuing: Now add the refresh token"
    assert "Task: Implement user authentication with JWT" in lines
