# One entry point for people and CI: `make site` builds the site, `make test` runs every check.
# Both create the virtual environment on first use, so a fresh clone needs nothing else.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: site test lint serve demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/jobtal build

lint: $(STAMP)
	$(BIN)/ruff check jobtal tests scripts
	$(BIN)/ruff format --check jobtal tests scripts

test: lint
	$(BIN)/pytest

serve: $(STAMP)
	$(BIN)/jobtal serve

clean:
	rm -rf build
