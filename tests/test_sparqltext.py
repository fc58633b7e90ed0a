"""Query structure read from rdflib's parse tree, and endpoint substitution checked by it.

Texts here are unique to each test: plans and parses are cached by text, and a test that
replaces a step must not find another test's cached answer.
"""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from regimekg import guard
from regimekg.errors import UserError
from regimekg.query import check_prefixes, sparqltext

G = "https://w3id.org/regimekg/graph/"
CHINA = URIRef("https://w3id.org/regimekg/id/state/china")


# -- structure from the parse tree ------------------------------------------------------------


def test_query_form_and_prefixes_come_from_the_parse_tree() -> None:
    text = (
        'PREFIX : <http://e/>\nPREFIX ex: <http://x/>\nCONSTRUCT { ?s :p "a" } WHERE { ?s ?q ?o }'
    )
    assert sparqltext.query_form(text) == "CONSTRUCT"
    assert sparqltext.declared_prefixes(text) == {"", "ex"}
    assert sparqltext.query_form("ASK { ?s ?p ?o }") == "ASK"


def test_a_prefix_only_inside_a_string_iri_or_comment_is_not_undeclared() -> None:
    text = (
        'SELECT ?s WHERE { ?s ?p "foo:bar" , """baz:x""" , \'qux:y\' . ?s ?q <zap:z> }'
        " # bar:x in a comment"
    )
    assert sparqltext.undeclared_prefixes(text) == []
    check_prefixes(text)


def test_undeclared_prefixes_in_document_order_including_the_empty_one() -> None:
    text = 'SELECT ?s WHERE { ?s two:p ?o ; :q "1"^^one:t ; two:r [ three:s ?x ] }'
    assert sparqltext.undeclared_prefixes(text) == ["two", "", "one", "three"]
    assert sparqltext.undeclared_prefixes(text, {"two", "", "one"}) == ["three"]
    with pytest.raises(UserError, match=r"prefix two: without declaring it.*rkg:"):
        check_prefixes(text)


def test_a_text_that_does_not_parse_gives_the_syntax_error() -> None:
    broken = "SELECT ?s WHERE { ?s foo:p ?o"
    assert sparqltext.undeclared_prefixes(broken) == []  # the parser's message comes later
    check_prefixes(broken)
    for ask in (sparqltext.query_form, sparqltext.declared_prefixes):
        with pytest.raises(UserError, match=r"^The SPARQL query does not parse \(.*line:1"):
            ask(broken)
    with pytest.raises(UserError, match="does not parse"):
        sparqltext.substitute(broken, {"o": Literal("x")})


def test_the_guard_reads_the_same_cached_parse() -> None:
    text = "SELECT ?guarded WHERE { ?guarded ?p ?o }"
    assert guard._parse(text) is sparqltext.parse(text)


def test_the_empty_prefix_resolves_in_dataset_clauses() -> None:
    text = f"PREFIX : <{G}>\nSELECT ?s FROM :curated WHERE {{ ?s ?p ?o }}"
    assert guard.inspect_query(text).default_graphs == (f"{G}curated",)


# -- the three scoping rules, on the parse tree ------------------------------------------------

RULES = [
    ("SELECT ?x WHERE { ?x ?y ?p }", "is not projected by top-level SELECT"),
    ("SELECT * WHERE { ?x ?y ?p }", "uses SELECT *"),
    ("SELECT ?p ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?x ?y ?p } } }", "a sub-query"),
    (
        "SELECT ?p ?n WHERE { { SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?y ?z } GROUP BY ?x "
        "HAVING (COUNT(*) > ?p) } }",
        "a sub-query that uses it",
    ),
    ("SELECT ?p (COUNT(*) AS ?n) WHERE { ?x ?y ?p } GROUP BY ?x", "not grouped by"),
    ("SELECT ?p ?x WHERE { BIND(?p AS ?x) }", "aliased with (?p AS …)"),
    ("SELECT ?p (?p AS ?x) WHERE { ?x ?y ?p }", "aliased with (?p AS …)"),
    ("SELECT ?p WHERE { ?x ?y ?z } GROUP BY (?p AS ?w)", "aliased with (?p AS …)"),
    ("SELECT ?x WHERE { BIND(1 AS ?p) }", "target of AS"),
    ("SELECT ?x (1 AS ?p) WHERE { ?x ?y ?z }", "target of AS"),
    ("SELECT ?p WHERE { VALUES ?p { 1 } }", "listed in VALUES"),
    ("SELECT ?p WHERE { VALUES (?x ?p) { (1 2) } }", "listed in VALUES"),
    ("SELECT ?p WHERE { ?x ?y ?p } VALUES ?p { 1 }", "listed in VALUES"),
    ("SELECT ?p WHERE { OPTIONAL { ?x ?y ?p } FILTER(!BOUND(?p)) }", "BOUND()"),
    ("ASK { ?x ?y ?p }", "not a SELECT query"),
    ("SELECT ?p WHERE { ?x ?y ?p ", "does not parse"),
]


