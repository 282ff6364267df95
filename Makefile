# The verbs: make demo, make test, make test-e2e, make bench, make lint.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SIZE ?= L
DB ?= sqlite
# Parallel test workers (pytest-xdist); 0 runs in one process.
WORKERS ?= 2
# Extra bench/run.py options, e.g. make bench BENCH_ARGS="--only directory --requests 100".
BENCH_ARGS ?=
# Extra pytest arguments, e.g. make test ARGS="mutuality/orgs -k import".
ARGS ?=
# pytest exits 5 when it collects no tests (e.g. no browser tests yet): report it, don't fail.
NO_TESTS_OK = status=$$?; if [ $$status -eq 5 ]; then echo "(no tests collected)"; status=0; fi; exit $$status

.PHONY: demo test test-postgres test-e2e bench lint fmt install clean

$(BIN)/mutuality: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(BIN)/mutuality

install: $(BIN)/mutuality

## make demo: set up, seed a demo organization and serve it on http://127.0.0.1:$(PORT)
demo: install
	MUTUALITY_DEBUG=1 $(BIN)/mutuality demo --port $(PORT)

## make test: the whole suite (SQLite unless DATABASE_URL says otherwise), browser tests excluded
test: install
	MUTUALITY_TESTING=1 $(BIN)/pytest -q -m "not e2e" -n $(WORKERS) $(ARGS); $(NO_TESTS_OK)

## make test-postgres: the same suite against PostgreSQL on 127.0.0.1
test-postgres: install
	MUTUALITY_TESTING=1 DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mutuality} \
		$(BIN)/pytest -q -m "not e2e" -n $(WORKERS) $(ARGS); $(NO_TESTS_OK)

## make test-e2e: real-browser tests (Chromium at /usr/bin/chromium)
test-e2e: install
	MUTUALITY_TESTING=1 $(BIN)/pytest -q -m e2e -p no:xdist $(ARGS); $(NO_TESTS_OK)

## make bench [SIZE=S|M|L] [DB=sqlite|postgres]: p50/p95/rps per page and endpoint
bench: install
	$(BIN)/python bench/run.py --size $(SIZE) --db $(DB) $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	MUTUALITY_TESTING=1 $(BIN)/mypy mutuality

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles *.egg-info
