# Factcheck desk — `make run` serves the app with demo data; `make test` runs everything.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: run install install-dev migrate demo test lint format unit e2e integration bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

# Without Redis there is no beat: run_schedule runs its periodic tasks (feed polls, lease
# expiry, purges) beside the server, and stops with it.
run: demo
	@echo "Serving on http://127.0.0.1:8000 (log in at /login/ with the users above)"
	$(BIN)/python manage.py run_schedule & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Unit and API tests on SQLite. `integration` runs them again on PostgreSQL, then the
# integration tests against PostgreSQL, Redis and real Celery worker and beat processes.
unit: install-dev
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest -m "not integration and not e2e" -n 2 -q

# The dashboard in Chromium (Debian's /usr/bin/chromium) through Playwright.
e2e: install-dev
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest -m e2e tests/e2e -q -p no:xdist

integration: install-dev
	@if [ -z "$$CI" ] && ! $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_TEST_URL)'.replace('/factcheck', '/postgres'), connect_timeout=3).close()" 2>/dev/null; then \
		echo "PostgreSQL is not reachable: the PostgreSQL run is skipped (with CI=true it fails)"; \
	else \
		env -u REDIS_URL DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -m "not e2e and not integration" -q -p no:xdist; \
	fi
	DATABASE_URL=$(PG_TEST_URL) REDIS_URL=$(REDIS_TEST_URL) \
		$(BIN)/pytest -m integration -q -p no:xdist

test: lint unit e2e integration

bench: install-dev
	$(BIN)/pip install --quiet -r requirements-bench.txt

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .ruff_cache
