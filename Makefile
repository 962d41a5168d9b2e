# PME: every task a person or CI runs. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
DEV := DEBUG=1 PME_HTTPS=0
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test check lint typecheck imports migrations-check translations-check deploy-check \
        messages browser-test bench clean

$(STAMP): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

messages: $(STAMP)
	$(BIN)/python scripts/i18n.py compile

## Serve the demo on http://127.0.0.1:8000 (SQLite under var/), after migrations and demo data, with the
## task worker beside the web server (Procfile, through honcho) so that e-mails land in var/mail/.
run: messages
	mkdir -p $${PME_VAR_DIR:-var}/mail
	$(DEV) $(BIN)/python manage.py migrate --no-input
	$(DEV) $(BIN)/python manage.py createcachetable
	$(DEV) $(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/fr/ (English: /en/); e-mails in var/mail/. Stop with Ctrl-C."
	$(DEV) $(BIN)/honcho --no-colour start --procfile Procfile --port $(PORT)

## The whole suite (browser journeys included) on DATABASE_URL (default SQLite).
test: messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

browser-test: messages
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(DEV) $(BIN)/mypy .

imports: $(STAMP)
	$(BIN)/lint-imports

migrations-check: $(STAMP)
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

translations-check: $(STAMP)
	$(BIN)/python scripts/i18n.py update
	$(BIN)/python scripts/i18n.py check

## Django's deployment checklist with production-like settings.
## On an empty database of its own: the demo-account check (pme/portal/checks.py) reads the database, and
## a developer's var/pme.sqlite3 holds the demo accounts on purpose.
deploy-check: $(STAMP)
	db=$$(mktemp -u /tmp/pme-deploy-check-XXXXXX.sqlite3); \
	DEBUG=0 SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  PME_AUDIT_CHAIN_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))') \
	  ALLOWED_HOSTS=pme.example.org PME_HTTPS=1 DATABASE_URL=sqlite:///$$db \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING; status=$$?; rm -f $$db*; exit $$status

## Every gate CI runs, on the current DATABASE_URL.
check: lint typecheck imports migrations-check translations-check deploy-check test

bench: messages
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
