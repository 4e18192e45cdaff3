"""The Haiku extractor: a condensed, redacted session sent to Claude Haiku, 3-5 learnings back as a tool call.

Runs only in the worker, only when ANTHROPIC_API_KEY is set, ``learning.extractor`` allows it and today's
token budget has room for the call (estimated before, charged after from the reported usage). The session is
condensed to ``learning.max_input_tokens``: user prompts, assistant statements, tool calls and errors, each
line capped, the middle dropped when it is still too long. Everything is redacted before it is sent.
"""

from __future__ import annotations

import os
import sqlite3

from memory.text import shorten
from memory.tokens import estimate_tokens, truncate_to_tokens

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

    from memory.config import Config

NAME = "haiku"
MAX_OUTPUT_TOKENS = 1024
LINE_CHARS = 400
TOOL_NAME = "record_learnings"
SYSTEM = (
    "You read a condensed Claude Code session and record what a future session in the same repository should "
    "know. Record 3 to 5 learnings, each one actionable sentence of at most 300 characters, specific to this "
    "project (commands, files, conventions, fixes, decisions, the user's preferences, approaches that failed). "
    "Skip anything generic or obvious. Never include secrets."
)
CATEGORY_HELP = {
    "fix": "a problem and what solved it",
    "preference": "how the user wants things done",
    "architecture": "a structural decision or fact about the codebase",
    "pattern": "a recurring convention in the code",
    "tip": "a command or practice that works here",
    "dead-end": "an approach that was tried and abandoned, and why",
}


def available(config: Config, environ: dict[str, str] | None = None) -> bool:
    """True when the configuration and the environment allow Haiku at all (the budget is checked per call)."""
    env = os.environ if environ is None else environ
    return (bool(env.get("ANTHROPIC_API_KEY")) and config.get("learning", "extractor") in ("auto", "haiku")
            and int(config.get("learning", "daily_token_budget")) > 0)


def condense(records: Iterable[Any], max_tokens: int) -> str:
    """The session as short redacted lines, cut to ``max_tokens`` (the start and the end are kept)."""
    from memory.redact import redact_thorough

    lines = [line for line in (_line(r) for r in records) if line]
    text = redact_thorough("\n".join(lines))
    if estimate_tokens(text) <= max_tokens:
        return text
    head = truncate_to_tokens(text, max_tokens // 4)
    tail_chars = (max_tokens - estimate_tokens(head)) * 4 - 40
    return head + "\n[... middle of the session left out ...]\n" + text[-max(tail_chars, 0):]


def _line(record: Any) -> str:
    kind = type(record).__name__
    if getattr(record, "sidechain", False):
        return ""
    if kind == "UserPrompt":
        return _cap(f"USER: {record.text}")
    if kind == "AssistantText":
        return _cap(f"ASSISTANT: {record.text}")
    if kind == "ToolCall":
        detail = record.input.get("command") or record.input.get("file_path") or record.input.get("pattern") or ""
        return _cap(f"TOOL {record.name}: {detail}")
    if kind == "ToolResult" and record.is_error:
        return _cap(f"ERROR: {record.text}")
    if kind in ("CompactSummary", "Summary"):
        return _cap(f"SUMMARY: {record.text}")
    return ""


def _cap(text: str) -> str:
    return shorten(text, LINE_CHARS, one_line=True)


def _tool() -> dict[str, Any]:
    return {
        "name": TOOL_NAME,
        "description": "Record the learnings of this session.",
        "input_schema": {
            "type": "object",
            "properties": {"learnings": {"type": "array", "minItems": 1, "maxItems": 5, "items": {
                "type": "object",
                "properties": {
                    "category": {"type": "string", "enum": list(CATEGORY_HELP),
                                 "description": "; ".join(f"{k}: {v}" for k, v in CATEGORY_HELP.items())},
                    "text": {"type": "string", "maxLength": 300},
                    "files": {"type": "array", "items": {"type": "string"}},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                },
                "required": ["category", "text"],
            }}},
            "required": ["learnings"],
        },
    }


def extract(records: list[Any], *, session_id: str, config: Config, conn: sqlite3.Connection) -> list[Any]:
    """Ask Haiku for 3-5 learnings; [] when over budget. Raises on API errors (the job is retried)."""
    from memory import log
    from memory.learning import budget

    transcript = condense(records, int(config.get("learning", "max_input_tokens")))
    if not transcript.strip():
        return []
    estimate = estimate_tokens(SYSTEM) + estimate_tokens(transcript) + 200 + MAX_OUTPUT_TOKENS
    limit = int(config.get("learning", "daily_token_budget"))
    if not budget.allows(conn, limit, estimate):
        log.info("haiku", f"skipped: ~{estimate} tokens would pass today's budget of {limit}")
        return []
    model = config.get("learning", "haiku_model")
    response = _client().messages.create(
        model=model, max_tokens=MAX_OUTPUT_TOKENS, system=SYSTEM, tools=[_tool()],
        tool_choice={"type": "tool", "name": TOOL_NAME},
        messages=[{"role": "user", "content": f"<session>\n{transcript}\n</session>"}],
    )
    usage = response.usage
    budget.charge(conn, model, "extract", usage.input_tokens, usage.output_tokens)
    return parse_response(response, session_id)


def _client():
    import anthropic

    return anthropic.Anthropic(timeout=60.0, max_retries=1)


def parse_response(response: Any, session_id: str) -> list[Any]:
    """The learnings in the tool call of a Messages API response (malformed items are skipped)."""
    from memory.learning.model import CATEGORIES, Learning, clip

    found = []
    for block in response.content:
        if getattr(block, "type", None) != "tool_use" or getattr(block, "name", None) != TOOL_NAME:
            continue
        for item in (block.input or {}).get("learnings", []) or []:
            if not isinstance(item, dict):
                continue
            category, text = str(item.get("category", "")).strip().lower(), str(item.get("text", "")).strip()
            if category not in CATEGORIES or not text:
                continue
            files = [str(f) for f in item.get("files") or [] if isinstance(f, str)][:10]
            confidence = item.get("confidence")
            confidence = float(confidence) if isinstance(confidence, (int, float)) else 0.7  # clamped by Learning
            found.append(Learning(category=category, text=clip(text), files=files, symbols=[],
                                  evidence={"session_id": session_id, "lines": []}, confidence=confidence,
                                  extractor=NAME))
    return found
