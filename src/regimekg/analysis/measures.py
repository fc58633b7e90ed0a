"""Regime-complexity metrics (DESIGN §8): networks, measures, and their RDF write-back.

The regime-complex literature describes a governance area by how its institutions overlap in
membership, nest inside each other, defer to each other and compete. This module turns the
built graph into the networks those measures need and computes them *as the graph stood at a
date*, so the same numbers can be recomputed for any year and compared over time:

- the two-mode actor × institution **membership network** (roles that make someone a member:
  every role except ``observer``, the same rule as the ``rkg:isMemberOf`` shortcut),
- its one-mode **projections** (institutions linked by shared members; actors linked by shared
  institutions),
- the directed institution × institution **regime-link network** (nested in, part of, hosted
  by, overlaps with, parallel to, builds on, endorses, conflicts with).

Every measure is defined, with formula and literature reference, in ``docs/metrics.md``; the
tests check each one on a hand-computed fixture. Results go to CSV (``build/metrics/``), to a
readable report, and to RDF (``rkg:MetricObservation`` nodes in ``graph/metrics``) so SPARQL
can ask for "the five most central forums in 2023".

All reading of the store goes through :func:`read_graph` (a handful of SPARQL queries), so
moving to another backend changes one function.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .. import asof, dates, files, store, vocab
from ..curated import KIND_OF_CLASS, MEMBER_ROLES
from ..errors import UserError
from ..namespaces import ID, PREFIXES, RKG, concept, iri, scheme, short_hash, slug_of
from ..outputs import csv_row
from ..paths import Project

LANGS = ("en", "zh")
FORMATS = ("table", "csv", "json", "md")

#: Links where the target is the authority the source defers to (Gehring & Faude 2014).
HIERARCHICAL_TYPES = ("builds-on", "endorses", "hosted-by")
#: Links that put one element inside another (Alter & Meunier 2009).
NESTING_TYPES = ("nested-in", "part-of")
#: Operationalisation of Biermann et al. (2009), strongest evidence first (docs/metrics.md).
FRAGMENTATION_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("conflictive", frozenset({"conflicts-with"})),
    ("synergistic", frozenset({"nested-in", "part-of", "hosted-by"})),
    ("cooperative", frozenset({"builds-on", "endorses", "overlaps-with", "parallel-to"})),
)
#: Biermann et al.'s order, from most to least integrated.
FRAGMENTATION_TYPES = ("synergistic", "cooperative", "conflictive")

#: The networks metrics are computed on; their IRIs are ``id/network/{slug}``.
NETWORKS: dict[str, tuple[str, str]] = {
    "membership": ("actor × institution membership network", "行为体—机制成员网络"),
    "institution-projection": ("institution co-membership network", "机制共同成员网络"),
    "actor-projection": ("actor co-membership network", "行为体共同参与网络"),
    "regime-links": ("institution × institution regime-link network", "机制间联系网络"),
}

#: Every metric: slug → (English label, Chinese label, English definition, Chinese definition).
#: The full formulas and references are in docs/metrics.md.
# fmt: off
METRICS: dict[str, tuple[str, str, str, str]] = {
    "node-count": ("nodes", "节点数",
        "Number of nodes in the network.",
        "网络中的节点数。"),
    "edge-count": ("edges", "边数",
        "Number of edges (distinct node pairs) in the network.",
        "网络中的边数（不同的节点对）。"),
    "actor-count": ("actors", "行为体数",
        "Actors holding at least one membership.",
        "至少拥有一项成员资格的行为体数。"),
    "institution-count": ("institutions", "机制数",
        "Institutions with at least one member.",
        "至少有一个成员的机制数。"),
    "density": ("density", "密度",
        "Edges present divided by edges possible (two-mode: |E|/(|A|·|I|)).",
        "实际边数除以可能边数（二模网络：|E|/(|A|·|I|)）。"),
    "component-count": ("components", "连通分量数",
        "Number of (weakly) connected components.",
        "（弱）连通分量的个数。"),
    "largest-component-share": ("largest component share", "最大连通分量占比",
        "Share of nodes in the largest connected component.",
        "最大连通分量中节点所占比例。"),
    "mean-memberships-per-actor": ("mean memberships per actor", "行为体平均成员资格数",
        "Average number of institutions an actor belongs to.",
        "每个行为体平均所属的机制数。"),
    "undated-membership-share": ("share of undated memberships", "无起始日期的成员资格占比",
        "Memberships in force (member roles) that have no start date, over all of them.",
        "现行成员资格（成员类角色）中没有起始日期者所占比例。"),
    "mean-pairwise-jaccard": ("mean pairwise Jaccard overlap", "平均成对Jaccard重叠度",
        "Mean Jaccard overlap over all unordered pairs of institutions.",
        "所有无序机制对的Jaccard重叠度的平均值。"),
    "actors-in-exactly-k": ("actors in exactly k institutions", "恰好参与k个机制的行为体数",
        "Number of actors that are members of exactly k institutions (k = parameter).",
        "恰好是k个机制成员的行为体数（k为参数）。"),
    "actors-in-at-least-k": ("actors in at least k institutions", "至少参与k个机制的行为体数",
        "Number of actors that are members of at least k institutions (k = parameter).",
        "至少是k个机制成员的行为体数（k为参数）。"),
    "link-type-share": ("share of link type", "联系类型占比",
        "Share of regime links of the given type among all regime links.",
        "某一类型的机制间联系在全部联系中所占比例。"),
    "hierarchical-link-share": ("hierarchical link share", "等级性联系占比",
        "Share of builds-on, endorses and hosted-by links among all regime links.",
        "“沿袭自”“认可”“依托于”联系在全部机制间联系中所占比例。"),
    "nesting-link-share": ("nesting link share", "嵌套联系占比",
        "Share of nested-in and part-of links among all regime links.",
        "“嵌套于”“隶属于”联系在全部机制间联系中所占比例。"),
    "fragmentation-type-count": ("pairs of fragmentation type", "各碎片化类型的机制对数",
        "Number of institution pairs classified as the given Biermann type.",
        "被归为某一Biermann碎片化类型的机制对数。"),
    "member-count": ("members", "成员数",
        "Number of actors that are members of the institution.",
        "机制的成员行为体数。"),
    "institution-membership-count": ("institutions joined", "参与机制数",
        "Number of institutions the actor is a member of.",
        "行为体作为成员参与的机制数。"),
    "forum-shopping-options": ("forum-shopping options", "选择法院选项数",
        "Alternative venues the actor can turn to: institutions joined minus one.",
        "行为体可转向的替代场所数：参与机制数减一。"),
    "degree-centrality": ("degree centrality", "度中心性",
        "Neighbours divided by n − 1.",
        "邻居数除以n − 1。"),
    "betweenness-centrality": ("betweenness centrality", "中介中心性",
        "Share of shortest paths between other nodes that pass through the node (normalised).",
        "其他节点之间经过该节点的最短路径比例（标准化）。"),
    "eigenvector-centrality": ("eigenvector centrality", "特征向量中心性",
        "Principal eigenvector per component, weighted by the component's share of nodes.",
        "按连通分量计算的主特征向量，再乘以该分量的节点占比。"),
    "shared-member-strength": ("shared-member strength", "共享成员强度",
        "Sum of members shared with every other institution.",
        "与其他所有机制共享的成员数之和。"),
    "link-in-degree": ("regime links in", "联系入度",
        "Regime links pointing at the element.",
        "指向该要素的机制间联系数。"),
    "link-out-degree": ("regime links out", "联系出度",
        "Regime links starting at the element.",
        "从该要素出发的机制间联系数。"),
    "hierarchical-in-degree": ("hierarchical in-degree", "等级性入度",
        "Builds-on, endorses and hosted-by links pointing at the element.",
        "指向该要素的“沿袭自”“认可”“依托于”联系数。"),
    "shared-members": ("shared members", "共享成员数",
        "|A ∩ B|: actors that are members of both institutions.",
        "|A ∩ B|：同时是两个机制成员的行为体数。"),
    "jaccard": ("Jaccard overlap", "Jaccard重叠度",
        "|A ∩ B| / |A ∪ B|.",
        "|A ∩ B| / |A ∪ B|。"),
    "overlap-coefficient": ("overlap coefficient", "重叠系数",
        "|A ∩ B| / min(|A|, |B|).",
        "|A ∩ B| / min(|A|, |B|)。"),
    "nestedness": ("nestedness of A in B", "A在B中的嵌套度",
        "|A ∩ B| / |A|: share of A's members that are also members of B.",
        "|A ∩ B| / |A|：A的成员中同时也是B成员的比例。"),
    "fragmentation-type": ("Biermann fragmentation type", "Biermann碎片化类型",
        "Synergistic, cooperative or conflictive, from the regime links of the pair.",
        "根据机制对之间的联系判定的协同型、合作型或冲突型。"),
    "states-in-exactly-k-initiatives": (
        "UN member states in exactly k of the sampled initiatives",
        "恰好参与k个样本机制的联合国会员国数",
        "Current UN member states taking part (any role but observer) in exactly k of the "
        "sampled AI-governance initiatives (k = 1 … n; the sample is listed in docs/metrics.md).",
        "恰好参与k个样本人工智能治理机制（除观察员外的任何角色）的联合国现任会员国数"
        "（k = 1 … n；样本见docs/metrics.md）。"),
    "states-in-no-sampled-initiative": (
        "UN member states in none of the sampled initiatives",
        "未参与任何样本机制的联合国会员国数",
        "Current UN member states that take part in none of the sampled AI-governance "
        "initiatives (the k = 0 of states-in-exactly-k-initiatives).",
        "未参与任何样本人工智能治理机制的联合国现任会员国数"
        "（即states-in-exactly-k-initiatives中k = 0的情形）。"),
}
# fmt: on

#: The reference each metric's definition comes from (``dcterms:source`` of its concept).
REFERENCES = {
    "keohane-victor-2011": "Keohane, R. O., & Victor, D. G. (2011). The regime complex for "
    "climate change. Perspectives on Politics, 9(1), 7-23.",
    "biermann-2009": "Biermann, F., Pattberg, P., van Asselt, H., & Zelli, F. (2009). The "
    "fragmentation of global governance architectures: A framework for analysis. Global "
    "Environmental Politics, 9(4), 14-40.",
    "alter-meunier-2009": "Alter, K. J., & Meunier, S. (2009). The politics of international "
    "regime complexity. Perspectives on Politics, 7(1), 13-24.",
    "orsini-2013": "Orsini, A., Morin, J.-F., & Young, O. (2013). Regime complexes: A buzz, a "
    "boom, or a boost for global governance? Global Governance, 19(1), 27-39.",
    "gehring-faude-2014": "Gehring, T., & Faude, B. (2014). A theory of emerging order within "
    "institutional complexes. Review of International Organizations, 9(4), 471-498.",
    "borgatti-everett-1997": "Borgatti, S. P., & Everett, M. G. (1997). Network analysis of "
    "2-mode data. Social Networks, 19(3), 243-269.",
    "wasserman-faust-1994": "Wasserman, S., & Faust, K. (1994). Social Network Analysis: "
    "Methods and Applications. Cambridge University Press.",
    "freeman-1977": "Freeman, L. C. (1977). A set of measures of centrality based on "
    "betweenness. Sociometry, 40(1), 35-41.",
    "freeman-1979": "Freeman, L. C. (1979). Centrality in social networks: Conceptual "
    "clarification. Social Networks, 1(3), 215-239.",
    "bonacich-1972": "Bonacich, P. (1972). Factoring and weighting approaches to status scores "
    "and clique identification. Journal of Mathematical Sociology, 2(1), 113-120.",
    "barrat-2004": "Barrat, A., Barthelemy, M., Pastor-Satorras, R., & Vespignani, A. (2004). "
    "The architecture of complex weighted networks. PNAS, 101(11), 3747-3752.",
    "regimekg": "regimekg documentation, docs/metrics.md (a data-quality indicator of the "
    "graph itself).",
    "jaccard-1912": "Jaccard, P. (1912). The distribution of the flora in the alpine zone. New "
    "Phytologist, 11(2), 37-50.",
    "simpson-1960": "Simpson, G. G. (1960). Notes on the measurement of faunal resemblance. "
    "American Journal of Science, 258-A, 300-311.",
    "busch-2007": "Busch, M. L. (2007). Overlapping institutions, forum shopping, and dispute "
    "settlement in international trade. International Organization, 61(4), 735-761.",
    "un-hlab-ai-2024": "United Nations High-level Advisory Body on Artificial Intelligence "
    "(2024). Governing AI for Humanity: Final Report. United Nations.",
    "aggarwal-1998": "Aggarwal, V. K. (ed.) (1998). Institutional Designs for a Complex World: "
    "Bargaining, Linkages, and Nesting. Cornell University Press.",
}
METRIC_REFERENCES: dict[str, tuple[str, ...]] = {
    "node-count": ("wasserman-faust-1994",),
    "edge-count": ("wasserman-faust-1994",),
    "actor-count": ("borgatti-everett-1997",),
    "institution-count": ("borgatti-everett-1997",),
    "density": ("borgatti-everett-1997", "wasserman-faust-1994"),
    "component-count": ("wasserman-faust-1994",),
    "largest-component-share": ("biermann-2009", "wasserman-faust-1994"),
    "mean-memberships-per-actor": ("keohane-victor-2011",),
    "mean-pairwise-jaccard": ("orsini-2013", "jaccard-1912"),
    "undated-membership-share": ("regimekg",),
    "actors-in-exactly-k": ("keohane-victor-2011", "orsini-2013"),
    "actors-in-at-least-k": ("keohane-victor-2011", "orsini-2013"),
    "link-type-share": ("alter-meunier-2009",),
    "hierarchical-link-share": ("gehring-faude-2014", "alter-meunier-2009"),
    "nesting-link-share": ("aggarwal-1998", "alter-meunier-2009"),
    "fragmentation-type-count": ("biermann-2009",),
    "member-count": ("borgatti-everett-1997",),
    "institution-membership-count": ("keohane-victor-2011",),
    "forum-shopping-options": ("alter-meunier-2009", "busch-2007"),
    "degree-centrality": ("freeman-1979",),
    "betweenness-centrality": ("freeman-1977",),
    "eigenvector-centrality": ("bonacich-1972",),
    "shared-member-strength": ("barrat-2004",),
    "link-in-degree": ("wasserman-faust-1994",),
    "link-out-degree": ("wasserman-faust-1994",),
    "hierarchical-in-degree": ("gehring-faude-2014",),
    "shared-members": ("borgatti-everett-1997",),
    "jaccard": ("jaccard-1912",),
    "overlap-coefficient": ("simpson-1960",),
    "nestedness": ("alter-meunier-2009", "aggarwal-1998"),
    "fragmentation-type": ("biermann-2009",),
    "states-in-exactly-k-initiatives": ("un-hlab-ai-2024", "keohane-victor-2011"),
    "states-in-no-sampled-initiative": ("un-hlab-ai-2024",),
}

#: The initiatives of ``states-in-exactly-k-initiatives`` (slugs), the same set as the default
#: of ``queries/participation-coverage.rq``: seven non-UN AI-governance bodies and instruments
#: with state participation, a sample in the manner of the Advisory Body's report (whose own
#: list no stored page names; docs/data.md, "Coverage"). Slugs the graph lacks are skipped.
COVERAGE_INITIATIVES = (
    "oecd-ai-principles",
    "g20",
    "gpai",
    "coe-framework-convention-on-ai",
    "g7",
    "bletchley-declaration",
    "seoul-declaration",
)
#: Whose current member states the coverage counts.
COVERAGE_POPULATION = "united-nations"

FRAGMENTATION_LABELS = {
    "synergistic": ("synergistic", "协同型"),
    "cooperative": ("cooperative", "合作型"),
    "conflictive": ("conflictive", "冲突型"),
}


# --------------------------------------------------------------------------- the data


@dataclass
class Entity:
    """A named entity as far as the networks need it."""

    iri: str
    cls: str
    labels: dict[str, str] = field(default_factory=dict)
    alt: dict[str, list[str]] = field(default_factory=dict)
    acronyms: list[str] = field(default_factory=list)
    start: list[str] = field(default_factory=list)
    end: list[str] = field(default_factory=list)
    #: adoption, signature, publication or entry-into-force dates (instruments)
    issued: list[str] = field(default_factory=list)
    #: when the entity is known to exist (``rkg:knownFrom`` / ``rkg:knownUntil``, regimekg.asof)
    known_from: dt.date | None = None
    known_until: dt.date | None = None

    @property
    def kind(self) -> str:
        return KIND_OF_CLASS.get(self.cls, "entity")

    def label(self, lang: str = "en") -> str:
        """The label in *lang*, else the other language, else an acronym, else the slug.

        A view never shows a blank name (DESIGN §7); the fallback is for display only and is
        never written back as a label.
        """
        other = "zh" if lang == "en" else "en"
        return (
            self.labels.get(lang)
            or self.labels.get(other)
            or (self.acronyms[0] if self.acronyms else "")
            or slug_of(self.iri)
        )


@dataclass(frozen=True)
class Membership:
    """One ``rkg:Membership`` node."""

    iri: str
    member: str
    organisation: str
    role: str
    start: str | None = None
    end: str | None = None
    known_from: dt.date | None = None
    known_until: dt.date | None = None

    @property
    def counts(self) -> bool:
        """Whether the role makes the actor a member (everything but observer)."""
        return self.role in MEMBER_ROLES


@dataclass(frozen=True)
class Link:
    """One ``rkg:RegimeLink`` node."""

    iri: str
    source: str
    target: str
    type: str
    known_from: dt.date | None = None
    known_until: dt.date | None = None


@dataclass
class RegimeData:
    """The entities, memberships and regime links of a build, optionally cut at a date."""

    entities: dict[str, Entity]
    memberships: list[Membership]
    links: list[Link]
    as_of: dt.date | None = None

    def at(self, day: dt.date | None) -> RegimeData:
        """The graph as known on *day* (:func:`regimekg.asof.present` on the values the
        build materialised); ``None`` keeps everything."""
        if day is None:
            return self
        ents = {
            k: e for k, e in self.entities.items() if asof.present(e.known_from, e.known_until, day)
        }
        mems = [
            m
            for m in self.memberships
            if asof.present(m.known_from, m.known_until, day)
            and m.member in ents
            and m.organisation in ents
        ]
        links = [
            lk
            for lk in self.links
            if asof.present(lk.known_from, lk.known_until, day)
            and lk.source in ents
            and lk.target in ents
        ]
        return RegimeData(ents, mems, links, day)

    def label(self, node: str, lang: str = "en") -> str:
        e = self.entities.get(node)
        return e.label(lang) if e else slug_of(node)


#: ``--as-of`` values are resolved by the module that owns the rule.
resolve_as_of = asof.resolve


# --------------------------------------------------------------------------- reading

Row = dict[str, Any]
Select = Callable[[str], list[Row]]

_PREFIX_TEXT = "".join(f"PREFIX {k}: <{v}>\n" for k, v in sorted(PREFIXES.items()))
_ENTITY_TYPES = " ".join(f"rkg:{c}" for c in sorted(KIND_OF_CLASS))


def _value(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value (IRIs and literals as strings)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return (term.value, term.language)
    return term.value


def oxigraph_select(st: ox.Store) -> Select:
    """A SELECT runner over the union of every named graph of a pyoxigraph store."""

    def run(query: str) -> list[Row]:
        res = st.query(_PREFIX_TEXT + query, use_default_graph_as_union=True)
        assert isinstance(res, ox.QuerySolutions)
        names = [v.value for v in res.variables]
        return [{n: _value(sol[n]) for n in names} for sol in res]

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
  ?m a rkg:Membership ; org:member ?member ; org:organization ?org .
  OPTIONAL { ?m org:role ?role }
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


# --------------------------------------------------------------------------- networks


@dataclass
class Networks:
    """The networks of one slice, built once and shared by every metric."""

    members_of: dict[str, set[str]]  # institution → its members (member roles only)
    institutions_of: dict[str, set[str]]  # actor → institutions it belongs to
    membership: nx.Graph  # two-mode, undirected
    institutions: nx.Graph  # projection, weight = shared members
    actors: nx.Graph  # projection, weight = shared institutions
    links: nx.MultiDiGraph  # regime links, key = link IRI, attribute ``type``


def networks(data: RegimeData) -> Networks:
    """Build the membership network, its projections and the regime-link network."""
    members_of: dict[str, set[str]] = defaultdict(set)
    institutions_of: dict[str, set[str]] = defaultdict(set)
    for m in data.memberships:
        if m.counts and m.member != m.organisation:
            members_of[m.organisation].add(m.member)
            institutions_of[m.member].add(m.organisation)

    two = nx.Graph()
    for org in sorted(members_of):
        two.add_node(org)
    for actor in sorted(institutions_of):
        two.add_node(actor)
    for org in sorted(members_of):
        for actor in sorted(members_of[org]):
            two.add_edge(actor, org)
    for node in two:
        two.nodes[node]["mode"] = (
            "both"
            if node in members_of and node in institutions_of
            else ("institution" if node in members_of else "actor")
        )

    inst = nx.Graph()
    inst.add_nodes_from(sorted(members_of))
    orgs = sorted(members_of)
    for i, a in enumerate(orgs):
        for b in orgs[i + 1 :]:
            shared = len(members_of[a] & members_of[b])
            if shared:
                inst.add_edge(a, b, weight=shared)

    # Count shared institutions first, then add each edge once: the edges keep the order in
    # which they first occur (node and adjacency order fix the betweenness summation order).
    shared_by: dict[tuple[str, str], int] = {}
    for org in orgs:
        ms = sorted(members_of[org])
        for i, a in enumerate(ms):
            for b in ms[i + 1 :]:
                shared_by[a, b] = shared_by.get((a, b), 0) + 1
    act = nx.Graph()
    act.add_nodes_from(sorted(institutions_of))
    act.add_weighted_edges_from((a, b, w) for (a, b), w in shared_by.items())

    lnet = nx.MultiDiGraph()
    for lk in data.links:
        lnet.add_edge(lk.source, lk.target, key=lk.iri, type=lk.type)

    return Networks(dict(members_of), dict(institutions_of), two, inst, act, lnet)


# The two centralities below compute exactly what networkx computes
# (``betweenness_centrality`` with its defaults, ``eigenvector_centrality`` without weights):
# the floating-point operations whose order decides the result happen in networkx's order, so
# the values are bit-for-bit networkx's (tests/test_analysis.py compares them with ``==``).
# They work on lists of node numbers instead of networkx's adjacency views, and betweenness
# searches level by level with set operations. The build computes a dozen slices whose actor
# projection is dense (~150 nodes, ~9,000 edges); there networkx took 3.5 s of the 4 s the
# metrics cost, these take about half a second.


def _adjacency(g: nx.Graph, nodes: Sequence[str]) -> list[list[int]]:
    """The neighbours of each of *nodes* as positions in *nodes*, in *g*'s adjacency order."""
    index = {v: i for i, v in enumerate(nodes)}
    return [[index[w] for w in g.adj[v] if w in index] for v in nodes]


