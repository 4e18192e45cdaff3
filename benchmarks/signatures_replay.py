"""Replay of the whole-file Reads of real Claude Code sessions: is any Read narrowed for a net loss?

    python -m benchmarks.signatures_replay

Material: the real transcripts in tests/fixtures/transcripts/real/ (public, licensed; see SOURCES.md there).
A transcript holds each Read's result, so a file is recoverable when the session read it whole (the result
starts at line 1 and has every line). Each such file is written at its path relative to the session's
working folder in a scratch project, and the session's Reads are replayed in order through
``memory.signatures.plan_read`` (the hook's decision, in-process; one replay session per transcript).

Edits are replayed into the plugin's record (as the PostToolUse hook records them), so a Read after an edit
passes through as it would live. For a Read the hook narrows: original = the whole Read's tokens; delivered
= the head lines + the context; follow-up = what the plugin's own accounting (``accounting.record_read``)
charges: every later Read of the same file in that session, of any range, until the session edits it, with
the tokens its result delivered. Net = original - delivered - follow-up.

What this cannot know, either way: the session had the whole file, so its later Reads happened *without*
narrowing (``net_saved_tokens_as_it_happened`` leaves them out: original - delivered), and it never needed
the extra ranges Claude would read after an outline. The worst case -- a narrowed Read followed by a Read of
the whole file -- costs the delivered tokens, at most a fifth of the file (a Read that would save under 80%
passes through).
Writes results/signatures_replay.json.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from benchmarks.harness import REPO, write_result

TRANSCRIPTS = REPO / "tests" / "fixtures" / "transcripts" / "real"


def reads_of(transcript: Path) -> tuple[str | None, list[dict]]:
    """The session's working folder and its Read calls in order: path, input, and the result's file record."""
    cwd, calls, results = None, {}, {}
    order: list[str] = []
    for line in transcript.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        cwd = cwd or entry.get("cwd")
        content = (entry.get("message") or {}).get("content")
        if not isinstance(content, list):
            continue
        for block in content:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_use" and block.get("name") in ("Read", *EDIT_TOOLS):
                if block["id"] not in calls:  # a message can be written to the transcript more than once
                    order.append(block["id"])
                calls[block["id"]] = {**(block.get("input") or {}), "tool": block["name"]}
            elif block.get("type") == "tool_result" and block.get("tool_use_id") in calls:
                record = entry.get("toolUseResult")
                results[block["tool_use_id"]] = record.get("file") if isinstance(record, dict) else None
    return cwd, [{"input": calls[i], "file": results.get(i)} for i in order if isinstance(calls[i].get("file_path"), str)]


EDIT_TOOLS = ("Edit", "Write", "MultiEdit")


def whole(file: dict | None) -> bool:
    """Whether a Read result holds the whole file."""
    return (isinstance(file, dict) and isinstance(file.get("content"), str) and file.get("startLine") == 1
            and file.get("numLines") == file.get("totalLines"))


def replay(conn, config, transcript: Path) -> list[dict]:
    """Every whole-file Read of ``transcript`` whose file is recoverable, with what the hook does to it."""
    from memory.signatures.preread import PassThrough, plan_read
    from memory.continuity.events import event_from_call
    from memory.signatures.accounting import record_read
    from memory.store import events

    cwd, calls = reads_of(transcript)
    session = f"replay-{transcript.stem}"
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "project"
        (project / ".git").mkdir(parents=True)

        def local(original: str) -> Path:
            inside = cwd and original.startswith(cwd.rstrip("/") + "/")
            return project / (os.path.relpath(original, cwd) if inside else original.lstrip("/"))

        for call in calls:
            path, target = call["input"]["file_path"], local(call["input"]["file_path"])
            if call["input"]["tool"] in EDIT_TOOLS:
                edit = event_from_call(call["input"]["tool"], {"file_path": str(target)}, None, str(project))
                events.insert(conn, session, None, edit)  # as the PostToolUse hook does
                continue
            ranged = "offset" in call["input"] or "limit" in call["input"]
            if not ranged and whole(call["file"]):  # the file as this Read found it
                text = call["file"]["content"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text + ("\n" if text and not text.endswith("\n") else ""), encoding="utf-8")
                row = {"transcript": transcript.name, "file": os.path.basename(path), "lines": text.count("\n") + 1}
                try:
                    plan = plan_read(conn, config, str(project), str(target), session_id=session)
                except PassThrough as exc:
                    rows.append({**row, "narrowed": False, "reason": str(exc)})
                else:
                    rows.append({**row, "narrowed": True, "key": (str(target), plan.outline.hash),
                                 "original_tokens": plan.original_tokens, "delivered_tokens": plan.delivered_tokens})
                    continue  # its own PostToolUse is not a follow-up
            if call["file"] is not None:  # the PostToolUse accounting of this Read, as the hook runs it
                record_read(conn, session, str(target), call["input"], {"file": call["file"]}, None, str(project))
        for row in rows:
            if row["narrowed"]:
                found = conn.execute(
                    "SELECT followup_reads, followup_tokens FROM signature_reads WHERE session_id = ? AND path = ? "
                    "AND hash = ?", (session, *row.pop("key"))).fetchone()
                row["followup_reads"], row["followup_tokens"] = found["followup_reads"], found["followup_tokens"]
                row["net_saved_tokens"] = row["original_tokens"] - row["delivered_tokens"] - row["followup_tokens"]
                row["net_saved_tokens_as_it_happened"] = row["original_tokens"] - row["delivered_tokens"]
    return rows


def run() -> dict:
    """Replay every real transcript; the rows and their totals."""
    with tempfile.TemporaryDirectory() as home:
        os.environ["MEMORY_HOME"] = home
        from memory import store
        from memory.config import load_config

        config = load_config(None, environ={})
        conn = store.connect()
        rows = [row for transcript in sorted(TRANSCRIPTS.glob("*.jsonl")) for row in replay(conn, config, transcript)]
        conn.close()
    narrowed = [r for r in rows if r["narrowed"]]
    return {
        "transcripts": len(list(TRANSCRIPTS.glob("*.jsonl"))),
        "whole_reads_recovered": len(rows),
        "narrowed": len(narrowed),
        "net_losses": sum(1 for r in narrowed if r["net_saved_tokens"] < 0),
        "net_saved_tokens": sum(r["net_saved_tokens"] for r in narrowed),
        "reads": rows,
    }


def main() -> None:
    """Print the replay and write benchmarks/results/signatures_replay.json."""
    result = run()
    for row in result["reads"]:
        if row["narrowed"]:
            print(f"{row['transcript'][:34]:34} {row['file']:28} {row['lines']:5} lines  narrowed: "
                  f"{row['original_tokens']} -> {row['delivered_tokens']} + follow-up {row['followup_tokens']} "
                  f"= net {row['net_saved_tokens']:+}")
        else:
            print(f"{row['transcript'][:34]:34} {row['file']:28} {row['lines']:5} lines  passes: {row['reason']}")
    print(f"{result['whole_reads_recovered']} whole-file Reads recovered, {result['narrowed']} narrowed, "
          f"{result['net_losses']} for a net loss; net {result['net_saved_tokens']:+} tokens")
    print(f"written to {write_result('signatures_replay', result)}")


if __name__ == "__main__":
    main()
