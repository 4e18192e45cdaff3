"""Every fake secret through every input path, then everything the plugin stored, logged, printed or sent scanned.

    python -m benchmarks.secrets_bench [--quick] [--batch N]

Method. The corpus is ``tests/fixtures/secrets_corpus.py``: fake secrets drawn by a seeded generator in the
documented shape of each kind (provider keys, PEM blocks whole and cut, JWTs, URL and query-string credentials,
passwords by position on a command line, .env lines, random base64, …), each inside the text around it, and
look-alikes that must survive (git SHAs, checksums, UUIDs, Solana/Ethereum/Bitcoin addresses, images, integrity
hashes, ``credentials: 'include'``, ordinary identifiers). The corpus was written alongside the rules: the
figures are a regression check of every path, not a field measure of recall on secrets nobody here wrote.

Every secret goes, as a real hook process through ``hooks/run`` with a fresh data folder, through: the
UserPromptSubmit prompt; PreToolUse Read of a large source file that holds it (signatures and the hook's
answer); PostToolUse Bash command and output; PostToolUseFailure Bash error text (the secret sits across the
400-character cut); TodoWrite, TaskCreate and TaskUpdate text; Edit and Write contents; a transcript with the
secret in prompts, assistant text, tool calls and failed results, handed to PreCompact and SessionEnd (which
queue extraction) and restored by the next SessionStart; the detached worker's extraction, with the rules and
with "Haiku" answered by the scripted loopback Messages API server (``tests/support/api_server.py``), whose answer
itself carries secrets; ``memory export`` and the CLI's listings.

Then every byte under the data folder (SQLite with its FTS tables, WAL and free pages; JSON files; logs; LanceDB
files; vector packs), every hook's stdout and stderr, every CLI output and every request body the API server
received are searched for each secret and for any 16-character window of its long random parts (a secret cut
by a length cap still counts). Figures: secrets stored / logged / printed / sent (aim 0 each) and look-alikes
kept unchanged (aim ≥ 95%), both by the redaction function alone and through the Bash-command path.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.harness import PYTHON, REPO, write_result
from tests.support.api_server import ScriptedServer
from tests.fixtures.secrets_corpus import LOOKALIKES, SECRET_CASES, fragments

LAUNCHER = REPO / "hooks" / "run"
SINKS = ("stored", "logged", "printed", "sent")


def quick_cases() -> list[tuple[str, str, str]]:
    """One case per kind and context family: the subset the test runs (every kind, every context seen once)."""
    seen_kinds, seen_contexts, chosen = set(), set(), []
    for case in SECRET_CASES:
        kind, _, context = case[0].partition(":")
        if kind not in seen_kinds or (context and context not in seen_contexts):
            seen_kinds.add(kind)
            seen_contexts.add(context)
            chosen.append(case)
    return chosen


class Probe:
    """One data folder, one project, one API server; hooks and the CLI run as real processes."""

    def __init__(self, workdir: Path, server: ScriptedServer) -> None:
        self.workdir = workdir
        self.data = workdir / "data"
        self.project = workdir / "project"
        self.transcripts = workdir / "transcripts"
        for folder in (self.project / "src", self.transcripts, workdir / "home"):
            folder.mkdir(parents=True, exist_ok=True)
        self.server = server
        self.env = {**os.environ, "MEMORY_PYTHON": PYTHON, "MEMORY_HOME": str(self.data),
                    "HOME": str(workdir / "home"), "PYTHONPATH": str(REPO), "ANTHROPIC_BASE_URL": server.url,
                    "ANTHROPIC_API_KEY": "probe-placeholder-key", "MEMORY_LEARNING_EXTRACTOR": "auto"}
        for name in ("CLAUDE_PLUGIN_DATA", "CLAUDE_PROJECT_DIR"):
            self.env.pop(name, None)
        self.outputs: list[str] = []
        self.hook_runs = 0

    # -- running things --
    def hook(self, event: str, session: str, **fields) -> None:
        """Run one hook event as Claude Code would; keep its stdout and stderr."""
        payload = {"session_id": session, "cwd": str(self.project), "hook_event_name": event,
                   "transcript_path": fields.pop("transcript_path", "/nonexistent/transcript.jsonl"), **fields}
        done = subprocess.run(["sh", str(LAUNCHER), event], input=json.dumps(payload).encode(), env=self.env,
                              capture_output=True, timeout=120)
        self.hook_runs += 1
        self.outputs.append(done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace"))

    def cli(self, *args: str) -> str:
        """Run ``python -m memory ARGS``; keep what it printed."""
        done = subprocess.run([PYTHON, "-m", "memory", *args], env=self.env, capture_output=True, text=True,
                              cwd=self.project, timeout=300)
        self.outputs.append(done.stdout + done.stderr)
        return done.stdout

    def wait_for_worker(self, timeout: float = 600) -> None:
        """Let the detached workers drain the queue, then run one more by hand for what is left."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with sqlite3.connect(self.data / "memory.db") as conn:
                busy = conn.execute("SELECT count(*) FROM jobs WHERE status IN ('pending', 'running')").fetchone()[0]
            if not busy:
                return
            time.sleep(0.5)
        subprocess.run([PYTHON, "-m", "memory.worker"], env=self.env, timeout=300, check=False)

    # -- the input paths --
    def secret_paths(self, batch_no: int, batch: list[tuple[str, str, str]]) -> None:
        """Send one batch of cases through every hook path and a transcript."""
        session = f"probe-{batch_no}-{uuid.uuid4().hex[:8]}"
        self.hook("SessionStart", session, source="startup")
        for i, (_, text, _) in enumerate(batch):
            self.hook("UserPromptSubmit", session, prompt=f"Please set this up for me:\n{text}\nthen run the tests.")
            command = text if "\n" not in text else f"cat <<'EOF' > secrets.txt\n{text}\nEOF"
            self.hook("PostToolUse", session, tool_name="Bash", tool_use_id=f"b{batch_no}-{i}",
                      tool_input={"command": command, "description": f"configure {text}"},
                      tool_response={"stdout": f"configured\n{text}\n", "stderr": "", "interrupted": False})
            error = "Traceback (most recent call last):\n" + f"  value: {text}\n" + "x" * 150 + "\nError: rejected"
            self.hook("PostToolUseFailure", session, tool_name="Bash", tool_use_id=f"f{batch_no}-{i}",
                      tool_input={"command": f"deploy --check {text}"}, error=error)
            self.hook("PostToolUse", session, tool_name="TaskCreate", tool_use_id=f"t{batch_no}-{i}",
                      tool_input={"subject": f"Rotate {text}", "description": f"The value {text} leaked"},
                      tool_response={"task": {"id": str(i + 1), "subject": f"Rotate {text}"}})
        texts = [text for _, text, _ in batch]
        self.hook("PostToolUse", session, tool_name="TaskUpdate", tool_use_id=f"u{batch_no}",
                  tool_input={"taskId": "1", "status": "in_progress", "description": texts[-1]},
                  tool_response={"success": True, "taskId": "1"})
        self.hook("PostToolUse", session, tool_name="TodoWrite", tool_use_id=f"todo{batch_no}",
                  tool_input={"todos": [{"content": f"Use {t}", "status": "in_progress" if k == 0 else "pending",
                                         "activeForm": t} for k, t in enumerate(texts)]},
                  tool_response={})
        source = self._source_file(batch_no, texts)
        self.hook("PreToolUse", session, tool_name="Read", tool_use_id=f"r{batch_no}",
                  tool_input={"file_path": str(source)})
        self.hook("PostToolUse", session, tool_name="Edit", tool_use_id=f"e{batch_no}",
                  tool_input={"file_path": str(source), "old_string": "pass", "new_string": "\n".join(texts)},
                  tool_response={"filePath": str(source)})
        self.hook("PostToolUse", session, tool_name="Write", tool_use_id=f"w{batch_no}",
                  tool_input={"file_path": str(self.project / ".env"), "content": "\n".join(texts)},
                  tool_response={"type": "create", "filePath": str(self.project / ".env")})
        transcript = self._transcript(session, texts)
        self.hook("PreCompact", session, transcript_path=str(transcript), trigger="auto", custom_instructions=texts[0])
        self.hook("SessionStart", session, transcript_path=str(transcript), source="compact")
        self.hook("SessionEnd", session, transcript_path=str(transcript), reason="other")
        self.hook("SessionStart", f"{session}-next", source="startup")

    def _source_file(self, batch_no: int, texts: list[str]) -> Path:
        lines = ['"""Settings of the probe service."""', ""]
        for k, text in enumerate(texts):
            lines += [f"def configure_{k}(token={text!r}, retries=3):", f'    """Configure with {text!r}."""',
                      "    return token", ""]
        for k in range(120):  # a large file, so the Read is narrowed to its signatures
            lines += [f"def helper_{k}(value):", f"    return value * {k}", ""]
        path = self.project / "src" / f"settings_{batch_no}.py"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def _transcript(self, session: str, texts: list[str]) -> Path:
        rows, parent = [], None

        def add(kind: str, content, **extra) -> None:
            nonlocal parent
            row_id = str(uuid.uuid4())
            rows.append({"parentUuid": parent, "isSidechain": False, "type": kind, "uuid": row_id,
                         "sessionId": session, "cwd": str(self.project), "timestamp": "2026-11-30T02:00:00.000Z",
                         "message": {"role": kind, "content": content}, **extra})
            parent = row_id

        for k, text in enumerate(texts):
            add("user", f"Remember: always deploy with {text}")
            add("assistant", [{"type": "text", "text": f"I'll use {text} from now on; the fix was to set it."}])
            add("assistant", [{"type": "tool_use", "id": f"toolu_{k}a", "name": "Bash",
                               "input": {"command": text}}])
            add("user", [{"type": "tool_result", "tool_use_id": f"toolu_{k}a", "is_error": True,
                          "content": f"Error: credential {text} rejected\n" + "y" * 300}])
            add("assistant", [{"type": "tool_use", "id": f"toolu_{k}b", "name": "Write",
                               "input": {"file_path": str(self.project / f"conf_{k}.env"), "content": text}}])
            add("user", [{"type": "tool_result", "tool_use_id": f"toolu_{k}b", "content": "File created"}])
        add("assistant", [{"type": "tool_use", "id": "toolu_todo", "name": "TodoWrite",
                           "input": {"todos": [{"content": f"Check {t}", "status": "in_progress"} for t in texts]}}])
        add("assistant", [{"type": "text", "text": f"Decided: keep {texts[-1]} in the vault."}])
        path = self.transcripts / f"{session}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        return path

    def lookalike_paths(self, lookalikes: list[str]) -> list[str]:
        """Each look-alike as a Bash command; return the commands as they were stored."""
        session = f"lookalikes-{uuid.uuid4().hex[:8]}"
        for i, text in enumerate(lookalikes):
            self.hook("PostToolUse", session, tool_name="Bash", tool_use_id=f"l{i}",
                      tool_input={"command": text}, tool_response={"stdout": "", "stderr": ""})
        with sqlite3.connect(self.data / "memory.db") as conn:
            rows = conn.execute("SELECT tool_use_id, data_json FROM events WHERE session_id = ?", (session,))
            stored = {tid: json.loads(data or "{}").get("command", "") for tid, data in rows}
        return [stored.get(f"l{i}", "") for i in range(len(lookalikes))]

    def outputs_of_cli(self) -> None:
        """Export and the listings a user would look at."""
        self.cli("export")
        for args in (["status"], ["learnings"], ["handoffs"], ["handoff", "current"], ["signatures"],
                     ["worker", "status"], ["learnings", "deploy"]):
            self.cli(*args)

    # -- scanning --
    def sinks(self) -> dict[str, list[tuple[str, bytes]]]:
        """(where, bytes) for every place a secret could end up, by sink."""
        stored, logged = [], []
        for path in sorted(self.data.rglob("*")):
            if path.is_file() and not path.is_symlink():
                item = (str(path.relative_to(self.data)), path.read_bytes())
                (logged if path.relative_to(self.data).parts[0] == "logs" else stored).append(item)
        printed = [(f"output {i}", text.encode("utf-8", "replace")) for i, text in enumerate(self.outputs)]
        sent = [(f"request {i}", json.dumps(r.body, ensure_ascii=False).encode("utf-8", "replace"))
                for i, r in enumerate(self.server.requests)]
        return {"stored": stored + logged, "logged": logged, "printed": printed, "sent": sent}


