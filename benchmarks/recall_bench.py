"""Recall quality, recall latency inside a real hook, and worker throughput.

    python -m benchmarks.recall_bench [--runs N] [--skip-latency] [--skip-worker]

1. Quality, on ``benchmarks/recall_eval/``: 62 learnings of a realistic SaaS project (FastAPI + Celery +
   Postgres + a pnpm/Vite frontend) and 32 prompts, each labelled with the learnings a good memory would
   recall; the prompts are worded the way a user would ask, mostly not in the learnings' words. For BM25
   alone, vectors alone (MiniLM, the shipped embedder) and the hybrid ranking that recall uses, with the
   relevance gate (``recall.min_similarity``) as shipped: hit@3 (a relevant learning in the top 3), MRR
   (reciprocal rank of the first relevant one, over the top 10), recall@3, and what the hook would inject.
2. Latency: a whole UserPromptSubmit hook process (through ``hooks/run``) against stores of 1,000 and
   10,000 learnings (the evaluation set plus synthetic ones from the same vocabulary), interleaved with bare
   ``python -c pass`` (benchmarks/harness.py). The session's recalls are cleared before every run, so each
   run does the full ranking and writes its recalls.
3. Worker: extraction jobs per minute with the rules extractor on the real transcripts, in one worker run.

Results: benchmarks/results/recall.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import tempfile
import time

from benchmarks.harness import REPO, bare_python, hook, markdown_table, summarize, time_interleaved, write_result
from benchmarks.harness import REAL_TRANSCRIPTS

EVAL = REPO / "benchmarks" / "recall_eval"
TRANSCRIPTS = REAL_TRANSCRIPTS


def load_eval() -> tuple[list[dict], list[dict]]:
    """The evaluation learnings and the labelled prompts."""
    learnings = [json.loads(line) for line in (EVAL / "learnings.jsonl").read_text().splitlines() if line.strip()]
    prompts = [json.loads(line) for line in (EVAL / "prompts.jsonl").read_text().splitlines() if line.strip()]
    return learnings, prompts


def seed_store(home: str, learnings: list[dict], project_root: str) -> tuple[int, dict[str, int]]:
    """A data folder holding ``learnings`` for the project at ``project_root``; returns (project id, key -> id).
    Learnings are embedded by MiniLM, the shipped embedder; synthetic ones (key ``S…``, only there to make the
    store large for the latency runs) get random unit vectors, which cost the hook exactly the same to scan."""
    os.environ["MEMORY_HOME"] = home
    from memory import store
    from memory.learning.dedup import text_hash
    from memory.project import find_project
    from memory.store.core import upsert_project
    from memory.vectors import choose, codec, minilm

    conn = store.connect()
    project_id = upsert_project(conn, find_project(project_root))
    ids = {}
    real = [item for item in learnings if not item["key"].startswith("S")]
    vectors = dict(zip((item["key"] for item in real), minilm.MiniLMEmbedder().embed_many([i["text"] for i in real])))
    rng = random.Random(11)
    conn.execute("BEGIN")
    for item in learnings:
        vector = vectors.get(item["key"]) or codec.normalize([rng.gauss(0, 1) for _ in range(minilm.DIMENSION)])
        cur = conn.execute(
            "INSERT INTO learnings(project_id, category, text, text_hash, confidence, embedding_model, vector) "
            "VALUES (?,?,?,?,?,?,?)",
            (project_id, item["category"], item["text"], text_hash(item["text"]), 0.7, minilm.MODEL,
             codec.to_blob(vector)))
        ids[item["key"]] = cur.lastrowid
    conn.execute("COMMIT")
    choose.write_packs(conn)
    conn.close()
    return project_id, ids


def quality(learnings: list[dict], prompts: list[dict]) -> dict:
    """hit@3, MRR@10 and recall@3 per ranking mode, plus what the hook would inject (hybrid, 400 tokens)."""
    from memory import recall, store
    from memory.config import load_settings

    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as project:
        project_id, ids = seed_store(home, learnings, project)
        key_of = {v: k for k, v in ids.items()}
        conn = store.connect()
        config = load_settings(project)
        results = {}
        for mode in ("bm25", "vector", "hybrid"):
            hits, rr, rec3 = 0, 0.0, 0.0
            for item in prompts:
                ranked = [key_of[r["id"]] for r in recall.rank(conn, config, item["prompt"], [project_id, None],
                                                                mode=mode)][:10]
                relevant = set(item["relevant"])
                hits += bool(relevant & set(ranked[:3]))
                rr += next((1.0 / (i + 1) for i, k in enumerate(ranked) if k in relevant), 0.0)
                rec3 += len(relevant & set(ranked[:3])) / len(relevant)
            n = len(prompts)
            results[mode] = {"hit@3": round(hits / n, 3), "mrr@10": round(rr / n, 3), "recall@3": round(rec3 / n, 3)}
        injected, useful, silent = 0, 0, 0
        for n, item in enumerate(prompts):
            text = recall.recall_for(conn, config, project_id=project_id, session_id=f"eval-{n}",
                                     event="UserPromptSubmit", query=item["prompt"], token_budget=400) or ""
            shown = [key_of[int(part.split("#")[1].split("]")[0].split(",")[0])] for part in text.splitlines()[1:]]
            injected += len(shown)
            useful += len(set(shown) & set(item["relevant"]))
            silent += not shown
        results["hook_injection"] = {
            "avg_injected_per_prompt": round(injected / len(prompts), 2),
            "precision_of_injected": round(useful / injected, 3) if injected else None,
            "prompts_with_nothing_injected": silent,
        }
        return results


def synthetic(learnings: list[dict], count: int, seed: int = 7) -> list[dict]:
    """``count`` learnings: the evaluation set, then sentences drawn from its vocabulary and invented names."""
    rng = random.Random(seed)
    vocab = sorted({w.strip("`.,;:()'\"") for item in learnings for w in item["text"].split()} - {""})
    categories = ["fix", "tip", "pattern", "architecture", "preference", "dead-end"]
    out = list(learnings)
    while len(out) < count:
        words = rng.sample(vocab, rng.randint(10, 22)) + [f"module_{rng.randint(1, 5000)}.py"]
        out.append({"key": f"S{len(out)}", "category": rng.choice(categories), "text": " ".join(words)[:300]})
    return out


def latency(learnings: list[dict], prompts: list[dict], runs: int) -> dict:
    """UserPromptSubmit p50/p95 with 1,000 and 10,000 learnings as a ratio to bare python."""
    homes, commands = [], [bare_python()]
    project = tempfile.mkdtemp(prefix="recall-bench-project-")
    prompt = prompts[0]["prompt"]
    for size in (1000, 10000):
        home = tempfile.mkdtemp(prefix=f"recall-bench-{size}-")
        seed_store(home, synthetic(learnings, size), project)
        homes.append(home)
        payload = {"session_id": "bench", "cwd": project, "hook_event_name": "UserPromptSubmit", "prompt": prompt,
                   "transcript_path": "/nonexistent"}

        def clear(home=home) -> None:
            conn = sqlite3.connect(os.path.join(home, "memory.db"))
            conn.execute("DELETE FROM recalls WHERE session_id = 'bench'")
            conn.commit()
            conn.close()

        command = hook("UserPromptSubmit", payload, {"MEMORY_HOME": home}, name=f"UserPromptSubmit, {size} learnings")
        command.before_each = clear
        commands.append(command)
    summary = summarize(time_interleaved(commands, runs=runs), baseline=commands[0].name)
    print(markdown_table(summary))
    check = sqlite3.connect(os.path.join(homes[-1], "memory.db"))
    injected = check.execute("SELECT count(*) FROM recalls WHERE session_id = 'bench'").fetchone()[0]
    return {"summary": summary, "prompt": prompt, "injected_in_last_run_10k": injected}


def worker_throughput() -> dict:
    """Extraction jobs per minute (rules extractor, built-in embedder) over the real transcripts."""
    import importlib.util

    missing = [m for m in ("memory.learning.rules", "memory.transcript") if importlib.util.find_spec(m) is None]
    if missing:
        return {"skipped": f"not on this branch yet: {', '.join(missing)}"}
    transcripts = sorted(TRANSCRIPTS.glob("*.jsonl"))
    with tempfile.TemporaryDirectory() as home:
        os.environ["MEMORY_HOME"] = home
        os.environ["MEMORY_EMBEDDINGS_PROVIDER"] = "minilm"
        os.environ.pop("ANTHROPIC_API_KEY", None)
        from memory import store, worker
        from memory.store import jobs

        conn = store.connect()
        copies = 5
        for n in range(copies):
            for i, path in enumerate(transcripts):
                jobs.enqueue(conn, jobs.EXTRACT, {"session_id": f"bench-{n}-{i}", "transcript_path": str(path),
                                                  "project": {"id": None, "root": "/tmp"}}, f"bench-{n}-{i}")
        started = time.perf_counter()
        stats = worker.run(conn)
        elapsed = time.perf_counter() - started
        stored = conn.execute("SELECT count(*) FROM learnings").fetchone()[0]
    sessions = stats["done"]
    return {"sessions": sessions, "failed": stats["failed"] + stats["retried"], "seconds": round(elapsed, 2),
            "sessions_per_minute": round(sessions / elapsed * 60, 1), "learnings_stored": stored,
            "transcript_bytes": sum(p.stat().st_size for p in transcripts) * copies,
            "note": "each real transcript queued 5 times under different session ids; MiniLM embeddings and "
                    "LanceDB writes included"}


def main() -> None:
    """Run everything and write benchmarks/results/recall.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-worker", action="store_true")
    args = parser.parse_args()
    learnings, prompts = load_eval()
    result = {"eval": {"learnings": len(learnings), "prompts": len(prompts)}, "quality": quality(learnings, prompts)}
    print(json.dumps(result["quality"], indent=2))
    if not args.skip_latency:
        result["latency"] = latency(learnings, prompts, args.runs)
    if not args.skip_worker:
        result["worker"] = worker_throughput()
        print(json.dumps(result["worker"], indent=2))
    print(write_result("recall", result))


if __name__ == "__main__":
    main()
