"""Signatures: pre-read latency against a bare interpreter, token savings per language, cache size.

    python -m benchmarks.signatures_bench [--runs N] [--skip-timing]

1. Latency (``benchmarks.harness``, interleaved with ``python -c pass``): the real PreToolUse process through
   ``hooks/run`` for a whole Read of a real ~2,000-line Python file from the corpus --
   - cache hit: a new session each run, the file unchanged (the outline comes from SQLite, no tree-sitter);
   - cache miss: the file's content changed before each run (a comment line), so it is hashed and parsed;
   - pass-through: a whole Read of a Markdown file (what every non-code Read costs).
2. Token savings over the real-world corpus (``benchmarks.corpus``: packages from PyPI, npm and Debian) for
   every file over ``signatures.min_lines`` lines: the exact text Claude receives (``benchmarks.delivered``:
   the head lines numbered as Claude Code numbers them + the hook's context -- header, outline, notes --
   built by ``memory.signatures.plan_read``, the function the hook runs, in-process here) against what the
   plain Read returns (the first 2,000 lines, numbered), both with ``memory.tokens.estimate_tokens``. A Read
   that passes untouched saves 0 and is counted as such in every figure (median and 10th percentile per
   language, per file length, and per language and file length); the share passed through is reported
   with its reasons. Path rules (excluded folders such as dist/) are not applied to the corpus, since its
   packages' layout is not a user's project; content rules (generated, minified) are.
3. Cache size per 1,000 files: the bytes of ``file_signatures`` (SQLite's dbstat when available, else the
   sum of its column sizes), divided by entries, times 1,000.
"""

from __future__ import annotations

import argparse
import re
import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.harness import REPO, bare_python, hook, markdown_table, summarize, time_interleaved, write_result

LATENCY_FILE_LINES = 2000


