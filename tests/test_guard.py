"""The SPARQL guard refuses what could write, fetch or leave the regimekg graph — and nothing else.

Every refused query below is one a SPARQL engine would act on (updates, federated SERVICE
calls, FROM clauses that engines such as rdflib and Jena dereference) or one the guard cannot
inspect; every accepted one merely *mentions* those words where they are inert (strings,
comments, IRIs, variable and prefixed names). Accepted queries are also run on an empty
pyoxigraph store, to prove they are real queries and not text the engine would reject anyway.
The fuzz test at the end runs generated queries on the engine against a loopback listener:
whatever the engine would send anywhere, the guard must have refused.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regimekg.errors import UserError
from regimekg.guard import (
    DEFAULT_TIMEOUT,
    MAX_QUERY_CHARS,
    RESULT_CAP,
    QueryRefused,
    _check_engine_agrees,
    _inspect_tree,
    _parse,
    check_graph_iri,
    check_query,
    inspect_query,
    query_form,
)
from tests.conftest import examples, listening

G = "https://w3id.org/regimekg/graph/"

# (query, word expected in the message)
HOSTILE: list[tuple[str, str]] = [
    # updates in every form and case
    ("INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }", "update"),
    ("insert data { <http://e/s> <http://e/p> <http://e/o> }", "update"),
    ("DELETE DATA { <http://e/s> <http://e/p> <http://e/o> }", "update"),
    ("DELETE WHERE { ?s ?p ?o }", "update"),
    ("DeLeTe { ?s ?p ?o } WHERE { ?s ?p ?o }", "update"),
    ("WITH <http://e/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "update"),
    ("INSERT { ?s ?p 1 } USING <http://e/g> WHERE { ?s ?p ?o }", "update"),
    ("CLEAR ALL", "update"),
    ("CLEAR SILENT GRAPH <https://w3id.org/regimekg/graph/curated>", "update"),
    ("DROP GRAPH <https://w3id.org/regimekg/graph/curated>", "update"),
    ("drop default", "update"),
    ("CREATE GRAPH <http://e/g>", "update"),
    ("COPY DEFAULT TO <http://e/g>", "update"),
    ("MOVE <http://e/a> TO <http://e/b>", "update"),
    ("ADD <http://e/a> TO <http://e/b>", "update"),
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("load silent <file:///etc/passwd> into graph <http://e/g>", "LOAD"),
    # a query followed by an update, separated by ';'
    ("SELECT * WHERE { ?s ?p ?o } ; DROP ALL", "update"),
    ("PREFIX ex: <http://e/>\nINSERT DATA { ex:a ex:b ex:c }", "update"),
    # comment tricks: the keyword is on a new line after a comment
    ("# harmless\nDROP ALL", "update"),
    ("SELECT * WHERE { ?s ?p ?o } # ends here\n; CLEAR ALL", "update"),
    # SERVICE anywhere, in any case
    ("SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("select * where { service silent <http://evil.example/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o . SeRvIcE ?endpoint { ?a ?b ?c } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://e/> { ?s ?p ?o } } }", "SERVICE"),
    ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://e/> { ?s ?p ?o } } } }", "SERVICE"),
    ("ASK { OPTIONAL { SERVICE <http://e/> {} } }", "SERVICE"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://e/> { ?s ?p ?o } }", "SERVICE"),
    ("DESCRIBE ?s WHERE { SERVICE <http://e/> { ?s ?p ?o } }", "SERVICE"),
    ("PREFIX ex: <http://e/>\nSELECT * WHERE { SERVICE ex:sparql { ?s ?p ?o } }", "SERVICE"),
    ("SELECT*WHERE{SERVICE<http://e/>{?s?p?o}}", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o }\n#\nSERVICE", "SERVICE"),
    # unicode escapes in keywords (the SPARQL grammar expands them before parsing)
    (r"SELECT * WHERE { \u0053ERVICE <http://e/> { ?s ?p ?o } }", "SERVICE"),
    (r"SELECT * WHERE { \u0073\u0065\u0072\u0076\u0069\u0063\u0065 <http://e/> {} }", "SERVICE"),
    (r"\u0049NSERT DATA { <http://e/s> <http://e/p> <http://e/o> }", "update"),
    (r"SELECT * WHERE { \U00000053ERVICE <http://e/> { ?s ?p ?o } }", "SERVICE"),
    # an escaped quote that closes the string early in the expanded reading
    (r'SELECT * WHERE { ?s ?p "x\u0022 } SERVICE <http://e/> { ?a ?b ?c } #" }', "SERVICE"),
    # an escaped newline that ends a comment early in the expanded reading
    (r"SELECT * WHERE { ?s ?p ?o # \u000a SERVICE <http://e/> { ?a ?b ?c } }", "SERVICE"),
    # '<' read as an IRI by a naive lexer but as "less than" by the parser: the string that
    # starts inside the would-be IRI hides nothing from a parser
    ("SELECT * WHERE { ?a ?b ?c FILTER(?a<'>') SERVICE <http://e/> { ?x ?y ?z } #'\n}", "SERVICE"),
    ("SELECT * WHERE { ?a ?b ?c FILTER(1<'>')SERVICE<http://e/>{}#'\n}", "SERVICE"),
    ("SELECT (?a<'>' AS ?b) FROM <file:///etc/passwd> WHERE { ?a ?p ?o } #'", "FROM"),
    # FROM / FROM NAMED outside the regimekg graphs
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://evil.example/x.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("select * from named <file:///etc/shadow> where { ?s ?p ?o }", "FROM"),
    ("PREFIX f: <file:///etc/>\nSELECT * FROM f:passwd WHERE { ?s ?p ?o }", "FROM"),
    ("PREFIX graph: <file:///etc/>\nSELECT * FROM graph:passwd WHERE { ?s ?p ?o }", "FROM"),
    (f"SELECT * FROM <{G}curated> FROM <http://e/x> WHERE {{ ?s ?p ?o }}", "FROM"),
    (f"SELECT * FROM <{G}../../etc/passwd> WHERE {{ ?s ?p ?o }}", "FROM"),
    (f"SELECT * FROM <{G}curated?x=1> WHERE {{ ?s ?p ?o }}", "FROM"),
    (f"BASE <{G}>\nSELECT * FROM <../../../evil> WHERE {{ ?s ?p ?o }}", "FROM"),
    ("BASE <file:///etc/>\nSELECT * FROM <passwd> WHERE { ?s ?p ?o }", "FROM"),
    (r"SELECT * FROM <file:\u002f\u002f/etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    (r"SELECT * \u0046ROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM <graph/curated> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM unknown:curated WHERE { ?s ?p ?o }", "FROM"),
    ("CONSTRUCT { ?s ?p ?o } FROM <http://e/x> WHERE { ?s ?p ?o }", "FROM"),
    # bypasses of the former lexer-plus-second-opinion design
    ("PREFIX : <http://e/>\nSELECT * WHERE { SERVICE:x { ?s ?p ?o } }", "SERVICE"),
    ("PREFIX : <http://e/>\nSELECT * WHERE { ?s ?p ?o .SERVICE:x{} }", "SERVICE"),
    ("PREFIX : <http://e/>\nSELECT * WHERE { ?s ?p ?o ; SERVICE:sparql {} }", "SERVICE"),
    (
        "SELECT * WHERE { ?a ?b ?c FILTER(EXISTS{?a ?b ?c}<'>') SERVICE <http://e/> {} #'\n}",
        "SERVICE",
    ),
    ("SELECT * WHERE { ?a ?b ?c FILTER(EXISTS{}<'>')SERVICE<http://e/>{}#'\n}", "SERVICE"),
    ("SELECT * WHERE { ?a ?b ?c FILTER(?a<'>'||EXISTS{}<'>')SERVICE<http://e/>{}#'\n}", "SERVICE"),
    ('SELECT * WHERE { ?s ?p "x"@en--ltr . SERVICE <http://e/> { ?s ?p ?o } }', "SERVICE"),
    ("SELECT (EXISTS{?a ?b ?c}<'>' AS ?x) FROM <file:///etc/passwd> WHERE { ?s ?p ?o } #'", "FROM"),
    # what the inspecting parser cannot read is refused, never waved through
    ('SELECT * WHERE { ?s ?p "x"@en--ltr }', "parser"),
    ("SELECT * WHERE { ?s ?p <<( ?a ?b ?c )>> }", "parser"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 200 + "1" + ")" * 200 + ") }", "nests"),
    ("SELECT * WHERE { " + "?s ?p ?o . " * 150 + "}", "nests"),
    ("SELECT * WHERE { ?s ?p <" + "\\u0041" * 25 + " }", "parser"),
    ("SELECT * WHERE { ?s ?p ?o", "parser"),
]

BENIGN: list[str] = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
    'SELECT * WHERE { ?s ?p "INSERT DATA { <a> <b> <c> }" }',
    "SELECT * WHERE { ?s ?p 'SERVICE <http://e/> { ?s ?p ?o }' }",
    'SELECT * WHERE { ?s ?p """multi\nline DROP ALL\nSERVICE <http://e/> {}""" }',
    "SELECT * WHERE { ?s ?p '''LOAD <http://e/> ; CLEAR ALL''' }",
    'SELECT * WHERE { ?s ?p "quote \\" SERVICE <http://e/> {} \\"" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://e/> { } ; DROP ALL",
    "# INSERT DATA { <a> <b> <c> }\nASK { ?s ?p ?o }",
    "SELECT ?service ?insert ?delete ?load ?drop ?from WHERE { ?service ?insert ?delete }",
    "SELECT $service WHERE { $service ?p ?o }",
    "PREFIX ex: <http://e/>\nSELECT * WHERE { ?s ex:service ex:DELETE . ?s ex:load ex:from }",
    "PREFIX service: <http://e/>\nSELECT * WHERE { ?s service:x ?o }",
    "SELECT * WHERE { ?s <http://e/SERVICE> <http://e/INSERT#DROP> }",
    'SELECT * WHERE { ?s ?p ?o FILTER(?o = "clear"@en || ?o = "加载"@zh) }',
    'SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "删除 DELETE 服务 SERVICE")) }',
    'SELECT * WHERE { ?s ?p "七国集团（G7）INSERT？"@zh }',
    "SELECT * WHERE { _:service ?p ?o }",
    f"SELECT * FROM <{G}curated> WHERE {{ ?s ?p ?o }}",
    f"SELECT * FROM NAMED <{G}jsdm-2024-03> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    f"PREFIX g: <{G}>\nSELECT * FROM g:curated FROM NAMED g:ontology WHERE {{ ?s ?p ?o }}",
    f"BASE <{G}>\nSELECT * FROM <curated> WHERE {{ ?s ?p ?o }}",
    f"PREFIX graph: <{G}>\nSELECT * FROM graph:curated WHERE {{ ?s ?p ?o }}",
    f"SELECT * WHERE {{ GRAPH <{G}curated> {{ ?s ?p ?o }} }}",
    r'SELECT * WHERE { ?s ?p "\u0053ERVICE" }',
    r"SELECT * WHERE { ?s <http://e/\u0053ERVICE> ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5",
    "DESCRIBE <http://e/drop>",
    "ASK { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
]


