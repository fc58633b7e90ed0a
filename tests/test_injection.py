"""Hostile parameter values against every parameter of every named query (issue 8, item 4).

The parameters are enumerated from the query layer itself (``KG.named_queries()`` and each
query's ``# param`` headers), so a new query is attacked as soon as it exists. Each parameter
gets a corpus of hostile values — quotes, braces, ``} UNION {``, ``>`` inside IRIs, newlines,
``\\u0022`` escapes, ``#`` and SPARQL comments, NUL bytes, very long strings — on their own and
glued to the parameter's benign default (the shape a text-pasting injection needs). They run
on the shared fixture graph (``tests/fixtures/mini.trig``) on three engines: the embedded
pyoxigraph store, rdflib, and the guarded HTTP endpoint (``regimekg serve``), where values are
substituted into the query text token by token.

A value passes if it is refused with a :class:`~regimekg.errors.UserError`, or if it is read
as plain data:

* entity / date / asof / integer: the answer equals the answer for the term it was read as, given in
  canonical form (the IRI, the ISO date, the number) — so the value changed nothing but the
  constant;
* string (substring searches): every row contains the value.

After all attacks, every store holds exactly the quads it held before (count and digest).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef

from regimekg import query as q
from regimekg.errors import UserError
from regimekg.query.catalog import PARAM_TYPES
from regimekg.searchtext import normalise
from regimekg.serve import running
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "mini.trig"

#: Hostile tails: each is tried alone and after the parameter's benign default.
HOSTILE_TAILS = [
    '" } UNION { ?s ?p ?o } #',
    "' } UNION { ?s ?p ?o } #",
    "} UNION {",
    "{ ?s ?p ?o }",
    '"""} UNION { ?s ?p ?o } """',
    "> } UNION { ?s ?p ?o",
    "\\u0022 } UNION { ?s ?p ?o } #",
    "\\u003e } UNION { ?s ?p ?o",
    '"@en . ?s ?p ?o . FILTER("',
    '"^^<http://www.w3.org/2001/XMLSchema#string> } UNION { ?s ?p ?o',
    "\n} UNION { ?s ?p ?o }\n",
    "\r\n# comment: the rest of the line is gone",
    " # ?s ?p ?o",
    "\x00",
    "\x00} UNION { ?s ?p ?o }",
    "\\",
    "$s",
    "?s",
    ") || true || (",
    "; DROP ALL",
    " . } ; INSERT DATA { <urn:a> <urn:b> <urn:c> } #",
]
#: Hostile values that are not about the default at all.
HOSTILE_VALUES = [
    "<https://w3id.org/regimekg/id/institution/g7> } UNION { ?s ?p ?o } #",
    "https://w3id.org/regimekg/id/institution/g7> . ?s ?p ?o . <urn:x",
    "https://w3id.org/regimekg/id/institution/g7#> } UNION {",
    "<https://w3id.org/regimekg/id/institution/g7>",
    "SERVICE <http://192.0.2.10/sparql> { ?s ?p ?o }",
    "x" * 10_000,
    "七国集团" * 400,
    "",
    "   ",
]


def hostile_values(default: str | None) -> list[str]:
    values = list(HOSTILE_VALUES) + list(HOSTILE_TAILS)
    if default:
        values += [default + tail for tail in HOSTILE_TAILS]
    return list(dict.fromkeys(values))


def _rows(result: q.Result) -> list[tuple[str, ...]]:
    return [tuple(str(r.get(c)) for c in result.columns) for r in result.rows]


def _canonical(term: URIRef | Literal) -> str:
    return str(term)


def _store_digest(store: ox.Store) -> tuple[int, str]:
    dump = ox.serialize(store, format=ox.RdfFormat.N_QUADS) or b""
    return len(store), hashlib.sha256(b"\n".join(sorted(dump.splitlines()))).hexdigest()


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fixture graph as an in-memory pyoxigraph store, an rdflib Dataset, and an on-disk
    store for the HTTP endpoint."""
    mem = ox.Store()
    mem.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    dataset = rdflib.Dataset(default_union=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(FIXTURE, format="trig")
    disk = tmp_path_factory.mktemp("injection") / "store"
    on_disk = ox.Store(str(disk))
    on_disk.bulk_load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    on_disk.flush()
    del on_disk
    return {"oxigraph": mem, "rdflib": dataset, "disk": disk}


@pytest.fixture(scope="module")
def engines(stores: dict[str, Any]) -> Iterator[dict[str, q.KG]]:
    with running(stores["disk"], timeout=10.0) as ep:
        yield {
            "oxigraph": q.open(ROOT, oxigraph_store=stores["oxigraph"]),
            "rdflib": q.open(ROOT, dataset=stores["rdflib"]),
            "endpoint": q.open(ROOT, endpoint=ep.url),
        }


def _state(stores: dict[str, Any]) -> dict[str, object]:
    disk = ox.Store.read_only(str(stores["disk"]))
    try:
        return {
            "oxigraph": _store_digest(stores["oxigraph"]),
            "rdflib": (len(stores["rdflib"]), sorted(map(str, stores["rdflib"].quads()))),
            "endpoint": _store_digest(disk),
        }
    finally:
        del disk


@pytest.fixture(scope="module")
def state_before(stores: dict[str, Any]) -> dict[str, object]:
    return _state(stores)


def _params() -> list[tuple[str, str]]:
    kg = q.open(ROOT, store=FIXTURE)
    try:
        return [(nq.name, p.name) for nq in kg.named_queries() for p in nq.params]
    finally:
        kg.close()


PARAMS = _params()


def test_every_named_query_parameter_is_attacked() -> None:
    """The corpus covers the query layer as it is: every query file, every parameter type."""
    kg = q.open(ROOT, store=FIXTURE)
    queries = kg.named_queries()
    kg.close()
    assert len(queries) == len(list((ROOT / "queries").glob("*.rq")))
    with_params = {nq.name for nq in queries if nq.params}
    assert {name for name, _ in PARAMS} == with_params
    types = {p.type for nq in queries for p in nq.params}
    assert {"entity", "entities", "date", "asof", "string"} <= types <= set(PARAM_TYPES)


def test_store_state_recorded(state_before: dict[str, object]) -> None:
    """Runs first: the stores' content before the attacks (compared at the end)."""
    assert state_before["oxigraph"][0] > 0  # type: ignore[index]


#: The (engine, parameter type) pairs already given every hostile value.
_FULL: set[tuple[str, str]] = set()


def _values(engine: str, p: q.Param) -> list[str]:
    """The hostile values for *p* on *engine*.

    The embedded store gets every value for every parameter: it is fast, and it runs each
    query's own use of the value (a ``CONTAINS``, a ``REGEX``, a bound IRI), which the
    oracles check. rdflib and the endpoint are slow per value (rdflib evaluates the
    resolution queries in Python, about a tenth of a second per unknown name; the endpoint's
    guard parses every text it receives, and an n-gram suggestion query takes pyparsing over
    a tenth of a second), and what they add to the embedded store's checks does not depend
    on the query:

    * rdflib is handed every value as a binding (``initBindings``), never as query text;
    * the endpoint receives the value written by :func:`regimekg.query.sparqltext.ntriples`
      as one term, into a query text whose substitution was verified once per text and shape
      of value (IRI, language, datatype) on stand-in terms, whatever the value; an entity
      value is first resolved by the same queries whatever the named query, with the kind's
      IRI prefix bound beside it as a term of its own.

    So each of them gets every value (each hostile tail alone and glued to the default) for
    the first parameter of each type, and the values that are not tails (IRIs, ``SERVICE``,
    long and empty strings) for every other parameter, so that every parameter still meets
    every engine."""
    if engine == "oxigraph":
        return hostile_values(p.default)
    if (engine, p.type) in _FULL:
        return list(HOSTILE_VALUES)
    _FULL.add((engine, p.type))
    return hostile_values(p.default)


@pytest.mark.parametrize("query_name, param", PARAMS, ids=[f"{n}:{p}" for n, p in PARAMS])
def test_hostile_values_change_nothing_but_the_constant(
    engines: dict[str, q.KG], query_name: str, param: str
) -> None:
    references: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for engine, kg in engines.items():
        nq = kg.named(query_name)
        p = nq.param(param)
        assert p is not None
        for value in _values(engine, p):
            where = (engine, query_name, param, value[:60])
            try:
                result = kg.query(query_name, params={param: value})
            except UserError as e:
                message = str(e)
                assert message and "\n" not in message.strip(), where
                continue
            rows = _rows(result)
            if p.type == "string":
                # A string parameter only ever searches: every row holds the value (compared
                # as the passage and table searches fold text: case, width, spaces, O/0).
                needle = normalise(value)
                for row in rows:
                    assert any(needle in normalise(cell) for cell in row), (*where, row)
            else:
                term = _canonical(kg.bind(nq, {param: value})[param])
                if (engine, term) not in references:  # many values are read as the same term
                    references[engine, term] = _rows(kg.query(query_name, params={param: term}))
                assert rows == references[engine, term], where


def test_no_attack_changed_any_store(
    engines: dict[str, q.KG], stores: dict[str, Any], state_before: dict[str, object]
) -> None:
    """Runs after the attacks: every engine's store holds exactly the fixture, as before."""
    assert _state(stores) == state_before


def test_the_oracle_would_see_an_injection(engines: dict[str, q.KG]) -> None:
    """Control: the same value pasted into the query text (what safe binding prevents) turns
    the filter into ``true`` and returns rows without the value, which the string oracle above
    rejects; bound safely it finds nothing."""
    kg = engines["oxigraph"]
    nq = kg.named("label-search")
    value = 'zzz")) || (true || ("'
    assert "STR(?q)" in nq.text
    pasted = kg.sparql(nq.text.replace("STR(?q)", f'"{value}"'), untrusted=False)
    assert pasted.rows
    assert not all(any(value in str(c) for c in row.values()) for row in pasted.rows)
    assert kg.query("label-search", params={"q": value}).rows == []
