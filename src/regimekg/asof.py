"""The ``--as-of`` rule, in one place (docs/time.md, docs/decisions/20261207-honest-time.md).

A date no source gives is unknown, not "always". The build therefore computes, once, from
what the sources say, the day from which each participation (``rkg:Membership``: membership,
adherence, signature …), each regime link (``rkg:RegimeLink``) and each entity is *known* to
hold, and the day until which it is known to hold, and writes them as ``rkg:knownFrom`` /
``rkg:knownUntil`` (``xsd:date``) into ``graph/time``. Every view — the named queries, the
metric slices, the exports and the HTML viewer — filters on those values with one test,
:func:`present`, so ``--as-of`` means the same everywhere.

The rule:

- A participation is known from its **start** when a source gives one, otherwise from the
  earliest of two days: the **earliest dated evidence** for it (the publication date,
  ``dcterms:date``, of the bundled document a quote comes from, or the ``rkg:accessedOn`` day
  of a web snapshot; evidence without a date supports no date), and, when sources give
  **disagreeing dates** for it (claims, kept instead of a start), the **latest** of them:
  every source agrees it had begun by then. A regime link has no start of its own: its
  evidence dates it, or, for a link that says how its source came into being (adopted at a
  summit, launched or established by an actor: the vocabulary's ``origin-link-types``), the
  source's own first day if that is earlier.
- Neither is ever known before **both parties exist**: an entity exists from the first
  possible day of its earliest start (``rkg:startDate``: founded, launched, held) or, when
  it has none, of its earliest adoption, signature, publication or entry into force.
  Likewise neither is known beyond a party's end.
- An entity is known from the earliest of its own start (read as below), its dated evidence,
  and the days its participations and links are known from; so whatever a slice shows, both
  ends of it are shown too.
- Precision is kept, and read so that nothing is shown before or after the sources allow:
  a start of "2019" has certainly happened by 2019-12-31 (its *last* possible day), an end
  of "2021-03" has possibly happened on 2021-03-01 (its *first* possible day; an end day
  itself still counts). An ``--as-of`` value stands for the last day of the period it
  names: ``--as-of 2019`` is the graph on 2019-12-31.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from . import dates, records
from .curated import KIND_OF_CLASS
from .errors import UserError
from .namespaces import ID, METRICS_GRAPH, RKG, TIME_GRAPH, slug_of

#: The classes of named entities (bodies, instruments, states, persons).
ENTITY_CLASSES = tuple(RKG[c] for c in sorted(KIND_OF_CLASS))
#: What makes an entity exist, in order of preference (see :func:`existence_dates`).
START_PROPERTIES = (RKG.startDate,)
ISSUE_PROPERTIES = (RKG.dateAdopted, RKG.dateSigned, RKG.datePublished, RKG.dateInForce)
#: The vocabulary's link types that say how their source came into being
#: (``ontology/vocab/regime-link-type.ttl``); the graph given to :func:`known_periods` holds
#: the collection's ``skos:member`` triples.
ORIGIN_LINK_TYPES = ID["collection/origin-link-types"]


def resolve(value: str | None) -> dt.date | None:
    """The day an ``--as-of`` value stands for: the last day of the period it names.

    ``--as-of 2019`` means the graph at the end of 2019, so a year slice holds what became
    known during that year.
    """
    if value is None:
        return None
    try:
        return dates.bounds(str(value).strip())[1]
    except dates.DateError as e:
        raise UserError(
            f"--as-of {value!r} is not a date ({e}); write YYYY, YYYY-MM or YYYY-MM-DD."
        ) from None


def started_by(value: str) -> dt.date:
    """The first day on which a start (or an event) given as *value* has surely happened."""
    return dates.bounds(value[:10])[1]


def ended_from(value: str) -> dt.date:
    """The first day on which an end given as *value* may have happened (it still counts)."""
    return dates.bounds(value[:10])[0]


def present(known_from: dt.date | None, known_until: dt.date | None, day: dt.date) -> bool:
    """Whether something known from/until these days is shown on *day*.

    Unknown start means never shown in a dated slice; unknown end means not known to end.
    """
    return (
        known_from is not None and known_from <= day and (known_until is None or day <= known_until)
    )


def happened_by(value: str, day: dt.date) -> bool:
    """Whether a dated event (adoption, entry into force …) given as *value* had surely
    happened by *day*. A value that is not a date counts as not dated, so it is kept."""
    try:
        return started_by(value) <= day
    except dates.DateError:
        return True


def to_date(value: str | None) -> dt.date | None:
    """An ``xsd:date`` lexical form (as read back from the graph) as a date."""
    return None if not value else dt.date.fromisoformat(value[:10])


# --------------------------------------------------------------------------- materialising


def _values(g: Graph, s: URIRef, props: Iterable[URIRef]) -> list[str]:
    return sorted(str(o) for p in props for o in g.objects(s, p) if isinstance(o, Literal))


def _first_day(value: str) -> dt.date:
    return dates.bounds(value[:10])[0]


def _checked(value: str, where: URIRef, fn: Callable[[str], dt.date] = started_by) -> dt.date:
    try:
        return fn(value)
    except dates.DateError as e:
        raise UserError(f"{where} has the date {value!r} ({e}); fix it and rebuild.") from None


def existence_dates(g: Graph, entity: URIRef) -> list[str]:
    """The dates that say when *entity* began: its starts, else its adoption, signature,
    publication or entry into force (a proposal is not a beginning)."""
    return _values(g, entity, START_PROPERTIES) or _values(g, entity, ISSUE_PROPERTIES)


def exists_from(g: Graph, entity: URIRef) -> dt.date | None:
    """The first day *entity* can have existed on (nothing involving it is known before)."""
    return min((_checked(v, entity, _first_day) for v in existence_dates(g, entity)), default=None)


def exists_until(g: Graph, entity: URIRef) -> dt.date | None:
    """The last day *entity* is known to exist on (the first possible day of its end)."""
    return min(
        (_checked(v, entity, ended_from) for v in _values(g, entity, (RKG.endDate,))), default=None
    )


def evidence_date(g: Graph, statement: URIRef) -> dt.date | None:
    """The earliest day the dated evidence of *statement* supports.

    A quote from a bundled document dates from the document's publication (``dcterms:date``
    of its ``rkg:fromSource``; a year means its last day); a web snapshot from the page's own
    date when the record gives it (``rkg:publishedOn``, read the same way), else from the day
    it was read (``rkg:accessedOn``). Any future kind of evidence that names a dated source
    node or a reading day is dated the same way; evidence with neither supports no date.
    """
    days: list[dt.date] = []
    for ev in g.objects(statement, RKG.hasEvidence):
        published = list(g.objects(ev, RKG.publishedOn))
        for v in published or g.objects(ev, RKG.accessedOn):
            days.append(_checked(str(v), statement))
        for src in g.objects(ev, RKG.fromSource):
            for v in g.objects(src, DCTERMS.date):
                days.append(_checked(str(v), statement))
    return min(days, default=None)


def _claimed_dates(g: Graph) -> dict[tuple[URIRef, str], list[str]]:
    """Every claim's value by (subject, key): the dates sources give where they disagree."""
    out: dict[tuple[URIRef, str], list[str]] = defaultdict(list)
    for c in g.subjects(RDF.type, RKG.Claim):
        for s in g.objects(c, RKG.claimSubject):
            for about in g.objects(c, RKG.claimAbout):
                out[s, str(about)].extend(str(v) for v in g.objects(c, RKG.claimValue))
    return out


