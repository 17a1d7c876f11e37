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

.PHONY: install run test chromium lint translations extract-messages update-translations serve clean bench bench-search soak \
	validate-html security security-tools

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

CHROMIUM := /usr/bin/chromium

# The browser tests drive Debian's Chromium (a Playwright browser download cannot work on a
# closed network). As root, `make test` installs it when it is missing; otherwise it stops at
# once with the one command to run.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" -eq 0 ]; then \
	    echo "installing Debian's Chromium for the browser tests"; \
	    apt-get -o DPkg::Lock::Timeout=600 update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q chromium; \
	  else \
	    echo "$(CHROMIUM) is missing: the browser tests need Debian's Chromium. Run:" >&2; \
	    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium" >&2; \
	    exit 1; \
	  fi; \
	fi

test: translations chromium
	$(BIN)/pytest $(PYTEST_ARGS)

# Page-speed benchmark (not a test): BENCH_ARGS="--size large --database postgresql+psycopg://..."
bench: translations
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Soak test (not a test): mixed load on the last `make bench` data until SOAK_MINUTES pass;
# fails if a worker process dies.
soak: translations
	$(BIN)/python -m bench.soak --minutes $(or $(SOAK_MINUTES),5)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) instance/*.db instance/search-index .pytest_cache

# Quality gates beyond `make test` (run by .ci/gates): HTML validity, SQL injection, bandit.
node_modules/vnu-jar/build/dist/vnu.jar: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

validate-html: translations node_modules/vnu-jar/build/dist/vnu.jar
	$(BIN)/python tests/browser/validate_html.py

$(VENV)/.security-tools: pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test,security]'
	touch $@

security-tools: $(VENV)/.security-tools

security: translations security-tools
	@if grep -rn --include='*.py' -i 'nosec' forum; then \
	  echo "a 'nosec' comment silences bandit: fix the finding instead" >&2; exit 1; fi
	@# .ci/bandit-baseline.json holds the reviewed findings: Markup() around HTML that is already
	@# sanitized (content/markup.py, synthesis/citing.py) or escaped (search highlights, tag
	@# stripping), the backup's sequence reset, whose SQL names come from the schema, quoted, and
	@# the content-version upsert, whose SQL holds only numbered placeholders. Any other fails.
	$(BIN)/bandit -r forum -q --severity-level medium -b .ci/bandit-baseline.json
	@echo "bandit: no new medium or high finding"
	$(BIN)/python tests/browser/sqlmap_scan.py

bench-search: install
	$(BIN)/python bench/search_bench.py $(BENCH_ARGS)