def scan(sinks: dict[str, list[tuple[str, bytes]]], cases: list[tuple[str, str, str]]) -> dict[str, list[dict]]:
    """The leaks per sink: kind and where."""
    found: dict[str, list[dict]] = {sink: [] for sink in SINKS}
    for sink, items in sinks.items():
        blob = b"\n".join(data for _, data in items)
        for kind, _, value in cases:
            pieces = [p.encode() for p in fragments(value)]
            if not any(p in blob for p in pieces):
                continue
            where = [name for name, data in items if any(p in data for p in pieces)]
            found[sink].append({"kind": kind, "where": where[:5]})
    return found


def run_probe(cases: list[tuple[str, str, str]], lookalikes: list[str], *, batch: int = 8,
              workdir: Path | None = None) -> dict:
    """Run the whole probe; return the figures and the leaks found."""
    from memory.redact import redact, redact_thorough

    haiku_learnings = [{"category": "tip", "text": f"Deploy with {text[:200]}", "files": ["src/settings_0.py"]}
                       for _, text, _ in cases[:12]]
    own = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="secrets-probe-")) if own else workdir
    started = time.monotonic()
    with ScriptedServer(extraction_learnings=haiku_learnings) as server:
        probe = Probe(workdir, server)
        for n in range(0, len(cases), batch):
            probe.secret_paths(n // batch, cases[n:n + batch])
        probe.wait_for_worker()
        probe.outputs_of_cli()
        stored_lookalikes = probe.lookalike_paths(lookalikes)
        leaks = scan(probe.sinks(), cases)
        extraction_requests = len(server.extraction_requests())
    with sqlite3.connect(probe.data / "memory.db") as conn:
        counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("events", "handoffs", "learnings", "file_signatures", "recalls", "errors", "jobs")}
        jobs = dict(conn.execute("SELECT status, count(*) FROM jobs GROUP BY status").fetchall())
    kept_path = sum(1 for text, got in zip(lookalikes, stored_lookalikes) if got == text)
    kept_redact = sum(1 for text in lookalikes if redact(text) == text)
    kept_thorough = sum(1 for text in lookalikes if redact_thorough(text) == text)
    if own:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    n = max(len(lookalikes), 1)
    return {
        "secrets": len(cases),
        "kinds": len({kind.split(":")[0] for kind, _, _ in cases}),
        "families": len({kind.split(":")[0].split("-")[0] for kind, _, _ in cases}),
        "contexts": len({kind.partition(":")[2] for kind, _, _ in cases if ":" in kind}),
        "hook_runs": probe.hook_runs,
        "extraction_requests": extraction_requests,
        "rows": counts,
        "jobs": jobs,
        **{sink: len(leaks[sink]) for sink in SINKS},
        "leaks": leaks,
        "lookalikes": n,
        "lookalikes_kept_by_redact_pct": round(100 * kept_redact / n, 1),
        "lookalikes_kept_by_thorough_pct": round(100 * kept_thorough / n, 1),
        "lookalikes_kept_through_bash_path_pct": round(100 * kept_path / n, 1),
        "seconds": round(time.monotonic() - started, 1),
    }


