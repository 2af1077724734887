# The commands a person types. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= uv
RUN := $(UV) run --frozen

.PHONY: help
help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

.PHONY: uv
uv: ## Install uv from PyPI if it is missing
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv

SOURCES := core/src $(wildcard adapters/*/src) apps/gateway/src packages/testing/src

.PHONY: install
install: uv ## Create .venv with every workspace package and the dev tools
	@# Bytecode compiled up front, as pip does when it installs a package: otherwise every
	@# start compiles ~8 MB of Python again where PYTHONDONTWRITEBYTECODE is set.
	$(UV) sync --frozen --all-packages --compile-bytecode
	$(RUN) python -m compileall -q $(SOURCES)

.PHONY: format
format: install ## Format and auto-fix with ruff
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

.PHONY: lint
lint: install ## ruff, mypy (strict on core, adapters, testing) and import-linter
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy
	$(RUN) lint-imports

.PHONY: typecheck
typecheck: install ## mypy only
	$(RUN) mypy

.PHONY: test
test: install ## Lint, then run every test (unit, integration, e2e)
	$(MAKE) --no-print-directory lint
	$(RUN) pytest -q $(PYTEST_ARGS)

.PHONY: test-fast
test-fast: install ## Unit tests only, no lint
	$(RUN) pytest -q -m unit $(PYTEST_ARGS)

.PHONY: all
all: format lint test ## format, lint, test

.PHONY: bench
bench: install ## Run the benchmarks (see docs/performance.md)
	$(RUN) python tests/bench/run.py $(BENCH_ARGS)

.PHONY: clean
clean: ## Remove caches and the virtualenv
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache .import_linter_cache

.PHONY: docs
docs: uv ## Build the documentation site into site/ (strict: broken links fail)
	NO_MKDOCS_2_WARNING=1 $(UV) run --frozen --group docs mkdocs build --strict --quiet

.PHONY: docs-serve
docs-serve: uv ## Serve the documentation with live reload on 127.0.0.1:8000
	$(UV) run --frozen --group docs mkdocs serve

.PHONY: run
run: install ## Install, then serve the demo (examples/app.py) on http://127.0.0.1:8000
	$(RUN) python examples/app.py
