"""Reading a build into :class:`RegimeData` through a handful of SPARQL SELECTs.

All reading of the store goes through :func:`read_graph` and a :data:`Select` function, so
moving to another backend changes one function (:func:`oxigraph_select`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import RDFS, SKOS

from .. import asof
from ..curated import KIND_OF_CLASS
from ..namespaces import PREFIXES, RKG, slug_of
from ..terms import plain
from .data import Entity, Link, Membership, RegimeData
from .dictionary import LANGS

Row = dict[str, Any]
Select = Callable[[str], list[Row]]

_PREFIX_TEXT = "".join(f"PREFIX {k}: <{v}>\n" for k, v in sorted(PREFIXES.items()))
_ENTITY_TYPES = " ".join(f"rkg:{c}" for c in sorted(KIND_OF_CLASS))


def oxigraph_select(st: ox.Store) -> Select:
    """A SELECT runner over the union of every named graph of a pyoxigraph store."""

    def run(query: str) -> list[Row]:
        res = st.query(_PREFIX_TEXT + query, use_default_graph_as_union=True)
        assert isinstance(res, ox.QuerySolutions)
        names = [v.value for v in res.variables]
        return [{n: plain(sol[n]) for n in names} for sol in res]

    return run


Q_ENTITIES = f"""
SELECT ?e ?type ?p ?o WHERE {{
  VALUES ?type {{ {_ENTITY_TYPES} }}
  ?e a ?type .
  OPTIONAL {{
    VALUES ?p {{ rdfs:label skos:altLabel rkg:acronym rkg:startDate rkg:endDate
                rkg:dateAdopted rkg:dateSigned rkg:datePublished rkg:dateInForce
                rkg:knownFrom rkg:knownUntil }}
    ?e ?p ?o .
  }}
}}"""

Q_MEMBERSHIPS = """
SELECT ?m ?member ?org ?role ?start ?end ?from ?until WHERE {
  ?m a rkg:Membership ; rkg:participant ?member ; rkg:participationIn ?org .
  OPTIONAL { ?m rkg:participationRole ?role }
  OPTIONAL { ?m rkg:startDate ?start }
  OPTIONAL { ?m rkg:endDate ?end }
  OPTIONAL { ?m rkg:knownFrom ?from }
  OPTIONAL { ?m rkg:knownUntil ?until }
}"""

Q_LINKS = """
SELECT ?l ?s ?t ?type ?from ?until WHERE {
  ?l a rkg:RegimeLink ; rkg:linkSource ?s ; rkg:linkTarget ?t ; rkg:linkType ?type .
  OPTIONAL { ?l rkg:knownFrom ?from }
  OPTIONAL { ?l rkg:knownUntil ?until }
}"""


#: What each predicate of :data:`Q_ENTITIES` fills in an :class:`Entity`.
_ENTITY_FIELDS = {
    str(RDFS.label): "label",
    str(SKOS.altLabel): "alt",
    str(RKG.acronym): "acronym",
    str(RKG.startDate): "start",
    str(RKG.endDate): "end",
    str(RKG.dateAdopted): "issued",
    str(RKG.dateSigned): "issued",
    str(RKG.datePublished): "issued",
    str(RKG.dateInForce): "issued",
    str(RKG.knownFrom): "from",
    str(RKG.knownUntil): "until",
}


def read_graph(select: Select) -> RegimeData:
    """Entities, memberships and regime links of the whole graph (no date cut)."""
    ents = _read_entities(select)
    mems = _read_memberships(select)
    links = _read_links(select)
    # a participant or link end without a type of its own still is a node of the networks
    for node in (n for m in mems.values() for n in (m.member, m.organisation)):
        ents.setdefault(node, Entity(node, ""))
    for node in (n for lk in links for n in (lk.source, lk.target)):
        ents.setdefault(node, Entity(node, ""))
    return RegimeData(ents, sorted(mems.values(), key=lambda m: m.iri), links)


def _read_entities(select: Select) -> dict[str, Entity]:
    """Every typed entity with its labels, aliases, acronyms and dates.

    The store returns one row per value in no fixed order, so multi-valued fields are sorted
    afterwards and a label keeps the smallest of several: the same build reads the same on
    every run.
    """
    ents: dict[str, Entity] = {}
    for row in select(Q_ENTITIES):
        cls = slug_of(row["type"])
        e = ents.setdefault(row["e"], Entity(row["e"], cls))
        if e.cls != cls and KIND_OF_CLASS.get(cls) and cls < e.cls:
            e.cls = cls  # several types: keep one, deterministically
        if row["p"] is not None:
            value, lang = row["o"]
            _add_value(e, _ENTITY_FIELDS[row["p"]], value, lang)
    for e in ents.values():
        e.acronyms.sort()
        e.start.sort()
        e.end.sort()
        e.issued.sort()
        for v in e.alt.values():
            v.sort()
    return ents


def _add_value(e: Entity, what: str, value: str, lang: str | None) -> None:
    """Put one value of field *what* into *e*: labels and aliases only in the languages the
    project speaks, list fields without repeats, the as-of bounds as dates."""
    listed = {"acronym": e.acronyms, "start": e.start, "end": e.end, "issued": e.issued}
    if what == "label" and lang in LANGS:
        e.labels.setdefault(lang, value)
        e.labels[lang] = min(e.labels[lang], value)
    elif what == "alt" and lang in LANGS:
        if value not in e.alt.setdefault(lang, []):
            e.alt[lang].append(value)
    elif what in listed:
        if value not in listed[what]:
            listed[what].append(value)
    elif what == "from":
        e.known_from = asof.to_date(value)
    elif what == "until":
        e.known_until = asof.to_date(value)


def _first(value: Any) -> Any:
    """The lexical form of an optional literal cell (``(value, lang)`` or ``None``)."""
    return value[0] if value else None


def _read_memberships(select: Select) -> dict[str, Membership]:
    """Every participation node by IRI, in the order the store returned them; a node with
    several given dates (two sources) shows the earliest start and the earliest end."""
    mems: dict[str, Membership] = {}
    for row in select(Q_MEMBERSHIPS):
        role = slug_of(row["role"]) if row["role"] else "member"
        start, end = _first(row["start"]), _first(row["end"])
        old = mems.get(row["m"])
        if old is not None:
            start = min(filter(None, (old.start, start)), default=None)
            end = min(filter(None, (old.end, end)), default=None)
        mems[row["m"]] = Membership(
            row["m"],
            row["member"],
            row["org"],
            role,
            start,
            end,
            asof.to_date(_first(row["from"])),
            asof.to_date(_first(row["until"])),
        )
    return mems


def _read_links(select: Select) -> list[Link]:
    """Every regime link, once, in IRI order."""
    return sorted(
        {
            Link(
                r["l"],
                r["s"],
                r["t"],
                slug_of(r["type"]),
                asof.to_date(_first(r["from"])),
                asof.to_date(_first(r["until"])),
            )
            for r in select(Q_LINKS)
        },
        key=lambda lk: lk.iri,
    )
