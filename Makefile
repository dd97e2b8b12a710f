# Every target bootstraps .venv itself: a fresh clone needs only Python 3.11 and make.
# `make report` installs the core and the report extra only; `make test` installs everything (`.[dev]`).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
REPORT_STAMP := $(VENV)/.installed-report
DEV_STAMP := $(VENV)/.installed-dev

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(REPORT_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[report]'
	touch $@

# dev includes every extra, so it also satisfies `make report`.
$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(REPORT_STAMP)

.PHONY: install report test lint bench browser
install: $(DEV_STAMP)

report: $(REPORT_STAMP)
	$(BIN)/corevar report --out report

# Debian's chromium for the report's browser test; skipped silently when apt is unavailable.
browser:
	@command -v chromium >/dev/null 2>&1 || { (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null) || echo "chromium not installed: browser tests will fail"; }

# Lint, formatting, the layer contract of docs/architecture.md (import-linter), then the suite.
test: $(DEV_STAMP) browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_analytics.py
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/bench_report.py
