"""CLI discovery: `regimekg queries`, `regimekg query NAME --help`, refused repeated
parameters, undeclared prefixes named in one sentence, and per-kind entity prefixes."""

from __future__ import annotations

import pytest

from regimekg.errors import UserError
from regimekg.namespaces import ID, PREFIXES, SPARQL_PREFIXES
from regimekg.query import check_prefixes
from regimekg.query.catalog import load_dir
from regimekg.query.sparqltext import undeclared_prefixes
from tests.conftest import ROOT
from tests.test_cli import assert_one_sentence_error, run


def test_queries_lists_every_question_in_either_language() -> None:
    named = load_dir(ROOT / "queries")
    for lang in ("en", "zh"):
        proc = run("queries", "--lang", lang)
        assert proc.returncode == 0, proc.stderr
        for name, nq in named.items():
            line = next(x for x in proc.stdout.splitlines() if x.split(" ", 1)[0] == name)
            assert nq.title[lang] in line
            for p in nq.params:
                assert f"{p.name}=" in line


def test_query_name_help_describes_that_question() -> None:
    proc = run("query", "members-of-forum", "--help")
    assert proc.returncode == 0, proc.stderr
    nq = load_dir(ROOT / "queries")["members-of-forum"]
    assert nq.description["en"] in proc.stdout and nq.title["zh"] in proc.stdout
    assert "forum  entity, default g7" in proc.stdout
    generic = run("query", "--help")
    assert generic.returncode == 0 and "usage: regimekg query" in generic.stdout
    assert_one_sentence_error(run("query", "members-of-forums", "--help"), "members-of-forum")
    assert_one_sentence_error(run("query"), "regimekg queries")


def test_repeated_param_is_refused() -> None:
    proc = run("query", "members-of-forum", "--param", "forum=g7", "--param", "forum=gpai")
    assert_one_sentence_error(proc, "--param forum is given twice")


def test_undeclared_prefix_is_named() -> None:
    assert undeclared_prefixes('SELECT * { ?s foo:p "a:b" . ?s <x:y> _:b } # bar:x') == ["foo"]
    assert undeclared_prefixes("PREFIX foo: <http://e/> SELECT * { ?s foo:p ?o }") == []
    with pytest.raises(UserError, match=r"prefix foo: .*rkg:.*state:"):
        check_prefixes("SELECT * WHERE { ?s foo:p ?o }")
    check_prefixes("SELECT * WHERE { state:china ?p institution:g7 }")


def test_entity_prefixes_per_kind() -> None:
    assert SPARQL_PREFIXES["state"] == f"{ID}state/"
    assert SPARQL_PREFIXES["institution"] == f"{ID}institution/"
    assert len(set(SPARQL_PREFIXES.values())) == len(SPARQL_PREFIXES)
    assert set(PREFIXES) < set(SPARQL_PREFIXES)  # Turtle output and reports keep id:kind/slug
    assert "state" not in PREFIXES


def test_entity_prefixes_run_in_queries(built) -> None:
    proc = run(
        "sparql",
        "--out",
        str(built),
        "--format",
        "csv",
        "SELECT ?n WHERE { state:china rdfs:label ?n FILTER(LANG(?n) = 'zh') }",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1:] == ["中国"]


def _wide_result():  # a Result with one long text column and one entity column
    from rdflib import Literal, URIRef

    from regimekg.query.result import Result

    e = URIRef(f"{ID}institution/g7")
    rows = [{"body": e, "quote": Literal("长" * 150), "year": Literal("1975")}]
    return Result(["body", "quote", "year"], rows, labels={e: {"en": "Group of Seven"}})


def test_wide_table_fits_the_terminal_with_a_note() -> None:
    from regimekg.texttable import width as display_width

    result = _wide_result()
    text = result.format("table", "en", width=60)
    table = text.splitlines()[:3]
    assert all(display_width(line) <= 60 for line in table), table
    assert "Group of Seven" in table[2] and "1975" in table[2] and "…" in table[2]
    assert "to fit 60 columns" in text.splitlines()[-1]
    assert "to fit" not in result.format("table", "en")  # piped: no fitting, no note


def test_csv_iris_column() -> None:
    result = _wide_result()
    plain = result.format("csv", "en").splitlines()
    assert plain[0] == "body,quote,year"
    with_iris = result.format("csv", "en", iris=True).splitlines()
    assert with_iris[0] == "body,body_iri,quote,year"
    assert with_iris[1].startswith(f"Group of Seven,{ID}institution/g7,")
