"""Print a Claude Code transcript as a short readable log, for labelling the benchmark by hand.

    python -m benchmarks.real_sessions.condense tests/fixtures/transcripts/real/NAME.jsonl [--width 300]

One line per event, prefixed by the transcript line number (the evidence numbers in learnings.json):
U user prompt, R tool rejection / interruption, A assistant prose, T tool call, E tool error, O tool output
(first characters only), C compaction summary, S system line. Sidechain (subagent) lines are marked with '>'.
"""

from __future__ import annotations

import argparse
import json
import sys


def _text(content) -> str:
    """Plain text of a message content (a string or a list of blocks)."""
    if isinstance(content, str):
        return content
    parts = []
    for block in content or []:
        if isinstance(block, dict):
            if block.get("type") == "text":
                parts.append(block.get("text", ""))
            elif block.get("type") == "tool_result":
                parts.append(_text(block.get("content")))
    return "\n".join(parts)


def _one_line(text: str, width: int) -> str:
    """Whitespace collapsed and cut to width characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _tool_call(block: dict) -> str:
    """A tool call as NAME(the most telling input)."""
    inp = block.get("input") or {}
    for key in ("command", "file_path", "pattern", "url", "query", "description", "prompt", "todos"):
        if key in inp:
            return f"{block.get('name')}({key}={inp[key]})"
    return f"{block.get('name')}({json.dumps(inp, ensure_ascii=False)})"


def condense(path: str, width: int) -> list[str]:
    """The readable log lines of one transcript."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for no, raw in enumerate(fh, 1):
            try:
                d = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(d, dict):
                continue
            side = ">" if d.get("isSidechain") else " "
            kind = d.get("type")
            msg = d.get("message") or {}
            content = msg.get("content")
            if kind == "system":
                sub = d.get("subtype") or ""
                if sub in ("compact_boundary", "api_error") or "rror" in str(d.get("content", ""))[:80]:
                    out.append(f"{no:5}{side}S {sub} {_one_line(d.get('content', ''), width)}")
                continue
            if kind == "user":
                if d.get("isCompactSummary"):
                    out.append(f"{no:5}{side}C {_one_line(_text(content), width * 3)}")
                    continue
                if d.get("isMeta"):
                    continue
                if isinstance(content, list) and any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content):
                    for b in content:
                        if not isinstance(b, dict) or b.get("type") != "tool_result":
                            continue
                        t = _text(b.get("content"))
                        if b.get("is_error"):
                            tag = "R" if "doesn't want to proceed" in t or "rejected" in t[:200] else "E"
                            out.append(f"{no:5}{side}{tag} {_one_line(t, width)}")
                        else:
                            out.append(f"{no:5}{side}O {_one_line(t, 120)}")
                    continue
                out.append(f"{no:5}{side}U {_one_line(_text(content), width * 2)}")
            elif kind == "assistant":
                for b in content or []:
                    if not isinstance(b, dict):
                        continue
                    if b.get("type") == "text" and b.get("text", "").strip():
                        out.append(f"{no:5}{side}A {_one_line(b['text'], width)}")
                    elif b.get("type") == "tool_use":
                        out.append(f"{no:5}{side}T {_one_line(_tool_call(b), width)}")
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--width", type=int, default=300)
    args = ap.parse_args(argv)
    sys.stdout.write("\n".join(condense(args.path, args.width)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
