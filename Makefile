# Baraza: `make run` serves an embedded instance at http://localhost:8000; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

export BARAZA_DOMAIN ?= localhost:8000
export BARAZA_SCHEME ?= http

.PHONY: run test install lint bench migrations clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	$(BIN)/baraza init
	@echo "Serving http://$(BARAZA_DOMAIN) — add a member with: $(BIN)/baraza member add NAME"
	$(BIN)/baraza serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench

# After changing storage/models: write the next migration.
migrations: install
	$(BIN)/python -m storage.makemigrations

clean:
	rm -rf $(VENV) var
