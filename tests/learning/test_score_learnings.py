"""The real-session scorer labels stored learnings as the README says (useful / wrong / noise / harmful)."""

from __future__ import annotations

import json

from dataclasses import dataclass, field

from benchmarks.real_sessions import score_learnings as scorer

GOLD = {
    "learnings": [
        {"id": "g1", "category": "gotcha", "scope": "project", "match": [["easeElastic"], ["period"]]},
        {"id": "g2", "category": "fix", "scope": "project", "match": [["pytest"], ["pythonpath"]]},
        {"id": "g3", "category": "instruction", "scope": "global", "match": [["English"], ["commit"]]},
    ],
    "must_not_keep": [
        {"id": "n1", "harmful": True, "match": [["payment"]]},
        {"id": "n2", "harmful": False, "match": [["older commit"]]},
    ],
}


@dataclass
class Stored:
    """What the scorer reads of a stored learning."""

    category: str
    text: str
    scope: str = "project"
    files: list = field(default_factory=list)
    anchors: list = field(default_factory=list)


def _l(category, text, scope="project", files=()):
    return Stored(category, text, scope, list(files))


def test_labels_follow_the_gold_entries():
    tally = scorer.label([
        _l("gotcha", "d3.easeElastic.out(1, 0.3) is not a function; use d3.easeElastic.period(0.3)."),
        _l("gotcha", "easeElastic takes .period(0.3), again."),                      # same gold again: noise
        _l("dead-end", "Tried pytest without pythonpath, gave up."),               # opposite category: wrong
        _l("instruction", "Do not implement payment / checkout."),                # task text: wrong + harmful
        _l("fact", "CI was running on an older commit."),                         # wrong, not harmful
        _l("fact", "The sky is blue today."),                                      # noise
    ], GOLD)
    assert [d["verdict"] for d in tally.details] == ["useful", "noise", "wrong", "wrong", "wrong", "noise"]
    assert [d["harmful"] for d in tally.details] == [False, False, False, True, False, False]
    figures = tally.figures()
    assert figures["precision"] == round(1 / 6, 3) and figures["recall"] == round(1 / 3, 3)


def test_a_global_learning_is_harmful_unless_the_gold_makes_it_global():
    tally = scorer.label([_l("instruction", "Write commit messages in English everywhere.", scope="global"),
                          _l("fix", "pytest needs pythonpath = ['.'] in pyproject.toml.", scope="global")], GOLD)
    assert [d["verdict"] for d in tally.details] == ["useful", "useful"]
    assert [d["harmful"] for d in tally.details] == [False, True]


def test_anchors_and_files_count_for_matching():
    learning = _l("fix", "The import failed; fixed.", files=["pyproject.toml"])
    learning.anchors = [{"kind": "command", "value": "pytest -q"}, {"kind": "symbol", "value": "pythonpath"}]
    assert scorer.label([learning], GOLD).useful == 1


def test_every_session_has_a_gold_file_with_ids_and_match_groups():
    rows = scorer.sessions()
    assert len(rows) >= 12
    assert sum(r["language"] != "en" for r in rows) >= 3
    assert sum(r["compaction"] for r in rows) >= 4
    for row in rows:
        gold = row["gold"]
        assert gold["session"] == row["stem"]
        for entry in gold["learnings"] + gold["must_not_keep"]:
            assert entry["id"] and entry["match"] and all(group for group in entry["match"])
        for entry in gold["learnings"]:
            assert entry["category"] in ("fix", "gotcha", "instruction", "fact", "dead-end")
            assert entry["scope"] in ("project", "global") and entry["evidence"]
    json.dumps(rows)


def test_no_gold_learning_matches_its_own_must_not_keep_entries():
    for row in scorer.sessions():
        gold = row["gold"]
        for entry in gold["learnings"]:
            hay = entry["text"].lower()
            assert not [n["id"] for n in gold["must_not_keep"] if scorer.matches(n, hay)], (row["stem"], entry["id"])
