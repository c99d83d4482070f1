# Pikoshi: `make run` serves the app on embedded defaults, `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Loopback port of `make run`; another one lets a second instance (or a test) run beside it.
PORT ?= 8000

# The first Python >= 3.12 found: python3.13, python3.12, pyenv's, Debian's.
PYTHON ?= $(shell for c in python3.13 python3.12 \
	$$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13 \
	$$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3.12 \
	/usr/bin/python3.13 /usr/bin/python3.12 python3; do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: run test serve lint format lock migrate clean bench browser

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
	DEBUG=1 $(PY) manage.py migrate --noinput

run: migrate
	@echo "Pikoshi on http://127.0.0.1:$(PORT) — emails (verification links) are printed here."
	DEBUG=1 SITE_ROOT=http://127.0.0.1:$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

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

test: $(DEV_STAMP) browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the pinned lock files from requirements*.in.
lock: $(PY)
	$(VENV)/bin/uv pip compile --quiet --python $(PY) requirements.in -o requirements.txt --custom-compile-command "make lock"
	$(VENV)/bin/uv pip compile --quiet --python $(PY) requirements-dev.in -o requirements-dev.txt --custom-compile-command "make lock"

bench: $(DEV_STAMP)
	$(PY) benchmarks/variants.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles

# Production serving: gunicorn + whitenoise, DEBUG off. Needs SECRET_KEY and ALLOWED_HOSTS.
serve: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/gunicorn pikoshi.wsgi -c pikoshi/gunicorn.conf.py
