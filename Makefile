# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP := $(VENV)/.installed-app
TEST := $(VENV)/.installed-test

.PHONY: run test check bench bench-faults lint lock messages clean

PIP := $(VENV)/.installed-pip

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The pip that comes with Python first, then the locked pip (see requirements/pip.in for why).
$(PIP): requirements/pip.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/pip.lock
	touch $@

# Installs come from the lock files in requirements/, every file checked against its hash; the
# ranges in pyproject.toml only say what `make lock` may choose. The project itself goes in last,
# without its dependencies and with the locked setuptools (no unpinned build environment).
INSTALL_LOCKED = $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r
INSTALL_SELF = $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e

# Reinstall whenever pyproject.toml or a lock changes; the app alone for `run`, with test extras for the rest.
$(APP): pyproject.toml requirements/app.lock $(PIP)
	$(INSTALL_LOCKED) requirements/app.lock
	$(INSTALL_SELF) .
	touch $@

$(TEST): pyproject.toml requirements/test.lock $(PIP)
	$(INSTALL_LOCKED) requirements/test.lock
	$(INSTALL_SELF) '.[test]'
	touch $@ $(APP)

run: $(APP)  ## Prepare instance/, bring the database up to date, serve on http://127.0.0.1:5000
	$(BIN)/python -m webapp.instance_setup
	$(BIN)/flask --app webapp db upgrade
	$(BIN)/flask --app webapp run --host 127.0.0.1 --port 5000

# The suite runs on two workers (CI's machine has two cores), each handed whole test files, so a file's
# servers, browser and npm install stay in one process. `make test PYTEST_WORKERS=0` runs it in one.
PYTEST_WORKERS ?= 2
test: $(TEST)  ## Lint, then run the whole test suite.
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

check: $(APP)  ## Walk every answer combination and check the rule content.
	$(BIN)/flask --app webapp rules check

bench: $(TEST)  ## Print speed figures.
	$(BIN)/python bench/rulebook_bench.py
	$(BIN)/python bench/http_bench.py
	$(BIN)/python bench/save_bench.py

# Saves under load while a worker is killed (and PostgreSQL restarts, with FAULT_BENCH_DATABASE_URL,
# a database whose name contains "bench"): no acknowledged save may be lost, no answer may be a 500.
bench-faults: $(TEST)  ## Kill a worker (and restart PostgreSQL) under load; count lost saves and 500s.
	$(BIN)/python bench/fault_bench.py $(if $(FAULT_BENCH_DATABASE_URL),--database-url $(FAULT_BENCH_DATABASE_URL))

lint: $(TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Choose new versions within pyproject.toml's ranges and write them, with every file's hash, to
# requirements/: test.lock first (everything), then app.lock and deploy.lock held to the same versions.
# pip-tools runs from its own venv so it never changes what the project's venv holds.
LOCK_VENV := .venv-lock
PIP_COMPILE = PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --upgrade
COMPILE = $(PIP_COMPILE) --all-build-deps

lock:  ## Re-pin requirements/*.lock (with hashes) from pyproject.toml; commit what changes.
	test -x $(LOCK_VENV)/bin/pip-compile || ( $(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/python -m pip install --quiet 'pip-tools>=7.5,<8' )
	$(PIP_COMPILE) --output-file requirements/pip.lock requirements/pip.in
	$(COMPILE) --extra test --output-file requirements/test.lock pyproject.toml
	$(COMPILE) --constraint requirements/test.lock --output-file requirements/app.lock pyproject.toml
	$(COMPILE) --constraint requirements/test.lock --extra deploy --output-file requirements/deploy.lock pyproject.toml

# The interface words: find every marked string (Python and templates, see babel.cfg), add the new
# ones to each webapp/translations/<language>/LC_MESSAGES/messages.po (no fuzzy guesses: a new string
# arrives untranslated, and `rules check` fails until it has its translation), then compile the .mo
# files the app reads. Commit the .po and .mo files together.
BABEL_KEYWORDS := -k _l -k N_ -k lazy_gettext -k lazy_ngettext:1,2
messages: $(TEST)  ## Extract, update and compile the interface word catalogues.
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --sort-by-file --no-wrap --project "Imaging Guide" \
		--ignore-dirs ".* _* node_modules instance" \
		-o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations --no-fuzzy-matching \
		--ignore-obsolete --no-wrap
	$(BIN)/pybabel compile -d webapp/translations --statistics

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .ruff_cache
