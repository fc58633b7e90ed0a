"""Snapshots of the graph for the tools researchers already use (``regimekg export``).

One function, :func:`export`, writes the membership and regime-link networks (or the RDF
itself) as they stood at ``--as-of`` in the format asked for: GraphML and dynamic GEXF for
Gephi, Cytoscape.js JSON, D3 node-link JSON, CSV node/edge lists with a yearly panel, Turtle
and N-Quads, DOT and Graphviz-drawn SVG/PNG, and a self-contained offline HTML viewer.

Every network export shares one model (:func:`snapshot`): node IDs are entity IRIs, every
node carries its label in the chosen language plus both ``label_en`` and ``label_zh``, edges
are the ``rkg:Membership`` and ``rkg:RegimeLink`` nodes themselves (their IRIs are the edge
keys), and the graph's metadata names the build version, build date and as-of date. The
date rule is :mod:`regimekg.asof`'s (docs/time.md): every cut reads the ``rkg:knownFrom`` /
``rkg:knownUntil`` days the build materialised, so an export, the metrics and the named
queries of the same date describe the same network.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph

from . import __version__, asof, figures, files, layout, store, vocab
from .analysis import (
    RegimeData,
    Select,
    compute,
    iter_years,
    networks,
    oxigraph_select,
    read_graph,
)
from .curated import KIND_OF_CLASS
from .errors import UserError
from .namespaces import METRICS_GRAPH, PREFIXES, RKG, slug_of
from .outputs import check_xml_values, csv_row
from .paths import Project
from .terms import rdflib_graph

FORMATS = (
    "graphml", "gexf", "cyjs", "d3", "csv", "ttl", "nq", "dot", "svg", "png", "pdf", "html",
)  # fmt: skip
#: One-mode projections of the membership network, with co-membership weights.
PROJECTIONS = ("institutions", "actors")
NETWORK_CHOICES = ("all", "membership", "links", *PROJECTIONS)
#: The formats that can carry a projection (the others draw or list the two-mode network).
PROJECTION_FORMATS = ("graphml", "gexf", "cyjs", "d3")
LANGS = ("en", "zh")

KIND_LABELS = {
    "institution": ("institution", "机制"),
    "state": ("state", "国家"),
    "person": ("person", "人物"),
    "instrument": ("instrument", "治理文书"),
    "entity": ("entity", "实体"),
}
#: Fill colours of the pictures and the viewer, by entity kind.
KIND_COLOURS = {
    "institution": "#4e79a7",
    "state": "#f28e2b",
    "person": "#b07aa1",
    "instrument": "#59a14f",
    "entity": "#9c9c9c",
}
CJK_FONT = "Noto Sans CJK SC"


# --------------------------------------------------------------------------- the model


def _label(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def _days(known_from: dt.date | None, known_until: dt.date | None) -> tuple[str, str]:
    """The known-from and known-until days as ISO strings ("" when unknown)."""
    return (
        known_from.isoformat() if known_from else "",
        known_until.isoformat() if known_until else "",
    )


def snapshot(
    data: RegimeData,
    *,
    lang: str = "en",
    info: dict[str, Any] | None = None,
    network: str = "all",
) -> nx.MultiDiGraph:
    """The membership and/or regime-link network of *data* as one directed multigraph.

    Membership edges run member → organisation (every role, observers included, with the
    role as an attribute so a tool can filter); regime-link edges run source → target. Nodes
    are the entities that take part in at least one of these edges. Attributes are strings
    (or ints) only, so every format can carry them; a missing value is an empty string.
    """
    info = info or {}
    voc = vocab.current()
    roles, link_types = voc.labels("membership-role"), voc.labels("regime-link-type")
    g = nx.MultiDiGraph()
    g.graph.update(
        {
            "title": "regimekg: AI-governance regime complex / 人工智能治理机制复合体",
            "generator": f"regimekg {info.get('version', __version__)}",
            "build_version": str(info.get("version", __version__)),
            "build_date": str(info.get("built", "")),
            "as_of": data.as_of.isoformat() if data.as_of else "",
            "lang": lang,
            "network": network,
        }
    )
    if network in ("all", "membership"):
        for m in data.memberships:
            first, last = _days(m.known_from, m.known_until)
            g.add_edge(
                m.member,
                m.organisation,
                key=m.iri,
                relation="membership",
                role=m.role,
                link_type="",
                label=_label(roles.get(m.role, (m.role, m.role)), lang),
                start=m.start or "",
                end=m.end or "",
                start_day=first,
                end_day=last,
            )
    if network in ("all", "links"):
        for lk in data.links:
            first, last = _days(lk.known_from, lk.known_until)
            g.add_edge(
                lk.source,
                lk.target,
                key=lk.iri,
                relation="regime-link",
                role="",
                link_type=lk.type,
                label=_label(link_types.get(lk.type, (lk.type, lk.type)), lang),
                start="",
                end="",
                start_day=first,
                end_day=last,
            )
    for node in list(g.nodes):
        e = data.entities.get(node)
        first, last = _days(e.known_from, e.known_until) if e else ("", "")
        g.nodes[node].update(
            {
                "iri": node,
                "label": e.label(lang) if e else slug_of(node),
                "label_en": e.labels.get("en", "") if e else "",
                "label_zh": e.labels.get("zh", "") if e else "",
                "class": e.cls if e else "",
                "kind": e.kind if e else "entity",
                "acronym": ";".join(e.acronyms) if e else "",
                "start": ";".join(e.start) if e else "",
                "end": ";".join(e.end) if e else "",
                "start_day": first,
                "end_day": last,
            }
        )
    return g


def projection(
    data: RegimeData,
    which: str,
    *,
    lang: str = "en",
    info: dict[str, Any] | None = None,
) -> nx.MultiDiGraph:
    """The institution or actor projection of the membership network, weighted.

    The projections are those ``regimekg metrics`` measures (docs/metrics.md; member roles
    only, observers left out): two bodies are joined when they share members, two actors
    when they belong to the same bodies, and ``weight`` is how many they share. Each pair
    is one edge from the IRI that sorts first to the other, with the id ``IRI|IRI`` (the
    same on every run); read it as undirected. Nodes carry the attributes of
    :func:`snapshot`.
    """
    base = snapshot(data, lang=lang, info=info, network="membership")
    net = networks(data)
    proj = net.institutions if which == "institutions" else net.actors
    what = {"institutions": ("shared members", "共同成员"), "actors": ("shared bodies", "共同机制")}
    g = nx.MultiDiGraph()
    g.graph.update(base.graph)
    g.graph["network"] = which
    for n in sorted(proj):
        g.add_node(n, **base.nodes[n])
    for a, b, d in sorted(proj.edges(data=True), key=lambda e: tuple(sorted(e[:2]))):
        u, v = sorted((a, b))
        weight = int(d["weight"])
        g.add_edge(
            u,
            v,
            key=f"{u}|{v}",
            relation="co-membership",
            role="",
            link_type="",
            label=f"{weight} {_label(what[which], lang)}",
            start="",
            end="",
            start_day="",
            end_day="",
            weight=weight,
        )
    return g


def _sorted_copy(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The same graph with nodes and edges in IRI order, so every file is deterministic."""
    h = nx.MultiDiGraph()
    h.graph.update(g.graph)
    for n in sorted(g.nodes):
        h.add_node(n, **g.nodes[n])
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[2], e[0], e[1])):
        h.add_edge(u, v, key=k, **d)
    return h


