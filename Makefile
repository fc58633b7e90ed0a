# Two entry points the README promises: `make demo` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: demo test lint docs clean vendor-yasgui

$(BIN)/regimekg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

## Build the graph from the bundled sources and answer the showcase questions in both languages.
demo: $(BIN)/regimekg
	$(BIN)/regimekg build
	@echo; echo "== Which AI-governance forums does China take part in? =="
	$(BIN)/regimekg query forums-of-actor --param actor=China --lang en
	@echo; echo "== 中国参与了哪些人工智能治理论坛与机制？ =="
	$(BIN)/regimekg query forums-of-actor --param actor=中国 --lang zh
	@echo; echo "== Which AI-governance instruments and initiatives has China issued or launched? =="
	$(BIN)/regimekg query initiatives-of-actor --param actor=China --lang en
	@echo; echo "== 中国发布或发起了哪些人工智能治理文件与倡议？ =="
	$(BIN)/regimekg query initiatives-of-actor --param actor=中国 --lang zh
	@echo; echo "== How many UN member states take part in k of seven non-UN AI-governance initiatives? =="
	$(BIN)/regimekg query participation-coverage --lang en
	@echo; echo "== 联合国会员国中有多少国家参与了七个非联合国人工智能治理机制中的k个？ =="
	$(BIN)/regimekg query participation-coverage --lang zh
	@echo; echo "(The UN Advisory Body's 2024 report counted 7 states in all seven of its sampled initiatives and 118 in none; why this graph differs: docs/data.md, \"Coverage\".)"
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
## vocab/metric.ttl, the ontology reference, the query catalogue, the figures of docs/data.md.
docs: $(BIN)/regimekg
	$(BIN)/regimekg generate

clean:
	rm -rf build .build.lock

## Refresh the query page's vendored YASGUI from the npm registry (see src/regimekg/webui/vendor/VERSION.md).
YASGUI_VERSION ?= 4.6.2
YASGUI_VENDOR := src/regimekg/webui/vendor
vendor-yasgui:
	tmp=$$(mktemp -d) && \
	npm install --prefix "$$tmp" --no-save --no-audit --no-fund --ignore-scripts @zazuko/yasgui@$(YASGUI_VERSION) && \
	sed '/^\/\/# sourceMappingURL=/d' "$$tmp/node_modules/@zazuko/yasgui/build/yasgui.min.js" > $(YASGUI_VENDOR)/yasgui.min.js && \
	cp "$$tmp/node_modules/@zazuko/yasgui/build/yasgui.min.css" $(YASGUI_VENDOR)/yasgui.min.css && \
	rm -rf "$$tmp"
