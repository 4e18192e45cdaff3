"""Recall at the moment of action: what is shown before an Edit/Write/Bash, whether it is relevant, and the cost.

    python -m benchmarks.action_bench [--runs N] [--no-latency] [--dump]

Method. Every tool call goes through the real hook code (``memory.hooks.runtime.main``, in this process, on a
real SQLite store in a temp data folder): PreToolUse for Edit/MultiEdit/Write/Bash (what Claude would be
shown), PostToolUse for Read/Edit/Write/Bash (what makes anchors notice change). The learning ids are read
back from the additionalContext text the hook returned. Counted per run:

- shown: learnings injected at the moment of action; relevant: those labelled relevant to that tool call;
- repeats: a learning shown twice in one session (must be 0);
- stale shown: a learning shown while the script has changed what it is anchored to (must be 0);
- missed (scripted sessions only): a call whose labelled-relevant learning (not shown earlier in the session,
  not stale) was not shown (anchors are exact: a paraphrased command does not match);
- store_opened (replays): the PreToolUse calls the anchor index could not answer alone (the others leave no
  hook_runs row).

1. Scripted sessions (``benchmarks/action_data/scripted.json``): written by us alongside the code, with hard
   cases (look-alike commands, another project's learning, forgotten and superseded learnings, generic symbol
   names, a changed definition, a deleted file, paraphrases that exact anchors cannot catch). A regression
   check, not evidence.
2. Real-session replay: the tool calls of the real transcripts in ``tests/fixtures/transcripts/real`` (other
   people's sessions), replayed in order as a new session of the same project (the hook's cwd is the session's
   most common working directory, standing for the repository root), against learnings of that
   project: (a) extracted from the project's transcripts by the current extractor (``memory.learning.rules``;
   its anchors, or its ``files``/``symbols`` when it gives no anchors), and (b) learnings with anchors we
   labelled for those projects (``benchmarks/action_data/real_anchored.json``). Held out
   (``benchmarks/action_data/heldout``): three more real sessions of one of those users, that no rule was tuned
   on, replayed against the memory of that user's labelled sessions (both kinds). Each injection is judged
   relevant or not in ``benchmarks/action_data/blind_labels.json`` (how the labels were made, and what they
   are worth, is written there: labelled from the learning and the tool call alone, without knowing which
   version of the matching produced it); an injection with no label counts as not relevant.
3. Latency (unless --no-latency): whole hook processes through ``hooks/run``, interleaved round by round with a
   bare interpreter start and with the PostToolUse of a tracked tool, on a store of 600 learnings.

Writes benchmarks/results/action.json.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from benchmarks.harness import REAL_TRANSCRIPTS, REPO, bare_python, hook, markdown_table, summarize, \
    time_interleaved, write_result

DATA = REPO / "benchmarks" / "action_data"
HELDOUT = DATA / "heldout"
LABELS = DATA / "blind_labels.json"
ACTION_TOOLS = ("Edit", "MultiEdit", "Write", "Bash")
OBSERVED_TOOLS = ("Read", "Edit", "MultiEdit", "Write", "Bash")
_ID = re.compile(r"^- Previous learning \[[a-z-]+ #(\d+)", re.MULTILINE)


@contextmanager
def memory_home():
    """A fresh data folder for the hooks run in this process."""
    saved = {k: os.environ.get(k) for k in ("MEMORY_HOME", "CLAUDE_PLUGIN_DATA", "MEMORY_EMBEDDINGS_PROVIDER")}
    with tempfile.TemporaryDirectory() as home:
        os.environ["MEMORY_HOME"] = home
        os.environ.pop("CLAUDE_PLUGIN_DATA", None)
        os.environ["MEMORY_EMBEDDINGS_PROVIDER"] = "builtin"
        try:
            yield home
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def run_hook(event: str, payload: dict) -> dict | None:
    """One hook event through the real runtime, in this process; its JSON answer or None."""
    from memory.hooks.runtime import main

    out = io.StringIO()
    main(event, io.BytesIO(json.dumps({"hook_event_name": event, **payload}).encode()), out)
    return json.loads(out.getvalue()) if out.getvalue().strip() else None


def shown_ids(answer: dict | None) -> list[int]:
    """The learning ids in a PreToolUse answer's additionalContext."""
    if not answer:
        return []
    return [int(i) for i in _ID.findall(answer["hookSpecificOutput"].get("additionalContext", ""))]


