"""The named questions as a catalogue: complete headers, portable SPARQL, docs that cannot rot."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rdflib.plugins.sparql import prepareQuery

from regimekg import query as q
from regimekg.query import catalog, docs, sparqltext
from tests.conftest import ROOT
from tests.test_query_golden import FIXTURE

QUERIES = catalog.load_dir(ROOT / "queries")
NAMES = sorted(QUERIES)


@pytest.fixture(scope="module")
def kg() -> q.KG:
    return q.open(ROOT, store=FIXTURE)


def test_at_least_thirty_questions() -> None:
    assert len(QUERIES) >= 30


def test_showcase_questions_exist() -> None:
    """The README's question and the three of the foundation issue."""
    for name in ("forums-of-actor", "members-of-forum", "instruments-by-issuer"):
        assert name in QUERIES
    assert QUERIES["forums-of-actor"].params[0].name == "actor"


def test_the_showcase_answers_in_both_languages(kg: q.KG) -> None:
    en = kg.query("forums-of-actor", lang="en", params={"actor": "China"})
    zh = kg.query("forums-of-actor", lang="zh", params={"actor": "中国"})
    assert en.rows == zh.rows
    assert "United Nations" in en.format("table", "en")
    assert "联合国" in zh.format("table", "zh") and "机制" in zh.format("table", "zh")


@pytest.mark.parametrize("name", NAMES)
def test_headers_are_complete_and_bilingual(name: str) -> None:
    nq = QUERIES[name]
    assert nq.title["en"] and nq.title["zh"] and nq.description["en"] and nq.description["zh"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in nq.title["zh"]), "title-zh is not Chinese"
    for p in nq.params:
        assert p.type in catalog.PARAM_TYPES and p.default is not None and p.doc
    for column, titles in nq.columns.items():
        assert set(titles) == {"en", "zh"}, f"column {column} needs en= and zh="
    params, lang = nq.example_args()
    assert set(params) <= {p.name for p in nq.params} and lang in ("en", "zh")


@pytest.mark.parametrize("name", NAMES)
def test_every_shown_column_has_bilingual_titles(kg: q.KG, name: str) -> None:
    result = kg.query(name)
    missing = [c for c in result.columns if c not in QUERIES[name].columns]
    assert not missing, f"add `# column NAME: en=… zh=…` for {missing}"


@pytest.mark.parametrize("name", NAMES)
def test_parameters_bind_the_same_way_on_every_engine(name: str) -> None:
    nq = QUERIES[name]
    problems = sparqltext.check_parameter_scoping(nq.text, [p.name for p in nq.params])
    assert not problems, "; ".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_standard_sparql_with_a_total_order(kg: q.KG, name: str) -> None:
    nq = QUERIES[name]
    prepareQuery(nq.text)  # rdflib's parser: plain SPARQL 1.1, prefixes declared in the file
    # the text an endpoint receives parses too
    prepareQuery(sparqltext.substitute(nq.text, kg.bind(nq, {})))
    assert "ORDER BY" in nq.text.upper(), "answers need a deterministic order"


def test_scoping_check_catches_what_breaks_engines() -> None:
    def problems(text: str) -> str:
        return "; ".join(sparqltext.check_parameter_scoping(text, ["p"]))

    assert "not projected by top-level" in problems("SELECT ?x WHERE { ?x ?y ?p }")
    assert "SELECT *" in problems("SELECT * WHERE { ?x ?y ?p }")
    assert "sub-query" in problems(
        "SELECT ?p ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?x ?y ?p } } }"
    )
    assert "aliased" in problems("SELECT ?p ?x WHERE { BIND(?p AS ?x) }")
    assert "target of AS" in problems("SELECT ?x WHERE { BIND(1 AS ?p) }")
    assert "VALUES" in problems("SELECT ?p WHERE { VALUES ?p { 1 } }")
    assert "BOUND" in problems("SELECT ?p WHERE { FILTER(BOUND(?p)) }")
    assert problems("SELECT ?p ?x WHERE { ?x ?y ?p FILTER(?x = ?p) }") == ""


def test_docs_are_up_to_date() -> None:
    current = (ROOT / docs.DOC).read_text(encoding="utf-8")
    assert current == docs.generate(ROOT), "docs/queries.md is stale: run `regimekg generate`"


def test_docs_list_every_question_with_an_example() -> None:
    text = (ROOT / docs.DOC).read_text(encoding="utf-8")
    for name in NAMES:
        assert f"## `{name}`" in text
        assert f"regimekg query {name}" in text


def test_docs_command_checks_staleness() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "regimekg.cli", "--root", str(ROOT), "generate", "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "up to date" in proc.stdout, proc.stdout
