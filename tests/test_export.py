"""Every export format, read back and compared with the graph (tests/fixtures/metrics).

Expected counts come from the fixture's dates (see tests/test_analysis.py for the layout):
at the end of 2025 there are 18 memberships in force (observer included) and 8 regime links
among 14 entities; at the end of 2019, 15 memberships and 4 links among 11 entities.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import igraph
import networkx as nx
import pyoxigraph as ox
import pytest
from lxml import etree
from rdflib import Graph
from rdflib.compare import isomorphic

from regimekg import analysis
from regimekg.analysis import oxigraph_select, read_graph
from regimekg.errors import UserError
from regimekg.export import FORMATS, export
from regimekg.paths import Project

from .test_analysis import ALPHA, BETA, DELTA, EPSILON, GAMMA, OMEGA, ZETA, A, B, E, H, make_project

RKG = "https://w3id.org/regimekg/ontology#"
ID = "https://w3id.org/regimekg/id/"
SLICES = {
    # as_of: (nodes, edges)
    "2025": (14, 18 + 8),
    "2019": (11, 15 + 4),
}


#: Join keys added to the fixture's build (made-up values for made-up states).
CODES = {
    "iso3166Alpha2": "AR",
    "iso3166Alpha3": "ARD",
    "iso3166Numeric": "004",
    "gleditschWardCode": "700",
}
QID = "Q123"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    proj = make_project(tmp_path_factory.mktemp("export") / "proj")
    st = ox.Store(str(proj.build_dir() / "store"))
    graph = ox.NamedNode("https://w3id.org/regimekg/graph/curated")
    for prop, value in CODES.items():
        st.add(ox.Quad(ox.NamedNode(A), ox.NamedNode(RKG + prop), ox.Literal(value), graph))
    skos = "http://www.w3.org/2004/02/skos/core#exactMatch"
    wd = ox.NamedNode(f"http://www.wikidata.org/entity/{QID}")
    st.add(ox.Quad(ox.NamedNode(ALPHA), ox.NamedNode(skos), wd, graph))
    st.flush()
    del st
    return proj


@pytest.fixture(scope="module")
def whole_counts(project: Project) -> tuple[int, int]:
    """Nodes and edges of the unsliced network, counted independently with SPARQL."""
    st = ox.Store.read_only(str(project.build_dir() / "store"))
    q = f"""
    PREFIX rkg: <{RKG}> PREFIX org: <http://www.w3.org/ns/org#>
    SELECT (COUNT(DISTINCT ?n) AS ?nodes) WHERE {{
      {{ ?m a rkg:Membership ; rkg:participant|rkg:participationIn ?n }}
      UNION {{ ?l a rkg:RegimeLink ; rkg:linkSource|rkg:linkTarget ?n }} }}"""
    nodes = int(next(iter(st.query(q, use_default_graph_as_union=True)))["nodes"].value)
    q = f"""
    PREFIX rkg: <{RKG}>
    SELECT (COUNT(DISTINCT ?s) AS ?edges) WHERE {{
      {{ ?s a rkg:Membership }} UNION {{ ?s a rkg:RegimeLink }} }}"""
    edges = int(next(iter(st.query(q, use_default_graph_as_union=True)))["edges"].value)
    return nodes, edges


def expected(as_of: str | None, whole: tuple[int, int]) -> tuple[int, int]:
    return whole if as_of is None else SLICES[as_of]


@pytest.mark.parametrize("as_of", [None, "2025", "2019"])
def test_graphml(project: Project, tmp_path: Path, as_of: str | None, whole_counts) -> None:
    out = export(project, "graphml", tmp_path / "g.graphml", as_of=as_of, lang="zh")
    g = nx.read_graphml(out, force_multigraph=True)
    assert (g.number_of_nodes(), g.number_of_edges()) == expected(as_of, whole_counts)
    assert g.is_directed()
    assert g.graph["build_version"] == "0.1.0"
    assert g.graph["build_date"] == "2026-01-02T03:04:05+00:00"
    assert g.graph["as_of"] == ("" if as_of is None else f"{as_of}-12-31")
    for n, d in g.nodes(data=True):
        assert n.startswith("https://w3id.org/regimekg/id/")
        assert "label_en" in d and "label_zh" in d
    assert g.nodes[ALPHA]["label"] == "阿尔法论坛"
    assert g.nodes[ALPHA]["label_en"] == "Alpha Forum"
    if as_of == "2019":
        assert H not in g  # hollis's only membership then (zeta) had ended
    else:
        assert g.nodes[H]["label"] == "Hollis"  # no Chinese label: falls back, never blank
        assert g.nodes[H].get("label_zh", "") == ""  # … and none is invented
    keys = {k for _, _, k in g.edges(keys=True)}
    assert f"{ALPHA.replace('institution', 'link')}-nested-in-beta-org" in keys


@pytest.mark.parametrize("as_of", [None, "2025", "2019"])
def test_gexf_is_dynamic(project: Project, tmp_path: Path, as_of: str | None, whole_counts) -> None:
    out = export(project, "gexf", tmp_path / "g.gexf", as_of=as_of)
    g = nx.read_gexf(out)
    n_edges = len(ET.parse(out).getroot().findall(".//{*}edge"))
    assert (g.number_of_nodes(), n_edges) == expected(as_of, whole_counts)
    root = ET.parse(out).getroot()
    graph = root.find("{*}graph")
    assert graph is not None
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    desc = root.findtext("{*}meta/{*}description") or ""
    assert "0.1.0" in desc and ("all dates" if as_of is None else f"{as_of}-12-31") in desc
    assert g.nodes[ALPHA]["start"] == "2000-12-31"  # "2000": known from its last day
    if as_of != "2019":
        assert g.nodes[DELTA]["start"] == "2020-03-31"
        assert g.nodes[DELTA]["start_given"] == "2020-03"
    edges = {d["id"]: d for _, _, d in g.edges(data=True)}
    if as_of != "2019":
        estoria = edges["https://w3id.org/regimekg/id/membership/delta-partnership/estoria/member"]
        assert estoria["start"] == "2020-06-30"
    if as_of is None:
        assert g.nodes[ZETA]["end"] == "2015-01-01"  # "2015": its first day
        borland = edges["https://w3id.org/regimekg/id/membership/gamma-initiative/borland/member"]
        assert borland["end"] == "2021-01-01"


@pytest.mark.parametrize("as_of", [None, "2025", "2019"])
def test_cytoscape_json(project: Project, tmp_path: Path, as_of: str | None, whole_counts) -> None:
    out = export(project, "cyjs", tmp_path / "g.cyjs", as_of=as_of)
    doc = json.loads(out.read_text(encoding="utf-8"))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    assert (len(nodes), len(edges)) == expected(as_of, whole_counts)
    ids = {n["data"]["id"] for n in nodes}
    assert all({"label_en", "label_zh", "label"} <= n["data"].keys() for n in nodes)
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    assert doc["data"]["build_version"] == "0.1.0"
    assert doc["directed"] is True and doc["multigraph"] is True
    g = nx.cytoscape_graph(doc)
    assert g.number_of_edges() == len(edges)


@pytest.mark.parametrize("as_of", [None, "2025", "2019"])
def test_d3_node_link(project: Project, tmp_path: Path, as_of: str | None, whole_counts) -> None:
    out = export(project, "d3", tmp_path / "g.json", as_of=as_of, lang="zh")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc) >= {"nodes", "links", "graph", "directed", "multigraph"}
    assert (len(doc["nodes"]), len(doc["links"])) == expected(as_of, whole_counts)
    ids = {n["id"] for n in doc["nodes"]}
    assert all(lk["source"] in ids and lk["target"] in ids for lk in doc["links"])
    assert doc["graph"]["as_of"] == ("" if as_of is None else f"{as_of}-12-31")
    g = nx.node_link_graph(doc, edges="links")
    assert g.number_of_edges() == len(doc["links"])


def test_csv_node_edge_lists_and_yearly_panel(project: Project, tmp_path: Path) -> None:
    out = export(project, "csv", tmp_path / "csv", as_of="2025")
    with (out / "nodes.csv").open(encoding="utf-8") as f:
        nodes = list(csv.DictReader(f))
    with (out / "edges.csv").open(encoding="utf-8") as f:
        edges = list(csv.DictReader(f))
    assert (len(nodes), len(edges)) == SLICES["2025"]
    assert {"iri", "label_en", "label_zh"} <= nodes[0].keys()
    # one edge list per year, from the earliest date (alpha, 2000) to the as-of year
    years = sorted(int(p.stem[-4:]) for p in (out / "panel").glob("edges-*.csv"))
    assert years == list(range(2000, 2026))
    with (out / "panel" / "edges-2019.csv").open(encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == SLICES["2019"][1]
    with (out / "panel" / "edges-2012.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # 2012: alpha 4 + beta 6 + zeta 2 memberships; no regime link yet, since the only
    # source attesting them dates from 2019 (docs/time.md)
    assert len(rows) == 4 + 6 + 2
    with (out / "edges-panel.csv").open(encoding="utf-8") as f:
        panel = list(csv.DictReader(f))
    assert sum(r["year"] == "2019" for r in panel) == SLICES["2019"][1]
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["build_version"] == "0.1.0" and meta["panel_years"] == [2000, 2025]


def _quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


def test_nquads_whole_graph_is_the_store(project: Project, tmp_path: Path) -> None:
    out = export(project, "nq", tmp_path / "all.nq")
    st = ox.Store.read_only(str(project.build_dir() / "store"))
    assert set(_quads(out)) == set(st)


def test_nquads_slice_follows_the_dates(project: Project, tmp_path: Path) -> None:
    quads = _quads(export(project, "nq", tmp_path / "s.nq", as_of="2019"))
    terms = {t.value for q in quads for t in (q.subject, q.object)}
    assert not terms & {DELTA, EPSILON, ZETA}  # founded later / already dissolved
    assert {ALPHA, BETA, GAMMA, OMEGA} <= terms
    is_member = f"{RKG}isMemberOf"
    pairs = {(q.subject.value, q.object.value) for q in quads if q.predicate.value == is_member}
    assert (B, GAMMA) in pairs  # borland was in gamma 2018–2021
    # that membership's end (2021) had not happened yet at the end of 2019
    m = "https://w3id.org/regimekg/id/membership/gamma-initiative/borland/member"
    assert not [q for q in quads if q.subject.value == m and q.predicate.value == f"{RKG}endDate"]
    later = _quads(export(project, "nq", tmp_path / "l.nq", as_of="2025"))
    pairs = {(q.subject.value, q.object.value) for q in later if q.predicate.value == is_member}
    assert (B, GAMMA) not in pairs
    assert any(p[1] == GAMMA for p in pairs)  # corvia's shortcut stays
    evidence = {q.subject.value for q in later if q.predicate.value == f"{RKG}quote"}
    assert "https://w3id.org/regimekg/id/evidence/e3" in evidence  # ardenia–alpha, in force


def test_turtle_equals_the_nquads_it_merges(project: Project, tmp_path: Path) -> None:
    ttl = export(project, "ttl", tmp_path / "s.ttl", as_of="2019")
    nq = export(project, "nq", tmp_path / "s.nq", as_of="2019")
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in _quads(nq)]
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    merged = Graph().parse(data=text.decode("utf-8"), format="nt")
    assert isomorphic(Graph().parse(ttl, format="turtle"), merged)
    again = export(project, "ttl", tmp_path / "again.ttl", as_of="2019")
    assert again.read_bytes() == ttl.read_bytes()  # deterministic


def test_dot_has_both_languages(project: Project, tmp_path: Path) -> None:
    zh = export(project, "dot", tmp_path / "zh.dot", lang="zh").read_text(encoding="utf-8")
    en = export(project, "dot", tmp_path / "en.dot", lang="en").read_text(encoding="utf-8")
    assert zh.startswith("digraph") and 'label="阿尔法论坛"' in zh and "嵌套于" in zh
    assert 'label="Alpha Forum"' in en and "nested in" in en
    assert "Noto Sans CJK SC" in zh
    only = export(project, "dot", tmp_path / "m.dot", network="membership")
    assert "nested in" not in only.read_text(encoding="utf-8")


needs_graphviz = pytest.mark.skipif(
    shutil.which("neato") is None, reason="Graphviz (Debian package graphviz) is not installed"
)


@needs_graphviz
def test_svg_picture(project: Project, tmp_path: Path) -> None:
    out = export(project, "svg", tmp_path / "g.svg", as_of="2025", lang="zh")
    root = ET.parse(out).getroot()
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"阿尔法论坛", "贝塔组织", "沿袭自"} <= texts
    assert "泽塔进程" not in texts  # dissolved in 2015


@needs_graphviz
def test_png_picture(project: Project, tmp_path: Path) -> None:
    out = export(project, "png", tmp_path / "g.png", as_of="2025", lang="zh")
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width > 300 and height > 300


def test_html_is_self_contained(project: Project, tmp_path: Path) -> None:
    page = export(project, "html", tmp_path / "v.html", lang="zh").read_text(encoding="utf-8")
    assert "default-src 'none'" in page
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert "Permission is hereby granted" in page  # the vendored library's licence
    data = page.split('id="regimekg-data">', 1)[1].split("</script>", 1)[0]
    doc = json.loads(data)
    assert len(doc["nodes"]) == 15 and len(doc["edges"]) == 30
    alpha = next(n for n in doc["nodes"] if n["id"] == ALPHA)
    assert alpha["zh"] == "阿尔法论坛" and alpha["evidence"][0]["quote"] == "阿尔法论坛成立于2000年"


def test_every_format_is_deterministic(project: Project, tmp_path: Path) -> None:
    for fmt in ("graphml", "gexf", "cyjs", "d3", "dot", "html"):
        a = export(project, fmt, tmp_path / f"a.{fmt}", as_of="2025")
        b = export(project, fmt, tmp_path / f"b.{fmt}", as_of="2025")
        assert a.read_bytes() == b.read_bytes(), fmt


def test_user_errors(project: Project, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="format"):
        export(project, "xlsx", tmp_path / "x")
    with pytest.raises(UserError, match="language"):
        export(project, "d3", tmp_path / "x", lang="fr")
    with pytest.raises(UserError, match="does not exist"):
        export(project, "d3", tmp_path / "missing" / "x.json")
    with pytest.raises(UserError, match="--as-of"):
        export(project, "d3", tmp_path / "x.json", as_of="2019-02-30")
    with pytest.raises(UserError, match="regimekg build"):
        export(Project(tmp_path), "d3", tmp_path / "x.json")
    assert set(FORMATS) == {
        "graphml", "gexf", "cyjs", "d3", "csv", "ttl", "nq", "dot", "svg", "png", "pdf", "html",
    }  # fmt: skip


# ------------------------------------------------ outputs never half written, never foreign


def test_csv_export_refuses_a_folder_of_other_files(project: Project, tmp_path: Path) -> None:
    """``export --format csv -o DIR`` used to delete the user's files in DIR."""
    from tests.test_build import tree_digest

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.md").write_text("# 论文\n", "utf-8")
    before = tree_digest(mine)
    with pytest.raises(UserError, match="not an earlier CSV export"):
        export(project, "csv", mine)
    assert tree_digest(mine) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_csv_export_replaces_an_earlier_one_and_an_empty_folder(
    project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "csv"
    out.mkdir()
    export(project, "csv", out, as_of="2019")
    (out / "panel" / "edges-1999.csv").write_text("stale\n", "utf-8")  # a file of the old export
    export(project, "csv", out, as_of="2025")
    assert not (out / "panel" / "edges-1999.csv").exists()
    meta = json.loads((out / "metadata.json").read_text("utf-8"))
    assert meta["panel_years"] == [2000, 2025]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv"]


def test_a_failing_csv_export_keeps_the_previous_one(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from regimekg import export as export_mod
    from tests.test_build import tree_digest

    out = export(project, "csv", tmp_path / "csv", as_of="2025")
    before = tree_digest(out)
    real = export_mod._csv_text
    calls: list[int] = []

    def fail_midway(header, rows):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 5:  # nodes, edges and two panel years written: then the disk is full
            raise OSError(28, "No space left on device")
        return real(header, rows)

    monkeypatch.setattr(export_mod, "_csv_text", fail_midway)
    with pytest.raises(UserError, match="No space left on device"):
        export(project, "csv", out, as_of="2019")
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv"]


@pytest.mark.parametrize("fmt", ["graphml", "d3", "nq", "html", "dot"])
def test_a_failing_file_export_keeps_the_previous_file(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """A write that fails after part of the file was written (here at the final fsync)
    leaves the previous export whole, not a truncated file."""
    from regimekg import files

    out = export(project, fmt, tmp_path / f"graph.{fmt}")
    before = out.read_bytes()

    def fail(*_a: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(files.os, "fsync", fail)
    with pytest.raises(UserError, match="Input/output error"):
        export(project, fmt, out, as_of="2019")
    monkeypatch.undo()
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_exports_never_go_into_the_project_folders(project: Project) -> None:
    for fmt, target in (
        ("graphml", project.sources_yaml),
        ("csv", project.root / "data"),
        ("csv", project.root),
    ):
        with pytest.raises(UserError, match="project"):
            export(project, fmt, target)


# --------------------------------------------------------------------------- loads cleanly

GEXF_GRAMMAR = Path(__file__).parent / "fixtures" / "gexf-1.3" / "gexf.rng"


def gexf_validator() -> etree.RelaxNG:
    """The published GEXF 1.3 grammar without its viz include (see fixtures/gexf-1.3)."""
    doc = etree.parse(str(GEXF_GRAMMAR))
    for inc in doc.getroot().findall("{http://relaxng.org/ns/structure/1.0}include"):
        if inc.get("href") == "viz.rng":
            doc.getroot().remove(inc)
    return etree.RelaxNG(doc)


def test_gexf_is_valid_gexf_1_3(project: Project, tmp_path: Path) -> None:
    rng = gexf_validator()
    for as_of in (None, "2019"):
        out = export(project, "gexf", tmp_path / f"g-{as_of}.gexf", as_of=as_of, lang="zh")
        doc = etree.parse(str(out))
        assert rng.validate(doc), rng.error_log.last_error
        assert doc.getroot().get("version") == "1.3"
    # the validator is strict: the graph name networkx writes is rejected
    doc.getroot().find("{*}graph").set("name", "regimekg")
    assert not rng.validate(doc)


def test_gexf_attributes_are_typed(project: Project, tmp_path: Path) -> None:
    out = export(project, "gexf", tmp_path / "g.gexf", as_of="2025")
    types = {
        a.get("title"): a.get("type")
        for a in ET.parse(out).getroot().iterfind(".//{*}attributes/{*}attribute")
    }
    assert types["start_year"] in ("integer", "long")
    assert types["member_count"] in ("integer", "long")
    assert types["institution_betweenness"] == "double"
    assert types["gw_code"] in ("integer", "long")
    assert types["iso3166_numeric"] == "string"  # leading zeros survive
    g = nx.read_gexf(out)
    assert g.nodes[BETA]["member_count"] == 6
    assert g.nodes[E]["membership_count"] == 3  # beta, gamma, delta
    assert g.nodes[A]["gw_code"] == 700 and g.nodes[A]["iso3166_numeric"] == "004"


def _metric(m: analysis.Metrics, metric: str, network: str, node: str) -> float | int | None:
    return m.value(metric, network, node)


def test_graphml_typed_attributes_match_the_metrics(project: Project, tmp_path: Path) -> None:
    out = export(project, "graphml", tmp_path / "g.graphml", as_of="2025")
    g = nx.read_graphml(out, force_multigraph=True)
    m = analysis.compute(
        read_graph(oxigraph_select(ox.Store.read_only(str(project.build_dir() / "store")))).at(
            dt.date(2025, 12, 31)
        )
    )
    for node, d in g.nodes(data=True):
        assert isinstance(d["degree"], int) and d["degree"] == g.degree(node)
        assert isinstance(d["member_count"], int) and isinstance(d["membership_count"], int)
        assert ";" not in d["start"] and ";" not in d["end"]
        if d["start_day"]:
            assert d["start_year"] == int(d["start_day"][:4])
        else:
            assert "start_year" not in d
    for inst in (ALPHA, BETA, GAMMA):
        d = g.nodes[inst]
        assert isinstance(d["institution_betweenness"], float)
        assert d["institution_betweenness"] == _metric(
            m, "betweenness-centrality", "institution-projection", inst
        )
        assert d["institution_eigenvector"] == _metric(
            m, "eigenvector-centrality", "institution-projection", inst
        )
    assert g.nodes[BETA]["member_count"] == 6
    assert g.nodes[E]["actor_degree_centrality"] == _metric(
        m, "degree-centrality", "actor-projection", E
    )
    assert g.nodes[A]["iso3166_alpha3"] == "ARD" and g.nodes[A]["gw_code"] == 700
    assert g.nodes[ALPHA]["wikidata"] == QID
    assert g.nodes[DELTA]["start"] == "2020-03" and g.nodes[DELTA]["start_year"] == 2020
    estoria = f"{ID}membership/delta-partnership/estoria/member"
    (edge,) = [d for _, _, k, d in g.edges(keys=True, data=True) if k == estoria]
    assert edge["start"] == "2020-06" and edge["start_day"] == "2020-06-30"
    assert edge["start_year"] == 2020


@pytest.mark.parametrize("as_of", [None, "2019"])
def test_graphml_read_by_igraph(project: Project, tmp_path: Path, as_of, whole_counts) -> None:
    out = export(project, "graphml", tmp_path / "g.graphml", as_of=as_of)
    g = igraph.Graph.Read_GraphML(str(out))
    assert (g.vcount(), g.ecount()) == expected(as_of, whole_counts)
    assert g.is_directed()
    by_iri = {v["id"]: v for v in g.vs}
    beta = by_iri[BETA]
    assert beta["member_count"] == 6 and isinstance(beta["member_count"], float | int)
    assert beta["start_year"] == 2005
    assert isinstance(by_iri[ALPHA]["institution_betweenness"], float)
    assert by_iri[A]["gw_code"] == 700 and by_iri[A]["iso3166_alpha2"] == "AR"
    keys = {k for _, _, k in nx.read_graphml(out, force_multigraph=True).edges(keys=True)}
    assert {e["iri"] for e in g.es} == keys


@pytest.mark.parametrize("as_of", [None, "2019"])
def test_cytoscape_edges_have_stable_ids(project: Project, tmp_path: Path, as_of) -> None:
    docs = [
        json.loads(export(project, "cyjs", tmp_path / f"{i}.cyjs", as_of=as_of).read_text("utf-8"))
        for i in range(2)
    ]
    ids = [[e["data"]["id"] for e in d["elements"]["edges"]] for d in docs]
    assert ids[0] == ids[1]
    assert len(set(ids[0])) == len(ids[0])
    node_ids = {n["data"]["id"] for n in docs[0]["elements"]["nodes"]}
    assert not node_ids & set(ids[0])  # Cytoscape needs ids unique across the whole graph
    assert all(e["data"]["id"] == e["data"]["key"] for e in docs[0]["elements"]["edges"])


def test_csv_has_days_codes_and_an_excel_option(project: Project, tmp_path: Path) -> None:
    plain = export(project, "csv", tmp_path / "plain", as_of="2025")
    excel = export(project, "csv", tmp_path / "excel", as_of="2025", excel=True)
    for name in ("nodes.csv", "edges.csv", "edges-panel.csv", "panel/edges-2019.csv"):
        assert not (plain / name).read_bytes().startswith(b"\xef\xbb\xbf")
        assert (excel / name).read_bytes().startswith(b"\xef\xbb\xbf")
        assert (excel / name).read_text("utf-8-sig") == (plain / name).read_text("utf-8")
    with (plain / "nodes.csv").open(encoding="utf-8") as f:
        nodes = {r["iri"]: r for r in csv.DictReader(f)}
    assert nodes[DELTA]["start_day"] == "2020-03-31"
    assert nodes[A]["iso3166_alpha2"] == "AR" and nodes[A]["iso3166_numeric"] == "004"
    assert nodes[ALPHA]["wikidata"] == QID
    with (plain / "edges.csv").open(encoding="utf-8") as f:
        edges = {r["id"]: r for r in csv.DictReader(f)}
    estoria = edges[f"{ID}membership/delta-partnership/estoria/member"]
    assert (estoria["start"], estoria["start_day"]) == ("2020-06", "2020-06-30")
    with pytest.raises(UserError, match="--excel"):
        export(project, "gexf", tmp_path / "x.gexf", excel=True)


@pytest.mark.parametrize("which", ["institutions", "actors"])
def test_projections_carry_co_membership_weights(project: Project, tmp_path: Path, which) -> None:
    out = export(project, "graphml", tmp_path / "p.graphml", as_of="2025", network=which)
    g = nx.read_graphml(out, force_multigraph=True)
    m = analysis.compute(
        read_graph(oxigraph_select(ox.Store.read_only(str(project.build_dir() / "store")))).at(
            dt.date(2025, 12, 31)
        )
    )
    name = "institution-projection" if which == "institutions" else "actor-projection"
    assert g.number_of_nodes() == m.value("node-count", name)
    assert g.number_of_edges() == m.value("edge-count", name)
    weights = {tuple(sorted((u, v))): d["weight"] for u, v, d in g.edges(data=True)}
    assert all(isinstance(w, int) and w > 0 for w in weights.values())
    if which == "institutions":
        assert weights[tuple(sorted((ALPHA, BETA)))] == 4  # A B C D
        assert weights[tuple(sorted((BETA, DELTA)))] == 2  # E F
        assert tuple(sorted((ALPHA, EPSILON))) not in weights
        for (a, b), w in weights.items():
            assert w == m.value("shared-members", name, a, b)
    else:
        assert weights[tuple(sorted((A, B)))] == 2  # alpha, beta
        assert tuple(sorted((A, H))) not in weights
    gexf = export(project, "gexf", tmp_path / "p.gexf", as_of="2025", network=which)
    assert gexf_validator().validate(etree.parse(str(gexf)))
    assert {float(e.get("weight")) for e in etree.parse(str(gexf)).iterfind(".//{*}edge")} == {
        float(w) for w in weights.values()
    }
    with pytest.raises(UserError, match="projection"):
        export(project, "csv", tmp_path / "c", network=which)
