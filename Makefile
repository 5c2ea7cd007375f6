# motcua — `make run` serves the demo, `make test` runs the whole suite.
# Both set everything up from nothing but a Python >= 3.12 interpreter.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

# The first interpreter >= 3.12 found: $PYTHON if given, versioned names on PATH, then pyenv's.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 python \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
	command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$c; break; }; done)

.PHONY: run test lint format clean test-tools eid-dev

$(VENV)/.python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "motcua needs Python 3.12 or newer, and none was found."; \
		echo "Install it (e.g. 'apt-get install python3.12 python3.12-venv', or 'pyenv install 3.12')"; \
		echo "or point to it: make run PYTHON=/path/to/python3.12"; exit 1; fi
	"$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@"$(PYTHON)" --version > $@

# Reinstall only when the dependency list changes, so a second `make run` starts at once.
$(VENV)/.installed: $(VENV)/.python pyproject.toml
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# Compiled catalogues are build products: made from the .po sources at setup.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard src/motcua/locale/*/LC_MESSAGES/*.po \
	src/motcua/*/locale/*/LC_MESSAGES/*.po))
src/motcua/%.mo: src/motcua/%.po $(VENV)/.installed
	$(BIN)/pybabel compile --domain=django -i $< -o $@

run: $(VENV)/.installed $(MO_FILES)
	$(BIN)/motcua demo

# System programs the suite drives: Debian's chromium (browser tests), poppler's pdfsig and
# NSS's certutil (signatures checked by a verifier independent of ours), SoftHSM2 (a
# software PKCS#11 token for the token signer), Node.js (runs the OpenID Connect provider
# the eID login tests log in through). Installed through
# the system package manager when missing; never a browser download.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
test-tools:
	@# Only the packages of the missing tools: a Node.js from another source that bundles
	@# npm conflicts with the distribution's npm package.
	@packages=""; \
	for pair in chromium:chromium pdfsig:poppler-utils certutil:libnss3-tools \
		softhsm2-util:softhsm2 node:nodejs npm:npm; do \
		command -v $${pair%%:*} >/dev/null || packages="$$packages $${pair#*:}"; \
	done; \
	if [ -n "$$packages" ]; then \
		echo "installing test tools:$$packages"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$packages >/dev/null; \
	fi

test: $(VENV)/.installed-dev $(MO_FILES) test-tools
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(VENV)/.installed-dev
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# A local OpenID Connect provider on port 9400 for trying eID login with `make run`; it
# prints the MOTCUA_OIDC_* values to export.
eid-dev: $(VENV)/.installed-dev
	$(PY) -m tests.identity.oidc_provider serve

clean:
	rm -rf $(VENV) var build src/*.egg-info $(MO_FILES)
