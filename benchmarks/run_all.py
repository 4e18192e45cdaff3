"""Run every benchmark, one after the other, then write benchmarks/results/SUMMARY.md (the README's numbers).

    python -m benchmarks.run_all [--runs N] [--summary-only]

Each benchmark writes its own JSON in benchmarks/results/ (with the machine and time it ran); the summary
is built only from those files, so every number in it can be traced to a run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from benchmarks.harness import REPO, RESULTS

BENCHMARKS = [
    ["-m", "benchmarks.hook_latency"],
    ["-m", "benchmarks.continuity_bench"],
    ["-m", "benchmarks.signatures_bench"],
    ["-m", "benchmarks.recall_bench"],
    ["-m", "benchmarks.recall_eval2_bench"],
    ["-m", "benchmarks.parser_bench"],
    ["-m", "benchmarks.signatures_replay"],
    ["-m", "benchmarks.rules_bench"],
    ["-m", "benchmarks.hotpath_bench"],
    ["-m", "benchmarks.real_sessions.score_learnings"],
    ["-m", "benchmarks.real_sessions.score_handoffs"],
    ["-m", "benchmarks.install_size"],
    ["-m", "benchmarks.turn_time"],
    ["-m", "benchmarks.secrets_bench"],
]


def load(name: str) -> dict:
    """One benchmark's result file."""
    return json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))


def ratio_row(label: str, stats: dict, target: str) -> str:
    """A table row: p50 and p95 as ratios to bare python, with the milliseconds behind them."""
    return (f"| {label} | {stats['p50_ratio']}x ({stats['p50_ms']} ms) | {stats['p95_ratio']}x ({stats['p95_ms']} ms) "
            f"| {target} |")


BANDS = ("a: 101-200 lines", "b: 201-500 lines", "c: 501-1,000 lines", "d: over 1,000 lines")


