"""``regimekg check``: quality control of the ontology and its vocabularies.

An ontology editor changes ``ontology/regimekg.ttl`` by hand (or in Protégé) and needs to hear
what broke before the build or a reasoner does, in terms of the term they touched. The check
runs, in order:

1. parse the ontology, vocabularies and shapes (a syntax error names file and line);
2. an OWL 2 DL lint in Python: undeclared annotation properties, undeclared classes and
   properties used in axioms, properties declared with two OWL types, illegal punning,
   datatypes outside the OWL 2 datatype map (HermiT refuses ``xsd:date``), non-simple
   (transitive or chained) properties in cardinality and other simple-only axioms,
   sub/equivalent/inverse properties of different kinds;
3. version stamp, ``regimekg.owl`` freshness (the RDF/XML must hold the Turtle's triples) and
   ``vocab/metric.ttl`` freshness (it must hold what :mod:`regimekg.analysis` defines);
4. every ``queries/qc/*-violation.rq`` over ontology + vocabularies, and over a build store
   when one is given; other ``queries/qc/*.rq`` (conflicting claims) are reported as notes;
5. SHACL shapes (data shapes and ``shapes/meta``) over ontology + vocabularies: header,
   terms, concepts, vocabulary evidence (nodes a QC query already named are not repeated); and
   every closed concept list in the shapes (``rkgsh:conceptsOf``) against the vocabularies;
6. HermiT through owlready2 on the RDF/XML: inconsistency or unsatisfiable classes fail;
7. when the Python lint found nothing, a second opinion from the OWL API's OWL 2 DL profile
   checker (the jar ships with owlready2; it needs a JDK to run).

Steps 6 and 7 need Java. Without it the check still runs and says, in one sentence, what it
could not verify.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from . import __version__
from .errors import UserError
from .namespaces import ONTOLOGY_IRI, PREFIXES, RKG
from .ontology import (
    load_meta_shapes,
    load_ontology,
    load_shapes,
    owl_is_current,
    parse_turtle,
    to_rdfxml,
)
from .paths import Project
from .terms import from_ox, ox_store

if TYPE_CHECKING:
    from owlready2 import World

#: Annotation properties every OWL 2 tool knows without a declaration.
BUILTIN_ANNOTATION_PROPERTIES = frozenset(
    {
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        OWL.deprecated,
        OWL.versionInfo,
        OWL.priorVersion,
        OWL.backwardCompatibleWith,
        OWL.incompatibleWith,
    }
)

#: Predicates that build axioms rather than annotate (RDF, RDFS and OWL vocabulary).
_STRUCTURAL_RDFS = frozenset({RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range})

#: The OWL 2 datatype map (OWL 2 Structural Specification §4); nothing else is DL.
OWL2_DATATYPES = frozenset(
    {
        RDF.PlainLiteral,
        RDF.XMLLiteral,
        RDFS.Literal,
        OWL.real,
        OWL.rational,
        *(
            XSD[n]
            for n in [
                "decimal",
                "integer",
                "nonNegativeInteger",
                "nonPositiveInteger",
                "positiveInteger",
                "negativeInteger",
                "long",
                "int",
                "short",
                "byte",
                "unsignedLong",
                "unsignedInt",
                "unsignedShort",
                "unsignedByte",
                "double",
                "float",
                "string",
                "normalizedString",
                "token",
                "language",
                "Name",
                "NCName",
                "NMTOKEN",
                "boolean",
                "hexBinary",
                "base64Binary",
                "anyURI",
                "dateTime",
                "dateTimeStamp",
            ]
        ),
    }
)

#: Axioms that OWL 2 DL allows only on simple properties.
_SIMPLE_ONLY_TYPES = {
    OWL.FunctionalProperty: "declared functional",
    OWL.InverseFunctionalProperty: "declared inverse-functional",
    OWL.IrreflexiveProperty: "declared irreflexive",
    OWL.AsymmetricProperty: "declared asymmetric",
}
_CARDINALITIES = (
    OWL.cardinality,
    OWL.minCardinality,
    OWL.maxCardinality,
    OWL.qualifiedCardinality,
    OWL.minQualifiedCardinality,
    OWL.maxQualifiedCardinality,
)

_CLASS_OBJECT_PREDICATES = (
    RDFS.subClassOf,
    OWL.equivalentClass,
    OWL.disjointWith,
    OWL.complementOf,
    OWL.onClass,
)
_PROPERTY_OBJECT_PREDICATES = (
    RDFS.subPropertyOf,
    OWL.equivalentProperty,
    OWL.inverseOf,
    OWL.propertyDisjointWith,
)

_PROPERTY_KINDS = {
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
}

#: Java program run through the OWL API jar bundled with owlready2 (single-file launch).
_DL_PROFILE_JAVA = """
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.profiles.*;
import java.io.File;
public class DLProfile {
  public static void main(String[] args) throws Exception {
    OWLOntologyManager m = OWLManager.createOWLOntologyManager();
    OWLOntology o = m.loadOntologyFromOntologyDocument(new File(args[0]));
    OWLProfileReport r = new OWL2DLProfile().checkOntology(o);
    System.out.println("REGIMEKG-DL " + r.isInProfile());
    for (OWLProfileViolation v : r.getViolations()) {
      System.out.println("REGIMEKG-VIOLATION " + v.toString().replace("\\n", " "));
    }
  }
}
"""


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


@dataclass
class CheckReport:
    """What ``regimekg check`` found: problems fail the check, notes only inform."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    steps: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.problems

    def summary(self) -> str:
        """A readable, numbered list: the steps run, every problem, then the notes."""
        lines = ["regimekg check: ontology QC / 本体质量检查"]
        lines += [f"  {name}: {status}" for name, status in self.steps]
        if self.problems:
            n = len(self.problems)
            lines.append(f"FAILED: {n} problem(s) / 未通过：发现 {n} 个问题")
            width = len(str(len(self.problems)))
            lines += [f"  {i:>{width}}. {p}" for i, p in enumerate(self.problems, 1)]
        else:
            lines.append("OK: no problems found / 通过：未发现问题")
        if self.notes:
            lines.append("Notes / 说明:")
            lines += [f"  - {n}" for n in self.notes]
        return "\n".join(lines)


