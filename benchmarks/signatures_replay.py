"""Replay of the whole-file Reads of real Claude Code sessions: is any Read narrowed for a net loss?

    python -m benchmarks.signatures_replay

Material: the real transcripts in tests/fixtures/transcripts/real/ (public, licensed; see SOURCES.md there).
A transcript holds each Read's result, so a file is recoverable when the session read it whole (the result
starts at line 1 and has every line). Each such file is written at its path relative to the session's
working folder in a scratch project, and the session's Reads are replayed in order through
``memory.signatures.plan_read`` (the hook's decision, in-process; one replay session per transcript).

Edits are replayed into the plugin's record (as the PostToolUse hook records them), so a Read after an edit
passes through as it would live, and so are the user's prompts (as the UserPromptSubmit hook ends a turn).
For a Read the hook narrows: original = the whole Read's tokens; delivered = the head lines + the context;
follow-up = what the plugin's own accounting (``accounting.record_read``) charges: every later Read of the
same file in that session, of any range, until the session edits it or the user sends the next prompt, with
the tokens its result delivered. Net = original - delivered - follow-up. The replay is run a second time
charging every later Read of the session (``every_later_read_charged``, the accounting before turns), and
it counts how the sessions, as they ran, read again a file they had read whole (``rereads_without_the_plugin``):
the evidence for where a follow-up stops counting.

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
    """The session's working folder and, in order, its Read and edit calls (input and the result's file record)
    and the user's prompts (``{"prompt": True}``)."""
    cwd, calls, results = None, {}, {}
    order: list[str] = []
    prompts: dict[str, dict] = {}
    for line in transcript.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        cwd = cwd or entry.get("cwd")
        content = (entry.get("message") or {}).get("content")
        if is_prompt(entry):
            key = f"prompt-{entry.get('uuid') or len(order)}"
            if key not in prompts:
                order.append(key)
            prompts[key] = {"prompt": True}
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
    return cwd, [prompts[i] if i in prompts else {"input": calls[i], "file": results.get(i)} for i in order
                 if i in prompts or isinstance(calls[i].get("file_path"), str)]


def is_prompt(entry: dict) -> bool:
    """Whether a transcript entry is a prompt the user sent (what UserPromptSubmit sees): typed text, not a tool
    result, a compaction summary, an interruption note or a local command's output."""
    if entry.get("type") != "user" or entry.get("isMeta") or entry.get("isCompactSummary"):
        return False
    content = (entry.get("message") or {}).get("content")
    if isinstance(content, list):
        if any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content):
            return False
        texts = [b.get("text") for b in content if isinstance(b, dict) and b.get("type") == "text"]
        content = texts[0] if texts else None
    return isinstance(content, str) and bool(content.strip()) and not content.lstrip().startswith(("<", "[Request"))


EDIT_TOOLS = ("Edit", "Write", "MultiEdit")


def whole(file: dict | None) -> bool:
    """Whether a Read result holds the whole file."""
    return (isinstance(file, dict) and isinstance(file.get("content"), str) and file.get("startLine") == 1
            and file.get("numLines") == file.get("totalLines"))


def replay(conn, signatures, transcript: Path, turns: bool = True) -> list[dict]:
    """Every whole-file Read of ``transcript`` whose file is recoverable, with what the hook does to it. With
    ``turns`` each user prompt ends the turn as the UserPromptSubmit hook does (``store.signatures.end_turn``);
    without, every later Read in the session is charged (the accounting before turns counted)."""
    from memory.signatures.preread import PassThrough, plan_read
    from memory.continuity.events import event_from_call
    from memory.signatures.accounting import record_read
    from memory.store.signatures import end_turn
    from memory.store import events

    cwd, calls = reads_of(transcript)
    session = f"replay-{transcript.stem}{'' if turns else '-no-turns'}"
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "project"
        (project / ".git").mkdir(parents=True)

        def local(original: str) -> Path:
            inside = cwd and original.startswith(cwd.rstrip("/") + "/")
            return project / (os.path.relpath(original, cwd) if inside else original.lstrip("/"))

        for call in calls:
            if "prompt" in call:
                if turns:
                    end_turn(conn, session)
                continue
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
                    plan = plan_read(conn, signatures, str(project), str(target), session_id=session)
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


def rereads(calls: list[dict]) -> dict[str, int]:
    """How the session, which ran without this plugin, read again a file it had read whole: the next Read of the
    same path with no edit of it in between, counted by whether it was whole and whether a prompt came first."""
    counts = {"whole_same_turn": 0, "whole_after_prompt": 0, "range_same_turn": 0, "range_after_prompt": 0}
    for index, call in enumerate(calls):
        if "prompt" in call or call["input"]["tool"] != "Read" or "offset" in call["input"] or "limit" in call["input"]:
            continue
        prompted = False
        for later in calls[index + 1:]:
            if "prompt" in later:
                prompted = True
            elif later["input"]["file_path"] == call["input"]["file_path"]:
                if later["input"]["tool"] == "Read":
                    ranged = "offset" in later["input"] or "limit" in later["input"]
                    counts[f"{'range' if ranged else 'whole'}_{'after_prompt' if prompted else 'same_turn'}"] += 1
                break
    return counts


def run() -> dict:
    """Replay every real transcript, with the accounting's turns and without; the rows and their totals."""
    transcripts = sorted(TRANSCRIPTS.glob("*.jsonl"))
    with tempfile.TemporaryDirectory() as home:
        os.environ["MEMORY_HOME"] = home
        from memory import store
        from memory.config import load_settings

        signatures = load_settings(None, environ={}).signatures
        conn = store.connect()
        rows = [row for transcript in transcripts for row in replay(conn, signatures, transcript)]
        every_later = [row for transcript in transcripts for row in replay(conn, signatures, transcript, turns=False)]
        conn.close()
    seen: dict[str, int] = {}
    for transcript in transcripts:
        for key, count in rereads(reads_of(transcript)[1]).items():
            seen[key] = seen.get(key, 0) + count
    narrowed = [r for r in rows if r["narrowed"]]
    charged_every_later = [r for r in every_later if r["narrowed"]]
    return {
        "transcripts": len(transcripts),
        "whole_reads_recovered": len(rows),
        "narrowed": len(narrowed),
        "net_losses": sum(1 for r in narrowed if r["net_saved_tokens"] < 0),
        "net_saved_tokens": sum(r["net_saved_tokens"] for r in narrowed),
        "every_later_read_charged": {
            "net_losses": [f"{r['file']}: {r['net_saved_tokens']:+}" for r in charged_every_later
                           if r["net_saved_tokens"] < 0],
            "net_saved_tokens": sum(r["net_saved_tokens"] for r in charged_every_later),
        },
        "rereads_without_the_plugin": seen,
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
    every = result["every_later_read_charged"]
    print(f"charging every later Read of the session instead (no turns): {len(every['net_losses'])} for a net loss "
          f"{every['net_losses']}; net {every['net_saved_tokens']:+} tokens")
    print(f"re-reads of a file read whole, in the sessions as they ran: {result['rereads_without_the_plugin']}")
    print(f"written to {write_result('signatures_replay', result)}")


if __name__ == "__main__":
    main()