# --------------------------------------------------------------------------- typed attributes

#: State codes (ontology/regimekg.ttl, "State codes") → node attribute names. The ISO numeric
#: code stays a string so that leading zeros (004) survive, as the ontology says; the
#: Gleditsch–Ward code is a number in every dataset that uses it, so it is written as one.
CODE_ATTRIBUTES = {
    str(RKG.iso3166Alpha2): "iso3166_alpha2",
    str(RKG.iso3166Alpha3): "iso3166_alpha3",
    str(RKG.iso3166Numeric): "iso3166_numeric",
    str(RKG.gleditschWardCode): "gw_code",
}
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

Q_JOIN_KEYS = """
SELECT ?e ?p ?v WHERE {
  { VALUES ?p { rkg:iso3166Alpha2 rkg:iso3166Alpha3 rkg:iso3166Numeric rkg:gleditschWardCode }
    ?e ?p ?v . }
  UNION
  { ?e skos:exactMatch ?v . BIND(skos:exactMatch AS ?p)
    FILTER(STRSTARTS(STR(?v), "http://www.wikidata.org/entity/")) }
}"""


def read_join_keys(select: Select) -> dict[str, dict[str, str | int]]:
    """State codes and Wikidata Q-ids by entity IRI: the keys that join an export to other
    datasets (COW/V-Dem by GW code, World Bank by ISO alpha-3, Wikidata by Q-id)."""
    out: dict[str, dict[str, str | int]] = defaultdict(dict)
    for r in select(Q_JOIN_KEYS):
        value = r["v"][0] if isinstance(r["v"], tuple) else r["v"]
        if r["p"] in CODE_ATTRIBUTES:
            name = CODE_ATTRIBUTES[r["p"]]
            out[r["e"]][name] = int(value) if name == "gw_code" and value.isdigit() else value
        elif value.startswith(WIKIDATA_ENTITY):
            qid = value[len(WIKIDATA_ENTITY) :]
            old = str(out[r["e"]].get("wikidata", ""))
            out[r["e"]]["wikidata"] = ";".join(sorted({*filter(None, old.split(";")), qid}))
    return dict(out)


#: Per-entity values of ``regimekg metrics`` (docs/metrics.md) → node attribute names.
METRIC_ATTRIBUTES = {
    ("member-count", "membership"): "member_count",
    ("institution-membership-count", "membership"): "membership_count",
    ("degree-centrality", "institution-projection"): "institution_degree_centrality",
    ("betweenness-centrality", "institution-projection"): "institution_betweenness",
    ("eigenvector-centrality", "institution-projection"): "institution_eigenvector",
    ("shared-member-strength", "institution-projection"): "shared_member_strength",
    ("degree-centrality", "actor-projection"): "actor_degree_centrality",
    ("betweenness-centrality", "actor-projection"): "actor_betweenness",
    ("eigenvector-centrality", "actor-projection"): "actor_eigenvector",
    ("link-in-degree", "regime-links"): "link_in_degree",
    ("link-out-degree", "regime-links"): "link_out_degree",
    ("betweenness-centrality", "regime-links"): "link_betweenness",
}
#: Counts every node has (0 when it has no member or belongs to nothing).
ALWAYS_COUNTED = ("member_count", "membership_count")


def node_metrics(data: RegimeData) -> dict[str, dict[str, int | float]]:
    """The per-entity metrics of *data*, computed by :func:`regimekg.analysis.compute`, so an
    export carries exactly the numbers ``regimekg metrics --as-of`` prints for that date."""
    out: dict[str, dict[str, int | float]] = defaultdict(dict)
    for o in compute(data).observations:
        name = METRIC_ATTRIBUTES.get((o.metric, o.network))
        if name and o.subject and o.related is None and o.value is not None:
            out[o.subject][name] = o.value
    return dict(out)


