# Two entry points the README promises: `make demo` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: demo test lint docs clean

$(BIN)/regimekg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

## Build the graph from the bundled sources and answer the showcase question in both languages.
demo: $(BIN)/regimekg
	$(BIN)/regimekg build
	@echo; echo "== Which AI-governance forums does China take part in? =="
	$(BIN)/regimekg query forums-of-actor --param actor=China --lang en
	@echo; echo "== 中国参与了哪些人工智能治理论坛与机制？ =="
	$(BIN)/regimekg query forums-of-actor --param actor=中国 --lang zh
	@echo; echo "Outputs: build/regimekg.nq (N-Quads), build/store/ (pyoxigraph), build/candidates.tsv"

## The whole test suite, spread over every core (pytest-xdist; tests are parallel-safe).
## One worker, as a debugger wants it: make test PYTEST_WORKERS=0
PYTEST_WORKERS ?= auto
test: $(BIN)/regimekg
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadscope

lint: $(BIN)/regimekg
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/regimekg lint
	$(BIN)/regimekg generate --check

## Stamp the version and regenerate what is generated from sources: RDF/XML, the catalog,
## vocab/metric.ttl, the ontology reference, the query catalogue.
docs: $(BIN)/regimekg
	$(BIN)/regimekg generate

clean:
	rm -rf build .build.lock
