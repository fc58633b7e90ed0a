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


def read_graph(select: Select) -> RegimeData:
    """Entities, memberships and regime links of the whole graph (no date cut)."""
    ents: dict[str, Entity] = {}
    props = {
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
    for row in select(Q_ENTITIES):
        cls = slug_of(row["type"])
        e = ents.setdefault(row["e"], Entity(row["e"], cls))
        if e.cls != cls and KIND_OF_CLASS.get(cls) and cls < e.cls:
            e.cls = cls  # several types: keep one, deterministically
        if row["p"] is None:
            continue
        value, lang = row["o"]
        what = props[row["p"]]
        if what == "label" and lang in LANGS:
            e.labels.setdefault(lang, value)
            e.labels[lang] = min(e.labels[lang], value)
        elif what == "alt" and lang in LANGS:
            if value not in e.alt.setdefault(lang, []):
                e.alt[lang].append(value)
        elif what == "acronym" and value not in e.acronyms:
            e.acronyms.append(value)
        elif what == "start" and value not in e.start:
            e.start.append(value)
        elif what == "end" and value not in e.end:
            e.end.append(value)
        elif what == "issued" and value not in e.issued:
            e.issued.append(value)
        elif what == "from":
            e.known_from = asof.to_date(value)
        elif what == "until":
            e.known_until = asof.to_date(value)
    for e in ents.values():
        e.acronyms.sort()
        e.start.sort()
        e.end.sort()
        e.issued.sort()
        for v in e.alt.values():
            v.sort()

    mems: dict[str, Membership] = {}
    for row in select(Q_MEMBERSHIPS):
        role = slug_of(row["role"]) if row["role"] else "member"
        start = row["start"][0] if row["start"] else None
        end = row["end"][0] if row["end"] else None
        old = mems.get(row["m"])
        if old is not None:  # several given dates on one node: show the earliest of each
            start = min(filter(None, (old.start, start)), default=None)
            end = min(filter(None, (old.end, end)), default=None)
        mems[row["m"]] = Membership(
            row["m"],
            row["member"],
            row["org"],
            role,
            start,
            end,
            asof.to_date(row["from"][0] if row["from"] else None),
            asof.to_date(row["until"][0] if row["until"] else None),
        )
    for m in mems.values():
        for node in (m.member, m.organisation):
            if node not in ents:
                ents[node] = Entity(node, "")

    links = sorted(
        {
            Link(
                r["l"],
                r["s"],
                r["t"],
                slug_of(r["type"]),
                asof.to_date(r["from"][0] if r["from"] else None),
                asof.to_date(r["until"][0] if r["until"] else None),
            )
            for r in select(Q_LINKS)
        },
        key=lambda lk: lk.iri,
    )
    for lk in links:
        for node in (lk.source, lk.target):
            if node not in ents:
                ents[node] = Entity(node, "")
    return RegimeData(ents, sorted(mems.values(), key=lambda m: m.iri), links)
