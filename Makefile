# The two commands of the README: `make demo` and `make test`. Each sets up (or reuses)
# the project's virtual environment by itself; nothing else needs installing by hand.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MANIFEST := dbt_project/target/manifest.json
SOURCES ?= sources
DEMO_UNITS ?= 20
DEMO_YEARS ?= 2023 2024
PYTHON_DIRS := pipelines samples tests benchmarks
export DAGSTER_HOME := $(CURDIR)/dagster_home
# Tools that call `dbt` by name (dagster-dbt's prepare step) find the venv's.
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo test test-fast install lint format samples ingest dev docs clean

demo: $(INSTALLED) $(MANIFEST)  ## generate the sample corpus (if the inbox is empty) and run the pipeline
	@if ! find $(SOURCES) -name '*.pdf' -print -quit 2>/dev/null | grep -q .; then \
		$(BIN)/juesuan samples --out $(SOURCES) --units $(DEMO_UNITS) $(foreach y,$(DEMO_YEARS),--years $(y)); \
	fi
	JUESUAN_UNIT_REGISTRY=$${JUESUAN_UNIT_REGISTRY:-$$(test -f $(SOURCES)/unit_registry.csv && echo $(SOURCES)/unit_registry.csv)} \
		$(BIN)/juesuan ingest --sources $(SOURCES)
	@echo
	@echo "Warehouse: $${JUESUAN_WAREHOUSE:-warehouse/juesuan.duckdb}"
	@echo "Report:    $${JUESUAN_REPORTS:-reports}/quality_report.html (and quality_findings.xlsx)"
	@echo "Query it:  $(BIN)/juesuan sql \"select * from marts.fct_expenditure limit 10\"  (examples: README, Example queries)"
	@echo "Budget against final: $(BIN)/juesuan sql \"select * from marts.fct_budget_vs_final order by abs(coalesce(final_amount, 0) - coalesce(budget_amount, 0)) desc limit 10\""
	@echo "Browse the asset graph: make dev  (then open http://127.0.0.1:3000)"

test: $(INSTALLED) $(MANIFEST)  ## lint, type-check and run the whole test suite (as CI does)
	$(BIN)/ruff check $(PYTHON_DIRS)
	$(BIN)/ruff format --check $(PYTHON_DIRS)
	$(BIN)/mypy
	$(BIN)/pytest

# The unit tier: everything not marked slow (no warehouse build, no dbt, no Dagster job).
test-fast: $(INSTALLED) $(MANIFEST)  ## lint and run the fast tests, for a check in seconds
	$(BIN)/ruff check $(PYTHON_DIRS)
	$(BIN)/ruff format --check $(PYTHON_DIRS)
	$(BIN)/pytest -m "not slow"

install: $(INSTALLED)

# Bytecode is compiled at install: without it (PYTHONDONTWRITEBYTECODE, read-only
# installs) every process compiles dagster and dbt again, about 5 s per start.
# The sample generator is its own distribution (samples/), installed beside the product for
# the demo and the tests; its dependencies are in the lock through the dev extra.
$(INSTALLED): requirements.lock pyproject.toml samples/pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e . -e samples
	touch $@

# dagster-dbt loads the dbt manifest when the code location loads: prepare it first.
$(MANIFEST): $(INSTALLED) $(shell find dbt_project -name '*.sql' -o -name '*.yml' -o -name '*.csv' -o -name '*.md' | grep -v target/)
	$(BIN)/dagster-dbt project prepare-and-package --file pipelines/defs/transformation/project.py

lint: $(INSTALLED)
	$(BIN)/ruff check $(PYTHON_DIRS)

format: $(INSTALLED)
	$(BIN)/ruff format $(PYTHON_DIRS)
	$(BIN)/ruff check --fix $(PYTHON_DIRS)

samples: $(INSTALLED)  ## regenerate the sample corpus into $(SOURCES)
	$(BIN)/juesuan samples --out $(SOURCES) --units $(DEMO_UNITS) $(foreach y,$(DEMO_YEARS),--years $(y))

dev: $(INSTALLED) $(MANIFEST)  ## the Dagster UI on http://127.0.0.1:3000
	$(BIN)/dagster dev -m pipelines.definitions

clean:
	rm -rf warehouse dbt_project/target dbt_project/logs reports

docs: $(INSTALLED) $(MANIFEST)  ## dbt docs: generate, then serve on http://127.0.0.1:8080
	cd dbt_project && JUESUAN_WAREHOUSE=$${JUESUAN_WAREHOUSE:-$(CURDIR)/warehouse/juesuan.duckdb} ../$(BIN)/dbt docs generate
	cd dbt_project && ../$(BIN)/dbt docs serve --port 8080
