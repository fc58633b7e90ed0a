"""Figures for papers: a chosen subgraph drawn by Graphviz at page size, with a legend.

The whole graph (400+ nodes) drawn at once is a poster nobody can read in a paper, so a
figure shows one question's subgraph: an entity's ego network (``--ego``), one forum and
its members (``--members-of``), or the most central entities (``--top N --by METRIC``).

Graphviz rather than matplotlib: the project already draws with it (``export --format
svg|png``), it writes SVG and PDF with embedded fonts (Noto Sans CJK for Chinese labels),
its ``neato`` removes label overlaps, and a legend is an HTML-like table in the graph label,
so no second plotting stack is needed. Pictures are scaled to :data:`PAGE_WIDTH_IN` inches
(16 cm, a page's text width) and PNGs are rendered at :data:`PNG_DPI`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from . import vocab
from .errors import UserError

#: 16 cm in inches: the text width of an A4 page with ordinary margins.
PAGE_WIDTH_IN = 16 / 2.54
#: Figures never grow taller than this (23 cm), so one fits a page with its caption.
PAGE_HEIGHT_IN = 23 / 2.54
PNG_DPI = 300
METRICS = ("degree", "betweenness", "eigenvector")
FIGURE_FORMATS = ("png", "svg", "pdf")
MEMBERSHIP_COLOUR = "#8c8c8c"


@dataclass(frozen=True)
class Subgraph:
    """Which part of the graph a figure shows (exactly one of *ego*, *members_of*, *top*).

    *ego* and *members_of* are entity names as the user typed them: an IRI, a slug or a
    label in either language (resolved like query parameters, :mod:`regimekg.query.resolve`).
    """

    ego: str | None = None
    radius: int = 1
    members_of: str | None = None
    top: int | None = None
    by: str = "degree"

    def check(self, fmt: str) -> None:
        """Refuse a choice that names no subgraph, or several, or a format that is no picture."""
        chosen = [o for o, v in (("--ego", self.ego), ("--members-of", self.members_of),
                                 ("--top", self.top)) if v is not None]  # fmt: skip
        if len(chosen) != 1:
            raise UserError(
                f"{' and '.join(chosen)} cannot be combined; choose one of --ego, --members-of "
                "and --top for a figure."
            )
        if fmt not in (*FIGURE_FORMATS, "dot"):
            raise UserError(
                f"{chosen[0]} draws a figure; use --format png, svg, pdf or dot, not {fmt}."
            )
        if self.by not in METRICS:
            raise UserError(
                f"Unknown metric {self.by!r} for --by; use one of {', '.join(METRICS)}."
            )
        if self.radius not in (1, 2):
            raise UserError(f"--radius {self.radius} is not supported; use 1 or 2.")


TITLES = {
    "ego": ("Ego network of {name} (radius {r})", "{name}的自我中心网络（半径 {r}）"),
    "members": ("{name} and its members", "{name}及其成员"),
    "top": ("Top {n} entities by {by}", "按{by}排名前 {n} 的实体"),
}
METRIC_LABELS = {
    "degree": ("degree", "度中心性"),
    "betweenness": ("betweenness", "中介中心性"),
    "eigenvector": ("eigenvector centrality", "特征向量中心性"),
}


def select(
    g: nx.MultiDiGraph, spec: Subgraph, resolve: Callable[[str], str], *, lang: str
) -> tuple[nx.MultiDiGraph, str, set[str]]:
    """The subgraph *spec* names, its title in *lang*, and the nodes to outline.

    *resolve* turns a typed name into an entity IRI; an entity that is not in the network
    on the chosen date is refused in one sentence.
    """
    i = 1 if lang == "zh" else 0
    when = g.graph.get("as_of") or ""
    suffix = f" · {when}" if when else ""
    if spec.top is not None:
        keep = top_nodes(g, spec.top, spec.by)
        by = METRIC_LABELS[spec.by][i]
        return g.subgraph(keep).copy(), TITLES["top"][i].format(n=spec.top, by=by) + suffix, set()
    typed = spec.ego if spec.ego is not None else str(spec.members_of)
    option = "--ego" if spec.ego is not None else "--members-of"
    iri = str(resolve(typed))
    if iri not in g:
        raise UserError(
            f"{option} {typed!r} has no memberships or regime links in this network"
            f"{' on ' + when if when else ''}; choose another entity or date."
        )
    name = g.nodes[iri]["label"]
    if spec.ego is not None:
        title = TITLES["ego"][i].format(name=name, r=spec.radius)
        return ego(g, iri, spec.radius), title + suffix, {iri}
    return members_of(g, iri), TITLES["members"][i].format(name=name) + suffix, {iri}


def _undirected(g: nx.MultiDiGraph) -> nx.Graph:
    """The simple undirected graph behind *g*: centralities count ties, not edge copies."""
    h = nx.Graph()
    h.add_nodes_from(g.nodes)
    h.add_edges_from((u, v) for u, v in g.edges() if u != v)
    return h


def centrality(g: nx.MultiDiGraph, by: str) -> dict[str, float]:
    """networkx's *by* centrality of every node of *g* (undirected, unweighted)."""
    if by not in METRICS:
        raise UserError(f"Unknown metric {by!r} for --by; use one of {', '.join(METRICS)}.")
    h = _undirected(g)
    if by == "degree":
        return nx.degree_centrality(h)
    if by == "betweenness":
        return nx.betweenness_centrality(h)
    try:
        return nx.eigenvector_centrality(h, max_iter=2000, tol=1e-8)
    except nx.PowerIterationFailedConvergence:
        return nx.eigenvector_centrality_numpy(h) if h.number_of_edges() else {}


