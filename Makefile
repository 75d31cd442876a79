# TraceBridge: `make demo` and `make test` set up a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export TRACEBRIDGE_HOME ?= $(CURDIR)/var
STAMP := $(VENV)/.installed
ASSETS := src/tracebridge/static/vendor/.installed

.PHONY: demo test serve bench bench-smoke lint types install assets clean test-sqlite test-postgres

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) $(ASSETS)

# Front-end libraries come from the npm registry at build time; nothing is committed.
$(ASSETS): package.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund && $(BIN)/python scripts/copy_assets.py && touch $(ASSETS); \
	else echo "npm not found: pages work without htmx and the graph view; install nodejs and npm for them"; fi

demo: install
	TRACEBRIDGE_DEBUG=1 $(BIN)/tracebridge demo --port $${PORT:-8000}

serve: install
	$(BIN)/tracebridge serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

types: $(STAMP)
	$(BIN)/mypy src/tracebridge

test: install lint types
	TRACEBRIDGE_DEBUG=1 $(BIN)/tracebridge i18n compile --check
	$(BIN)/python scripts/run_tests.py

bench: install
	$(BIN)/python bench/run_all.py

bench-smoke: install
	$(BIN)/python bench/run_all.py --smoke

clean:
	rm -rf $(VENV) node_modules src/tracebridge/static/vendor var .pytest_cache .mypy_cache .ruff_cache
