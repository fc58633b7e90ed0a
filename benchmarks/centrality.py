"""Centralities of the metrics: networkx's against regimekg's (rustworkx), side by side.

``python -m benchmarks.centrality [--build DIR] [--rounds N]`` reads a build (default
``build/``; run ``regimekg build`` first), builds the networks of every slice the build wrote
into ``graph/metrics`` (the whole graph and 31 December of each year), and times, alternating
round by round so that load from other work hits both alike:

* networkx: ``betweenness_centrality`` on the two projections and the undirected regime-link
  network, ``eigenvector_centrality`` per component of the two projections;
* regimekg: ``analysis.betweenness`` and ``analysis.eigenvector_by_component`` (rustworkx).

It prints the best wall-clock and CPU time of each, their ratio, and the largest relative
difference between the two libraries' values
(docs/decisions/20261207-centralities-from-a-library.md).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx

from regimekg import analysis, asof, store


def nx_eigenvector_by_component(g: nx.Graph) -> dict[str, float]:
    """The documented semantics, computed with networkx: each component's own principal
    eigenvector (unit norm) times the component's share of the nodes; isolates get 0. The
    reference both this benchmark and ``tests/test_centrality.py`` compare against."""
    out = dict.fromkeys(g, 0.0)
    for comp in nx.connected_components(g):
        if len(comp) < 2:
            continue
        sub = nx.Graph()
        sub.add_nodes_from(v for v in g if v in comp)
        sub.add_edges_from(g.subgraph(comp).edges)
        for v, x in nx.eigenvector_centrality(sub, max_iter=10_000, tol=1e-12).items():
            out[v] = x * len(comp) / len(g)
    return out


def _networks(build: Path) -> tuple[list[nx.Graph], list[nx.Graph]]:
    """(graphs for betweenness, graphs for eigenvector centrality) of every built slice."""
    slices = [None if s == "whole graph" else s for s in store.read_info(build)["metrics_as_of"]]
    full = analysis.read_graph(analysis.oxigraph_select(store.open_store(build)))
    btw, eig = [], []
    for value in slices:
        net = analysis.networks(full.at(asof.resolve(value)))
        links = nx.Graph(nx.DiGraph(net.links).to_undirected())
        btw += [net.institutions, net.actors, links]
        eig += [net.institutions, net.actors]
    return btw, eig


def _clock(f: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    f()
    return time.perf_counter() - wall, time.process_time() - cpu


def _max_rel_diff(a: list[dict[str, float]], b: list[dict[str, float]]) -> float:
    worst = 0.0
    for x, y in zip(a, b, strict=True):
        for v, ref in y.items():
            scale = max(abs(ref), 1e-300)
            worst = max(worst, abs(x[v] - ref) / scale if ref else abs(x[v]))
    return worst


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", type=Path, default=Path("build"))
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    btw, eig = _networks(args.build)
    actors = max(btw, key=lambda g: g.number_of_edges())
    print(
        f"{len(btw) // 3} slices; densest network {actors.number_of_nodes()} nodes, "
        f"{actors.number_of_edges()} edges"
    )
    runs: dict[str, Callable[[], object]] = {
        "networkx": lambda: (
            [nx.betweenness_centrality(g) for g in btw],
            [nx_eigenvector_by_component(g) for g in eig],
        ),
        "regimekg (rustworkx)": lambda: (
            [analysis.betweenness(g) for g in btw],
            [analysis.eigenvector_by_component(g) for g in eig],
        ),
    }
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
    for _ in range(args.rounds):
        for name, run in runs.items():
            times[name].append(_clock(run))
    best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in times.items()}
    for name, (wall, cpu) in best.items():
        print(f"{name:22s} wall {wall:6.2f} s   cpu {cpu:6.2f} s   (best of {args.rounds})")
    (nw, nc), (rw, rc) = best["networkx"], best["regimekg (rustworkx)"]
    print(f"networkx / rustworkx: wall {nw / rw:.1f}×, cpu {nc / rc:.1f}×")
    d_btw = _max_rel_diff(
        [analysis.betweenness(g) for g in btw], [nx.betweenness_centrality(g) for g in btw]
    )
    d_eig = _max_rel_diff(
        [analysis.eigenvector_by_component(g) for g in eig],
        [nx_eigenvector_by_component(g) for g in eig],
    )
    print(f"largest relative difference: betweenness {d_btw:.1e}, eigenvector {d_eig:.1e}")


if __name__ == "__main__":
    main()