def add_learning(conn, project_id: int | None, item: dict) -> int:
    """Store one labelled learning (text, category, anchors, and optional files/forgotten/superseded)."""
    from memory.learning.dedup import text_hash

    cur = conn.execute(
        "INSERT INTO learnings(project_id, category, text, text_hash, confidence, anchors_json, files_json, "
        "symbols_json, forgotten_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (project_id, item["category"], item["text"], text_hash(item["text"]), item.get("confidence", 0.8),
         json.dumps(item.get("anchors", [])), json.dumps(item.get("files", [])), json.dumps(item.get("symbols", [])),
         "2026-01-01T00:00:00.000Z" if item.get("forgotten") else None))
    return cur.lastrowid


class Tally:
    """Counts of one benchmark part."""

    def __init__(self) -> None:
        self.calls = self.shown = self.relevant = self.repeats = self.stale_shown = self.missed = 0
        self.unlabelled = 0
        self.expected = 0
        self.details: list[dict] = []

    def as_dict(self) -> dict:
        precision = self.relevant / self.shown if self.shown else None
        return {"action_calls": self.calls, "shown": self.shown, "relevant": self.relevant,
                "relevant_share": round(precision, 3) if precision is not None else None,
                "repeats": self.repeats, "stale_shown": self.stale_shown, "labelled_relevant": self.expected,
                "missed": self.missed, "unlabelled": self.unlabelled}


# ---- 1. scripted sessions ----------------------------------------------------------------------------------

def scripted() -> dict:
    """Run the scripted sessions of scripted.json; return the tally (with per-injection details)."""
    from memory import store
    from memory.project import find_project
    from memory.store.core import upsert_project

    spec = json.loads((DATA / "scripted.json").read_text(encoding="utf-8"))
    tally = Tally()
    with memory_home(), tempfile.TemporaryDirectory() as work:
        roots = {name: Path(work, name) for name in spec["projects"]}
        for name, files in spec["projects"].items():
            for rel, text in files.items():
                _write(roots[name] / rel, text)
        conn = store.connect()
        ids, keys = {}, {}
        pids = {name: upsert_project(conn, find_project(str(root))) for name, root in roots.items()}
        for key, item in spec["learnings"].items():
            ids[key] = add_learning(conn, None if item["scope"] == "global" else pids[item["scope"]], item)
            keys[ids[key]] = key
        for key, item in spec["learnings"].items():
            if item.get("superseded_by"):
                conn.execute("UPDATE learnings SET superseded_by = ? WHERE id = ?",
                             (ids[item["superseded_by"]], ids[key]))
        conn.close()
        for session in spec["sessions"]:
            _scripted_session(session, roots, keys, tally)
    return tally.as_dict() | {"injections": tally.details}


def _scripted_session(session: dict, roots: dict[str, Path], keys: dict[int, str], tally: Tally) -> None:
    root = roots[session["project"]]
    sid = session["id"]
    seen: set[str] = set()
    stale: set[str] = set()
    for n, step in enumerate(session["steps"]):
        if "write" in step:
            _write(root / step["write"], step["text"])
            continue
        if "delete" in step:
            (root / step["delete"]).unlink()
            continue
        stale |= set(step.get("now_stale", []))
        stale -= set(step.get("no_longer_stale", []))
        tool, tool_input = step["tool"], _expand(step["input"], root)
        payload = {"session_id": sid, "cwd": str(root), "tool_name": tool, "tool_input": tool_input,
                   "tool_use_id": f"{sid}-{n}"}
        if step.get("post"):
            run_hook("PostToolUse", {**payload, "tool_response": {}})
            continue
        shown = [keys[i] for i in shown_ids(run_hook("PreToolUse", payload))]
        relevant = set(step.get("relevant", []))
        wanted = relevant - seen - stale  # what should appear now: relevant, not shown before, not stale
        tally.expected += len(wanted)
        tally.missed += len(wanted - set(shown))
        _count(tally, sid, f"{tool} {_brief(tool_input)}", shown, relevant, seen, stale)
        if tool in OBSERVED_TOOLS:
            run_hook("PostToolUse", {**payload, "tool_response": {}})