def betweenness(g: nx.Graph) -> dict[str, float]:
    """Normalised shortest-path betweenness of an undirected graph (Brandes 2001).

    Equal to ``nx.betweenness_centrality(g)``. Brandes' algorithm sums each node's
    dependency over the nodes of the breadth-first search in reverse visiting order, so that
    order must be networkx's: sources in node order, each level's nodes in the order their
    first predecessor (in level order) lists them. The rest are exact integers (path counts)
    or sums into distinct nodes, whose order does not matter. Finding the next level with set
    operations instead of walking every adjacency list is what makes it fast on dense graphs.
    """
    if g.is_directed():
        raise ValueError("betweenness() is for undirected graphs")
    nodes = list(g)
    n = len(nodes)
    adj = _adjacency(g, nodes)
    nbrs = [set(a) for a in adj]
    total = [0.0] * n
    for s in range(n):
        sigma = [0.0] * n  # shortest paths from s
        sigma[s] = 1.0
        preds: list[list[int]] = [[] for _ in range(n)]
        order = [s]  # visiting order
        level = [s]
        unseen = set(range(n)) - {s}
        while level and unseen:
            found: list[int] = []
            for v in level:
                new = nbrs[v] & unseen
                if new:
                    unseen -= new
                    found.extend(w for w in adj[v] if w in new)
            rank = {v: i for i, v in enumerate(level)}
            for w in found:
                # w's predecessors in level order (the cheaper of two ways to list them),
                # summing their path counts in that order as networkx does
                p = (
                    sorted(nbrs[w].intersection(rank), key=rank.__getitem__)
                    if len(nbrs[w]) < len(level)
                    else [v for v in level if v in nbrs[w]]
                )
                preds[w] = p
                for v in p:
                    sigma[w] += sigma[v]
            order.extend(found)
            level = found
        delta = [0] * n  # an int 0 like networkx's, so 1 + delta is computed alike
        for w in reversed(order):
            coeff = (1 + delta[w]) / sigma[w]
            for v in preds[w]:
                delta[v] += sigma[v] * coeff
            if w != s:
                total[w] += delta[w]
    if n - 1 >= 2:
        scale = 1 / ((n - 1) * (n - 2))
        total = [b * scale for b in total]
    return dict(zip(nodes, total, strict=True))


