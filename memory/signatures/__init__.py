"""Token savings: a whole-file Read of a large code file becomes its head plus its tree-sitter signatures.

- ``plan_read(conn, settings, root, path, ...)``: how a whole-file Read is answered, or ``PassThrough``
  (``preread``); the PreToolUse handler turns a plan into Claude Code's answer.
- ``record_read``: PostToolUse bookkeeping: follow-up Reads charged to the saving (``accounting``); an edit
  is the session's ``modify`` event (``memory.store.events``), which ``was_edited`` reads.
- ``savings_summary(conn, session_id=None)``: net savings, for ``status`` (``accounting``).

The cache is ``cache``, the eligibility rules ``eligibility``, the context text ``view``, file learnings
``learnings``; ``outline`` is the only module that touches the parser's heavy part. The package imports nothing
itself: the PostToolUse hook loads ``accounting`` alone, not the pre-read's modules.
"""
