"""Parser benchmark over the real-world corpus (benchmarks/corpus.py): coverage of what Claude receives, throughput.

For each language, over the corpus files longer than 100 lines:
- coverage: share of the definitions an independent oracle finds (Python's ``ast``, Universal Ctags, the
  Swift declaration scan; see benchmarks/oracles.py) that the text Claude receives shows with the right
  line (``benchmarks.delivered``): the narrowed Read's head lines, numbered as Claude Code numbers them, and
  the hook's context (header, outline in whichever form fit the budget, notes), read back as text -- not the
  parser's data. A definition counts as shown when a shown line at the oracle's line holds its name as a
  word, or a compact ``name:line`` entry names it at that line. A Read that passes through delivers the
  whole file (its first 2,000 lines), which shows everything; the narrowed-only figures count only the
  files that were narrowed. The aim is 100% in every language.
- throughput: source megabytes extracted per second (extract only, best of 3 passes).

Oracle quirks excluded (``oracles.credible``), each by a rule, each a definition the oracle invents:
- anonymous tags (``AnonymousFunction…``, ``__anon…``, ``<lambda>``) and names garbled by ctags 5.9 (control
  characters in backtick-quoted Kotlin names): not named definitions;
- Kotlin "method" tags on lines without ``fun``: ctags 5.9 tags lambda parameters as methods;
- JavaScript "class" tags on lines without ``class``: ctags 5.9 tags object literals with members as classes;
- Ruby tags on lines inside string literals (``class_eval "def …"`` and heredocs): code in a string;
- kinds not checked at all: C# fields and properties (ctags 5.9 tags parameters of expression-bodied members
  as fields and ``where T : unmanaged`` as properties), Ruby constants (5.9 reads ``X =~ /re/`` as an
  assignment), and in every language locals, parameters, labels, prototypes, external variables,
  variables/properties and aliases (``oracles.CTAGS_KINDS``: not definitions an outline shows).

Run: ``python -m benchmarks.parser_bench`` from the repository root. Prints a Markdown table and writes
benchmarks/results/parser.json.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

from benchmarks import delivered, oracles
from benchmarks.corpus import ensure_corpus
from parser import PARSER_VERSION, extract

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "parser.json"
MIN_LINES = 100


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


def measure(language: str, paths: list[Path], conn, signatures) -> dict:
    """All numbers for one language."""
    files = {p: p.read_bytes() for p in paths}
    files = {p: s for p, s in files.items() if s.count(b"\n") > MIN_LINES}
    expected = expected_definitions(language, files)
    found = total = narrowed = found_narrowed = total_narrowed = 0
    lost: list[dict] = []
    for path in files:
        delivery = delivered.deliver(conn, signatures, path, f"bench-{language}-{path}")
        wanted = expected.get(path, [])
        gone = delivered.missing(wanted, delivery)
        total += len(wanted)
        found += len(wanted) - len(gone)
        if delivery.narrowed:
            narrowed += 1
            total_narrowed += len(wanted)
            found_narrowed += len(wanted) - len(gone)
        lost.extend({"file": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
                     "name": item.name, "line": item.line, "kind": item.kind, "narrowed": delivery.narrowed}
                    for item in gone)
    return {
        "files": len(files),
        "narrowed": narrowed,
        "megabytes": round(sum(len(s) for s in files.values()) / 1e6, 3),
        "definitions_expected": total,
        "definitions_found": found,
        "coverage": round(found / total, 6) if total else None,
        "definitions_expected_narrowed": total_narrowed,
        "definitions_found_narrowed": found_narrowed,
        "coverage_narrowed": round(found_narrowed / total_narrowed, 6) if total_narrowed else None,
        "missing": sorted(lost, key=lambda item: not item["narrowed"])[:50],
        "mb_per_second": round(throughput(language, files), 2) if files else None,
    }


def markdown(results: dict[str, dict]) -> str:
    """The results as a Markdown table."""
    rows = [
        "| language | files >100 lines | narrowed | shown / oracle (narrowed files) | shown / oracle (all) | MB/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for language, r in sorted(results.items()):
        rows.append(
            f"| {language} | {r['files']} | {r['narrowed']} | "
            f"{r['definitions_found_narrowed']}/{r['definitions_expected_narrowed']} | "
            f"{r['definitions_found']}/{r['definitions_expected']} | {r['mb_per_second']} |"
        )
    return "\n".join(rows)


def main() -> None:
    """Fetch the corpus, measure every language, print the table and write the JSON results."""
    if not oracles.ctags_available():
        raise SystemExit("Universal Ctags is needed: apt-get install -y universal-ctags")
    corpus = ensure_corpus(ROOT)
    with tempfile.TemporaryDirectory() as home:
        os.environ["MEMORY_HOME"] = home
        from memory import store
        from memory.config import load_settings

        # Defaults, except MEMORY_SIGNATURES_* settings given on purpose (to compare policies).
        signatures = load_settings(None, environ={k: v for k, v in os.environ.items()
                                                  if k.startswith("MEMORY_SIGNATURES_")}).signatures
        conn = store.connect()
        results = {language: measure(language, paths, conn, signatures) for language, paths in sorted(corpus.items())}
        conn.close()
    print(markdown(results))
    for language, r in sorted(results.items()):
        for item in r["missing"][:5]:
            print(f"  {language} missing: {item}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    meta = {"parser_version": PARSER_VERSION, "min_lines": MIN_LINES, "settings": signatures.as_dict(),
            "python": platform.python_version(), "machine": platform.machine()}
    RESULTS.write_text(json.dumps({"meta": meta, "languages": results}, indent=2) + "\n")
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