def _eigenvector(g: nx.Graph, nodes: Sequence[str]) -> dict[str, float]:
    """Eigenvector centrality of the subgraph of *g* on *nodes* (one connected component).

    Equal to ``nx.eigenvector_centrality(g.subgraph(nodes), max_iter=10_000, tol=1e-12)``
    for a subgraph that iterates its nodes in the order given: power iteration on A + I from
    the uniform vector, Euclidean normalisation, stopping when the L1 change is below n·tol.
    Only the node order matters for the result (each x[w] sums its neighbours in that order).
    """
    n = len(nodes)
    adj = _adjacency(g, nodes)
    x = [1 / n] * n
    for _ in range(10_000):
        last = x
        x = last.copy()
        for v, nbrs in enumerate(adj):
            xv = last[v]
            for w in nbrs:
                x[w] += xv
        norm = math.hypot(*x) or 1
        x = [xv / norm for xv in x]
        if sum(abs(x[v] - last[v]) for v in range(n)) < n * 1e-12:
            return dict(zip(nodes, x, strict=True))
    raise nx.PowerIterationFailedConvergence(10_000)


def eigenvector_by_component(g: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality that stays defined on a disconnected graph.

    The principal eigenvector of a disconnected graph lives on one component only, and power
    iteration there depends on the start vector. Instead each component *c* gets its own
    principal eigenvector *u_c* (unit Euclidean norm, as networkx computes it) scaled by its
    share of the nodes: ``x_v = (n_c / n) · u_c(v)``. On a connected graph this equals the
    ordinary eigenvector centrality; isolated nodes get 0. Each component is iterated in the
    graph's node order, so the result does not depend on set order.
    """
    n = g.number_of_nodes()
    out = dict.fromkeys(g, 0.0)
    for comp in nx.connected_components(g):
        if len(comp) < 2:
            continue
        u = _eigenvector(g, [v for v in g if v in comp])
        for v, x in u.items():
            out[v] = x * len(comp) / n
    return out


def _density_two_mode(net: Networks) -> float:
    a, i = len(net.institutions_of), len(net.members_of)
    return net.membership.number_of_edges() / (a * i) if a and i else 0.0


def _components(g: nx.Graph | nx.DiGraph) -> tuple[int, float]:
    n = g.number_of_nodes()
    if not n:
        return 0, 0.0
    comps = list(
        nx.weakly_connected_components(g) if g.is_directed() else nx.connected_components(g)
    )
    return len(comps), max(len(c) for c in comps) / n


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Observation:
    """One metric value: for a network, a node, or an ordered/unordered pair of nodes."""

    metric: str
    network: str
    value: float | int | None
    subject: str | None = None  # None: the network itself
    related: str | None = None  # pairwise metrics
    k: int | None = None  # participation coverage
    category: str | None = None  # a link type or a fragmentation type


@dataclass
class Metrics:
    """All metric values of one slice."""

    data: RegimeData
    observations: list[Observation]

    def by(self, metric: str, network: str | None = None) -> list[Observation]:
        return [
            o
            for o in self.observations
            if o.metric == metric and (network is None or o.network == network)
        ]

    def value(
        self,
        metric: str,
        network: str,
        subject: str | None = None,
        related: str | None = None,
        *,
        k: int | None = None,
        category: str | None = None,
    ) -> float | int | None:
        """One value, or None when it was not computed (e.g. a pair with nothing shared)."""
        for o in self.observations:
            if (o.metric, o.network, o.subject, o.related, o.k, o.category) == (
                metric,
                network,
                subject,
                related,
                k,
                category,
            ):
                return o.value
        return None


def fragmentation_type(types: Iterable[str]) -> str | None:
    """Biermann et al.'s type of one pair from the link types between them, or None.

    Conflict wins over integration, integration over looser cooperation
    (:data:`FRAGMENTATION_RULES`); a pair without any regime link is not classified.
    """
    present = set(types)
    for name, rule in FRAGMENTATION_RULES:
        if present & rule:
            return name
    return None


def compute(data: RegimeData) -> Metrics:
    """Every metric of docs/metrics.md on one slice of the graph."""
    net = networks(data)
    obs: list[Observation] = []
    add = obs.append

    # ---- network-level
    two = net.membership
    add(Observation("node-count", "membership", two.number_of_nodes()))
    add(Observation("edge-count", "membership", two.number_of_edges()))
    add(Observation("actor-count", "membership", len(net.institutions_of)))
    add(Observation("institution-count", "membership", len(net.members_of)))
    add(Observation("density", "membership", _density_two_mode(net)))
    c, share = _components(two)
    add(Observation("component-count", "membership", c))
    add(Observation("largest-component-share", "membership", share))
    counted = [m for m in data.memberships if m.counts and m.member != m.organisation]
    undated = sum(1 for m in counted if m.start is None)
    add(
        Observation(
            "undated-membership-share", "membership", undated / len(counted) if counted else 0.0
        )
    )
    ks = [len(v) for v in net.institutions_of.values()]
    add(Observation("mean-memberships-per-actor", "membership", sum(ks) / len(ks) if ks else 0.0))
    n_inst = len(net.members_of)
    for k in range(1, n_inst + 1):
        add(Observation("actors-in-exactly-k", "membership", sum(x == k for x in ks), k=k))
        add(Observation("actors-in-at-least-k", "membership", sum(x >= k for x in ks), k=k))

    for name, g in (("institution-projection", net.institutions), ("actor-projection", net.actors)):
        add(Observation("node-count", name, g.number_of_nodes()))
        add(Observation("edge-count", name, g.number_of_edges()))
        add(Observation("density", name, nx.density(g) if len(g) > 1 else 0.0))
        c, share = _components(g)
        add(Observation("component-count", name, c))
        add(Observation("largest-component-share", name, share))

    lsimple = nx.DiGraph(net.links)
    add(Observation("node-count", "regime-links", lsimple.number_of_nodes()))
    add(Observation("edge-count", "regime-links", lsimple.number_of_edges()))
    add(Observation("density", "regime-links", nx.density(lsimple) if len(lsimple) > 1 else 0.0))
    c, share = _components(lsimple)
    add(Observation("component-count", "regime-links", c))
    add(Observation("largest-component-share", "regime-links", share))
    n_links = len(data.links)
    by_type: dict[str, int] = defaultdict(int)
    for lk in data.links:
        by_type[lk.type] += 1
    if n_links:
        types = vocab.current().slugs("regime-link-type")
        for t in [*types, *sorted(set(by_type) - set(types))]:
            add(Observation("link-type-share", "regime-links", by_type[t] / n_links, category=t))
        hier = sum(by_type[t] for t in HIERARCHICAL_TYPES)
        nest = sum(by_type[t] for t in NESTING_TYPES)
        add(Observation("hierarchical-link-share", "regime-links", hier / n_links))
        add(Observation("nesting-link-share", "regime-links", nest / n_links))

    # ---- institutions
    g = net.institutions
    deg = nx.degree_centrality(g) if len(g) > 1 else dict.fromkeys(g, 0.0)
    btw = betweenness(g)
    eig = eigenvector_by_component(g)
    for org in sorted(net.members_of):
        add(Observation("member-count", "membership", len(net.members_of[org]), org))
        add(Observation("degree-centrality", "institution-projection", deg[org], org))
        add(Observation("betweenness-centrality", "institution-projection", btw[org], org))
        add(Observation("eigenvector-centrality", "institution-projection", eig[org], org))
        strength = sum(d["weight"] for _, _, d in g.edges(org, data=True))
        add(Observation("shared-member-strength", "institution-projection", strength, org))

    lund = nx.Graph(lsimple.to_undirected())
    lbtw = betweenness(lund)
    for node in sorted(net.links):
        ins = list(net.links.in_edges(node, data="type"))
        add(Observation("link-in-degree", "regime-links", len(ins), node))
        add(Observation("link-out-degree", "regime-links", net.links.out_degree(node), node))
        hier_in = sum(1 for _, _, t in ins if t in HIERARCHICAL_TYPES)
        add(Observation("hierarchical-in-degree", "regime-links", hier_in, node))
        add(Observation("betweenness-centrality", "regime-links", lbtw[node], node))

    # ---- actors
    g = net.actors
    deg = nx.degree_centrality(g) if len(g) > 1 else dict.fromkeys(g, 0.0)
    btw = betweenness(g)
    eig = eigenvector_by_component(g)
    for actor in sorted(net.institutions_of):
        k = len(net.institutions_of[actor])
        add(Observation("institution-membership-count", "membership", k, actor))
        add(Observation("forum-shopping-options", "membership", max(k - 1, 0), actor))
        add(Observation("degree-centrality", "actor-projection", deg[actor], actor))
        add(Observation("betweenness-centrality", "actor-projection", btw[actor], actor))
        add(Observation("eigenvector-centrality", "actor-projection", eig[actor], actor))

    # ---- pairs of institutions
    jac_sum = 0.0
    for i, a in enumerate(orgs := sorted(net.members_of)):
        for b in orgs[i + 1 :]:
            ma, mb = net.members_of[a], net.members_of[b]
            shared = len(ma & mb)
            jac = shared / len(ma | mb)
            jac_sum += jac
            if not shared:
                continue
            p = "institution-projection"
            add(Observation("shared-members", p, shared, a, b))
            add(Observation("jaccard", p, jac, a, b))
            add(Observation("overlap-coefficient", p, shared / min(len(ma), len(mb)), a, b))
            add(Observation("nestedness", p, shared / len(ma), a, b))
            add(Observation("nestedness", p, shared / len(mb), b, a))
    n_pairs = n_inst * (n_inst - 1) // 2
    add(Observation("mean-pairwise-jaccard", "membership", jac_sum / n_pairs if n_pairs else 0.0))

    pair_types: dict[tuple[str, str], set[str]] = defaultdict(set)
    for lk in data.links:
        if lk.source != lk.target:
            pair_types[tuple(sorted((lk.source, lk.target)))].add(lk.type)  # type: ignore[index]
    counts = dict.fromkeys(FRAGMENTATION_TYPES, 0)
    for (a, b), types in sorted(pair_types.items()):
        ft = fragmentation_type(types)
        if ft is None:
            continue
        counts[ft] += 1
        add(Observation("fragmentation-type", "regime-links", None, a, b, category=ft))
    if pair_types:
        for ft, n in counts.items():
            add(Observation("fragmentation-type-count", "regime-links", n, category=ft))

    # ---- participation coverage of UN member states in the sampled initiatives
    # (k = 0 is a metric of its own: rkg:metricParameter is a positive integer)
    for k, n_states in enumerate(participation_coverage(data)[1]):
        if k == 0:
            add(Observation("states-in-no-sampled-initiative", "membership", n_states))
        else:
            add(Observation("states-in-exactly-k-initiatives", "membership", n_states, k=k))

    # Round once so ties compare equal and values do not depend on summation order.
    obs = [replace(o, value=round(o.value, 12)) if isinstance(o.value, float) else o for o in obs]
    return Metrics(data, obs)


def participation_coverage(
    data: RegimeData,
    initiatives: Sequence[str] = COVERAGE_INITIATIVES,
    population: str = COVERAGE_POPULATION,
) -> tuple[list[str], list[int], list[str]]:
    """How many member states of *population* take part in k of *initiatives*, k = 0 … n.

    The Advisory Body's figure ("seven countries are parties to all … 118 to none"), asked of
    this slice: returns the initiatives the slice holds (IRIs, in the given order), the number
    of states in exactly k of them for each k, and the states in none (IRIs, sorted). Taking
    part is any role but observer (:data:`MEMBER_ROLES`), so a signature, an adherence or an
    endorsement counts like a seat; on the uncut graph a participation with an end date no
    longer counts (a dated slice has already dropped what had ended). A state's seat in the
    population counts the same way; an organisation's participation (the EU's) is not its
    members'. Slugs the slice lacks are skipped, so n may be smaller than the list."""
    by_slug = {slug_of(e): e for e in data.entities}
    chosen = [by_slug[s] for s in initiatives if s in by_slug]
    pop = by_slug.get(population)
    current = [m for m in data.memberships if m.counts and (data.as_of or m.end is None)]
    states = sorted(
        {
            m.member
            for m in current
            if m.organisation == pop and data.entities[m.member].cls == "State"
        }
    )
    wanted = set(chosen)
    taken: dict[str, set[str]] = defaultdict(set)
    for m in current:
        if m.organisation in wanted:
            taken[m.member].add(m.organisation)
    counts = [0] * (len(chosen) + 1)
    for st in states:
        counts[len(taken[st])] += 1
    return chosen, counts if states else [], [st for st in states if not taken[st]]


