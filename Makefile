# `make run` and `make test` on a fresh machine with Python 3.11 and make.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck check bench bench-service clean system-deps

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or make PYTHON=python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/churujing arrival-card bootstrap
	$(BIN)/churujing serve --host 127.0.0.1 --port 8000

# What the tests drive besides Python: Debian's Chromium and a Chinese font (browser tests,
# through Playwright, no browser download) and a PostgreSQL server (the service's tests
# start a throwaway one), and ab (apache2-utils) and wrk for the service benchmark.
system-deps:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; } \
	  || { apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; } \
	  || echo "note: could not install Debian's chromium; browser tests will say they are skipped"
	@{ command -v ab >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1; } \
	  || { apt-get update -qq && apt-get install -y -qq apache2-utils wrk >/dev/null; } \
	  || echo "note: could not install apache2-utils and wrk; bench/service.py needs ab and wrk"
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; } \
	  || echo "note: could not install PostgreSQL; PostgreSQL tests will say they are skipped"
	@command -v pdftotext >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; } \
	  || echo "note: could not install poppler-utils; the decision letters' text tests will say they are skipped"

test: $(STAMP) system-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/manifest.py

bench-service: $(STAMP) system-deps
	$(BIN)/python bench/service.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
