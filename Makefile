# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP := $(VENV)/.installed-app
TEST := $(VENV)/.installed-test

.PHONY: run test check bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes; the app alone for `run`, with test extras for the rest.
$(APP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(APP)

run: $(APP)  ## Prepare instance/, bring the database up to date, serve on http://127.0.0.1:5000
	$(BIN)/python -m webapp.instance_setup
	$(BIN)/flask --app webapp db upgrade
	$(BIN)/flask --app webapp run --host 127.0.0.1 --port 5000

test: $(TEST)  ## Lint, then run the whole test suite.
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

check: $(APP)  ## Walk every answer combination and check the rule content.
	$(BIN)/flask --app webapp rules check

bench: $(TEST)  ## Print speed figures.
	$(BIN)/python bench/rulebook_bench.py
	$(BIN)/python bench/http_bench.py
	$(BIN)/python bench/save_bench.py

lint: $(TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