def metrics_at(select: Select, as_of: str | None) -> Metrics:
    """Read the graph, cut it at *as_of* and compute every metric."""
    return compute(read_graph(select).at(asof.resolve(as_of)))


# --------------------------------------------------------------------------- RDF


def network_iri(name: str) -> URIRef:
    return iri("network", name)


def metric_iri(name: str) -> URIRef:
    return concept("metric", name)


_XSD_INTEGER = f"<{XSD.integer}>"
_XSD_DOUBLE = f"<{XSD.double}>"
_XSD_DATE = f"<{XSD.date}>"


def _iri(term: str) -> str:
    return f"<{term}>"


def _lit(text: str, lang: str | None = None) -> str:
    """A string literal in N-Triples (escaping what the grammar requires)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"@{lang}' if lang else f'"{text}"'


def _num(v: float | int) -> str:
    """A value as ``xsd:integer`` or ``xsd:double`` (``repr`` is what rdflib writes too)."""
    if isinstance(v, int):  # bool is an int too
        return f'"{int(v)}"^^{_XSD_INTEGER}'
    return f'"{round(float(v), 12)!r}"^^{_XSD_DOUBLE}'


_SCHEME_DEF = (
    "Network measures of a regime complex computed by regimekg from the memberships and "
    "regime links of the graph at a date; formulas in docs/metrics.md.",
    "regimekg根据图谱中某一时点的成员资格与机制间联系计算的机制复合体网络指标；公式见docs/metrics.md。",
)


def to_ntriples(m: Metrics) -> Iterator[str]:
    """The observations as ``rkg:MetricObservation`` nodes, one N-Triples line each triple.

    This is the one writer of ``graph/metrics`` (and, through :func:`to_rdf`, of
    ``ontology/vocab/metric.ttl``). It writes text rather than rdflib terms because the build
    writes some 120 k of these triples and rdflib's term objects, graph and serialiser cost
    several seconds for them; the text goes straight to pyoxigraph.

    Observation IRIs hash metric, network, subjects, parameter and date, so the slices the
    build writes side by side never collide and a rebuild yields the same IRIs. Each slice
    repeats the scheme, concept and network triples; a graph or store keeps them once.
    """
    a, label, pref, defn, source = (
        _iri(t) for t in (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.definition, DCTERMS.source)
    )
    day = m.data.as_of
    metric_scheme = _iri(scheme("metric"))
    yield f"{metric_scheme} {a} <{SKOS.ConceptScheme}> .\n"
    for lang, text in (("en", "regime-complexity metrics"), ("zh", "机制复合体指标")):
        yield f"{metric_scheme} {label} {_lit(text, lang)} .\n"
        yield f"{metric_scheme} {pref} {_lit(text, lang)} .\n"
    yield f"{metric_scheme} {defn} {_lit(_SCHEME_DEF[0], 'en')} .\n"
    yield f"{metric_scheme} {defn} {_lit(_SCHEME_DEF[1], 'zh')} .\n"
    yield f"{metric_scheme} {source} {_lit(REFERENCES['orsini-2013'])} .\n"
    for slug in sorted({o.metric for o in m.observations}):
        en, zh, def_en, def_zh = METRICS[slug]
        c = _iri(metric_iri(slug))
        yield f"{c} {a} <{SKOS.Concept}> .\n"
        yield f"{c} <{SKOS.inScheme}> {metric_scheme} .\n"
        for lang, text in (("en", en), ("zh", zh)):
            yield f"{c} {label} {_lit(text, lang)} .\n"
            yield f"{c} {pref} {_lit(text, lang)} .\n"
        yield f"{c} {defn} {_lit(def_en, 'en')} .\n"
        yield f"{c} {defn} {_lit(def_zh, 'zh')} .\n"
        for ref in METRIC_REFERENCES[slug]:
            yield f"{c} {source} {_lit(REFERENCES[ref])} .\n"
    for slug in sorted({o.network for o in m.observations}):
        n = _iri(network_iri(slug))
        yield f"{n} {a} <{RKG.Network}> .\n"
        yield f"{n} {label} {_lit(NETWORKS[slug][0], 'en')} .\n"
        yield f"{n} {label} {_lit(NETWORKS[slug][1], 'zh')} .\n"

    observation, metric, network = (
        _iri(t) for t in (RKG.MetricObservation, RKG.metric, RKG.network)
    )
    subject, related, value, parameter, fragmentation, category, as_of = (
        _iri(t)
        for t in (
            RKG.subject,
            RKG.relatedSubject,
            RKG.value,
            RKG.metricParameter,
            RKG.hasFragmentationType,
            RKG.category,
            RKG.asOf,
        )
    )
    on_day = f'{as_of} "{day.isoformat()}"^^{_XSD_DATE} .\n' if day is not None else ""
    terms: dict[tuple[str, str], str] = {}  # (kind, slug) → IRI, each checked once

    def term(kind: str, slug: str) -> str:
        key = (kind, slug)
        if key not in terms:
            if kind == "metric":
                terms[key] = _iri(metric_iri(slug))
            elif kind == "network":
                terms[key] = _iri(network_iri(slug))
            else:
                terms[key] = _iri(concept(kind, slug))
        return terms[key]

    for o in m.observations:
        key = "\x1e".join(
            str(x) for x in (o.metric, o.network, o.subject, o.related, o.k, o.category, day)
        )
        node = f"<{ID}metric-observation/{short_hash(key, length=16)}>"
        yield f"{node} {a} {observation} .\n"
        yield f"{node} {metric} {term('metric', o.metric)} .\n"
        yield f"{node} {network} {term('network', o.network)} .\n"
        if o.subject is not None:
            yield f"{node} {subject} <{o.subject}> .\n"
        if o.related is not None:
            yield f"{node} {related} <{o.related}> .\n"
        if o.value is not None:
            yield f"{node} {value} {_num(o.value)} .\n"
        if o.k is not None:
            yield f'{node} {parameter} "{o.k}"^^{_XSD_INTEGER} .\n'
        if o.category is not None:
            if o.metric in ("fragmentation-type", "fragmentation-type-count"):
                yield f"{node} {fragmentation} {term('fragmentation-type', o.category)} .\n"
            else:
                yield f"{node} {category} {term('regime-link-type', o.category)} .\n"
        if on_day:
            yield f"{node} {on_day}"


def to_rdf(m: Metrics, g: Graph | None = None) -> Graph:
    """The triples of :func:`to_ntriples`, added to *g* or a new rdflib graph."""
    return _parsed("".join(to_ntriples(m)), g)


def _parsed(ntriples: str, g: Graph | None = None) -> Graph:
    g = Graph() if g is None else g
    for prefix, ns in (("rkg", RKG), ("id", ID), ("skos", SKOS)):
        g.bind(prefix, ns)
    return g.parse(data=ntriples, format="nt")


def metrics_graph(st: ox.Store, *, as_of: str | None = None) -> Graph:
    """The metrics of the graph as it stood at *as_of*, as RDF for ``graph/metrics``."""
    return to_rdf(metrics_at(oxigraph_select(st), as_of))


def metrics_graph_slices(st: ox.Store, as_of: Iterable[str | None]) -> Graph:
    """Several slices in one graph, reading the store once (see :func:`metrics_ntriples`)."""
    return _parsed(metrics_ntriples(st, as_of).decode("utf-8"))


def metrics_ntriples(st: ox.Store, as_of: Iterable[str | None]) -> bytes:
    """Several slices as N-Triples for ``graph/metrics``, reading the store once.

    The build writes the whole graph (uncut) and 31 December of every year since 2016 this way, all
    cut from one :func:`read_graph` (each slice is ~10 k triples and a few tenths of a second
    on the bundled data, so a build should write the years a reader will ask about, not every
    year since 1945). Triples repeated across slices (the metric concepts) are written once.
    """
    full = read_graph(oxigraph_select(st))
    lines = dict.fromkeys(
        line for value in as_of for line in to_ntriples(compute(full.at(asof.resolve(value))))
    )
    return "".join(lines).encode("utf-8")


# --------------------------------------------------------------------------- tables

#: Columns of the CSV files and report tables: (key, English header, Chinese header).
INSTITUTION_COLUMNS = (
    ("member-count", "members", "成员数"),
    ("degree-centrality", "degree", "度中心性"),
    ("betweenness-centrality", "betweenness", "中介中心性"),
    ("eigenvector-centrality", "eigenvector", "特征向量中心性"),
    ("shared-member-strength", "shared-member strength", "共享成员强度"),
    ("link-in-degree", "links in", "联系入度"),
    ("link-out-degree", "links out", "联系出度"),
    ("hierarchical-in-degree", "hierarchical in-degree", "等级性入度"),
    ("link-betweenness", "link betweenness", "联系网络中介中心性"),
)
ACTOR_COLUMNS = (
    ("institution-membership-count", "institutions", "参与机制数"),
    ("forum-shopping-options", "forum-shopping options", "选择法院选项数"),
    ("degree-centrality", "degree", "度中心性"),
    ("betweenness-centrality", "betweenness", "中介中心性"),
    ("eigenvector-centrality", "eigenvector", "特征向量中心性"),
)
_NODE_NETWORK = {
    "member-count": "membership",
    "institution-membership-count": "membership",
    "forum-shopping-options": "membership",
    "shared-member-strength": "institution-projection",
    "link-in-degree": "regime-links",
    "link-out-degree": "regime-links",
    "hierarchical-in-degree": "regime-links",
}


def _node_table(m: Metrics, side: str) -> list[dict[str, Any]]:
    """One row per institution (or actor), one column per node metric."""
    cols = INSTITUTION_COLUMNS if side == "institution" else ACTOR_COLUMNS
    proj = "institution-projection" if side == "institution" else "actor-projection"
    rows: dict[str, dict[str, Any]] = {}
    for o in m.observations:
        if o.subject is None or o.related is not None:
            continue
        col = o.metric
        if o.network == "regime-links" and o.metric == "betweenness-centrality":
            col = "link-betweenness"
        elif o.metric in ("degree-centrality", "betweenness-centrality", "eigenvector-centrality"):
            if o.network != proj:
                continue
        elif _NODE_NETWORK.get(o.metric) is None:
            continue
        if col not in {c for c, _, _ in cols}:
            continue
        rows.setdefault(o.subject, {})[col] = o.value
    out = []
    for node, vals in rows.items():
        e = m.data.entities.get(node)
        row = {
            "iri": node,
            "label_en": e.labels.get("en", "") if e else "",
            "label_zh": e.labels.get("zh", "") if e else "",
            "class": e.cls if e else "",
        }
        row.update({c: vals.get(c) for c, _, _ in cols})
        out.append(row)
    key = "eigenvector-centrality"
    out.sort(key=lambda r: (-(r.get(key) or 0.0), -(r.get(cols[0][0]) or 0), r["iri"]))
    return out


def _pair_table(m: Metrics) -> list[dict[str, Any]]:
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for o in m.observations:
        if o.related is None:
            continue
        a, b = sorted((o.subject or "", o.related))
        row = pairs.setdefault((a, b), {})
        if o.metric == "nestedness":
            row["nestedness_a_in_b" if o.subject == a else "nestedness_b_in_a"] = o.value
        elif o.metric == "fragmentation-type":
            row["fragmentation_type"] = o.category
        else:
            row[o.metric.replace("-", "_")] = o.value
    types: dict[tuple[str, str], set[str]] = defaultdict(set)
    for lk in m.data.links:
        types[tuple(sorted((lk.source, lk.target)))].add(lk.type)  # type: ignore[index]
    out = []
    for (a, b), vals in sorted(pairs.items()):
        out.append(
            {
                "a": a,
                "a_label_en": m.data.entities[a].labels.get("en", "")
                if a in m.data.entities
                else "",
                "a_label_zh": m.data.entities[a].labels.get("zh", "")
                if a in m.data.entities
                else "",
                "b": b,
                "b_label_en": m.data.entities[b].labels.get("en", "")
                if b in m.data.entities
                else "",
                "b_label_zh": m.data.entities[b].labels.get("zh", "")
                if b in m.data.entities
                else "",
                "shared_members": vals.get("shared_members"),
                "jaccard": vals.get("jaccard"),
                "overlap_coefficient": vals.get("overlap_coefficient"),
                "nestedness_a_in_b": vals.get("nestedness_a_in_b"),
                "nestedness_b_in_a": vals.get("nestedness_b_in_a"),
                "link_types": ";".join(sorted(types.get((a, b), ()))),
                "fragmentation_type": vals.get("fragmentation_type"),
            }
        )
    return out


def _network_table(m: Metrics) -> list[dict[str, Any]]:
    rows = []
    for o in m.observations:
        if o.subject is None and o.k is None:
            rows.append(
                {"network": o.network, "metric": o.metric, "category": o.category, "value": o.value}
            )
    return rows


def _coverage_table(m: Metrics) -> list[dict[str, Any]]:
    exact = {o.k: o.value for o in m.by("actors-in-exactly-k")}
    least = {o.k: o.value for o in m.by("actors-in-at-least-k")}
    return [
        {"k": k, "actors_in_exactly_k": exact[k], "actors_in_at_least_k": least[k]}
        for k in sorted(exact)
    ]


def _long_table(m: Metrics) -> list[dict[str, Any]]:
    """Every observation as one row: the tidy form R and pandas read directly."""
    d = m.data
    rows = []
    for o in m.observations:
        rows.append(
            {
                "as_of": d.as_of.isoformat() if d.as_of else "",
                "network": o.network,
                "metric": o.metric,
                "subject": o.subject or "",
                "subject_label_en": d.entities[o.subject].labels.get("en", "")
                if o.subject in d.entities
                else "",
                "subject_label_zh": d.entities[o.subject].labels.get("zh", "")
                if o.subject in d.entities
                else "",
                "related": o.related or "",
                "related_label_en": d.entities[o.related].labels.get("en", "")
                if o.related in d.entities
                else "",
                "related_label_zh": d.entities[o.related].labels.get("zh", "")
                if o.related in d.entities
                else "",
                "k": "" if o.k is None else o.k,
                "category": o.category or "",
                "value": "" if o.value is None else o.value,
            }
        )
    return rows


def tables(m: Metrics) -> dict[str, list[dict[str, Any]]]:
    """The CSV tables of one slice, by file stem."""
    return {
        "network": _network_table(m),
        "institutions": _node_table(m, "institution"),
        "actors": _node_table(m, "actor"),
        "pairs": _pair_table(m),
        "coverage": _coverage_table(m),
        "observations": _long_table(m),
    }


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(round(v, 12))
    return v


def to_csv(rows: list[dict[str, Any]], header: Sequence[str] | None = None) -> str:
    cols = list(header or (rows[0].keys() if rows else []))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(csv_row(cols))
    for r in rows:
        w.writerow(csv_row(_csv_value(r.get(c)) for c in cols))
    return buf.getvalue()


def write_csv(m: Metrics, directory: Path) -> list[Path]:
    """Write every table of one slice as UTF-8 CSV into *directory*."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in tables(m).items():
        path = directory / f"{name}.csv"
        header = _HEADERS.get(name)
        files.write_text(path, to_csv(rows, header))
        paths.append(path)
    return paths


