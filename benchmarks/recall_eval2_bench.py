"""Recall on the hard evaluation set (benchmarks/recall_eval2/): what the UserPromptSubmit hook injects.

    python -m benchmarks.recall_eval2_bench [--skip-hooks] [--embedder minilm|builtin]

1. A data folder is seeded with the set's 163 learnings over three projects (a Django + Celery service, a
   Rust CLI, a React/TypeScript app) plus three global preferences: real rows with their age, files,
   ``superseded_by`` links and ``scope_reason``, embedded by the embedder the worker would use, packs
   written as the worker writes them.
2. In process, with ``memory.recall.rank`` (the hook's own ranking) and no gate: hit@3 / MRR@10 per prompt
   class, and the best score of each prompt; from these, the gate's trade-off curve (per threshold: hit rate of
   lexical and semantic prompts, false-injection rate of nothing-relevant and cross-project prompts). The
   gate is chosen on the calibration half of the prompts (odd position within each class) and reported on
   the other half too. Other gates are chosen the same way and compared (``GATE_VARIANTS``: the cosine alone,
   its z-score against the prompt's background, its margin over the tenth-best, a logistic model fitted on the
   calibration half), each with the best it can do within the false-injection aim. Superseded pairs are also
   ranked with their link removed (as if the supersede had not been detected): does recency put the current
   learning above the old one?
3. Each prompt is sent through ``hooks/run UserPromptSubmit`` as its own process (a fresh session each), and
   what the hook injects is read from its stdout: per class, injected hit@3 (a target among the first three
   injected), false injection, superseded learnings injected, and tokens injected per prompt.

Results: benchmarks/results/recall_eval2.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import tempfile
import time

from benchmarks.harness import PYTHON, REPO, compile_plugin, write_result
from benchmarks.recall_eval2_data import CLASSES, load

PROJECTS = ("courier", "tern", "harbor-web")
_ID_RE = re.compile(r"\[[a-z-]+ #(\d+)")


def seed(home: str, learnings: list[dict], embedder) -> tuple[dict[str, str], dict[str, int]]:
    """Seed the data folder ``home``; return (project name -> root folder, learning key -> id)."""
    os.environ["MEMORY_HOME"] = home
    from memory import store
    from memory.learning.dedup import text_hash
    from memory.project import find_project
    from memory.store import SQL_NOW_OFFSET
    from memory.store.core import upsert_project
    from memory.vectors import choose, codec

    conn = store.connect()
    roots, project_ids = {}, {}
    for name in PROJECTS:
        root = os.path.join(home, "projects", name)
        os.makedirs(os.path.join(root, ".git"))
        roots[name] = root
        project_ids[name] = upsert_project(conn, find_project(root))
    vectors = embedder.embed_many([item["text"] for item in learnings])
    ids: dict[str, int] = {}
    with store.transaction(conn):
        for item, vector in zip(learnings, vectors):
            age = f"-{item['age_days']} days"
            cur = conn.execute(
                "INSERT INTO learnings(project_id, category, text, text_hash, files_json, confidence, "
                f"embedding_model, vector, scope_reason, created_at, last_seen_at) VALUES (?,?,?,?,?,?,?,?,?,"
                f"{SQL_NOW_OFFSET}, {SQL_NOW_OFFSET})",
                (project_ids.get(item["project"]), item["category"], item["text"], text_hash(item["text"]),
                 json.dumps(item["files"]), 0.7, embedder.model, codec.to_blob(vector), item.get("scope_reason"),
                 age, age))
            ids[item["key"]] = cur.lastrowid
        for item in learnings:
            if item.get("superseded_by"):
                conn.execute("UPDATE learnings SET superseded_by = ? WHERE id = ?",
                             (ids[item["superseded_by"]], ids[item["key"]]))
    choose.write_packs(conn)
    conn.close()
    return roots, ids


def in_process(home: str, roots: dict[str, str], ids: dict[str, int], prompts: list[dict]) -> list[dict]:
    """Every prompt ranked by ``memory.recall.rank`` without the gate: the ranked keys, their scores, and the
    first ten candidates' gate features (score, cosine, keyword bonus, z-score of the cosine)."""
    from memory import recall, store
    from memory.config import load_settings
    from memory.project import find_project
    from memory.store.core import project_id

    key_of = {v: k for k, v in ids.items()}
    conn = store.connect()
    rows = []
    for item in prompts:
        root = roots[item["project"]]
        config = load_settings(root)
        scopes = [project_id(conn, find_project(root)), None]
        ranked = recall.rank(conn, config, item["prompt"], scopes)
        model = ranked[0]["model"] if ranked else None
        mean, spread, tenth = background(config, model, item["prompt"], scopes)
        rows.append({"id": item["id"], "model": model,
                     "ranked": [key_of[r["id"]] for r in ranked[:10]],
                     "scores": [round(r["score"], 4) for r in ranked[:10]],
                     "cands": [{"key": key_of[r["id"]], "score": r["score"], "similarity": r["similarity"],
                                "keyword": r["keyword"], "z": (r["similarity"] - mean) / spread,
                                "over_tenth": r["similarity"] - tenth}
                               for r in ranked[:10]],
                     "parts": [(key_of[r["id"]], round(r["similarity"], 4), round(r["keyword"], 4),
                                round(r["age_days"] or 0, 1)) for r in ranked]})
    conn.close()
    return rows