def agreed_by(
    g: Graph, node: URIRef, claimed: dict[tuple[URIRef, str], list[str]]
) -> dt.date | None:
    """The day by which every source that dates the participation *node* has it begun.

    A participation whose sources disagree on its start has no ``start`` (docs/data.md §2):
    each date is a claim. Those are the participant's ``date-joined-<body>`` claims and, for
    a founding member, the body's ``founding-date`` claims. The latest of them (read at its
    last possible day) is a day on which all of them agree it held; values that are not
    dates are ignored.
    """
    values: list[str] = []
    for org in g.objects(node, RKG.participationIn):
        for member in g.objects(node, RKG.participant):
            values += claimed.get((member, records.joined_claim(slug_of(org))), [])
        if any(slug_of(r) == records.FOUNDING_ROLE for r in g.objects(node, RKG.participationRole)):
            values += claimed.get((org, records.FOUNDED_CLAIM), [])
    days = []
    for v in values:
        try:
            days.append(started_by(v))
        except dates.DateError:
            continue
    return max(days, default=None)


def born_by(g: Graph, entity: URIRef) -> dt.date | None:
    """The first day on which *entity* has surely begun (its earliest start, adoption …)."""
    return min((_checked(v, entity) for v in existence_dates(g, entity)), default=None)


def origin_date(g: Graph, link: URIRef, origin_types: set[URIRef]) -> dt.date | None:
    """For a link of an origin type ("adopted at", "launched by" …), the day its source
    surely began: the link states a fact of that beginning, so it holds from then on."""
    if g.value(link, RKG.linkType) not in origin_types:
        return None
    return _min(*(born_by(g, s) for s in g.objects(link, RKG.linkSource)))


def _max(*days: dt.date | None) -> dt.date | None:
    known = [d for d in days if d is not None]
    return max(known) if known else None


def _min(*days: dt.date | None) -> dt.date | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None


