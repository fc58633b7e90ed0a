"""Hostile parameter values never change what a query does.

Values carrying quotes, braces, ``} UNION {``, newlines, comment marks, IRIs with ``>`` or
``\\u`` escapes either name nothing (an entity parameter: a :class:`UserError`; a search string:
no rows or only rows that really contain the text) or are refused — on the embedded engines,
where they travel as RDF terms, and on the endpoint, where they are substituted token by
token. No case returns extra rows, and no case changes the store.
"""

from __future__ import annotations

import warnings

import pytest
import rdflib
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from regimekg import query as q
from regimekg.errors import UserError
from regimekg.query import sparqltext
from tests.conftest import ROOT, examples
from tests.test_query_backends import endpoint  # noqa: F401 - module-scoped server fixture
from tests.test_query_golden import FIXTURE

pytestmark = pytest.mark.slow  # starts `regimekg serve`

HOSTILE = [
    'G7" } UNION { ?s ?p ?o } #',
    "G7' } UNION { ?s ?p ?o } #",
    "} UNION {",
    "{ ?s ?p ?o }",
    "g7> } UNION { ?s ?p ?o",
    "<https://w3id.org/regimekg/id/institution/g7> } UNION { ?s ?p ?o } #",
    "https://w3id.org/regimekg/id/institution/g7> . ?s ?p ?o",
    "G7\n} UNION { ?s ?p ?o }",
    "G7\r\n# comment",
    "\\u0022 } UNION { ?s ?p ?o } #",
    "\\u003e } UNION {",
    '""" } UNION { ?s ?p ?o } """',
    "?s",
    "$forum",
    "# ?s ?p ?o",
    '七国集团" } UNION { ?s ?p ?o }',
    "G7\\",
    "G7\x00",
    "INSERT DATA { <a> <b> <c> }",
]


@pytest.fixture(scope="module")
def engines(endpoint: str) -> dict[str, q.KG]:  # noqa: F811 - the fixture imported above
    dataset = rdflib.Dataset(default_union=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(FIXTURE, format="trig")
    return {
        "oxigraph": q.open(ROOT, store=FIXTURE),
        "rdflib": q.open(ROOT, dataset=dataset),
        "endpoint": q.open(ROOT, endpoint=endpoint),
    }


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def size(kg: q.KG) -> int:
    return int(str(kg.sparql(COUNT, untrusted=False).rows[0]["n"]))


@pytest.fixture(scope="module")
def sizes_before(engines: dict[str, q.KG]) -> dict[str, int]:
    return {name: size(kg) for name, kg in engines.items()}


def test_store_sizes_recorded(sizes_before: dict[str, int]) -> None:
    """Runs first: the fixture's size on each engine, to compare with after the attacks."""
    assert len(set(sizes_before.values())) == 1


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_entity_values_name_nothing(engines: dict[str, q.KG], value: str) -> None:
    for kg in engines.values():
        with pytest.raises(UserError):
            kg.query("members-of-forum", params={"forum": value})
        with pytest.raises(UserError):
            kg.query("shared-forums", params={"actor1": "china", "actor2": value})


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_search_strings_only_find_what_they_contain(
    engines: dict[str, q.KG], value: str
) -> None:
    for name, kg in engines.items():
        try:
            result = kg.query("label-search", params={"q": value})
        except UserError:
            assert name == "endpoint" and "\\u" in value, name  # only \u may be refused
            continue
        needle = value.strip().lower()
        for row in result.rows:
            assert needle in str(row["name"]).lower(), (name, row)


@pytest.mark.parametrize("value", ["2019-13", "2019-02-30", "1 OR 1=1", '2019" } #', "20190"])
def test_hostile_dates_are_refused(engines: dict[str, q.KG], value: str) -> None:
    for kg in engines.values():
        with pytest.raises(UserError, match="date"):
            kg.query("as-of", params={"date": value})


def test_an_apostrophe_is_an_ordinary_character(engines: dict[str, q.KG]) -> None:
    """ "America's AI Action Plan" really contains an apostrophe: searching for it finds it."""
    for kg in engines.values():
        rows = kg.query("label-search", params={"q": "America's"}).rows
        assert [str(r["name"]) for r in rows] == ["America's AI Action Plan"]


def test_untrusted_sparql_cannot_write_or_fetch(engines: dict[str, q.KG]) -> None:
    hostile = [
        "INSERT DATA { GRAPH <https://w3id.org/regimekg/graph/x> { <a:a> <a:b> <a:c> } }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "LOAD <http://example.org/data.ttl>",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    ]
    for kg in engines.values():
        for text in hostile:
            with pytest.raises(UserError):
                kg.sparql(text)


def test_untrusted_results_are_capped(
    engines: dict[str, q.KG], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("regimekg.guard.RESULT_CAP", 10)
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    for kg in engines.values():
        capped = kg.sparql(text)
        assert len(capped.rows) == 10 and capped.truncated
        assert "first 10 rows only" in capped.format("table")
        assert len(kg.sparql(text, untrusted=False).rows) > 10  # trusted code is not capped


def test_no_attack_changed_any_store(
    engines: dict[str, q.KG], sizes_before: dict[str, int]
) -> None:
    """Runs after the hostile values above: every engine still holds exactly the fixture."""
    assert {name: size(kg) for name, kg in engines.items()} == sizes_before


# -- the endpoint's substitution, property-tested ------------------------------------------

ECHO = "SELECT ?v ?x WHERE { BIND(STR(?v) AS ?x) }"


@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
# The characters an escape exists for, always tried (random text rarely draws them).
@example('a" . ?s ?p ?o . BIND("')
@example("back\\slash\\")
@example("line\nbreak\r\ttab")
@example("中国\"'")
def test_substituted_strings_round_trip(value: str) -> None:
    """Whatever a string holds, after substitution it is one literal with exactly that value."""
    if "\\u" in value or "\\U" in value:
        with pytest.raises(UserError):
            sparqltext.substitute(ECHO, {"v": Literal(value)})
        return
    text = sparqltext.substitute(ECHO, {"v": Literal(value)})
    rows = list(rdflib.Graph().query(text))
    assert len(rows) == 1
    assert str(rows[0][1]) == value


@pytest.mark.parametrize(
    "iri",
    [
        "https://example.org/a> } UNION { ?s ?p ?o",
        "https://example.org/a b",
        'https://example.org/"',
        "https://example.org/{x}",
        "https://example.org/a\\u003e",
        "not an iri",
    ],
)
def test_iris_that_could_break_out_are_refused(iri: str) -> None:
    with pytest.raises(UserError):
        sparqltext.substitute(ECHO, {"v": URIRef(iri)})


def test_substitution_leaves_strings_comments_and_iris_alone() -> None:
    text = (
        '# ?v in a comment\nSELECT ?v ?x WHERE { BIND("?v" AS ?x) '
        "FILTER(?v != <http://example.org/?v>) } ORDER BY ?v"
    )
    out = sparqltext.substitute(text, {"v": Literal("A")})
    assert out == (
        '# ?v in a comment\nSELECT ("A" AS ?v) ?x WHERE { BIND("?v" AS ?x) '
        'FILTER("A" != <http://example.org/?v>) } ORDER BY ("A")'
    )
    assert next(iter(rdflib.Graph().query(out)))[1] == Literal("?v")
