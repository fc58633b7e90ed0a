"""The viewer's node positions (regimekg.layout) are the same on every run of an export."""

from __future__ import annotations

import networkx as nx

from regimekg import layout


def _graph() -> nx.MultiDiGraph:
    """Two components and an isolate."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(["a", "b", "c", "d", "x", "y", "lonely"])
    g.add_edges_from([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("x", "y")])
    return g


def test_positions_are_deterministic_and_cover_every_node() -> None:
    first, again = layout.positions(_graph()), layout.positions(_graph())
    assert first == again
    assert set(first) == {"a", "b", "c", "d", "x", "y", "lonely"}
    assert len(set(first.values())) == len(first)  # no two nodes on one spot