def _count(tally: Tally, sid: str, action: str, shown: list, relevant: set, seen: set, stale: set) -> None:
    tally.calls += 1
    for key in shown:
        tally.shown += 1
        tally.relevant += key in relevant
        tally.repeats += key in seen
        tally.stale_shown += key in stale
        seen.add(key)
        tally.details.append({"session": sid, "action": action, "learning": key, "relevant": key in relevant})


def _expand(value, root: Path):
    if isinstance(value, str):
        return value.replace("{root}", str(root))
    if isinstance(value, list):
        return [_expand(v, root) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, root) for k, v in value.items()}
    return value


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _brief(tool_input: dict) -> str:
    text = tool_input.get("command") or tool_input.get("file_path") or ""
    return " ".join(str(text).split())[:120]


# ---- 2. real-session replay --------------------------------------------------------------------------------

def real_projects() -> dict[str, list[Path]]:
    """The real transcripts grouped by project (sessions of one repository share a memory)."""
    groups = json.loads((DATA / "real_projects.json").read_text(encoding="utf-8"))
    return {name: [REAL_TRANSCRIPTS / f"{stem}.jsonl" for stem in stems] for name, stems in groups.items()}


def real_plan() -> list[tuple[str, list[Path], list[Path], list[str]]]:
    """The replay of the shared real transcripts: each project's sessions against its own learnings, as
    (name, sessions replayed, transcripts extracted from, projects of real_anchored.json)."""
    return [(name, paths, paths, [name]) for name, paths in real_projects().items()]


def heldout_plan() -> list[tuple[str, list[Path], list[Path], list[str]]]:
    """The held-out replay (``action_data/heldout/heldout.json``): sessions nobody labelled learnings for or
    tuned a rule on, against the memory of the same user's labelled sessions."""
    spec = json.loads((HELDOUT / "heldout.json").read_text(encoding="utf-8"))
    learned = [REAL_TRANSCRIPTS / f"{stem}.jsonl" for stem in spec["extracted_from"]]
    return [(stem, [HELDOUT / f"{stem}.jsonl"], learned, spec["labelled_from"]) for stem in spec["sessions"]]


def session_cwd(path: Path) -> str:
    """The working directory the session ran in (the most common cwd of its tool calls)."""
    from memory.transcript import ToolCall, iter_records

    counts: dict[str, int] = {}
    for record in iter_records(path):
        if isinstance(record, ToolCall) and record.cwd:
            counts[record.cwd] = counts.get(record.cwd, 0) + 1
    return max(counts, key=counts.get) if counts else f"/replay/{path.stem}"