@pytest.mark.parametrize(("query", "word"), HOSTILE)
def test_hostile_query_is_refused_with_one_sentence(query: str, word: str) -> None:
    with pytest.raises(UserError) as err:
        check_query(query)
    msg = str(err.value)
    assert isinstance(err.value, QueryRefused)
    assert word.lower() in msg.lower()
    assert "\n" not in msg and msg.endswith(".")
    assert "Traceback" not in msg


@pytest.mark.parametrize(("query", "word"), [h for h in HOSTILE if h[1] == "SERVICE"])
def test_each_layer_refuses_service_on_its_own(query: str, word: str) -> None:
    """The parser's tree and the engine's own reading are independent checks of SERVICE.

    Oxigraph expands no ``\\u`` escapes outside strings and IRIs, so an escaped keyword is no
    keyword to the engine (its parse fails): only the parser, which expands them, objects.
    """
    with pytest.raises(QueryRefused):
        _inspect_tree(_parse(query), query)
    if "\\" not in query:
        with pytest.raises(QueryRefused):
            _check_engine_agrees(query)


@pytest.mark.parametrize("query", BENIGN)
def test_benign_query_is_accepted_and_runs(query: str) -> None:
    check_query(query)
    # the engine agrees it is a plain read-only query
    ox.Store().query(query, use_default_graph_as_union=True)


