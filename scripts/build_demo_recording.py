"""Writes the recorded session that ``python -m memory demo`` replays (run it to regenerate; the output is committed).

Output, in ``demo/recording/``:

- ``session-1.jsonl``, ``session-2.jsonl``: the transcripts, line by line in Claude Code 2.x's JSONL shape
  (built with the transcript fixtures' ``Session`` writer, so they read like ``tests/fixtures/transcripts``).
- ``replay.jsonl``: one line per hook call, in the order Claude Code makes them: ``event``, the ``payload`` it
  sends on stdin (the shapes of ``tests/fixtures/hook_payloads``), which transcript it belongs to and how many
  of its lines exist when the hook fires (``lines``), a ``section`` title and a one-line ``say`` for the demo's
  output, and what the step must show (``expect``: ``context``, ``narrowed`` or nothing); and one line
  ``{"run": "worker"}`` where the replay runs the worker in the foreground.

Paths are written as ``{{PROJECT}}`` (the sample project's copy) and ``{{TRANSCRIPTS}}`` (where the replay
writes the transcripts); the demo substitutes them. Edits are real: each Edit's ``old_string`` occurs in the
sample project (``demo/project``) as it stands after the edits before it, and the replay applies them.

    python scripts/build_demo_recording.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fixtures.transcripts.build_fixtures import Session  # noqa: E402

DEMO = REPO / "demo"
OUT = DEMO / "recording"
PROJECT = "{{PROJECT}}"
TRANSCRIPTS = "{{TRANSCRIPTS}}"
VERSION = "2.1.197"
SESSION_1 = "5f0c2a9e-3b1d-4c6e-9a27-1d8e4b7c6a01"
SESSION_2 = "8b41d7c3-90e2-4f5a-b6c8-2e7a9d1f0b02"
HEAD = 1  # the narrowed Read's lines (signatures.head_lines)

PROMPT_1 = ("Add a bulk discount to the pricing engine: 10% off any order line of 50 units or more, and show it "
            "in the cart. Always use Decimal for money amounts, never float.")
PROMPT_2 = "Now add a wholesale discount: 15% off orders over 500 EUR for wholesale customers, with a test."

BULK_CLASS = '''@dataclass(frozen=True)
class BulkDiscount:
    """A rate off order lines of at least ``min_quantity`` units."""

    name: str
    min_quantity: int = 50
    rate: Decimal = 0.10
    stackable: bool = False

    def applies_to(self, line: OrderLine, order: Order) -> bool:
        """Enough units on the line."""
        return line.quantity >= self.min_quantity

    def discount_for(self, line: OrderLine, unit_price: Money) -> Money:
        """``rate`` of the line's price."""
        return unit_price * line.quantity * self.rate


@dataclass(frozen=True)
class Coupon:'''

BULK_TEST = '''

def test_bulk_discount():
    rules = [BulkDiscount("bulk")]
    quote = PriceCalculator(TAX, rules).quote(Order([OrderLine(WIDGET, 60)]))
    assert quote.lines[0].discount == Money(Decimal("60.00"))
    assert quote.lines[0].applied_rules == ("bulk",)