def background(config, model: str | None, prompt: str, scopes: list) -> tuple[float, float, float]:
    """(mean, standard deviation, tenth highest) of the prompt's cosines to every learning of the scopes: the
    background that a z-score gate, or a margin over the tenth-best gate, measures a candidate against."""
    import numpy as np

    from memory import recall
    from memory.vectors import pack

    vector = recall.embed_query(config, model, prompt) if model else None
    if vector is None:
        return 0.0, 1.0, 0.0
    query = np.asarray(vector, dtype=np.float32)
    sims = [np.asarray(matrix) @ query for scope in scopes
            for _, matrix, dimension, _ in [pack.read_pack(scope, model)]
            if matrix is not None and dimension == len(query)]
    every = np.sort(np.concatenate(sims) if sims else np.zeros(1))[::-1]
    return float(every.mean()), float(every.std()) or 1.0, float(every[min(9, len(every) - 1)])


def unlinked_superseded(home: str, ids: dict[str, int], roots: dict[str, str], prompts: list[dict]) -> dict:
    """Superseded prompts ranked with every ``superseded_by`` link removed: is the current one above the old?"""
    from memory import recall, store
    from memory.config import load_settings
    from memory.project import find_project
    from memory.store.core import project_id

    conn = store.connect()
    saved = conn.execute("SELECT id, superseded_by FROM learnings WHERE superseded_by IS NOT NULL").fetchall()
    conn.execute("UPDATE learnings SET superseded_by = NULL")
    conn.commit()
    above, total = 0, 0
    try:
        for item in prompts:
            if item["class"] != "superseded":
                continue
            root = roots[item["project"]]
            ranked = [r["id"] for r in recall.rank(conn, load_settings(root), item["prompt"],
                                                    [project_id(conn, find_project(root)), None])]
            old = ids[item["superseded"]]
            current = [ids[k] for k in item["relevant"]]
            best_current = min((ranked.index(c) for c in current if c in ranked), default=None)
            total += 1
            above += best_current is not None and (old not in ranked or best_current < ranked.index(old))
    finally:
        conn.executemany("UPDATE learnings SET superseded_by = ? WHERE id = ?", [(r[1], r[0]) for r in saved])
        conn.commit()
        conn.close()
    return {"prompts": total, "current_above_old": above, "rate": round(above / total, 3) if total else None}


def ranking_quality(prompts: list[dict], rows: list[dict]) -> dict:
    """hit@3 and MRR@10 per class for the classes with targets (no gate)."""
    out = {}
    for cls in ("lexical", "semantic", "superseded"):
        hits, rr = [], []
        for item, row in zip(prompts, rows):
            if item["class"] != cls:
                continue
            positions = [row["ranked"].index(k) for k in item["relevant"] if k in row["ranked"]]
            hits.append(bool(positions) and min(positions) < 3)
            rr.append(1.0 / (min(positions) + 1) if positions else 0.0)
        out[cls] = {"prompts": len(hits), "hit@3": round(sum(hits) / len(hits), 3),
                    "mrr@10": round(sum(rr) / len(rr), 3)}
    return out


