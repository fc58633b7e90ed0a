"""rdflib ↔ pyoxigraph term conversion (regimekg.terms): every term kind crosses both ways."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS, XSD

from regimekg import terms

EX = "https://w3id.org/regimekg/id/forum/"
G7 = URIRef(EX + "g7")
GRAPH = URIRef("https://w3id.org/regimekg/graph/curated")

ROUND_TRIP = [
    pytest.param(G7, id="iri"),
    pytest.param(URIRef("https://example.org/名字?q=1#片段"), id="iri-with-unicode"),
    pytest.param(BNode("evidence1"), id="blank-node"),
    pytest.param(Literal("七国集团", lang="zh"), id="chinese-tagged"),
    pytest.param(Literal("Group of Seven", lang="en-GB"), id="english-tagged"),
    pytest.param(Literal("plain"), id="plain-string"),
    pytest.param(Literal("01", datatype=XSD.integer), id="integer-non-canonical"),
    pytest.param(Literal("2016-10", datatype=XSD.gYearMonth), id="gyearmonth"),
    pytest.param(Literal("0.50", datatype=XSD.decimal), id="decimal"),
    pytest.param(Literal('line\nbreak \u2028 "quoted"'), id="escapes"),
    pytest.param(Literal("x", datatype=URIRef("https://example.org/custom")), id="custom-type"),
]


@pytest.mark.parametrize("term", ROUND_TRIP)
def test_rdflib_to_ox_and_back_is_the_same_term(term: URIRef | BNode | Literal) -> None:
    back = terms.from_ox(terms.to_ox(term))
    assert back == term
    assert type(back) is type(term)


def test_a_chinese_tag_crosses_as_a_tag_not_a_datatype() -> None:
    ox_term = terms.to_ox(Literal("七国集团", lang="zh"))
    assert isinstance(ox_term, ox.Literal)
    assert (ox_term.value, ox_term.language) == ("七国集团", "zh")
    assert ox_term.datatype == ox.NamedNode(str(RDF.langString))
    back = terms.from_ox(ox_term)
    assert isinstance(back, Literal) and back.datatype is None and back.language == "zh"


def test_a_plain_string_is_xsd_string_in_oxigraph_and_untyped_in_rdflib() -> None:
    ox_term = terms.to_ox(Literal("plain"))
    assert ox_term.datatype == ox.NamedNode(str(XSD.string))  # type: ignore[union-attr]
    assert terms.from_ox(ox.Literal("plain", datatype=ox.NamedNode(str(XSD.string)))) == Literal(
        "plain"
    )


def test_a_non_canonical_lexical_form_crosses_as_written_and_returns_normalised() -> None:
    raw = Literal("01", datatype=XSD.integer, normalize=False)
    ox_term = terms.to_ox(raw)
    assert ox_term.value == "01"  # type: ignore[union-attr]
    back = terms.from_ox(ox_term)
    # rdflib's own constructor normalises, so the answer equals what rdflib parses "01" into
    assert back == Literal("01", datatype=XSD.integer)
    assert str(back) == "1"
    assert back.eq(raw)  # type: ignore[union-attr]


def test_a_base_direction_is_dropped_and_the_tag_kept() -> None:
    rtl = ox.Literal("مرحبا", language="ar", direction=ox.BaseDirection.RTL)
    assert terms.from_ox(rtl) == Literal("مرحبا", lang="ar")


def test_unbound_stays_none() -> None:
    assert terms.from_ox(None) is None


def test_something_that_is_not_a_term_is_refused() -> None:
    with pytest.raises(TypeError, match="not an RDF term"):
        terms.to_ox("https://example.org/a-string")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", [None, DATASET_DEFAULT_GRAPH_ID])
def test_the_default_graph_crosses_both_ways(name: URIRef | None) -> None:
    assert terms.to_ox_graph_name(name) == ox.DefaultGraph()
    assert terms.from_ox_graph_name(ox.DefaultGraph()) == DATASET_DEFAULT_GRAPH_ID


def test_a_named_graph_crosses_both_ways_also_given_as_a_graph() -> None:
    assert terms.to_ox_graph_name(GRAPH) == ox.NamedNode(str(GRAPH))
    assert terms.to_ox_graph_name(Graph(identifier=GRAPH)) == ox.NamedNode(str(GRAPH))
    assert terms.from_ox_graph_name(ox.NamedNode(str(GRAPH))) == GRAPH


@pytest.mark.parametrize("graph", [GRAPH, None], ids=["named", "default"])
def test_quads_round_trip(graph: URIRef | None) -> None:
    s, p, o = BNode("m1"), RDFS.label, Literal("成员", lang="zh")
    q = terms.to_ox_quad(s, p, o, graph)
    assert q.graph_name == (ox.NamedNode(str(graph)) if graph else ox.DefaultGraph())
    assert terms.from_ox_quad(q) == (s, p, o, graph or DATASET_DEFAULT_GRAPH_ID)
    assert terms.from_ox_triple(terms.to_ox_triple(s, p, o)) == (s, p, o)


def _sample() -> Graph:
    g = Graph()
    ev = BNode()
    g.add((G7, RDFS.label, Literal("七国集团", lang="zh")))
    g.add((G7, RDFS.label, Literal("G7", lang="en")))
    g.add((G7, URIRef(EX + "founded"), Literal("1975", datatype=XSD.gYear)))
    g.add((G7, URIRef(EX + "members"), Literal("07", datatype=XSD.integer)))
    g.add((G7, URIRef(EX + "evidence"), ev))
    g.add((ev, URIRef(EX + "quote"), Literal("G7 广岛人工智能进程")))
    return g


def test_a_dataset_of_quads_round_trips_into_an_isomorphic_dataset() -> None:
    ds = Dataset()
    for t in _sample():
        ds.add((*t, GRAPH))
    ds.add((G7, RDF.type, URIRef(EX + "Forum")))  # the default graph
    st = ox.Store()
    st.extend(terms.to_ox_quad(s, p, o, g) for s, p, o, g in ds.quads())
    back = Dataset()
    for q in st:
        back.add(terms.from_ox_quad(q))
    assert len(st) == len(ds) == len(back)
    for name in (GRAPH, DATASET_DEFAULT_GRAPH_ID):
        assert isomorphic(back.graph(name), ds.graph(name))


def test_bulk_paths_give_isomorphic_graphs() -> None:
    g = _sample()
    st = terms.ox_store(g)
    assert all(q.graph_name == ox.DefaultGraph() for q in st)
    assert isomorphic(terms.rdflib_graph(q.triple for q in st), g)
    into = Graph()
    assert terms.rdflib_graph([], into=into) is into and len(into) == 0


def test_plain_values_keep_the_tag_for_label_choice() -> None:
    assert terms.plain(ox.Literal("七国集团", language="zh")) == ("七国集团", "zh")
    assert terms.plain(ox.Literal("3", datatype=ox.NamedNode(str(XSD.integer)))) == ("3", None)
    assert terms.plain(ox.NamedNode(str(G7))) == str(G7)
    assert terms.plain(None) is None
