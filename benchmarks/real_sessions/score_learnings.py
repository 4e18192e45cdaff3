"""Score a learning extractor against the hand-labelled sessions of benchmarks/real_sessions/.

    python -m benchmarks.real_sessions.score_learnings [--extractor rules] [--session STEM] [--show]

Method. Every session listed in sessions.json is read from its transcript and given to the extractor, exactly
as the worker would. Each learning it returns (what would be stored) is labelled against that session's
learnings.json, which was written by reading the session (condense.py), before and independently of any
extractor output:

* **wrong** when it matches a ``must_not_keep`` entry (task text, a stale or wrong conclusion, a bad practice),
  or when it matches a gold learning but files a dead end as a fix or a fix as a dead end (it says the opposite
  of what happened);
* **useful** when it matches a gold learning not matched before (a second learning for the same gold entry
  counts as noise: it says nothing new);
* **noise** otherwise: true or not, nothing a careful engineer would have written down.

A learning *matches* an entry when every group of the entry's ``match`` list has at least one of its
alternatives in the learning's text, files, symbols or anchors (case-insensitive substring): the files,
commands, error text and key terms that identify the entry. The groups were written with the gold entry.

**Harmful** (counted on top of the labels): a learning that would forbid or mislead where it is recalled --
it matches a ``must_not_keep`` entry marked ``harmful`` (task text such as "do not implement X yet" stored as
a standing instruction), or it is stored *global* (recalled in every project) although the gold list does not
make it global.

Figures: precision = useful / stored; wrong share = wrong / stored; recall = gold learnings matched / gold
learnings; harmful = count. Per session, over the real sessions, and over all sessions (real + written).
Results go to benchmarks/results/real_sessions_learnings.json (or ..._<extractor>.json for other extractors).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from benchmarks.harness import REPO, write_result

HERE = Path(__file__).resolve().parent
INDEX = HERE / "sessions.json"


def sessions() -> list[dict]:
    """The benchmark's sessions (stem, transcript, origin, language, compaction) with their gold labels."""
    rows = json.loads(INDEX.read_text(encoding="utf-8"))["sessions"]
    for row in rows:
        row["gold"] = json.loads((HERE / row["stem"] / "learnings.json").read_text(encoding="utf-8"))
    return rows


def haystack(learning) -> str:
    """Everything of a learning that can carry an anchor, lower-cased."""
    parts = [learning.text, *getattr(learning, "files", []), *getattr(learning, "symbols", [])]
    for anchor in getattr(learning, "anchors", None) or []:
        parts.append(str(anchor.get("value", "")) if isinstance(anchor, dict) else str(anchor))
    return "\n".join(parts).lower()


def matches(entry: dict, hay: str) -> bool:
    """True when every match group of ``entry`` has an alternative in ``hay``."""
    groups = entry.get("match") or []
    return bool(groups) and all(any(alt.lower() in hay for alt in group) for group in groups)


def _opposite(category: str, gold_category: str) -> bool:
    """A dead end filed as a fix (or the reverse) says the opposite of what happened."""
    return (category == "dead-end") != (gold_category == "dead-end")


