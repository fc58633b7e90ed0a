"""The as-of rule (regimekg.asof, docs/time.md): one rule, materialised once, read everywhere.

On the metrics fixture (tests/fixtures/metrics/regime.trig, layout in tests/test_analysis.py)
and the shared query fixture (tests/fixtures/mini.trig): nothing is shown before the parties
exist, a named query, a metric slice and an export agree on every date, and the QC query
finds a planted anachronism.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from regimekg import analysis, asof, store
from regimekg import query as q
from regimekg import vocab as _vocab
from regimekg.check import run_queries
from regimekg.export import export
from regimekg.namespaces import ID, RKG
from regimekg.paths import Project
from tests.conftest import ROOT

from .test_analysis import DELTA, EPSILON, GAMMA, ZETA, make_project

MINI = ROOT / "tests" / "fixtures" / "mini.trig"
QC_DIR = ROOT / "queries" / "qc"
QC = "participation-before-party-exists"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return make_project(tmp_path_factory.mktemp("asof") / "proj")


@pytest.fixture(scope="module")
def kg(project: Project) -> q.KG:
    return q.open(ROOT, store=project.build_dir() / "store")


# --------------------------------------------------------------------------- the rule


def test_the_shared_fixture_time_graph_is_generated() -> None:
    assert MINI.read_text(encoding="utf-8").endswith(asof.fixture_time_block(MINI))


def _graph(turtle: str) -> Graph:
    return Graph().parse(
        data="@prefix rkg: <https://w3id.org/regimekg/ontology#> .\n"
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        + "".join(
            f"@prefix {p}: <https://w3id.org/regimekg/id/{kind}/> .\n"
            for p, kind in (
                ("role", "membership-role"),
                ("inst", "institution"),
                ("instr", "instrument"),
                ("st", "state"),
                ("m", "membership"),
                ("doc", "doc"),
                ("ev", "evidence"),
            )
        )
        + turtle,
        format="turtle",
    )


def _known_from(g: Graph) -> Callable[[str], dt.date | None]:
    """The known-from day of ``id/<slug>`` in *g*, by the rule."""
    days = asof.known_periods(g)
    return lambda slug: days[URIRef(f"{ID}{slug}")][0]


def test_known_from_start_else_evidence_never_before_the_parties() -> None:
    g = _graph(
        """
        # a board founded in 2024 that a paper of 2019 already discusses (as a proposal)
        inst:board rkg:startDate "2024"^^xsd:gYear ; rkg:hasEvidence ev:p .
        doc:paper dcterms:date "2019"^^xsd:gYear .
        ev:p rkg:fromSource doc:paper .
        ev:w rkg:accessedOn "2026-11-23"^^xsd:date .
        # a page that gives its own date: dated by it, not by the day it was read
        ev:d rkg:accessedOn "2026-11-23"^^xsd:date ; rkg:publishedOn "2021-05"^^xsd:gYearMonth .
        # a start given by a source: from its last possible day
        m:a a rkg:Membership ; rkg:participant st:a ; rkg:participationIn inst:x ;
            rkg:startDate "2020-06"^^xsd:gYearMonth ; rkg:hasEvidence ev:w .
        # no start: the earliest dated evidence (the paper, 2019, before the web page)
        m:b a rkg:Membership ; rkg:participant st:b ; rkg:participationIn inst:x ;
            rkg:hasEvidence ev:w , ev:p .
        # no start, evidence from 2019, but the board only exists from 2024
        m:c a rkg:Membership ; rkg:participant st:c ; rkg:participationIn inst:board ;
            rkg:hasEvidence ev:p .
        # nothing dated at all: unknown
        m:d a rkg:Membership ; rkg:participant st:d ; rkg:participationIn inst:x .
        # no start, a dated page: from the page's date (its last possible day)
        m:e a rkg:Membership ; rkg:participant st:e ; rkg:participationIn inst:x ;
            rkg:hasEvidence ev:d .
        """
    )
    kf = _known_from(g)

    assert kf("membership/a") == dt.date(2020, 6, 30)
    assert kf("membership/b") == dt.date(2019, 12, 31)
    assert kf("membership/c") == dt.date(2024, 1, 1)
    assert kf("membership/d") is None
    assert kf("membership/e") == dt.date(2021, 5, 31)
    # an entity is known from its own start, its evidence or its earliest known
    # participation, but never before it exists (the 2019 paper does not date the board)
    assert kf("institution/board") == dt.date(2024, 1, 1)
    assert kf("state/b") == dt.date(2019, 12, 31)
    assert kf("state/d") is None


def test_disagreeing_dates_count_from_the_latest_one() -> None:
    """Pages that disagree on a start leave the record without one; every one of them still
    says it had begun by the latest date they give, so that day dates it, not the day a
    page was read."""

    def member(name: str, org: str = "bloc", role: str = "member", start: str = "") -> str:
        dated = f' ; rkg:startDate "{start}"^^xsd:gYear' if start else ""
        return (
            f"m:{name} a rkg:Membership ; rkg:participant st:{name[0]} ; "
            f"rkg:participationIn inst:{org} ; rkg:participationRole role:{role} ; "
            f"rkg:hasEvidence ev:w{dated} .\n"
        )

    def claim(subject: str, about: str, value: str) -> str:
        return (
            f'[] a rkg:Claim ; rkg:claimSubject {subject} ; rkg:claimAbout "{about}" ; '
            f'rkg:claimValue "{value}" .\n'
        )

    g = _graph(
        'ev:w rkg:accessedOn "2026-11-23"^^xsd:date .\ninst:bloc rkg:hasEvidence ev:w .\n'
        # a founding member, the body's founding dated 2006 by one page and 2009 by another
        + member("f", role="founding-member")
        + claim("inst:bloc", "founding-date", "2006")
        + claim("inst:bloc", "founding-date", "2009")
        # a later member is not dated by the founding
        + member("p")
        # a member whose pages say it joined in 2012 or in March 2014 …
        + member("j")
        + claim("st:j", "date-joined-bloc", "2012")
        + claim("st:j", "date-joined-bloc", "2014-03")
        # … and whose joining of another body is not dated by those claims
        + member("jo", org="other")
        # a start, when the pages agree on one, is the start
        + member("s", start="2016")
        + claim("st:s", "date-joined-bloc", "2015")
        # a value that is not a date dates nothing
        + member("n")
        + claim("st:n", "date-joined-bloc", "shortly after independence")
    )
    kf = _known_from(g)

    assert kf("membership/f") == dt.date(2009, 12, 31)
    assert kf("membership/p") == dt.date(2026, 11, 23)
    assert kf("membership/j") == dt.date(2014, 3, 31)
    assert kf("membership/jo") == dt.date(2026, 11, 23)
    assert kf("membership/s") == dt.date(2016, 12, 31)
    assert kf("membership/n") == dt.date(2026, 11, 23)
    # the body is known as soon as its founders are
    assert kf("institution/bloc") == dt.date(2009, 12, 31)


def test_a_link_of_origin_holds_from_its_sources_first_day() -> None:
    """A declaration adopted at a summit was adopted there on the day of its adoption, even
    if the page saying so was read years later; a link of another type is dated by its
    evidence alone."""
    g = _graph(
        """
        @prefix lt: <https://w3id.org/regimekg/id/regime-link-type/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix lk: <https://w3id.org/regimekg/id/link/> .
        <https://w3id.org/regimekg/id/collection/origin-link-types> skos:member lt:adopted-at .
        ev:w rkg:accessedOn "2026-12-07"^^xsd:date .
        inst:summit rkg:startDate "2024-05-21"^^xsd:date .
        instr:decl rkg:dateAdopted "2024-05"^^xsd:gYearMonth .
        instr:older rkg:dateAdopted "2019"^^xsd:gYear .
        lk:a a rkg:RegimeLink ; rkg:linkSource instr:decl ; rkg:linkTarget inst:summit ;
            rkg:linkType lt:adopted-at ; rkg:hasEvidence ev:w .
        lk:b a rkg:RegimeLink ; rkg:linkSource instr:decl ; rkg:linkTarget instr:older ;
            rkg:linkType lt:builds-on ; rkg:hasEvidence ev:w .
        # an origin link whose source has no date stays dated by its evidence
        lk:c a rkg:RegimeLink ; rkg:linkSource instr:undated ; rkg:linkTarget inst:summit ;
            rkg:linkType lt:adopted-at ; rkg:hasEvidence ev:w .
        """
    )
    kf = _known_from(g)
    assert kf("link/a") == dt.date(2024, 5, 31)
    assert kf("link/b") == dt.date(2026, 12, 7)
    assert kf("link/c") == dt.date(2026, 12, 7)


def test_the_vocabulary_names_the_link_types_of_origin() -> None:
    """The grouping the rule reads is in the vocabulary, and each member is a link type."""
    voc = _vocab.current()
    origin = voc.collection("origin-link-types")
    assert {"adopted-at", "launched-by", "established-by"} <= origin <= set(voc.link_types)


def test_bundled_bodies_keep_the_members_whose_dates_pages_dispute(built: Path) -> None:
    """BRICS's founders (2006 or 2009) are members in 2020, and UNESCO's Viet Nam (1951 or
    1976) in 2000: a disagreement between pages does not erase the membership from history."""
    kg = q.open(ROOT, store=built / "store")
    brics = {
        str(r["member"]).rsplit("/", 1)[-1]
        for r in kg.query("members-as-of", params={"forum": "brics", "date": "2020"}).rows
    }
    assert {"brazil", "russia", "india", "china", "south-africa"} <= brics
    unesco = {
        str(r["member"]).rsplit("/", 1)[-1]
        for r in kg.query("members-as-of", params={"forum": "unesco", "date": "2000"}).rows
    }
    assert {"vietnam", "oman", "sudan"} <= unesco
    # a declaration is adopted at its summit from the day of its adoption
    link = ID["link/seoul-declaration/adopted-at/ai-seoul-summit-2024"]
    known = [
        r["k"].value
        for r in store.open_read_only(built / "store").query(
            f"SELECT ?k WHERE {{ GRAPH ?g {{ <{link}> <{RKG.knownFrom}> ?k }} }}"
        )
    ]
    assert known == ["2024-05-21"]


# --------------------------------------------------------------------------- before existence


def test_as_of_before_the_parties_exist_shows_none_of_their_participations(
    project: Project, kg: q.KG
) -> None:
    data = analysis.read_graph(
        analysis.oxigraph_select(ox.Store.read_only(str(project.build_dir() / "store")))
    )
    early = data.at(asof.resolve("1800"))
    assert early.entities == {} and early.memberships == [] and early.links == []
    # delta was founded 2020-03: none of its memberships or links before that
    before = data.at(dt.date(2020, 2, 29))
    assert DELTA not in before.entities
    assert all(DELTA not in (m.organisation, m.member) for m in before.memberships)
    assert all(DELTA not in (lk.source, lk.target) for lk in before.links)
    assert kg.query("members-as-of", params={"forum": DELTA, "date": "2020-02-29"}).rows == []
    # epsilon (2023) is absent from the 2019 metrics, present in 2025's
    m2019 = analysis.metrics_at(analysis.oxigraph_select(_store(project)), "2019")
    m2025 = analysis.metrics_at(analysis.oxigraph_select(_store(project)), "2025")
    assert not [o for o in m2019.observations if EPSILON in (o.subject, o.related)]
    assert m2025.value("member-count", "membership", EPSILON) == 2


def test_metrics_before_anything_is_known_are_an_empty_network(project: Project) -> None:
    report = analysis.run(project, as_of="1800", fmt="csv")
    rows = list(csv.DictReader(report.splitlines()))
    counts = {(r["network"], r["metric"]): r["value"] for r in rows if not r["subject"]}
    assert counts[("membership", "node-count")] == "0"
    assert counts[("regime-links", "edge-count")] == "0"


def test_shared_fixture_members_before_the_founding_day() -> None:
    kg = q.open(ROOT, store=MINI)
    # GPAI's founders joined on 2020-06-15, the day GPAI was created
    assert kg.query("members-as-of", params={"forum": "gpai", "date": "2020-06-14"}).rows == []
    founders = kg.query("members-as-of", params={"forum": "gpai", "date": "2020-06-15"}).rows
    assert len(founders) == 7


def _store(project: Project) -> ox.Store:
    return ox.Store.read_only(str(project.build_dir() / "store"))


# --------------------------------------------------------------------------- one answer


@pytest.mark.parametrize("as_of", ["1800", "2012", "2019", "2020-06", "2021-01-01", "2025"])
def test_query_metric_slice_and_export_agree(
    project: Project, kg: q.KG, tmp_path: Path, as_of: str
) -> None:
    """Member pairs on a date: members-as-of per body, the metric slice, the CSV export."""
    st = _store(project)
    orgs = sorted(_orgs(st))
    by_query: set[tuple[str, str]] = set()
    for org in orgs:
        for row in kg.query("members-as-of", params={"forum": org, "date": as_of}).rows:
            if str(row["role"]).rsplit("/", 1)[-1] in _vocab.current().member_roles:
                by_query.add((str(row["member"]), org))

    m = analysis.metrics_at(analysis.oxigraph_select(st), as_of)
    by_metrics = {(mb.member, mb.organisation) for mb in m.data.memberships if mb.counts}
    counts = {o.subject: o.value for o in m.by("member-count")}
    assert counts == {org: sum(1 for _, o in by_query if o == org) for org in counts}

    out = export(project, "csv", tmp_path / "csv", as_of=as_of, network="membership")
    with (out / "edges.csv").open(encoding="utf-8") as f:
        by_export = {
            (r["source"], r["target"])
            for r in csv.DictReader(f)
            if r["relation"] == "membership" and r["role"] in _vocab.current().member_roles
        }
    assert by_query == by_metrics == by_export
    if as_of == "2025":
        assert (f"{ID}state/borland", GAMMA) not in by_query  # left in "2021"
    if as_of == "2012":
        assert any(o == ZETA for _, o in by_query)


def _orgs(st: ox.Store) -> set[str]:
    """Every body that has a membership node, dated or not."""
    res = st.query(
        f"SELECT DISTINCT ?o WHERE {{ ?m a <{RKG.Membership}> ; <{RKG.participationIn}> ?o }}",
        use_default_graph_as_union=True,
    )
    assert isinstance(res, ox.QuerySolutions)
    return {sol["o"].value for sol in res}


# --------------------------------------------------------------------------- QC


def _qc_rows(turtle: str) -> list[tuple[object, ...]]:
    st = ox.Store()
    st.load(
        _graph(turtle).serialize(format="nt").encode(),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode("https://w3id.org/regimekg/graph/curated"),
    )
    _, reported, errors = run_queries(QC_DIR, [st])
    assert not errors
    return reported[QC]


def test_qc_finds_a_planted_anachronism() -> None:
    rows = _qc_rows(
        """
        inst:eu rkg:startDate "1993-11-01"^^xsd:date .
        instr:act rkg:dateProposed "2021"^^xsd:gYear ; rkg:dateAdopted "2024-05"^^xsd:gYearMonth .
        # planted: a membership of 1958 in a body founded 1993
        m:early a rkg:Membership ; rkg:participant st:fr ; rkg:participationIn inst:eu ;
            rkg:startDate "1958"^^xsd:gYear .
        # planted: signing in 2023 an instrument adopted 2024-05 (a proposal is not existence)
        m:sig a rkg:Membership ; rkg:participant st:fr ; rkg:participationIn instr:act ;
            rkg:startDate "2023-12-31"^^xsd:date .
        # fine: the same year at a coarser precision is not surely before
        m:same a rkg:Membership ; rkg:participant st:de ; rkg:participationIn inst:eu ;
            rkg:startDate "1993"^^xsd:gYear .
        m:later a rkg:Membership ; rkg:participant st:at ; rkg:participationIn inst:eu ;
            rkg:startDate "1995-01-01"^^xsd:date .
        """
    )
    found = sorted(str(r[0]).rsplit("/", 1)[-1] for r in rows)
    assert found == ["early", "sig"]


def test_qc_is_silent_on_the_fixtures() -> None:
    for path in (MINI, ROOT / "tests" / "fixtures" / "metrics" / "regime.trig"):
        st = ox.Store()
        st.load(path=str(path), format=ox.RdfFormat.TRIG)
        _, reported, errors = run_queries(QC_DIR, [st])
        assert not errors and reported[QC] == [], path


def test_docs_time_md_counts_the_rows_of_the_bundled_build(built: Path) -> None:
    """docs/time.md tells readers how many sourced anachronisms `regimekg check` will report;
    the number must be the bundled build's, or a reader takes a new row for a mistake."""
    text = (ROOT / "docs" / "time.md").read_text(encoding="utf-8")
    said = re.search(r"The bundled data has (\d+) such rows", text)
    assert said, "docs/time.md no longer says how many rows the QC query reports"
    _, reported, errors = run_queries(QC_DIR, [store.open_read_only(built / "store")])
    assert not errors
    assert int(said.group(1)) == len(reported[QC])
