"""What tests share (conftest files hold fixtures only; everything else a test needs is here):

- ``session``: the one session driver: the real hook launcher and CLI as processes, and ``Session``, one Claude
  Code session replayed through the hooks with the payload shapes captured from the real CLI.
- ``store``: the store factory: a real migrated store for in-process tests, a populated store built through
  the hooks, read-only looks into a data folder processes wrote, waiting for the worker.
- ``transcript``: transcripts: a writer of Claude Code JSONL, the committed transcript fixtures.
- ``sources``: generated source files (Python, TypeScript) with the line of each definition.
- ``api_server``: the one loopback Anthropic Messages API (SSE and JSON), for the real CLI and our extractors;
  ``ollama_server``: a loopback Ollama; both on ``loopback.LoopbackServer``.
"""
