"""The same named questions give the same answers on every engine.

Each golden case (and each query's defaults) runs on pyoxigraph (in-memory store), on rdflib's
SPARQL engine over a ``Dataset`` and on the ``regimekg serve`` endpoint, which this module starts
on a free loopback port over the same fixture and stops at the end.
Answers are compared as rendered JSON in both languages, so rows, order, numbers and labels all
have to agree. The endpoint path also proves the token-level parameter substitution, since a
remote engine receives no bindings, only text.
"""

from __future__ import annotations

import socket
import warnings
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import rdflib

from regimekg import query as q
from regimekg.errors import UserError
from regimekg.serve import running
from tests.conftest import ROOT
from tests.test_query_golden import FIXTURE, golden_cases

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`regimekg serve` over the fixture (read-only, union default graph) on loopback."""
    location = tmp_path_factory.mktemp("served") / "store"
    store = ox.Store(str(location))
    store.bulk_load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    with running(location, timeout=60.0) as ep:
        yield ep.url


@pytest.fixture(scope="module")
def engines(endpoint: str) -> dict[str, q.KG]:
    dataset = rdflib.Dataset(default_union=True)
    with warnings.catch_warnings():  # rdflib 7 warns about its own ConjunctiveGraph use
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(FIXTURE, format="trig")
    return {
        "oxigraph": q.open(ROOT, store=FIXTURE),
        "rdflib": q.open(ROOT, dataset=dataset),
        "endpoint": q.open(ROOT, endpoint=endpoint),
    }


def test_backends_report_their_kind(engines: dict[str, q.KG]) -> None:
    assert {name: kg.backend for name, kg in engines.items()} == {
        "oxigraph": "oxigraph",
        "rdflib": "rdflib",
        "endpoint": "endpoint",
    }


def differential_cases() -> list[object]:
    defaults = [
        pytest.param(p.stem, {}, id=f"{p.stem}-defaults")
        for p in sorted((ROOT / "queries").glob("*.rq"))
    ]
    goldens = [
        pytest.param(*case.values[:2], id=case.id)
        for case in golden_cases()
        if case.values[1]  # cases with explicit parameters
    ]
    return defaults + goldens


@pytest.mark.parametrize(("name", "params"), differential_cases())
def test_same_answer_on_every_engine(
    engines: dict[str, q.KG], name: str, params: dict[str, str]
) -> None:
    """Each engine answers once; the answer is compared as rendered in each language (the
    language chooses the labels shown, never the query run, :meth:`regimekg.query.KG.query`)."""
    results = {engine: kg.query(name, params=params) for engine, kg in engines.items()}
    for lang in ("en", "zh"):
        answers = {engine: r.format("json", lang) for engine, r in results.items()}
        assert answers["rdflib"] == answers["oxigraph"], f"rdflib differs ({lang})"
        assert answers["endpoint"] == answers["oxigraph"], f"endpoint differs ({lang})"


def test_a_default_item_the_graph_lacks_is_skipped_without_a_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fixture lacks some items of participation-coverage's default list: they are left
    out without looking for similar names (the slowest lookup on rdflib, and its message is
    dropped), and the same name typed by a user still gets the full message."""
    from regimekg.query.resolve import Resolver

    missing = "bletchley-declaration"
    kg = q.open(ROOT, store=FIXTURE)
    nq = kg.named("participation-coverage")
    assert missing in str(next(p.default for p in nq.params if p.name == "initiatives"))
    with monkeypatch.context() as m:
        m.setattr(Resolver, "_not_found", lambda *a: pytest.fail("searched for similar names"))
        assert kg.query("participation-coverage").rows
    with pytest.raises(UserError, match=f"no entity is called '{missing}'; search names"):
        kg.query("participation-coverage", params={"initiatives": f"g7, {missing}"})


def test_free_sparql_is_the_same_on_every_engine(engines: dict[str, q.KG]) -> None:
    text = """
    SELECT ?forum (COUNT(DISTINCT ?m) AS ?n)
    WHERE { ?x rkg:participationIn ?forum ; rkg:participant ?m }
    GROUP BY ?forum ORDER BY DESC(?n) ?forum"""
    answers = {e: kg.sparql(text, lang="zh").format("csv") for e, kg in engines.items()}
    assert answers["oxigraph"].splitlines()[1] == "二十国集团,8"
    assert len(set(answers.values())) == 1


def test_ask_and_construct_run_on_every_engine(engines: dict[str, q.KG]) -> None:
    ask = "ASK { ?s rkg:isNestedIn ?o }"
    construct = "CONSTRUCT { ?s rkg:isNestedIn ?o } WHERE { ?s rkg:isNestedIn ?o }"
    for kg in engines.values():
        assert kg.sparql(ask).rows == [{"result": rdflib.Literal(True)}]
        triples = kg.sparql(construct)
        assert triples.columns == ["subject", "predicate", "object"]
        assert len(triples.rows) == 4


def test_endpoint_errors_are_one_sentence() -> None:
    kg = q.open(ROOT, endpoint=f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(UserError, match="cannot be reached"):
        kg.query("timeline")
    with pytest.raises(UserError, match="not an http"):
        q.open(ROOT, endpoint="file:///etc/passwd")


def test_dataset_clauses_select_the_graphs_the_guard_saw(engines: dict[str, q.KG]) -> None:
    """FROM / FROM NAMED choose graphs of the store on every engine: the embedded engine gets
    the dataset the guard inspected, rdflib never loads a graph from the web (the network
    guard of the suite would fail this test), an endpoint gets it as protocol parameters."""
    g = "https://w3id.org/regimekg/graph/"
    only_vocab = f"SELECT (COUNT(*) AS ?n) FROM <{g}vocab> WHERE {{ ?s ?p ?o }}"
    named = (
        f"SELECT DISTINCT ?g FROM NAMED <{g}curated> FROM NAMED <{g}mini-notes> "
        "WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    )
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    counts = {e: kg.sparql(only_vocab).rows[0]["n"].toPython() for e, kg in engines.items()}
    assert len(set(counts.values())) == 1, counts
    assert 0 < counts["oxigraph"] < engines["oxigraph"].sparql(everything).rows[0]["n"].toPython()
    for kg in engines.values():
        assert [str(r["g"]) for r in kg.sparql(named).rows] == [g + "curated", g + "mini-notes"]
    # rdflib would fetch a graph it does not hold from the web: https://w3id.org/…
    absent = f"SELECT * FROM <{g}no-such-graph> FROM NAMED <{g}none> WHERE {{ ?s ?p ?o }}"
    for kg in engines.values():
        assert kg.sparql(absent).rows == []
