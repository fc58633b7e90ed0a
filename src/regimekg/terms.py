"""rdflib ↔ pyoxigraph: the one place where a term, a triple, a quad or a graph name crosses.

regimekg builds graphs with rdflib (loaders, pySHACL) and stores and queries them with
pyoxigraph (DESIGN §3), so terms cross between the two libraries in the build, the query
backends, the QC queries, incremental ingest and the exports. Each crossing goes through
this module, so every edge case is decided once:

- **Literal lexical forms.** rdflib normalises the lexical form of a typed literal when it
  builds one (``Literal("01", datatype=XSD.integer)`` holds ``"1"``, unless built with
  ``normalize=False``); a pyoxigraph ``Literal`` keeps whatever text it is given, and a
  pyoxigraph ``Store`` keeps valid numbers and booleans as values, so it gives back their
  canonical form (``"1"`` for a stored ``"01"``, ``"0.5"`` for ``"0.50"^^xsd:decimal``,
  ``"true"`` for ``"1"^^xsd:boolean``) and an invalid lexical form as written. :func:`to_ox`
  hands pyoxigraph rdflib's lexical form as it is (``str(literal)``) and leaves any
  canonical form to the store, so the dump is what the store makes of the loaders' terms,
  whichever path they took. :func:`from_ox` builds the rdflib literal with rdflib's default
  normalisation, so an answer read from pyoxigraph has the form the same value has when
  rdflib parsed it: the three query backends then give equal rows.
- **Plain strings.** RDF 1.1 gives a literal without a language tag the datatype
  ``xsd:string``; pyoxigraph reports it, rdflib leaves ``datatype`` at ``None`` for the same
  literal. :func:`from_ox` maps ``xsd:string`` back to no datatype, because rdflib compares
  ``Literal("a")`` and ``Literal("a", datatype=XSD.string)`` as different terms.
- **Language tags.** A tagged literal's datatype is ``rdf:langString`` on the pyoxigraph side
  and ``None`` on the rdflib side; only the tag crosses. RDF 1.2 base directions
  (``"…"@ar--rtl``, pyoxigraph's ``direction``) have no rdflib 7 counterpart: the tag is kept
  and the direction dropped, as every reader of these terms did before; regimekg's own data
  has none.
- **Blank nodes.** A blank node keeps its label both ways, term by term, so a caller that
  labels blank nodes deterministically (:func:`regimekg.store.canonical_triples`) gets the
  same labels in the store and in the dump. pyoxigraph accepts rdflib's generated labels
  (``N…`` hex, or the hashed labels of the canonical form) as they are. The bulk paths below
  go through a parser, and both parsers give each blank node a fresh label: use them where
  labels carry no meaning.
- **Graph names.** A quad's graph is a named graph (an IRI) or the default graph. rdflib's
  ``Dataset`` names its default graph ``urn:x-rdflib:default``
  (:data:`rdflib.graph.DATASET_DEFAULT_GRAPH_ID`); pyoxigraph has :class:`pyoxigraph.DefaultGraph`.
  :func:`to_ox_graph_name` maps that IRI and ``None`` to the default graph, and
  :func:`from_ox_graph_name` maps it back.

The query engine workers of ``regimekg serve`` (:mod:`regimekg.engine`) build their dataset's
IRIs from the request's strings with pyoxigraph alone: no rdflib term crosses there, and a
worker that imported rdflib would start half a second later after every timeout.

**Bulk paths.** Whole graphs cross by serialising to N-Triples and letting the other library
parse it (:func:`ox_store`, :func:`rdflib_graph`): no Python call per term, and the N-Triples
form carries every IRI, tag, datatype and lexical form exactly (blank nodes are relabelled,
see above). The build's quads (:func:`regimekg.store.quads`) stay term by term: on a 40 k-triple
sample of the seed build, writing N-Triples with rdflib and reading them with
:func:`pyoxigraph.parse` (which keeps blank-node labels) gave the same quads but was no
faster (1.0-1.4 s against 1.1 s term by term, on a shared two-core machine).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD

__all__ = [
    "from_ox",
    "from_ox_graph_name",
    "from_ox_quad",
    "from_ox_triple",
    "ox_store",
    "plain",
    "rdflib_graph",
    "to_ox",
    "to_ox_graph_name",
    "to_ox_quad",
    "to_ox_triple",
]

RdflibTerm = URIRef | BNode | Literal
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
OxGraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

_XSD_STRING = str(XSD.string)


def to_ox(term: RdflibTerm) -> OxTerm:
    """An rdflib IRI, blank node or literal as the equal pyoxigraph term.

    The literal's lexical form is passed as rdflib holds it (see the module docstring), and
    a literal without a tag or datatype becomes pyoxigraph's ``xsd:string`` literal.
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"{term!r} is not an RDF term (IRI, blank node or literal)")


