# The two commands a newcomer needs: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The engine compiled with mypyc (setup.py), for the benchmark; the container image builds the same way.
# mypyc type-checks against the installed dependencies, so the plain package goes in first and the
# compiled one replaces it.
COMPILED := .venv-compiled
COMPILED_STAMP := $(COMPILED)/.installed
ENGINE_SOURCES := $(wildcard digests/*.py digests/ingest/*.py bench/*.py seeds/*.json)
export NEWSBOT_SHARED_DATA ?= $(abspath ../shared/data)

.PHONY: install run test lint bench bench-source clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(COMPILED_STAMP): pyproject.toml setup.py $(ENGINE_SOURCES)
	$(PYTHON) -m venv $(COMPILED)
	$(COMPILED)/bin/python -m pip install --quiet --upgrade pip
	$(COMPILED)/bin/python -m pip install --quiet '.[dev]' 'setuptools>=77' wheel
	NEWSBOT_COMPILE=1 $(COMPILED)/bin/python -m pip install --quiet --no-build-isolation --force-reinstall --no-deps .
	touch $(COMPILED_STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/newsbot run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

# The benchmark table of README.md, measured on the compiled engine as the container runs it.
bench: $(COMPILED_STAMP)
	$(COMPILED)/bin/newsbot bench

# The same table for the plain-Python engine of this checkout.
bench-source: $(STAMP)
	$(BIN)/newsbot bench

clean:
	rm -rf $(VENV) $(COMPILED) .mypy_cache .ruff_cache .pytest_cache build *.egg-info