def gate_point(prompts: list[dict], rows: list[dict], threshold: float, margin: float,
               stat: str = "score") -> dict:
    """Per class at one gate: hit rate (a target among the first 3 injected) or false-injection rate. The gate
    opens when a candidate's ``stat`` reaches ``threshold``; then the candidates whose score is within ``margin``
    of the best one are injected (with ``stat`` "score", exactly the shipped rule: ``memory.recall.relevant``)."""
    per: dict[str, list[bool]] = {cls: [] for cls in CLASSES}
    for item, row in zip(prompts, rows):
        cands = row["cands"]
        opens = any(c[stat] >= threshold for c in cands)
        passing = [c["key"] for c in cands if c["score"] >= cands[0]["score"] - margin] if opens else []
        if item["class"] in ("lexical", "semantic", "superseded"):
            per[item["class"]].append(any(k in item["relevant"] for k in passing[:3]))
        else:
            per[item["class"]].append(bool(passing))
    return {cls: round(sum(v) / len(v), 3) if v else None for cls, v in per.items()}


def curve(prompts: list[dict], rows: list[dict], margin: float) -> list[dict]:
    """The gate's trade-off: one point per threshold from 0.20 to 0.60."""
    return [{"threshold": round(t / 100, 2), **gate_point(prompts, rows, t / 100, margin)} for t in range(20, 61, 2)]


def split(prompts: list[dict]) -> tuple[list[int], list[int]]:
    """(calibration, held-out) prompt positions: alternating within each class."""
    seen: dict[str, int] = {}
    calibration, held_out = [], []
    for n, item in enumerate(prompts):
        seen[item["class"]] = seen.get(item["class"], 0) + 1
        (calibration if seen[item["class"]] % 2 else held_out).append(n)
    return calibration, held_out


OBJECTIVE = "max (lexical + semantic hit) - 2 x (nothing-relevant + cross-project false injection)"


def objective(point: dict) -> float:
    """The gate's objective (``OBJECTIVE``): a wrong injection counts twice a miss, since the issue asks for quiet."""
    return point["lexical"] + point["semantic"] - 2 * (point["none"] + point["cross"])


def subset(prompts: list[dict], rows: list[dict], positions: list[int]) -> tuple[list[dict], list[dict]]:
    """The prompts and rows at ``positions`` (one half of the split)."""
    return [prompts[i] for i in positions], [rows[i] for i in positions]


def choose_gate(prompts: list[dict], rows: list[dict], margin: float) -> dict:
    """The threshold on the shipped score (steps of 0.02) that maximizes ``objective`` on the calibration half;
    its figures on both halves."""
    calibration, held_out = split(prompts)
    cal_points = curve(*subset(prompts, rows, calibration), margin)
    best = max(cal_points, key=lambda p: (round(objective(p), 6), p["threshold"]))
    return {"objective": OBJECTIVE, "threshold": best["threshold"], "calibration": best,
            "held_out": gate_point(*subset(prompts, rows, held_out), best["threshold"], margin),
            "calibration_prompts": len(calibration), "held_out_prompts": len(held_out)}


# The gates compared (benchmarks only; the hook ships "score"): each is a statistic of one candidate, and a
# threshold on it chosen on the calibration half.
GATE_VARIANTS = (
    ("score", "score, the statistic the hook gates on (cosine + keyword and freshness bonuses)"),
    ("similarity", "cosine alone"),
    ("z", "z-score of the cosine against the prompt's cosines to every learning of its scopes"),
    ("over_tenth", "margin of the cosine over the tenth-best cosine among the scopes' learnings"),
    ("logistic", "logistic model over (cosine, z-score, keyword bonus), fitted on the calibration half"),
)
AIM = {"lexical": 0.95, "semantic": 0.70, "none": 0.10, "cross": 0.05}


def fit_logistic(prompts: list[dict], rows: list[dict], positions: list[int],
                 features: tuple[str, ...] = ("similarity", "z", "keyword")) -> dict:
    """A logistic model of "this candidate is a target" over ``features`` of the first ten candidates of the
    prompts at ``positions`` (standardized, plain gradient descent, a little L2); every candidate of every row
    gets its probability as ``logistic``. Returns the fitted weights."""
    import numpy as np

    def matrix(cands):
        return np.array([[c[name] for name in features] for c in cands], dtype=float)

    cands, labels = [], []
    for i in positions:
        targets = set(prompts[i]["relevant"]) if prompts[i]["class"] in ("lexical", "semantic", "superseded") else set()
        cands += rows[i]["cands"]
        labels += [float(c["key"] in targets) for c in rows[i]["cands"]]
    x, y = matrix(cands), np.array(labels)
    mean, spread = x.mean(0), x.std(0) + 1e-9
    x = np.hstack([(x - mean) / spread, np.ones((len(x), 1))])
    weights = np.zeros(x.shape[1])
    for _ in range(3000):
        p = 1 / (1 + np.exp(-x @ weights))
        weights -= 0.5 * (x.T @ (p - y) / len(y) + 0.01 * np.r_[weights[:-1], 0.0])
    for row in rows:
        if row["cands"]:
            z = np.hstack([(matrix(row["cands"]) - mean) / spread, np.ones((len(row["cands"]), 1))]) @ weights
            for c, value in zip(row["cands"], 1 / (1 + np.exp(-z))):
                c["logistic"] = float(value)
    return {"features": list(features), "weights": [round(float(w), 3) for w in weights[:-1]],
            "intercept": round(float(weights[-1]), 3)}