def test_refused_queries_are_real_threats_to_the_engine() -> None:
    """The refusals matter: pyoxigraph would otherwise run these (an update changes data)."""
    store = ox.Store()
    store.update("INSERT DATA { <http://e/x> <http://e/p> 1 }")
    assert len(store) == 1
    store.update("DROP ALL")
    assert len(store) == 0
    q = "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"
    assert list(store.query(q)) == []  # accepted by the engine, refused by us
    with pytest.raises(QueryRefused):
        check_query(q)


def test_messages_name_the_line() -> None:
    with pytest.raises(QueryRefused, match=r"line 3"):
        check_query("PREFIX ex: <http://e/>\nSELECT * WHERE {\n  SERVICE ex:x { ?s ?p ?o } }")
    with pytest.raises(QueryRefused, match=r"DROP at line 2"):
        check_query("SELECT * WHERE { ?s ?p ?o } ;\nDROP ALL")


def test_query_form_and_from_graphs() -> None:
    assert query_form("PREFIX a: <http://e/>\nselect * where { ?s ?p ?o }") == "SELECT"
    assert query_form("ASK { ?s ?p ?o }") == "ASK"
    assert query_form("CONSTRUCT WHERE { ?s ?p ?o }") == "CONSTRUCT"
    assert query_form("DESCRIBE <http://e/x>") == "DESCRIBE"
    info = inspect_query(f"PREFIX g: <{G}>\nSELECT * FROM g:curated FROM NAMED <{G}vocab> {{}}")
    assert info.from_graphs == (G + "curated", G + "vocab")


