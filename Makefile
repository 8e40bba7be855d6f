# Attune: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
RUN = $(UV) run --frozen
export PYTHONUNBUFFERED := 1

.PHONY: run test setup deps chromium postgres lint typecheck importlint unit e2e bench docs clean

## run: install what is missing, create the demo clinic on SQLite and serve it at http://127.0.0.1:8000
run: deps
	$(RUN) attune demo

## test: install what is missing and run every test, linter and type check
test: deps chromium postgres lint typecheck importlint
	$(RUN) pytest

deps:
	@command -v uv >/dev/null 2>&1 || [ -x "$(HOME)/.local/bin/uv" ] || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
	$(UV) sync --frozen --quiet

# Browser tests drive the system's Chromium; install it from Debian when missing (as root).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium from Debian's packages"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "chromium not found: browser tests will skip (install the 'chromium' package)"; fi; \
	fi

# Start the local PostgreSQL cluster if one is installed but stopped.
postgres:
	@if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then \
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start || true; \
	  fi; \
	fi

lint: deps
	$(RUN) ruff check src tests bench
	$(RUN) ruff format --check src tests bench

typecheck: deps
	$(RUN) mypy

importlint: deps
	$(RUN) lint-imports

unit: deps
	$(RUN) pytest tests/unit tests/golden -q

e2e: deps chromium
	$(RUN) pytest tests/e2e -q

bench: deps
	$(RUN) python bench/scoring.py
	$(RUN) python bench/insight_recovery.py
	$(RUN) python bench/checkin.py
	$(RUN) python bench/simulate.py

docs: deps
	$(RUN) python -m attune.cli.docs > docs/cli.md

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache
