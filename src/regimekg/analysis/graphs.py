"""The networks of one slice: the two-mode membership network, its two one-mode projections
and the directed regime-link network (DESIGN §8), built once and shared by every metric."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from .data import RegimeData


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
    # which they first occur, so the centralities see the same graph on every run.
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


def density_two_mode(net: Networks) -> float:
    a, i = len(net.institutions_of), len(net.members_of)
    return net.membership.number_of_edges() / (a * i) if a and i else 0.0


def components(g: nx.Graph | nx.DiGraph) -> tuple[int, float]:
    n = g.number_of_nodes()
    if not n:
        return 0, 0.0
    comps = list(
        nx.weakly_connected_components(g) if g.is_directed() else nx.connected_components(g)
    )
    return len(comps), max(len(c) for c in comps) / n