def main() -> None:
    """Run the benchmark, print its tables and write benchmarks/results/signatures.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args()
    from benchmarks.corpus import ensure_corpus

    corpus = ensure_corpus(REPO)
    result: dict = {}
    if not args.skip_timing:
        result["latency"] = latency(corpus, args.runs)
        print(markdown_table(result["latency"]["summary"]))
    result.update(savings(corpus))
    print(savings_table(result["savings"]))
    for name, s in result["savings_by_file_lines"].items():
        print(f"{name[3:]:>20}: {s['files']:4} files, median {s['median_pct']}%, p10 {s['p10_pct']}%, "
              f"{s['passed_through']} passed through")
    every = result["savings_all_languages"]
    print(f"all languages: {every['files']} files, median {every['median_pct']}%, p10 {every['p10_pct']}%, "
          f"{every['passed_through']} passed through")
    weighted = result["savings_token_weighted"]
    print(f"token-weighted: {weighted['saved_pct']}% of {weighted['whole_read_tokens']:,} tokens of whole Reads saved")
    print(f"cache: {result['cache']['bytes_per_1000_files']:,} bytes per 1,000 files "
          f"({result['cache']['entries']} entries, {result['cache']['method']})")
    print(f"written to {write_result('signatures', result)}")


def latency(corpus: dict[str, list[Path]], runs: int) -> dict:
    """p50/p95 of the pre-read hook process (hit, miss, pass-through) as ratios to ``python -c pass``."""
    source = pick_file(corpus["python"], LATENCY_FILE_LINES)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        (project / ".git").mkdir(parents=True)
        target = project / "module.py"
        shutil.copyfile(source, target)
        edited = project / "edited.py"  # its own path: the cache holds one outline per path
        shutil.copyfile(source, edited)
        notes = project / "NOTES.md"
        notes.write_text("# Notes\n" + "A line of prose.\n" * 300)
        home = str(Path(tmp) / "home")
        env = {"MEMORY_HOME": home, "MEMORY_CONTINUITY_ENABLED": "0"}
        counter = {"n": 0}

        def read(path: Path) -> dict:
            counter["n"] += 1
            return {"session_id": f"bench-{counter['n']}", "cwd": str(project), "hook_event_name": "PreToolUse",
                    "tool_name": "Read", "tool_use_id": f"toolu_{counter['n']}", "tool_input": {"file_path": str(path)}}

        hit = hook("PreToolUse", read(target), env, name="pre-read, cache hit (2,000-line file)")
        miss = hook("PreToolUse", read(edited), env, name="pre-read, cache miss (2,000-line file, parsed)")
        passing = hook("PreToolUse", read(notes), env, name="pre-read, pass-through (Markdown file)")
        original = target.read_bytes()

        def before_hit() -> None:
            hit.stdin = json.dumps(read(target)).encode()

        def before_miss() -> None:
            edited.write_bytes(original + f"# edit {counter['n']}\n".encode())
            miss.stdin = json.dumps(read(edited)).encode()

        def before_pass() -> None:
            passing.stdin = json.dumps(read(notes)).encode()

        hit.before_each, miss.before_each, passing.before_each = before_hit, before_miss, before_pass
        check_narrowed(hit)
        check_narrowed(miss)
        commands = [bare_python(), hit, miss, passing]
        summary = summarize(time_interleaved(commands, runs=runs), baseline=commands[0].name)
    return {"file": str(source.relative_to(REPO)) if source.is_relative_to(REPO) else str(source),
            "file_lines": count_lines(source.read_bytes()), "summary": summary}


def check_narrowed(command) -> None:
    """Fail loudly if the timed hook would not actually narrow the Read (then we would time the wrong path)."""
    import subprocess

    command.before_each()
    done = subprocess.run(command.argv, input=command.stdin, env={**os.environ, **command.env}, capture_output=True)
    if b"additionalContext" not in done.stdout:
        raise SystemExit(f"the benchmark file is not narrowed: {done.stdout!r} {done.stderr!r}")


def pick_file(files: list[Path], lines: int) -> Path:
    """The file whose line count is closest to ``lines``."""
    return min(files, key=lambda p: (abs(count_lines(p.read_bytes()) - lines), str(p)))


def count_lines(data: bytes) -> int:
    from memory.signatures.eligibility import count_lines as count

    return count(data)


def savings(corpus: dict[str, list[Path]]) -> dict:
    """Token savings of what Claude receives, per language and file length, and the cache size it leaves."""
    with tempfile.TemporaryDirectory() as home:
        os.environ["MEMORY_HOME"] = home
        from benchmarks.delivered import deliver
        from memory import store
        from memory.config import load_settings

        # Defaults, except MEMORY_SIGNATURES_* settings given on purpose (to compare policies).
        signatures = load_settings(None, environ={k: v for k, v in os.environ.items()
                                                  if k.startswith("MEMORY_SIGNATURES_")}).signatures
        min_lines = signatures.min_lines
        conn = store.connect()
        per_language: dict[str, dict] = {}
        started = time.perf_counter()
        by_size: dict[str, list[float]] = {}
        by_language_size: dict[str, dict[str, list[float]]] = {}
        passed: dict[str, int] = {}
        totals = {"whole_read_tokens": 0, "delivered_tokens": 0}  # token-weighted: what all these Reads cost
        for language, files in sorted(corpus.items()):
            ratios_all, ratios_narrowed, reasons = [], [], {}
            for path in files:
                source = path.read_bytes()
                lines = count_lines(source)
                if lines <= min_lines:
                    continue
                delivery = deliver(conn, signatures, path, f"bench-{language}-{path}")
                totals["whole_read_tokens"] += delivery.original_tokens
                totals["delivered_tokens"] += delivery.delivered_tokens
                band = size_bucket(lines)
                saved = 1 - delivery.delivered_tokens / delivery.original_tokens
                if not delivery.narrowed:
                    reason = re.sub(r"\d[\d,]*", "N", delivery.reason.split(" (")[0])
                    reasons[reason] = reasons.get(reason, 0) + 1
                    passed[band] = passed.get(band, 0) + 1
                else:
                    ratios_narrowed.append(saved)
                ratios_all.append(saved)
                by_size.setdefault(band, []).append(saved)
                by_language_size.setdefault(language, {}).setdefault(band, []).append(saved)
            per_language[language] = {
                "files_over_min_lines": len(ratios_all),
                "narrowed": len(ratios_narrowed),
                "passed_through": reasons,
                "all_files": quantiles(ratios_all),
                "narrowed_files": quantiles(ratios_narrowed),
                "by_file_lines": {band: {"files": len(v), **quantiles(v)}
                                  for band, v in sorted(by_language_size.get(language, {}).items())},
            }
        elapsed = time.perf_counter() - started
        cache = cache_size(conn)
        conn.close()
    sizes = {name: {"files": len(v), "passed_through": passed.get(name, 0), **quantiles(v)}
             for name, v in sorted(by_size.items(), key=lambda i: i[0])}
    everything = [r for v in by_size.values() for r in v]
    return {"savings": per_language, "savings_by_file_lines": sizes,
            "savings_all_languages": {"files": len(everything), "passed_through": sum(passed.values()),
                                      **quantiles(everything)},
            "savings_token_weighted": {**totals, "saved_pct": round(
                100 * (1 - totals["delivered_tokens"] / max(1, totals["whole_read_tokens"])), 1)},
            "settings": signatures.as_dict(),
            "cache": cache, "savings_seconds": round(elapsed, 1)}


SIZE_BUCKETS = ((200, "a: 101-200 lines"), (500, "b: 201-500 lines"), (1000, "c: 501-1,000 lines"),
                (10**9, "d: over 1,000 lines"))


def size_bucket(lines: int) -> str:
    """The file-length bucket a file falls in."""
    return next(name for limit, name in SIZE_BUCKETS if lines <= limit)


def quantiles(values: list[float]) -> dict:
    """Median and 10th percentile (the worst tenth) as percentages."""
    if not values:
        return {"median_pct": None, "p10_pct": None}
    ordered = sorted(values)
    p10 = ordered[int(0.1 * (len(ordered) - 1))]
    return {"median_pct": round(100 * statistics.median(ordered), 1), "p10_pct": round(100 * p10, 1)}


def cache_size(conn: sqlite3.Connection) -> dict:
    """Bytes the signature cache takes, per 1,000 files."""
    entries = conn.execute("SELECT count(*) FROM file_signatures").fetchone()[0]
    try:
        size = conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN ('file_signatures', 'sqlite_autoindex_file_signatures_1',"
            " 'file_signatures_accessed', 'file_signatures_hash')"
        ).fetchone()[0]
        method = "dbstat pages of the table and its indexes"
    except sqlite3.OperationalError:
        size = conn.execute(
            "SELECT sum(length(path) + length(signature) + length(hash) + length(language) + length(dropped) + 80)"
            " FROM file_signatures"
        ).fetchone()[0]
        method = "sum of column sizes + 80 bytes per row"
    size = int(size or 0)
    return {"entries": entries, "bytes": size, "bytes_per_1000_files": round(size / entries * 1000) if entries else 0,
            "method": method}


def savings_table(per_language: dict[str, dict]) -> str:
    """Markdown table of the savings per language."""
    lines = ["| language | files > min_lines | narrowed | median (all) | p10 (all) | median (narrowed) | "
             "p10 (narrowed) |", "|---|---|---|---|---|---|---|"]
    for language, s in per_language.items():
        lines.append(f"| {language} | {s['files_over_min_lines']} | {s['narrowed']} | {s['all_files']['median_pct']}% "
                     f"| {s['all_files']['p10_pct']}% | {s['narrowed_files']['median_pct']}% | "
                     f"{s['narrowed_files']['p10_pct']}% |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