def _year(day: str) -> int | None:
    return int(day[:4]) if day else None


def typed(
    g: nx.MultiDiGraph,
    extras: dict[str, dict[str, Any]] | None = None,
) -> nx.MultiDiGraph:
    """The snapshot with typed attributes for GraphML, GEXF and the JSON formats.

    Each element gets one ``start``/``end`` as the source gave it (its precision kept, e.g.
    ``2020-06``; the earliest when sources differ, as for memberships), the materialised
    ``start_day``/``end_day`` (ISO days of docs/time.md) and integer ``start_year``/
    ``end_year``; nodes get their degree in this export, the metrics of
    :func:`node_metrics` and the join keys of :func:`read_join_keys` (*extras*); edges get
    an ``id`` (the statement IRI, so it is the same on every run). A value that is unknown
    is left out rather than written as an empty number, so tools read it as missing.
    """
    extras = extras or {}
    h = _sorted_copy(g)
    for n, d in h.nodes(data=True):
        d["start"] = str(d["start"]).split(";")[0]
        d["end"] = str(d["end"]).split(";")[0]
        d["degree"] = g.degree(n)
        for name in ALWAYS_COUNTED:
            d[name] = 0
        d.update(extras.get(n, {}))
    for _, _, k, d in h.edges(keys=True, data=True):
        d["id"] = k
    items = [d for _, d in h.nodes(data=True)] + [d for _, _, d in h.edges(data=True)]
    for d in items:
        for side in ("start", "end"):
            year = _year(d[f"{side}_day"])
            if year is not None:
                d[f"{side}_year"] = year
    return h


# --------------------------------------------------------------------------- writers


def write_graphml(g: nx.MultiDiGraph, out: Path) -> None:
    """GraphML with typed keys. An edge's IRI is its ``<edge id>`` (networkx writes the key
    there) and, like a node's, its ``iri`` data: igraph refuses an ``id`` data key beside
    the element id and does not keep edge element ids, so ``iri`` is what it reads."""
    check_xml_values(g, "GraphML")
    h = _sorted_copy(g)
    for _, _, k, d in h.edges(keys=True, data=True):
        d.pop("id", None)
        d["iri"] = k
    nx.write_graphml(h, out, encoding="utf-8", prettyprint=True)


GEXF_NS = "http://gexf.net/1.3"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def write_gexf(g: nx.MultiDiGraph, out: Path) -> None:
    """Dynamic GEXF 1.3: node and edge ``start``/``end`` are the known-from/until days.

    Gephi's timeline needs full dates; these are the materialised days of docs/time.md
    (a start of "2020-06" is known from 2020-06-30), so Gephi's timeline shows what
    ``--as-of`` shows. The dates as the sources gave them stay in ``start_given``/``end_given``.
    networkx writes GEXF 1.2draft; the document is moved to the 1.3 namespace and stripped of
    what the 1.3 grammar does not allow (a graph ``name``, ``mode`` on ``attributes``,
    ``xsi:schemaLocation``), so it validates against the published schema
    (tests/fixtures/gexf-1.3).
    """
    check_xml_values(g, "GEXF")
    h = _sorted_copy(g)
    h.graph = {"mode": "dynamic"}
    for items in (h.nodes(data=True), ((u, d) for u, _, d in h.edges(data=True))):
        for _, d in items:
            d["start_given"], d["end_given"] = d.pop("start"), d.pop("end")
            first, last = d.get("start_day", ""), d.get("end_day", "")
            if first:
                d["start"] = first
            if last:
                d["end"] = last
    text = "\n".join(nx.generate_gexf(h, encoding="utf-8", prettyprint=False))
    old = ET.fromstring(text).tag.split("}")[0].strip("{")
    root = ET.fromstring(text.replace(f'"{old}"', f'"{GEXF_NS}"', 1))
    root.attrib.pop(f"{{{_XSI}}}schemaLocation", None)
    root.set("version", "1.3")
    ET.register_namespace("", GEXF_NS)
    ns = {"g": GEXF_NS}
    graph = root.find("g:graph", ns)
    assert graph is not None
    graph.attrib.pop("name", None)
    for attrs in graph.findall("g:attributes", ns):
        attrs.attrib.pop("mode", None)
    meta = root.find("g:meta", ns)
    if meta is None:
        meta = ET.Element(f"{{{GEXF_NS}}}meta")
        root.insert(0, meta)
    meta.attrib.clear()
    built = str(g.graph.get("build_date", ""))[:10]
    if built:
        meta.set("lastmodifieddate", built)
    for child in list(meta):
        meta.remove(child)
    ET.SubElement(meta, f"{{{GEXF_NS}}}creator").text = g.graph["generator"]
    desc = (
        f"{g.graph['title']}; build {g.graph['build_version']} of {g.graph['build_date']}; "
        f"as of {g.graph['as_of'] or 'all dates'}; labels {g.graph['lang']}"
    )
    ET.SubElement(meta, f"{{{GEXF_NS}}}description").text = desc
    ET.indent(root)
    out.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def write_cyjs(g: nx.MultiDiGraph, out: Path) -> None:
    data = nx.cytoscape_data(_sorted_copy(g), name="label", ident="id")
    data["data"] = dict(g.graph)
    _write_json(data, out)


def write_d3(g: nx.MultiDiGraph, out: Path) -> None:
    data = nx.node_link_data(_sorted_copy(g), edges="links")
    _write_json(data, out)


def _write_json(data: Any, out: Path) -> None:
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")


