# mulu: `make demo` and `make test` set everything up themselves (a .venv in this folder).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export GX_ANALYTICS_ENABLED := false
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120

.PHONY: install demo test test-fast bench bench-busy screenshots clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml expectations/data_docs.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# From npm where npm exists, into .venv/npm: the GX Data Docs' scripts and styles (served from the
	# docs themselves, never a CDN) and axe-core (the public site's accessibility test).
	if command -v npm >/dev/null 2>&1; then npm install --silent --no-audit --no-fund --legacy-peer-deps \
	  --prefix $(VENV)/npm axe-core@4.11.0 $$($(BIN)/python -m expectations.data_docs) \
	  || echo "npm packages could not be installed: Data Docs lack their styles, the accessibility test is skipped"; fi
	touch $@

demo: install
	$(BIN)/mulu demo

test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

bench: install
	$(BIN)/python -m flows.bench

# The small sample's night as the cron line runs it, beside 0, 1 and 2 CPU-bound processes.
bench-busy: install
	$(BIN)/python -m flows.bench_busy

# The README's pictures of the public site, from the demo's site (needs Debian's chromium).
screenshots: demo
	$(BIN)/python -m flows.site_screenshots data/demo/small/out/site warehouse/site/screenshots

clean:
	rm -rf $(VENV) data .pytest_cache
