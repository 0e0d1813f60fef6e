# Every target does its own set-up: a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-commands bench-catchup-1m docs docs-examples clean compiled

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[postgres,test,charts]"
	touch $(STAMP)

# The package is installed editable, so its modules are compiled here, as a regular install
# compiles them: where PYTHONDONTWRITEBYTECODE is set, Python never writes them itself, and every
# command (and every test that runs one) compiled the whole package again, about 0.15 s apiece.
# Only modules changed since the last run are compiled again.
compiled: $(STAMP)
	@$(BIN)/python -m compileall -q src >/dev/null

demo: compiled
	$(BIN)/ctrack demo

test: compiled
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The CLI reference is generated from the commands' --help; tests/test_docs.py fails when it is stale.
docs: $(STAMP)
	$(BIN)/cog -r docs/cli.md README.md

# The examples under docs/: the bundled dataset's timeline chart and report, as of a fixed date.
EXAMPLES_AS_OF ?= 2025-10-01
docs-examples: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/ctrack --store "$$tmp/examples.db" --by docs import src/commitment_tracker/data/trilateral.jsonl && \
	$(BIN)/ctrack --store "$$tmp/examples.db" chart --as-of $(EXAMPLES_AS_OF) --force --out docs/timeline.png && \
	$(BIN)/ctrack --store "$$tmp/examples.db" chart --as-of $(EXAMPLES_AS_OF) --force --out docs/timeline.svg && \
	$(BIN)/ctrack --store "$$tmp/examples.db" report --as-of $(EXAMPLES_AS_OF) --force --out docs/report.html

# In-process figures (run), every command as a whole process at 100k and 1M and on PostgreSQL
# (commands), compliance scores on the G20 data and at 100x its size (scores), and catch-up and
# rebuild on two shapes of history at 100k and 300k, each path's growth beside its floor's (catchup).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.commands
	$(BIN)/python -m benchmarks.scores
	$(BIN)/python -m benchmarks.catchup

# Catch-up and rebuild at 100k and 1M, both shapes (under an hour on two cores).
bench-catchup-1m: $(STAMP)
	BENCH_CATCHUP_SIZES=100000,1000000 $(BIN)/python -m benchmarks.catchup

# Only the per-command table (every read command beside its floor, at BENCH_COMMAND_SIZES).
bench-commands: $(STAMP)
	$(BIN)/python -m benchmarks.commands

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