_HEADERS: dict[str, list[str]] = {
    "network": ["network", "metric", "category", "value"],
    "institutions": [
        "iri",
        "label_en",
        "label_zh",
        "class",
        *(c for c, _, _ in INSTITUTION_COLUMNS),
    ],
    "actors": ["iri", "label_en", "label_zh", "class", *(c for c, _, _ in ACTOR_COLUMNS)],
    "pairs": [
        "a",
        "a_label_en",
        "a_label_zh",
        "b",
        "b_label_en",
        "b_label_zh",
        "shared_members",
        "jaccard",
        "overlap_coefficient",
        "nestedness_a_in_b",
        "nestedness_b_in_a",
        "link_types",
        "fragmentation_type",
    ],
    "coverage": ["k", "actors_in_exactly_k", "actors_in_at_least_k"],
    "observations": [
        "as_of",
        "network",
        "metric",
        "subject",
        "subject_label_en",
        "subject_label_zh",
        "related",
        "related_label_en",
        "related_label_zh",
        "k",
        "category",
        "value",
    ],
}


# --------------------------------------------------------------------------- report

_TEXT = {
    "title": ("Regime-complexity metrics", "机制复合体指标"),
    "as_of": (
        "as of {day}: everything known to hold on that day (docs/time.md)",
        "截至{day}：当日已知成立的全部内容（见 docs/time.md）",
    ),
    "whole": (
        "whole graph, all dates (pass --as-of DATE for a dated slice)",
        "全部时间的完整图谱（使用 --as-of 日期 查看某一时点）",
    ),
    "build": ("build {version}, built {built}", "构建版本 {version}，构建于 {built}"),
    "networks": ("Networks", "网络"),
    "overlap": ("Membership overlap", "成员重叠"),
    "measure": ("measure", "指标"),
    "value": ("value", "数值"),
    "network": ("network", "网络"),
    "top_inst": (
        "Most central institutions (co-membership network)",
        "最核心的机制（共同成员网络）",
    ),
    "top_act": ("Actors with the most forum-shopping options", "选择法院选项最多的行为体"),
    "institution": ("institution", "机制"),
    "actor": ("actor", "行为体"),
    "coverage": ("Participation coverage (n = {n} institutions)", "参与覆盖度（共 {n} 个机制）"),
    "k": ("k", "k"),
    "exactly": ("actors in exactly k", "恰好参与k个"),
    "at_least": ("actors in at least k", "至少参与k个"),
    "pairs": ("Most overlapping institution pairs", "成员重叠度最高的机制对"),
    "a": ("A", "A"),
    "b": ("B", "B"),
    "links": ("Regime links", "机制间联系"),
    "fragmentation": (
        "Biermann fragmentation types of linked pairs",
        "有联系的机制对的Biermann碎片化类型",
    ),
    "type": ("type", "类型"),
    "pairs_n": ("pairs", "机制对数"),
    "share": ("share", "占比"),
    "csv": ("CSV files: {path}", "CSV文件：{path}"),
    "none": ("(none)", "（无）"),
    "link_type": ("link type", "联系类型"),
    "state_coverage": (
        "UN member states in k of {n} sampled initiatives (docs/metrics.md)",
        "参与{n}个样本机制中k个的联合国会员国（见docs/metrics.md）",
    ),
    "states": ("states", "国家数"),
}