@dataclass
class Tally:
    """Labels for one session or a sum of sessions."""

    stored: int = 0
    useful: int = 0
    wrong: int = 0
    noise: int = 0
    harmful: int = 0
    gold: int = 0
    found: int = 0
    details: list = field(default_factory=list)

    def add(self, other: "Tally") -> None:
        """Sum another tally into this one (details are not carried over)."""
        for name in ("stored", "useful", "wrong", "noise", "harmful", "gold", "found"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict:
        """The counts and the derived shares, rounded."""
        share = (lambda n: round(n / self.stored, 3) if self.stored else None)
        return {"stored": self.stored, "useful": self.useful, "wrong": self.wrong, "noise": self.noise,
                "harmful": self.harmful, "gold": self.gold, "found": self.found,
                "precision": share(self.useful), "wrong_share": share(self.wrong),
                "recall": round(self.found / self.gold, 3) if self.gold else None}


def label(learnings: Iterable, gold: dict) -> Tally:
    """Label each stored learning of one session against its gold file."""
    tally = Tally(gold=len(gold["learnings"]))
    matched: set[str] = set()
    for learning in learnings:
        hay = haystack(learning)
        scope = scope_of(learning)
        verdict, entry_id, harmful = "noise", None, False
        bad = next((n for n in gold["must_not_keep"] if matches(n, hay)), None)
        hits = [g for g in gold["learnings"] if matches(g, hay)]
        if bad is not None:
            verdict, entry_id, harmful = "wrong", bad["id"], bool(bad.get("harmful"))
        elif hits:
            fresh = [g for g in hits if g["id"] not in matched]
            best = next((g for g in fresh if g["category"] == learning.category), fresh[0] if fresh else None)
            if best is None:
                verdict, entry_id = "noise", hits[0]["id"] + " (again)"
            elif _opposite(learning.category, best["category"]):
                verdict, entry_id = "wrong", best["id"] + " (opposite category)"
            else:
                verdict, entry_id = "useful", best["id"]
                matched.add(best["id"])
        if scope == "global" and not any(g.get("scope") == "global" for g in hits):
            harmful = True
        tally.stored += 1
        setattr(tally, verdict, getattr(tally, verdict) + 1)
        tally.harmful += harmful
        tally.details.append({"verdict": verdict, "harmful": harmful, "entry": entry_id, "category": learning.category,
                              "scope": scope, "text": learning.text})
    tally.found = len(matched)
    return tally


def scope_of(learning) -> str:
    """Where a learning would be stored: its own ``scope``; a learning from before scopes existed (no such
    field) was stored global when it was a preference, as the store did with its default configuration."""
    scope = getattr(learning, "scope", None)
    if scope:
        return scope
    return "global" if learning.category == "preference" else "project"


def rules_extractor(records: list, session_id: str) -> list:
    """The rules extractor, as the worker runs it."""
    from memory.learning.rules import extract

    return extract(records, session_id=session_id)


def _scripted(name: str, with_rules: bool = False) -> Callable[[list, str], list]:
    def extractor(records: list, session_id: str) -> list:
        from benchmarks.real_sessions import llm_pipeline

        return getattr(llm_pipeline, name)(records, session_id, with_rules)
    return extractor


# The LLM extractors run against the scripted loopback server (benchmarks/real_sessions/llm_pipeline.py): they
# measure the pipeline with an oracle model, not a model's quality.
EXTRACTORS: dict[str, Callable[[list, str], list]] = {"rules": rules_extractor,
                                                      "haiku-scripted": _scripted("haiku_scripted"),
                                                      "haiku-scripted+rules": _scripted("haiku_scripted", True),
                                                      "claude-cli-scripted": _scripted("claude_cli_scripted"),
                                                      "claude-cli-scripted+rules": _scripted("claude_cli_scripted",
                                                                                             True)}


def run(extractor: Callable[[list, str], list], only: str | None = None) -> dict:
    """Label every session's learnings; return per-session rows and the real / all totals."""
    from memory.transcript import iter_records

    rows, real, everything = {}, Tally(), Tally()
    for session in sessions():
        if only and session["stem"] != only:
            continue
        records = list(iter_records(REPO / session["transcript"]))
        tally = label(extractor(records, session["stem"]), session["gold"])
        rows[session["stem"]] = {"origin": session["origin"], "language": session["language"],
                                 **tally.figures(), "learnings": tally.details}
        everything.add(tally)
        if session["origin"] == "real":
            real.add(tally)
    return {"sessions": rows, "real": real.figures(), "all": everything.figures()}


def table(result: dict) -> str:
    """A Markdown table of the per-session and total figures."""
    pct = (lambda v: "–" if v is None else f"{v * 100:.0f}%")
    lines = ["| session | origin | lang | stored | useful | wrong | noise | harmful | recall |",
             "|---|---|---|---|---|---|---|---|---|"]
    for stem, r in result["sessions"].items():
        lines.append(f"| {stem} | {r['origin']} | {r['language']} | {r['stored']} | {r['useful']} | {r['wrong']} "
                     f"| {r['noise']} | {r['harmful']} | {r['found']}/{r['gold']} |")
    for name in ("real", "all"):
        t = result[name]
        lines.append(f"| **{name} sessions** | | | {t['stored']} | {t['useful']} ({pct(t['precision'])}) "
                     f"| {t['wrong']} ({pct(t['wrong_share'])}) | {t['noise']} | {t['harmful']} "
                     f"| {t['found']}/{t['gold']} ({pct(t['recall'])}) |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: score, print the table, write the result file."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extractor", default="rules", choices=sorted(EXTRACTORS))
    ap.add_argument("--session", help="score one session only (not written to results)")
    ap.add_argument("--show", action="store_true", help="print every stored learning with its label")
    args = ap.parse_args(argv)
    result = run(EXTRACTORS[args.extractor], args.session)
    if args.show:
        for stem, r in result["sessions"].items():
            print(f"== {stem}")
            for d in r["learnings"]:
                flag = " HARMFUL" if d["harmful"] else ""
                print(f"  [{d['verdict']}{flag} {d['entry'] or ''}] ({d['category']}/{d['scope']}) {d['text']}")
    print(table(result))
    if not args.session:
        name = "real_sessions_learnings" + ("" if args.extractor == "rules" else f"_{args.extractor.replace('-', '_').replace('+', '_')}")
        write_result(name, {"extractor": args.extractor, **result})
    return 0


if __name__ == "__main__":
    sys.exit(main())
