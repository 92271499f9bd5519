# filrouge: `make demo` runs the main job on the bundled sample corpus; `make test` runs all tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := demo.db
# The browser tests drive Debian's Chromium; installing it needs root (or sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test bench clean chromium screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(VENV)/.base $@

$(VENV)/.bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	touch $(VENV)/.base $(VENV)/.test $@

demo: $(VENV)/.base
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/filrouge --db $(DEMO_DB) ingest sample/corpus
	$(BIN)/filrouge --db $(DEMO_DB) articles
	$(BIN)/filrouge --db $(DEMO_DB) copies
	$(BIN)/filrouge --db $(DEMO_DB) entities --limit 12
	$(BIN)/filrouge --db $(DEMO_DB) quotes --speaker "Vladimir Poutine"
	$(BIN)/filrouge --db $(DEMO_DB) stories
	$(BIN)/filrouge --db $(DEMO_DB) show 002_fr_choigou_pyongyang_reprise
	$(BIN)/filrouge --db $(DEMO_DB) story $$($(BIN)/filrouge --db $(DEMO_DB) show 002_fr_choigou_pyongyang_reprise --json \
	  | $(BIN)/python -c 'import json, sys; print(json.load(sys.stdin)["story"])')

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "warning: could not install Debian's chromium: the browser tests will be skipped"

test: $(VENV)/.test chromium
	$(BIN)/python -m pytest -q

# Screenshots of the web app for the README, taken by the browser tests.
screenshots: $(VENV)/.test chromium
	mkdir -p docs/screenshots
	FILROUGE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/test_web.py -k browser

bench: $(VENV)/.bench
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/copies.py --quality --minhash
	$(BIN)/python bench/entities.py
	$(BIN)/python bench/stories.py --cases pipeline,assign,latency,memory

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache .hypothesis
