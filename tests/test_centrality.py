"""Betweenness and eigenvector centrality (regimekg.analysis.centrality) against networkx.

The centralities come from rustworkx; networkx's ``betweenness_centrality`` and
``eigenvector_centrality`` are the reference. The two libraries sum in different orders, so
the values are compared within a tolerance (1e-9 relative, or absolute near zero): a real
difference (another normalisation, the wrong component, a missed self-loop) is far larger.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from benchmarks.centrality import nx_eigenvector_by_component
from regimekg import analysis, asof, store
from regimekg.analysis import betweenness, eigenvector_by_component

REL, ABS = 1e-9, 1e-12


def close(ours: dict[str, float], ref: dict[str, float]) -> None:
    """Same nodes in the same order, and every value within the tolerance."""
    assert list(ours) == list(ref)
    for v, x in ref.items():
        assert ours[v] == pytest.approx(x, rel=REL, abs=ABS), v


def _random_graphs(count: int) -> Iterator[nx.Graph]:
    """Dense and sparse, connected or not, some with self-loops, in shuffled insertion order."""
    rng = random.Random(20261207)
    for _ in range(count):
        n = rng.randint(0, 40)
        p = rng.choice([0.03, 0.08, 0.15, 0.4, 0.8, 0.97])
        g = nx.gnp_random_graph(n, p, seed=rng.randrange(1 << 30))
        if n and rng.random() < 0.3:
            g.add_edge(0, 0)
        nodes = [f"n{v}" for v in g]
        edges = [(f"n{a}", f"n{b}") for a, b in g.edges]
        rng.shuffle(nodes)
        rng.shuffle(edges)
        h = nx.Graph()
        h.add_nodes_from(nodes)
        h.add_edges_from(edges)
        yield h
    yield nx.Graph()
    yield nx.petersen_graph()
    yield nx.complete_bipartite_graph(7, 30)


def test_betweenness_matches_networkx() -> None:
    for g in _random_graphs(200):
        close(betweenness(g), nx.betweenness_centrality(g))


def test_eigenvector_by_component_matches_networkx_per_component() -> None:
    for g in _random_graphs(100):
        close(eigenvector_by_component(g), nx_eigenvector_by_component(g))


def test_star_by_hand() -> None:
    """A star with k leaves: the centre lies on every leaf-to-leaf path; A's principal
    eigenvector is (√k, 1, …, 1) up to scale."""
    k = 5
    g = nx.star_graph(k)  # node 0 is the centre
    b = betweenness(g)
    assert b[0] == pytest.approx(1.0)
    assert all(b[v] == 0.0 for v in range(1, k + 1))
    e = eigenvector_by_component(g)
    norm = math.sqrt(k + k)  # ‖(√k, 1, …, 1)‖
    assert e[0] == pytest.approx(math.sqrt(k) / norm, rel=REL)
    assert e[1] == pytest.approx(1 / norm, rel=REL)


def test_disconnected_components_and_isolated_nodes_by_hand() -> None:
    """P3 plus a triangle plus an isolate: each component scaled by its share of the 7 nodes."""
    g = nx.path_graph(["a", "b", "c"])
    g.add_edges_from([("x", "y"), ("y", "z"), ("z", "x")])
    g.add_node("lonely")
    e = eigenvector_by_component(g)
    # P3 has eigenvector (1/2, 1/√2, 1/2); a triangle (1/√3, 1/√3, 1/√3)
    assert e["a"] == pytest.approx(0.5 * 3 / 7, rel=REL)
    assert e["b"] == pytest.approx(3 / 7 / math.sqrt(2), rel=REL)
    assert e["x"] == pytest.approx(3 / 7 / math.sqrt(3), rel=REL)
    assert e["lonely"] == 0.0
    b = betweenness(g)
    # b lies on the one a–c path; (n−1)(n−2) = 30 ordered pairs, each path counted both ways
    assert b["b"] == pytest.approx(2 / 30)
    assert b["a"] == b["x"] == b["lonely"] == 0.0


def test_self_loops_count_in_eigenvector_like_networkx() -> None:
    g = nx.Graph([("a", "b"), ("b", "c"), ("c", "c")])
    close(eigenvector_by_component(g), nx_eigenvector_by_component(g))
    close(betweenness(g), nx.betweenness_centrality(g))


def test_directed_graphs_are_refused() -> None:
    with pytest.raises(ValueError, match="undirected"):
        betweenness(nx.DiGraph([("a", "b")]))


def test_seed_build_networks_match_networkx(built: Path) -> None:
    """The real networks of the bundled data (two slices), where the actor projection is
    dense: the case rustworkx was chosen for (docs/decisions/20261207-centralities-from-a-
    library.md)."""
    st = store.open_store(built)
    data = analysis.read_graph(analysis.oxigraph_select(st))
    for day in (None, "2024"):
        net = analysis.networks(data.at(asof.resolve(day)))
        assert net.actors.number_of_edges() > 1000  # the dense case
        links = nx.Graph(nx.DiGraph(net.links).to_undirected())
        for g in (net.institutions, net.actors, links):
            close(betweenness(g), nx.betweenness_centrality(g))
        for g in (net.institutions, net.actors):
            close(eigenvector_by_component(g), nx_eigenvector_by_component(g))
