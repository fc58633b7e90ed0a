"""Computing every metric of one slice from its networks (formulas in docs/metrics.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import networkx as nx

from .. import asof, vocab
from ..namespaces import slug_of
from .centrality import betweenness, eigenvector_by_component
from .data import RegimeData
from .dictionary import (
    COVERAGE_INITIATIVES,
    COVERAGE_POPULATION,
    FRAGMENTATION_RULES,
    FRAGMENTATION_TYPES,
    HIERARCHICAL_TYPES,
    NESTING_TYPES,
)
from .graphs import Networks, components, density_two_mode, networks
from .read import Select, read_graph


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


def _membership_level(data: RegimeData, net: Networks) -> list[Observation]:
    """Whole-network measures of the two-mode membership network."""
    obs: list[Observation] = []
    add = obs.append
    two = net.membership
    add(Observation("node-count", "membership", two.number_of_nodes()))
    add(Observation("edge-count", "membership", two.number_of_edges()))
    add(Observation("actor-count", "membership", len(net.institutions_of)))
    add(Observation("institution-count", "membership", len(net.members_of)))
    add(Observation("density", "membership", density_two_mode(net)))
    c, share = components(two)
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
    return obs


def _projection_level(net: Networks) -> list[Observation]:
    """Whole-network measures of the two one-mode projections."""
    obs: list[Observation] = []
    add = obs.append
    for name, g in (("institution-projection", net.institutions), ("actor-projection", net.actors)):
        add(Observation("node-count", name, g.number_of_nodes()))
        add(Observation("edge-count", name, g.number_of_edges()))
        add(Observation("density", name, nx.density(g) if len(g) > 1 else 0.0))
        c, share = components(g)
        add(Observation("component-count", name, c))
        add(Observation("largest-component-share", name, share))
    return obs


def _link_level(data: RegimeData, lsimple: nx.DiGraph) -> list[Observation]:
    """Whole-network measures of the regime-link network, shares of link types."""
    obs: list[Observation] = []
    add = obs.append
    add(Observation("node-count", "regime-links", lsimple.number_of_nodes()))
    add(Observation("edge-count", "regime-links", lsimple.number_of_edges()))
    add(Observation("density", "regime-links", nx.density(lsimple) if len(lsimple) > 1 else 0.0))
    c, share = components(lsimple)
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
    return obs


def _institution_nodes(net: Networks) -> list[Observation]:
    """Per institution: members, centralities in the co-membership network, strength."""
    obs: list[Observation] = []
    add = obs.append
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
    return obs


def _link_nodes(net: Networks, lsimple: nx.DiGraph) -> list[Observation]:
    """Per node of the regime-link network: degrees, hierarchy, betweenness."""
    obs: list[Observation] = []
    add = obs.append
    lund = nx.Graph(lsimple.to_undirected())
    lbtw = betweenness(lund)
    for node in sorted(net.links):
        ins = list(net.links.in_edges(node, data="type"))
        add(Observation("link-in-degree", "regime-links", len(ins), node))
        add(Observation("link-out-degree", "regime-links", net.links.out_degree(node), node))
        hier_in = sum(1 for _, _, t in ins if t in HIERARCHICAL_TYPES)
        add(Observation("hierarchical-in-degree", "regime-links", hier_in, node))
        add(Observation("betweenness-centrality", "regime-links", lbtw[node], node))
    return obs


def _actor_nodes(net: Networks) -> list[Observation]:
    """Per actor: memberships, forum-shopping options, centralities."""
    obs: list[Observation] = []
    add = obs.append
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
    return obs


def _pairs(data: RegimeData, net: Networks) -> list[Observation]:
    """Per pair of institutions: overlap and nestedness; Biermann types of linked pairs."""
    obs: list[Observation] = []
    add = obs.append
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
    n_pairs = len(orgs) * (len(orgs) - 1) // 2
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
    return obs


def _state_coverage(data: RegimeData) -> list[Observation]:
    """UN member states in k of the sampled initiatives."""
    obs: list[Observation] = []
    add = obs.append
    # ---- participation coverage of UN member states in the sampled initiatives
    # (k = 0 is a metric of its own: rkg:metricParameter is a positive integer)
    for k, n_states in enumerate(participation_coverage(data)[1]):
        if k == 0:
            add(Observation("states-in-no-sampled-initiative", "membership", n_states))
        else:
            add(Observation("states-in-exactly-k-initiatives", "membership", n_states, k=k))
    return obs


def compute(data: RegimeData) -> Metrics:
    """Every metric of docs/metrics.md on one slice of the graph."""
    net = networks(data)
    lsimple = nx.DiGraph(net.links)
    obs = [
        *_membership_level(data, net),
        *_projection_level(net),
        *_link_level(data, lsimple),
        *_institution_nodes(net),
        *_link_nodes(net, lsimple),
        *_actor_nodes(net),
        *_pairs(data, net),
        *_state_coverage(data),
    ]
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
    part is any role but observer (the roles with the ``rkg:isMemberOf`` shortcut in the
    vocabulary), so a signature, an adherence or an endorsement counts like a seat; on the
    uncut graph a participation with an end date no longer counts (a dated slice has already
    dropped what had ended). A state's seat in the population counts the same way; an
    organisation's participation (the EU's) is not its
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