def replay(source: str, dump: bool = False, plan: list | None = None) -> dict:
    """Replay real sessions (``plan``: ``real_plan()`` by default) against learnings from ``source``:
    "extracted" (by the current extractor) or "labelled" (real_anchored.json)."""
    from memory import store
    from memory.transcript import ToolCall, iter_records
    from memory.learning.rules import extract
    from memory.learning.storage import add_or_reinforce
    from memory.project import find_project
    from memory.store import transaction
    from memory.store.core import upsert_project

    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    anchored = json.loads((DATA / "real_anchored.json").read_text(encoding="utf-8"))
    tally, per_project, store_opened = Tally(), {}, 0
    for project, transcripts, learned_from, anchored_from in (plan or real_plan()):
        with memory_home():
            cwd = session_cwd(transcripts[0])
            conn = store.connect()
            pid = upsert_project(conn, find_project(cwd))
            texts: dict[int, str] = {}
            with transaction(conn):
                if source == "extracted":
                    for path in learned_from:
                        for learning in extract(iter_records(path), session_id=path.stem):
                            add_or_reinforce(conn, project_id=None if learning.category == "preference" else pid,
                                             learning=learning, session_id=path.stem, vector=None, model=None)
                else:
                    for name in anchored_from:
                        for item in anchored.get(name, []):
                            add_learning(conn, pid, item)
            for row in conn.execute("SELECT id, text FROM learnings"):
                texts[row["id"]] = row["text"]
            conn.close()
            before = tally.shown, tally.relevant
            for path in transcripts:
                sid = f"replay-{source}-{path.stem}"
                seen: set[int] = set()
                for record in iter_records(path):
                    if not isinstance(record, ToolCall) or record.sidechain or record.name not in OBSERVED_TOOLS:
                        continue
                    payload = {"session_id": sid, "cwd": cwd, "tool_name": record.name,
                               "tool_input": record.input, "tool_use_id": record.id}
                    if record.name in ACTION_TOOLS:
                        tally.calls += 1
                        shown = shown_ids(run_hook("PreToolUse", payload))
                        tally.stale_shown += _marked_stale(shown)
                        for learning_id in shown:
                            _label(tally, labels, path.stem, record, texts[learning_id], learning_id in seen, dump)
                            seen.add(learning_id)
                    run_hook("PostToolUse", {**payload, "tool_response": {}})
            conn = store.connect()  # a PreToolUse the anchor index answered alone leaves no hook_runs row
            opened = conn.execute("SELECT count(*) FROM hook_runs WHERE event = 'PreToolUse'").fetchone()[0]
            conn.close()
            store_opened += opened
            per_project[project] = {"shown": tally.shown - before[0], "relevant": tally.relevant - before[1],
                                    "learnings": len(texts), "store_opened": opened}
    return tally.as_dict() | {"labelled_relevant": None, "missed": None,  # relevance is labelled per injection
                              "store_opened": store_opened, "per_project": per_project, "injections": tally.details}


def _marked_stale(ids: list[int]) -> int:
    """How many of ``ids`` the store marks "may be stale" right now. (In the replays nothing gets marked: their
    files are not on this disk and no baseline is taken; the scripted sessions exercise staleness.)"""
    if not ids:
        return 0
    from memory import store

    conn = store.connect()
    try:
        marks = ",".join("?" * len(ids))
        return conn.execute(f"SELECT count(DISTINCT learning_id) FROM anchor_marks WHERE state = 'stale' "
                            f"AND learning_id IN ({marks})", ids).fetchone()[0]
    finally:
        conn.close()


def label_key(learning_text: str) -> str:
    """A learning's key in blind_labels.json: the first 12 hex digits of the SHA-1 of its text."""
    return hashlib.sha1(learning_text.encode("utf-8")).hexdigest()[:12]


def _label(tally: Tally, labels: dict, stem: str, call, text: str, repeated: bool, dump: bool) -> None:
    from memory.transcript import describe_call

    tally.shown += 1
    tally.repeats += repeated
    verdict = labels.get(stem, {}).get(call.id, {}).get(label_key(text))
    if verdict is None:
        tally.unlabelled += 1
    tally.relevant += bool(verdict)
    entry = {"session": stem, "tool_use_id": call.id, "action": describe_call(call)[:160],
             "learning_key": label_key(text), "learning": text, "relevant": verdict}
    tally.details.append(entry)
    if dump:
        print(json.dumps(entry, ensure_ascii=False))


# ---- 3. latency --------------------------------------------------------------------------------------------

