"""The controlled values of the curated data, read from the SKOS vocabularies.

Link types, membership roles, event types and classification schemes — with their labels, the
shortcut property each one implies, the display colour of a link type and the groupings the
code acts on (``skos:Collection``, e.g. the roles of taking part in an instrument) — are
defined once, in ``ontology/vocab/*.ttl``. The code reads them here instead of keeping its own
lists, so that adding a value (a new link type, a new role) means editing one vocabulary file
and nothing else: the curated checks, the RDF, the exports and the reports pick it up.

The vocabulary is read per project (a copy of the repository may carry a different one) and is
cached on the files' size and modification time, so an edit is seen without a restart; files
of the same content (a copy of the project) are parsed once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .errors import UserError
from .namespaces import ID, RKG, slug_of
from .ontology import parse_turtle
from .paths import Project, asset_dir, find_root

LANGS = ("en", "zh")
#: Colour of a link type whose concept has no ``rkg:displayColour`` (a neutral grey).
DEFAULT_COLOUR = "#333333"


@dataclass(frozen=True)
class Concept:
    """One concept of a scheme, as the code needs it."""

    slug: str
    iri: URIRef
    labels: dict[str, str] = field(hash=False)
    shortcut: URIRef | None = None
    colour: str | None = None
    #: ``skos:definition`` by language (the curated files' JSON Schema shows it in editors).
    definitions: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def label(self, lang: str = "en") -> str:
        """The preferred label in *lang*, falling back to the other language, then the slug."""
        other = "zh" if lang == "en" else "en"
        return self.labels.get(lang) or self.labels.get(other) or self.slug

    @property
    def pair(self) -> tuple[str, str]:
        """``(English label, Chinese label)``, the form the report tables use."""
        return self.label("en"), self.label("zh")


@dataclass(frozen=True)
class Scheme:
    """A concept scheme and its concepts, keyed by slug in slug order."""

    slug: str
    iri: URIRef
    labels: dict[str, str] = field(hash=False)
    concepts: dict[str, Concept] = field(hash=False)
    #: The binary property a classification in this scheme implies (classification schemes).
    shortcut: URIRef | None = None


@dataclass(frozen=True)
class Vocabulary:
    """Every concept scheme of a project, and the triples they were read from."""

    schemes: dict[str, Scheme]
    #: All triples of ``ontology/vocab/*.ttl``, for code that copies a concept's description
    #: (the metric concepts written into ``graph/metrics``) rather than re-stating it.
    graph: Graph = field(default_factory=Graph, hash=False, compare=False, repr=False)

    @cached_property
    def member_roles(self) -> frozenset[str]:
        """Roles that make an actor a member (those whose concept names ``rkg:isMemberOf`` as
        its shortcut): every role but observer in the bundled vocabulary."""
        return frozenset(slug for slug, c in self.roles.items() if c.shortcut == RKG.isMemberOf)

    @cached_property
    def concept_keys(self) -> frozenset[str]:
        """``scheme/slug`` of every concept: the form curated records use to name one."""
        return frozenset(
            str(c.iri).removeprefix(str(ID))
            for s in self.schemes.values()
            for c in s.concepts.values()
        )

    @cached_property
    def instrument_roles(self) -> frozenset[str]:
        """Roles by which an actor takes part in an *instrument* (signs, adheres to, endorses,
        sponsors it, is a party) rather than holding a seat in a body: the members of the
        ``skos:Collection`` ``id/collection/instrument-roles`` in ``membership-role.ttl``."""
        return self.collection("instrument-roles") & frozenset(self.roles)

    def collection(self, name: str) -> frozenset[str]:
        """Slugs of the members of the ``skos:Collection`` ``id/collection/{name}``.

        A grouping of concepts that the code acts on (which roles count as taking part in an
        instrument) is a SKOS collection, so that it is edited in the vocabulary like the
        concepts themselves; a missing one is a broken checkout, said in one sentence.
        """
        iri = ID[f"collection/{name}"]
        if (iri, RDF.type, SKOS.Collection) not in self.graph:
            raise UserError(
                f"SKOS collection {name!r} is missing from ontology/vocab/; restore it."
            )
        return frozenset(
            slug_of(m) for m in self.graph.objects(iri, SKOS.member) if isinstance(m, URIRef)
        )

    def scheme(self, name: str) -> Scheme:
        """The scheme *name*; a missing one is a broken checkout, said in one sentence."""
        try:
            return self.schemes[name]
        except KeyError:
            raise UserError(
                f"concept scheme {name!r} is missing from ontology/vocab/; restore its file."
            ) from None

    def concepts(self, name: str) -> dict[str, Concept]:
        """The concepts of scheme *name*, by slug."""
        return self.scheme(name).concepts

    def slugs(self, name: str) -> tuple[str, ...]:
        """The concept slugs of scheme *name*, sorted."""
        return tuple(self.concepts(name))

    def labels(self, name: str) -> dict[str, tuple[str, str]]:
        """``slug → (en, zh)`` labels of scheme *name*."""
        return {s: c.pair for s, c in self.concepts(name).items()}

    @property
    def link_types(self) -> dict[str, Concept]:
        return self.concepts("regime-link-type")

    @property
    def roles(self) -> dict[str, Concept]:
        return self.concepts("membership-role")

    @property
    def event_types(self) -> dict[str, Concept]:
        return self.concepts("event-type")

    @property
    def classification_schemes(self) -> dict[str, Scheme]:
        """Schemes a curated classification may use: those with a scheme-level shortcut."""
        return {n: s for n, s in self.schemes.items() if s.shortcut is not None}

    def link_colours(self) -> dict[str, str]:
        """``link type → colour`` for pictures and the viewer."""
        return {s: c.colour or DEFAULT_COLOUR for s, c in self.link_types.items()}


def _labels(g: Graph, s: URIRef, p: URIRef = SKOS.prefLabel) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in sorted(g.objects(s, p)):  # sorted: the same choice on every run
        if isinstance(o, Literal) and o.language in LANGS:
            out.setdefault(o.language, str(o))
    return dict(sorted(out.items()))


def _uri(g: Graph, s: URIRef, p: URIRef) -> URIRef | None:
    v = g.value(s, p)
    return v if isinstance(v, URIRef) else None


def from_graph(g: Graph) -> Vocabulary:
    """The vocabulary held in *g* (SKOS concept schemes under ``id/scheme/``)."""
    schemes: dict[str, Scheme] = {}
    for s in sorted(set(g.subjects(RDF.type, SKOS.ConceptScheme))):
        if not isinstance(s, URIRef) or not str(s).startswith(str(ID["scheme/"])):
            continue
        concepts: dict[str, Concept] = {}
        for c in sorted(set(g.subjects(SKOS.inScheme, s)), key=str):
            if not isinstance(c, URIRef):
                continue
            colour = g.value(c, RKG.displayColour)
            concepts[slug_of(c)] = Concept(
                slug_of(c),
                c,
                _labels(g, c),
                _uri(g, c, RKG.shortcutProperty),
                str(colour) if colour is not None else None,
                _labels(g, c, SKOS.definition),
            )
        schemes[slug_of(s)] = Scheme(
            slug_of(s),
            s,
            _labels(g, s),
            dict(sorted(concepts.items())),
            _uri(g, s, RKG.shortcutProperty),
        )
    return Vocabulary(schemes, g)


def _stamp(directory: Path) -> tuple[tuple[str, int, int], ...]:
    files = sorted(directory.glob("*.ttl")) if directory.is_dir() else []
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)


#: Vocabularies by the content of their files: a copy of a project (a scratch copy, a test's
#: project) has the same files in another folder and reuses the one already read.
_BY_CONTENT: dict[tuple[tuple[str, bytes], ...], Vocabulary] = {}


@cache
def _load(directory: Path, stamp: tuple[tuple[str, int, int], ...]) -> Vocabulary:
    content = tuple((name, (directory / name).read_bytes()) for name, _, _ in stamp)
    voc = _BY_CONTENT.get(content)
    if voc is None:
        g = Graph()
        for name, _, _ in stamp:
            parse_turtle(directory / name, g, fast=True)  # the triples only, not the prefixes
        voc = _BY_CONTENT[content] = from_graph(g)
    return voc


def _has_files(directory: Path) -> bool:
    return directory.is_dir() and any(directory.glob("*.ttl"))


def _bundled_ontology_dir() -> Path:
    for directory in (asset_dir("ontology"), Path(__file__).resolve().parents[2] / "ontology"):
        if (directory / "regimekg.ttl").is_file():
            return directory
    raise UserError("No ontology/regimekg.ttl found: run regimekg inside a regimekg checkout.")


@cache
def _bundled_subclasses() -> dict[str, set[str]]:
    """Direct subclasses by class IRI in the bundled ``regimekg.ttl``, read once.

    Only the ``rdfs:subClassOf`` triples are kept, straight from pyoxigraph's parser: every
    command that imports :mod:`regimekg.curated` pays for this, and an rdflib graph of the
    whole ontology cost most of that import.
    """
    from . import rdfread

    path = _bundled_ontology_dir() / "regimekg.ttl"
    subs: dict[str, set[str]] = {}
    try:
        for s, o in rdfread.pairs(path, str(RDFS.subClassOf)):
            subs.setdefault(o, set()).add(s)
    except (SyntaxError, ValueError):
        parse_turtle(path)  # raises the error that names the file and line
        raise
    return subs


@cache
def entity_classes(parent: str) -> frozenset[str]:
    """Local names of ``rkg:{parent}`` and all its subclasses in the bundled ontology.

    The entity classes a curated record may name (and the IRI kind each maps to) follow the
    class hierarchy of ``ontology/regimekg.ttl``, so a class added there needs no code change.
    """
    subs = _bundled_subclasses()
    found, todo = {str(RKG[parent])}, [str(RKG[parent])]
    while todo:
        for c in subs.get(todo.pop(), ()):
            if c not in found:
                found.add(c)
                todo.append(c)
    return frozenset(c[len(str(RKG)) :] for c in found if c.startswith(str(RKG)))


def _bundled() -> Vocabulary:
    """The vocabulary shipped with the package (or of the checkout it runs from)."""
    for directory in (
        asset_dir("ontology") / "vocab",
        Path(__file__).resolve().parents[2] / "ontology" / "vocab",
    ):
        if _has_files(directory):
            return _load(directory, _stamp(directory))
    raise UserError("No ontology/vocab/ found: run regimekg inside a regimekg checkout.")


def load(project: Project) -> Vocabulary:
    """The vocabulary of *project* (re-read when a vocabulary file changed).

    A project directory without vocabularies (a bare build directory, a test's scratch
    project) gets the bundled vocabulary.
    """
    directory = project.vocab_dir.resolve()
    if not _has_files(directory):
        return _bundled()
    return _load(directory, _stamp(directory))


_CURRENT: ContextVar[Vocabulary | None] = ContextVar("regimekg_vocabulary", default=None)


@contextmanager
def using(project: Project) -> Iterator[Vocabulary]:
    """Make *project*'s vocabulary the one :func:`current` returns inside the block.

    Commands that read a build of a given project (export, metrics) wrap their work in this,
    so labels and colours come from that project even when helpers deep down ask for them.
    """
    token = _CURRENT.set(load(project))
    try:
        yield load(project)
    finally:
        _CURRENT.reset(token)


def current() -> Vocabulary:
    """The vocabulary set by :func:`using`, else that of the project found from here.

    The project is found as every command finds it (``$REGIMEKG_ROOT``, the current
    directory, the checkout the package runs from); without one, the bundled vocabulary.
    """
    voc = _CURRENT.get()
    if voc is not None:
        return voc
    try:
        return load(Project(find_root()))
    except UserError:
        return _bundled()
