"""The Haiku extractor: a condensed, redacted session sent to Claude Haiku, 3-5 learnings back as a tool call.

Runs only in the worker, only when ANTHROPIC_API_KEY is set, ``learning.extractor`` allows it and today's
token budget has room for the call (estimated before, charged after from the reported usage). The session is
condensed to ``learning.max_input_tokens``: user prompts, assistant statements, tool calls and errors, each
line capped, the middle dropped when it is still too long. Everything is redacted before it is sent.
"""

from __future__ import annotations

import os
import sqlite3

from memory.learning import llm_prompt
from memory.text import shorten
from memory.tokens import estimate_tokens, truncate_to_tokens

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

    from memory.config import Learning

NAME = "haiku"
CONNECT_SECONDS = 5.0  # a local or unreachable endpoint answers (or refuses) at once
READ_SECONDS = 30.0  # between bytes of the answer
TOTAL_SECONDS = 60.0  # the whole call, retry included (enforced by the extractor)
MAX_OUTPUT_TOKENS = 1024
LINE_CHARS = 400
TOOL_NAME = "record_learnings"
_SEPARATOR = "\n\x00\n"  # between records while they are redacted together (no rule matches a NUL)
SYSTEM = llm_prompt.SYSTEM


def available(learning: Learning, environ: dict[str, str] | None = None) -> bool:
    """True when the settings and the environment allow Haiku at all (the budget is checked per call)."""
    env = os.environ if environ is None else environ
    return (bool(env.get("ANTHROPIC_API_KEY")) and learning.extractor in ("auto", "haiku")
            and learning.daily_token_budget > 0)


def condense(records: Iterable[Any], max_tokens: int) -> str:
    """The session as short redacted lines, cut to ``max_tokens`` (the start and the end are kept)."""
    from memory.redact import redact_thorough

    # Redacted whole, then cut: a line cut first could keep half a key that no rule recognizes any more.
    raw = [line for line in (_line(r) for r in records) if line]
    redacted = redact_thorough(_SEPARATOR.join(raw)).split(_SEPARATOR) if raw else []
    text = "\n".join(_cap(line) for line in redacted)
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
        return f"USER: {record.text}"
    if kind == "AssistantText":
        return f"ASSISTANT: {record.text}"
    if kind == "ToolCall":
        detail = record.input.get("command") or record.input.get("file_path") or record.input.get("pattern") or ""
        return f"TOOL {record.name}: {detail}"
    if kind == "ToolResult" and record.is_error:
        return f"ERROR: {record.text}"
    if kind in ("CompactSummary", "Summary"):
        return f"SUMMARY: {record.text}"
    return ""


def _cap(text: str) -> str:
    return shorten(text, LINE_CHARS, one_line=True)


def _tool() -> dict[str, Any]:
    return llm_prompt.tool_schema(TOOL_NAME)


def extract(records: list[Any], *, session_id: str, learning: Learning, conn: sqlite3.Connection) -> list[Any]:
    """Ask Haiku for 3-5 learnings; [] when over budget. Raises on API errors (the extractor keeps the rules')."""
    from memory import log
    from memory.learning import budget

    transcript = condense(records, learning.max_input_tokens)
    if not transcript.strip():
        return []
    estimate = estimate_tokens(SYSTEM) + estimate_tokens(transcript) + 200 + MAX_OUTPUT_TOKENS
    limit = learning.daily_token_budget
    if not budget.allows(conn, limit, estimate):
        log.info("haiku", f"skipped: ~{estimate} tokens would pass today's budget of {limit}")
        return []
    model = learning.haiku_model
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

    timeout = anthropic.Timeout(READ_SECONDS, connect=CONNECT_SECONDS)
    return anthropic.Anthropic(timeout=timeout, max_retries=0)  # a failed call is not retried: the rules stand


def parse_response(response: Any, session_id: str) -> list[Any]:
    """The learnings in the tool call of a Messages API response (malformed items are skipped)."""
    found = []
    for block in response.content:
        if getattr(block, "type", None) != "tool_use" or getattr(block, "name", None) != TOOL_NAME:
            continue
        found.extend(llm_prompt.parse_items((block.input or {}).get("learnings"), session_id=session_id,
                                            extractor=NAME))
    return found