def _t(key: str, lang: str, **kw: Any) -> str:
    en, zh = _TEXT[key]
    return (zh if lang == "zh" else en).format(**kw)


def _metric_label(slug: str, lang: str) -> str:
    en, zh, _, _ = METRICS[slug]
    return zh if lang == "zh" else en


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _width(s: str) -> int:
    """Display width: Chinese characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]], md: bool) -> str:
    if md:
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(_width(x) for x in col) for col in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _section(
    title: str, header: list[str], rows: list[list[str]]
) -> tuple[str, list[str], list[list[str]]]:
    return title, header, rows


def _report_sections(
    m: Metrics, lang: str, top: int
) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report's tables: networks, top institutions and actors, coverage, pairs, links."""
    d = m.data
    i = 1 if lang == "zh" else 0
    out = []

    cols = ["node-count", "edge-count", "density", "component-count", "largest-component-share"]
    rows = [[NETWORKS[n][i], *(_fmt(m.value(c, n)) for c in cols)] for n in NETWORKS]
    head = [_t("network", lang), *(_metric_label(c, lang) for c in cols)]
    out.append(_section(_t("networks", lang), head, rows))

    cols = ["mean-memberships-per-actor", "mean-pairwise-jaccard", "undated-membership-share"]
    rows = [[_metric_label(c, lang), _fmt(m.value(c, "membership"))] for c in cols]
    out.append(_section(_t("overlap", lang), [_t("measure", lang), _t("value", lang)], rows))

    cols = ["member-count", "degree-centrality", "betweenness-centrality", "eigenvector-centrality"]
    inst = [r for r in _node_table(m, "institution") if r["member-count"] is not None][:top]
    rows = [[d.label(r["iri"], lang), *(_fmt(r[c]) for c in cols)] for r in inst]
    head = [_t("institution", lang), *(_metric_label(c, lang) for c in cols)]
    out.append(_section(_t("top_inst", lang), head, rows))

    cols = ["institution-membership-count", "forum-shopping-options", "eigenvector-centrality"]
    act = sorted(
        _node_table(m, "actor"),
        key=lambda r: (-(r[cols[1]] or 0), -(r[cols[2]] or 0), r["iri"]),
    )[:top]
    rows = [[d.label(r["iri"], lang), *(_fmt(r[c]) for c in cols)] for r in act]
    head = [_t("actor", lang), *(_metric_label(c, lang) for c in cols)]
    out.append(_section(_t("top_act", lang), head, rows))

    cov = _coverage_table(m)
    keys = ["k", "actors_in_exactly_k", "actors_in_at_least_k"]
    rows = [[str(r[k]) for k in keys] for r in cov]
    head = [_t("k", lang), _t("exactly", lang), _t("at_least", lang)]
    out.append(_section(_t("coverage", lang, n=len(cov)), head, rows))

    sc = m.by("states-in-exactly-k-initiatives")
    if sc:
        rows = [["0", _fmt(m.value("states-in-no-sampled-initiative", "membership"))]]
        rows += [[str(o.k), _fmt(o.value)] for o in sc]
        head = [_t("k", lang), _t("states", lang)]
        out.append(_section(_t("state_coverage", lang, n=len(sc)), head, rows))

    pairs = sorted(
        (r for r in _pair_table(m) if r["jaccard"] is not None),
        key=lambda r: (-r["jaccard"], r["a"], r["b"]),
    )[:top]
    keys = ["shared_members", "jaccard", "overlap_coefficient"]
    rows = [
        [d.label(r["a"], lang), d.label(r["b"], lang), *(_fmt(r[k]) for k in keys)] for r in pairs
    ]
    cols = ["shared-members", "jaccard", "overlap-coefficient"]
    head = [_t("a", lang), _t("b", lang), *(_metric_label(c, lang) for c in cols)]
    out.append(_section(_t("pairs", lang), head, rows))

    link_types = vocab.current().labels("regime-link-type")
    rows = [
        [link_types.get(o.category or "", (o.category or "",) * 2)[i], _fmt(o.value)]
        for o in m.by("link-type-share")
    ]
    for key in ("hierarchical-link-share", "nesting-link-share"):
        v = m.value(key, "regime-links")
        if v is not None:
            rows.append([_metric_label(key, lang), _fmt(v)])
    out.append(_section(_t("links", lang), [_t("link_type", lang), _t("share", lang)], rows))

    rows = [
        [FRAGMENTATION_LABELS[o.category or ""][i], _fmt(o.value)]
        for o in m.by("fragmentation-type-count")
    ]
    head = [_t("type", lang), _t("pairs_n", lang)]
    out.append(_section(_t("fragmentation", lang), head, rows))
    return out


