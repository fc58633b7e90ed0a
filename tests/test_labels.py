"""Bilingual names: every entity has both labels or a recorded reason, and names resolve.

The bilingual rule (docs: design §4) says a label no source supplies is missing, not
invented. These tests hold the curated data to it and show that the checks a label relies on
(its quote in its stored page, the reason for a gap) really fail when they should.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import rdflib
from rdflib import Literal, URIRef

from regimekg import curated
from regimekg import query as q
from regimekg.errors import UserError
from regimekg.namespaces import RKG, iri
from regimekg.paths import Project
from tests.conftest import ROOT
from tests.test_curated import ctx, make

ID = "https://w3id.org/regimekg/id/"

#: A body whose English label comes from a stored web page, the way curated records cite one.
LABELLED = """\
- evidence:
  - {quote: 欧洲对外行动服务署（EEAS）, source: doc}
  - {accessed: '2026-12-07', snapshot: external/eeas.txt, url: 'https://example.org/eeas',
     quote: The European External Action Service (EEAS) is the diplomatic service of the EU.}
  id: eeas
  label: {en: European External Action Service, zh: 欧洲对外行动服务署}
  label_source: {en: 'https://example.org/eeas'}
  type: Agency
"""
NO_ZH = LABELLED.replace(", zh: 欧洲对外行动服务署", "")
PAGE = "The European External Action Service (EEAS) is the diplomatic service of the EU."
TEXT = "欧洲对外行动服务署（EEAS）与欧盟委员会合作。"


def _ctx(snapshots: Path) -> curated.GraphContext:
    c = ctx()
    c.texts = {"doc": TEXT}
    c.external_dir = snapshots
    return c


def _gaps(cur: curated.Curated) -> list[str]:
    out = []
    for rec in cur.records["entities"]:
        label = rec.data["label"]
        missing = rec.data.get("label_missing") or {}
        out += [f"{rec.where(cur.root)} lacks {lang}" for lang in curated.LANGS
                if lang not in label and lang not in missing]  # fmt: skip
    return out


def test_every_curated_entity_has_both_labels_or_a_recorded_reason(repo: Project) -> None:
    gaps = _gaps(curated.load(repo))
    assert not gaps, (
        "entities without a label or a reason for the gap (add the label from a source, or "
        "`label_missing: {lang: why}`):\n" + "\n".join(gaps)
    )


def test_the_coverage_check_can_fail(tmp_path: Path) -> None:
    proj = make(tmp_path, {"entities/a.yaml": NO_ZH})
    assert _gaps(curated.load(proj)) == [f"{Path('data/curated/entities/a.yaml')} line 1 "
                                         "(entity eeas) lacks zh"]  # fmt: skip


def test_a_label_quote_missing_from_its_snapshot_fails_the_build(tmp_path: Path) -> None:
    snaps = tmp_path / "external"
    snaps.mkdir()
    (snaps / "eeas.txt").write_text(PAGE, "utf-8")
    proj = make(tmp_path, {"entities/a.yaml": LABELLED})
    g = curated.to_graph(curated.load(proj), _ctx(snaps))
    node = iri("label-provenance", "eeas", "en")
    assert g.value(node, RKG.labelSource) == URIRef("https://example.org/eeas")
    # the page no longer says "Service" in the sentence the label rests on: the build stops
    (snaps / "eeas.txt").write_text(PAGE.replace("Service (EEAS)", "Services (EEAS)"), "utf-8")
    with pytest.raises(UserError) as e:
        curated.to_graph(curated.load(proj), _ctx(snaps))
    assert "entity eeas" in str(e.value) and "not in snapshot eeas.txt" in str(e.value)


def test_a_missing_label_is_recorded_with_its_reason(tmp_path: Path) -> None:
    snaps = tmp_path / "external"
    snaps.mkdir()
    (snaps / "eeas.txt").write_text(PAGE, "utf-8")
    record = LABELLED.replace(", zh: 欧洲对外行动服务署", "").replace(
        "  type: Agency", "  label_missing: {zh: no Chinese page found}\n  type: Agency"
    )
    g = curated.to_graph(curated.load(make(tmp_path, {"entities/a.yaml": record})), _ctx(snaps))
    node = iri("label-provenance", "eeas", "zh")
    assert g.value(node, RKG.labelMissingReason) == Literal("no Chinese page found", lang="en")
    assert g.value(node, RKG.labelSource) is None


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            LABELLED.replace("  type:", "  label_missing: {zh: not found}\n  type:"),
            "label.zh is given, so label_missing.zh must go",
        ),
        (
            NO_ZH.replace("  type:", "  label_missing: {zh: ''}\n  type:"),
            "label_missing.zh must say why",
        ),
        (
            NO_ZH.replace(
                "{en: 'https://example.org/eeas'}", "{en: 'https://example.org/eeas', zh: doc}"
            ),
            "label_source.zh names a source for a label.zh that is not given",
        ),
    ],
    ids=["reason-beside-label", "empty-reason", "source-without-label"],
)
def test_inconsistent_label_records_are_named(tmp_path: Path, record: str, expected: str) -> None:
    proj = make(tmp_path, {"entities/a.yaml": record})
    with pytest.raises(UserError, match="entity eeas") as e:
        curated.load(proj)
    assert expected in str(e.value)


@pytest.fixture(scope="module")
def names() -> q.KG:
    """The curated names (labels, aliases, acronyms) of the real data, without a build."""
    dataset = rdflib.Dataset(default_union=True)
    graph = curated.names_graph(curated.load(Project(ROOT)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        target = dataset.graph(URIRef("https://w3id.org/regimekg/graph/curated"))
    for triple in graph:
        target.add(triple)
    return q.open(ROOT, dataset=dataset)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("国务院", "institution/state-council"),  # the journal's table: 2017.7 国务院 …
        ("工信部", "institution/miit"),  # the journal's short form, an alias
        ("欧洲对外行动服务署", "institution/eeas"),  # the journal's Chinese name
        ("European External Action Service", "institution/eeas"),  # corrected label
        ("European External Action Services", "institution/eeas"),  # the EC page's spelling
        ("美国国会", "institution/us-congress"),
        ("Recommendation on AI", "instrument/oecd-ai-principles"),
        ("人工智能建议", "instrument/oecd-ai-principles"),  # a Chinese book's name, an alias
    ],
)
def test_names_from_the_sources_resolve(names: q.KG, value: str, expected: str) -> None:
    assert names.resolve(value) == URIRef(ID + expected)


#: Entities whose English label names a web page in ``label_source`` that was never stored,
#: so no quote verifies the name. They predate the rule below; store the page, quote the
#: sentence with the name, and drop the slug from this list.
UNSTORED_LABEL_SOURCES = frozenset(
    [
        "ai-automation-and-the-economy",
        "ai-rd-progress-report-2016-2019",
        "airbus",
        "american-ai-initiative-year-one-report",
        "ap4ai",
        "apec",
        "brics-ai-study-group",
        "brics-institute-of-future-networks",
        "carnegie-council",
        "eu-china-high-level-digital-dialogue",
        "europol",
        "fid-ai-working-group",
        "global-ai-observatory",
        "igf-policy-network-on-ai",
        "internet-governance-forum",
        "israel-aerospace-industries",
        "nvidia",
        "paris-peace-forum",
        "project-nimbus",
        "rafael",
        "un-human-rights-council",
        "us-socom",
        "who-expert-group-ai-for-health",
    ]
)


def _unstored_label_sources(cur: curated.Curated) -> set[str]:
    """Entities with a label_source URL that none of their own evidence items cites."""
    out = set()
    for rec in cur.records["entities"]:
        cited = {item.get("url") for item in rec.data["evidence"] if isinstance(item, dict)}
        for src in (rec.data.get("label_source") or {}).values():
            if str(src).startswith(("https://", "http://")) and src not in cited:
                out.add(str(rec.data["id"]))
    return out


def test_a_label_taken_from_a_web_page_quotes_that_page(repo: Project) -> None:
    """The page a label comes from is stored and quoted, so the build verifies the name."""
    unstored = _unstored_label_sources(curated.load(repo))
    new = sorted(unstored - UNSTORED_LABEL_SOURCES)
    assert not new, (
        f"label_source names a page that no evidence item of the same record quotes: {new}; "
        "save the page under data/sources/external/ and add an evidence item quoting the "
        "sentence with the name."
    )
    fixed = sorted(UNSTORED_LABEL_SOURCES - unstored)
    assert not fixed, f"now backed by a stored page: remove {fixed} from UNSTORED_LABEL_SOURCES."


def test_the_label_page_check_can_fail(tmp_path: Path) -> None:
    cited = make(tmp_path / "a", {"entities/a.yaml": LABELLED})
    assert _unstored_label_sources(curated.load(cited)) == set()
    unquoted = LABELLED.replace("url: 'https://example.org/eeas'", "url: 'https://example.org/x'")
    proj = make(tmp_path / "b", {"entities/a.yaml": unquoted})
    assert _unstored_label_sources(curated.load(proj)) == {"eeas"}