@pytest.mark.parametrize(("text", "problem"), RULES)
def test_each_scoping_rule_is_caught(text: str, problem: str) -> None:
    problems = sparqltext.check_parameter_scoping(text, ["p"])
    assert any(problem in p for p in problems), problems


def test_what_the_rules_allow_passes() -> None:
    text = (
        "SELECT ?p ?x ?n WHERE { ?x ?y ?p FILTER(?x != ?p) "
        '{ SELECT ?p (COUNT(*) AS ?n) WHERE { ?a ?b ?p } GROUP BY ?p } BIND("?p" AS ?q) } '
        "GROUP BY ?p ?x ?n ORDER BY ?p # BIND(?p AS ?z)"
    )
    assert sparqltext.check_parameter_scoping(text, ["p"]) == []


# -- substitution, checked by re-parsing ------------------------------------------------------


def test_substitution_rewrites_each_place_as_documented() -> None:
    text = (
        "SELECT ?p ?n WHERE { { SELECT ?p (COUNT(*) AS ?n) WHERE { ?x ?y ?p } GROUP BY ?p } "
        "FILTER(?n > 0) } ORDER BY ?p DESC(?n)"
    )
    out = sparqltext.substitute(text, {"p": CHINA})
    c = f"<{CHINA}>"
    assert out == (
        f"SELECT ({c} AS ?p) ?n WHERE {{ {{ SELECT  (COUNT(*) AS ?n) WHERE {{ ?x ?y {c} }} "
        f"GROUP BY ({c}) }} FILTER(?n > 0) }} ORDER BY ({c}) DESC(?n)"
    )


def test_a_lexical_misreading_is_refused_not_sent() -> None:
    # rdflib's grammar reads `?a<?p&&?c>?a` as two comparisons; a token scanner sees the IRI
    # `<?p&&?c>` and would leave ?p in place. The re-parse catches the difference.
    text = "SELECT ?p ?a WHERE { ?a ?b ?c FILTER(?a<?p&&?c>?a) }"
    with pytest.raises(UserError, match=r"would change the query .* not sent"):
        sparqltext.substitute(text, {"p": Literal("x")})
    spaced = "SELECT ?p ?a WHERE { ?a ?b ?c FILTER(?a < ?p && ?c > ?a) }"
    assert '?a < "x" &&' in sparqltext.substitute(spaced, {"p": Literal("x")})


def test_a_dropped_replacement_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = sparqltext._edits
    monkeypatch.setattr(sparqltext, "_edits", lambda text, names: real(text, names)[:-1])
    text = "SELECT ?p ?x WHERE { ?x ?y ?p . ?x ?z ?p }"
    with pytest.raises(UserError, match="would change the query"):
        sparqltext.substitute(text, {"p": Literal("dropped")})


def test_a_wrong_replacement_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # every variable treated as a plain term: the sub-query would project a constant
    monkeypatch.setattr(sparqltext, "_bare_in_clauses", lambda text, tokens: {})
    text = "SELECT ?p ?n WHERE { ?p ?q ?n } ORDER BY ?p"
    with pytest.raises(UserError, match="would change the query"):
        sparqltext.substitute(text, {"p": CHINA})


def test_the_check_runs_once_per_text_and_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "SELECT ?p ?x WHERE { ?x ?y ?p } ORDER BY ?p # once per shape"
    first = sparqltext.substitute(text, {"p": Literal("a")})

    def no_more_checks(*args: object) -> bool:
        raise AssertionError("checked again")

    monkeypatch.setattr(sparqltext, "_verify", no_more_checks)
    second = sparqltext.substitute(text, {"p": Literal('b" } UNION { ?s ?p ?o } #')})
    assert first.replace('"a"', "X") == second.replace('"b\\" } UNION { ?s ?p ?o } #"', "X")
    with pytest.raises(AssertionError, match="checked again"):  # another shape: checked
        sparqltext.substitute(text, {"p": Literal("2024-01-01", datatype=XSD.date)})


def test_values_that_are_no_single_term_are_refused_before_any_check() -> None:
    text = "SELECT ?p ?x WHERE { ?x ?y ?p } # refused values"
    with pytest.raises(UserError, match="not a valid IRI"):
        sparqltext.substitute(text, {"p": URIRef("http://e/a> } UNION { ?s ?p ?o")})
    with pytest.raises(UserError, match="escape"):
        sparqltext.substitute(text, {"p": Literal("\\u0022 } UNION {")})


def test_parse_trees_are_kept_within_the_character_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    small = "SELECT ?kept WHERE { ?kept ?p ?o }"
    assert sparqltext.parse(small) is sparqltext.parse(small)
    monkeypatch.setattr(sparqltext, "PARSE_CACHE_CHARS", 10)
    large = "SELECT ?not_kept WHERE { ?not_kept ?p ?o }"
    assert sparqltext.parse(large) is not sparqltext.parse(large)
