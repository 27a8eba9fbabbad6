# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: test check explain bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes.
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

test: $(INSTALLED)  ## Lint, then run the whole test suite.
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

check: $(INSTALLED)  ## Walk every answer combination and check the rule content.
	$(BIN)/flask --app webapp rules check

bench: $(INSTALLED)  ## Print speed figures for the rule engine.
	$(BIN)/python bench/rulebook_bench.py

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
