"""IRIs used across regimekg.

Every module builds IRIs through these helpers so that the IRI scheme of DESIGN §4 lives
in one place: T-box terms under ``rkg:``, individuals under ``id/{kind}/{slug}``, named
graphs under ``graph/{name}``. Slugs never change once published, so the helpers refuse
anything that is not a valid slug instead of silently "fixing" it.
"""

from __future__ import annotations

import hashlib
import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE = "https://w3id.org/regimekg/"
RKG = Namespace(BASE + "ontology#")
ONTOLOGY_IRI = URIRef(BASE + "ontology")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
FABIO = Namespace("http://purl.org/spar/fabio/")
OA = Namespace("http://www.w3.org/ns/oa#")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: Prefixes offered to every SPARQL query and written into Turtle output.
PREFIXES: dict[str, str] = {
    "rkg": str(RKG),
    "id": str(ID),
    "graph": str(GRAPH),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
    "owl": str(OWL),
    "xsd": str(XSD),
    "foaf": str(FOAF),
    "bibo": str(BIBO),
}

#: Kinds of individual (``id/{kind}/{slug}``) that get a SPARQL prefix of their own, so an
#: entity is writable as a prefixed name (``state:china``, ``institution:g7``): ``id:`` alone
#: cannot do that, since a prefixed name's local part may not contain ``/``.
ID_KINDS = (
    "state", "institution", "instrument", "person", "event", "membership", "link", "claim",
    "evidence", "doc", "work", "mention", "candidate", "glossary", "classification", "scheme",
    "metric", "membership-role", "regime-link-type", "event-type", "organisational-form",
    "risk-type", "governance-layer", "governance-path", "fragmentation-type", "bindingness",
)  # fmt: skip
ENTITY_PREFIXES: dict[str, str] = {kind: f"{ID}{kind}/" for kind in ID_KINDS}

#: Prefixes every SPARQL query may use undeclared (query layer, endpoint, query page):
#: PREFIXES plus one per entity kind, listed before ``id:`` so tools that shorten an IRI with
#: the first matching prefix write ``state:china`` rather than ``id:state/china``. Kept apart
#: from PREFIXES, which also names terms in Turtle output and check reports (``id:kind/slug``).
SPARQL_PREFIXES: dict[str, str] = {"rkg": str(RKG), **ENTITY_PREFIXES, **PREFIXES}

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: Named graphs that are not per-source.
ONTOLOGY_GRAPH = GRAPH["ontology"]
VOCAB_GRAPH = GRAPH["vocab"]
CURATED_GRAPH = GRAPH["curated"]
METRICS_GRAPH = GRAPH["metrics"]
#: When each participation, regime link and entity is known to hold (regimekg.asof).
TIME_GRAPH = GRAPH["time"]


def is_slug(value: str) -> bool:
    """True when *value* is a lowercase ASCII hyphenated slug."""
    return bool(SLUG_RE.match(value))


def iri(kind: str, *parts: str) -> URIRef:
    """Individual IRI ``id/{kind}/{part}/...``; every part must be a slug."""
    for p in (kind, *parts):
        if not is_slug(p):
            raise ValueError(f"not a slug: {p!r}")
    return URIRef(str(ID) + "/".join((kind, *parts)))


def graph_iri(name: str) -> URIRef:
    """Named graph IRI ``graph/{name}``."""
    if not is_slug(name):
        raise ValueError(f"not a slug: {name!r}")
    return GRAPH[name]


def concept(scheme: str, slug: str) -> URIRef:
    """IRI of concept *slug* in SKOS scheme *scheme* (``id/{scheme}/{slug}``)."""
    return iri(scheme, slug)


def scheme(name: str) -> URIRef:
    """IRI of a SKOS concept scheme (``id/scheme/{name}``)."""
    return iri("scheme", name)


def doc(source_id: str, *parts: str) -> URIRef:
    """IRI of a source document or one of its parts (``id/doc/{source}/...``)."""
    return iri("doc", source_id, *parts)


def short_hash(*values: str, length: int = 12) -> str:
    """Stable short hex digest, for IRIs of nodes that have no natural slug."""
    h = hashlib.sha1("\x1f".join(values).encode("utf-8")).hexdigest()
    return h[:length]


def slug_of(term: URIRef | str) -> str:
    """Last path segment of an IRI (its slug)."""
    return str(term).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