'''

PYTEST_FAILED = """..F                                                                      [100%]
=================================== FAILURES ===================================
______________________________ test_bulk_discount ______________________________

    def test_bulk_discount():
        rules = [BulkDiscount("bulk")]
>       quote = PriceCalculator(TAX, rules).quote(Order([OrderLine(WIDGET, 60)]))

tests/test_pricing.py:22:
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _
inventory/pricing.py:372: in quote
    priced = [self._price_line(line, order) for line in order.lines]
inventory/pricing.py:292: in discount_for
    return unit_price * line.quantity * self.rate
inventory/pricing.py:60: in __mul__
    return Money(self.amount * Decimal(factor), self.currency)
E   TypeError: conversion from float to Decimal is not supported exactly; pass Decimal("0.10")
=========================== short test summary info ============================
FAILED tests/test_pricing.py::test_bulk_discount - TypeError: conversion from float to Decimal is not supported exactly; pass Decimal("0.10")
1 failed, 2 passed in 0.09s"""

CART_BADGE_OLD = "  /** Names of the discount rules applied to a line, for the badge next to it. */"
CART_BADGE_NEW = """  /** True when the pricing service gave the line the bulk discount (50+ units). */
  hasBulkDiscount(sku: Sku): boolean {
    return this.rulesFor(sku).includes("bulk");
  }

  /** Names of the discount rules applied to a line, for the badge next to it. */"""


class Recording:
    """The hook calls of the replay, and the sample project's files as the recorded edits change them."""

    def __init__(self) -> None:
        self.steps: list[dict] = []
        self.files: dict[str, str] = {}
        self.section = ""

    def file(self, rel: str) -> str:
        if rel not in self.files:
            self.files[rel] = (DEMO / "project" / rel).read_text(encoding="utf-8")
        return self.files[rel]

    def hook(self, s: Session, event: str, say: str, expect: str | None = None, **fields) -> None:
        payload = {"session_id": s.session_id, "transcript_path": f"{TRANSCRIPTS}/{s.session_id}.jsonl",
                   "cwd": PROJECT}
        if event in ("UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure"):
            payload["permission_mode"] = "acceptEdits"
        payload["hook_event_name"] = event
        payload.update(fields)
        step = {"section": self.section, "say": say, "event": event, "transcript": f"{s.session_id}.jsonl",
                "lines": len(s.lines), "payload": payload}
        if expect:
            step["expect"] = expect
        self.steps.append(step)


def last_tool_id(s: Session) -> str:
    """The id of the tool_use block just written (the line before its result)."""
    return json.loads(s.lines[-2])["message"]["content"][0]["id"]


def numbered(text: str, start: int = 1) -> str:
    return "\n".join(f"{start + i:6d}\t{line}" for i, line in enumerate(text.split("\n")))


def read(r: Recording, s: Session, rel: str, offset: int | None = None, limit: int | None = None,
         pre_read: bool = True, say: str = "") -> str:
    """Claude reads a file: PreToolUse (whole-file Reads are narrowed by the hook), the result, PostToolUse."""
    path = f"{PROJECT}/{rel}"
    asked = {"file_path": path, **({"offset": offset} if offset else {}), **({"limit": limit} if limit else {})}
    tool_id = f"toolu_{s.session_id[:4]}{s.n:06d}"
    lines = r.file(rel).split("\n")
    total = len(lines) - (1 if lines[-1] == "" else 0)
    # The tool_use line is written before PreToolUse runs; the result after the (narrowed) Read.
    s._assistant({"type": "tool_use", "id": tool_id, "name": "Read", "input": asked})
    if pre_read:
        narrowed = offset is None and limit is None
        r.hook(s, "PreToolUse", say, "narrowed" if narrowed else None, tool_name="Read", tool_input=asked,
               tool_use_id=tool_id)
        if narrowed:
            offset, limit = 1, HEAD
    start = offset or 1
    chunk = "\n".join(lines[start - 1:start - 1 + (limit or total)])
    used = {"file_path": path, "offset": start, "limit": limit} if limit else asked
    result = {"type": "text", "file": {"filePath": path, "content": chunk, "numLines": chunk.count("\n") + 1,
                                       "startLine": start, "totalLines": total}}
    block = {"tool_use_id": tool_id, "type": "tool_result", "content": numbered(chunk, start)}
    s.emit(s._base("user", message={"role": "user", "content": [block]}, toolUseResult=result))
    r.hook(s, "PostToolUse", f"Read {rel}" + (f" lines {start}-{start + (limit or total) - 1}" if limit else ""),
           tool_name="Read", tool_input=used, tool_response=result, tool_use_id=tool_id, duration_ms=3)
    return tool_id


def edit(r: Recording, s: Session, rel: str, old: str, new: str, say: str) -> None:
    """Claude edits a file; the recording keeps the file's new text for later edits and reads."""
    path = f"{PROJECT}/{rel}"
    original = r.file(rel)
    assert original.count(old) == 1, f"{old!r} must occur once in {rel}"
    r.files[rel] = original.replace(old, new)
    result = {"filePath": path, "oldString": old, "newString": new, "originalFile": original,
              "structuredPatch": [], "userModified": False, "replaceAll": False}
    tool_input = {"file_path": path, "old_string": old, "new_string": new, "replace_all": False}
    s.tool("Edit", tool_input, f"The file {path} has been updated successfully.", structured=result)
    r.hook(s, "PostToolUse", say, tool_name="Edit", tool_input=tool_input, tool_response=result,
           tool_use_id=last_tool_id(s), duration_ms=12)


def bash(r: Recording, s: Session, command: str, output: str, exit_code: int = 0, say: str = "") -> None:
    """A Bash call: PostToolUse with stdout on success, PostToolUseFailure with ``error`` on a non-zero exit."""
    s.bash(command, output, exit_code=exit_code)
    tool_input = {"command": command, "description": "Run the test suite"}
    tool_id = last_tool_id(s)
    if exit_code:
        r.hook(s, "PostToolUseFailure", say, tool_name="Bash", tool_input=tool_input, tool_use_id=tool_id,
               error=f"Exit code {exit_code}\n{output}", is_interrupt=False, duration_ms=1840)
    else:
        r.hook(s, "PostToolUse", say, tool_name="Bash", tool_input=tool_input, tool_use_id=tool_id,
               tool_response={"stdout": output, "stderr": "", "interrupted": False, "isImage": False,
                              "noOutputExpected": False}, duration_ms=1620)


def task_create(r: Recording, s: Session, task_id: str, subject: str, description: str) -> None:
    tool_input = {"subject": subject, "description": description, "activeForm": f"Working on: {subject}"}
    result = {"task": {"id": task_id, "subject": subject}}
    s.tool("TaskCreate", tool_input, f"Task #{task_id} created successfully: {subject}", structured=result)
    r.hook(s, "PostToolUse", f"TaskCreate #{task_id} \"{subject}\"", tool_name="TaskCreate", tool_input=tool_input,
           tool_response=result, tool_use_id=last_tool_id(s), duration_ms=9)


def task_update(r: Recording, s: Session, task_id: str, before: str, after: str) -> None:
    tool_input = {"taskId": task_id, "status": after}
    result = {"success": True, "taskId": task_id, "updatedFields": ["status"],
              "statusChange": {"from": before, "to": after}}
    s.tool("TaskUpdate", tool_input, f"Updated task #{task_id} status", structured=result)
    r.hook(s, "PostToolUse", f"TaskUpdate #{task_id} {before} -> {after}", tool_name="TaskUpdate",
           tool_input=tool_input, tool_response=result, tool_use_id=last_tool_id(s), duration_ms=11)


def prompt(r: Recording, s: Session, text: str, say: str, expect: str | None = None) -> None:
    s.user(text, promptId=f"{s.session_id[:8]}-prompt-{s.n}", permissionMode="acceptEdits")
    r.hook(s, "UserPromptSubmit", say, expect, prompt=text)


def first_session(r: Recording) -> Session:
    s = Session(SESSION_1, PROJECT, VERSION)
    r.section = "Session 1 starts"
    r.hook(s, "SessionStart", "Claude Code starts on the project; the memory is still empty.", source="startup")
    prompt(r, s, PROMPT_1, "The user asks for a feature.")

    r.section = "Claude reads a large file"
    s.say("I'll look at the pricing module first to see how discount rules are structured.")
    read(r, s, "inventory/pricing.py", say="Claude opens the 444-line pricing module (a whole-file Read).")

    r.section = "Claude works: every action is tracked"
    s.say("Discounts are small rule classes behind the DiscountRule protocol, and PriceCalculator.best_discount "
          "picks the best exclusive one. We decided to keep every discount as its own rule class implementing "
          "DiscountRule, so PriceCalculator never changes when a promotion is added.")
    task_create(r, s, "1", "Add BulkDiscount rule to inventory/pricing.py",
                "10% off order lines of 50+ units, with a test")
    task_create(r, s, "2", "Show the bulk discount badge in web/cart.ts", "Badge next to discounted cart lines")
    task_update(r, s, "1", "pending", "in_progress")
    read(r, s, "inventory/pricing.py", offset=200, limit=100, pre_read=False)
    edit(r, s, "inventory/pricing.py", "@dataclass(frozen=True)\nclass Coupon:", BULK_CLASS,
         "Edit inventory/pricing.py: add the BulkDiscount rule")
    edit(r, s, "tests/test_pricing.py", "from inventory.pricing import CustomerGroup,",
         "from inventory.pricing import BulkDiscount, CustomerGroup,", "Edit tests/test_pricing.py: import it")
    edit(r, s, "tests/test_pricing.py", '    assert quote.lines[0].applied_rules == ("hardware",)\n',
         '    assert quote.lines[0].applied_rules == ("hardware",)\n' + BULK_TEST,
         "Edit tests/test_pricing.py: add test_bulk_discount")
    bash(r, s, "python -m pytest -q", PYTEST_FAILED, exit_code=1,
         say="Bash `python -m pytest -q` fails (Claude Code sends PostToolUseFailure).")
    s.say("The rate default is a float, and Money refuses floats: the default rate has to be Decimal(\"0.10\").")
    edit(r, s, "inventory/pricing.py", "    rate: Decimal = 0.10\n", '    rate: Decimal = Decimal("0.10")\n',
         "Edit inventory/pricing.py: the rate becomes a Decimal")
    bash(r, s, "python -m pytest -q", "...                                                                      "
         "[100%]\n3 passed in 0.07s", say="Bash `python -m pytest -q` passes.")
    task_update(r, s, "1", "in_progress", "completed")
    s.say("BulkDiscount works: 60 widgets get 10% off and the tests pass. Next is the cart badge.")

    r.section = "The context is compacted"
    r.hook(s, "PreCompact", "The user runs /compact: the hook saves a handoff and queues learning extraction.",
           trigger="manual", custom_instructions="keep the cart badge task in mind")
    s.emit(s._base("system", subtype="compact_boundary", content="Conversation compacted", isMeta=False,
                   level="info", compactMetadata={"trigger": "manual", "preTokens": 48210}))
    s.user("This session is being continued from a previous conversation that ran out of context. The "
           "conversation is summarized below:\nThe user asked for a bulk discount (10% off 50+ units) shown in "
           "the cart. BulkDiscount was added to inventory/pricing.py with a test; the tests pass. The cart badge "
           "in web/cart.ts is next.", isCompactSummary=True, isVisibleInTranscriptOnly=True)
    r.hook(s, "SessionStart", "The compacted context starts: Claude gets the handoff.", "context", source="compact")

    r.section = "Claude continues after the compaction"
    s.say("Continuing with the cart badge in web/cart.ts.")
    task_update(r, s, "2", "pending", "in_progress")
    read(r, s, "web/cart.ts", say="Claude opens the 309-line cart module (TypeScript).")
    edit(r, s, "web/cart.ts", CART_BADGE_OLD, CART_BADGE_NEW, "Edit web/cart.ts: add hasBulkDiscount()")
    r.hook(s, "SessionEnd", "The user quits before the badge task is finished.", reason="prompt_input_exit")
    return s


def second_session(r: Recording) -> Session:
    s = Session(SESSION_2, PROJECT, VERSION)
    r.section = "Session 2: the next day"
    r.hook(s, "SessionStart", "A new session on the same project.", "context", source="startup")
    # the learnings it relates to were shown at this session's start already: nothing new is expected
    prompt(r, s, PROMPT_2, "A related request.", None)
    return s


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    r = Recording()
    sessions = [first_session(r)]
    r.steps.append({"section": "The worker learns from the session", "run": "worker",
                    "say": "The worker drains the queue: rules extraction, redaction, dedup, embeddings, index."})
    sessions.append(second_session(r))
    for s in sessions:
        (OUT / f"{s.session_id}.jsonl").write_text("\n".join(s.lines) + "\n", encoding="utf-8")
    with open(OUT / "replay.jsonl", "w", encoding="utf-8") as handle:
        for step in r.steps:
            handle.write(json.dumps(step, ensure_ascii=False) + "\n")
    print(f"{len(r.steps)} hook calls written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