def short(node: Node) -> str:
    """A compact, readable name for *node*: ``rkg:Forum``, ``id:risk-type/ai-safety``, …"""
    if isinstance(node, URIRef):
        s = str(node)
        if s == str(ONTOLOGY_IRI):
            return s
        best = ""
        best_prefix = ""
        for prefix, ns in PREFIXES.items():
            if s.startswith(ns) and len(ns) > len(best):
                best, best_prefix = ns, prefix
        if best:
            return f"{best_prefix}:{s[len(best) :]}"
        return f"<{s}>"
    if isinstance(node, Literal):
        return f'"{node}"' + (f"@{node.language}" if node.language else "")
    return "a blank node"


# --------------------------------------------------------------------------------------------
# OWL 2 DL lint
# --------------------------------------------------------------------------------------------


def _declared(g: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def _list_items(g: Graph, head: Node) -> list[Node]:
    try:
        return list(Collection(g, head))
    except Exception:  # a malformed list is reported by other steps; never crash the lint
        return []


def _non_simple(g: Graph, obj_props: set[URIRef]) -> set[Node]:
    """Object properties that are transitive, defined by a chain, or have such a sub-property."""
    result: set[Node] = set(g.subjects(RDF.type, OWL.TransitiveProperty))
    result |= set(g.subjects(OWL.propertyChainAxiom, None))
    changed = True
    while changed:
        changed = False
        for sub, sup in g.subject_objects(RDFS.subPropertyOf):
            if sub in result and sup not in result:
                result.add(sup)
                changed = True
        for a, b in g.subject_objects(OWL.inverseOf):
            for x, y in ((a, b), (b, a)):
                if x in result and y not in result:
                    result.add(y)
                    changed = True
    return result


def lint_ontology(g: Graph, where: str = "ontology/regimekg.ttl") -> list[str]:
    """OWL 2 DL pitfalls in *g*, one sentence each, naming the term and the fix."""
    return _OwlLint(g, where).problems()


class _OwlLint:
    """The OWL 2 DL lint of one ontology graph, one method per rule.

    Every rule appends sentences to ``self.out``; :meth:`problems` runs them in a fixed order
    so the report reads the same from run to run (punning, undeclared terms, misuse of
    property kinds, non-simple properties).
    """

    def __init__(self, g: Graph, where: str) -> None:
        self.g = g
        self.where = where
        self.out: list[str] = []
        self.classes = _declared(g, OWL.Class)
        self.datatypes = _declared(g, RDFS.Datatype)
        self.kinds: dict[URIRef, set[URIRef]] = {k: _declared(g, k) for k in _PROPERTY_KINDS}
        self.obj = self.kinds[OWL.ObjectProperty]
        self.data = self.kinds[OWL.DatatypeProperty]
        self.ann = self.kinds[OWL.AnnotationProperty]
        self.all_props = self.obj | self.data | self.ann
        self.known_classes = self.classes | {OWL.Thing, OWL.Nothing}
        self.known_props = (
            self.all_props
            | {OWL.topObjectProperty, OWL.bottomObjectProperty}
            | {OWL.topDataProperty, OWL.bottomDataProperty}
        )
        self.known_datatypes = self.datatypes | OWL2_DATATYPES

    def problems(self) -> list[str]:
        for rule in (
            self.punning,
            self.undeclared_predicates,
            self.class_axioms,
            self.list_axioms,
            self.property_axioms,
            self.domains_and_ranges,
            self.restriction_fillers,
            self.literal_datatypes,
            self.kind_misuse,
            self.mixed_property_kinds,
            self.non_simple_properties,
        ):
            rule()
        return self.out

    def say(self, text: str) -> None:
        self.out.append(f"{self.where}: {text}")

    # ------------------------------------------------------------------ what is needed where

    def need_class(self, x: Node, context: str) -> None:
        if not isinstance(x, URIRef) or x in self.known_classes:
            return
        if x in self.known_datatypes:
            self.say(
                f"{short(x)} is a datatype but is used as a class ({context}); "
                f"use a class there, or a datatype property."
            )
        else:
            self.say(
                f"{short(x)} is used as a class ({context}) but not declared; add "
                f"`{short(x)} a owl:Class .` or fix the name."
            )

    def need_property(self, x: Node, context: str) -> None:
        if isinstance(x, URIRef) and x not in self.known_props:
            self.say(
                f"{short(x)} is used as a property ({context}) but not declared; declare "
                f"it as owl:ObjectProperty, owl:DatatypeProperty or owl:AnnotationProperty."
            )

    def need_datatype(self, x: Node, context: str) -> None:
        if not isinstance(x, URIRef) or x in self.known_datatypes:
            return
        if str(x).startswith(str(XSD)) or str(x).startswith(str(RDF)):
            self.say(
                f"datatype {short(x)} ({context}) is not in the OWL 2 datatype map, "
                f"so the ontology is not OWL 2 DL and HermiT rejects it; drop it from the "
                f"ontology and enforce it with a SHACL shape instead."
            )
        elif x in self.known_classes:
            self.say(f"class {short(x)} is used as a datatype ({context}); use a datatype.")
        else:
            self.say(
                f"datatype {short(x)} ({context}) is not declared; add "
                f"`{short(x)} a rdfs:Datatype .` or use an OWL 2 datatype."
            )

    # ------------------------------------------------------------------ the rules

    def punning(self) -> None:
        """A property declared with two kinds, or a class that is also a datatype/property."""
        by_iri: dict[URIRef, list[str]] = defaultdict(list)
        for k, name in _PROPERTY_KINDS.items():
            for p in self.kinds[k]:
                by_iri[p].append(name)
        for p, names in sorted(by_iri.items()):
            if len(names) > 1:
                self.say(
                    f"{short(p)} is declared as {' and '.join(sorted(names))}; OWL 2 DL "
                    f"forbids punning between property kinds, so keep exactly one declaration."
                )
        for c in sorted(self.classes & self.datatypes):
            self.say(
                f"{short(c)} is declared both as a class and as a datatype, which OWL 2 DL "
                f"forbids; remove one of the declarations."
            )
        for c in sorted(self.classes & self.all_props):
            if str(c).startswith(str(RKG)):
                self.say(
                    f"{short(c)} is declared both as a class and as a property (punning); "
                    f"give the class and the property different names."
                )

    def undeclared_predicates(self) -> None:
        """Annotation (or other) properties used as predicates without a declaration."""
        used: dict[URIRef, Node] = {}
        for s, p in self.g.subject_predicates():
            if isinstance(p, URIRef) and p not in used:
                used[p] = s
        for p, s in sorted(used.items()):
            if (
                p in (RDF.type, RDF.first, RDF.rest)
                or str(p).startswith(str(OWL))
                or p in _STRUCTURAL_RDFS
                or p in BUILTIN_ANNOTATION_PROPERTIES
                or p in self.all_props
            ):
                continue
            self.say(
                f"{short(p)} is used (on {short(s)}) but never declared; add "
                f"`{short(p)} a owl:AnnotationProperty .` (or the property kind it is)."
            )

    def class_axioms(self) -> None:
        for pred in _CLASS_OBJECT_PREDICATES:
            for s, o in self.g.subject_objects(pred):
                self.need_class(o, f"object of {short(pred)} on {short(s)}")
                if pred in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
                    self.need_class(s, f"subject of {short(pred)}")

    def list_axioms(self) -> None:
        """Members of unions, intersections and disjointness lists, by what the list holds."""
        g = self.g
        for pred in (OWL.unionOf, OWL.intersectionOf, OWL.members):
            for s, head in g.subject_objects(pred):
                items = _list_items(g, head)
                context = f"member of {short(pred)}"
                if (s, RDF.type, RDFS.Datatype) in g or _is_data_range(g, s, self.data):
                    need = self.need_datatype
                elif pred == OWL.members and (s, RDF.type, OWL.AllDisjointClasses) not in g:
                    need, context = self.need_property, "member of owl:AllDisjointProperties"
                else:
                    need = self.need_class
                for item in items:
                    need(item, context)

    def property_axioms(self) -> None:
        g = self.g
        for pred in _PROPERTY_OBJECT_PREDICATES:
            for s, o in g.subject_objects(pred):
                self.need_property(s, f"subject of {short(pred)}")
                self.need_property(o, f"object of {short(pred)} on {short(s)}")
        for o in g.objects(None, OWL.onProperty):
            self.need_property(o, "owl:onProperty of a restriction")
        for p, head in g.subject_objects(OWL.propertyChainAxiom):
            for item in _list_items(g, head):
                target = g.value(item, OWL.inverseOf) if isinstance(item, BNode) else item
                self.need_property(target, f"property chain of {short(p)}")

    def domains_and_ranges(self) -> None:
        for p, d in self.g.subject_objects(RDFS.domain):
            if p not in self.ann:
                self.need_class(d, f"rdfs:domain of {short(p)}")
        for p, r in self.g.subject_objects(RDFS.range):
            if p in self.data:
                self.need_datatype(r, f"rdfs:range of {short(p)}")
            elif p in self.obj:
                self.need_class(r, f"rdfs:range of {short(p)}")

    def restriction_fillers(self) -> None:
        for restriction, prop in self.g.subject_objects(OWL.onProperty):
            context = f"filler of a restriction on {short(prop)}"
            for fp in (OWL.someValuesFrom, OWL.allValuesFrom, OWL.onDataRange):
                for filler in self.g.objects(restriction, fp):
                    if prop in self.data:
                        self.need_datatype(filler, context)
                    elif fp != OWL.onDataRange:
                        self.need_class(filler, context)

    def literal_datatypes(self) -> None:
        for s, _, o in self.g:
            if isinstance(o, Literal) and o.datatype is not None:
                self.need_datatype(o.datatype, f"literal {short(o)} on {short(s)}")

    def kind_misuse(self) -> None:
        """An object property with a literal value, a datatype property with a resource."""
        misuse: dict[tuple[URIRef, str], Node] = {}
        for s, p, o in self.g:
            if p in self.obj and isinstance(o, Literal):
                misuse.setdefault((p, "object property with a literal value"), s)
            elif p in self.data and not isinstance(o, Literal):
                misuse.setdefault((p, "datatype property with a resource value"), s)
        for (p, what), s in sorted(misuse.items()):
            self.say(
                f"{short(p)} is used as an {what} (on {short(s)}); OWL 2 DL keeps object and "
                f"datatype properties apart, so fix the value or the declaration."
            )

    def mixed_property_kinds(self) -> None:
        """Sub-, equivalent and inverse properties must be of one kind."""
        kind_of = {p: name for k, name in _PROPERTY_KINDS.items() for p in self.kinds[k]}
        for pred in (RDFS.subPropertyOf, OWL.equivalentProperty, OWL.inverseOf):
            for s, o in self.g.subject_objects(pred):
                ks, ko = kind_of.get(s), kind_of.get(o)
                if ks and ko and ks != ko:
                    self.say(
                        f"{short(s)} ({ks}) {short(pred)} {short(o)} ({ko}) mixes property "
                        f"kinds, which OWL 2 DL forbids; align it to a property of the same kind."
                    )
        for s, o in self.g.subject_objects(OWL.inverseOf):
            if isinstance(s, URIRef) and (s in self.data or o in self.data):
                self.say(
                    f"{short(s)} owl:inverseOf {short(o)} involves a datatype property; only "
                    f"object properties have inverses."
                )

    def non_simple_properties(self) -> None:
        """Transitive or chained properties where OWL 2 DL needs simple ones."""
        g = self.g
        non_simple = _non_simple(g, self.obj)
        for t, what in _SIMPLE_ONLY_TYPES.items():
            for p in g.subjects(RDF.type, t):
                if p in non_simple:
                    self.say(
                        f"{short(p)} is transitive or defined by a property chain "
                        f"(non-simple) and cannot be {what} in OWL 2 DL; remove that "
                        f"characteristic."
                    )
        for restriction, prop in g.subject_objects(OWL.onProperty):
            if prop in non_simple and (
                any(g.value(restriction, c) is not None for c in _CARDINALITIES)
                or g.value(restriction, OWL.hasSelf) is not None
            ):
                owner = next(iter(g.subjects(None, restriction)), None)
                self.say(
                    f"a cardinality or self restriction on {short(prop)}"
                    f"{' in ' + short(owner) if owner is not None else ''} uses a transitive or "
                    f"chained (non-simple) property, which OWL 2 DL forbids; restrict the direct "
                    f"(simple) sub-property instead."
                )
        for a, b in g.subject_objects(OWL.propertyDisjointWith):
            for p in (a, b):
                if p in non_simple:
                    self.say(
                        f"{short(p)} is non-simple (transitive or chained) and cannot "
                        f"appear in owl:propertyDisjointWith in OWL 2 DL."
                    )


def _is_data_range(g: Graph, node: Node, data: set[URIRef]) -> bool:
    """True when a blank class-or-datarange expression sits where a data range belongs."""
    for s, p in g.subject_predicates(node):
        if p == RDFS.range and s in data:
            return True
        if p in (OWL.someValuesFrom, OWL.allValuesFrom, OWL.onDataRange) and (
            g.value(s, OWL.onProperty) in data
        ):
            return True
    return False


# --------------------------------------------------------------------------------------------
# Other steps
# --------------------------------------------------------------------------------------------


def _rel(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def version_problems(g: Graph, project: Project) -> list[str]:
    """The ontology's version stamp must match the package version it ships with."""
    where = _rel(project, project.ontology_ttl)
    info = [str(v) for v in g.objects(ONTOLOGY_IRI, OWL.versionInfo)]
    iris = [str(v) for v in g.objects(ONTOLOGY_IRI, OWL.versionIRI)]
    expected_iri = f"{ONTOLOGY_IRI}/{__version__}"
    out: list[str] = []
    if (ONTOLOGY_IRI, RDF.type, OWL.Ontology) not in g:
        out.append(
            f"{where}: no ontology header `<{ONTOLOGY_IRI}> a owl:Ontology`; restore the header."
        )
        return out
    if info != [__version__]:
        out.append(
            f"{where}: owl:versionInfo is {', '.join(info) or 'missing'} but the package version "
            f"is {__version__}; run `regimekg generate` to stamp it (the version is set only in "
            "src/regimekg/__init__.py)."
        )
    if iris != [expected_iri]:
        out.append(
            f"{where}: owl:versionIRI is {', '.join(iris) or 'missing'}, not <{expected_iri}>; "
            "run `regimekg generate` to stamp the package version."
        )
    return out


def catalog_problems(project: Project, version_iri: str | None = None) -> list[str]:
    """The Protégé catalog maps the ontology (and version) IRI, to files that exist."""
    path = project.ontology_dir / "catalog-v001.xml"
    where = _rel(project, path)
    if not path.is_file():
        return [f"{where} is missing: restore it so Protégé resolves the ontology offline."]
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import parse as parse_xml  # no DTD entity is ever expanded

    try:
        root = parse_xml(path).getroot()
    except ET.ParseError as e:
        return [f"{where} line {e.position[0]}: malformed XML ({e.msg}); fix the catalog."]
    except DefusedXmlException as e:
        return [f"{where}: {e}; a catalog needs no DTD entities, remove them."]
    out = []
    names = set()
    for el in root.iter():
        uri = el.get("uri")
        if el.get("name"):
            names.add(el.get("name"))
        if uri and "://" not in uri and not (path.parent / uri).is_file():
            out.append(
                f"{where}: entry {el.get('name')} points to missing file {uri}; fix the path."
            )
    for iri in (str(ONTOLOGY_IRI), version_iri):
        if iri and iri not in names:
            out.append(
                f"{where} does not map {iri}, so Protégé cannot resolve it offline; run "
                "`regimekg generate` to regenerate the catalog."
            )
    return out


#: Namespace of the shapes in ``ontology/shapes/``.
SHAPES_NS = "https://w3id.org/regimekg/shapes#"

#: Marks a shape's ``sh:in`` list as "every concept of this scheme" (one or more schemes).
CONCEPTS_OF = URIRef(SHAPES_NS + "conceptsOf")


def shape_name(node: Node) -> str:
    """``rkgsh:Name`` for our shapes, else :func:`short`."""
    s = str(node)
    return "rkgsh:" + s[len(SHAPES_NS) :] if s.startswith(SHAPES_NS) else short(node)


def concept_list_problems(shapes: Graph, vocab: Graph) -> list[str]:
    """Closed concept lists in the shapes that no longer match the vocabularies.

    The shapes check a concept value with ``sh:in`` over the concepts of its scheme, which
    pySHACL evaluates far faster than a nested concept shape. Lists of the controlled values
    are left out of the shape files and generated from the vocabularies when the shapes are
    loaded (:func:`regimekg.ontology.add_concept_lists`); a list still written out in a shape
    file must match its schemes, and this says where it does not.
    """
    from rdflib.namespace import SH

    out: list[str] = []
    for shape in sorted(set(shapes.subjects(CONCEPTS_OF, None)), key=str):
        schemes = sorted(shapes.objects(shape, CONCEPTS_OF), key=str)
        expected = {c for s in schemes for c in vocab.subjects(SKOS.inScheme, s)}
        head = shapes.value(shape, SH["in"])
        listed = set(_list_items(shapes, head)) if head is not None else set()
        names = ", ".join(short(s) for s in schemes)
        where = shape_name(shape)
        if not expected:
            out.append(
                f"shapes {where}: rkgsh:conceptsOf names {names}, which has no concepts in "
                f"ontology/vocab/; fix the scheme IRI."
            )
            continue
        for c in sorted(expected - listed, key=str):
            out.append(
                f"shapes {where}: the sh:in list lacks {short(c)} of {names}; add it, or the "
                f"shape rejects a concept the vocabulary defines."
            )
        for c in sorted(listed - expected, key=str):
            out.append(
                f"shapes {where}: the sh:in list names {short(c)}, which is not a concept of "
                f"{names} in ontology/vocab/; remove it or add the concept to the vocabulary."
            )
    return out


def shacl_problems(data: Graph, shapes: Graph, skip: set[Node]) -> list[str]:
    """SHACL violations of the ontology and vocabularies (focus nodes in *skip* are omitted)."""
    import pyshacl
    from rdflib.namespace import SH

    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    if conforms:
        return []
    out = []
    for r in report.objects(None, SH.result):  # top-level results, not nested sh:detail ones
        if report.value(r, SH.resultSeverity) != SH.Violation:
            continue
        focus = report.value(r, SH.focusNode)
        if focus in skip:
            continue
        path = report.value(r, SH.resultPath)
        shape = report.value(r, SH.sourceShape)
        messages = [m for m in report.objects(r, SH.resultMessage) if isinstance(m, Literal)]
        en = next((str(m) for m in messages if m.language == "en"), None)
        msg = en or (str(messages[0]) if messages else "violates the shape")
        rule = shape_name(shape) if isinstance(shape, URIRef) else "a shape"
        at = f" ({short(path)})" if isinstance(path, URIRef) else ""
        out.append(f"SHACL {rule}: {short(focus)}{at}: {msg}")
    return sorted(set(out))


def _as_store(store: pyoxigraph.Store | str | os.PathLike[str] | None) -> pyoxigraph.Store | None:
    if store is None or isinstance(store, pyoxigraph.Store):
        return store
    path = Path(store)
    if not path.is_dir():
        raise UserError(f"{path} is not a build store: run `regimekg build` first.")
    return pyoxigraph.Store.read_only(str(path))


Rows = dict[str, list[tuple[Node | None, ...]]]


def run_queries(qc_dir: Path, stores: Iterable[pyoxigraph.Store]) -> tuple[Rows, Rows, list[str]]:
    """Run every QC query on every store.

    Returns the violation rows and the informational rows by query name, and one sentence per
    query that could not run.
    """
    violations: Rows = {}
    info: Rows = {}
    errors: list[str] = []
    files = sorted(qc_dir.glob("*.rq")) if qc_dir.is_dir() else []
    stores = list(stores)
    for f in files:
        text = f.read_text(encoding="utf-8")
        rows: list[tuple[Node | None, ...]] = []
        for st in stores:
            try:
                result = st.query(text, use_default_graph_as_union=True)
            except SyntaxError as e:
                errors.append(f"{f}: SPARQL syntax error ({e}); fix the query.")
                break
            names = [v.value for v in result.variables]
            for sol in result:
                row = tuple(from_ox(sol[n]) for n in names)
                if row not in rows:
                    rows.append(row)
        (violations if f.stem.endswith("-violation") else info)[f.stem] = rows
    return violations, info, errors


def query_title(path: Path) -> str:
    """The ``# title-en:`` header of a query file (its file name when it has none)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# title-en:"):
            return line.split(":", 1)[1].strip()
    return path.stem


def _row_text(row: tuple[Node | None, ...]) -> str:
    return ", ".join(short(x) if x is not None else "-" for x in row)


# --------------------------------------------------------------------------------------------
# HermiT and the OWL API profile checker
# --------------------------------------------------------------------------------------------


def java_available() -> bool:
    """True when the Java runtime owlready2 will call exists."""
    import owlready2

    return shutil.which(owlready2.JAVA_EXE) is not None


@dataclass
class ReasonerResult:
    """HermiT's verdict on the ontology."""

    consistent: bool
    unsatisfiable: list[str]
    error: str | None = None
    seconds: float = 0.0


def _labelled(world: World, iri: str) -> str:
    node = URIRef(iri)
    name = short(node)
    entity = world[iri]
    labels = [str(x) for x in getattr(entity, "label", [])] if entity is not None else []
    return f"{name} ({' / '.join(labels)})" if labels else name


def run_hermit(owl_path: Path) -> ReasonerResult:
    """Classify the RDF/XML with HermiT in a fresh owlready2 world (no global state)."""
    from owlready2 import (
        OwlReadyInconsistentOntologyError,
        OwlReadyJavaError,
        World,
        sync_reasoner_hermit,
    )

    start = time.monotonic()
    world = World()
    try:
        world.get_ontology(owl_path.as_uri()).load()
        sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except OwlReadyInconsistentOntologyError:
        return ReasonerResult(False, [], seconds=time.monotonic() - start)
    except OwlReadyJavaError as e:
        lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
        reason = next((ln for ln in lines if "Exception" in ln), lines[-1] if lines else str(e))
        return ReasonerResult(True, [], error=reason, seconds=time.monotonic() - start)
    unsat = sorted(
        _labelled(world, c.iri) for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing)
    )
    return ReasonerResult(True, unsat, seconds=time.monotonic() - start)


def owlapi_jar() -> Path | None:
    """The OWL API jar bundled with owlready2 (used by its Pellet), if present."""
    import owlready2

    found = sorted((Path(owlready2.__file__).parent / "pellet").glob("owlapi-*.jar"))
    return found[0] if found else None


def run_owlapi_profile(owl_path: Path) -> list[str] | None:
    """OWL 2 DL profile violations from the OWL API, or None when it cannot run here.

    The program is compiled once (:func:`_compiled_dl_profile`) when the JDK's ``javac`` is
    there; otherwise, or if the compiled class does not run, Java's single-file launch
    compiles it in memory, as every check did before.
    """
    import owlready2

    jar = owlapi_jar()
    java = shutil.which(owlready2.JAVA_EXE)
    if jar is None or java is None:
        return None
    classes = _compiled_dl_profile(java, jar)
    if classes is not None:
        cp = f"{jar}{os.pathsep}{classes}"
        found = _dl_profile_violations([java, "-cp", cp, "DLProfile", str(owl_path)])
        if found is not None:
            return found
    with tempfile.TemporaryDirectory(prefix="regimekg-dl-") as tmp:
        src = Path(tmp) / "DLProfile.java"
        src.write_text(_DL_PROFILE_JAVA, encoding="utf-8")
        return _dl_profile_violations([java, "-cp", str(jar), str(src), str(owl_path)])


def _dl_profile_violations(command: list[str]) -> list[str] | None:
    """Run the profile program; its violations, or None when it did not report."""
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = proc.stdout.splitlines()
    if not any(ln.startswith("REGIMEKG-DL ") for ln in lines):
        return None  # no JDK compiler for single-file launch, or the jar failed to load
    out = []
    for ln in lines:
        if ln.startswith("REGIMEKG-VIOLATION "):
            text = ln[len("REGIMEKG-VIOLATION ") :]
            out.append(text.split(" [", 1)[0].strip())
    return sorted(set(out))


def _compiled_dl_profile(java: str, jar: Path) -> Path | None:
    """The directory holding ``DLProfile.class`` compiled against *jar*, or None.

    Java's single-file launch (``java DLProfile.java``) compiles the program in memory on
    every run, which costs about as much CPU as the profile check itself. Compiled once by
    the ``javac`` beside *java* (the same JDK, so the class runs on it) into the cache
    directory (``$REGIMEKG_CACHE_DIR``, else the user cache), it is only loaded. The
    directory's name carries a hash of the program, the jar and the compiler, so a change to
    any of them compiles again; the class file is renamed into place whole, so checks that
    compile at the same time all end with a complete file. None when there is no ``javac``
    or it fails: then the single-file launch runs.
    """
    from .loaders.wordindex import cache_dir

    javac = Path(java).resolve().with_name("javac")
    if not javac.is_file():
        return None
    try:
        stat = jar.stat()
        key = "\0".join([_DL_PROFILE_JAVA, str(jar.resolve()), str(stat.st_size), str(javac)])
        target = cache_dir() / f"dlprofile-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
        if (target / "DLProfile.class").is_file():
            return target
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".dlprofile-", dir=target.parent) as tmp:
            src = Path(tmp) / "DLProfile.java"
            src.write_text(_DL_PROFILE_JAVA, encoding="utf-8")
            proc = subprocess.run(
                [str(javac), "-cp", str(jar), "-d", tmp, str(src)],
                capture_output=True,
                timeout=300,
                check=False,
            )
            compiled = Path(tmp) / "DLProfile.class"
            if proc.returncode != 0 or not compiled.is_file():
                return None
            os.replace(compiled, target / "DLProfile.class")
    except (OSError, subprocess.TimeoutExpired):
        return None
    return target