def from_ox(term: Any) -> RdflibTerm | None:
    """A pyoxigraph term as the equal rdflib term; ``None`` (an unbound variable) stays ``None``.

    Typed literals go through rdflib's normalising constructor, ``xsd:string`` becomes a
    literal without datatype, and a base direction is dropped (see the module docstring).
    Anything else pyoxigraph can put in a solution (an RDF 1.2 quoted triple) becomes a plain
    literal of its N-Triples text, so a row always has a term to show.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return Literal(str(term))


def to_ox_graph_name(name: URIRef | BNode | Graph | None) -> OxGraphName:
    """The pyoxigraph graph name of an rdflib graph name (or of a graph, by its identifier).

    ``None`` and rdflib's default-graph identifier are the default graph.
    """
    if isinstance(name, Graph):
        name = name.identifier  # type: ignore[assignment]
    if name is None or name == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(name, BNode):
        return ox.BlankNode(str(name))
    return ox.NamedNode(str(name))


def from_ox_graph_name(name: OxGraphName) -> URIRef | BNode:
    """The rdflib graph name of a pyoxigraph one: the default graph is rdflib's
    ``urn:x-rdflib:default``, the identifier an rdflib ``Dataset`` gives its default graph."""
    if isinstance(name, ox.DefaultGraph):
        return DATASET_DEFAULT_GRAPH_ID
    if isinstance(name, ox.BlankNode):
        return BNode(name.value)
    return URIRef(name.value)


def to_ox_triple(s: RdflibTerm, p: URIRef, o: RdflibTerm) -> ox.Triple:
    """An rdflib triple as a pyoxigraph triple."""
    return ox.Triple(to_ox(s), to_ox(p), to_ox(o))  # type: ignore[arg-type]


def from_ox_triple(t: ox.Triple | ox.Quad) -> tuple[RdflibTerm, URIRef, RdflibTerm]:
    """A pyoxigraph triple (or the triple of a quad) as an rdflib triple."""
    return from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)  # type: ignore[return-value]


def to_ox_quad(
    s: RdflibTerm,
    p: URIRef,
    o: RdflibTerm,
    g: URIRef | BNode | Graph | OxGraphName | None = None,
) -> ox.Quad:
    """An rdflib triple in graph *g* as a pyoxigraph quad.

    *g* may be an rdflib graph name, an rdflib graph, ``None`` (the default graph) or an
    already converted pyoxigraph graph name, so a caller writing many quads into one graph
    converts its name once.
    """
    if not isinstance(g, ox.NamedNode | ox.BlankNode | ox.DefaultGraph):
        g = to_ox_graph_name(g)
    return ox.Quad(to_ox(s), to_ox(p), to_ox(o), g)  # type: ignore[arg-type]


def from_ox_quad(q: ox.Quad) -> tuple[RdflibTerm, URIRef, RdflibTerm, URIRef | BNode]:
    """A pyoxigraph quad as an rdflib quad ``(s, p, o, graph name)``."""
    s, p, o = from_ox_triple(q)
    return s, p, o, from_ox_graph_name(q.graph_name)


def ox_store(g: Graph) -> ox.Store:
    """A new in-memory pyoxigraph store holding the triples of *g* in its default graph.

    Bulk path: *g* is written as N-Triples by rdflib and loaded by pyoxigraph, without a
    Python call per term. The store relabels blank nodes and keeps numbers and dates as
    values (see the module docstring); for QC queries over the ontology neither matters.
    """
    st = ox.Store()
    st.load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return st


def rdflib_graph(triples: Iterable[ox.Triple], into: Graph | None = None) -> Graph:
    """The pyoxigraph *triples* parsed into an rdflib graph (a new one, or *into*).

    Bulk path: pyoxigraph writes N-Triples and rdflib parses them, so literals get rdflib's
    normalised lexical forms exactly as :func:`from_ox` gives them; blank nodes get fresh
    labels from rdflib's parser (a Turtle writer relabels them anyway).
    """
    g = Graph() if into is None else into
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if text:
        g.parse(data=text.decode("utf-8"), format="nt")
    return g


def plain(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value, for code that needs no RDF terms.

    IRIs and blank nodes become their text, a literal the pair ``(lexical form, language tag
    or None)``: the tag is what bilingual labels are chosen by, and the lexical form is
    pyoxigraph's own (not rdflib-normalised), which is what the metrics read.
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return (term.value, term.language)
    return term.value
