# Two commands on a fresh machine: `make run` and `make test`.
# Both create the virtual environment on first use; nothing else has to be set up.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.wattson-installed

.PHONY: run web test lint typecheck unit bench i18n clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/wattson run

# The public pages, the JSON API, health and metrics on the embedded base: http://127.0.0.1:8080/
web: $(STAMP)
	$(BIN)/wattson web

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/wattson bench

# Re-extract the message catalog and recompile the French translations after editing strings.
i18n: $(STAMP)
	$(BIN)/pybabel extract --no-location --omit-header -k N_ -k NP_:1c,2 -F babel.cfg -o bot/locales/wattson.pot bot adapters facts
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -D wattson -i bot/locales/wattson.pot -d bot/locales
	$(BIN)/pybabel compile -D wattson -d bot/locales

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-output
