# The README's two commands: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app certprep

.PHONY: run test test-postgres lint demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

## run: install, create or upgrade the database, load the shipped questions once, serve
run: $(VENV)/.installed-run
	$(FLASK) db upgrade
	$(FLASK) bank load-shipped
	@echo "certprep is serving on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(FLASK) run --host $(HOST) --port $(PORT)

## test: the whole suite on SQLite (browser tests too, when Chromium is installed)
test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/pytest

## test-postgres: the same suite on a PostgreSQL database made and dropped for the run
test-postgres: $(VENV)/.installed-test
	$(BIN)/python tests/run_on_postgres.py $(BIN)/pytest -m "not browser"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

## demo: a clearly fake site with an account for every role (only on an empty database)
demo: $(VENV)/.installed-run
	$(FLASK) db upgrade
	$(FLASK) demo

clean:
	rm -rf $(VENV) build *.egg-info test-results
