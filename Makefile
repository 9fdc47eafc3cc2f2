# Set-up and everyday commands. Each target creates the virtual environment
# and installs the project first when needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install lint clean

run: $(VENV)/.installed
	$(BIN)/autodiag db upgrade
	$(BIN)/autodiag demo load
	$(BIN)/autodiag run --host $(HOST) --port $(PORT)

# The suite runs on SQLite, then again on PostgreSQL when
# AUTODIAG_TEST_POSTGRES_URL is set to a server's URL, as tests/conftest.py
# describes.
test: $(VENV)/.installed-dev
	AUTODIAG_TEST_POSTGRES_URL= $(BIN)/pytest
	if [ -n "$$AUTODIAG_TEST_POSTGRES_URL" ]; then $(BIN)/pytest; fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

install: $(VENV)/.installed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[postgres]'
	touch $@

$(VENV)/.installed-dev: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[postgres,dev]'
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) .pytest_cache
