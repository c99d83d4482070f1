# Pikoshi: `make run` serves the app on embedded defaults, `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Loopback port of `make run`; another one lets a second instance (or a test) run beside it.
PORT ?= 8000
# The instance's own secret key, made on first start next to db.sqlite3 and media/, kept
# out of git (.gitignore). Deleting it signs everyone out.
SECRET_KEY_FILE ?= $(CURDIR)/secret.key

# `make run` is the product as deployed (DEBUG off, so a refused visitor gets Pikoshi's own
# 404, never Django's debug page listing every URL), over plain HTTP on this machine only.
# gunicorn as `make serve` runs it (runserver is for development only), but one process
# with threads: the embedded local-memory cache (rate limits, cached sessions) lives in the
# process, so two processes would each count their own limits; and no recycling after N
# requests, which would empty it. No gunicorn control socket: instances on other PORTs
# would share the one in ~/.gunicorn.
RUN_ENV = DEBUG=0 PIKOSHI_LOCAL_HTTP=1 SECRET_KEY_FILE=$(SECRET_KEY_FILE) \
	ALLOWED_HOSTS=127.0.0.1,localhost SITE_ROOT=http://127.0.0.1:$(PORT) \
	BIND=127.0.0.1:$(PORT) WEB_CONCURRENCY=1 GUNICORN_THREADS=4 GUNICORN_MAX_REQUESTS=0
# `make dev`: DEBUG on and runserver reloading on every code change, for working on Pikoshi.
DEV_ENV = DEBUG=1 SECRET_KEY_FILE=$(SECRET_KEY_FILE) SITE_ROOT=http://127.0.0.1:$(PORT)
# What migrate and manage run under; `make dev` sets its own for the migrate it depends on.
APP_ENV = $(RUN_ENV)

# The first Python >= 3.12 found: python3.13, python3.12, pyenv's, Debian's.
PYTHON ?= $(shell for c in python3.13 python3.12 \
	$$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13 \
	$$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3.12 \
	/usr/bin/python3.13 /usr/bin/python3.12 python3; do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: run dev manage test serve lint format lock migrate clean bench browser clients

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Pikoshi needs Python 3.12 or newer, and none was found."; \
	  echo "Install one (e.g. 'apt-get install python3.13' or 'pyenv install 3.12'), then run make again."; \
	  exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv || true

$(STAMP): $(PY) requirements.txt
	@if [ -x $(VENV)/bin/uv ]; then $(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.txt; \
	else $(PY) -m pip install --quiet -r requirements.txt; fi
	@touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	@if [ -x $(VENV)/bin/uv ]; then $(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-dev.txt; \
	else $(PY) -m pip install --quiet -r requirements-dev.txt; fi
	@touch $@

migrate: $(STAMP)
	@$(APP_ENV) $(PY) manage.py migrate --noinput

run: migrate
	@$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	@echo "Pikoshi on http://127.0.0.1:$(PORT) — emails (verification codes) are printed here."
	@echo "Secret key: $(SECRET_KEY_FILE) (made on first start, not in git)."
	@$(RUN_ENV) $(VENV)/bin/gunicorn pikoshi.wsgi -c pikoshi/gunicorn.conf.py --no-control-socket

dev: APP_ENV = $(DEV_ENV)
dev: migrate
	@echo "Pikoshi (DEBUG, reloading on code changes) on http://127.0.0.1:$(PORT)."
	@$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Any manage.py command against the `make run` instance: make manage ARGS=createsuperuser
manage: $(STAMP)
	$(APP_ENV) $(PY) manage.py $(ARGS)

# The browser tests (e2e/) drive Debian's Chromium; Playwright cannot download its own here.
CHROMIUM ?= $(or $(PIKOSHI_CHROMIUM),/usr/bin/chromium)
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "The browser tests need Chromium: run 'sudo apt-get install chromium'"; \
	    echo "(or set PIKOSHI_CHROMIUM to a Chromium binary), then make test again."; \
	    exit 1; \
	  fi; \
	fi

test: lint browser
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Style, templates, types (mypy, settings in pyproject.toml) and the dependency rule of
# docs/architecture.md (import-linter contracts, also in pyproject.toml).
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint templates/
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the pinned lock files from requirements*.in, resolved for the oldest Python
# supported (requires-python) whichever one the venv has, so the lock does not churn.
LOCK_PYTHON := 3.12
lock: $(PY)
	$(VENV)/bin/uv pip compile --quiet --python $(PY) --python-version $(LOCK_PYTHON) requirements.in -o requirements.txt --custom-compile-command "make lock"
	$(VENV)/bin/uv pip compile --quiet --python $(PY) --python-version $(LOCK_PYTHON) requirements-dev.in -o requirements-dev.txt --custom-compile-command "make lock"

# The TypeScript client of both OpenAPI documents (e2e/clients/): npm ci, generate the
# types, type-check life.ts. Needs Node.js and npm; CI runs it after `make test`.
clients: $(DEV_STAMP)
	PY=$(CURDIR)/$(PY) bash e2e/clients/check.sh

bench: $(DEV_STAMP)
	$(PY) benchmarks/variants.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles

# Production serving: gunicorn + whitenoise, DEBUG off. Needs SECRET_KEY and ALLOWED_HOSTS.
serve: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/gunicorn pikoshi.wsgi -c pikoshi/gunicorn.conf.py
