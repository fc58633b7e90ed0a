"""Node positions and the nodes worth labelling, computed once when the viewer is exported.

The viewer used to run a force layout in the browser before drawing anything (2.5–3.3 s on
the full graph). Computing the positions here, with networkx's seeded Fruchterman–Reingold
layout, makes the page draw at once and look the same on every opening and every machine
that runs the same export.
"""

from __future__ import annotations

import networkx as nx

#: Width of the layout in model units (Cytoscape pixels at zoom 1).
EXTENT = 1600.0
SEED = 20240301
#: How strongly a membership pulls its two ends together, relative to a regime link: the
#: hundreds of state memberships would otherwise crush the institutions into one knot.
MEMBERSHIP_PULL = 0.2
#: Above this many nodes the viewer opens framed on the hubs rather than on everything.
FOCUS_MIN_NODES = 150


def positions(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """``node → (x, y)`` of a force layout of *g*, scaled to about :data:`EXTENT`, rounded.

    A force layout of the whole graph throws the small components out to a wide ring and
    squeezes the large one into the middle, so each connected component is laid out on its
    own (ties counted once, undirected) and the small ones are packed in rows to the right
    of the largest (a landscape picture, like a screen), each given room in proportion to
    the square root of its size.
    """
    h = nx.Graph()
    h.add_nodes_from(sorted(g.nodes))
    for u, v, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1])):
        if u == v:
            continue
        w = MEMBERSHIP_PULL if d.get("relation") == "membership" else 1.0
        h.add_edge(u, v, weight=max(w, h[u][v]["weight"]) if h.has_edge(u, v) else w)
    parts = sorted(nx.connected_components(h), key=lambda c: (-len(c), min(c)))
    out: dict[str, tuple[float, float]] = {}
    unit = EXTENT / 2 / max(1.0, len(parts[0]) ** 0.5) if parts else 1.0
    x = y = row = left = 0.0
    for i, part in enumerate(parts):
        sub = h.subgraph(sorted(part))
        half = unit * len(part) ** 0.5 if i else EXTENT / 2
        if len(part) == 1:
            pos = {next(iter(part)): (0.0, 0.0)}
        else:
            k = 2.2 / len(part) ** 0.5
            pos = nx.spring_layout(sub, k=k, iterations=150, seed=SEED, scale=half, weight="weight")
        if i == 0:
            cx, cy = 0.0, 0.0
            left = EXTENT / 2 + 2 * unit
            x, y = left, -EXTENT / 2
        else:
            size = 2 * half + unit
            if x + size > left + EXTENT and x > left:
                x, y = left, y + row
                row = 0.0
            cx, cy = x + size / 2, y + size / 2
            x += size
            row = max(row, size)
        for n, (px, py) in pos.items():
            out[n] = (round(float(cx + px), 1), round(float(cy - py), 1))
    return out


def main_component(g: nx.MultiDiGraph) -> set[str]:
    """The nodes of the largest connected component (ties in either direction)."""
    if not g:
        return set()
    return set(max(nx.weakly_connected_components(g), key=lambda c: (len(c), -len(min(c)))))


#: Half the room a hub's label needs around its node, in layout units (about the width and
#: height of a two-line label at the viewer's hub font size).
LABEL_ROOM = (150.0, 28.0)


def hubs(
    g: nx.MultiDiGraph,
    pos: dict[str, tuple[float, float]] | None = None,
    limit: int | None = None,
) -> list[str]:
    """The nodes labelled at first sight: the most connected, most central first.

    Ranked by degree (ties counted once), then betweenness, then IRI, so the order is stable;
    *limit* defaults to one node in sixteen, at least 5 and at most 25. With *pos*, a node
    whose label would cover a higher-ranked hub's (closer than :data:`LABEL_ROOM`) is
    passed over for the next one, so every label shown at the start can be read.
    """
    h = nx.Graph()
    h.add_nodes_from(g.nodes)
    h.add_edges_from((u, v) for u, v in g.edges() if u != v)
    if limit is None:
        limit = min(25, max(5, h.number_of_nodes() // 16))
    between = nx.betweenness_centrality(h) if h.number_of_edges() else {}
    ranked = sorted(h.nodes, key=lambda n: (-h.degree(n), -round(between.get(n, 0.0), 12), n))
    if pos is None:
        return ranked[:limit]
    chosen: list[str] = []
    wx, wy = LABEL_ROOM
    for n in ranked:
        x, y = pos[n]
        if all(abs(x - pos[c][0]) >= wx or abs(y - pos[c][1]) >= wy for c in chosen):
            chosen.append(n)
        if len(chosen) == limit:
            break
    return chosen


def preview_svg(
    pos: dict[str, tuple[float, float]],
    edges: list[tuple[str, str, str]],
    colours: dict[str, str],
    focus: list[str],
) -> str:
    """A static SVG of the network at the exported positions, shown until Cytoscape is ready.

    Cytoscape needs most of a second to start on the full graph; this picture (lines and
    discs, no text) is painted with the page, framed on the *focus* nodes as the live view
    is, so the first thing a reader sees is already the network, not a blank pane.
    *edges* are ``(source, target, colour)``; *colours* maps nodes to their fill.
    """
    pts = [pos[n] for n in (focus or list(pos)) if n in pos] or [(0.0, 0.0)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    pad = 60.0
    x0, y0 = min(xs) - pad, min(ys) - pad
    w, h = max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet" '
        f'viewBox="{x0:.0f} {y0:.0f} {w:.0f} {h:.0f}">'
    ]
    for u, v, colour in edges:
        (x1, y1), (x2, y2) = pos[u], pos[v]
        out.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" opacity=".7"/>'
        )
    for n, (x, y) in sorted(pos.items()):
        out.append(f'<circle cx="{x}" cy="{y}" r="7" fill="{colours.get(n, "#9c9c9c")}"/>')
    out.append("</svg>")
    return "".join(out)


__all__ = ["EXTENT", "hubs", "main_component", "positions", "preview_svg"]
