"""Hook-path costs of the transcript reader and of redaction.

Method: (1) transcripts of ~20 MB and ~100 MB are made by repeating the three real transcripts in
tests/fixtures/transcripts/real (in a temp dir); `iter_records` is drained over each, whole file and since the
last compaction; best of 3, CPU time of this process. (2) `redact` on 4 KB strings: real Bash output taken from
the transcripts, and a 4 KB slice of raw transcript JSON; mean over 300 calls. For scale, the time of a plain
substring search (`"sk-ant" in s`) over the same 4 KB string is reported too, and so is the time
json.loads takes over every line of the 20 MB file (the floor for any reader that parses the lines it needs).

Run: python -m benchmarks.hotpath_bench   (writes benchmarks/results/hotpath.json)
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import timeit
from pathlib import Path


from memory.transcript import iter_records
from memory.redact import redact
from benchmarks.harness import REAL_TRANSCRIPTS, write_result

REAL = sorted(REAL_TRANSCRIPTS.glob("*.jsonl"))


def reader(tmp: Path) -> dict:
    blob = b"".join(p.read_bytes().rstrip(b"\n") + b"\n" for p in REAL)
    rows = {}
    for mb in (20, 100):
        path = tmp / f"t{mb}.jsonl"
        path.write_bytes(blob * (mb * 1_000_000 // len(blob) + 1))
        for since in (False, True):
            best = min(_cpu(lambda: sum(1 for _ in iter_records(path, since_last_compaction=since)))
                       for _ in range(3))
            rows[f"{path.stat().st_size / 1e6:.0f}MB{' since last compaction' if since else ''}"] = round(best, 3)
        if mb == 20:  # the machine's yardstick: json.loads of every line, nothing else
            rows["20MB reference: json.loads of every line"] = round(min(_cpu(lambda: _parse_all(path))
                                                                        for _ in range(3)), 3)
    return rows


def _parse_all(path: Path) -> None:
    with open(path, "rb") as f:
        for line in f:
            try:
                json.loads(line)
            except ValueError:
                pass


def _cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def redaction() -> dict:
    outputs = []
    for line in REAL[1].read_text().splitlines() + REAL[0].read_text().splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        result = obj.get("toolUseResult")
        if isinstance(result, dict) and isinstance(result.get("stdout"), str):
            outputs.append(result["stdout"])
    bash = "\n".join(outputs)[:4096]
    raw = REAL[1].read_text()[200_000:204_096]
    n = 300
    return {name: {"redact_us": round(timeit.timeit(lambda: redact(s), number=n) / n * 1e6),
                   "substring_search_us": round(timeit.timeit(lambda: "sk-ant" in s, number=n * 10) / n / 10 * 1e6, 1)}
            for name, s in (("bash_output_4KB", bash), ("transcript_json_4KB", raw))}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        result = {"iter_records_cpu_seconds": reader(Path(tmp)), "redact_4KB": redaction()}
    write_result("hotpath", result)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
