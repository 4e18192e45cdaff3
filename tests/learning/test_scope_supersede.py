"""Where learnings live and when they stop being recalled: project scope by default, global only for a stated
reason or when two projects learned the same instruction, supersede on a contradicting newer learning, and
import keeping the exported timestamps."""

from __future__ import annotations

import json

import pytest

from memory import store
from memory.config import load_settings
from memory.learning.model import Learning
from memory.learning.pipeline import store_learnings
from memory.learning.storage import export_rows, get, list_learnings, successor_of
from memory.learning.supersede import replaces


@pytest.fixture
def conn(memory_home):
    connection = store.connect()
    for name in ("alpha", "beta", "gamma"):
        connection.execute("INSERT INTO projects(key, root, name) VALUES (?, ?, ?)", (f"/w/{name}", f"/w/{name}", name))
    connection.commit()
    yield connection
    connection.close()


def _store(conn, learnings, project_id, session="s1"):
    return store_learnings(conn, learnings, project_id=project_id, session_id=session, settings=load_settings())


def _row(conn, text):
    return conn.execute("SELECT * FROM learnings WHERE text = ?", (text,)).fetchone()


def test_every_learning_belongs_to_its_project_even_an_instruction(conn):
    _store(conn, [Learning("instruction", "Use Django class-based views."), Learning("fact", "Run `make test`.")], 1)
    assert {r["project_id"] for r in conn.execute("SELECT project_id FROM learnings")} == {1}


def test_global_when_the_user_said_so_with_the_reason_kept(conn):
    _store(conn, [Learning("instruction", "Write commit messages in English.", scope="global",
                           scope_reason='the user said "in all my projects"')], 1)
    row = _row(conn, "Write commit messages in English.")
    assert row["project_id"] is None and row["scope_reason"] == 'the user said "in all my projects"'


def test_the_same_instruction_in_a_second_project_becomes_global(conn):
    text = "Never push directly to main; open a pull request."
    counts_a = _store(conn, [Learning("instruction", text)], 1, "sa")
    counts_b = _store(conn, [Learning("instruction", text)], 2, "sb")
    assert counts_a["promoted"] == 0 and counts_b["promoted"] == 1
    live = list_learnings(conn, [1, 2, None], limit=10)
    assert [(r["project_id"], r["text"]) for r in live] == [(None, text)]
    assert "projects #1, #2" in live[0]["scope_reason"]
    # the project copies point at the global one and are not recalled
    copies = conn.execute("SELECT superseded_by FROM learnings WHERE project_id IS NOT NULL").fetchall()
    assert copies and all(c["superseded_by"] == live[0]["id"] for c in copies)


def test_a_fact_in_two_projects_stays_in_each(conn):
    _store(conn, [Learning("fact", "Run tests with `pytest -q`.")], 1, "sa")
    _store(conn, [Learning("fact", "Run tests with `pytest -q`.")], 2, "sb")
    assert sorted(r["project_id"] for r in conn.execute("SELECT project_id FROM learnings")) == [1, 2]


def test_a_contradicting_newer_learning_supersedes_the_older(conn):
    _store(conn, [Learning("fact", "Run tests with `npx jest`.")], 1, "old")
    counts = _store(conn, [Learning("instruction", "We moved from Jest to Vitest: run tests with `pnpm vitest`.")],
                    1, "new")
    assert counts["superseded"] == 1
    old, new = _row(conn, "Run tests with `npx jest`."), _row(conn, "We moved from Jest to Vitest: run tests with `pnpm vitest`.")
    assert old["superseded_by"] == new["id"] and old["vector"] is None
    assert [r["id"] for r in list_learnings(conn, [1], limit=10)] == [new["id"]]
    assert dict(successor_of(conn, old["id"])) == {"id": new["id"], "text": new["text"]}
    assert get(conn, old["id"]) is not None  # still shown


def test_supersede_stays_inside_the_project(conn):
    _store(conn, [Learning("fact", "Run tests with `npx jest`.")], 1, "a")
    _store(conn, [Learning("instruction", "Use vitest, not jest.")], 2, "b")
    assert _row(conn, "Run tests with `npx jest`.")["superseded_by"] is None


