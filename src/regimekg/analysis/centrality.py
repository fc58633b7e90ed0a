"""Betweenness and eigenvector centrality, computed by rustworkx on networkx graphs.

The networks are built with networkx (its graph model is what the exports and the layout
use), but the centralities come from rustworkx: the same algorithms as networkx's
``betweenness_centrality`` (Brandes 2001, normalised) and ``eigenvector_centrality`` (power
iteration on A + I), in Rust. On the build's dense actor projection (~200 nodes, ~18,000
edges, a dozen slices) networkx's betweenness takes several seconds, rustworkx's under one
(docs/decisions/20261207-centralities-from-a-library.md). The values agree with networkx's to
the last few bits (tests/test_centrality.py compares them within 1e-9); the metrics round to
12 decimals, so a last-bit difference does not reach the written values in practice.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import rustworkx as rx

#: Power iteration of each component stops when the L1 change is below n·tol (networkx's rule).
EIGENVECTOR_TOL = 1e-12
EIGENVECTOR_MAX_ITER = 10_000


def _rx_graph(g: nx.Graph, nodes: Sequence[str]) -> rx.PyGraph:
    """The subgraph of *g* on *nodes* as a rustworkx graph whose node *i* is ``nodes[i]``."""
    index = {v: i for i, v in enumerate(nodes)}
    adj = g.adj
    r = rx.PyGraph(multigraph=False)
    r.add_nodes_from(nodes)
    # each edge once, from its end that comes first (a self-loop from its one end); walking
    # the adjacency dicts is several times faster than networkx's edge view
    r.add_edges_from_no_data(
        [(i, j) for i, v in enumerate(nodes) for w in adj[v] if (j := index.get(w, -1)) >= i]
    )
    return r


def betweenness(g: nx.Graph) -> dict[str, float]:
    """Normalised shortest-path betweenness of an undirected graph (Brandes 2001).

    What ``nx.betweenness_centrality(g)`` computes: the fraction of shortest paths between
    other pairs of nodes that pass through each node, divided by (n−1)(n−2)/2 pairs.
    """
    if g.is_directed():
        raise ValueError("betweenness() is for undirected graphs")
    nodes = list(g)
    if len(nodes) < 3:  # no pair of other nodes to lie between
        return dict.fromkeys(nodes, 0.0)
    values = rx.graph_betweenness_centrality(_rx_graph(g, nodes), normalized=True)
    return {v: float(values[i]) for i, v in enumerate(nodes)}


def _eigenvector(g: nx.Graph, nodes: Sequence[str]) -> dict[str, float]:
    """Eigenvector centrality (unit Euclidean norm) of the subgraph of *g* on *nodes*."""
    try:
        values = rx.graph_eigenvector_centrality(
            _rx_graph(g, nodes), max_iter=EIGENVECTOR_MAX_ITER, tol=EIGENVECTOR_TOL
        )
    except rx.FailedToConverge:
        raise nx.PowerIterationFailedConvergence(EIGENVECTOR_MAX_ITER) from None
    return {v: float(values[i]) for i, v in enumerate(nodes)}


def eigenvector_by_component(g: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality that stays defined on a disconnected graph.

    The principal eigenvector of a disconnected graph lives on one component only, and power
    iteration there depends on the start vector. Instead each component *c* gets its own
    principal eigenvector *u_c* (unit Euclidean norm, as networkx computes it) scaled by its
    share of the nodes: ``x_v = (n_c / n) · u_c(v)``. On a connected graph this equals the
    ordinary eigenvector centrality; isolated nodes get 0. Each component is handed over in
    the graph's node order, so the result does not depend on set order.
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
