"""The hard recall evaluation set is what its README says: sizes, classes, and semantic prompts that share no
content word with their targets (checked with FTS5's own porter/unicode61 tokenizer)."""

from __future__ import annotations

from collections import Counter

from benchmarks.recall_eval2_data import CLASSES, content_tokens, load, shared_tokens


def test_the_set_has_the_promised_shape():
    learnings, prompts = load()
    assert len(learnings) >= 150 and len(prompts) >= 90
    projects = Counter(item["project"] for item in learnings if item["project"])
    assert len(projects) >= 3 and min(projects.values()) >= 50
    assert all(item["scope_reason"] for item in learnings if item["project"] is None)
    classes = Counter(item["class"] for item in prompts)
    assert set(classes) == set(CLASSES) and min(classes.values()) >= 10
    keys = {item["key"]: item for item in learnings}
    assert len(keys) == len(learnings)
    for item in prompts:
        assert all(k in keys for k in item["relevant"]), item
        if item["class"] in ("none",):
            assert not item["relevant"]
        if item["class"] == "cross":  # relevant only in another project
            assert item["relevant"] and all(keys[k]["project"] not in (item["project"], None)
                                            for k in item["relevant"])
        if item["class"] in ("lexical", "semantic", "superseded"):
            assert all(keys[k]["project"] in (item["project"], None) for k in item["relevant"])
        if item["class"] == "superseded":
            old = keys[item["superseded"]]
            assert old["superseded_by"] in item["relevant"] and old["age_days"] > keys[old["superseded_by"]]["age_days"]


def test_semantic_prompts_share_no_content_word_with_their_targets():
    learnings, prompts = load()
    keys = {item["key"]: item for item in learnings}
    semantic = [item for item in prompts if item["class"] == "semantic"]
    assert len(semantic) >= 30
    offenders = {item["id"]: shared for item in semantic
                 for shared in [shared_tokens(item, keys)] if any(shared.values())}
    assert offenders == {}


def test_lexical_prompts_do_share_words_and_the_check_can_fail():
    learnings, prompts = load()
    keys = {item["key"]: item for item in learnings}
    lexical = [item for item in prompts if item["class"] == "lexical"]
    assert all(any(shared_tokens(item, keys).values()) for item in lexical)
    # stemming and stop words as FTS5 and recall see them
    assert content_tokens("The workers were redelivering tasks") == {"worker", "redeliv", "task"}


def _synthetic(separating: str, misleading: str) -> tuple[list[dict], list[dict]]:
    """Prompts of four classes whose candidates ``separating`` tells apart perfectly and ``misleading`` ranks
    backwards (the distractors above the targets)."""
    prompts, rows = [], []
    for cls in ("lexical", "semantic", "none", "cross"):
        for n in range(4):
            target = cls in ("lexical", "semantic")
            key = f"{cls}{n}"
            prompts.append({"id": key, "class": cls, "relevant": [key] if target else []})
            stats = {"score": 0.4 if target else 0.9, "similarity": 0.3, "z": 0.0, "over_tenth": 0.0,
                     "keyword": 0.0}
            stats[separating] = 0.8 if target else 0.2
            stats[misleading] = 0.4 if target else 0.9
            rows.append({"cands": [{"key": key if target else "distractor", **stats}]})
    return prompts, rows


def test_gate_variants_tell_a_separating_gate_from_one_that_cannot_meet_the_aims():
    from benchmarks.recall_eval2_bench import gate_variants

    prompts, rows = _synthetic("similarity", "score")
    by_gate = {v["gate"]: v for v in gate_variants(prompts, rows, margin=0.1)}
    assert by_gate["similarity"]["any_threshold_meets_every_aim"]
    assert by_gate["similarity"]["held_out"] == {"lexical": 1.0, "semantic": 1.0, "none": 0.0, "cross": 0.0,
                                                 "superseded": None}
    assert not by_gate["score"]["any_threshold_meets_every_aim"]
    assert by_gate["score"]["best_quiet_point"]["semantic"] == 0.0
