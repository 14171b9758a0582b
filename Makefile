# Two commands set everything up on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
# Test processes in parallel (pytest-xdist); each has its own test database and Redis database.
PYTEST_WORKERS ?= 2
# Whole modules per worker (--dist loadscope): a module's costly module-scoped fixture (the demo load,
# the 200-action deliberation layout) is then built once instead of on both workers; 307 s instead of
# 374 s on two cores. Safe since every transactional test leaves the reference data as it found it (tests/database_reset.py).
PYTEST_DIST ?= loadscope

# The first interpreter of Python >= 3.12 found on the PATH (pyenv's shims read .python-version).
PYTHON ?= $(shell for candidate in python3.14 python3.13 python3.12 python3; do \
	if command -v $$candidate >/dev/null 2>&1 && $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	echo $$candidate; break; fi; done)

.PHONY: help run serve install install-dev migrate demo test test-fast browser-deps lint lock messages check-messages check-deploy bench clean

help:
	@echo "make run    install, migrate, load the demo data and serve http://$(HOST):$(PORT)"
	@echo "make test   install the test dependencies and run the whole suite"
	@echo "make lint   ruff;  make lock   re-pin requirements/*.txt;  make messages   update translations"
	@echo "make bench  performance figures on PostgreSQL (BENCH_DATABASE_URL, BENCH_ROWS, BENCH_SCALE_DATABASE_URL)"

$(VENV)/bin/activate:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python >= 3.12 is required and none was found on the PATH (tried python3.14, 3.13, 3.12, python3)."; \
		echo "Install it (e.g. 'apt-get install python3.12 python3.12-venv' or 'pyenv install 3.12') and run make again."; \
		exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/activate requirements/base.txt
	$(PIP) install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.txt
	$(PIP) install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

# The commands for a development machine run with DEBUG on unless the environment says otherwise: a
# development SECRET_KEY, and Celery tasks executed inline when no REDIS_URL is set. The platform's own
# default is production (DEBUG off, refusing to start without SECRET_KEY or a broker).
migrate demo run serve messages bench: export DEBUG ?= true

install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: install
	$(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's Chromium; install it when we can, otherwise say what is missing.
browser-deps:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Debian's chromium for the browser tests..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser tests need Chromium at $(CHROMIUM): run 'sudo apt-get install chromium' (Debian/Ubuntu),"; \
			echo "or set CHROMIUM=/path/to/chromium."; exit 1; \
		fi; \
	fi

test: install-dev browser-deps
	CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) $(PYTEST_ARGS)

test-fast: install-dev
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) -m "not browser" $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

lock: $(VENV)/bin/activate
	$(PIP) install --quiet pip-tools
	cd requirements && ../$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links base.in -o base.txt
	cd requirements && ../$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links dev.in -o dev.txt

messages: install
	$(PY) manage.py makemessages --locale fr --locale en --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*'

# The committed .mo files must match their .po sources.
check-messages:
	@for po in locale/*/LC_MESSAGES/django.po; do \
		msgfmt --check -o /tmp/pcl-check.mo "$$po" || exit 1; \
		cmp -s /tmp/pcl-check.mo "$${po%.po}.mo" || { echo "$${po%.po}.mo is stale: run 'make messages'"; exit 1; }; \
	done; echo "Translations compiled and up to date."

# Performance figures (PostgreSQL): the observatory import of ~1M rows next to a raw COPY, the
# deliberation file of a 200-action plan, then the main pages at national scale: the scale database
# (every commune, 21M observatory values, 300 plans) is loaded once (load_scale --if-empty: a few
# minutes the first time), its pages timed against /account/ (bench_pages), then loaded by 50 users
# through gunicorn (bench_load, locust on the loopback).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pcl
BENCH_ROWS ?= 1000000
BENCH_SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pcl_scale
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/11
BENCH_PAGES_REPEAT ?= 7
BENCH_LOAD_SECONDS ?= 60
bench: install-dev
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_observatory --rows $(BENCH_ROWS)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_observatory --rows $(BENCH_ROWS) --other-spellings --repeat 1
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_reporting --actions 200
	DATABASE_URL=$(BENCH_SCALE_DATABASE_URL) $(PY) manage.py load_scale --if-empty
	DATABASE_URL=$(BENCH_SCALE_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py bench_pages --repeat $(BENCH_PAGES_REPEAT)
	DATABASE_URL=$(BENCH_SCALE_DATABASE_URL) $(PY) manage.py bench_load --redis-url $(BENCH_REDIS_URL) --run-time $(BENCH_LOAD_SECONDS)

check-deploy: install
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=pcl.example.org EMAIL_URL=smtp+tls://user:password@smtp.example.org:587 \
		REDIS_URL=redis://redis.example.org:6379/0 \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