def test_graph_iri_check_for_protocol_parameters() -> None:
    check_graph_iri(G + "curated", "default-graph-uri")
    for bad in ("file:///etc/passwd", "http://e/x", G, G + "Curated", G + "a/b", G + "x y"):
        with pytest.raises(QueryRefused, match="default-graph-uri"):
            check_graph_iri(bad, "default-graph-uri")


def test_overlong_and_deeply_nested_queries() -> None:
    with pytest.raises(QueryRefused, match="limit"):
        check_query("SELECT * WHERE { ?s ?p ?o }" + " " * MAX_QUERY_CHARS)
    deep = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 500 + "1" + ")" * 500 + ") }"
    with pytest.raises(QueryRefused, match="split it into smaller groups"):
        check_query(deep)
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_query(deep[:-1] + " SERVICE <http://e/> {} }")


def test_hostile_lexer_inputs_end_quickly() -> None:
    """Inputs that made the former regex lexer backtrack for minutes are refused or accepted
    by a parse that is linear on them (no time is asserted: a slow run would hang CI)."""
    with pytest.raises(QueryRefused):
        check_query("SELECT * WHERE { ?s ?p <" + "\\u0041\\u00" * 2000 + " }")
    chain = "PREFIX a: <http://e/>\nSELECT * WHERE { ?s ?p a:" + "b." * 20_000 + "c }"
    assert query_form(chain) == "SELECT"


def test_long_generated_queries_are_inspected_whole() -> None:
    values = " ".join(f"<http://e/{i}>" for i in range(2000))
    long_ok = f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"
    check_query(long_ok)
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_query(long_ok[:-1] + " SERVICE <http://e/> { ?a ?b ?c } }")
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_query(long_ok[:-1] + " FILTER(?s<'>') SERVICE <http://e/> {} #'\n}")
    with pytest.raises(QueryRefused, match="FROM"):
        check_query(long_ok.replace("WHERE", "FROM <file:///etc/passwd> WHERE", 1))
    hidden = long_ok.replace("WHERE", "(?x<'>' AS ?y) FROM <file:///etc/passwd> WHERE", 1)
    with pytest.raises(QueryRefused):
        check_query(hidden[:-1] + " #'\n}")


def test_the_dataset_the_guard_saw_is_reported_apart() -> None:
    info = inspect_query(
        f"SELECT * FROM <{G}curated> FROM NAMED <{G}vocab> FROM <{G}ontology> {{}}"
    )
    assert info.default_graphs == (G + "curated", G + "ontology")
    assert info.named_graphs == (G + "vocab",)


def test_constants() -> None:
    assert RESULT_CAP == 10_000
    assert DEFAULT_TIMEOUT == 10.0


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)
_keywords = st.sampled_from(
    ["SERVICE <http://e/> { }", "} ; DROP ALL", "INSERT DATA { <a> <b> <c> }", "#", '"', "'"]
)


@settings(max_examples=examples(60), deadline=None)
@given(prefix=_text, keyword=_keywords, suffix=_text, lang=st.sampled_from(["", "@en", "@zh"]))
def test_any_literal_content_is_accepted(prefix: str, keyword: str, suffix: str, lang: str) -> None:
    """Whatever a user searches for, written as a properly escaped literal, is not refused."""
    lit = ox.Literal(prefix + keyword + suffix, language=lang[1:] or None)
    query = f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(?o = {lit}) }}"
    check_query(query)
    ox.Store().query(query)


@settings(max_examples=examples(40), deadline=None)
@given(before=_text, after=_text, case=st.sampled_from([str.upper, str.lower, str.title]))
def test_service_outside_literals_is_always_refused(before: str, after: str, case) -> None:
    b, a = ox.Literal(before), ox.Literal(after)
    query = (
        f"SELECT * WHERE {{ ?s ?p {b} . {case('service')} <http://e/> {{ ?s ?p ?o }} "
        f"FILTER(?o != {a}) }}"
    )
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_query(query)


