"""What both LLM extractors (Haiku through the API, the user's `claude -p`) ask for, and how their answers are
read back into learnings.

The prompt asks for the categories of ``memory.learning.model`` and forbids what the rules extractor also
refuses: the task itself ("build X", "do not implement Y yet"), one-off actions, guesses the session disproved.
A learning is global only when the user said it holds in all their projects.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# The marker lets the loopback test server recognise an extraction request (tests/support/api_server.py).
MARKER = "compound-memory learning extraction"

CATEGORY_HELP = {
    "fix": "a failure (command, test, tool error), the change that fixed it, and the check that then passed; "
           "keep the stable part of the error message, the cause and the fix",
    "gotcha": "how a library, tool or platform really behaves, shown by an error and confirmed when the "
              "corrected use worked (API misuse, module scope, shell or OS differences)",
    "instruction": "a standing instruction of the user for future work: always / never / from now on / in this "
                   "repo we …, a correction (\"no, use X\"), or the reason they gave when rejecting a tool call",
    "fact": "how this project builds, tests, runs or deploys: the command that actually worked",
    "dead-end": "an approach that was tried and abandoned because a different one worked: say both",
}

SYSTEM = (
    f"[{MARKER}] You read a condensed Claude Code session and record what a careful engineer would write down "
    "for future sessions in the same repository. Record at most 5 learnings, none if nothing qualifies. Each is "
    "one sentence of at most 300 characters that makes sense on its own: name the command, file, symbol or error "
    "message it is about. Categories: " + "; ".join(f"{k}: {v}" for k, v in CATEGORY_HELP.items()) + ". "
    "Never record the task itself or anything scoped to this piece of work (\"build an app that …\", \"do not "
    "implement X yet\", \"commit this\"), one-off actions, a guess the session later disproved, or generic advice. "
    "Set scope to \"global\" only when the user said the instruction holds in all their projects (\"in all my "
    "projects\", \"everywhere\", \"globally\"), and give their words as scope_reason; otherwise \"project\". "
    "Never include secrets."
)

JSON_INSTRUCTIONS = (
    'Answer with one JSON object and nothing else: {"learnings": [{"category": "fix|gotcha|instruction|fact|'
    'dead-end", "text": "…", "files": ["…"], "anchors": [{"kind": "file|symbol|command|error", "value": "…"}], '
    '"scope": "project|global", "scope_reason": "…", "confidence": 0.0-1.0}]}'
)


def tool_schema(name: str) -> dict[str, Any]:
    """The Messages API tool the Haiku extractor forces: the same fields as the JSON answer."""
    item = {
        "type": "object",
        "properties": {
            "category": {"type": "string", "enum": list(CATEGORY_HELP),
                         "description": "; ".join(f"{k}: {v}" for k, v in CATEGORY_HELP.items())},
            "text": {"type": "string", "maxLength": 300},
            "files": {"type": "array", "items": {"type": "string"}},
            "anchors": {"type": "array", "items": {"type": "object", "properties": {
                "kind": {"type": "string", "enum": ["file", "symbol", "command", "error"]},
                "value": {"type": "string"}}, "required": ["kind", "value"]}},
            "scope": {"type": "string", "enum": ["project", "global"]},
            "scope_reason": {"type": "string"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["category", "text"],
    }
    return {"name": name, "description": "Record the learnings of this session.",
            "input_schema": {"type": "object", "required": ["learnings"],
                             "properties": {"learnings": {"type": "array", "maxItems": 5, "items": item}}}}


def parse_items(items: Any, *, session_id: str, extractor: str) -> list[Any]:
    """Learnings from the answer's ``learnings`` list; malformed items are skipped."""
    from memory import prose
    from memory.learning.model import Learning, category_of, clip

    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        category, text = category_of(item.get("category")), str(item.get("text", "")).strip()
        if category is None or not text or prose.text_size(text) < 3:
            continue
        if category == "instruction" and _task_like(text):
            continue  # the model's answer is held to the same rule: the task is never an instruction
        files = [str(f) for f in item.get("files") or [] if isinstance(f, str)][:10]
        anchors = [{"kind": a.get("kind"), "value": str(a.get("value"))} for a in item.get("anchors") or []
                   if isinstance(a, dict)][:10]
        confidence = item.get("confidence")
        confidence = float(confidence) if isinstance(confidence, (int, float)) else 0.7  # clamped by Learning
        is_global = item.get("scope") == "global" and category == "instruction" and str(item.get("scope_reason") or "")
        found.append(Learning(category=category, text=clip(text), files=files, symbols=[],
                              evidence={"session_id": session_id, "lines": []}, confidence=confidence,
                              extractor=extractor, scope="global" if is_global else "project",
                              scope_reason=str(item.get("scope_reason"))[:200] if is_global else "",
                              anchors=anchors))
    return found


def _task_like(text: str) -> bool:
    """An instruction from a model that reads as the task: scoped to now, a negated or polite request."""
    from memory import prose

    if prose.global_scope_words(text):
        return False
    return bool(prose.TASK_SCOPED.search(text) or prose.NEGATED_TASK.search(text.strip())
                or prose.POLITE_REQUEST.search(text.strip()))


def drop_echoed_tasks(learnings: list[Any], records: list[Any]) -> list[Any]:
    """An LLM's instructions minus those that repeat, mostly word for word, something the user said that is not
    itself a standing instruction (a request, a question, a remark): a model that files the task it was given
    as a standing instruction is the failure this guards against."""
    from memory import prose

    requests = [prose.words_of(sentence) for r in records
                if type(r).__name__ == "UserPrompt" and getattr(r, "kind", "") == "prompt" and not r.sidechain
                for sentence in prose.split_sentences(r.text) if not prose.is_standing_instruction(sentence)]
    kept = []
    for learning in learnings:
        words = prose.words_of(learning.text)
        if learning.category == "instruction" and words and any(
                len(words & request) / len(words | request) >= 0.5 for request in requests if request):
            continue
        kept.append(learning)
    return kept


def parse_json_answer(text: str) -> list[Any] | None:
    """The ``learnings`` list of the first JSON object in ``text`` (code fences allowed), or None."""
    import json

    start = text.find("{")
    while start != -1:
        depth, in_string, escaped = 0, False, False
        for index in range(start, len(text)):
            char = text[index]
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
                continue
            if char == '"':
                in_string = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    try:
                        data = json.loads(text[start:index + 1])
                    except ValueError:
                        break
                    if isinstance(data, dict) and isinstance(data.get("learnings"), list):
                        return data["learnings"]
                    break
        start = text.find("{", start + 1)
    return None