def report(
    m: Metrics,
    *,
    fmt: str = "table",
    lang: str = "en",
    info: dict[str, Any] | None = None,
    csv_dir: Path | None = None,
    top: int = 10,
) -> str:
    """The metrics of one slice as a readable report (table, md), a tidy CSV or JSON."""
    if fmt not in FORMATS:
        raise UserError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if lang not in LANGS:
        raise UserError(f"Unknown language {lang!r}; use en or zh.")
    info = info or {}
    day = m.data.as_of
    if fmt == "csv":
        return to_csv(_long_table(m), _HEADERS["observations"])
    if fmt == "json":
        t = tables(m)
        del t["observations"]
        doc = {
            "as_of": day.isoformat() if day else None,
            "build": {"version": info.get("version"), "built": info.get("built")},
            **t,
        }
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True, default=str)

    md = fmt == "md"
    when = _t("as_of", lang, day=day.isoformat()) if day else _t("whole", lang)
    out = [("# " if md else "") + f"{_t('title', lang)} · {when}"]
    if info:
        out.append(
            _t("build", lang, version=info.get("version", "?"), built=info.get("built", "?"))
        )
    for title, header, rows in _report_sections(m, lang, top):
        out.append("")
        out.append(("## " if md else "") + title)
        out.append(_text_table(header, rows, md) if rows else _t("none", lang))
    if csv_dir is not None:
        out.extend(["", _t("csv", lang, path=csv_dir)])
    return "\n".join(out) + "\n"