def meets_aim(point: dict) -> bool:
    """The issue's bars: lexical >= 0.95, semantic >= 0.70, false injection <= 10% / 5%."""
    return (point["lexical"] >= AIM["lexical"] and point["semantic"] >= AIM["semantic"]
            and point["none"] <= AIM["none"] and point["cross"] <= AIM["cross"])


def gate_variants(prompts: list[dict], rows: list[dict], margin: float) -> list[dict]:
    """Each gate of ``GATE_VARIANTS``: its threshold chosen on the calibration half (the objective of
    ``choose_gate``), its figures on both halves, and its best point on the whole set: the highest semantic hit
    rate any threshold reaches while false injection stays within the aim (10% nothing-relevant, 5%
    cross-project), and whether any threshold meets every aim at once."""
    calibration, held_out = split(prompts)
    model = fit_logistic(prompts, rows, calibration)
    out = []
    for stat, label in GATE_VARIANTS:
        values = sorted({round(c[stat], 4) for row in rows for c in row["cands"]})
        values.append(values[-1] + 1.0 if values else 1.0)  # above every candidate: inject nothing
        cal = [(t, gate_point(*subset(prompts, rows, calibration), t, margin, stat)) for t in values]
        threshold, best = max(cal, key=lambda tp: (round(objective(tp[1]), 6), tp[0]))
        whole = [(t, gate_point(prompts, rows, t, margin, stat)) for t in values]
        quiet = [(t, p) for t, p in whole if p["none"] <= AIM["none"] and p["cross"] <= AIM["cross"]]
        top = max(quiet, key=lambda tp: (tp[1]["semantic"], tp[1]["lexical"], -tp[0]), default=None)
        out.append({"gate": stat, "label": label, "threshold": round(threshold, 4), "calibration": best,
                    "held_out": gate_point(*subset(prompts, rows, held_out), threshold, margin, stat),
                    "best_quiet_point": {"threshold": round(top[0], 4), **top[1]} if top else None,
                    "any_threshold_meets_every_aim": any(meets_aim(p) for _, p in whole),
                    **({"model": model} if stat == "logistic" else {})})
    return out


