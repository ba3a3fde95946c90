# dualtrack: everything a fresh clone needs is installed by these targets.
# `make demo` and `make test` are the two commands a newcomer runs.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SOLC_VERSION := $(shell sed -n 's/.*"solc": "\([0-9.]*\)".*/\1/p' package.json)
NETWORK := base:local:foundry

# Project-local compiler dir and tools on PATH for ape, forge and slither.
export SOLCX_BINARY_PATH := $(CURDIR)/.solcx
export PATH := $(CURDIR)/$(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
# Ape's analytics/update checks need the internet: keep them quiet.
export APE_DISABLE_TELEMETRY := 1

PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# A stamp beside the compiler: the compiler itself may be a symlink to tools/solc-shim.js, whose
# (older) mtime make would read through the link, re-running the installer on every make.
SOLC_STAMP := .solcx/.installed-v$(SOLC_VERSION)
DEVNODE := $(BIN)/python -m dualtrack.devnode

.PHONY: help install compile test demo lint bench fuzz abi clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(PY_STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# `npm ci` installs exactly the committed lock and never rewrites it (the lock lists the Foundry
# wrappers' optional per-platform binaries, as npm 10+ writes them), so `git status` stays clean.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(SOLC_STAMP): $(PY_STAMP) $(NODE_STAMP) tools/solc-shim.js tools/ensure_solc.py
	$(BIN)/python tools/ensure_solc.py $(SOLC_VERSION) .solcx
	touch $@

install: $(PY_STAMP) $(NODE_STAMP) $(SOLC_STAMP) ## Install Python, npm and compiler dependencies (once)

# Ape recompiles only the files whose own text changed, not the contracts importing them (an edit
# to an abstract base or a library would leave its users' artifacts stale): any source change
# rebuilds everything.
SOL_SOURCES := $(shell find contracts interfaces -name '*.sol' 2>/dev/null)
BUILD_STAMP := .build/.compiled

# tools/compile.py runs `ape compile --force` with Ape's unpacked dependency copy (contracts/.cache)
# removed before and after: a copy left there hides project sources from Ape's capped source walk.
# It then checks that every source under contracts/ was compiled from its current text, or fails.
$(BUILD_STAMP): $(SOLC_STAMP) $(SOL_SOURCES) ape-config.yaml tools/compile.py
	$(BIN)/python tools/compile.py $(if $(VERBOSE),,--quiet)
	touch $@

compile: install $(BUILD_STAMP) ## Compile the contracts with Ape (all of them whenever a source changed)

test: compile ## Run the pytest suite through `ape test` on a fresh local OP-stack node
	$(DEVNODE) $(BIN)/ape test --network $(NETWORK) --disable-isolation $(TEST_ARGS)

fuzz: compile ## Long hypothesis campaigns (profile `fuzz`: 500 examples, 60 steps) over the property and stateful suites
	HYPOTHESIS_PROFILE=fuzz $(DEVNODE) $(BIN)/ape test --network $(NETWORK) --disable-isolation \
		-k "stateful or state_machine or any_sequence or random or any_amount or malformed" $(TEST_ARGS)

demo: compile ## Deploy deploy/local.toml to a fresh local Base-like node and tell the story (KEEP_NODE=1 keeps it)
	$(DEVNODE) $(BIN)/dualtrack demo

bench: compile ## Measure exact gas of the benchmarks on a fresh node into reports/gas.json (BENCH_ARGS="--only trex")
	$(DEVNODE) $(BIN)/python -m dualtrack.bench $(BENCH_ARGS)

abi: compile ## Export interfaces/abi/*.json: every interface and every deployed contract (complete ABIs)
	$(BIN)/python tools/export_abis.py

lint: install ## ruff and mypy on the Python package
	$(BIN)/ruff check dualtrack scripts tests tools
	$(BIN)/ruff format --check dualtrack scripts tests tools
	$(BIN)/mypy

clean: ## Remove build outputs (keeps installs)
	rm -rf .build contracts/.cache out cache
