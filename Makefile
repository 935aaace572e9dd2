# Set-up and everyday commands. Each target creates the virtual environment if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean-cache

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

## run: build the network cache if needed, then route Xi'an → Klaipėda with and without --avoid RU,BY
run: $(STAMP)
	$(BIN)/corridor route "Xi'an" Klaipeda
	$(BIN)/corridor route "Xi'an" Klaipeda --avoid RU,BY

## test: the whole test suite (unit tests, then integration tests on the real world network)
test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

## bench: routing benchmark against scgraph, printed as a table
bench: $(STAMP)
	$(BIN)/python benchmarks/routing.py

clean-cache: $(STAMP)
	$(BIN)/python -c "import shutil, corridor.network.cache as c; shutil.rmtree(c.default_cache_dir(), ignore_errors=True)"
