"""The ontology, its SKOS vocabularies and SHACL shapes, as rdflib graphs; RDF/XML generation.

``ontology/regimekg.ttl`` is the one hand-edited source. owlready2 (and so HermiT) reads only
RDF/XML, and Protégé users open the RDF/XML too, so ``ontology/regimekg.owl`` is generated from
the Turtle by :func:`generate_owl`. The writer here is our own rather than rdflib's: rdflib's
RDF/XML serialisers order subjects by hash and name blank nodes at random, so every run would
produce a different file and a noisy diff. :func:`to_rdfxml` writes the same bytes for the same
graph on every run (subjects sorted, blank nodes nested or canonically named, lists written as
``rdf:parseType="Collection"``).

SHACL validation (:func:`shacl_validate`) runs on the data *together with* the ontology and the
vocabularies: ``sh:targetClass rkg:NamedEntity`` reaches instances of its subclasses only through
the ontology's ``rdfs:subClassOf`` triples, and concept checks follow ``skos:inScheme`` into the
vocabularies. pySHACL's ``ont_graph`` is not enough for that: it copies only RDFS/OWL axioms,
not SKOS concepts or annotations, so the union is built here instead.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic, to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from . import files
from .errors import UserError
from .namespaces import ONTOLOGY_IRI, PREFIXES, RKG
from .paths import Project

if TYPE_CHECKING:
    from .vocab import Vocabulary

#: Prefixes written into the RDF/XML, in this order; any other namespace gets ``ns1``, ``ns2``…
XML_PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    **{k: v for k, v in PREFIXES.items() if k not in ("rdf", "rdfs", "owl", "id", "graph")},
    "oa": "http://www.w3.org/ns/oa#",
    "vann": "http://purl.org/vocab/vann/",
    "qb": "http://purl.org/linked-data/cube#",
}

#: What kind of ontology term each OWL declaration type makes.
TERM_KINDS: dict[URIRef, str] = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
}


@dataclass(frozen=True)
class PinnedImport:
    """A W3C vocabulary kept verbatim under ``ontology/imports/`` (see its README).

    regimekg aligns to these vocabularies without ``owl:imports``; the pinned copies exist so
    that a reasoner test can load their published axioms beside regimekg's, and so that Protégé
    resolves their IRIs offline through the catalog.
    """

    prefix: str
    file: str
    #: IRIs the catalog maps to the file: the ontology IRI as written in the file, its forms
    #: with and without the trailing ``#``, and the IRI the W3C publishes the file under.
    iris: tuple[str, ...]


#: The pinned copies, in catalog order.
PINNED_IMPORTS: tuple[PinnedImport, ...] = (
    PinnedImport(
        "org", "imports/org.ttl", ("http://www.w3.org/ns/org", "http://www.w3.org/ns/org#")
    ),
    PinnedImport(
        "prov",
        "imports/prov-o.ttl",
        ("http://www.w3.org/ns/prov", "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/prov-o"),
    ),
)


def load_pinned_import(project: Project, pinned: PinnedImport) -> Graph:
    """One pinned W3C vocabulary as an rdflib graph."""
    return parse_turtle(project.ontology_dir / pinned.file)


_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_LINE = re.compile(r"at line (\d+)")


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def parse_turtle(path: Path, graph: Graph | None = None, *, fast: bool = False) -> Graph:
    """Parse a Turtle file into *graph* (or a new graph).

    A syntax error becomes a :class:`UserError` naming the file and line, because an editor
    who broke the ontology needs to know where, not a parser traceback. With *fast* the file
    is read by pyoxigraph (:mod:`regimekg.rdfread`, several times faster) and the file's
    prefixes are not bound in the graph: for callers that only read the triples. A file it
    refuses is parsed again by rdflib, for the same error message.
    """
    g = graph if graph is not None else Graph()
    if not path.is_file():
        raise UserError(f"{path} is missing: restore it from version control.")
    if fast:
        from . import rdfread

        with contextlib.suppress(SyntaxError, ValueError):
            return rdfread.read(path, "turtle", g)
    try:
        g.parse(path, format="turtle")
    except BadSyntax as e:
        # rdflib's own line count drifts after multi-byte characters; count in the decoded text.
        text = e._str.decode("utf-8", "replace") if isinstance(e._str, bytes) else str(e._str)
        line = text[: e._i].count("\n") + 1 if isinstance(e._i, int) else e.lines + 1
        raise UserError(
            f"{path} line {line}: Turtle syntax error ({e._why}); fix the syntax there."
        ) from None
    except (ValueError, SyntaxError) as e:
        m = _LINE.search(str(e))
        where = f"{path} line {m.group(1)}" if m else str(path)
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise UserError(f"{where}: cannot parse Turtle ({first}); fix the file.") from None
    return g


def _parse_dir(directory: Path, what: str, *, fast: bool = False) -> Graph:
    files = sorted(directory.glob("*.ttl")) if directory.is_dir() else []
    if not files:
        raise UserError(f"{directory} has no *.ttl {what}: restore them from version control.")
    g = Graph()
    for f in files:
        parse_turtle(f, g, fast=fast)
    return g


def load_ontology(project: Project, *, fast: bool = False) -> Graph:
    """The T-box: ``ontology/regimekg.ttl`` (*fast*: see :func:`parse_turtle`)."""
    return parse_turtle(project.ontology_ttl, fast=fast)


def load_vocab(project: Project) -> Graph:
    """All SKOS concept schemes under ``ontology/vocab/``."""
    return _parse_dir(project.vocab_dir, "vocabularies")


def load_schema(project: Project) -> Graph:
    """Ontology and vocabularies in one graph, as SHACL validation needs them beside the data.

    The vocabularies are included because several shapes check that a value is a concept of
    a given scheme (``skos:inScheme``), which needs the scheme's triples next to the data.
    """
    g = load_ontology(project)
    for f in sorted(project.vocab_dir.glob("*.ttl")):
        parse_turtle(f, g)
    return g


def load_shapes(project: Project, *, fast: bool = False) -> Graph:
    """The data shapes: ``ontology/shapes/*.ttl`` (SHACL Core only, no SHACL-SPARQL).

    They check instance data and the vocabularies. Validate with :func:`shacl_validate`, or with
    the vocabularies in the data graph and the ontology as ``ont_graph``::

        pyshacl.validate(data + load_vocab(p), shacl_graph=load_shapes(p),
                         ont_graph=load_ontology(p), inference="none")

    A shape marked ``rkgsh:conceptsOf SCHEME`` without an ``sh:in`` list gets one here, made
    of the scheme's concepts (:func:`add_concept_lists`): the link types, roles, event types and
    classification concepts are listed once, in ``ontology/vocab/``, and never in a shape.
    *fast*: see :func:`parse_turtle`.
    """
    from . import vocab

    shapes = _parse_dir(project.shapes_dir, "SHACL shapes", fast=fast)
    return add_concept_lists(shapes, vocab.load(project))


#: Marks a shape whose ``sh:in`` list is "every concept of this scheme" (one or more schemes).
CONCEPTS_OF = URIRef("https://w3id.org/regimekg/shapes#conceptsOf")


def add_concept_lists(shapes: Graph, voc: Vocabulary) -> Graph:
    """Give every ``rkgsh:conceptsOf`` shape without ``sh:in`` the concepts of its schemes.

    ``sh:in`` is kept (rather than a nested ``skos:inScheme`` shape) because pySHACL checks a
    closed list far faster; generating the list when the shapes are loaded keeps it closed and
    still lets a concept be added by editing its vocabulary alone.
    """
    sh_in = URIRef("http://www.w3.org/ns/shacl#in")
    by_iri = {str(s.iri): s for s in voc.schemes.values()}
    for shape in sorted(set(shapes.subjects(CONCEPTS_OF, None)), key=str):
        if shapes.value(shape, sh_in) is not None:
            continue
        items = sorted(
            {
                c.iri
                for sch in shapes.objects(shape, CONCEPTS_OF)
                if str(sch) in by_iri
                for c in by_iri[str(sch)].concepts.values()
            },
            key=str,
        )
        head = BNode()
        Collection(shapes, head, list(items))
        shapes.add((shape, sh_in, head))
    return shapes


def load_meta_shapes(project: Project) -> Graph:
    """Shapes for the ontology itself (header, terms): ``ontology/shapes/meta/*.ttl``.

    Kept apart from :func:`load_shapes` because they need the complete ontology in the data
    graph, which pySHACL's ``ont_graph`` does not provide (it copies axioms only).
    """
    return _parse_dir(project.shapes_dir / "meta", "ontology shapes")


def shacl_validate(
    project: Project,
    data: Graph,
    *,
    shapes: Graph | None = None,
    schema: Graph | None = None,
) -> tuple[bool, Graph, str]:
    """Validate *data* against the project's shapes; returns pySHACL's (conforms, report, text).

    *data* is not modified: the union of data, ontology and vocabularies is validated (see the
    module docstring for why), so the vocabularies are checked too. Pass *shapes* (for example
    data and meta shapes together) and *schema* to reuse already loaded graphs.
    """
    import pyshacl

    union = Graph()
    for t in data:
        union.add(t)
    for t in schema if schema is not None else load_schema(project):
        union.add(t)
    conforms, report, text = pyshacl.validate(
        union,
        shacl_graph=shapes if shapes is not None else load_shapes(project),
        inference="none",
        allow_warnings=True,
    )
    return bool(conforms), report, text


# --------------------------------------------------------------------------------------------
# Terms
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One term declared in the ontology, with its labels and definitions by language."""

    iri: URIRef
    kind: str
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    definitions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def curie(self) -> str:
        """``rkg:Name`` for terms of our namespace, else the full IRI."""
        s = str(self.iri)
        return "rkg:" + s[len(str(RKG)) :] if s.startswith(str(RKG)) else s


def _by_lang(graph: Graph, s: URIRef, p: URIRef) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for o in graph.objects(s, p):
        if isinstance(o, Literal):
            out[o.language or ""].append(str(o))
    return {k: tuple(sorted(v)) for k, v in sorted(out.items())}


def terms(graph: Graph, namespace: str = str(RKG)) -> list[Term]:
    """Classes and properties declared in *graph* whose IRIs start with *namespace*.

    Sorted by IRI. A term declared with several OWL types (a DL error the check reports)
    appears once per type, so callers see the clash.
    """
    out: list[Term] = []
    for kind_iri, kind in TERM_KINDS.items():
        for s in set(graph.subjects(RDF.type, kind_iri)):
            if isinstance(s, URIRef) and str(s).startswith(namespace):
                out.append(
                    Term(
                        iri=s,
                        kind=kind,
                        labels=_by_lang(graph, s, RDFS.label),
                        definitions=_by_lang(graph, s, SKOS.definition),
                    )
                )
    return sorted(out, key=lambda t: (str(t.iri), t.kind))


# --------------------------------------------------------------------------------------------
# Deterministic RDF/XML
# --------------------------------------------------------------------------------------------


class _XmlWriter:
    """Writes one graph as RDF/XML, the same bytes for the same graph on every run."""

    def __init__(self, graph: Graph) -> None:
        self.g = Graph()
        for t in to_canonical_graph(graph):
            self.g.add(t)
        self.ns: dict[str, str] = {}  # namespace IRI -> prefix
        for prefix, ns in XML_PREFIXES.items():
            self.ns.setdefault(ns, prefix)
        self.refcount: dict[BNode, int] = defaultdict(int)
        for o in self.g.objects():
            if isinstance(o, BNode):
                self.refcount[o] += 1
        self._rendering: set[BNode] = set()
        # Blank nodes referenced once are written inside their referrer, unless they sit on a
        # cycle of such nodes (nothing outside would reach them): those get an rdf:nodeID.
        self.forced: set[BNode] = set()
        roots = [s for s in set(self.g.subjects()) if not self._nested(s)]
        reached: set[Node] = set()
        stack = list(roots)
        while stack:
            node = stack.pop()
            for o in self.g.objects(node):
                if isinstance(o, BNode) and self._nested(o) and o not in reached:
                    reached.add(o)
                    stack.append(o)
        self.forced = {
            s
            for s in set(self.g.subjects()) | set(self.refcount)
            if isinstance(s, BNode) and self._nested(s) and s not in reached
        }

    # names -------------------------------------------------------------------------------

    @staticmethod
    def _split(iri: str) -> tuple[str, str]:
        cut = max(iri.rfind("#"), iri.rfind("/"))
        ns, local = iri[: cut + 1], iri[cut + 1 :]
        if not local or not _NCNAME.match(local):
            raise UserError(
                f"Cannot write {iri} as an RDF/XML element name; use an IRI whose last "
                f"part is a plain name (letters, digits, '_', '-', '.')."
            )
        return ns, local

    def _qname(self, iri: URIRef, used: set[str]) -> str:
        ns, local = self._split(str(iri))
        if ns not in self.ns:
            n = 1
            while f"ns{n}" in self.ns.values():
                n += 1
            self.ns[ns] = f"ns{n}"
        used.add(ns)
        return f"{self.ns[ns]}:{local}"

    def _node_id(self, b: BNode) -> str:
        return "b" + str(b)[-16:]

    # nodes -------------------------------------------------------------------------------

    def _nested(self, b: Node) -> bool:
        """A blank node referenced exactly once is written inside its referrer."""
        return isinstance(b, BNode) and self.refcount.get(b, 0) == 1 and b not in self.forced

    def _as_collection(self, head: Node) -> list[Node] | None:
        """Items of a well-formed list of resources starting at *head*, else None."""
        items: list[Node] = []
        node = head
        seen: set[Node] = set()
        while node != RDF.nil:
            if not isinstance(node, BNode) or node in seen or not self._nested(node):
                return None
            seen.add(node)
            props = list(self.g.predicate_objects(node))
            firsts = [o for p, o in props if p == RDF.first]
            rests = [o for p, o in props if p == RDF.rest]
            if len(props) != 2 or len(firsts) != 1 or len(rests) != 1:
                return None
            if isinstance(firsts[0], Literal):
                return None
            items.append(firsts[0])
            node = rests[0]
        return items

    def _object_key(self, o: Node, used: set[str]) -> tuple:
        if isinstance(o, URIRef):
            return (0, str(o))
        if isinstance(o, Literal):
            return (2, o.language or "", str(o.datatype or ""), str(o))
        if self._nested(o):
            return (1, self._render_node(o, 0, set()))
        return (1, self._node_id(o))

    def _render_node(self, s: Node, depth: int, used: set[str]) -> str:
        pad = "  " * depth
        types = sorted((o for o in self.g.objects(s, RDF.type) if isinstance(o, URIRef)), key=str)
        typed = None
        for t in types:
            try:
                self._split(str(t))
            except UserError:
                continue
            typed = t
            break
        tag = self._qname(typed, used) if typed is not None else "rdf:Description"
        if isinstance(s, URIRef):
            attr = f" rdf:about={quoteattr(str(s))}"
        elif self._nested(s) or self.refcount.get(s, 0) == 0:
            attr = ""
        else:
            attr = f' rdf:nodeID="{self._node_id(s)}"'
        if isinstance(s, BNode):
            if s in self._rendering:  # a cycle of blank nodes: fall back to an id
                return f'{pad}<rdf:Description rdf:nodeID="{self._node_id(s)}"/>\n'
            self._rendering.add(s)
        props = [
            (p, o) for p, o in self.g.predicate_objects(s) if not (p == RDF.type and o == typed)
        ]
        props.sort(key=lambda po: (str(po[0]), self._object_key(po[1], set())))
        if not props:
            out = f"{pad}<{tag}{attr}/>\n"
        else:
            body = "".join(self._render_property(p, o, depth + 1, used) for p, o in props)
            out = f"{pad}<{tag}{attr}>\n{body}{pad}</{tag}>\n"
        if isinstance(s, BNode):
            self._rendering.discard(s)
        return out

    def _render_property(self, p: URIRef, o: Node, depth: int, used: set[str]) -> str:
        pad = "  " * depth
        tag = self._qname(p, used)
        if isinstance(o, URIRef):
            return f"{pad}<{tag} rdf:resource={quoteattr(str(o))}/>\n"
        if isinstance(o, Literal):
            attr = ""
            if o.language:
                attr = f' xml:lang="{o.language}"'
            elif o.datatype is not None:
                attr = f" rdf:datatype={quoteattr(str(o.datatype))}"
            return f"{pad}<{tag}{attr}>{escape(str(o))}</{tag}>\n"
        if not self._nested(o):
            return f'{pad}<{tag} rdf:nodeID="{self._node_id(o)}"/>\n'
        items = self._as_collection(o)
        if items is not None:
            inner = ""
            for item in items:
                if isinstance(item, URIRef):
                    inner += f"{pad}  <rdf:Description rdf:about={quoteattr(str(item))}/>\n"
                elif self._nested(item):
                    inner += self._render_node(item, depth + 1, used)
                else:
                    inner += f'{pad}  <rdf:Description rdf:nodeID="{self._node_id(item)}"/>\n'
            return f'{pad}<{tag} rdf:parseType="Collection">\n{inner}{pad}</{tag}>\n'
        return f"{pad}<{tag}>\n{self._render_node(o, depth + 1, used)}{pad}</{tag}>\n"

    def write(self) -> str:
        used: set[str] = set()
        # The ontology header first (as Protégé and the OWL API write it), then by IRI.
        named = sorted(
            {s for s in self.g.subjects() if isinstance(s, URIRef)},
            key=lambda s: ((s, RDF.type, OWL.Ontology) not in self.g, str(s)),
        )
        parts = [self._render_node(s, 1, used) for s in named]
        blanks = [
            self._render_node(s, 1, used)
            for s in {s for s in self.g.subjects() if isinstance(s, BNode)}
            if not self._nested(s)
        ]
        parts += sorted(blanks)
        used.add(str(RDF))
        decls = "".join(
            f"\n  xmlns:{prefix}={quoteattr(ns)}"
            for ns, prefix in sorted(self.ns.items(), key=lambda kv: kv[1])
            if ns in used
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f"<rdf:RDF{decls}>\n" + "".join(parts) + "</rdf:RDF>\n"
        )


def to_rdfxml(graph: Graph) -> str:
    """*graph* as RDF/XML text, identical across runs for isomorphic graphs."""
    return _XmlWriter(graph).write()


def generate_owl(project: Project) -> Path:
    """Write ``ontology/regimekg.owl`` (RDF/XML) from ``ontology/regimekg.ttl``.

    The file is only rewritten when its content changes, so an unchanged ontology leaves the
    file's timestamp alone.
    """
    text = to_rdfxml(load_ontology(project))
    out = project.ontology_owl
    if not out.is_file() or out.read_text(encoding="utf-8") != text:
        files.write_text(out, text)
    return out


def owl_is_current(project: Project) -> bool:
    """True when ``regimekg.owl`` holds the same triples as ``regimekg.ttl`` (by isomorphism)."""
    path = project.ontology_owl
    if not path.is_file():
        return False
    try:
        owl = Graph().parse(path, format="xml")
    except Exception:  # any parse failure means the file is not the generated one
        return False
    return isomorphic(owl, load_ontology(project))


def ontology_iri() -> URIRef:
    """The IRI of the ontology, as used by ``rdfs:isDefinedBy``."""
    return ONTOLOGY_IRI