# --------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------


def run_check(
    project: Project,
    store: pyoxigraph.Store | str | os.PathLike[str] | None = None,
    *,
    reasoner: bool = True,
) -> CheckReport:
    """Run every ontology QC step on *project* (see the module docstring for the list).

    *store* is an optional build store (a ``pyoxigraph.Store`` or the path of
    ``build/store``) on which the QC queries run as well. *reasoner* False skips HermiT and the
    OWL API profile check (they need Java and take a few seconds).
    """
    report = CheckReport()
    where = _rel(project, project.ontology_ttl)
    parsed = _parse_step(project, report)
    if parsed is None:
        return report
    onto, schema, shapes = parsed
    lint = lint_ontology(onto, where)
    report.problems += lint
    report.steps.append(("OWL 2 DL lint", "ok" if not lint else f"{len(lint)} problem(s)"))
    # HermiT reads the RDF/XML of the Turtle: made once, it also serves the freshness step
    rdfxml = to_rdfxml(onto) if reasoner and not lint and java_available() else None
    _freshness_step(project, onto, where, report, rdfxml)
    named = _qc_step(project, schema, _as_store(store), report)
    if shapes is None:
        report.steps.append(("SHACL", "skipped: the shapes do not parse"))
    else:
        shacl = shacl_problems(schema, shapes, named) + concept_list_problems(shapes, schema)
        report.problems += shacl
        report.steps.append(("SHACL", "ok" if not shacl else f"{len(shacl)} violation(s)"))
    if not reasoner:
        report.steps.append(("HermiT", "skipped (reasoner=False)"))
    elif not java_available():
        report.steps.append(("HermiT", "skipped: no Java"))
        report.notes.append(
            "HermiT was not run because Java is not installed (`apt-get install "
            "default-jre-headless` provides it), so consistency and class satisfiability were "
            "not checked."
        )
    elif lint:
        report.steps.append(("HermiT", "skipped: fix the OWL 2 DL problems first"))
    else:
        _reasoner_steps(rdfxml or to_rdfxml(onto), where, report)
    return report


