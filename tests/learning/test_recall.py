"""Recall through the real UserPromptSubmit and SessionStart hook processes, on a real store."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from memory import recall, store
from memory.config import load_settings
from memory.learning.dedup import text_hash
from memory.project import find_project
from memory.store.core import upsert_project
from memory.vectors import choose, codec, minilm
from tests.support.session import hook_env, hook_output, payload, run_cli, run_hook

LEARNINGS = [
    ("tip", "Run `make db` before `pytest`: the integration tests need the local Postgres schema loaded.", None),
    ("fix", "Alembic migration failures about a missing DATABASE_URL are fixed by sourcing .env.test first.", None),
    ("architecture", "All HTTP handlers live in api/routes and call services; services never import from api.", None),
    ("dead-end", "Mocking the S3 client with moto was dropped: presigned URL tests were flaky; use minio in docker.", None),
    ("preference", "The user prefers pnpm over npm and yarn for every JavaScript install.", "global"),
]


def _seed(project_dir: Path) -> dict[str, int]:
    """The learnings above, embedded by the shipped embedder (MiniLM), packs written as the worker does."""
    conn = store.connect()
    project_id = upsert_project(conn, find_project(str(project_dir)))
    ids = {}
    vectors = minilm.MiniLMEmbedder().embed_many([text for _, text, _ in LEARNINGS])
    for (category, text, scope), vector in zip(LEARNINGS, vectors):
        cur = conn.execute(
            "INSERT INTO learnings(project_id, category, text, text_hash, confidence, embedding_model, vector, "
            "scope_reason) VALUES (?,?,?,?,?,?,?,?)",
            (None if scope else project_id, category, text, text_hash(text), 0.8, minilm.MODEL,
             codec.to_blob(vector), "stated by the user for every project" if scope else None))
        ids[category] = cur.lastrowid
    choose.write_packs(conn)
    return ids


def _context(result: subprocess.CompletedProcess) -> str | None:
    answer = hook_output(result)
    return answer["hookSpecificOutput"]["additionalContext"] if answer else None


def test_prompt_recall_injects_relevant_learnings_once_per_session(memory_home, project_dir):
    ids = _seed(project_dir)
    prompt = payload("UserPromptSubmit", session_id="s1", cwd=str(project_dir),
                     prompt="the pytest run fails, does the db need to be set up with make first?")
    text = _context(run_hook("UserPromptSubmit", prompt, env=hook_env()))
    assert text is not None and text.startswith(recall.HEADER)
    assert f"Previous learning [tip #{ids['tip']}]: Run `make db` before `pytest`" in text
    assert "moto" not in text  # unrelated learnings stay out
    # the same prompt again in the same session: nothing new to say
    assert _context(run_hook("UserPromptSubmit", prompt, env=hook_env())) is None
    # another session gets it again
    other = dict(prompt, session_id="s2")
    assert f"#{ids['tip']}]" in _context(run_hook("UserPromptSubmit", other, env=hook_env()))
    conn = store.connect()
    row = conn.execute("SELECT recall_count, last_recalled_at FROM learnings WHERE id = ?", (ids["tip"],)).fetchone()
    assert row["recall_count"] == 2 and row["last_recalled_at"]
    recalls = conn.execute("SELECT session_id, event, query, score FROM recalls WHERE learning_id = ?",
                           (ids["tip"],)).fetchall()
    assert [(r["session_id"], r["event"]) for r in recalls] == [("s1", "UserPromptSubmit"), ("s2", "UserPromptSubmit")]
    assert all(r["score"] > 0 and "pytest run fails" in r["query"] for r in recalls)
    shown = run_cli("show", str(ids["tip"]), "--json", env=hook_env(), cwd=project_dir)
    assert shown.returncode == 0, shown.stderr
    assert len(json.loads(shown.stdout)["recalls"]) == 2


def test_an_unrelated_prompt_injects_nothing(memory_home, project_dir):
    _seed(project_dir)
    prompt = payload("UserPromptSubmit", session_id="s1", cwd=str(project_dir), prompt="thanks, looks good!")
    assert _context(run_hook("UserPromptSubmit", prompt, env=hook_env())) is None


def test_global_preferences_are_recalled_in_any_project(memory_home, project_dir, tmp_path):
    ids = _seed(project_dir)
    elsewhere = tmp_path / "another-project"
    elsewhere.mkdir()
    prompt = payload("UserPromptSubmit", session_id="s9", cwd=str(elsewhere),
                     prompt="install the javascript dependencies with npm please")
    text = _context(run_hook("UserPromptSubmit", prompt, env=hook_env()))
    assert f"[preference #{ids['preference']}, global]" in text
    assert "make db" not in text  # the first project's learnings stay in that project


def test_session_start_recalls_from_the_last_task_branch_and_files(memory_home, project_dir):
    git = project_dir / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/fix/alembic-migration-env\n")
    ids = _seed(project_dir)
    assert recall.git_branch(str(project_dir)) == "fix/alembic-migration-env"
    conn = store.connect()
    project_id = upsert_project(conn, find_project(str(project_dir)))
    conn.execute("INSERT INTO handoffs(session_id, project_id, task) VALUES ('old', ?, ?)",
                 (project_id, "Make the alembic migrations run in CI"))
    start = payload("SessionStart", session_id="new", cwd=str(project_dir), source="startup")
    env = hook_env(MEMORY_CONTINUITY_ENABLED="0")  # this test is about recall, not the handoff
    text = _context(run_hook("SessionStart", start, env=env))
    assert text is not None and f"[fix #{ids['fix']}]" in text
    row = conn.execute("SELECT event, query FROM recalls WHERE learning_id = ?", (ids["fix"],)).fetchone()
    assert row["event"] == "SessionStart" and "alembic" in row["query"]
    # a prompt in the same session does not repeat it
    prompt = payload("UserPromptSubmit", session_id="new", cwd=str(project_dir),
                     prompt="alembic migration fails: DATABASE_URL missing")
    assert f"#{ids['fix']}]" not in (_context(run_hook("UserPromptSubmit", prompt, env=hook_env())) or "")


def test_token_budget_and_forget_are_respected(memory_home, project_dir):
    ids = _seed(project_dir)
    conn = store.connect()
    project_id = upsert_project(conn, find_project(str(project_dir)))
    config = load_settings(str(project_dir))
    query = "make db pytest alembic migration DATABASE_URL handlers services S3 moto minio pnpm"
    everything = recall.recall_for(conn, config, project_id=project_id, session_id="a", event="UserPromptSubmit",
                                   query=query, token_budget=400)
    assert everything.count("Previous learning") >= 2
    tight = recall.recall_for(conn, config, project_id=project_id, session_id="b", event="UserPromptSubmit",
                              query=query, token_budget=60)
    assert tight.count("Previous learning") == 1
    forgotten = run_cli("forget", str(ids["tip"]), env=hook_env(), cwd=project_dir)
    assert forgotten.returncode == 0, forgotten.stderr
    after = recall.recall_for(conn, config, project_id=project_id, session_id="c", event="UserPromptSubmit",
                              query=query, token_budget=400)
    assert f"#{ids['tip']}]" not in after


def test_cli_learnings_search_export_import(memory_home, project_dir, tmp_path):
    _seed(project_dir)
    listed = run_cli("learnings", "--json", env=hook_env(), cwd=project_dir)
    assert listed.returncode == 0 and json.loads(listed.stdout)["total"] == len(LEARNINGS)
    found = run_cli("search", "alembic DATABASE_URL", "--json", env=hook_env(), cwd=project_dir)
    assert json.loads(found.stdout)[0]["category"] == "fix"
    exported = run_cli("export", env=hook_env(), cwd=project_dir)
    lines = exported.stdout.splitlines()
    assert len(lines) == len(LEARNINGS) and all("vector" not in json.loads(line) for line in lines)
    target_home = tmp_path / "other-home"
    dump = tmp_path / "learnings.jsonl"
    dump.write_text(exported.stdout + '{"category": "tip", "text": "token ghp_1234567890abcdefghijklmnopqrstuvwxyzAB"}\n'
                    + "not json\n")
    env = hook_env(MEMORY_HOME=str(target_home))
    first = run_cli("import", str(dump), "--json", env=env, cwd=project_dir)
    assert first.returncode == 0, first.stderr
    counts = json.loads(first.stdout)["learnings"]
    assert counts["added"] == len(LEARNINGS) + 1 and counts["skipped"] == 1
    again = json.loads(run_cli("import", str(dump), "--json", env=env, cwd=project_dir).stdout)["learnings"]
    assert again.get("added", 0) == 0
    texts = [r["text"] for r in json.loads(run_cli("learnings", "--json", env=env, cwd=project_dir).stdout)["learnings"]]
    assert not any("ghp_1234567890" in t for t in texts)


def test_session_start_uses_the_query_vector_the_worker_prepared(memory_home, project_dir, monkeypatch):
    from memory import worker
    from memory.vectors import next_query

    ids = _seed(project_dir)
    conn = store.connect()
    project_id = upsert_project(conn, find_project(str(project_dir)))
    conn.execute("INSERT INTO handoffs(session_id, project_id, task) VALUES ('old', ?, ?)",
                 (project_id, "Schema upgrades crash because an environment variable for the connection string is unset"))
    conn.commit()
    env = hook_env(MEMORY_CONTINUITY_ENABLED="0")
    # Not prepared: SessionStart does not load the model; keywords alone find nothing (no word in common).
    first = _context(run_hook("SessionStart", payload("SessionStart", session_id="a", cwd=str(project_dir),
                                                      source="startup"), env=env))
    assert f"[fix #{ids['fix']}]" not in (first or "")
    # The worker prepares the next session's query (as after an extraction job): now meaning finds it.
    monkeypatch.setenv("MEMORY_EMBEDDINGS_PROVIDER", "minilm")
    assert worker.prepare_next_session(conn, {"project": {"id": project_id, "root": str(project_dir)}})
    query = recall.session_query(conn, project_id, str(project_dir))
    assert next_query.load(project_id, minilm.MODEL, query) is not None
    assert next_query.load(project_id, minilm.MODEL, query + " changed") is None
    second = _context(run_hook("SessionStart", payload("SessionStart", session_id="b", cwd=str(project_dir),
                                                       source="startup"), env=env))
    assert f"[fix #{ids['fix']}]" in second and "moto" not in second


def test_superseded_learnings_are_never_recalled_and_unlinked_older_ones_rank_below_newer(memory_home, project_dir):
    conn = store.connect()
    project_id = upsert_project(conn, find_project(str(project_dir)))
    texts = {"old": "Command-line parsing uses structopt.",
             "new": "structopt was replaced by clap 4 derive: #[structopt] attributes became #[arg] and #[command]."}
    vectors = minilm.MiniLMEmbedder().embed_many(list(texts.values()))
    ids = {}
    for (name, text), vector, age in zip(texts.items(), vectors, ("-200 days", "-5 days")):
        ids[name] = conn.execute(
            "INSERT INTO learnings(project_id, category, text, text_hash, confidence, embedding_model, vector, "
            "created_at, last_seen_at) VALUES (?,?,?,?,?,?,?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?), "
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?))",
            (project_id, "tip", text, text_hash(text), 0.8, minilm.MODEL, codec.to_blob(vector), age, age)).lastrowid
    conn.commit()
    choose.write_packs(conn)
    config = load_settings(str(project_dir))
    query = "how is command-line argument parsing done?"
    # not linked (the extractor missed it): the newer one on the same subject comes first
    ranked = recall.rank(conn, config, query, [project_id, None])
    assert [r["id"] for r in ranked[:2]] == [ids["new"], ids["old"]] and ranked[1]["stale"]
    conn.execute("UPDATE learnings SET superseded_by = ? WHERE id = ?", (ids["new"], ids["old"]))
    conn.commit()
    assert ids["old"] not in [r["id"] for r in recall.rank(conn, config, query, [project_id, None])]
    text = recall.recall_for(conn, config, project_id=project_id, session_id="s", event="UserPromptSubmit",
                             query=query, token_budget=400)
    assert f"#{ids['new']}]" in text and f"#{ids['old']}]" not in text


def test_the_gate_decides_whether_and_the_margin_how_many():
    ranked = [{"id": n, "score": s} for n, s in ((1, 0.62), (2, 0.55), (3, 0.47), (4, 0.30))]
    # the best passes the gate: the runner-ups within the margin of it come along, even below the gate
    assert [item["id"] for item in recall.relevant(ranked, 0.5, margin=0.1)] == [1, 2]
    assert [item["id"] for item in recall.relevant(ranked, 0.6, margin=0.2)] == [1, 2, 3]
    # the best misses the gate: nothing, however close the others are
    assert recall.relevant(ranked, 0.63, margin=1.0) == []
    assert recall.relevant([], 0.1) == []
