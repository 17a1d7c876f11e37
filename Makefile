# The Consular Practice Exchange. `make run` serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
# Babel skips folders starting with "_" unless told which to skip: templates/_partials and
# templates/_macros hold messages too.
BABEL_IGNORE_DIRS := .* node_modules build dist instance

.PHONY: install run test lint translations extract-messages update-translations serve clean bench-search

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

translations: install
	@rm -f translations/*/LC_MESSAGES/messages.mo
	$(BIN)/pybabel compile -d translations --statistics
	@for po in translations/*/LC_MESSAGES/messages.po; do \
	  test -f "$${po%.po}.mo" || { echo "catalog $$po failed to compile"; exit 1; }; done

extract-messages: install
	$(BIN)/pybabel extract -F pyproject.toml -k _l -k lazy_gettext --no-location --sort-output \
	  --ignore-dirs '$(BABEL_IGNORE_DIRS)' --project "Consular Practice Exchange" -o translations/messages.pot .

update-translations: extract-messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --width 100

run: translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: translations
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance/*.db instance/search-index .pytest_cache

bench-search: install
	$(BIN)/python bench/search_bench.py $(BENCH_ARGS)