def _parse_step(project: Project, report: CheckReport) -> tuple[Graph, Graph, Graph | None] | None:
    """Step 1: the ontology, ontology + vocabularies, and the shapes (None if they fail)."""
    try:
        onto = load_ontology(project)
    except UserError as e:
        report.problems.append(str(e))
        report.steps.append(("parse", "ontology does not parse; nothing else checked"))
        return None
    schema = Graph()
    for t in onto:
        schema.add(t)
    for prefix, ns in onto.namespaces():
        schema.bind(prefix, ns)
    vocab_files = sorted(project.vocab_dir.glob("*.ttl")) if project.vocab_dir.is_dir() else []
    for f in vocab_files:
        try:
            parse_turtle(f, schema)
        except UserError as e:
            report.problems.append(str(e))
    if not vocab_files:
        report.problems.append(
            f"{_rel(project, project.vocab_dir)} has no *.ttl vocabularies: restore them."
        )
    try:
        shapes: Graph | None = load_shapes(project) + load_meta_shapes(project)
    except UserError as e:
        report.problems.append(str(e))
        shapes = None
    n_terms = len(
        {
            s
            for k in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
            for s in onto.subjects(RDF.type, k)
            if str(s).startswith(str(RKG))
        }
    )
    n_concepts = len(set(schema.subjects(RDF.type, SKOS.Concept)))
    report.steps.append(
        (
            "parse",
            f"{len(onto)} ontology triples, {n_terms} rkg terms; "
            f"{len(vocab_files)} vocabularies, {n_concepts} concepts",
        )
    )
    return onto, schema, shapes