def known_periods(g: Graph) -> dict[URIRef, tuple[dt.date | None, dt.date | None]]:
    """Known-from and known-until days of every participation, regime link and entity of *g*.

    *g* must hold the curated statements and the source documents' ``dcterms:date``.
    """
    out: dict[URIRef, tuple[dt.date | None, dt.date | None]] = {}
    parties: dict[URIRef, tuple[URIRef, ...]] = {}
    for m in g.subjects(RDF.type, RKG.Membership):
        parties[m] = tuple(g.objects(m, RKG.participant)) + tuple(g.objects(m, RKG.participationIn))
    for lk in g.subjects(RDF.type, RKG.RegimeLink):
        parties[lk] = tuple(g.objects(lk, RKG.linkSource)) + tuple(g.objects(lk, RKG.linkTarget))
    ents = {e for ps in parties.values() for e in ps}
    ents |= {s for p in (*START_PROPERTIES, *ISSUE_PROPERTIES) for s in g.subjects(p, None)}
    ents |= {s for c in ENTITY_CLASSES for s in g.subjects(RDF.type, c)}
    ents -= set(parties)
    floor = {e: exists_from(g, e) for e in ents}
    ceiling = {e: exists_until(g, e) for e in ents}

    claimed = _claimed_dates(g)
    origin_types = {t for t in g.objects(ORIGIN_LINK_TYPES, SKOS.member) if isinstance(t, URIRef)}
    involved: dict[URIRef, list[dt.date]] = defaultdict(list)
    for node, ends in sorted(parties.items()):
        starts = _values(g, node, (RKG.startDate,))
        own = (
            min(_checked(v, node) for v in starts)
            if starts
            else _min(
                evidence_date(g, node),
                agreed_by(g, node, claimed),
                origin_date(g, node, origin_types),
            )
        )
        known_from = _max(own, *(floor[e] for e in ends)) if own is not None else None
        known_until = _min(
            *(_checked(v, node, ended_from) for v in _values(g, node, (RKG.endDate,))),
            *(ceiling[e] for e in ends),
        )
        out[node] = (known_from, known_until)
        if known_from is not None:
            for e in ends:
                involved[e].append(known_from)
    for e in sorted(ents):
        known_from = _min(born_by(g, e), evidence_date(g, e), *involved[e])
        # a source may discuss a body before it is founded: still not before it exists
        out[e] = (_max(known_from, floor[e]) if known_from else None, ceiling[e])
    return out


def materialise(g: Graph) -> Graph:
    """``graph/time``: ``rkg:knownFrom`` / ``rkg:knownUntil`` of everything *g* dates."""
    time = Graph()
    time.bind("rkg", RKG)
    for node, (known_from, known_until) in known_periods(g).items():
        if known_from is not None:
            time.add((node, RKG.knownFrom, Literal(known_from.isoformat(), datatype=XSD.date)))
        if known_until is not None:
            time.add((node, RKG.knownUntil, Literal(known_until.isoformat(), datatype=XSD.date)))
    return time


def slice_years(time: Graph, first: int) -> list[int]:
    """The years from *first* to the last year anything in *time* becomes known.

    The build's yearly metric slices come from here, so they depend on the data, never on
    the day the build runs.
    """
    years = [int(str(o)[:4]) for o in time.objects(None, RKG.knownFrom)]
    return list(range(first, max(years) + 1)) if years else []


# --------------------------------------------------------------------------- fixtures

#: Where a TriG fixture's generated ``graph/time`` begins; everything after it is rewritten.
FIXTURE_MARK = "# graph/time: generated by `regimekg generate`; do not edit below."


def fixture_time_block(path: Path) -> str:
    """The ``graph/time`` block that :func:`materialise` makes of a TriG fixture's other graphs.

    Test fixtures are shaped like a build, so they carry ``graph/time`` too; writing it from
    this module (never by hand) keeps their as-of answers the build's.
    """
    ds = Dataset()
    ds.parse(path, format="trig")
    g = Graph()
    for s, p, o, ctx in ds.quads((None, None, None, None)):
        if ctx is None or URIRef(str(getattr(ctx, "identifier", ctx))) not in (
            TIME_GRAPH,
            METRICS_GRAPH,
        ):
            g.add((s, p, o))
    lines = sorted(
        f"    {line}" for line in materialise(g).serialize(format="nt").splitlines() if line
    )
    return "\n".join([FIXTURE_MARK, f"<{TIME_GRAPH}> {{", *lines, "}", ""])


#: Test fixtures shaped like a build, whose ``graph/time`` ``regimekg generate`` keeps current.
FIXTURES = ("tests/fixtures/mini.trig", "tests/fixtures/metrics/regime.trig")


def fixture_text(path: Path) -> str:
    """*path* with its ``graph/time`` block (after :data:`FIXTURE_MARK`) made afresh."""
    text = path.read_text(encoding="utf-8")
    return text.split(FIXTURE_MARK, 1)[0].rstrip("\n") + "\n\n" + fixture_time_block(path)


__all__ = [
    "agreed_by",
    "born_by",
    "ended_from",
    "evidence_date",
    "exists_from",
    "fixture_time_block",
    "happened_by",
    "known_periods",
    "materialise",
    "origin_date",
    "present",
    "resolve",
    "slice_years",
    "started_by",
    "to_date",
]
