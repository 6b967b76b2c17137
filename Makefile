# Guichet — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast lint format browser clean

# Installing takes a few minutes the first time: say what happens. pip's full output goes to
# $(VENV)/pip.log; a line is printed each time it reaches a new package or step.
$(STAMP): pyproject.toml
	@echo "==> [1/3] Python environment in $(VENV)"
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@echo "==> [2/3] Upgrading pip"
	@$(BIN)/pip install --quiet --upgrade pip
	@echo "==> [3/3] Installing Guichet and its dependencies (a few minutes the first time; full log in $(VENV)/pip.log)"
	@start=$$(date +%s); last=; \
	$(BIN)/pip install --progress-bar off -e ".[dev]" >$(VENV)/pip.log 2>&1 & pid=$$!; \
	while kill -0 $$pid 2>/dev/null; do \
	  line=$$(grep -E '^ *(Collecting|Building|Installing|Successfully|Obtaining)' $(VENV)/pip.log 2>/dev/null | tail -n 1 | cut -c1-90); \
	  if [ -n "$$line" ] && [ "$$line" != "$$last" ]; then \
	    printf '    %4ss  %s\n' "$$(( $$(date +%s) - start ))" "$$line"; last=$$line; fi; \
	  sleep 1; done; \
	wait $$pid || { echo "pip failed; the end of $(VENV)/pip.log:"; tail -n 40 $(VENV)/pip.log; exit 1; }; \
	echo "==> Installed in $$(( $$(date +%s) - start )) s"
	@touch $(STAMP)

install: $(STAMP)

## Install everything, build the demo world on SQLite and serve it on http://127.0.0.1:8000
demo: install
	$(BIN)/guichet demo

## Install everything (Chromium included) and run the whole test suite
test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/guichet makemigrations --check --dry-run
	$(BIN)/pytest -n 2 -m "not fuzz" $(PYTEST_ARGS)
	$(BIN)/pytest -n 0 -m fuzz $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -n 2 -m "not browser and not fuzz" $(PYTEST_ARGS)

## Debian's Chromium for the browser tests (Playwright drives it; no browser download) and
## Graphviz (the process map's layout, `dot`),
## and axe-core from npm, which checks the accessibility of every page they open
browser: node_modules/.installed
	@{ command -v chromium && command -v dot; } >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium (browser tests) and graphviz (the process map's dot)…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium graphviz >/dev/null; }

node_modules/.installed: package.json package-lock.json
	@echo "Installing axe-core (npm) for the accessibility checks of the browser tests…"
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var test-artifacts