# --------------------------------------------------------------------------------------------
# Fuzzing against the engine itself: whatever Oxigraph would send anywhere, the guard refused.


@pytest.fixture(scope="module")
def trap() -> Iterator[tuple[str, list[bytes]]]:
    """The shared loopback listener, standing in for any SERVICE endpoint, for the module."""
    with listening() as target:
        yield target


#: Pieces that build SERVICE clauses, hide them (strings, comments, ``<`` read two ways,
#: escapes, keywords glued to names) or are ordinary query text.
_PIECES = [
    "SERVICE <{url}> {{ ?a ?b ?c }}",
    "SERVICE:x {{}}",
    "SERVICE SILENT :x {{}}",
    "service ?g {{}}",
    "SERVICE",
    "SeRvIcE",
    "SILENT",
    ":x",
    "ex:y",
    "ex:SERVICE",
    "?service",
    "<{url}>",
    "<'>",
    "<",
    ">",
    "'",
    '"',
    "'''",
    '"""',
    "#",
    "\n",
    "{{",
    "}}",
    "(",
    ")",
    ".",
    ";",
    ",",
    "?s",
    "?o",
    "FILTER(",
    "EXISTS{{}}",
    "EXISTS{{?s ?p ?o}}",
    "NOT",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "BIND(1 AS ?z)",
    "1",
    "'x'",
    '"y"',
    "\\u0053",
    "\\u0022",
    "\\\\",
    "@en",
    "@en--ltr",
    "^^",
    "a",
    "FROM",
    "VALUES ?v {{ 1 }}",
    "_:b",
    "<<",
    ">>",
    "{{|",
    "|}}",
    "~",
    "'servic'",
]
_SEPARATORS = ["", " ", "\n"]
#: Well-formed SERVICE clauses are drawn more often, so that hiding them is what gets tried.
_WEIGHTED = _PIECES[:4] * 6 + _PIECES


def _fuzz_query(rng: random.Random | None, draw: st.DrawFn | None, url: str) -> str:
    def pick(options: list[str]) -> str:
        return rng.choice(options) if rng is not None else draw(st.sampled_from(options))

    n = rng.randint(1, 7) if rng is not None else draw(st.integers(1, 7))
    body = "".join(pick(_SEPARATORS) + pick(_WEIGHTED).format(url=url) for _ in range(n))
    closing = pick(["}", "\n}", " } #'\n}", ""])
    return f"PREFIX : <{url}>\nPREFIX ex: <{url}>\nSELECT * WHERE {{ ?s ?p ?o {body} {closing}"


def _engine_contacts(query: str, hits: list[bytes], store: ox.Store) -> bool:
    """Run *query* unguarded on the engine and say whether it reached the listener."""
    before = len(hits)
    try:
        for _ in store.query(query):
            pass
    except (SyntaxError, OSError, ValueError, RuntimeError):
        pass
    # The listener records a connection before closing it, and the engine returns only once it
    # is closed, so the count is complete here.
    return len(hits) > before


def _guard_accepts(query: str) -> bool:
    try:
        check_query(query)
    except QueryRefused:
        return False
    return True


def _one_triple() -> ox.Store:
    store = ox.Store()
    e = ox.NamedNode("http://e/x")
    store.add(ox.Quad(e, e, e))
    return store


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_fuzz_no_accepted_query_reaches_the_network(
    data: st.DataObject, trap: tuple[str, list[bytes]]
) -> None:
    url, hits = trap
    query = _fuzz_query(None, data.draw, url)
    if _guard_accepts(query):
        assert not _engine_contacts(query, hits, _one_triple()), query


def test_the_fuzz_oracle_sees_real_service_calls(trap: tuple[str, list[bytes]]) -> None:
    """The fuzz test can fail: among generated queries, some do reach the listener when run
    unguarded (so the oracle works), and every one of those is refused."""
    url, hits = trap
    rng = random.Random(20261207)
    store = _one_triple()
    contacted = 0
    for _ in range(800):
        query = _fuzz_query(rng, None, url)
        if _engine_contacts(query, hits, store):
            contacted += 1
            assert not _guard_accepts(query), query
    assert contacted >= 20


def test_mentions_of_service_beside_implicit_entity_prefixes_are_accepted() -> None:
    """The engine check reads the text with the prefixes the engines declare (``state:`` …),
    so a query using them is not refused for mentioning "service" in a string."""
    check_query('SELECT ?x WHERE { state:china ?p ?x FILTER(CONTAINS(STR(?x), "Service")) }')
