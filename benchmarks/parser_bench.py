"""Parser benchmark over the real-world corpus (benchmarks/corpus.py): token savings, coverage, throughput.

For each language, over the corpus files longer than 100 lines:
- savings: 1 - tokens(signature) / tokens(whole file), the signature being render_within(max_chars=8000);
  median and 10th percentile (the 10% of files that save least);
- coverage: share of the definitions found by the oracle (ast / Universal Ctags / Swift scan, see
  benchmarks/oracles.py) that the signature shows on their line (must be 100%);
- throughput: source megabytes extracted per second (extract only, best of 3 passes).

Run: ``python -m benchmarks.parser_bench`` from the repository root. Prints a Markdown table and writes
benchmarks/results/parser.json.
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from pathlib import Path

from benchmarks import oracles
from benchmarks.corpus import ensure_corpus
from memory.tokens import estimate_tokens
from parser import PARSER_VERSION, extract, render_within

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "parser.json"
MIN_LINES = 100
MAX_CHARS = 8000


def expected_definitions(language: str, files: dict[Path, bytes]) -> dict[Path, list[oracles.Expected]]:
    """The oracle's definitions per file (files the oracle cannot read are left out)."""
    if language == "python":
        found = {path: oracles.ast_definitions(source) for path, source in files.items()}
    elif language == "swift":
        found = {path: oracles.swift_definitions(source) for path, source in files.items()}
    else:
        found = oracles.ctags_definitions(language, list(files))
    return {
        path: oracles.credible(language, expected, files[path])
        for path, expected in found.items()
        if expected is not None
    }


def throughput(language: str, files: dict[Path, bytes]) -> float:
    """Megabytes of source extracted per second, best of three passes."""
    size = sum(len(source) for source in files.values())
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for source in files.values():
            extract(source, language)
        best = min(best, time.perf_counter() - start)
    return size / 1e6 / best


def measure(language: str, paths: list[Path]) -> dict:
    """All numbers for one language."""
    files = {p: p.read_bytes() for p in paths}
    files = {p: s for p, s in files.items() if s.count(b"\n") > MIN_LINES}
    expected = expected_definitions(language, files)
    savings, found, total, capped = [], 0, 0, 0
    for path, source in files.items():
        sig = extract(source, language)
        text, dropped = render_within(sig, source, MAX_CHARS)
        capped += bool(dropped)
        whole = estimate_tokens(source.decode("utf-8", "replace"))
        savings.append(1 - estimate_tokens(text) / whole)
        wanted = expected.get(path, [])
        total += len(wanted)
        found += len(wanted) - len(oracles.missing(wanted, sig.definitions, source))
    return {
        "files": len(files),
        "megabytes": round(sum(len(s) for s in files.values()) / 1e6, 3),
        "savings_median": round(statistics.median(savings), 4) if savings else None,
        "savings_p10": round(_percentile(savings, 10), 4) if savings else None,
        "files_capped": capped,
        "definitions_expected": total,
        "definitions_found": found,
        "coverage": round(found / total, 6) if total else None,
        "mb_per_second": round(throughput(language, files), 2) if files else None,
    }


def _percentile(values: list[float], percent: float) -> float:
    """The ``percent``-th percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered)) - 1))
    return ordered[rank]


def markdown(results: dict[str, dict]) -> str:
    """The results as a Markdown table."""
    rows = [
        "| language | files >100 lines | savings median | savings p10 | capped | coverage | MB/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for language, r in sorted(results.items()):
        coverage = f"{r['definitions_found']}/{r['definitions_expected']}"
        rows.append(
            f"| {language} | {r['files']} | {r['savings_median']:.1%} | {r['savings_p10']:.1%} | "
            f"{r['files_capped']} | {coverage} | {r['mb_per_second']} |"
        )
    return "\n".join(rows)


def main() -> None:
    """Fetch the corpus, measure every language, print the table and write the JSON results."""
    if not oracles.ctags_available():
        raise SystemExit("Universal Ctags is needed: apt-get install -y universal-ctags")
    corpus = ensure_corpus(ROOT)
    results = {language: measure(language, paths) for language, paths in sorted(corpus.items())}
    print(markdown(results))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    meta = {"parser_version": PARSER_VERSION, "max_chars": MAX_CHARS, "min_lines": MIN_LINES,
            "python": platform.python_version(), "machine": platform.machine()}
    RESULTS.write_text(json.dumps({"meta": meta, "languages": results}, indent=2) + "\n")
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