def _owl_current(project: Project, rdfxml: str | None) -> bool:
    """Whether ``regimekg.owl`` holds the Turtle's triples.

    *rdfxml* is the RDF/XML generated from the Turtle when the check has made it anyway (for
    HermiT): a file with exactly that text is what ``regimekg generate`` writes, so it is
    current without comparing graphs; any other file (saved by another tool, stale) is
    compared by isomorphism, as :func:`regimekg.ontology.owl_is_current` always does.
    """
    if rdfxml is not None:
        try:
            if project.ontology_owl.read_text(encoding="utf-8") == rdfxml:
                return True
        except (OSError, UnicodeDecodeError):
            pass  # missing or unreadable: owl_is_current says so
    return owl_is_current(project)


def _freshness_step(
    project: Project, onto: Graph, where: str, report: CheckReport, rdfxml: str | None = None
) -> None:
    """Step 3: the version stamp, the generated RDF/XML and metric vocabulary, the catalog
    (*rdfxml*: see :func:`_owl_current`)."""
    stale: list[str] = version_problems(onto, project)
    if not _owl_current(project, rdfxml):
        stale.append(
            f"{_rel(project, project.ontology_owl)} is missing or out of date with {where}: "
            "regenerate it with `regimekg generate`."
        )
    version_iri = onto.value(ONTOLOGY_IRI, OWL.versionIRI)
    stale += catalog_problems(project, str(version_iri) if version_iri is not None else None)
    report.problems += stale
    report.steps.append(
        ("version, RDF/XML, catalog", "ok" if not stale else f"{len(stale)} problem(s)")
    )