def redact_cost() -> dict[str, float]:
    """CPU microseconds per ``redact()`` call on typical hook payloads (in-process, best of 5 rounds; CPU
    time, so that other processes on the machine do not count)."""
    import timeit

    from memory.redact import redact

    outline = (REPO / "memory" / "continuity" / "handoff.py").read_text(encoding="utf-8")
    samples = {
        "bash command (plain)": "git status && npm test -- --watch=false",
        "bash command (with a key)": SECRET_CASES[0][1],
        "400-char error": ("Traceback (most recent call last):\n  File \"app.py\", line 3\nValueError: bad\n" * 6)[:400],
        "todo list (5 items)": " | ".join(f"Fix the failing test in module {k}" for k in range(5)),
        f"source text ({len(outline) // 1000} KB)": outline,
    }
    cost = {}
    for name, text in samples.items():
        redact(text)
        runs = 20 if len(text) > 5000 else 500
        best = min(timeit.repeat(lambda t=text: redact(t), number=runs, repeat=5, timer=time.process_time))
        cost[name] = round(best / runs * 1e6, 1)
    return cost


def main() -> None:
    """Run the probe on the whole corpus (or the quick subset) and write benchmarks/results/secrets.json."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one case per kind and context (the test's subset)")
    parser.add_argument("--batch", type=int, default=8, help="cases per session")
    args = parser.parse_args()
    cases = quick_cases() if args.quick else SECRET_CASES
    result = run_probe(cases, [text for _, text in LOOKALIKES], batch=args.batch)
    result["redact_us_per_call"] = redact_cost()
    write_result("secrets", result)
    shown = {k: v for k, v in result.items() if k != "leaks"}
    print(json.dumps(shown, indent=2))
    for sink in SINKS:
        for leak in result["leaks"][sink][:20]:
            print(f"LEAK {sink}: {leak['kind']} in {', '.join(leak['where'])}")
    sys.exit(0)


if __name__ == "__main__":
    main()
