# Two commands: `make run` (set up, build the warehouse if none, serve) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= $(or $(DISPLACEMENT_DB),data/warehouse.duckdb)
APT_PACKAGES := chromium poppler-utils fonts-dejavu-core fonts-liberation fonts-noto-core nginx
PORT ?= 8501
PROCESSES ?= $(shell nproc 2>/dev/null || echo 2)
MULTI_PORT ?= 8500
# Test workers: one per core (pytest-xdist); each test file runs whole on one worker, so a module's
# server or warehouse fixture is built once. TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= auto

.PHONY: run serve-multi test setup system-deps warehouse bench soak clean

run: setup system-deps warehouse
	$(BIN)/python -m dashboard.serve --server.address 127.0.0.1 --server.port $(PORT)

# PROCESSES Streamlit processes (one per core) behind nginx on http://127.0.0.1:$(MULTI_PORT)
# (sticky sessions, websocket upgrade; see docs/deployment.md). Ctrl-C stops them all.
serve-multi: setup system-deps warehouse
	$(BIN)/python -m dashboard.deploy.multi --processes $(PROCESSES) --port $(MULTI_PORT) --db "$(DB)"

test: setup system-deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Debian packages for browser tests and image export (chromium), PDF checks (pdftoppm), fonts (pack text, print charts);
# several processes behind a proxy (nginx: make serve-multi, tests/test_proxy.py, make bench).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	[ -d /usr/share/fonts/truetype/dejavu ] || missing="$$missing fonts-dejavu-core"; \
	[ -d /usr/share/fonts/truetype/liberation ] || missing="$$missing fonts-liberation"; \
	[ -f /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ] || missing="$$missing fonts-noto-core"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing. Install them with:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	  fi; \
	fi

warehouse: setup
	@if [ ! -f "$(DB)" ]; then $(BIN)/python -m etl build-reference --db "$(DB)"; fi

bench: setup system-deps
	$(BIN)/python -m bench

soak: setup
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) data/warehouse.duckdb* test-artifacts .pytest_cache
