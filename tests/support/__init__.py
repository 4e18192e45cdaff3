"""What tests share: a real store for in-process tests (``store``); processes run the way Claude Code runs them
are in ``tests/helpers.py``; the loopback Messages API server is ``tests/e2e/api_server.py``."""
