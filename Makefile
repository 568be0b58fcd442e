# The README's two commands: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app certprep
# One process with threads: rate limits kept in its memory count every request (README,
# "Running in production", for several workers), and links name the address it serves.
SERVE := CERTPREP_RATELIMIT_STORAGE_URI=memory:// CERTPREP_BASE_URL=http://$(HOST):$(PORT) \
	$(BIN)/gunicorn --workers 1 --threads 4 --bind $(HOST):$(PORT) "certprep:create_app()"

.PHONY: run test test-postgres lint demo lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the lock files (exact versions); pyproject.toml keeps the ranges.
$(VENV)/.installed-run: pyproject.toml requirements/run.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/run.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements/test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/test.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed-run

## run: install, create or upgrade the database, load the shipped questions once, serve
run: $(VENV)/.installed-run
	$(FLASK) db upgrade
	$(FLASK) bank load-shipped
	@echo "certprep is serving on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(SERVE)

## test: the whole suite on SQLite (browser tests too, when Chromium is installed)
# Whole files per worker, in collection order: the browser journeys first (tests/e2e/conftest.py).
test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder

## test-postgres: the same suite on a PostgreSQL database made and dropped for the run
test-postgres: $(VENV)/.installed-test
	$(BIN)/python tests/run_on_postgres.py $(BIN)/pytest -m "not browser"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

## demo: a clearly fake clinic in its own database (instance/demo.sqlite), served with a banner
demo: $(VENV)/.installed-run
	CERTPREP_DATABASE_URL=sqlite:///demo.sqlite $(FLASK) db upgrade
	CERTPREP_DATABASE_URL=sqlite:///demo.sqlite $(FLASK) bank load-shipped
	CERTPREP_DATABASE_URL=sqlite:///demo.sqlite $(FLASK) demo
	@echo "The demo is serving on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	CERTPREP_DATABASE_URL=sqlite:///demo.sqlite CERTPREP_DEMO=1 $(SERVE)

## lock: pin every dependency again after a change to pyproject.toml
lock: $(VENV)/.installed-test
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  -o requirements/run.txt pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  --extra test --extra e2e -o requirements/test.txt pyproject.toml

clean:
	rm -rf $(VENV) build *.egg-info test-results
