# One entry point for people and CI: `make site` builds the site, `make test` runs every check.
# Both create the virtual environment on first use, so a fresh clone needs nothing else.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install site test lint chromium serve demo clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

site: $(STAMP)
	$(BIN)/jobtal build

lint: $(STAMP)
	$(BIN)/ruff check jobtal tests scripts
	$(BIN)/ruff format --check jobtal tests scripts

test: lint chromium
	$(BIN)/pytest

# The browser tests drive headless Chromium from Debian's packages (Playwright never downloads
# one). Installed here when missing, as root or through sudo.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

serve: $(STAMP)
	$(BIN)/jobtal serve

clean:
	rm -rf build