@pytest.mark.parametrize("new,old,expected", [
    ("Use pnpm, not npm.", "Run `npm install` first.", True),
    ("Use uv rather than pip.", "Install with pip install -e .", True),
    ("以后都用 pnpm。", "Use npm.", True),
    ("Run `npm test`.", "Use pnpm.", False),           # a fact without a switch cue retires nothing
    ("Use pnpm.", "Build with `cargo build`.", False),  # different families
    ("Use pytest for the API tests.", "Run tests with `pytest -q`.", False),  # same tool
])
def test_replaces(new, old, expected):
    new_category = "instruction" if new.startswith(("Use", "以后")) else "fact"
    assert replaces(new, new_category, old, "fact" if "Run" in old or "Build" in old or "Install" in old
                    else "instruction") is expected


def test_superseded_learnings_are_never_recalled(conn, memory_home):
    from memory.recall import rank

    _store(conn, [Learning("fact", "Run tests with `npx jest --ci` in the web folder.")], 1, "old")
    _store(conn, [Learning("instruction", "We moved from Jest to Vitest: run `pnpm vitest` in the web folder.")],
           1, "new")
    hits = rank(conn, load_settings(), "how do I run the jest tests in the web folder", [1, None])
    assert hits and all("npx jest" not in h["text"] for h in hits)


def test_import_keeps_created_and_last_seen_timestamps(conn):
    from memory.learning.imports import import_learnings

    items = [{"type": "learning", "category": "fact", "text": "Run the linter with `ruff check .`.",
              "created_at": "2025-03-04T05:06:07.000Z", "last_seen_at": "2025-06-07T08:09:10.000Z",
              "global": False},
             {"type": "learning", "category": "preference", "text": "Answer in French.", "global": True,
              "scope_reason": 'the user said "in all my projects"', "created_at": "not a date"}]
    counts = import_learnings(conn, items, source="import:test", project_id=3, settings=load_settings())
    assert counts["added"] == 2
    row = _row(conn, "Run the linter with `ruff check .`.")
    assert (row["created_at"], row["last_seen_at"]) == ("2025-03-04T05:06:07.000Z", "2025-06-07T08:09:10.000Z")
    glob = _row(conn, "Answer in French.")
    assert glob["category"] == "instruction" and glob["project_id"] is None
    assert glob["scope_reason"] == 'the user said "in all my projects"' and glob["created_at"].startswith("20")
    exported = {e["text"]: e for e in export_rows(conn, [3, None])}
    assert exported["Run the linter with `ruff check .`."]["created_at"] == "2025-03-04T05:06:07.000Z"
    assert exported["Answer in French."]["scope_reason"] == 'the user said "in all my projects"'
    json.dumps(exported)


def test_show_says_why_a_learning_is_global_and_links_a_superseded_one(conn, memory_home):
    import os

    from tests.support.session import hook_env, run_cli

    _store(conn, [Learning("instruction", "Answer in Chinese.", scope="global",
                           scope_reason='the user said "所有项目"')], 1, "g")
    _store(conn, [Learning("fact", "Run tests with `npx jest`.")], 1, "old")
    _store(conn, [Learning("instruction", "Use vitest, not jest.")], 1, "new")
    conn.commit()
    env = hook_env(MEMORY_HOME=os.environ["MEMORY_HOME"], MEMORY_EMBEDDINGS_PROVIDER="builtin")
    glob, old, new = (_row(conn, t)["id"] for t in ("Answer in Chinese.", "Run tests with `npx jest`.",
                                                     "Use vitest, not jest."))
    shown = run_cli("show", str(glob), env=env)
    assert shown.returncode == 0 and 'Scope: global, because the user said "所有项目"' in shown.stdout
    text = run_cli("show", str(old), env=env).stdout
    assert f"Superseded by #{new}: Use vitest, not jest." in text and "Scope: this project" in text
    data = json.loads(run_cli("show", str(old), "--json", env=env).stdout)
    assert data["superseded_by"] == new and data["successor"]["id"] == new
