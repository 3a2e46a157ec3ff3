# xyz.aws_database: one entry point for set-up, the local twin, the demo and the tests.
# Everything here runs on a fresh Debian machine: `make demo` and `make test` install what they need.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
# TWIN_LOCAL_DIR moves the twin's state (a second twin on other ports, for example); .local by default.
LOCAL := $(or $(TWIN_LOCAL_DIR),.local)
ENV_SH := $(LOCAL)/env.sh
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PYTHONPATH := $(CURDIR)
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Everything a run of the site or a test needs from the twin, loaded into the recipe's shell.
WITH_TWIN := source $(ENV_SH) &&

.PHONY: help venv packages local-up local-down demo test lint sanity unit twin-test integration reliability molecule changelog clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

venv: $(VENV)/.installed ## create the virtualenv with the pinned requirements

$(VENV)/.installed: requirements.txt scripts/bootstrap
	scripts/bootstrap "$(VENV)" "$(PYTHON)"
	touch $@

packages: ## install the data plane's Debian packages when missing (MariaDB, Redis, PostgreSQL)
	scripts/install-dataplane-packages

local-up: venv packages ## start the local twin and its data plane (idempotent), write .local/env.sh
	$(PY) -m twin up

local-down: ## stop every process of the local environment and remove its state
	@if [ -x $(PY) ]; then $(PY) -m twin down; else echo "nothing to stop: no virtualenv"; fi

demo: local-up ## the whole site against the local twin, ending in a summary
	$(WITH_TWIN) $(BIN)/ansible-playbook playbooks/site.yml -i inventories/local

# make test runs every job of the list below, three at a time, each lane with a twin of its own (scripts/test-lanes:
# TEST_LANES, the jobs, their logs in .local/test/). The reliability suite is sized for CI there: 2 interruption points
# instead of 10, one destructive-change case of each kind (the ones marked ci: true in
# tests/reliability/destructive_cases.yml), and the first 4 bad-input cases of each file (33), in two jobs of their own.
TEST_INTERRUPTIONS ?= 2
TEST_LANES ?= 3

test: venv packages ## everything, three jobs at a time: lint, sanity, unit, twin tests, integration, reliability, bad input, molecule
	TEST_LANES=$(TEST_LANES) TEST_INTERRUPTIONS=$(TEST_INTERRUPTIONS) $(PY) scripts/test-lanes

lint: venv ## ansible-lint (production profile), yamllint, ruff
	$(BIN)/yamllint --strict .
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/ansible-lint --profile production
	$(PY) scripts/role-readme --check
	$(PY) scripts/architecture --check

sanity: venv ## ansible-test sanity on the collection as it ships (scripts/sanity)
	scripts/sanity

unit: venv ## unit tests of our modules and plugins (the in-process twin or mocked clients)
	$(PY) -m pytest tests/unit

twin-test: venv packages ## the twin's own tests: every patch against the AWS behaviour it implements
	$(PY) -m pytest tests/twin

INTEGRATION_WORKERS ?= 2
integration: local-up ## against the running twin: the twin's acceptance, the site's life cycle
	$(WITH_TWIN) $(BIN)/ansible-playbook tests/integration/twin_acceptance.yml
	$(WITH_TWIN) $(PY) -m pytest tests/integration/test_site_1_build.py
	$(WITH_TWIN) $(PY) -m pytest -n $(INTEGRATION_WORKERS) tests/integration/test_site_2_tags.py
	$(WITH_TWIN) $(PY) -m pytest tests/integration/test_site_3_teardown.py

RELIABILITY_INTERRUPTIONS ?= 10
RELIABILITY_SUBSET ?= all
RELIABILITY_WORKERS ?= 2
# RELIABILITY_BAD_INPUT=separate leaves the bad-input table out (make test runs it as jobs of its own).
RELIABILITY_BAD_INPUT ?= included
# RELIABILITY_STAGES=1,2 runs some stages only (scripts/reliability); RELIABILITY_STATE_WAIT: see there.
RELIABILITY_STAGES ?=
RELIABILITY_STATE_WAIT ?= 0
reliability: local-up ## faults, interruptions, bad input, secrets, destruction, Security Hub controls: one line per case
	$(WITH_TWIN) RELIABILITY_INTERRUPTIONS=$(RELIABILITY_INTERRUPTIONS) RELIABILITY_SUBSET=$(RELIABILITY_SUBSET) \
		RELIABILITY_WORKERS=$(RELIABILITY_WORKERS) RELIABILITY_BAD_INPUT=$(RELIABILITY_BAD_INPUT) \
		RELIABILITY_STAGES=$(RELIABILITY_STAGES) RELIABILITY_STATE_WAIT=$(RELIABILITY_STATE_WAIT) $(PY) scripts/reliability

# RELIABILITY_BAD_INPUT_FILES=aurora,network runs the cases of those files of tests/reliability/bad_input/ only;
# RELIABILITY_SUBSET=ci the first 4 cases of each file (make test).
.PHONY: bad-input
bad-input: local-up ## the bad-input table alone (part of make reliability): each run refused before any change
	$(WITH_TWIN) RELIABILITY_BAD_INPUT_FILES=$(RELIABILITY_BAD_INPUT_FILES) RELIABILITY_SUBSET=$(RELIABILITY_SUBSET) \
		$(PY) -m pytest -q -p no:cacheprovider -n $(RELIABILITY_WORKERS) tests/reliability/test_0_bad_input.py

molecule: local-up ## every molecule scenario against the running twin, two at a time (MOLECULE_LANES, MOLECULE_SCENARIOS)
	$(WITH_TWIN) MOLECULE_SCENARIOS="$(MOLECULE_SCENARIOS)" scripts/molecule-all

.PHONY: bench-cache
bench-cache: local-up ## the cache's proof on the twin: p50/p95/p99, hit ratio, stale reads; .local/bench/cache-latency.png
	$(WITH_TWIN) $(PY) scripts/bench-cache

changelog: venv ## build CHANGELOG.rst from the fragments
	$(BIN)/antsibull-changelog release --version "$$(awk '/^version:/{print $$2}' galaxy.yml)"

clean: local-down ## remove the virtualenv and the local state
	rm -rf $(VENV) .pytest_cache .ruff_cache

.PHONY: bench
BENCH_SCALE ?= 0.25
bench: local-up ## the site's build in time mode against its critical path, one role at a time, a no-change run; .local/bench/build-timeline.png (empties the twin)
	$(WITH_TWIN) $(PY) scripts/bench --scale $(BENCH_SCALE)