def latency(runs: int) -> dict:
    """PreToolUse Edit/Bash (matching and not) and PostToolUse against a bare interpreter, one interleaved run."""
    from memory import store
    from memory.learning.dedup import text_hash
    from memory.project import find_project
    from memory.store.core import upsert_project

    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryDirectory() as project:
        env = {"MEMORY_HOME": home}
        os.environ["MEMORY_HOME"] = home
        money = Path(project, "money.py")
        money.write_text("def round_total(amount):\n    return amount\n" * 20)
        conn = store.connect()
        pid = upsert_project(conn, find_project(project))
        programs = ["npm", "cargo", "make", "docker", "git", "pytest", "alembic", "tox", "uv", "go"]
        for n in range(600):  # a large store: a third with command anchors, a third with files and symbols
            anchors = ([{"kind": "command", "value": f"{programs[n % 10]} sub{n}"}] if n % 3 == 0 else
                       [{"kind": "file", "value": f"src/mod{n}.py"}, {"kind": "symbol", "value": f"func_{n}"}]
                       if n % 3 == 1 else [])
            text = f"Learning number {n} about the project, with enough words to look like a real one."
            conn.execute("INSERT INTO learnings(project_id, category, text, text_hash, anchors_json, files_json) "
                         "VALUES (?, 'tip', ?, ?, ?, ?)", (pid if n % 5 else None, text, text_hash(text),
                                                           json.dumps(anchors), json.dumps([])))
        for text, anchors in (("`cargo test` needs DATABASE_URL: use `make test`.",
                               [{"kind": "command", "value": "cargo test"}]),
                              ("round_total rounds half-up with Decimal.",
                               [{"kind": "file", "value": "money.py"}, {"kind": "symbol", "value": "round_total"}])):
            conn.execute("INSERT INTO learnings(project_id, category, text, text_hash, anchors_json) "
                         "VALUES (?, 'fix', ?, ?, ?)", (pid, text, text_hash(text), json.dumps(anchors)))
        conn.close()
        counter = {"n": 0}

        def command(name: str, tool: str, tool_input: dict, event: str = "PreToolUse"):
            cmd = hook(event, {}, env, name=name)

            def fresh_session() -> None:  # a new session each run, so a matching learning fires every time
                counter["n"] += 1
                payload = {"session_id": f"bench-{counter['n']}", "cwd": project, "hook_event_name": event,
                           "tool_name": tool, "tool_input": tool_input, "tool_use_id": f"t{counter['n']}"}
                if event == "PostToolUse":
                    payload["tool_response"] = {"stdout": "ok", "stderr": "", "interrupted": False}
                cmd.stdin = json.dumps(payload).encode()

            cmd.before_each = fresh_session
            return cmd

        edit = {"file_path": str(money), "old_string": "return amount", "new_string": "return round_total(amount)"}
        commands = [
            bare_python(),
            command("PostToolUse (tracked tool: Bash)", "Bash", {"command": "ls -la"}, event="PostToolUse"),
            command("PreToolUse Bash, a learning fires", "Bash", {"command": "cargo test --release"}),
            command("PreToolUse Bash, nothing anchored", "Bash", {"command": "ls -la src"}),
            command("PreToolUse Edit, a learning fires", "Edit", edit),
            command("PreToolUse Edit, nothing anchored", "Edit", {**edit, "file_path": str(Path(project, "x.py")),
                                                                  "old_string": "a", "new_string": "b"}),
        ]
        summary = summarize(time_interleaved(commands, runs=runs), baseline=commands[0].name)
    return summary


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--no-latency", action="store_true", help="quality figures only")
    parser.add_argument("--dump", action="store_true", help="print every real-replay injection (for labelling)")
    args = parser.parse_args()
    result = {"scripted": scripted(), "replay_extracted": replay("extracted", args.dump),
              "replay_labelled": replay("labelled", args.dump),
              "heldout_extracted": replay("extracted", args.dump, heldout_plan()),
              "heldout_labelled": replay("labelled", args.dump, heldout_plan())}
    for part in ("scripted", "replay_extracted", "replay_labelled", "heldout_extracted", "heldout_labelled"):
        figures = {k: v for k, v in result[part].items() if k not in ("injections", "per_project")}
        print(part, json.dumps(figures), file=sys.stderr)
    if not args.no_latency:
        result["latency"] = latency(args.runs)
        print(markdown_table(result["latency"]))
    write_result("action", result)


if __name__ == "__main__":
    main()
