"""The ontology declares every rkg term the project emits, and the emitted data meets the shapes.

The loaders, the curated layer and the metrics each mint RDF of their own; a term they use that
``ontology/regimekg.ttl`` does not declare has no labels, no definition and no place in Protégé,
and a reasoner or a SPARQL user cannot know what it means. The real test is a full build: every
rkg IRI in any position of any quad of ``regimekg.nq`` must be a declared class or property,
and used as its kind says (literals only on datatype properties, resources only on object
properties). The build itself does not validate graph/metrics (it is computed beside SHACL),
so the metric shapes are applied here to a slice of the real metrics graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from regimekg.namespaces import METRICS_GRAPH, RKG
from regimekg.ontology import load_ontology, load_vocab, shacl_validate
from regimekg.paths import Project
from regimekg.sources import load_manifest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Project(ROOT)
KINDS = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: IRIs of the metric scheme and its concepts.
METRIC_IRIS = ("https://w3id.org/regimekg/id/scheme/metric", "https://w3id.org/regimekg/id/metric/")
#: Docs that show hypothetical edits (terms an editor might add), not terms the project uses.
EXAMPLE_DOCS = {"editing.md"}


@pytest.fixture(scope="module")
def declared() -> dict[str, str]:
    """rkg term IRI → its OWL kind, as declared in ontology/regimekg.ttl."""
    onto = load_ontology(PROJECT)
    return {
        str(s): name
        for k, name in KINDS.items()
        for s in onto.subjects(RDF.type, k)
        if str(s).startswith(str(RKG))
    }


@pytest.fixture(scope="module")
def quads(built: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(built / "regimekg.nq"), format=ox.RdfFormat.N_QUADS))


def _graph_name(q: ox.Quad) -> str:
    g = q.graph_name
    return g.value.rsplit("/", 1)[-1] if isinstance(g, ox.NamedNode) else "default"


def test_every_rkg_term_of_the_build_is_declared(
    quads: list[ox.Quad], declared: dict[str, str]
) -> None:
    used: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        for node in (q.subject, q.predicate, q.object):
            if isinstance(node, ox.NamedNode) and node.value.startswith(str(RKG)):
                used[node.value].add(_graph_name(q))
    assert len(used) > 150, "the build uses fewer rkg terms than expected: is it complete?"
    missing = sorted(
        f"rkg:{iri[len(str(RKG)) :]} (in graph {', '.join(sorted(graphs))})"
        for iri, graphs in used.items()
        if iri not in declared
    )
    assert missing == [], "undeclared in ontology/regimekg.ttl: " + "; ".join(missing)


def test_build_classes_and_predicates_are_used_as_declared(
    quads: list[ox.Quad], declared: dict[str, str]
) -> None:
    """rdf:type objects are classes; literals sit on datatype properties, IRIs on object ones."""
    wrong: set[str] = set()
    rdf_type = str(RDF.type)
    for q in quads:
        p, o = q.predicate.value, q.object
        if p == rdf_type and isinstance(o, ox.NamedNode) and o.value.startswith(str(RKG)):
            if declared.get(o.value, "class") != "class":
                wrong.add(f"rkg:{o.value[len(str(RKG)) :]} is a type but a {declared[o.value]}")
            continue
        kind = declared.get(p)
        if kind == "object property" and isinstance(o, ox.Literal):
            wrong.add(f"rkg:{p[len(str(RKG)) :]} (object property) has literal {o.value!r}")
        elif kind == "datatype property" and not isinstance(o, ox.Literal):
            wrong.add(f"rkg:{p[len(str(RKG)) :]} (datatype property) has resource {o}")
        elif kind == "class":
            wrong.add(f"rkg:{p[len(str(RKG)) :]} is a class used as a predicate")
    assert not wrong, "used against its declaration: " + "; ".join(sorted(wrong))


_CODE_TERM = re.compile(r"""\bRKG(?:\.([A-Za-z_]\w*)|\[\s*["']([A-Za-z_]\w*)["']\s*\])""")
_TEXT_TERM = re.compile(r"\brkg:([A-Za-z_][A-Za-z0-9_]*)")


def _named_terms() -> dict[str, set[str]]:
    """rkg local names written in the code, the queries and the user docs, with where."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted((ROOT / "src").rglob("*.py")):
        for m in _CODE_TERM.finditer(path.read_text(encoding="utf-8")):
            found[m.group(1) or m.group(2)].add(str(path.relative_to(ROOT)))
    texts = sorted((ROOT / "queries").rglob("*.rq")) + sorted(
        p for p in (ROOT / "docs").glob("*.md") if p.name not in EXAMPLE_DOCS
    )
    for path in texts:
        for m in _TEXT_TERM.finditer(path.read_text(encoding="utf-8")):
            found[m.group(1)].add(str(path.relative_to(ROOT)))
    return found


def test_terms_named_in_code_queries_and_docs_are_declared(declared: dict[str, str]) -> None:
    """Terms a build may not reach (ingested datasets, rare loader paths) are declared too."""
    found = _named_terms()
    assert {"Dataset", "MetricObservation", "TableRecord"} <= set(found)
    missing = sorted(
        f"rkg:{name} ({', '.join(sorted(where))})"
        for name, where in found.items()
        if str(RKG[name]) not in declared
    )
    assert missing == []


def test_source_kinds_are_document_classes(declared: dict[str, str]) -> None:
    """``kind`` in sources.yaml becomes the source's rkg class (as ``ingest`` writes it too)."""
    onto = load_ontology(PROJECT)
    kinds = {s.kind for s in load_manifest(PROJECT)} | {"Dataset", "Article"}
    for kind in sorted(kinds):
        assert declared.get(str(RKG[kind])) == "class", kind
        assert (RKG[kind], RDF.type, OWL.Class) in onto
        supers = set(onto.transitive_objects(RKG[kind], RDFS.subClassOf))
        assert RKG.Document in supers, f"rkg:{kind} is not a subclass of rkg:Document"


# --------------------------------------------------------------------------------------------
# The metrics graph of the build
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def metrics_quads(quads: list[ox.Quad]) -> list[ox.Quad]:
    return [
        q
        for q in quads
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == str(METRICS_GRAPH)
    ]


def _graph(quads: list[ox.Quad]) -> Graph:
    g = Graph()
    for q in quads:
        g.add((_term(q.subject), _term(q.predicate), _term(q.object)))
    return g


def _term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | Literal:
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.Literal):
        if node.language:
            return Literal(node.value, lang=node.language)
        if node.datatype.value == XSD_STRING:  # RDF 1.1: "x" is "x"^^xsd:string
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(node.datatype.value))
    raise AssertionError(f"unexpected blank node {node} in graph/metrics")


def test_metric_concepts_of_the_build_agree_with_the_vocabulary(
    metrics_quads: list[ox.Quad],
) -> None:
    """graph/metrics says nothing about a metric concept that vocab/metric.ttl does not say."""
    about = [q for q in metrics_quads if q.subject.value.startswith(METRIC_IRIS)]
    metrics = _graph(about)
    vocab = load_vocab(PROJECT)
    assert len(set(metrics.subjects(RDF.type, SKOS.Concept))) >= 25
    extra = sorted(f"{s} {p} {o}" for s, p, o in metrics if (s, p, o) not in vocab)
    assert extra == []


def test_metrics_of_the_build_date_conform_to_the_shapes(metrics_quads: list[ox.Quad]) -> None:
    """The slice computed on the whole graph (no rkg:asOf) has every kind of observation."""
    dated = {q.subject for q in metrics_quads if q.predicate.value == str(RKG.asOf)}
    data = _graph([q for q in metrics_quads if q.subject not in dated])
    observations = set(data.subjects(RDF.type, RKG.MetricObservation))
    assert len(observations) > 1000
    assert set(data.subjects(RKG.hasFragmentationType, None)) & observations
    assert set(data.subjects(RKG.metricParameter, None)) & observations
    conforms, _, text = shacl_validate(PROJECT, data)
    assert conforms, text[:3000]
