# Set-up and everyday commands. Each target creates the virtual environment if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/corridor/server/static/vendor
WEB_STAMP := $(VENDOR)/.installed
# Algorithm B compiled ahead of time (corridor.assign.native), rebuilt when its kernels change
NATIVE := src/corridor/assign/_bush_native.json
NATIVE_SOURCES := $(addprefix src/corridor/,assign/bush.py assign/links.py assign/shortest.py assign/problem.py graphs/heap.py)
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast web lint bench clean-cache native

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	# byte-compile the sources, as pip does for a regular install (an editable one does not)
	$(BIN)/python -m compileall -q src > /dev/null
	touch $(STAMP)

## native: Algorithm B's kernels compiled ahead of time, so an assignment starts without numba (needs a C compiler)
native: $(NATIVE)

$(NATIVE): $(STAMP) $(NATIVE_SOURCES)
	$(BIN)/python -c "from corridor.assign import native; native.main()" \
	  || echo "Algorithm B not compiled ahead of time (is there a C compiler?): assignments use numba's JIT" >&2

## web: the map page's browser libraries (MapLibre GL JS, Swagger UI) from npm, copied into the package
web: $(WEB_STAMP)

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p $(VENDOR)
	cp web/node_modules/maplibre-gl/dist/maplibre-gl.mjs web/node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs \
	   web/node_modules/maplibre-gl/dist/maplibre-gl.css $(VENDOR)/
	cp web/node_modules/maplibre-gl/LICENSE.txt $(VENDOR)/maplibre-gl.LICENSE.txt
	cp web/node_modules/swagger-ui-dist/swagger-ui-bundle.js web/node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/
	cp web/node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui.LICENSE.txt
	touch $(WEB_STAMP)

# headless Chromium for the browser tests (Debian's package; Playwright drives it, no browser download)
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

## run: build the network cache if needed, then route Xi'an → Klaipėda with and without --avoid RU,BY
run: $(STAMP) $(WEB_STAMP) $(NATIVE)
	$(BIN)/corridor route "Xi'an" Klaipeda
	$(BIN)/corridor route "Xi'an" Klaipeda --avoid RU,BY

## test: the whole test suite (unit tests, integration tests on the real world network, browser tests)
test: $(STAMP) $(WEB_STAMP) $(NATIVE) $(CHROMIUM)
	$(BIN)/python -m pytest

## test-fast: unit tests and doctests only: no world network, no browser (under a minute)
test-fast: $(STAMP) $(NATIVE)
	$(BIN)/python -m pytest -m "not integration and not browser"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

## bench: routing benchmark against scgraph, printed as a table
bench: $(STAMP)
	$(BIN)/python benchmarks/routing.py

clean-cache: $(STAMP)
	$(BIN)/python -c "import shutil, corridor.network.cache as c; shutil.rmtree(c.default_cache_dir(), ignore_errors=True)"
