# PerfBudget (预算绩效管理系统): set-up, demo, tests.
#   make demo   install, build the assets, migrate the SQLite database under var/, load the demo region,
#               serve http://127.0.0.1:8000 (a second run reuses everything already there)
#   make test   install what the tests need, then lint, SQLite, PostgreSQL and browser suites
# Each install step runs again only when its inputs change (stamp files).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/perfbudget
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?= --durations=5
ARTIFACTS := test-artifacts

PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.npm-ci-stamp
STAGE := scripts/stage.sh
NO_PG := env -u DATABASE_URL
PYTEST_SUITE = $(BIN)/pytest -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

.PHONY: help install assets migrate demo serve run lint test clean distclean

help:
	@echo "make demo       install, migrate, load the demo region, serve http://$(HOST):$(PORT)"
	@echo "make serve      install, migrate, serve (no demo data)"
	@echo "make test       ruff, migration check, pytest on SQLite and PostgreSQL, browser tests"
	@echo "make lint       ruff and the migration check only"
	@echo "make clean      remove built assets, node_modules, test artifacts and caches"
	@echo "make distclean  clean, and also .venv and var/ (the SQLite database)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pip runs again only when pyproject.toml is newer than the stamp.
$(PY_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -q -c constraints.txt -e '.[test]'
	@touch $@

# npm ci empties node_modules/ first, so the stamp inside it goes with it.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

assets: $(NODE_STAMP)
	$(PYTHON) scripts/vendor_assets.py

install: $(PY_STAMP) assets

migrate: install
	$(BIN)/perfbudget migrate --noinput

demo: migrate
	$(BIN)/perfbudget seed-demo
	@echo "PerfBudget: http://$(HOST):$(PORT)/  (demo accounts: README.md, password demo-pass-2025)"
	@$(MAKE) --no-print-directory run

serve: migrate
	@$(MAKE) --no-print-directory run

# The web server and the background-job worker (large imports) together; Ctrl-C stops both.
run:
	@mkdir -p var; trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
	$(BIN)/perfbudget db_worker --interval 1 >> var/db_worker.log 2>&1 & \
	$(BIN)/perfbudget runserver $(HOST):$(PORT)

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(NO_PG) $(BIN)/perfbudget makemigrations --check --dry-run

# Set-up stages stop at the first failure; the check stages ('-') all run, and the summary fails the
# target when any of them failed. Timings land in test-artifacts/stages.tsv. PYTEST_ARGS adds to every
# pytest run (e.g. make test PYTEST_ARGS="-x -k workflow").
test:
	@mkdir -p $(ARTIFACTS) && rm -f $(ARTIFACTS)/stages.tsv $(ARTIFACTS)/junit-*.xml
	@$(STAGE) install -- $(MAKE) --no-print-directory install
	@$(STAGE) chromium -- scripts/ensure_browser.sh
	@$(STAGE) postgres -- scripts/ensure_postgres.sh
	-@$(STAGE) ruff -- $(BIN)/ruff check .
	-@$(STAGE) migrations -- $(NO_PG) $(BIN)/perfbudget makemigrations --check --dry-run
	-@$(STAGE) conformance -- scripts/conformance.sh
	-@$(STAGE) pytest-sqlite -- $(NO_PG) $(PYTEST_SUITE) --junitxml=$(ARTIFACTS)/junit-sqlite.xml
	-@$(STAGE) pytest-postgres -- env DATABASE_URL=$(PG_URL) $(PYTEST_SUITE) --junitxml=$(ARTIFACTS)/junit-postgres.xml
	-@$(STAGE) --allow-empty pytest-browser -- $(NO_PG) $(BIN)/pytest -m browser $(PYTEST_ARGS) \
		--junitxml=$(ARTIFACTS)/junit-browser.xml
	@$(PYTHON) scripts/test_summary.py $(ARTIFACTS)

clean:
	rm -rf perfbudget/static/vendor node_modules $(ARTIFACTS) var/static .ruff_cache .pytest_cache *.egg-info
	find perfbudget tests scripts -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) var
