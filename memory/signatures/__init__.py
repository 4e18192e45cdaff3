"""Token savings: a whole-file Read of a large code file becomes its head plus its tree-sitter signatures.

- ``pre_read(ctx)``: the PreToolUse Read hook's answer (``preread``).
- ``record_tool_use(ctx)``: PostToolUse bookkeeping: edits, and follow-up Reads charged to the saving
  (``accounting``).
- ``savings_summary(conn, session_id=None)``: net savings, for ``status`` (``accounting``).

The cache is ``cache``, the eligibility rules ``eligibility``, the context text ``view``, file learnings
``learnings``; ``outline`` is the only module that touches the parser's heavy part.
"""

from __future__ import annotations

from memory.signatures.accounting import record_tool_use, savings_summary
from memory.signatures.preread import PassThrough, ReadPlan, plan_read, pre_read

__all__ = ["PassThrough", "ReadPlan", "plan_read", "pre_read", "record_tool_use", "savings_summary"]
