# TraceBridge: `make demo` and `make test` set up a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export TRACEBRIDGE_HOME ?= $(CURDIR)/var
STAMP := $(VENV)/.installed
ASSETS := src/tracebridge/static/vendor/.installed

.PHONY: help demo test serve bench bench-smoke lint types install lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

# Exact versions with their hashes come from requirements.lock (`make lock` writes it from the
# ranges in pyproject.toml); the project itself is installed without resolving anything more.
$(STAMP): pyproject.toml requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) $(ASSETS)  ## the virtualenv .venv and the front-end assets

# Front-end libraries come from the npm registry at build time; nothing is committed.
$(ASSETS): package.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund && $(BIN)/python scripts/copy_assets.py && touch $(ASSETS); \
	else echo "npm not found: pages work without htmx and the graph view; install nodejs and npm for them"; fi

demo: install  ## the US node with simulated data on port 8000 and an Indian node on 8001 (PORT=N: N and N+1)
	TRACEBRIDGE_DEBUG=1 $(BIN)/tracebridge demo --port $${PORT:-8000}

serve: install  ## the production server (gunicorn)
	$(BIN)/tracebridge serve

lint: $(STAMP)  ## ruff, ruff format --check, and the import-linter layer contracts
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	PYTHONPATH=src $(BIN)/lint-imports --no-cache

types: $(STAMP)  ## mypy (strict on the pure modules)
	$(BIN)/mypy src/tracebridge

test: install lint types  ## lint, types, catalogs, then the tests with coverage
	TRACEBRIDGE_DEBUG=1 $(BIN)/tracebridge i18n compile --check
	$(BIN)/python scripts/run_tests.py

bench: install  ## every benchmark at full size (takes long)
	$(BIN)/python bench/run_all.py

bench-smoke: install  ## every benchmark at a small size
	$(BIN)/python bench/run_all.py --smoke

# uv resolves for every Python that pyproject.toml allows (--universal) and records the hashes
# of every file of each pinned version; pinned itself, in a virtualenv of its own.
UV := .venv-lock/bin/uv
$(UV):
	$(PY) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet 'uv==0.13.9'

lock: $(UV)  ## rewrite requirements.lock from pyproject.toml (after any dependency change)
	$(UV) pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --generate-hashes --native-tls --quiet --output-file requirements.lock

clean:  ## remove the virtualenvs, assets, var/ and caches
	rm -rf $(VENV) .venv-lock node_modules src/tracebridge/static/vendor var .pytest_cache .mypy_cache .ruff_cache
