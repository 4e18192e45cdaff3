"""Print the moment-of-action injections of several benchmark results as one shuffled list to label blind.

    python -m benchmarks.action_data.label_pool RESULT.json [RESULT.json ...] [--seed 17] [--all]

Each RESULT.json is a benchmarks/results/action.json written by a version of the matching (run the benchmark on
each version and keep a copy of its result). The injections of their replays are pooled, de-duplicated by
(session, tool call, learning), shuffled, and printed with the learning's text and the tool call only -- not
which version showed it, nor the anchor that matched -- so a label says whether the learning helps that call,
not which version is better. Without --all, injections already in blind_labels.json are left out. Write each
verdict into blind_labels.json under session -> tool_use_id -> learning key (printed with each item).
"""

from __future__ import annotations

import argparse
import json
import random

from benchmarks.harness import REAL_TRANSCRIPTS
from benchmarks.action_bench import HELDOUT, LABELS

REPLAYS = ("replay_extracted", "replay_labelled", "heldout_extracted", "heldout_labelled")
SHOWN_CHARS = 900


def pool(results: list[dict], labels: dict, include_labelled: bool) -> list[dict]:
    """The distinct injections of ``results`` (those without a label unless ``include_labelled``)."""
    found: dict[tuple[str, str, str], dict] = {}
    for result in results:
        for part in REPLAYS:
            for item in result.get(part, {}).get("injections", []):
                key = (item["session"], item["tool_use_id"], item["learning_key"])
                labelled = item["learning_key"] in labels.get(item["session"], {}).get(item["tool_use_id"], {})
                if include_labelled or not labelled:
                    found.setdefault(key, item)
    return list(found.values())


def tool_calls() -> dict[tuple[str, str], object]:
    """Every tool call of the real and held-out transcripts, by (session stem, tool_use_id)."""
    from memory.transcript import ToolCall, iter_records

    calls = {}
    for path in [*REAL_TRANSCRIPTS.glob("*.jsonl"), *HELDOUT.glob("*.jsonl")]:
        for record in iter_records(path):
            if isinstance(record, ToolCall):
                calls[(path.stem, record.id)] = record
    return calls


def describe(call) -> str:
    """The tool call as a labeller reads it: the command, or the file and the text written."""
    data = call.input
    if call.name == "Bash":
        return f"Bash: {data.get('command')}  # {data.get('description', '')}"
    texts = [data.get("content", "")]
    if "new_string" in data:
        texts.append(f"OLD: {data.get('old_string', '')[:300]}\nNEW: {data['new_string']}")
    texts += [f"NEW: {edit.get('new_string', '')}" for edit in data.get("edits") or [] if isinstance(edit, dict)]
    text = "\n".join(t for t in texts if t)
    more = f"\n[... {len(text) - SHOWN_CHARS} more chars]" if len(text) > SHOWN_CHARS else ""
    return f"{call.name} {data.get('file_path')}\n{text[:SHOWN_CHARS]}{more}"


def main() -> None:
    """Print the pool."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="+")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--all", action="store_true", help="also the injections that already have a label")
    args = parser.parse_args()
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    results = [json.loads(open(path, encoding="utf-8").read()) for path in args.results]
    items = pool(results, labels, args.all)
    random.Random(args.seed).shuffle(items)
    calls = tool_calls()
    for n, item in enumerate(items):
        print(f"=== #{n} {item['session']} {item['tool_use_id']} {item['learning_key']}\n"
              f"LEARNING: {item['learning']}\nACTION: {describe(calls[(item['session'], item['tool_use_id'])])}\n")


if __name__ == "__main__":
    main()