def top_nodes(g: nx.MultiDiGraph, n: int, by: str) -> list[str]:
    """The *n* highest-ranked nodes by *by*; ties broken by IRI so the choice is stable."""
    if n < 1:
        raise UserError(f"--top {n} selects nothing; give a positive number of entities.")
    scores = centrality(g, by)
    return sorted(g.nodes, key=lambda x: (-round(scores.get(x, 0.0), 12), x))[:n]


def ego(g: nx.MultiDiGraph, centre: str, radius: int) -> nx.MultiDiGraph:
    """*centre* and everything within *radius* ties of it (either direction)."""
    if radius not in (1, 2):
        raise UserError(f"--radius {radius} is not supported; use 1 or 2.")
    near = nx.single_source_shortest_path_length(_undirected(g), centre, cutoff=radius)
    return g.subgraph(near).copy()


def members_of(g: nx.MultiDiGraph, forum: str) -> nx.MultiDiGraph:
    """*forum* and the entities with a membership in it (every role), with the ties among them."""
    members = {u for u, v, d in g.in_edges(forum, data=True) if d["relation"] == "membership"}
    if not members:
        label = g.nodes[forum]["label"]
        raise UserError(
            f"{label!r} has no members in this graph; --members-of needs a forum with members "
            "(try --ego instead)."
        )
    return g.subgraph(members | {forum}).copy()


def _cell(colour: str, text: str, *, line: bool = False, dashed: bool = False) -> str:
    """One legend entry: a colour swatch (a box for nodes, a bar for edges) and its label."""
    swatch = "- - -" if dashed else ("———" if line else "")
    font = f'<font color="{colour}">{swatch}</font>' if line else ""
    # Nodes are filled with their kind's colour at the same transparency as in to_dot.
    fill = "" if line else f' bgcolor="{colour}55"'
    return (
        f'<td{fill} width="14" height="10" fixedsize="{"false" if line else "true"}">{font}</td>'
        f'<td align="left"><font point-size="11">{html.escape(text)}</font></td>'
    )


def legend(g: nx.MultiDiGraph, *, lang: str, kind_colours: dict[str, str]) -> str:
    """An HTML-like Graphviz table of every node colour and edge colour the figure uses."""
    from .export import KIND_LABELS

    voc = vocab.current()
    i = 1 if lang == "zh" else 0
    cells = []
    kinds = sorted({d["kind"] for _, d in g.nodes(data=True)})
    for k in kinds:
        cells.append(_cell(kind_colours.get(k, kind_colours["entity"]), KIND_LABELS[k][i]))
    roles = sorted({d["role"] for *_, d in g.edges(data=True) if d["relation"] == "membership"})
    role_labels = voc.labels("membership-role")
    for r in roles:
        text = role_labels.get(r, (r, r))[i]
        cells.append(_cell(MEMBERSHIP_COLOUR, text, line=True, dashed=r == "observer"))
    links = sorted({d["link_type"] for *_, d in g.edges(data=True) if d["link_type"]})
    link_labels, colours = voc.labels("regime-link-type"), voc.link_colours()
    for t in links:
        colour = colours.get(t, vocab.DEFAULT_COLOUR)
        cells.append(_cell(colour, link_labels.get(t, (t, t))[i], line=True))
    per_row = 4
    rows = [
        "<tr>" + "".join(cells[j : j + per_row]) + "</tr>" for j in range(0, len(cells), per_row)
    ]
    return (
        '<table border="0" cellborder="0" cellspacing="2" cellpadding="1">'
        + "".join(rows)
        + "</table>"
    )


def figure_dot(
    g: nx.MultiDiGraph,
    *,
    lang: str,
    title: str,
    highlight: set[str],
    to_dot: Callable[..., str],
    kind_colours: dict[str, str],
) -> str:
    """The DOT of a figure: the snapshot's drawing, page-sized, with a title and a legend.

    The nodes and edges are drawn exactly as ``export --format dot`` draws them (*to_dot*),
    so a figure and the whole-graph picture agree; this adds the size, the title, the legend
    and a thick outline on the *highlight* nodes (the ego or the forum).
    """
    body = to_dot(g, lang=lang).rstrip().rstrip("}").rstrip()
    size = f'"{PAGE_WIDTH_IN:.4f},{PAGE_HEIGHT_IN:.4f}!"'
    caption = (
        f'<<table border="0" cellspacing="4"><tr><td><font point-size="14">{html.escape(title)}'
        f"</font></td></tr><tr><td>{legend(g, lang=lang, kind_colours=kind_colours)}</td></tr>"
        "</table>>"
    )
    extra = [f"  graph [size={size}, label={caption}, labelloc=b];"]
    for n in sorted(highlight):
        extra.append(f'  "{n}" [penwidth=3, color="#222222"];')
    return body + "\n" + "\n".join(extra) + "\n}\n"


__all__ = [
    "FIGURE_FORMATS",
    "METRICS",
    "PAGE_WIDTH_IN",
    "PNG_DPI",
    "centrality",
    "ego",
    "figure_dot",
    "legend",
    "members_of",
    "top_nodes",
]
