# Newsroom: the two commands a new machine needs are `make demo` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo runs with DEBUG on (a development key, static files served by runserver).
DEMO_ENV := DEBUG=1

.PHONY: demo install install-dev node-deps messages migrate seeds serve test test-fast screenshots lint browser-deps redis bench-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# The English interface: compile the gettext catalogs (.po -> .mo; .mo files are not committed).
messages: $(VENV)/.installed
	@$(BIN)/python scripts/compile_messages.py > /dev/null

# The desk's browser libraries (OpenSeadragon) from the npm registry, exactly as package-lock.json
# pins them; Django's staticfiles serves them from node_modules (STATICFILES_DIRS). Re-installed
# only when package-lock.json changes.
node_modules/.installed: package-lock.json package.json
	@command -v npm > /dev/null || (apt-get update -qq && apt-get install -y -qq npm > /dev/null)
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

node-deps: node_modules/.installed

install: $(VENV)/.installed messages node-deps
install-dev: $(VENV)/.installed-dev messages node-deps

migrate: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput

seeds: migrate
	$(DEMO_ENV) $(BIN)/python manage.py import_pages
	$(DEMO_ENV) $(BIN)/python manage.py verify_scans

# The development server with a task worker beside it (scripts/serve-demo): desk uploads import.
serve:
	$(DEMO_ENV) BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) scripts/serve-demo

## demo: install, migrate the SQLite default, import the seeds and serve on http://127.0.0.1:8000 (with a task worker)
demo: seeds serve

# The suite's files spread over the machine's cores, each file whole in one process: a file's
# module-wide servers (the replica pair, a task worker) stay with it. PYTEST_ARGS replaces this.
PYTEST_ARGS ?= -n auto --dist loadfile

## test: install what the tests need (Python packages, Debian's chromium, a Redis server) and run the whole suite
test: install-dev browser-deps redis bench-deps
	$(BIN)/pytest $(PYTEST_ARGS)

## test-fast: the suite without the browser tests
test-fast: install-dev redis bench-deps
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

## screenshots: run the browser tests saving their screenshots in docs/screenshots (the README's pictures); other runs save them in var/screenshots
screenshots: install-dev browser-deps
	NEWSROOM_SCREENSHOTS=docs/screenshots $(BIN)/pytest -m browser $(PYTEST_ARGS)

## bench: import and serving benchmarks on PostgreSQL (needs wrk; prints figures, see docs/performance.md)
bench: install bench-deps
	$(BIN)/python benchmarks/import_benchmark.py $(BENCH_IMPORT_ARGS)
	$(BIN)/python benchmarks/serve_benchmark.py $(BENCH_SERVE_ARGS)

browser-deps:
	@scripts/ensure-chromium

redis:
	@scripts/ensure-redis

bench-deps:
	@scripts/ensure-wrk

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache node_modules
