"""``regimekg stats`` on the fixture: numbers checked against the fixture's known contents."""

from __future__ import annotations

import re
import warnings

import pytest
import rdflib

from regimekg import query as q
from regimekg.errors import UserError
from regimekg.stats import stats
from tests.conftest import ROOT
from tests.test_query_golden import FIXTURE


@pytest.fixture(scope="module")
def kg() -> q.KG:
    return q.open(ROOT, store=FIXTURE)


@pytest.fixture(scope="module")
def report(kg: q.KG) -> str:
    return stats(kg, "en")


def line(report: str, pattern: str) -> None:
    assert re.search(pattern, report, re.M), f"no line matching {pattern!r} in:\n{report}"


def test_triples_per_graph_add_up(kg: q.KG, report: str) -> None:
    graphs = dict(re.findall(r"^(curated|vocab|time|mini-notes|mini-brief)\s+(\d+)$", report, re.M))
    assert set(graphs) == {"curated", "vocab", "time", "mini-notes", "mini-brief"}
    total = int(re.search(r"^Total: (\d+)$", report, re.M).group(1))  # type: ignore[union-attr]
    assert total == sum(int(n) for n in graphs.values())
    # the fixture's vocabulary: 11 schemes and 46 concepts, each with two prefLabels and a type;
    # concepts also carry inScheme, and the 6 membership roles are typed org:Role as well
    assert int(graphs["vocab"]) == 11 * 3 + 46 * 4 + 6


def test_individuals_per_class(report: str) -> None:
    line(report, r"^Membership\s+44$")
    line(report, r"^RegimeLink\s+15$")
    line(report, r"^Evidence\s+118$")
    line(report, r"^State\s+7$")
    line(report, r"^CitedWork\s+2$")  # stored in two graphs, counted once


def test_label_coverage(report: str) -> None:
    line(report, r"^institution\s+15\s+14 \(93%\)\s+14 \(93%\)\s+13 \(87%\)$")
    line(report, r"^person\s+2\s+2 \(100%\)\s+1 \(50%\)\s+1 \(50%\)$")
    line(report, r"^state\s+7\s+7 \(100%\)\s+7 \(100%\)\s+7 \(100%\)$")
    line(report, r"^concept\s+46\s+46 \(100%\)\s+46 \(100%\)\s+46 \(100%\)$")


def test_curated_entities_roles_links_and_conflicts(report: str) -> None:
    line(report, r"^Entities: 29$")
    line(report, r"^With both labels: 27 of 29 \(93%\)$")
    line(report, r"^With evidence: 29 of 29 \(100%\)$")
    line(report, r"^founding member\s+31$")
    line(report, r"^member\s+12$")
    line(report, r"^observer\s+1$")
    line(report, r"^nested in\s+4$")
    line(report, r"^Hiroshima AI Process Friends Group\s+member-count\s+2$")


def test_chinese_report(kg: q.KG) -> None:
    zh = stats(kg, "zh")
    assert zh.startswith("各命名图的三元组数\n==================\n")
    line(zh, r"^机构\s+15\s+14 \(93%\)")
    line(zh, r"^创始成员\s+31$")
    line(zh, r"^中英标签齐全: 29 个中的 27 个（93%）$")
    line(zh, r"^广岛人工智能进程之友小组\s+member-count\s+2$")


def test_same_report_from_rdflib(report: str) -> None:
    dataset = rdflib.Dataset(default_union=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(FIXTURE, format="trig")
    assert stats(q.open(ROOT, dataset=dataset), "en") == report


def test_unknown_language(kg: q.KG) -> None:
    with pytest.raises(UserError):
        stats(kg, "fr")


def test_memberships_by_body_with_known_start(report: str) -> None:
    line(report, r"^Group of Twenty\s+8\s+8 \(100%\)$")
    line(report, r"^Hiroshima AI Process Friends Group\s+3\s+3 \(100%\)$")
    line(report, r"^Known start date: 44 of 44 \(100%\)$")


def test_un_states_section_needs_the_united_nations_slug(report: str) -> None:
    """The fixture's UN is id/institution/un, so the section is empty, not wrong."""
    assert "UN member and observer states\n=============================\nnone\n" in report


def test_attributed_assertions_by_kind_and_article_and_quantities(report: str) -> None:
    line(report, r"^typology or list membership\s+5$")
    line(report, r"^characterisation or role\s+1$")
    line(report, r"^figure\s+2$")
    line(report, r"^Notes on the regime complex \(fixture\)\s+6$")
    line(report, r"^AI governance regimes: a brief \(fixture\)\s+2$")
    line(report, r"^EUR\s+1$")
    line(report, r"^percent\s+1$")


def test_missing_labels_are_listed_with_their_reasons(kg: q.KG, report: str) -> None:
    """The fixture's en-only and zh-only entities are gaps; none has a reason recorded yet."""
    line(report, r"^With both labels or a recorded reason: 27 of 29 \(93%\)$")
    line(report, r"^- Frontier Model Forum \(frontier-model-forum\) zh: \(no reason recorded\)$")
    line(report, r"^- 世界人工智能大会 \(waic\) en: \(no reason recorded\)$")
    line(stats(kg, "zh"), r"^- 世界人工智能大会 \(waic\) en: （未记录原因）$")


def test_a_recorded_reason_is_shown_and_counted(report: str) -> None:
    dataset = rdflib.Dataset(default_union=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(FIXTURE, format="trig")
        curated = dataset.graph(rdflib.URIRef("https://w3id.org/regimekg/graph/curated"))
    rkg = rdflib.Namespace("https://w3id.org/regimekg/ontology#")
    gap = rdflib.URIRef("https://w3id.org/regimekg/id/label-provenance/waic/en")
    curated.add((gap, rdflib.RDF.type, rkg.LabelProvenance))
    curated.add((gap, rkg.labelOf, rdflib.URIRef("https://w3id.org/regimekg/id/institution/waic")))
    curated.add((gap, rkg.labelLanguage, rdflib.Literal("en")))
    curated.add((gap, rkg.labelMissingReason, rdflib.Literal("no English page found", lang="en")))
    text = stats(q.open(ROOT, dataset=dataset), "en")
    line(text, r"^- 世界人工智能大会 \(waic\) en: no English page found$")
    line(text, r"^With both labels or a recorded reason: 28 of 29 \(97%\)$")
    line(text, r"^With both labels: 27 of 29 \(93%\)$")
