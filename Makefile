# One entry point for people and CI: `make site` builds the site, `make test` runs every check.
# Both create the virtual environment on first use, so a fresh clone needs nothing else.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install lock site internal test lint chromium libreoffice spark java serve demo clean zensical-report golden

# The environment is installed from requirements.lock: every package at the version and with the
# SHA-256 the lock names, so a publication is built with exactly what the tests ran on. After
# changing pyproject.toml's dependencies, `make lock` resolves them again (uv) and writes it.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 \
	  --quiet -o requirements.lock
	$(BIN)/uv pip compile requirements-zensical.in --generate-hashes --python-version 3.11 \
	  --quiet -o requirements-zensical.lock
	$(BIN)/uv pip compile requirements-spark.in -c requirements.lock --generate-hashes \
	  --python-version 3.11 --quiet -o requirements-spark.lock

install: $(STAMP)

site: $(STAMP)
	$(BIN)/jobtal build

# The internal edition (SPEC section 9) of the demo data, for Holbæk, whose weekly management
# information it follows: into build/internal, never build/site, and never published. With a
# jobcentre's own extracts: jobtal internal --data PACKAGE --out DIR.
internal: $(STAMP)
	$(BIN)/jobtal internal --jobcenter 316 --out build/internal

lint: $(STAMP)
	$(BIN)/ruff check jobtal tests scripts
	$(BIN)/ruff format --check jobtal tests scripts

# JOBTAL_REQUIRE_SPARK: the Spark equality test (tests/test_spark.py) fails here, rather than
# skips, when PySpark or Java is missing. The test files run on every core (pytest-xdist), a
# file's tests together on one (its module fixtures are built once): on 2 cores the suite took
# 515 s against 944 s one file after another.
test: lint chromium libreoffice spark java
	JOBTAL_REQUIRE_SPARK=1 $(BIN)/pytest -n auto --dist loadfile

# After a change meant to alter the published site: write the tiny site's golden tree again
# (tests/golden), then read `git diff tests/golden` before committing it.
golden: $(STAMP)
	JOBTAL_UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_golden.py

# The browser tests drive headless Chromium from Debian's packages (Playwright never downloads
# one). Installed here when missing, as root or through sudo.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# One test opens a Word report with other software than the one that wrote it: LibreOffice's
# writer, without its desktop, from Debian's packages (about 25 s to install).
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libreoffice-writer-nogui >/dev/null; }

# `jobtal build --engine spark` (issue 23): PySpark, the optional extra jobtal[spark], from its
# own lock (about 40 s, 490 MB), and a Java runtime from Debian's packages where none is found.
SPARK_STAMP := $(VENV)/.spark-stamp
$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-spark.lock
	touch $@

spark: $(SPARK_STAMP)

java:
	@command -v java >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; }

# The site built with Zensical as well as with mkdocs-material, from the same mkdocs.yml, and what
# differs (scripts/zensical_report.py): evidence for the move off Material, never a test. Zensical
# lives in its own environment, installed from its own lock.
ZENSICAL := .venv-zensical
$(ZENSICAL)/.installed-stamp: requirements-zensical.lock
	$(PYTHON) -m venv $(ZENSICAL)
	$(ZENSICAL)/bin/pip install --quiet --disable-pip-version-check --require-hashes \
	  -r requirements-zensical.lock
	touch $@

zensical-report: $(STAMP) $(ZENSICAL)/.installed-stamp
	$(BIN)/python scripts/zensical_report.py --zensical $(ZENSICAL)/bin/zensical \
	  --out build/zensical

serve: $(STAMP)
	$(BIN)/jobtal serve

clean:
	rm -rf build
