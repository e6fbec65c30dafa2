# terroffer: two commands do all the set-up on a fresh machine.
#   make dashboard   creates .venv, installs terroffer, serves the explorer on the bundled data
#   make test        creates .venv if needed, installs the test extras, runs every test

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PLAN   ?= data/zoning/skhirat-temara.gpkg
PORT   ?= 8866
# The bundled sample is package data; data/zoning/skhirat-temara.gpkg links to it.
SAMPLE := terroffer/data/skhirat-temara.gpkg

.PHONY: dashboard test lint sample bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,sample]"
	touch $@ $(VENV)/.installed

dashboard: $(VENV)/.installed
	$(BIN)/terroffer serve explorer --plan $(PLAN) --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

sample: $(VENV)/.installed-test
	$(BIN)/python scripts/build_sample.py --out $(SAMPLE)

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_load.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build *.egg-info
