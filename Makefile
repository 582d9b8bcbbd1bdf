# Glabella — `make help` lists the targets.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
GLABELLA := $(BIN)/glabella
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.DEFAULT_GOAL := help
.PHONY: help install demo worker serve test lint typecheck test-sqlite test-postgres bench messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml requirements/base.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python -m glabella.assistant.engine.model_files
	touch $@

install: $(VENV)/.installed ## Create .venv and install the pinned dependencies

demo: install ## Install, migrate, load the demo clinic and serve it on http://127.0.0.1:8000 (SQLite), with the message worker beside it
	$(GLABELLA) migrate --no-input
	$(GLABELLA) check
	$(GLABELLA) demo
	@echo "Glabella is serving on http://$(HOST):$(PORT)/ with the message worker (Ctrl-C stops both)"
	@$(GLABELLA) worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		$(GLABELLA) runserver $(HOST):$(PORT)

worker: install ## Run the background worker alone (messages to patients, and their scheduler)
	$(GLABELLA) worker

SERVE_DB ?= postgres://postgres@127.0.0.1:5432/glabella
REDIS ?= redis://127.0.0.1:6379/0
SERVE_ENV = DATABASE_URL=$${DATABASE_URL:-$(SERVE_DB)} REDIS_URL=$${REDIS_URL:-$(REDIS)} DEBUG=0 \
	LOG_FORMAT=json DATABASE_CONN_MAX_AGE=60 ALLOWED_HOSTS=$(HOST),localhost HOST=$(HOST)

serve: install ## The production stack locally: gunicorn (2 workers) and the worker (Procfile), PostgreSQL, Redis, the demo clinics
	$(BIN)/python deploy/ensure_database.py "$${DATABASE_URL:-$(SERVE_DB)}"
	$(SERVE_ENV) $(GLABELLA) migrate --no-input
	$(SERVE_ENV) $(GLABELLA) collectstatic --no-input --verbosity 0
	$(SERVE_ENV) $(GLABELLA) demo
	@echo "Glabella (gunicorn + worker) is serving on http://$(HOST):$(PORT)/ (Ctrl-C stops both)"
	PATH=$(CURDIR)/$(BIN):$$PATH $(SERVE_ENV) $(BIN)/honcho start -f Procfile -p $(PORT)

lint: install ## ruff (lint and format check) and the migrations check
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	DJANGO_SETTINGS_MODULE=glabella.config.settings_test $(GLABELLA) makemigrations --check --dry-run

typecheck: install ## mypy (strict) on the clinical core and the pure rule modules
	$(BIN)/mypy

test-sqlite: install ## The test suite on SQLite
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: install ## The test suite on PostgreSQL ($$DATABASE_URL or the local server)
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(BIN)/pytest

test: lint typecheck test-sqlite ## Lint, type-check, test on SQLite, then on PostgreSQL if it answers
	@if [ -n "$$DATABASE_URL" ] || $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL is not answering on 127.0.0.1:5432: skipped the PostgreSQL run"; \
	fi

bench: install ## Run the benchmarks (not part of the tests)
	$(BIN)/python -m bench

messages: install ## Re-extract the patient chat's strings into its Spanish catalogue and compile it (needs GNU gettext); commit both files
	cd src/glabella/assistant && GLABELLA_VAR_DIR=$(CURDIR)/var DJANGO_SETTINGS_MODULE=glabella.config.settings_test $(CURDIR)/$(GLABELLA) makemessages -l es --no-location
	cd src/glabella/assistant && GLABELLA_VAR_DIR=$(CURDIR)/var DJANGO_SETTINGS_MODULE=glabella.config.settings_test $(CURDIR)/$(GLABELLA) compilemessages

clean: ## Remove the virtualenv and local state
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