def csv_dir_for(build_dir: Path, as_of: str | None) -> Path:
    """``build/metrics/`` for the whole graph, ``build/metrics/<as_of>/`` for a slice."""
    base = build_dir / "metrics"
    return base if as_of is None else base / dates.normalise(as_of)


def run(
    project: Project,
    *,
    as_of: str | None = None,
    fmt: str = "table",
    lang: str = "en",
    build: str | Path | None = None,
) -> str:
    """``regimekg metrics``: compute on the build at *as_of*, write CSV, return the report.

    *build* is the build directory to read (default ``build/``), as ``--build`` gives it.
    """
    if fmt not in FORMATS:
        raise UserError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    asof.resolve(as_of)  # fail on a bad date before opening anything
    build_dir = project.build_dir(build)
    st = store.open_store(build_dir)
    try:
        with vocab.using(project):
            m = metrics_at(oxigraph_select(st), as_of)
    finally:
        del st
    out = csv_dir_for(build_dir, as_of)
    try:
        write_csv(m, out)
    except OSError as e:
        raise UserError(
            f"Cannot write the metrics CSV files into {out}: {e.strerror or e}; check that the "
            "build directory is writable."
        ) from None
    with vocab.using(project):
        return report(m, fmt=fmt, lang=lang, info=store.read_info(build_dir), csv_dir=out)


def iter_years(data: RegimeData, last: dt.date) -> Iterator[int]:
    """Every year from the earliest day anything is known from up to *last*."""
    firsts = [e.known_from for e in data.entities.values()]
    firsts += [m.known_from for m in data.memberships]
    firsts += [lk.known_from for lk in data.links]
    years = [d.year for d in firsts if d is not None]
    if not years:
        return iter(())
    return iter(range(min(years), last.year + 1))


__all__ = [
    "Entity",
    "Link",
    "Membership",
    "Metrics",
    "Networks",
    "Observation",
    "RegimeData",
    "betweenness",
    "compute",
    "eigenvector_by_component",
    "fragmentation_type",
    "metrics_at",
    "metrics_graph",
    "metrics_graph_slices",
    "metrics_ntriples",
    "networks",
    "oxigraph_select",
    "read_graph",
    "report",
    "resolve_as_of",
    "run",
    "to_ntriples",
    "to_rdf",
]