def _qc_step(
    project: Project, schema: Graph, built: pyoxigraph.Store | None, report: CheckReport
) -> set[Node]:
    """Step 4: the QC queries; returns the terms their violation rows name."""
    stores = [ox_store(schema)] + ([built] if built is not None else [])
    violations, info, query_errors = run_queries(project.qc_dir, stores)
    report.problems += query_errors
    named: set[Node] = set()
    n_rows = 0
    for name, rows in violations.items():
        title = query_title(project.qc_dir / f"{name}.rq")
        for row in rows[:20]:
            report.problems.append(f"qc/{name}: {_row_text(row)} ({title})")
        if len(rows) > 20:
            report.problems.append(f"qc/{name}: … and {len(rows) - 20} more rows")
        n_rows += len(rows)
        for row in rows:
            named.update(x for x in row if isinstance(x, URIRef))
    for name, rows in info.items():
        report.notes.append(f"qc/{name}: {len(rows)} row(s) (informational)")
    against = "ontology + vocabularies" + (" + build store" if built is not None else "")
    report.steps.append(
        (
            "QC queries",
            f"{len(violations)} violation queries on {against}: "
            + ("ok" if not n_rows else f"{n_rows} row(s)"),
        )
    )
    return named


def _reasoner_steps(rdfxml: str, where: str, report: CheckReport) -> None:
    """Steps 6–7: HermiT on the RDF/XML of the Turtle, then the OWL API's OWL 2 DL profile
    checker."""
    with tempfile.TemporaryDirectory(prefix="regimekg-check-") as tmp:
        owl_path = Path(tmp) / "regimekg.owl"
        owl_path.write_text(rdfxml, encoding="utf-8")
        _hermit_step(run_hermit(owl_path), where, report)
        profile = run_owlapi_profile(owl_path)
    if profile is None:
        report.steps.append(("OWL API DL profile", "skipped: needs a JDK"))
        report.notes.append(
            "The OWL API OWL 2 DL profile check was not run because it needs a Java "
            "development kit (`apt-get install default-jdk-headless` provides it); the Python "
            "lint still ran."
        )
    elif profile:
        report.problems += [f"OWL API (OWL 2 DL profile): {v}" for v in profile]
        report.steps.append(("OWL API DL profile", f"{len(profile)} violation(s)"))
    else:
        report.steps.append(("OWL API DL profile", "in profile"))


def _hermit_step(hermit: ReasonerResult, where: str, report: CheckReport) -> None:
    if hermit.error:
        report.problems.append(f"HermiT could not reason over {where}: {hermit.error}")
        report.steps.append(("HermiT", "error"))
    elif not hermit.consistent:
        report.problems.append(
            f"HermiT: {where} is inconsistent (it has no model); look for individuals or "
            f"axioms that contradict a disjointness or a restriction."
        )
        report.steps.append(("HermiT", "inconsistent"))
    elif hermit.unsatisfiable:
        for c in hermit.unsatisfiable:
            report.problems.append(
                f"HermiT: class {c} is unsatisfiable (it can have no instances); check its "
                f"superclasses and restrictions for a contradiction such as two disjoint "
                f"parents."
            )
        report.steps.append(
            ("HermiT", f"consistent, {len(hermit.unsatisfiable)} unsatisfiable class(es)")
        )
    else:
        report.steps.append(
            ("HermiT", f"consistent, no unsatisfiable classes ({hermit.seconds:.1f} s)")
        )
