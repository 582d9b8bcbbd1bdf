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

typecheck: install ## mypy (strict, with django-stubs) on the clinical core, the pure rule modules and every app's services and access modules
	$(BIN)/mypy

# pytest-xdist workers per run, handed tests in batches as they free up (not whole files: the
# schema tests share one test id, which per-file scheduling would run only once);
# TEST_WORKERS=0 runs the tests in the pytest process itself.
TEST_WORKERS ?= 2
PYTEST = $(BIN)/pytest -n $(TEST_WORKERS)
PG_ANSWERS = $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null

# A fresh checkout embeds the starter content once, here, rather than in every test worker at once.
var/embeddings.sqlite3: | $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=glabella.config.settings_test $(BIN)/python -c \
		"import django; django.setup(); from glabella.assistant import engine_cache; engine_cache.starter_assistant()"

test-sqlite: install var/embeddings.sqlite3 ## The test suite on SQLite
	env -u DATABASE_URL $(PYTEST)

test-postgres: install var/embeddings.sqlite3 ## The test suite on PostgreSQL ($$DATABASE_URL or the local server)
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PYTEST)

# Both runs at once keep both cores busy to the end; each writes its own log, printed whole when
# both are done, and either one failing fails the target.
test: lint typecheck var/embeddings.sqlite3 ## Lint, type-check, then the tests on SQLite and on PostgreSQL (if it answers) side by side
	@if [ -z "$$DATABASE_URL" ] && ! $(PG_ANSWERS); then \
		echo "PostgreSQL is not answering on 127.0.0.1:5432: the tests run on SQLite only"; \
		$(MAKE) --no-print-directory test-sqlite; \
		exit $$?; \
	fi; \
	mkdir -p var; \
	echo "Testing on SQLite and PostgreSQL side by side (var/test-sqlite.log, var/test-postgres.log)"; \
	$(MAKE) --no-print-directory test-sqlite >var/test-sqlite.log 2>&1 & sqlite=$$!; \
	$(MAKE) --no-print-directory test-postgres >var/test-postgres.log 2>&1 & postgres=$$!; \
	wait $$sqlite; sqlite_status=$$?; wait $$postgres; postgres_status=$$?; \
	echo "===== SQLite (exit status $$sqlite_status)"; cat var/test-sqlite.log; \
	echo "===== PostgreSQL (exit status $$postgres_status)"; cat var/test-postgres.log; \
	test $$sqlite_status -eq 0 && test $$postgres_status -eq 0

bench: install ## Run the benchmarks (not part of the tests)
	$(BIN)/python -m bench

messages: install ## Re-extract the patient chat's strings into its Spanish catalogue and compile it (needs GNU gettext); commit both files
	cd src/glabella/assistant && GLABELLA_VAR_DIR=$(CURDIR)/var DJANGO_SETTINGS_MODULE=glabella.config.settings_test $(CURDIR)/$(GLABELLA) makemessages -l es --no-location
	cd src/glabella/assistant && GLABELLA_VAR_DIR=$(CURDIR)/var DJANGO_SETTINGS_MODULE=glabella.config.settings_test $(CURDIR)/$(GLABELLA) compilemessages

clean: ## Remove the virtualenv and local state
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
