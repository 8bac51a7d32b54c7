# AICC on Amazon Connect — one CDK app, three environments.
# `make synth` and `make test` set everything up on first run (Python venv + pinned CDK CLI).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Node 24 comes from package.json (the npm package `node`, a platform binary from the npm registry):
# node_modules/.bin first on PATH makes it the Node of npm, npx, the CDK CLI and jsii (synth in
# pytest too), whatever Node the machine has. `make node-version` shows it.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
# Synthesis must never reach AWS: no version check, no instance-metadata credential probing.
export CDK_DISABLE_VERSION_CHECK := true
export AWS_EC2_METADATA_DISABLED := true
export PYTHONDONTWRITEBYTECODE := 1

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CDK := npx --no-install cdk
ENV ?= dev
ARGS ?=
OUT := cdk.out
# Flows AWS published (console exports and solution flows Connect accepted), with their types.json.
REAL_FLOWS ?= ../shared/real_flows

.PHONY: help setup synth test lint typecheck cfn-lint pytest node-version conformance deploy diff bootstrap call bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-13s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt lambda_src/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed ## Create .venv and install the pinned Node and CDK CLI

# cdk's bin starts with `#!/usr/bin/env node`: the node npx finds is the node the CDK CLI runs.
node-version: node_modules/.installed ## The Node that make, npx and the CDK CLI run (fails unless v24)
	@echo "node:     $$(command -v node) $$(node --version)"
	@echo "npx cdk:  $$(npx --no-install -c 'node --version')"
	@node -e 'process.exit(process.versions.node.split(".")[0] === "24" ? 0 : 1)' \
		|| { echo "expected Node 24 from node_modules (npm ci)" >&2; exit 1; }

synth: setup ## Synthesize every environment offline into cdk.out
	rm -rf $(OUT)
	$(CDK) synth --quiet --no-notices --lookups=false --output $(OUT)
	@echo "Synthesized templates:"; for template in $(OUT)/*.template.json; do \
		printf "  %-48s %4s resources\n" "$$template" \
		"$$($(BIN)/python -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Resources"]))' "$$template")"; \
	done

lint: setup ## Ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup ## mypy (the files listed in pyproject.toml)
	$(BIN)/mypy

cfn-lint: synth ## cfn-lint every synthesized template
	$(BIN)/cfn-lint --non-zero-exit-code error -- $(OUT)/*.template.json

pytest: setup ## The test suite alone (synthesizes the app in-process, once)
	$(BIN)/pytest -n 2 --dist loadgroup

# The app is synthesized once: `cfn-lint` synthesizes it with the CLI into $(OUT) and pytest reads that
# cloud assembly (AICC_CDK_OUT) instead of synthesizing again (tests/infrastructure/conftest.py).
test: node-version lint typecheck cfn-lint ## Lint, mypy, CLI synth + cfn-lint, and pytest over that synth
	AICC_CDK_OUT=$(OUT) $(BIN)/pytest -n 2 --dist loadgroup

conformance: setup ## Check and run every flow of REAL_FLOWS (no checker error, every run ends)
	$(BIN)/python -m simulator conformance $(REAL_FLOWS)

bootstrap: setup ## One-time per account/region: cdk bootstrap (needs AWS credentials)
	$(CDK) bootstrap -c env=$(ENV)

diff: setup ## Show what a deploy of ENV would change (needs AWS credentials)
	$(CDK) diff -c env=$(ENV) --all

deploy: setup ## Deploy ENV (needs AWS credentials and a bootstrapped account)
	$(CDK) deploy -c env=$(ENV) --all --require-approval broadening

call: setup ## Call the contact center offline: make call ARGS='--say "주문 조회하고 싶어요" --json'
	$(BIN)/python -m simulator call --env $(ENV) $(ARGS)

bench: setup ## Run the benchmark scripts
	for script in benchmarks/bench_*.py; do $(BIN)/python "$$script"; done

clean: ## Remove generated files (keeps .venv and node_modules)
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
