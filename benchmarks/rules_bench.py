"""Rules extractor: precision and recall on the labelled sessions, throughput on the real transcripts.

Method: every labelled session in tests/fixtures/transcripts is read and extracted; an extracted learning is
correct when it matches a label of expected.json (same category, contains the label's strings; one learning
per label). Throughput: each real transcript in tests/fixtures/transcripts/real is read and extracted
end to end (parse + rules + redaction) REPEAT times; sessions per minute = runs / elapsed * 60.

Run: python -m benchmarks.rules_bench   (writes benchmarks/results/rules.json)
"""

from __future__ import annotations

import sys
import time


from memory.transcript import iter_records
from memory.learning.rules import extract
from tests.learning.labels import FIXTURES, Score, load_labels, score
from benchmarks.harness import REAL_TRANSCRIPTS, write_result

REAL = REAL_TRANSCRIPTS
REPEAT = 5


def labelled() -> dict:
    """Per-session and total precision/recall on the labelled fixtures."""
    rows, total = {}, Score()
    for name, label in sorted(load_labels().items()):
        learnings = extract(iter_records(FIXTURES / name), session_id=name)
        s = score(learnings, label["expected"])
        total = total + s
        rows[name] = {"extracted": s.extracted, "correct": s.correct, "expected": s.expected, "found": s.found,
                      "precision": round(s.precision, 3), "recall": round(s.recall, 3)}
    rows["TOTAL"] = {"extracted": total.extracted, "correct": total.correct, "expected": total.expected,
                     "found": total.found, "precision": round(total.precision, 3), "recall": round(total.recall, 3)}
    return rows


def throughput() -> dict:
    """Learnings and timing per real transcript, and sessions per minute over all of them."""
    rows, runs, elapsed = {}, 0, 0.0
    for path in sorted(REAL.glob("*.jsonl")):
        start = time.perf_counter()
        for _ in range(REPEAT):
            learnings = extract(iter_records(path), session_id=path.stem)
        took = (time.perf_counter() - start) / REPEAT
        runs += REPEAT
        elapsed += took * REPEAT
        by_cat: dict[str, int] = {}
        for learning in learnings:
            by_cat[learning.category] = by_cat.get(learning.category, 0) + 1
        rows[path.name] = {"bytes": path.stat().st_size, "ms_per_session": round(took * 1000, 1),
                           "learnings": len(learnings), "by_category": by_cat}
    return {"sessions": rows, "sessions_per_minute": round(runs / elapsed * 60, 1)}


def main() -> int:
    result = {"labelled": labelled(), "real": throughput()}
    write_result("rules", result)
    print(f"{'session':32} {'extracted':>9} {'correct':>7} {'expected':>8} {'found':>5} {'precision':>9} {'recall':>6}")
    for name, r in result["labelled"].items():
        print(f"{name:32} {r['extracted']:>9} {r['correct']:>7} {r['expected']:>8} {r['found']:>5} "
              f"{r['precision']:>9.2f} {r['recall']:>6.2f}")
    print()
    print(f"{'real transcript':40} {'MB':>5} {'ms':>7} {'learnings':>9}")
    for name, r in result["real"]["sessions"].items():
        print(f"{name:40} {r['bytes'] / 1e6:>5.2f} {r['ms_per_session']:>7.1f} {r['learnings']:>9}")
    print(f"sessions per minute: {result['real']['sessions_per_minute']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
