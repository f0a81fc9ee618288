# lstmdiag developer tasks. `make test` and `make demo` install into .venv first when needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install test test-fast lint format demo bench fixtures clean keras-table fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[tf,dev,cloud,dask]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup --durations=15 $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup -m "not keras" $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check src tests fixtures benchmarks scripts
	$(PY) -m ruff format --check src tests fixtures benchmarks scripts
	$(PY) -m mypy

format: $(STAMP)
	$(PY) -m ruff format src tests fixtures benchmarks scripts
	$(PY) -m ruff check --fix src tests fixtures benchmarks scripts

demo: $(STAMP)
	@echo '$$ lstmdiag inspect fixtures/models/k3/func_masking.keras'
	@$(VENV)/bin/lstmdiag inspect fixtures/models/k3/func_masking.keras
	@echo
	@echo '$$ lstmdiag check fixtures/models/k3/seq_fixed.keras fixtures/data/'
	@$(VENV)/bin/lstmdiag check fixtures/models/k3/seq_fixed.keras fixtures/data/ || true
	@echo
	@rm -rf demo-out
	@echo '$$ lstmdiag pad fixtures/data/short.npy fixtures/data/long.npy --model fixtures/models/k3/seq_fixed.keras --out demo-out/'
	@$(VENV)/bin/lstmdiag pad fixtures/data/short.npy fixtures/data/long.npy --model fixtures/models/k3/seq_fixed.keras --out demo-out/
	@echo
	@echo '$$ lstmdiag check fixtures/models/k3/seq_fixed.keras demo-out/'
	@$(VENV)/bin/lstmdiag check fixtures/models/k3/seq_fixed.keras demo-out/
	@echo
	@echo '$$ lstmdiag stats fixtures/ragged/clips.h5 --buckets 3'
	@$(VENV)/bin/lstmdiag stats fixtures/ragged/clips.h5 --buckets 3

bench: $(STAMP)
	$(PY) benchmarks/bench_inspect.py
	$(PY) benchmarks/bench_check.py
	$(PY) benchmarks/bench_pad.py
	$(PY) benchmarks/bench_stats.py
	$(PY) benchmarks/bench_window.py
	$(PY) benchmarks/bench_remote.py
	$(PY) benchmarks/bench_dask.py
	$(PY) benchmarks/bench_explain.py

# The README's table of what Keras does, from what the fix oracle observes.
keras-table: $(STAMP)
	mkdir -p .cache
	LSTMDIAG_ORACLE_SUMMARY=$(CURDIR)/.cache/oracle $(PY) -m pytest -n 2 -q tests/test_fix_oracle.py || true
	$(PY) scripts/keras_table.py $(CURDIR)/.cache/oracle

# The mutation fuzzer, long: 20,000 inputs in 10 seeded slices, two at a time (FUZZ_SEEDS,
# FUZZ_COUNT to change). Failing inputs are kept in .cache/fuzz-failed/.
FUZZ_SEEDS ?= 1 2 3 4 5 6 7 8 9 10
FUZZ_COUNT ?= 2000
fuzz: $(STAMP)
	mkdir -p .cache/fuzz
	printf '%s\n' $(FUZZ_SEEDS) | xargs -P 2 -I{} sh -c \
		'$(PY) -m tests.fuzz.driver --seed {} --count $(FUZZ_COUNT) --keep .cache/fuzz-failed > .cache/fuzz/{}.jsonl'
	$(PY) -m tests.fuzz.tally .cache/fuzz/*.jsonl

fixtures: $(STAMP)
	$(PY) fixtures/make_fixtures.py

clean:
	rm -rf $(VENV) demo-out bench-out .pytest_cache .mypy_cache .ruff_cache
