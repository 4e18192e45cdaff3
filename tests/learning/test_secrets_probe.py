"""The secret probe (benchmarks/secrets_bench.py) on a subset: every kind of input path, real hook processes,
the worker with the scripted Messages API server, export and the CLI; then everything scanned."""

from __future__ import annotations

from pathlib import Path

from benchmarks.secrets_bench import Probe, quick_cases, run_probe, scan
from tests.support.api_server import ScriptedServer
from tests.fixtures.secrets_corpus import LOOKALIKES


def test_no_secret_is_stored_logged_printed_or_sent(tmp_path: Path):
    cases = quick_cases()[::3]  # every kind of context and most kinds; the benchmark runs all of them
    lookalikes = [text for _, text in LOOKALIKES][::2]
    result = run_probe(cases, lookalikes, batch=14, workdir=tmp_path)
    assert result["extraction_requests"] >= 1 and result["rows"]["learnings"] > 0  # the worker really ran
    assert result["rows"]["handoffs"] > 0 and result["rows"]["file_signatures"] > 0
    assert result["jobs"] == {"done": result["rows"]["jobs"]}
    assert {sink: result[sink] for sink in ("stored", "logged", "printed", "sent")} == {
        "stored": 0, "logged": 0, "printed": 0, "sent": 0}, result["leaks"]
    assert result["lookalikes_kept_through_bash_path_pct"] >= 95
    assert result["lookalikes_kept_by_thorough_pct"] >= 95


def test_the_scan_finds_a_secret_wherever_it_lands(tmp_path: Path):
    kind, text, value = next(case for case in quick_cases() if case[0].startswith("random-base64-64"))
    with ScriptedServer() as server:
        probe = Probe(tmp_path, server)
        (probe.data / "logs").mkdir(parents=True)
        (probe.data / "logs" / "memory.log").write_text(f"half of it: {value[5:40]}\n")
        probe.outputs.append(f"printed {value}")
        found = scan(probe.sinks(), [(kind, text, value)])
    assert [leak["kind"] for leak in found["stored"]] == [kind] and found["stored"][0]["where"] == ["logs/memory.log"]
    assert len(found["logged"]) == 1 and len(found["printed"]) == 1 and found["sent"] == []
