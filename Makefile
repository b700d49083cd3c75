# mulu: `make demo` and `make test` set everything up themselves (a .venv in this folder).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export GX_ANALYTICS_ENABLED := false
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120

.PHONY: install demo test test-fast bench screenshots clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# axe-core (accessibility checks of the public site in tests), from npm where npm exists
	if command -v npm >/dev/null 2>&1; then npm install --silent --no-audit --no-fund --prefix $(VENV)/npm axe-core@4.11.0 \
	  || echo "axe-core could not be installed: the accessibility test will be skipped"; fi
	touch $@

demo: install
	$(BIN)/mulu demo

test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

bench: install
	$(BIN)/python -m flows.bench

# The README's pictures of the public site, from the demo's site (needs Debian's chromium).
screenshots: demo
	$(BIN)/python -m flows.site_screenshots data/demo/small/out/site warehouse/site_screenshots

clean:
	rm -rf $(VENV) data .pytest_cache
