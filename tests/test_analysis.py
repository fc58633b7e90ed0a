"""Regime-complexity metrics on a hand-computed fixture (tests/fixtures/metrics/regime.trig).

Every expected number below is worked out from the definitions in docs/metrics.md and the
memberships listed at the top of the fixture, never copied from the code's output. The
fixture at the end of 2025:

    alpha {A B C D}   beta {A B C D E F}   gamma {C D E}   delta {E F}   epsilon {G H}

(A = ardenia, B = borland, … H = hollis; zeta ended in 2015, borland left gamma in 2021,
galen only observes gamma.) At the end of 2019: alpha {A B C D}, beta {A…F}, gamma {B C D E}.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from regimekg import analysis, asof, store
from regimekg.analysis import (
    compute,
    fragmentation_type,
    metrics_graph,
    oxigraph_select,
    read_graph,
    resolve_as_of,
)
from regimekg.errors import UserError
from regimekg.namespaces import METRICS_GRAPH, RKG
from regimekg.paths import Project

FIXTURE = Path(__file__).parent / "fixtures" / "metrics" / "regime.trig"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
ID = "https://w3id.org/regimekg/id/"


def inst(slug: str) -> str:
    return f"{ID}institution/{slug}"


def state(slug: str) -> str:
    return f"{ID}state/{slug}"


ALPHA, BETA, GAMMA = inst("alpha-forum"), inst("beta-org"), inst("gamma-initiative")
DELTA, EPSILON, ZETA = inst("delta-partnership"), inst("epsilon-summit"), inst("zeta-process")
OMEGA = f"{ID}instrument/omega-principles"
A, B, C, D = state("ardenia"), state("borland"), state("corvia"), state("dalmar")
E, F, G, H = state("estoria"), state("fenwick"), state("galen"), state("hollis")


def load_store(path: Path | None = None) -> ox.Store:
    st = ox.Store(None if path is None else str(path))
    st.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return st


def make_project(root: Path) -> Project:
    """A project whose build directory holds the fixture, as `regimekg build` would leave it."""
    build = root / "build"
    build.mkdir(parents=True)
    (root / "data" / "sources").mkdir(parents=True)  # what marks a project directory
    (root / "data" / "sources" / "sources.yaml").write_text("[]\n", encoding="utf-8")
    (root / "ontology").mkdir()
    st = load_store(build / "store")
    st.flush()
    del st
    store.write_info(build, {"version": "0.1.0", "built": "2026-01-02T03:04:05+00:00"})
    return Project(root)


@pytest.fixture(scope="module")
def fx() -> ox.Store:
    return load_store()


@pytest.fixture(scope="module")
def data(fx: ox.Store) -> analysis.RegimeData:
    return read_graph(oxigraph_select(fx))


@pytest.fixture(scope="module")
def m2025(data: analysis.RegimeData) -> analysis.Metrics:
    return compute(data.at(dt.date(2025, 12, 31)))


@pytest.fixture(scope="module")
def m2019(data: analysis.RegimeData) -> analysis.Metrics:
    return compute(data.at(dt.date(2019, 12, 31)))


def approx(x: float) -> object:
    return pytest.approx(x, abs=1e-9)


# --------------------------------------------------------------------------- time


def test_the_fixture_time_graph_is_what_the_as_of_rule_gives() -> None:
    """graph/time of the fixture is generated (python -m regimekg.asof), never hand-edited."""
    text = FIXTURE.read_text(encoding="utf-8")
    assert text.endswith(asof.fixture_time_block(FIXTURE))


def test_partial_dates_are_read_so_nothing_shows_early_or_late() -> None:
    # a start counts from its last possible day, an end from its first (that day included)
    assert asof.started_by("2020-06") == dt.date(2020, 6, 30)
    assert asof.started_by("2018") == dt.date(2018, 12, 31)
    assert asof.ended_from("2021") == dt.date(2021, 1, 1)
    assert asof.ended_from("2020-01-31") == dt.date(2020, 1, 31)
    assert asof.present(dt.date(2018, 12, 31), dt.date(2021, 1, 1), dt.date(2021, 1, 1))
    assert not asof.present(dt.date(2018, 12, 31), dt.date(2021, 1, 1), dt.date(2021, 1, 2))
    assert not asof.present(dt.date(2020, 6, 30), None, dt.date(2020, 6, 29))
    # a date no source gives is unknown, not "always"
    assert not asof.present(None, None, dt.date(2999, 1, 1))


def test_as_of_names_the_last_day_of_its_period() -> None:
    assert resolve_as_of("2019") == dt.date(2019, 12, 31)
    assert resolve_as_of("2024-02") == dt.date(2024, 2, 29)
    assert resolve_as_of("2023-06-15") == dt.date(2023, 6, 15)
    assert resolve_as_of(None) is None
    for bad in ("2019-13", "yesterday", "2023-02-30"):
        with pytest.raises(UserError, match="--as-of"):
            resolve_as_of(bad)


def test_slices_follow_the_fixture_dates(data: analysis.RegimeData) -> None:
    def members(day: dt.date, org: str) -> set[str]:
        return {m.member for m in data.at(day).memberships if m.organisation == org and m.counts}

    # delta was founded 2020-03; estoria joined "2020-06" (known from its last day);
    # fenwick's membership is undated and only a source of 2024 attests it
    assert members(dt.date(2020, 2, 29), DELTA) == set()
    assert members(dt.date(2020, 6, 29), DELTA) == set()
    assert members(dt.date(2020, 6, 30), DELTA) == {E}
    assert members(dt.date(2024, 12, 30), DELTA) == {E}
    assert members(dt.date(2024, 12, 31), DELTA) == {E, F}
    # borland left gamma in "2021": in on 2021-01-01 (maybe its last day), not after
    assert B in members(dt.date(2021, 1, 1), GAMMA)
    assert B not in members(dt.date(2021, 6, 15), GAMMA)
    # zeta existed 2010–2015 only, so did its links
    assert ZETA in data.at(dt.date(2012, 12, 31)).entities
    assert ZETA not in data.at(dt.date(2016, 1, 1)).entities
    assert all(ZETA not in (lk.source, lk.target) for lk in data.at(dt.date(2019, 12, 31)).links)
    # sigma has no start date: it exists from its adoption (2021-11), not its proposal (2020)
    sigma = f"{ID}instrument/sigma-declaration"
    assert sigma not in data.at(dt.date(2021, 11, 29)).entities
    assert sigma in data.at(dt.date(2021, 11, 30)).entities
    # omega was adopted 2019-05-22
    assert OMEGA not in data.at(dt.date(2019, 5, 21)).entities
    assert OMEGA in data.at(dt.date(2019, 5, 22)).entities


def test_observers_are_not_members(m2025: analysis.Metrics) -> None:
    assert m2025.value("member-count", "membership", GAMMA) == 3  # corvia dalmar estoria
    assert m2025.value("institution-membership-count", "membership", G) == 1  # epsilon only


# --------------------------------------------------------------------------- networks, 2025


def test_two_mode_membership_network(m2025: analysis.Metrics) -> None:
    v = m2025.value
    assert v("actor-count", "membership") == 8
    assert v("institution-count", "membership") == 5
    assert v("node-count", "membership") == 13
    assert v("edge-count", "membership") == 4 + 6 + 3 + 2 + 2
    assert v("density", "membership") == approx(17 / (8 * 5))
    # {alpha beta gamma delta, A–F} and {epsilon, G, H}
    assert v("component-count", "membership") == 2
    assert v("largest-component-share", "membership") == approx(10 / 13)
    assert v("mean-memberships-per-actor", "membership") == approx(
        (2 + 2 + 3 + 3 + 3 + 2 + 1 + 1) / 8
    )
    # of the 17 memberships in force only fenwick–delta has no start date
    assert v("undated-membership-share", "membership") == approx(1 / 17)


def test_institution_projection(m2025: analysis.Metrics) -> None:
    v, p = m2025.value, "institution-projection"
    # edges: alpha-beta 4, alpha-gamma 2, beta-gamma 3, beta-delta 2, gamma-delta 1
    assert v("node-count", p) == 5
    assert v("edge-count", p) == 5
    assert v("density", p) == approx(5 / 10)
    assert v("component-count", p) == 2  # epsilon shares nobody
    assert v("largest-component-share", p) == approx(4 / 5)
    degree = {ALPHA: 2 / 4, BETA: 3 / 4, GAMMA: 3 / 4, DELTA: 2 / 4, EPSILON: 0.0}
    strength = {ALPHA: 4 + 2, BETA: 4 + 3 + 2, GAMMA: 2 + 3 + 1, DELTA: 2 + 1, EPSILON: 0}
    # alpha–delta has two shortest paths, via beta and via gamma: each gets 1/2,
    # normalised by (n−1)(n−2)/2 = 6
    between = {ALPHA: 0.0, BETA: 0.5 / 6, GAMMA: 0.5 / 6, DELTA: 0.0, EPSILON: 0.0}
    # eigenvector of {alpha, beta, gamma, delta}: by symmetry x_alpha = x_delta = p,
    # x_beta = x_gamma = q; λp = 2q and λq = 2p + q give λ² − λ − 4 = 0; unit norm
    # 2p² + 2q² = 1, then scaled by the component's share 4/5
    lam = (1 + math.sqrt(17)) / 2
    q = 1 / math.sqrt(2 * (2 / lam) ** 2 + 2)
    pp = 2 * q / lam
    eig = {ALPHA: pp * 0.8, BETA: q * 0.8, GAMMA: q * 0.8, DELTA: pp * 0.8, EPSILON: 0.0}
    for node in degree:
        assert v("degree-centrality", p, node) == approx(degree[node])
        assert v("shared-member-strength", p, node) == strength[node]
        assert v("betweenness-centrality", p, node) == approx(between[node])
        assert v("eigenvector-centrality", p, node) == approx(eig[node])
    assert eig[BETA] == pytest.approx(0.445876, abs=1e-6)  # the value docs/metrics.md quotes


def test_actor_projection(m2025: analysis.Metrics) -> None:
    v, p = m2025.value, "actor-projection"
    # A–F form a clique through beta (15 edges); G–H through epsilon
    assert v("edge-count", p) == 16
    assert v("density", p) == approx(16 / 28)
    assert v("component-count", p) == 2
    assert v("largest-component-share", p) == approx(6 / 8)
    for actor in (A, B, C, D, E, F):
        assert v("degree-centrality", p, actor) == approx(5 / 7)
        assert v("betweenness-centrality", p, actor) == approx(0.0)
        # K6: every entry 1/√6, times the component share 6/8
        assert v("eigenvector-centrality", p, actor) == approx(6 / 8 / math.sqrt(6))
    for actor in (G, H):
        assert v("degree-centrality", p, actor) == approx(1 / 7)
        assert v("eigenvector-centrality", p, actor) == approx(2 / 8 / math.sqrt(2))


def test_pairwise_overlap_and_nestedness(m2025: analysis.Metrics) -> None:
    v, p = m2025.value, "institution-projection"
    a, b = sorted((ALPHA, BETA))
    assert v("shared-members", p, a, b) == 4
    assert v("jaccard", p, a, b) == approx(4 / 6)
    assert v("overlap-coefficient", p, a, b) == approx(1.0)
    assert v("nestedness", p, ALPHA, BETA) == approx(1.0)  # every alpha member is in beta
    assert v("nestedness", p, BETA, ALPHA) == approx(4 / 6)
    a, b = sorted((ALPHA, GAMMA))
    assert v("jaccard", p, a, b) == approx(2 / 5)
    assert v("overlap-coefficient", p, a, b) == approx(2 / 3)
    assert v("nestedness", p, ALPHA, GAMMA) == approx(2 / 4)
    assert v("nestedness", p, GAMMA, ALPHA) == approx(2 / 3)
    a, b = sorted((GAMMA, DELTA))
    assert v("jaccard", p, a, b) == approx(1 / 4)
    assert v("overlap-coefficient", p, a, b) == approx(1 / 2)
    assert v("nestedness", p, DELTA, BETA) == approx(1.0)
    a, b = sorted((ALPHA, DELTA))
    assert v("jaccard", p, a, b) is None  # nothing shared: not written
    # mean over all 10 pairs, zeros included: (2/3 + 2/5 + 1/2 + 1/3 + 1/4) / 10
    assert v("mean-pairwise-jaccard", "membership") == approx(
        (2 / 3 + 2 / 5 + 1 / 2 + 1 / 3 + 1 / 4) / 10
    )


def test_participation_coverage_and_forum_shopping(m2025: analysis.Metrics) -> None:
    v = m2025.value
    # A 2, B 2, C 3, D 3, E 3, F 2, G 1, H 1 institutions
    exactly = {1: 2, 2: 3, 3: 3, 4: 0, 5: 0}
    at_least = {1: 8, 2: 6, 3: 3, 4: 0, 5: 0}
    for k in exactly:
        assert v("actors-in-exactly-k", "membership", k=k) == exactly[k]
        assert v("actors-in-at-least-k", "membership", k=k) == at_least[k]
    assert v("actors-in-exactly-k", "membership", k=6) is None  # only k ≤ n institutions
    options = {A: 1, B: 1, C: 2, D: 2, E: 2, F: 1, G: 0, H: 0}
    for actor, n in options.items():
        assert v("forum-shopping-options", "membership", actor) == n


def test_regime_link_network_and_hierarchy(m2025: analysis.Metrics) -> None:
    v, r = m2025.value, "regime-links"
    # 8 links among alpha beta gamma delta epsilon omega (zeta has ended)
    assert v("node-count", r) == 6
    assert v("edge-count", r) == 8
    assert v("density", r) == approx(8 / 30)
    assert v("component-count", r) == 1
    assert v("largest-component-share", r) == approx(1.0)
    assert v("link-type-share", r, category="parallel-to") == approx(2 / 8)
    assert v("link-type-share", r, category="builds-on") == approx(1 / 8)
    assert v("link-type-share", r, category="part-of") == approx(0.0)
    # builds-on + endorses + hosted-by
    assert v("hierarchical-link-share", r) == approx(3 / 8)
    assert v("nesting-link-share", r) == approx(1 / 8)
    assert v("hierarchical-in-degree", r, OMEGA) == 2
    assert v("hierarchical-in-degree", r, BETA) == 1
    assert v("hierarchical-in-degree", r, GAMMA) == 0
    ins = {ALPHA: 0, BETA: 2, GAMMA: 2, DELTA: 1, EPSILON: 1, OMEGA: 2}
    outs = {ALPHA: 2, BETA: 0, GAMMA: 2, DELTA: 2, EPSILON: 2, OMEGA: 0}
    for node in ins:
        assert v("link-in-degree", r, node) == ins[node]
        assert v("link-out-degree", r, node) == outs[node]
    # undirected shortest paths: gamma lies on 6.5 of the 15 pairs' paths, omega and
    # epsilon on 1.5 each, delta on 0.5; normalised by (6−1)(6−2)/2 = 10
    between = {GAMMA: 0.65, OMEGA: 0.15, EPSILON: 0.15, DELTA: 0.05, ALPHA: 0.0, BETA: 0.0}
    for node, x in between.items():
        assert v("betweenness-centrality", r, node) == approx(x)


def test_biermann_classification(m2025: analysis.Metrics) -> None:
    kinds = {(o.subject, o.related): o.category for o in m2025.by("fragmentation-type")}

    def kind(x: str, y: str) -> str | None:
        return kinds.get(tuple(sorted((x, y))))  # type: ignore[arg-type]

    assert kind(ALPHA, BETA) == "synergistic"  # nested in
    assert kind(GAMMA, BETA) == "synergistic"  # hosted by
    assert kind(DELTA, EPSILON) == "conflictive"  # conflicts with beats parallel to
    assert kind(ALPHA, GAMMA) == "cooperative"  # overlaps with
    assert kind(EPSILON, GAMMA) == "cooperative"  # parallel to
    assert kind(GAMMA, OMEGA) == "cooperative"  # builds on
    assert kind(DELTA, OMEGA) == "cooperative"  # endorses
    assert kind(ALPHA, DELTA) is None  # no link: no classification
    counts = {o.category: o.value for o in m2025.by("fragmentation-type-count")}
    assert counts == {"synergistic": 2, "cooperative": 4, "conflictive": 1}


def test_fragmentation_precedence() -> None:
    assert fragmentation_type(["parallel-to", "conflicts-with", "nested-in"]) == "conflictive"
    assert fragmentation_type(["builds-on", "part-of"]) == "synergistic"
    assert fragmentation_type(["endorses"]) == "cooperative"
    assert fragmentation_type([]) is None


# --------------------------------------------------------------------------- 2019 and whole


def test_2019_slice(m2019: analysis.Metrics) -> None:
    v = m2019.value
    assert v("institution-count", "membership") == 3
    assert v("actor-count", "membership") == 6  # galen observes, hollis's zeta has ended
    assert v("edge-count", "membership") == 4 + 6 + 4
    assert v("density", "membership") == approx(14 / 18)
    assert v("component-count", "membership") == 1
    assert v("undated-membership-share", "membership") == approx(0.0)  # delta came in 2020
    a, g = sorted((ALPHA, GAMMA))
    assert v("jaccard", "institution-projection", a, g) == approx(3 / 5)  # {B C D} / {A…E}
    assert v("overlap-coefficient", "institution-projection", a, g) == approx(3 / 4)
    assert v("nestedness", "institution-projection", GAMMA, BETA) == approx(1.0)
    # A 2, B 3, C 3, D 3, E 2, F 1
    assert [v("actors-in-exactly-k", "membership", k=k) for k in (1, 2, 3)] == [1, 2, 3]
    # gamma builds-on omega, alpha nested-in beta, gamma hosted-by beta, alpha overlaps gamma
    assert v("edge-count", "regime-links") == 4
    assert v("hierarchical-link-share", "regime-links") == approx(2 / 4)
    # a triangle: every eigenvector entry 1/√3
    for org in (ALPHA, BETA, GAMMA):
        assert v("eigenvector-centrality", "institution-projection", org) == approx(
            1 / math.sqrt(3)
        )


def test_whole_graph_keeps_every_period(data: analysis.RegimeData) -> None:
    m = compute(data)
    assert m.data.as_of is None
    assert m.value("institution-count", "membership") == 6  # zeta included
    assert m.value("member-count", "membership", GAMMA) == 4  # borland's ended membership too
    assert m.value("edge-count", "regime-links") == 9


def test_metric_triples_round_trip_through_both_rdf_libraries(m2025: analysis.Metrics) -> None:
    """What the writer serialises is what pyoxigraph and rdflib read back, every double keeps
    its 12-decimal ``repr`` form, and the same slice gives the same bytes twice."""
    from regimekg.analysis import rdf

    triples = list(rdf.to_triples(m2025))
    text = rdf.serialize(triples)
    assert text == rdf.serialize(rdf.to_triples(m2025))
    back = [q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]
    assert back == list(dict.fromkeys(triples))  # each triple once, in first-seen order
    assert len(Graph().parse(data=text, format="nt")) == len(back)
    doubles = [t.object for t in back if isinstance(t.object, ox.Literal)]
    doubles = [o for o in doubles if o.datatype.value.endswith("#double")]
    assert doubles and all(o.value == repr(round(float(o.value), 12)) for o in doubles)


def test_empty_slice_has_zero_metrics(data: analysis.RegimeData) -> None:
    m = compute(data.at(dt.date(1990, 1, 1)))
    assert m.value("node-count", "membership") == 0
    assert m.value("density", "membership") == 0.0
    assert m.value("largest-component-share", "regime-links") == 0.0
    assert m.by("member-count") == []


# --------------------------------------------------------------------------- RDF write-back


TOP_QUERY = """
PREFIX rkg: <https://w3id.org/regimekg/ontology#>
PREFIX metric: <https://w3id.org/regimekg/id/metric/>
PREFIX network: <https://w3id.org/regimekg/id/network/>
SELECT ?forum ?value WHERE {
  ?o a rkg:MetricObservation ; rkg:metric metric:eigenvector-centrality ;
     rkg:network network:institution-projection ; rkg:subject ?forum ;
     rkg:value ?value ; rkg:asOf ?day .
  FILTER(YEAR(?day) = 2025)
} ORDER BY DESC(?value) STR(?forum)"""


def test_metrics_graph_answers_sparql(fx: ox.Store) -> None:
    g = metrics_graph(fx, as_of="2025")
    rows = [(str(r[0]), float(r[1])) for r in g.query(TOP_QUERY)]
    assert [f for f, _ in rows] == [BETA, GAMMA, ALPHA, DELTA, EPSILON]
    assert rows[0][1] == pytest.approx(0.445876, abs=1e-6)


def test_metric_terms_are_bilingual_and_slices_do_not_collide(fx: ox.Store) -> None:
    g19, g25 = metrics_graph(fx, as_of="2019"), metrics_graph(fx, as_of="2025")
    q = f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o a <{RKG}MetricObservation> }}"
    n19, n25 = (int(next(iter(g.query(q)))[0]) for g in (g19, g25))
    both = g19 + g25
    assert int(next(iter(both.query(q)))[0]) == n19 + n25
    labels = """
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?c WHERE { ?c a skos:Concept .
      FILTER NOT EXISTS { ?c rdfs:label ?en FILTER(LANG(?en) = "en") }
      FILTER NOT EXISTS { ?c rdfs:label ?zh FILTER(LANG(?zh) = "zh") } }"""
    assert list(both.query(labels)) == []
    # the same date gives the same IRIs (a rebuild does not churn the graph)
    from rdflib.compare import isomorphic

    assert isomorphic(g25, metrics_graph(fx, as_of="2025"))


def test_docs_example_query_runs_on_the_metrics_graph(fx: ox.Store) -> None:
    """The SPARQL example in docs/metrics.md, run as written on a 2023 slice."""
    text = DOCS.read_text(encoding="utf-8")
    query = re.search(r"```sparql\n(.*?)```", text, re.S)
    assert query is not None, "docs/metrics.md lost its SPARQL example"
    st = ox.Store()
    g = metrics_graph(fx, as_of="2023") + Graph().parse(FIXTURE, format="trig")
    for s, p, o in g:
        st.add(ox.Quad(*(_ox(t) for t in (s, p, o)), ox.NamedNode(str(METRICS_GRAPH))))
    res = st.query(query.group(1), use_default_graph_as_union=True)
    rows = list(res)
    assert 1 <= len(rows) <= 5
    first = rows[0]
    assert first["forum"].value in (BETA, GAMMA)


def _ox(term):  # rdflib → pyoxigraph, for the docs example test
    from regimekg.terms import to_ox

    return to_ox(term)


# --------------------------------------------------------------------------- run()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return make_project(tmp_path_factory.mktemp("metrics") / "proj")


def test_run_writes_csv_and_reports(project: Project) -> None:
    out = analysis.run(project, as_of="2025", fmt="json")
    doc = json.loads(out)
    assert doc["as_of"] == "2025-12-31"
    assert doc["build"]["version"] == "0.1.0"
    top = doc["institutions"][0]
    assert top["iri"] in (BETA, GAMMA)
    assert top["eigenvector-centrality"] == pytest.approx(0.445876, abs=1e-6)
    folder = project.build_dir() / "metrics" / "2025"
    with (folder / "pairs.csv").open(encoding="utf-8") as f:
        pairs = list(csv.DictReader(f))
    row = next(r for r in pairs if {r["a"], r["b"]} == {ALPHA, BETA})
    assert float(row["jaccard"]) == pytest.approx(4 / 6)
    assert row["fragmentation_type"] == "synergistic"
    assert row["a_label_zh"] in ("阿尔法论坛", "贝塔组织")
    with (folder / "coverage.csv").open(encoding="utf-8") as f:
        cov = {int(r["k"]): int(r["actors_in_exactly_k"]) for r in csv.DictReader(f)}
    assert cov == {1: 2, 2: 3, 3: 3, 4: 0, 5: 0}
    assert {p.name for p in folder.iterdir()} >= {
        "network.csv",
        "institutions.csv",
        "actors.csv",
        "pairs.csv",
        "coverage.csv",
        "observations.csv",
    }


def test_run_without_as_of_writes_to_metrics_root(project: Project) -> None:
    analysis.run(project, fmt="csv")
    assert (project.build_dir() / "metrics" / "institutions.csv").is_file()


def test_report_formats_and_languages(project: Project) -> None:
    zh = analysis.run(project, as_of="2019", fmt="table", lang="zh")
    assert "机制复合体指标" in zh and "贝塔组织" in zh and "2019-12-31" in zh
    md = analysis.run(project, as_of="2019", fmt="md", lang="en")
    assert md.startswith("# Regime-complexity metrics") and "| Beta Organisation |" in md
    rows = list(csv.DictReader(io.StringIO(analysis.run(project, as_of="2019", fmt="csv"))))
    dens = [r for r in rows if r["metric"] == "density" and r["network"] == "membership"]
    assert float(dens[0]["value"]) == pytest.approx(14 / 18)
    assert all(r["as_of"] == "2019-12-31" for r in rows)
    # hollis has no Chinese label: the zh report falls back to English instead of a blank
    assert "Hollis" in analysis.run(project, as_of="2025", fmt="table", lang="zh")


def test_run_errors_are_one_sentence(project: Project, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="--as-of"):
        analysis.run(project, as_of="2019-02-30")
    with pytest.raises(UserError, match="format"):
        analysis.run(project, fmt="xml")
    with pytest.raises(UserError, match="regimekg build"):
        analysis.run(Project(tmp_path))


def test_slices_in_one_graph_equal_the_separate_slices(fx: ox.Store) -> None:
    from rdflib.compare import isomorphic

    together = analysis.metrics_graph_slices(fx, ["2019", "2025", None])
    separate = Graph()
    for value in ("2019", "2025", None):
        separate += metrics_graph(fx, as_of=value)
    assert isomorphic(together, separate)


def test_cli_metrics(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    from regimekg.cli import main

    code = main(["--root", str(project.root), "metrics", "--as-of", "2025", "--lang", "zh"])
    assert code == 0
    out = capsys.readouterr().out
    assert "截至2025-12-31" in out and "贝塔组织" in out
    assert main(["--root", str(project.root), "metrics", "--as-of", "2025-13"]) == 2
    assert "--as-of" in capsys.readouterr().err
