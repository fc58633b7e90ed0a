"""The metrics as RDF: ``rkg:MetricObservation`` nodes in ``graph/metrics``, so SPARQL can ask
for "the five most central forums in 2023", and the metric concept scheme they point to.

The triples are pyoxigraph terms and pyoxigraph writes them (canonical N-Triples): the library
does the escaping and the literal syntax. pyoxigraph rather than rdflib because the build
writes a dozen slices of ~12 k triples each, with many repeated across slices: rdflib's term
objects, graph and serialiser cost seconds for them, pyoxigraph's a fraction of that, and its
triples are hashable, so the repeats are dropped before anything is written. Readers that
want an rdflib graph get one from :func:`to_rdf`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from .. import asof, vocab
from ..namespaces import ID, RKG, concept, iri, scheme, short_hash
from ..terms import to_ox
from .dictionary import METRIC_SCHEME, NETWORKS, metric_concept
from .measures import Metrics, compute, metrics_at
from .read import oxigraph_select, read_graph


def network_iri(name: str) -> URIRef:
    return iri("network", name)


def metric_iri(name: str) -> URIRef:
    return concept("metric", name)


def _n(term: str) -> ox.NamedNode:
    return ox.NamedNode(str(term))


_XSD_INTEGER, _XSD_DOUBLE, _XSD_DATE = _n(XSD.integer), _n(XSD.double), _n(XSD.date)
_A, _LABEL = _n(RDF.type), _n(RDFS.label)


def _value(v: float | int) -> ox.Literal:
    """A value as ``xsd:integer`` or ``xsd:double``.

    A double keeps Python's shortest round-trip form (``repr``, what rdflib writes too) of the
    value rounded to 12 decimals, so the lexical forms in the dump do not depend on the
    serialiser's choice of notation.
    """
    if isinstance(v, int):  # bool is an int too
        return ox.Literal(str(int(v)), datatype=_XSD_INTEGER)
    return ox.Literal(repr(round(float(v), 12)), datatype=_XSD_DOUBLE)


def _bilingual(node: ox.NamedNode, pred: ox.NamedNode, en: str, zh: str) -> Iterator[ox.Triple]:
    yield ox.Triple(node, pred, ox.Literal(en, language="en"))
    yield ox.Triple(node, pred, ox.Literal(zh, language="zh"))


#: What ``graph/metrics`` repeats of ``ontology/vocab/metric.ttl``: everything said about the
#: scheme and the concepts a slice uses, except the top-concept links (a slice's scheme lists
#: only what it uses, so it must not claim to be the whole hierarchy).
_NOT_COPIED = frozenset({_n(SKOS.topConceptOf), _n(SKOS.hasTopConcept)})


def _described(g: Graph, node: URIRef) -> Iterator[ox.Triple]:
    """The triples of vocabulary graph *g* about *node*, as pyoxigraph triples."""
    s = to_ox(node)
    for p, o in g.predicate_objects(node):
        pred = to_ox(p)
        if pred not in _NOT_COPIED:
            yield ox.Triple(s, pred, to_ox(o))


def _definitions(m: Metrics) -> Iterator[ox.Triple]:
    """The metric scheme and the concepts the metrics *m* use (copied from
    ``ontology/vocab/metric.ttl``), and the networks they are computed on."""
    g = vocab.current().graph
    yield from _described(g, scheme(METRIC_SCHEME))
    for slug in sorted({o.metric for o in m.observations}):
        yield from _described(g, metric_concept(slug).iri)
    for slug in sorted({o.network for o in m.observations}):
        yield ox.Triple(_n(network_iri(slug)), _A, _n(RKG.Network))
        yield from _bilingual(_n(network_iri(slug)), _LABEL, *NETWORKS[slug])


def to_triples(m: Metrics) -> Iterator[ox.Triple]:
    """The observations as ``rkg:MetricObservation`` nodes, with the concepts they use.

    This is the one writer of ``graph/metrics``. Observation IRIs hash metric, network, subjects,
    parameter and date, so the slices the build writes side by side never collide and a
    rebuild yields the same IRIs. Each slice repeats the scheme, concept and network triples;
    a graph or store keeps them once.
    """
    yield from _definitions(m)
    day = m.data.as_of
    p = {
        k: _n(v)
        for k, v in {
            "metric": RKG.metric,
            "network": RKG.network,
            "subject": RKG.subject,
            "related": RKG.relatedSubject,
            "value": RKG.value,
            "k": RKG.metricParameter,
            "fragmentation": RKG.hasFragmentationType,
            "category": RKG.category,
            "as_of": RKG.asOf,
        }.items()
    }
    observation = _n(RKG.MetricObservation)
    on_day = ox.Literal(day.isoformat(), datatype=_XSD_DATE) if day is not None else None
    terms: dict[tuple[str, str], ox.NamedNode] = {}  # (kind, slug) → IRI, each built once

    def term(kind: str, slug: str) -> ox.NamedNode:
        key = (kind, slug)
        if key not in terms:
            if kind == "metric":
                terms[key] = _n(metric_iri(slug))
            elif kind == "network":
                terms[key] = _n(network_iri(slug))
            else:
                terms[key] = _n(concept(kind, slug))
        return terms[key]

    for o in m.observations:
        key = "\x1e".join(
            str(x) for x in (o.metric, o.network, o.subject, o.related, o.k, o.category, day)
        )
        node = ox.NamedNode(f"{ID}metric-observation/{short_hash(key, length=16)}")
        yield ox.Triple(node, _A, observation)
        yield ox.Triple(node, p["metric"], term("metric", o.metric))
        yield ox.Triple(node, p["network"], term("network", o.network))
        if o.subject is not None:
            yield ox.Triple(node, p["subject"], ox.NamedNode(o.subject))
        if o.related is not None:
            yield ox.Triple(node, p["related"], ox.NamedNode(o.related))
        if o.value is not None:
            yield ox.Triple(node, p["value"], _value(o.value))
        if o.k is not None:
            yield ox.Triple(node, p["k"], _value(o.k))
        if o.category is not None:
            if o.metric in ("fragmentation-type", "fragmentation-type-count"):
                yield ox.Triple(node, p["fragmentation"], term("fragmentation-type", o.category))
            else:
                yield ox.Triple(node, p["category"], term("regime-link-type", o.category))
        if on_day is not None:
            yield ox.Triple(node, p["as_of"], on_day)


def serialize(triples: Iterable[ox.Triple]) -> bytes:
    """*triples* as canonical N-Triples, each distinct triple once, in first-seen order."""
    return ox.serialize(dict.fromkeys(triples), format=ox.RdfFormat.N_TRIPLES)


def to_rdf(m: Metrics, g: Graph | None = None) -> Graph:
    """The triples of :func:`to_triples`, added to *g* or a new rdflib graph."""
    return _parsed(serialize(to_triples(m)), g)


def _parsed(ntriples: bytes, g: Graph | None = None) -> Graph:
    g = Graph() if g is None else g
    for prefix, ns in (("rkg", RKG), ("id", ID), ("skos", SKOS)):
        g.bind(prefix, ns)
    return g.parse(data=ntriples, format="nt")


def metrics_graph(st: ox.Store, *, as_of: str | None = None) -> Graph:
    """The metrics of the graph as it stood at *as_of*, as RDF for ``graph/metrics``."""
    return to_rdf(metrics_at(oxigraph_select(st), as_of))


def metrics_graph_slices(st: ox.Store, as_of: Iterable[str | None]) -> Graph:
    """Several slices in one graph, reading the store once (see :func:`metrics_ntriples`)."""
    return _parsed(metrics_ntriples(st, as_of))


def metrics_ntriples(st: ox.Store, as_of: Iterable[str | None]) -> bytes:
    """Several slices as N-Triples for ``graph/metrics``, reading the store once.

    The build writes the whole graph (uncut) and 31 December of every year since 2016 this
    way, all cut from one :func:`read_graph` (each slice is ~10 k triples and a few tenths of
    a second on the bundled data, so a build should write the years a reader will ask about,
    not every year since 1945). Triples repeated across slices (the metric concepts) are
    written once.
    """
    full = read_graph(oxigraph_select(st))
    return serialize(
        t for value in as_of for t in to_triples(compute(full.at(asof.resolve(value))))
    )