def signature_lines(sig: dict, par: dict, replay: dict) -> list[str]:
    """The signature tables: savings and pass-through per language and file length, coverage, the replay."""
    every, weighted = sig["savings_all_languages"], sig["savings_token_weighted"]
    lines = [
        "Token savings of a Read of a code file, measured on exactly the text Claude receives (the narrowed Read's "
        "head lines, numbered as Claude Code numbers them, plus the hook's context: header, outline, notes) "
        "against a plain Read of the same file (its first 2,000 lines, numbered), over real files of more than "
        "100 lines installed from PyPI, npm and Debian (benchmarks/corpus.py). A Read that passes through counts "
        "as 0% saved. Median (10th percentile) per file length:",
        "",
        "| language | files | passed through | all | 101-200 lines | 201-500 | 501-1,000 | over 1,000 |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def cell(stats: dict | None) -> str:
        return "—" if not stats or stats.get("median_pct") is None else f"{stats['median_pct']}% ({stats['p10_pct']}%)"

    for language, s in sorted(sig["savings"].items()):
        passed = s["files_over_min_lines"] - s["narrowed"]
        bands = " | ".join(cell(s.get("by_file_lines", {}).get(band)) for band in BANDS)
        lines.append(f"| {language} | {s['files_over_min_lines']} | {passed} | {cell(s['all_files'])} | {bands} |")
    sizes = sig["savings_by_file_lines"]
    lines += [
        f"| **all** | {every['files']} | {every['passed_through']} ({100 * every['passed_through'] / every['files']:.0f}%)"
        f" | **{cell(every)}** | " + " | ".join(cell(sizes.get(band)) for band in BANDS) + " |",
        "",
        f"Token-weighted over all files: {weighted['saved_pct']}% of {weighted['whole_read_tokens']:,} tokens. "
        f"A Read passes through when even the most compact outline would exceed `max_context_chars`, save under "
        f"80%, or say too little (under 3 definitions, or under one per 50 lines in a file of up to 300 lines). "
        f"Cache: {sig['cache']['bytes_per_1000_files'] / 1e6:.1f} MB per 1,000 files.",
        "",
        "Definition coverage of the same text: the definitions independent oracles find (Python's `ast`; "
        "Universal Ctags; a declaration scan for Swift; the excluded oracle quirks are listed in "
        "benchmarks/parser_bench.py) that the text Claude receives shows at their line, as a source line or a "
        "`name:line` entry; and extraction throughput:",
        "",
        "| language | narrowed files | shown / oracle (narrowed) | shown / oracle (all files) | MB/s |",
        "|---|---|---|---|---|",
    ]
    for language, s in sorted(par["languages"].items()):
        lines.append(f"| {language} | {s['narrowed']}/{s['files']} | {s['definitions_found_narrowed']}/"
                     f"{s['definitions_expected_narrowed']} | {s['definitions_found']}/{s['definitions_expected']} | "
                     f"{s['mb_per_second']} |")
    losses = [r for r in replay["reads"] if r.get("narrowed") and r["net_saved_tokens"] < 0]
    lines += [
        "",
        "(\"All files\" counts a passed-through Read as showing what Claude Code's Read shows: its first 2,000 lines.)",
        "",
        f"- Real sessions replayed (tests/fixtures/transcripts/real, benchmarks/signatures_replay.py): "
        f"{replay['whole_reads_recovered']} whole-file Reads recoverable from {replay['transcripts']} transcripts, "
        f"{replay['narrowed']} narrowed, {replay['net_losses']} for a net loss by the plugin's own accounting"
        + (" (" + "; ".join(f"{r['file']}: {r['net_saved_tokens']} tokens, the session read it whole again"
                           for r in losses) + ")" if losses else "")
        + f"; net {replay['net_saved_tokens']:+,} tokens.",
    ]
    return lines


def summary() -> str:
    """The Markdown summary of the latest results."""
    hooks, cont, sig, rec, par, rules, hard = (load(n) for n in ("hook_latency", "continuity", "signatures", "recall",
                                                                 "parser", "rules", "recall_eval2"))
    bare = hooks["summary"]["bare python -c pass"]
    lines = [
        f"Hook latency: whole hook processes through `hooks/run`, interleaved round by round with a bare "
        f"`python -c pass` of the same interpreter (bare p50 {bare['p50_ms']} ms on this run), so the ratio does "
        f"not depend on the machine's speed. Machine: {hooks['machine']['cpus']} cores, Python "
        f"{hooks['machine']['python']}.",
        "",
        "| hook process | p50 vs bare python | p95 vs bare python | aim |",
        "|---|---|---|---|",
        ratio_row("no-op (PostToolUse of an untracked tool)", hooks["summary"]["no-op hook (PostToolUse Glob)"], "≤ 2.5x"),
    ]
    lat = cont["latency"]
    lines.append(ratio_row("PostToolUse, tracked tool (snapshot every 5th)", lat["PostToolUse (tracked tool)"], "≤ 3x"))
    lines.append(ratio_row("SessionStart with a handoff to restore", lat["SessionStart (compact, with handoff)"], "≤ 3x"))
    if "latency" in sig:
        s = sig["latency"]["summary"]
        for name, stats in s.items():
            if name.startswith("pre-read"):
                aim = "≤ 3x" if "hit" in name else "≤ 6x" if "miss" in name else "—"
                lines.append(ratio_row(f"PreToolUse Read, {name.removeprefix('pre-read, ')}", stats, aim))
    for name, stats in rec.get("latency", {}).get("summary", {}).items():
        if name.startswith("UserPromptSubmit"):
            lines.append(ratio_row(name, stats, "≤ 250 ms"))
    if "latency" not in rec:
        lines.append("| UserPromptSubmit with 1,000 / 10,000 learnings | not measured in this run | | |")
    pc = cont["pre_compact_20mb"]
    lines += [
        "",
        f"- PreCompact on a 20 MB transcript (whole process): p50 {pc['never_compacted']['p50_ms']} ms "
        f"(aim ≤ 500 ms).",
        f"- Handoff success over replayed sessions: {cont['handoff_success']['succeeded']}/"
        f"{cont['handoff_success']['sessions']} (three real transcripts, the e2e transcript, hook-event-only sessions).",
        "",
    ]
    lines += signature_lines(sig, par, load("signatures_replay"))
    q = rec["quality"]
    total = rules["labelled"]["TOTAL"]
    extracted, correct = total["extracted"], total["correct"]
    lines += [
        "",
        f"Recall quality on benchmarks/recall_eval/ ({rec['eval']['learnings']} learnings of a realistic project, "
        f"{rec['eval']['prompts']} prompts worded as a user would ask, each labelled with its relevant learnings):",
        "",
        "| ranking | hit@3 | MRR@10 | recall@3 |",
        "|---|---|---|---|",
    ]
    for name, label in (("bm25", "BM25 (FTS5) alone"), ("vector", "vectors alone (MiniLM)"),
                        ("hybrid", "vector first + keyword bonus, as shipped")):
        lines.append(f"| {label} | {q[name]['hit@3']} | {q[name]['mrr@10']} | {q[name]['recall@3']} |")
    lines += ["", *hard_recall_summary(hard)]
    lines += [
        "",
        f"- Worker: {rec['worker']['sessions_per_minute']} sessions per minute with the rules extractor "
        f"(real transcripts, LanceDB writes included).",
        f"- Rules extractor on the labelled fixture sessions: precision {correct}/{extracted}, recall "
        f"{total['found']}/{total['expected']} (these fixtures were written alongside the rules: read it as a "
        f"regression check, not a field measure).",
    ]
    lines += real_sessions_lines()
    if (RESULTS / "handoffs.json").exists():
        lines += handoff_lines(load("handoffs"))
    size = load("install_size")
    biggest = ", ".join(f"{row['name']} {row['mb']:.0f} MB" for row in size["largest"][:4])
    lines += [
        "",
        f"Installed size of the runtime environment (a fresh venv from `requirements.txt` alone, as the plugin's "
        f"bootstrap makes it): {size['venv_mb']:.0f} MB on disk, {size['distributions']} packages "
        f"({biggest}); every package is imported by the plugin or required by one that is; no test tool.",
    ]
    if (RESULTS / "turn_time.json").exists():
        lines += turn_time_lines(load("turn_time"))
    lines += action_lines()
    lines += secrets_lines(load("secrets"))
    return "\n".join(lines) + "\n"


def secrets_lines(sec: dict) -> list[str]:
    """The secret probe's figures (benchmarks/secrets_bench.py)."""
    cost = sec.get("redact_us_per_call", {})
    return [
        "",
        f"Secrets (benchmarks/secrets_bench.py): {sec['secrets']} fake secrets ({sec.get('families', '?')} families, "
        f"{sec['kinds']} named kinds, {sec.get('contexts', '?')} kinds of surrounding text) "
        f"through every input path ({sec['hook_runs']} real hook processes, the worker with the rules and with "
        f"Haiku on the scripted Messages API, export and the CLI), then every byte under the data folder, every "
        f"hook and CLI output and every API request body searched for each secret or any 16-character piece of "
        f"it. The corpus was written alongside the rules: a regression check of every path, not a field measure.",
        "",
        "| stored | logged | printed | sent | look-alikes kept (redaction function / through a hook) |",
        "|---|---|---|---|---|",
        f"| {sec['stored']} | {sec['logged']} | {sec['printed']} | {sec['sent']} | "
        f"{sec['lookalikes_kept_by_thorough_pct']}% / {sec['lookalikes_kept_through_bash_path_pct']}% "
        f"of {sec['lookalikes']} |",
        "",
        "`redact()` per call (CPU µs, in-process, best of 5): " + "; ".join(f"{k} {v}" for k, v in cost.items())
        + ".",
    ]


def hard_recall_summary(hard: dict) -> list[str]:
    """The hard recall set (benchmarks/recall_eval2): what the UserPromptSubmit hook process injects, per class."""
    hooks, gate = hard["hooks"]["per_class"], hard["gate_choice"]
    ev = hard["eval"]
    lines = [
        f"Recall on benchmarks/recall_eval2/ ({ev['learnings']} learnings over three projects of different stacks, "
        f"{ev['prompts']} prompts in five classes; written by us to be hard, see its README), each prompt through "
        f"a real `hooks/run UserPromptSubmit` process, embedder {ev['embedder']}, gate "
        f"{hard['shipped_gate']['threshold']}:",
        "",
        "| prompt class | prompts | hit@3 of what is injected | something injected | tokens injected per prompt |",
        "|---|---|---|---|---|",
    ]
    for cls, label in (("lexical", "lexical"), ("semantic", "semantic (no shared content word)"),
                       ("none", "nothing relevant exists"), ("cross", "relevant only in another project"),
                       ("superseded", "superseded (a newer one replaces an older one)")):
        row = hooks[cls]
        lines.append(f"| {label} | {row['prompts']} | {row.get('hit@3', '—')} | {row['injected_any']} | "
                     f"{row['tokens_per_prompt']} |")
    sup = hard["superseded_unlinked"]
    lines += [
        "",
        f"- Superseded: the old learning was injected {hooks['superseded']['old_injected']} times (linked "
        f"supersedes are never recalled); with the links removed, the current one still ranks above the old one in "
        f"{sup['current_above_old']}/{sup['prompts']} prompts.",
        f"- Another project's learning injected on cross-project prompts: {hooks['cross']['another_projects_learning']}.",
        f"- Ranking without the gate, hit@3: lexical {hard['ranking']['lexical']['hit@3']}, semantic "
        f"{hard['ranking']['semantic']['hit@3']}.",
        f"- Gate chosen on the calibration half ({gate['calibration_prompts']} prompts; objective: {gate['objective']}):"
        f" {gate['threshold']}; on the held-out half ({gate['held_out_prompts']} prompts): lexical "
        f"{gate['held_out']['lexical']}, semantic {gate['held_out']['semantic']}, false injection nothing-relevant "
        f"{gate['held_out']['none']}, cross-project {gate['held_out']['cross']}.",
        f"- Tokens injected per prompt over all {ev['prompts']} prompts: {hard['hooks']['tokens_per_prompt_all']}.",
        "- The gate's trade-off on the whole set (in process; threshold: lexical hit, semantic hit, false injection "
        "nothing-relevant / cross-project): " + "; ".join(
            f"{p['threshold']}: {p['lexical']}, {p['semantic']}, {p['none']} / {p['cross']}"
            for p in hard["curve"] if round(p["threshold"] * 100) % 4 == 0 and p["threshold"] >= 0.32) + ".",
    ]
    return lines + gate_variant_lines(hard.get("gate_variants", []))


def gate_variant_lines(variants: list[dict]) -> list[str]:
    """The calibrated gates compared on the hard recall set (in process): each one's threshold chosen on the
    calibration half, its held-out figures, and the best it can do on the whole set within the false-injection
    aim."""
    if not variants:
        return []

    def figures(point: dict) -> str:
        return f"{point['lexical']}, {point['semantic']}, {point['none']} / {point['cross']}"

    lines = ["", "Gates compared (in process, same ranking; each threshold chosen on the calibration half by the "
             "objective above among every value the statistic takes, so the score's differs from the shipped one, "
             "chosen in steps of 0.02; figures: lexical hit, semantic hit, false injection nothing-relevant / cross-project; "
             "last column: the best semantic hit@3 that any threshold reaches on the whole set while false injection "
             "stays ≤ 10% nothing-relevant and ≤ 5% cross-project):", "",
             "| gate on | threshold | calibration half | held-out half | best semantic within the FI aim |",
             "|---|---|---|---|---|"]
    for v in variants:
        quiet = v["best_quiet_point"]
        lines.append(f"| {v['label']} | {v['threshold']} | {figures(v['calibration'])} | {figures(v['held_out'])} "
                     f"| {quiet['semantic'] if quiet else '—'} |")
    meeting = [v["label"] for v in variants if v["any_threshold_meets_every_aim"]]
    lines += ["", "- Thresholds meeting every aim at once (lexical ≥ 0.95, semantic ≥ 0.70, false injection ≤ 10% / "
              "5%) on the whole set: " + ("; ".join(meeting) if meeting else "none, for any of these gates") + "."]
    return lines


def turn_time_lines(result: dict) -> list[str]:
    """Added wait per tool call in Claude Code's own turn (benchmarks/turn_time.py)."""
    lines = ["", f"Added wait per tool call in Claude Code's own turn (benchmarks/turn_time.py: the real CLI against "
             f"the scripted server, {result['tool_calls_per_session']} tool calls per session, median of "
             f"{result['runs']} interleaved sessions per variant; load average {result['load_average_before'][0]} "
             f"on {result['machine']['cpus']} cores):", "",
             "| Claude Code | no plugin (ms per call) | plugin, sync hooks: added | plugin, async hooks: added |",
             "|---|---|---|---|"]
    for version, v in result["versions"].items():
        lines.append(f"| {version} | {v['no plugin']['median_ms_per_call']} | "
                     f"+{v['plugin, sync hooks']['added_ms_per_call']} ms | "
                     f"+{v['plugin, async hooks']['added_ms_per_call']} ms |")
    return lines


def real_sessions_lines() -> list[str]:
    """The learning extractors on the labelled sessions of benchmarks/real_sessions (if they were scored)."""
    lines = []
    for name, label in (("real_sessions_learnings", "rules"),
                        ("real_sessions_learnings_haiku_scripted", "Haiku API (scripted server, oracle answers: "
                                                                   "measures the pipeline, not the model)"),
                        ("real_sessions_learnings_claude_cli_scripted", "claude -p (scripted server, oracle answers: "
                                                                        "measures the pipeline, not the model)")):
        if not (RESULTS / f"{name}.json").exists():
            continue
        result = load(name)
        for scope in ("real", "all"):
            t = result[scope]
            lines.append(
                f"- Learnings, {label} extractor, {scope} labelled sessions (benchmarks/real_sessions): "
                f"precision {t['useful']}/{t['stored']}, wrong {t['wrong']}, harmful {t['harmful']}, "
                f"recall {t['found']}/{t['gold']}.")
    return ([""] + lines) if lines else []


def handoff_lines(result: dict) -> list[str]:
    """The handoff-quality table (benchmarks/real_sessions/score_handoffs.py)."""
    lines = ["", "Handoff quality on the labelled sessions of benchmarks/real_sessions/ (each replayed through the hooks "
             "up to every compaction and to its end; the handoff scored as SessionStart renders it):", "",
             "| sessions | handoffs | files F1 | status correct | current request | decisions recall | results recall "
             "| blockers precision |", "|---|---|---|---|---|---|---|---|"]
    sessions = result["sessions"].values()
    members = {"en": lambda e: e["language"] == "en", "non_en": lambda e: e["language"] != "en",
               "non_en_real": lambda e: e["language"] != "en" and e.get("origin") == "real",
               "real": lambda e: e.get("origin") == "real", "all": lambda e: True}
    labels = {"en": "English", "non_en": "non-English", "non_en_real": "non-English, real only", "real": "real only",
              "all": "all"}
    for name, label in labels.items():
        s = result["overall"].get(name, {})
        if not s.get("points"):
            continue
        count = sum(1 for e in sessions if members[name](e))
        lines.append(f"| {label} ({count}) | {s['points']} | {s['files_f1']} | {s['status_correct']} | "
                     f"{s['current_request_correct']} | {s['decisions_recall']} | {s['results_recall']} | "
                     f"{s['blockers_precision']} ({s['blockers_shown']} shown) |")
    return lines


def action_lines() -> list[str]:
    """Recall at the moment of action (benchmarks/action_bench.py), if it was run."""
    if not (RESULTS / "action.json").exists():
        return []
    result = load("action")
    lines = ["", "Learnings shown at the moment of action (before Edit/Write/Bash; benchmarks/action_bench.py; "
                 "relevance labelled blind, benchmarks/action_data/blind_labels.json):", "",
             "| run | tool calls | shown | relevant | repeats in a session | shown while stale |",
             "|---|---|---|---|---|---|"]
    for name, label in (("scripted", "scripted sessions (written by us: a regression check)"),
                        ("replay_extracted", "real sessions replayed, learnings of the current extractor"),
                        ("replay_labelled", "real sessions replayed, labelled learnings with anchors"),
                        ("heldout_extracted", "held-out real sessions, the same user's extracted learnings"),
                        ("heldout_labelled", "held-out real sessions, the same user's labelled learnings")):
        if name not in result:
            continue
        t = result[name]
        share = f"{100 * t['relevant_share']:.1f}%" if t["relevant_share"] is not None else "—"
        lines.append(f"| {label} | {t['action_calls']} | {t['shown']} | {t['relevant']} ({share}) | {t['repeats']} "
                     f"| {t['stale_shown']} |")
    if "latency" in result:
        lines += ["", "| hook process (same run, same store of 600 learnings) | p50 vs bare python | "
                      "p95 vs bare python | aim |", "|---|---|---|---|"]
        for name, stats in result["latency"].items():
            if name != "bare python -c pass":
                aim = "≤ PostToolUse p50" if name.startswith("PreToolUse") else "—"
                lines.append(ratio_row(name, stats, aim))
    return lines


def main() -> None:
    """Run the benchmarks (unless --summary-only) and write the summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=None, help="timed runs per process (each benchmark's default)")
    parser.add_argument("--summary-only", action="store_true", help="only rebuild SUMMARY.md from the results")
    args = parser.parse_args()
    if not args.summary_only:
        for command in BENCHMARKS:
            timed = command[1] in ("benchmarks.hook_latency", "benchmarks.continuity_bench", "benchmarks.signatures_bench",
                                   "benchmarks.recall_bench", "benchmarks.action_bench")
            extra = ["--runs", str(args.runs)] if args.runs and timed else []
            started = time.monotonic()
            print(f"== {' '.join(command)}", flush=True)
            subprocess.run([sys.executable, *command, *extra], cwd=REPO, check=True)
            print(f"   ({time.monotonic() - started:.0f} s)", flush=True)
    text = summary()
    (RESULTS / "SUMMARY.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