NODE_COLUMNS = (
    "iri",
    "label",
    "label_en",
    "label_zh",
    "class",
    "kind",
    "acronym",
    "start",
    "end",
    "start_day",
    "end_day",
    *CODE_ATTRIBUTES.values(),
    "wikidata",
)
EDGE_COLUMNS = (
    "id",
    "source",
    "target",
    "relation",
    "role",
    "link_type",
    "label",
    "start",
    "end",
    "start_day",
    "end_day",
)


def _node_rows(g: nx.MultiDiGraph) -> list[list[str]]:
    return [[str(g.nodes[n].get(c, "")) for c in NODE_COLUMNS] for n in sorted(g.nodes)]


def _edge_rows(g: nx.MultiDiGraph) -> list[list[str]]:
    rows = []
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[2]):
        rows.append([k, u, v, *(str(d[c]) for c in EDGE_COLUMNS[3:])])
    return rows


def _csv_text(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(csv_row(header))
    w.writerows(csv_row(r) for r in rows)  # formula-like labels stay text in spreadsheets
    return buf.getvalue()


def write_csv_dir(
    full: RegimeData,
    day: dt.date | None,
    out: Path,
    *,
    lang: str,
    info: dict[str, Any],
    network: str,
    keys: dict[str, dict[str, str | int]] | None = None,
    excel: bool = False,
) -> None:
    """``nodes.csv``, ``edges.csv``, a yearly panel and ``metadata.json`` in directory *out*.

    The panel has one edge list per year (``panel/edges-YYYY.csv``, the network on 31
    December of that year, or on the as-of day in its final year) and the same rows stacked
    with a ``year`` column in ``edges-panel.csv`` for R/igraph and pandas. Nodes carry the
    join keys *keys* (state codes, Wikidata). With *excel* every CSV starts with a UTF-8
    byte-order mark: Excel on Windows reads a file without one in the local code page and
    garbles Chinese, while R, pandas and LibreOffice skip the mark.
    """
    enc = "utf-8-sig" if excel else "utf-8"
    out.mkdir(parents=True, exist_ok=True)
    g = snapshot(full.at(day), lang=lang, info=info, network=network)
    for n, d in g.nodes(data=True):
        d.update((keys or {}).get(n, {}))
    (out / "nodes.csv").write_text(_csv_text(NODE_COLUMNS, _node_rows(g)), enc)
    (out / "edges.csv").write_text(_csv_text(EDGE_COLUMNS, _edge_rows(g)), enc)
    panel = out / "panel"
    panel.mkdir()
    last = day or _panel_end(info)
    stacked: list[list[str]] = []
    years = []
    for year in iter_years(full, last):
        cut = min(dt.date(year, 12, 31), last)
        gy = snapshot(full.at(cut), lang=lang, info=info, network=network)
        rows = _edge_rows(gy)
        (panel / f"edges-{year}.csv").write_text(_csv_text(EDGE_COLUMNS, rows), enc)
        stacked.extend([str(year), *r] for r in rows)
        years.append(year)
    (out / "edges-panel.csv").write_text(_csv_text(("year", *EDGE_COLUMNS), stacked), enc)
    meta = {
        **g.graph,
        "panel_years": [years[0], years[-1]] if years else [],
        "encoding": "UTF-8 with BOM" if excel else "UTF-8",
    }
    _write_json(meta, out / CSV_MARKER)


#: The file of a CSV export that marks its directory as one (see :func:`is_csv_export`).
CSV_MARKER = "metadata.json"


def is_csv_export(path: Path) -> bool:
    """Whether the directory *path* is an earlier ``export --format csv`` (which may be
    replaced): its ``metadata.json`` names regimekg as generator and has the panel years."""
    try:
        meta = json.loads((path / CSV_MARKER).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return (
        isinstance(meta, dict)
        and str(meta.get("generator", "")).startswith("regimekg ")
        and "panel_years" in meta
    )


def _panel_end(info: dict[str, Any]) -> dt.date:
    """Last day of the panel without --as-of: the build date (a rebuild keeps it stable)."""
    built = str(info.get("built", ""))[:10]
    try:
        return dt.date.fromisoformat(built)
    except ValueError:
        return dt.date.today()


# --------------------------------------------------------------------------- RDF slices

#: Predicates whose date says when something happened in the world (not when a page was read).
WORLD_DATES = frozenset(
    str(RKG[p])
    for p in (
        "startDate",
        "endDate",
        "date",
        "dateProposed",
        "dateAdopted",
        "dateSigned",
        "datePublished",
        "dateInForce",
        "dateApplies",
    )
)
#: Predicates tying a dependent node (subject) to the entity it is about (object).
OWNED_BY = frozenset(
    str(p)
    for p in (
        RKG.eventOf,
        RKG.classifiedEntity,
        RKG.claimSubject,
        RKG.mentionOf,
        RKG.labelOf,
        RKG.linkSource,
        RKG.linkTarget,
        RKG.participant,
        RKG.participationIn,
    )
)
_DATE_TYPES = frozenset(
    "http://www.w3.org/2001/XMLSchema#" + t for t in ("date", "gYearMonth", "gYear", "dateTime")
)


def _not_yet(lit: ox.Literal, day: dt.date) -> bool:
    """Whether a date literal had not surely happened by *day* (:func:`asof.happened_by`)."""
    if lit.datatype.value not in _DATE_TYPES:
        return False
    return not asof.happened_by(lit.value, day)


def slice_quads(st: ox.Store, full: RegimeData, day: dt.date | None) -> list[ox.Quad]:
    """Every quad of the store, or of the graph as it stood on *day*.

    A slice keeps what :meth:`RegimeData.at` keeps (the materialised known-from/until days)
    and drops entities not known to exist on *day*, memberships and regime links not known
    to hold, everything that depends on a dropped node (its events,
    classifications, claims, mentions, label provenance, and evidence no kept statement
    uses), world dates not surely past (an entry into force after *day*), the
    ``rkg:isMemberOf``/``rkg:hasMember`` shortcuts no kept membership supports, and the
    metrics graph (it describes other dates). Documents and their segments stay: they are
    the evidence base, not the world being described.
    """
    quads = list(st.quads_for_pattern(None, None, None, None))
    if day is None:
        return quads
    cut = full.at(day)
    kept_members = {(m.member, m.organisation) for m in cut.memberships if m.counts}
    dropped: set[str] = {e for e in full.entities if e not in cut.entities}
    dropped |= {m.iri for m in full.memberships} - {m.iri for m in cut.memberships}
    dropped |= {lk.iri for lk in full.links} - {lk.iri for lk in cut.links}

    evidence_of: dict[str, set[str]] = defaultdict(set)
    owner: dict[str, set[str]] = defaultdict(set)
    event_dates: dict[str, list[ox.Literal]] = defaultdict(list)
    for q in quads:
        p = q.predicate.value
        if p == str(RKG.hasEvidence):
            evidence_of[q.object.value].add(q.subject.value)
        elif p in OWNED_BY and isinstance(q.object, ox.NamedNode):
            owner[q.subject.value].add(q.object.value)
        elif p == str(RKG.date) and isinstance(q.object, ox.Literal):
            event_dates[q.subject.value].append(q.object)
    dropped |= {n for n, owners in owner.items() if owners & dropped}
    dropped |= {n for n, ds in event_dates.items() if all(_not_yet(d, day) for d in ds)}
    dropped |= {ev for ev, stmts in evidence_of.items() if stmts <= dropped}

    member_of, has_member = str(RKG.isMemberOf), str(RKG.hasMember)
    out = []
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == str(METRICS_GRAPH):
            continue
        s, p, o = q.subject.value, q.predicate.value, q.object
        if s in dropped or (isinstance(o, ox.NamedNode) and o.value in dropped):
            continue
        if p == member_of and (s, o.value) not in kept_members:
            continue
        if p == has_member and (o.value, s) not in kept_members:
            continue
        if p in WORLD_DATES and isinstance(o, ox.Literal) and _not_yet(o, day):
            continue
        out.append(q)
    return out


def write_nquads(quads: list[ox.Quad], out: Path) -> None:
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert text is not None
    lines = sorted(line for line in text.decode("utf-8").splitlines() if line)
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def write_turtle(quads: list[ox.Quad], out: Path) -> None:
    """All graphs merged into one Turtle file (Turtle has no named graphs; use nq for them)."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    rdflib_graph(sorted({q.triple for q in quads}, key=str), into=g)
    g.serialize(destination=str(out), format="longturtle", encoding="utf-8")


# --------------------------------------------------------------------------- pictures


def _dot_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_SHAPES = {"institution": "box", "state": "ellipse", "person": "ellipse", "instrument": "note"}


def to_dot(g: nx.MultiDiGraph, *, lang: str) -> str:
    """Graphviz DOT of the snapshot, labelled in *lang*, in a font that has Chinese glyphs."""
    title = {
        "en": "AI-governance regime complex",
        "zh": "人工智能治理机制复合体",
    }[lang]
    when = g.graph["as_of"] or ("all dates" if lang == "en" else "全部时间")
    caption = f"{title} · {when} · regimekg {g.graph['build_version']}"
    link_colours = vocab.current().link_colours()
    lines = [
        "digraph regimekg {",
        f"  graph [label={_dot_str(caption)}, labelloc=t, fontsize=18,"
        f" fontname={_dot_str(CJK_FONT)},"
        ' overlap=prism, overlap_scaling=-4, sep="+6", splines=true, outputorder=edgesfirst,'
        " bgcolor=white, pad=0.3];",
        f"  node [fontname={_dot_str(CJK_FONT)}, fontsize=11, style=filled, color=white,"
        ' fontcolor=black, penwidth=0.5, margin="0.08,0.03"];',
        f"  edge [fontname={_dot_str(CJK_FONT)}, fontsize=8, arrowsize=0.5];",
    ]
    for n in sorted(g.nodes):
        d = g.nodes[n]
        kind = d["kind"]
        colour = KIND_COLOURS.get(kind, KIND_COLOURS["entity"])
        size = 10 if kind in ("state", "person") else 13  # institutions stand out
        lines.append(
            f"  {_dot_str(n)} [label={_dot_str(d['label'])}, shape={_SHAPES.get(kind, 'ellipse')},"
            f' fillcolor="{colour}55", fontsize={size}, tooltip={_dot_str(n)}];'
        )
    for u, v, _, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[2]):
        if d["relation"] == "membership":
            style = 'color="#8c8c8c70", penwidth=0.6'
            if d["role"] == "observer":
                style += ", style=dashed"
            lines.append(f"  {_dot_str(u)} -> {_dot_str(v)} [{style}];")
        else:
            colour = link_colours.get(d["link_type"], vocab.DEFAULT_COLOUR)
            lines.append(
                f"  {_dot_str(u)} -> {_dot_str(v)} [color={_dot_str(colour)}, penwidth=1.6,"
                f" fontcolor={_dot_str(colour)}, label={_dot_str(d['label'])}];"
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(dot: str, fmt: str, out: Path, *, nodes: int, dpi: int = 110) -> None:
    """Draw DOT with Graphviz (``neato``, or ``sfdp`` for large graphs) into SVG, PNG or PDF."""
    engine = "sfdp" if nodes > 400 else "neato"
    exe = shutil.which(engine)
    if exe is None:
        raise UserError(
            f"Graphviz `{engine}` is not installed; install the Debian package graphviz "
            "(and fonts-noto-cjk for Chinese labels), or export --format dot."
        )
    args = [exe, f"-T{fmt}", "-o", str(out)]
    if fmt == "png":
        args.insert(1, f"-Gdpi={dpi}")
    try:
        subprocess.run(
            args, input=dot.encode("utf-8"), check=True, capture_output=True, timeout=600
        )
    except subprocess.CalledProcessError as e:
        msg = e.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UserError(f"Graphviz failed drawing {out}: {msg[-1] if msg else e}.") from None


# --------------------------------------------------------------------------- viewer


@dataclass
class Evidence:
    quote: str
    lang: str
    source: str  # source document IRI, or ""
    titles: dict[str, str]  # the source's title by language
    url: str


Q_EVIDENCE = """
SELECT ?stmt ?ev ?quote ?src ?title ?url WHERE {
  ?stmt rkg:hasEvidence ?ev .
  ?ev rkg:quote ?quote .
  OPTIONAL { ?ev rkg:fromSource ?src . OPTIONAL { ?src dcterms:title ?title } }
  OPTIONAL { ?ev rkg:sourceURL ?url }
}"""

Q_CLASSIFICATIONS = """
SELECT ?c ?e ?concept ?label WHERE {
  ?c a rkg:Classification ; rkg:classifiedEntity ?e ; rkg:classifiedAs ?concept .
  OPTIONAL { ?concept rdfs:label|skos:prefLabel ?label }
}"""

Q_ISSUERS = "SELECT ?e ?issuer WHERE { ?e rkg:issuedBy ?issuer }"

Q_CLASS_LABELS = """
SELECT ?cls ?label WHERE {
  VALUES ?cls { %s }
  ?cls rdfs:label ?label .
}"""


def read_evidence(select: Select) -> dict[str, list[Evidence]]:
    """Evidence quotes by statement IRI (entities, memberships, links, classifications)."""
    out: dict[str, dict[str, Evidence]] = defaultdict(dict)
    for r in select(Q_EVIDENCE):
        quote, qlang = r["quote"]
        ev = out[r["stmt"]].get(r["ev"])
        if ev is None:
            url = r["url"][0] if r["url"] else ""
            ev = out[r["stmt"]][r["ev"]] = Evidence(quote, qlang or "", r["src"] or "", {}, url)
        if r["title"]:
            title, tlang = r["title"]
            key = tlang if tlang in LANGS else ""
            if key not in ev.titles or title < ev.titles[key]:
                ev.titles[key] = title
    return {k: [v[e] for e in sorted(v)] for k, v in out.items()}


def _pairs_by_lang(rows: Iterable[tuple[str, Any]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for key, lit in rows:
        if lit is None:
            continue
        value, lang = lit
        if lang in LANGS and (lang not in out[key] or value < out[key][lang]):
            out[key][lang] = value
    return out


def viewer_data(
    select: Select, data: RegimeData, *, lang: str, info: dict[str, Any]
) -> dict[str, Any]:
    """Everything the HTML viewer shows, as one JSON-able object."""
    g = snapshot(data, lang=lang, info=info)
    voc = vocab.current()
    roles, link_types = voc.labels("membership-role"), voc.labels("regime-link-type")
    evidence = read_evidence(select)
    classes = sorted({d["class"] for _, d in g.nodes(data=True) if d["class"] in KIND_OF_CLASS})
    class_labels = _pairs_by_lang(
        (slug_of(r["cls"]), r["label"])
        for r in (select(Q_CLASS_LABELS % " ".join(f"rkg:{c}" for c in classes)) if classes else [])
    )
    cls_rows = select(Q_CLASSIFICATIONS)
    concept_labels = _pairs_by_lang((r["concept"], r["label"]) for r in cls_rows)
    classifications: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen = set()
    for r in cls_rows:
        if (r["c"], r["e"]) in seen or r["e"] not in g:
            continue
        seen.add((r["c"], r["e"]))
        labels = concept_labels.get(r["concept"], {})
        classifications[r["e"]].append(
            {
                "concept": r["concept"],
                "scheme": r["concept"].rsplit("/", 2)[-2],
                "en": labels.get("en", slug_of(r["concept"])),
                "zh": labels.get("zh", ""),
                "evidence": _ev(evidence.get(r["c"], [])),
            }
        )
    issuers: dict[str, list[str]] = defaultdict(list)
    for r in select(Q_ISSUERS):
        if r["e"] in g and r["issuer"] not in issuers[r["e"]]:
            issuers[r["e"]].append(r["issuer"])

    pos = layout.positions(g)
    hub_rank = {n: i + 1 for i, n in enumerate(layout.hubs(g, pos))}
    nodes = []
    for n in sorted(g.nodes):
        d = g.nodes[n]
        e = data.entities.get(n)
        cl = class_labels.get(d["class"], {})
        nodes.append(
            {
                "id": n,
                "x": pos[n][0],
                "y": pos[n][1],
                "hub": hub_rank.get(n, 0),
                "starts": list(e.start) if e else [],
                "ends": list(e.end) if e else [],
                "en": d["label_en"],
                "zh": d["label_zh"],
                "alt": sorted({a for v in (e.alt.values() if e else ()) for a in v}),
                "acronyms": e.acronyms if e else [],
                "kind": d["kind"],
                "cls": d["class"],
                "clsEn": cl.get("en", d["class"]),
                "clsZh": cl.get("zh", ""),
                "start": d["start"],
                "end": d["end"],
                "from": d["start_day"],
                "to": d["end_day"],
                "issuers": sorted(issuers.get(n, [])),
                "classifications": sorted(classifications.get(n, []), key=lambda c: c["concept"]),
                "evidence": _ev(evidence.get(n, [])),
            }
        )
    edges = []
    for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[2]):
        kind = d["role"] if d["relation"] == "membership" else d["link_type"]
        pair = (roles if d["relation"] == "membership" else link_types).get(kind, (kind, kind))
        edges.append(
            {
                "id": k,
                "source": u,
                "target": v,
                "relation": d["relation"],
                "type": kind,
                "en": pair[0],
                "zh": pair[1],
                "start": d["start"],
                "end": d["end"],
                "from": d["start_day"],
                "to": d["end_day"],
                "evidence": _ev(evidence.get(k, [])),
            }
        )
    last = data.as_of or _panel_end(info)
    first = _first_year(nodes, edges, last.year)
    link_colours = voc.link_colours()
    # A large graph opens framed on the hubs of its largest component, so their labels are
    # legible at first sight; the small components lie beside it, a zoom out away.
    main = layout.main_component(g)
    focus = (
        [n for n in sorted(hub_rank, key=hub_rank.__getitem__) if n in main]
        if len(nodes) > layout.FOCUS_MIN_NODES
        else []
    )
    preview = layout.preview_svg(
        pos,
        [
            (e["source"], e["target"], link_colours.get(e["type"], vocab.DEFAULT_COLOUR))
            if e["relation"] == "regime-link"
            else (e["source"], e["target"], "#b5b5b5")
            for e in edges
        ],
        {n["id"]: KIND_COLOURS.get(n["kind"], KIND_COLOURS["entity"]) for n in nodes},
        focus,
    )
    return {
        "meta": {
            **g.graph,
            "firstYear": first,
            "lastYear": last.year,
            "focus": focus,
        },
        "preview": preview,
        "nodes": nodes,
        "edges": edges,
        "colours": {"kinds": KIND_COLOURS, "links": voc.link_colours(), "membership": "#b5b5b5"},
        "kindLabels": {k: {"en": v[0], "zh": v[1]} for k, v in KIND_LABELS.items()},
        "roleLabels": {k: {"en": v[0], "zh": v[1]} for k, v in roles.items()},
        "linkLabels": {k: {"en": v[0], "zh": v[1]} for k, v in link_types.items()},
    }


def _first_year(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], last: int) -> int:
    """First year of the viewer's time control: when the first governance instrument becomes
    known (the AI era: the data's own instruments, not a fixed year), else the first year
    anything does. Before it only the century-old bodies and their members exist, which
    would take most of the slider's width for nothing that changes."""
    instruments = [int(n["from"][:4]) for n in nodes if n["kind"] == "instrument" and n["from"]]
    every = [int(x["from"][:4]) for x in (*nodes, *edges) if x["from"]]
    years = instruments or every
    return min(min(years), last) if years else last


def _ev(items: list[Evidence]) -> list[dict[str, str]]:
    return [
        {
            "quote": e.quote,
            "lang": e.lang,
            "source": e.source,
            "titleEn": e.titles.get("en") or e.titles.get("", ""),
            "titleZh": e.titles.get("zh", ""),
            "url": e.url,
        }
        for e in items
    ]


def _asset(name: str) -> str:
    return (resources.files("regimekg") / "viewer" / name).read_text(encoding="utf-8")


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _inline_json(obj: Any) -> str:
    """JSON that is safe inside a <script> element (no ``</script>`` or ``<!--``)."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def viewer_html(payload: dict[str, Any], *, lang: str) -> str:
    """One self-contained page: data, Cytoscape.js (MIT, vendored) and the app, all inline.

    A Content-Security-Policy of ``default-src 'none'`` with hashes for the two inline
    scripts means the page cannot load or send anything, even by accident.
    """
    vendor = _asset("vendor/cytoscape.min.js")
    licence = _asset("vendor/cytoscape.LICENSE")
    app = _asset("app.js")
    scripts = [vendor, app]
    if any("</script" in x.lower() for x in scripts):
        raise RuntimeError("a viewer script contains </script and cannot be inlined")
    csp = (
        "default-src 'none'; "
        f"script-src {' '.join(_csp_hash(s) for s in scripts)}; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        "connect-src 'none'; form-action 'none'; base-uri 'none'"
    )
    page = _asset("template.html")
    preview = str(payload.get("preview", ""))
    payload = {k: v for k, v in payload.items() if k != "preview"}
    svg64 = base64.b64encode(preview.encode("utf-8")).decode("ascii")
    parts = {
        "{{PREVIEW}}": f"data:image/svg+xml;base64,{svg64}" if preview else "",
        "{{LANG}}": "zh-Hans" if lang == "zh" else "en",
        "{{CSP}}": csp,
        "{{STYLE}}": _asset("viewer.css"),
        "{{DATA}}": _inline_json(payload),
        "{{LICENCE}}": licence.replace("--", "- -"),
        "{{VENDOR}}": vendor,
        "{{APP}}": app,
        "{{UILANG}}": lang,
    }
    for key, value in parts.items():
        before, sep, after = page.partition(key)
        if not sep:
            raise RuntimeError(f"viewer template lacks {key}")
        page = before + value + after
    return page


# --------------------------------------------------------------------------- entry point


def export(
    project: Project,
    fmt: str,
    out: Path,
    *,
    as_of: str | None = None,
    lang: str = "en",
    network: str = "all",
    subgraph: figures.Subgraph | None = None,
    build: str | Path | None = None,
    excel: bool = False,
) -> Path:
    """``regimekg export``: write the graph as it stood at *as_of* to *out* in *fmt*.

    With *subgraph* (``--ego``, ``--members-of``, ``--top``) a picture format draws only that
    part of the network as a page-sized figure with a legend (:mod:`regimekg.figures`).
    *build* is the build directory to read (default ``build/``), as ``--build`` gives it.

    *network* picks what the network formats contain: ``all`` (memberships and regime
    links), ``membership`` or ``links``. CSV writes a directory; every other format one file.
    *excel* (CSV only) writes the files with a UTF-8 byte-order mark for Excel.
    The CSV directory replaces only an empty directory or an earlier CSV export, never a
    folder of other files.
    """
    if fmt not in FORMATS:
        raise UserError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if lang not in LANGS:
        raise UserError(f"Unknown language {lang!r}; use en or zh.")
    if network not in NETWORK_CHOICES:
        raise UserError(f"Unknown network {network!r}; use one of {', '.join(NETWORK_CHOICES)}.")
    if subgraph is not None:
        subgraph.check(fmt)
    if network in PROJECTIONS and fmt not in PROJECTION_FORMATS:
        raise UserError(
            f"--network {network} is a weighted projection that --format {fmt} cannot hold; "
            f"use --format {', '.join(PROJECTION_FORMATS)}."
        )
    if excel and fmt != "csv":
        raise UserError(f"--excel applies to --format csv only, not {fmt}; drop --excel.")
    day = asof.resolve(as_of)
    out = Path(out)
    if not out.parent.is_dir():
        raise UserError(
            f"Cannot write {out}: directory {out.parent} does not exist; create it first."
        )
    project.check_output(out, "-o", whole_dir=fmt == "csv")
    build_dir = project.build_dir(build)
    st = store.open_store(build_dir)
    try:
        # Written beside *out* and renamed into place only once complete, so a failure
        # leaves the previous export (or whatever was there) as it was.
        info = store.read_info(build_dir)
        with vocab.using(project):
            if fmt == "csv":
                with files.staged_dir(out, is_csv_export, "CSV export") as tmp:
                    _write(st, fmt, tmp, day, lang, network, info, excel=excel)
            else:
                with files.atomic_path(out) as tmp:
                    _write(st, fmt, tmp, day, lang, network, info, subgraph, excel=excel)
    except OSError as e:
        raise UserError(f"Cannot write {out}: {e.strerror or e}; choose another path.") from None
    finally:
        del st
    return out


def _write(
    st: ox.Store,
    fmt: str,
    out: Path,
    day: dt.date | None,
    lang: str,
    network: str,
    info: dict[str, Any],
    subgraph: figures.Subgraph | None = None,
    *,
    excel: bool = False,
) -> None:
    select = oxigraph_select(st)
    full = read_graph(select)
    if fmt in ("ttl", "nq"):
        quads = slice_quads(st, full, day)
        (write_turtle if fmt == "ttl" else write_nquads)(quads, out)
        return
    if fmt == "csv":
        keys = read_join_keys(select)
        write_csv_dir(full, day, out, lang=lang, info=info, network=network, keys=keys, excel=excel)
        return
    data = full.at(day)
    if fmt == "html":
        page = viewer_html(viewer_data(select, data, lang=lang, info=info), lang=lang)
        out.write_text(page, encoding="utf-8")
        return
    if network in PROJECTIONS:
        g = projection(data, network, lang=lang, info=info)
    else:
        g = snapshot(data, lang=lang, info=info, network=network)
    if subgraph is not None:
        _write_figure(st, g, subgraph, fmt, out, lang)
        return
    writers = {"graphml": write_graphml, "gexf": write_gexf, "cyjs": write_cyjs, "d3": write_d3}
    if fmt in writers:
        extras: dict[str, dict[str, Any]] = defaultdict(dict)
        for part in (node_metrics(data), read_join_keys(select)):
            for node, values in part.items():
                extras[node].update(values)
        writers[fmt](typed(g, extras), out)
    elif fmt == "dot":
        out.write_text(to_dot(g, lang=lang), encoding="utf-8")
    else:
        render(to_dot(g, lang=lang), fmt, out, nodes=g.number_of_nodes())


def _write_figure(
    st: ox.Store,
    g: nx.MultiDiGraph,
    spec: figures.Subgraph,
    fmt: str,
    out: Path,
    lang: str,
) -> None:
    """A page-sized figure of the subgraph *spec* names (see :mod:`regimekg.figures`)."""

    def resolve(value: str) -> str:
        # Imported here: the query layer loads rdflib's SPARQL parser, which --top never needs.
        from .query import KG
        from .query.backends import OxigraphBackend

        return str(KG(OxigraphBackend(st), None).resolve(value))

    sub, title, outline = figures.select(g, spec, resolve, lang=lang)
    dot = figures.figure_dot(
        sub, lang=lang, title=title, highlight=outline, to_dot=to_dot, kind_colours=KIND_COLOURS
    )
    if fmt == "dot":
        out.write_text(dot, encoding="utf-8")
    else:
        render(dot, fmt, out, nodes=sub.number_of_nodes(), dpi=figures.PNG_DPI)


__all__ = [
    "FORMATS",
    "export",
    "node_metrics",
    "projection",
    "read_join_keys",
    "slice_quads",
    "snapshot",
    "to_dot",
    "typed",
    "viewer_data",
    "viewer_html",
]