def through_hooks(home: str, roots: dict[str, str], ids: dict[str, int], prompts: list[dict]) -> dict:
    """Each prompt through a real ``hooks/run UserPromptSubmit`` process; what it injects, per class."""
    from memory.tokens import estimate_tokens

    compile_plugin()
    key_of = {v: k for k, v in ids.items()}
    conn = sqlite3.connect(os.path.join(home, "memory.db"))
    superseded = {r[0] for r in conn.execute("SELECT id FROM learnings WHERE superseded_by IS NOT NULL")}
    conn.close()
    env = {**os.environ, "MEMORY_HOME": home, "MEMORY_PYTHON": PYTHON}
    per_prompt = []
    for item in prompts:
        payload = {"session_id": f"eval2-{item['id']}", "cwd": roots[item["project"]], "prompt": item["prompt"],
                   "hook_event_name": "UserPromptSubmit", "transcript_path": "/nonexistent"}
        started = time.perf_counter()
        done = subprocess.run(["sh", str(REPO / "hooks" / "run"), "UserPromptSubmit"], input=json.dumps(payload),
                              capture_output=True, text=True, env=env, cwd=roots[item["project"]], check=False)
        elapsed = (time.perf_counter() - started) * 1000
        context = ""
        if done.stdout.strip():
            context = json.loads(done.stdout)["hookSpecificOutput"]["additionalContext"]
        injected = [int(n) for n in _ID_RE.findall(context)]
        per_prompt.append({"id": item["id"], "class": item["class"], "exit": done.returncode,
                           "injected": [key_of.get(i, str(i)) for i in injected],
                           "superseded_injected": [key_of[i] for i in injected if i in superseded],
                           "tokens": estimate_tokens(context) if context else 0, "ms": round(elapsed, 1)})
    summary: dict[str, dict] = {}
    for cls in CLASSES:
        rows = [(item, r) for item, r in zip(prompts, per_prompt) if item["class"] == cls]
        entry: dict = {"prompts": len(rows),
                       "injected_any": round(sum(bool(r["injected"]) for _, r in rows) / len(rows), 3),
                       "tokens_per_prompt": round(statistics.mean(r["tokens"] for _, r in rows), 1),
                       "items_per_prompt": round(statistics.mean(len(r["injected"]) for _, r in rows), 2)}
        if cls in ("lexical", "semantic", "superseded"):
            entry["hit@3"] = round(sum(any(k in item["relevant"] for k in r["injected"][:3])
                                       for item, r in rows) / len(rows), 3)
            useful = sum(sum(k in item["relevant"] for k in r["injected"]) for item, r in rows)
            shown = sum(len(r["injected"]) for _, r in rows)
            entry["precision_of_injected"] = round(useful / shown, 3) if shown else None
        if cls == "cross":
            own = {item["id"]: item["project"] for item in prompts}
            project_of = {}
            conn = sqlite3.connect(os.path.join(home, "memory.db"))
            names = dict(conn.execute("SELECT p.id, p.root FROM projects p").fetchall())
            for learning_id, pid in conn.execute("SELECT id, project_id FROM learnings"):
                project_of[key_of[learning_id]] = os.path.basename(names[pid]) if pid else None
            conn.close()
            entry["another_projects_learning"] = round(sum(
                any(project_of[k] not in (own[item["id"]], None) for k in r["injected"]) for item, r in rows)
                / len(rows), 3)
        if cls == "superseded":
            entry["old_injected"] = sum(item["superseded"] in r["injected"] for item, r in rows)
        summary[cls] = entry
    every = [r["tokens"] for r in per_prompt]
    return {"per_class": summary, "tokens_per_prompt_all": round(statistics.mean(every), 1),
            "hook_failures": sum(r["exit"] != 0 for r in per_prompt),
            "ms_p50_under_this_load": round(statistics.median(r["ms"] for r in per_prompt), 1),
            "per_prompt": per_prompt}


def main() -> None:
    """Seed, rank in process, run the hooks, write benchmarks/results/recall_eval2.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-hooks", action="store_true", help="in-process ranking and curve only")
    parser.add_argument("--embedder", choices=("minilm", "builtin"), default="minilm")
    args = parser.parse_args()
    learnings, prompts = load()
    home = tempfile.mkdtemp(prefix="recall-eval2-")
    os.environ["MEMORY_HOME"] = home
    os.environ["MEMORY_EMBEDDINGS_PROVIDER"] = args.embedder
    from memory import recall
    from memory.vectors import builtin, minilm

    embedder = minilm.MiniLMEmbedder() if args.embedder == "minilm" else builtin.BuiltinEmbedder()
    started = time.perf_counter()
    roots, ids = seed(home, learnings, embedder)
    seeded = time.perf_counter() - started
    rows = in_process(home, roots, ids, prompts)
    result = {
        "eval": {"learnings": len(learnings), "prompts": len(prompts),
                 "by_class": {cls: sum(p["class"] == cls for p in prompts) for cls in CLASSES},
                 "embedder": embedder.model, "seed_seconds": round(seeded, 1)},
        "ranking": ranking_quality(prompts, rows),
        "superseded_unlinked": unlinked_superseded(home, ids, roots, prompts),
        "curve": curve(prompts, rows, recall.MARGIN),
        "gate_choice": choose_gate(prompts, rows, recall.MARGIN),
        "gate_variants": gate_variants(prompts, rows, recall.MARGIN),
        "shipped_gate": {"threshold": recall.GATES.get(embedder.model), "margin": recall.MARGIN,
                         "keyword_weight": recall.KEYWORD_WEIGHT, "recency_weight": recall.RECENCY_WEIGHT},
    }
    print(json.dumps({k: result[k] for k in ("eval", "ranking", "superseded_unlinked", "gate_choice",
                                             "gate_variants")}, indent=1))
    if not args.skip_hooks:
        result["hooks"] = through_hooks(home, roots, ids, prompts)
        print(json.dumps(result["hooks"]["per_class"], indent=1))
    result["in_process"] = [{k: v for k, v in row.items() if k not in ("parts", "cands")} for row in rows]
    print(write_result("recall_eval2", result))


if __name__ == "__main__":
    main()
