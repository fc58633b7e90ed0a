"""Proposals from ingested prose and the ``regimekg review`` loop that curates them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rdflib import Graph
from rdflib.namespace import RDF

from regimekg import review
from regimekg.errors import UserError
from regimekg.loaders import Screen, load_source, prose
from regimekg.loaders.ingest import ingest
from regimekg.loaders.mentions import Gazetteer
from regimekg.namespaces import RKG
from regimekg.paths import Project
from regimekg.sources import Source
from tests.conftest import small_copy

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "docs"
SEOUL = FIXTURES / "seoul-briefing.md"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_graph(Graph().parse(FIXTURES / "entities.ttl"))


def _source(path: Path, sid: str = "doc") -> Source:
    return Source(
        id=sid,
        path=path,
        sha256="0" * 64,
        lang="en",
        kind="Article",
        loader="article",
        title={"en": sid},
        authors=(),
        mapping=None,
    )


def _load(tmp_path: Path, text: str, gazetteer: Gazetteer, screen: Screen | None = None):
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    return load_source(_source(path), text, gazetteer, screen or Screen.load(ROOT))


def test_stop_listed_words_are_never_proposed(tmp_path: Path, gazetteer: Gazetteer) -> None:
    text = (
        "# Notes\n\nSMEs and T&E teams asked how AI rules apply. The SMEs (SMEs) met the "
        "Generative AI (GenAI) desk. Member States and Startups adopted the Paris Charter.\n"
    )
    res = _load(tmp_path, text, gazetteer)
    proposed = {p.text for p in res.proposals} | {c.name for c in res.candidates}
    for word in ("AI", "SMEs", "T&E", "GenAI", "Generative AI", "Member States", "SMEs and T"):
        assert word not in proposed
    assert "Paris Charter" in proposed  # the stop list does not silence real names
    # Without the stop list the same text does propose them: the test can fail.
    bare = _load(tmp_path, text, gazetteer, Screen())
    assert "GenAI" in {c.name for c in bare.candidates}


def test_prose_names_dates_and_relations(tmp_path: Path, gazetteer: Gazetteer) -> None:
    text = SEOUL.read_text(encoding="utf-8")
    res = _load(tmp_path, text, gazetteer)
    names = {(c.name, c.pattern) for c in res.candidates}
    assert ("Yoon Suk Yeol", "person-role") in names
    assert ("Rishi Sunak", "person-role") in names
    assert ("Frontier AI Safety Commitments", "capitalised-name") in names
    dates = {(p.date, p.event_type) for p in res.proposals if p.kind == "date"}
    assert ("2024-05", "published") in dates  # "published in May 2024"
    assert any(d == "2024-05-21" for d, _ in dates)  # "21 May 2024" and "2024年5月21日"
    rels = {(p.subject, p.link_type, p.object) for p in res.proposals if p.kind == "relation"}
    assert ("Frontier AI Safety Commitments", None, None) not in rels
    assert any(link == "builds-on" and obj == "bletchley-declaration" for _, link, obj in rels)
    # Every proposal quotes its sentence exactly, at its offsets.
    for p in res.proposals:
        assert text[p.quote_start : p.quote_end] == p.quote
        assert p.quote_start <= p.start < p.end <= p.quote_end or p.kind == "relation"
    g = res.graph
    nodes = list(g.subjects(RDF.type, RKG.Proposal))
    assert len(nodes) == sum(p.kind in ("date", "relation") for p in res.proposals) > 0
    for n in nodes:
        s, e = int(g.value(n, RKG.sentenceStart)), int(g.value(n, RKG.sentenceEnd))
        assert str(g.value(n, RKG.proposalSentence)) == text[s:e]
        assert (n, RDF.type, RKG.Candidate) not in g  # a proposal is never a fact


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("签署于2024年5月21日。", "2024-05-21"),
        ("于2023年11月发布。", "2023-11"),
        ("It was signed on 21 May 2024.", "2024-05-21"),
        ("It was signed on May 21, 2024.", "2024-05-21"),
        ("It was signed in May 2024.", "2024-05"),
        ("It was signed in 2019.", "2019"),
        ("It was signed on 2024-05-21.", "2024-05-21"),
    ],
)
def test_dates_in_both_languages(text: str, iso: str) -> None:
    assert [d.iso for d in prose.find_dates(text, 0, len(text))] == [iso]


def test_impossible_dates_are_not_proposed() -> None:
    text = "2024年2月30日 and 31 April 2024"
    assert prose.find_dates(text, 0, len(text)) == []


@pytest.fixture(scope="module")
def reviewed(small_built: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The small project (``tests/smallproject.py``, which keeps the Seoul summit, its
    declaration and the Frontier AI Safety Commitments) with the Seoul briefing ingested, no
    build. Proposals, accepting and rejecting do not depend on how much else is curated, and
    the checks an accepted record must pass run in a second instead of a full project's."""
    proj = small_copy(small_built, tmp_path_factory.mktemp("review") / "proj")
    ingest(proj, [SEOUL])
    return proj


def _one(items: list, **want: object):
    hits = [p for p in items if all(getattr(p, k) == v for k, v in want.items())]
    assert len(hits) == 1, (want, [(p.kind, p.text) for p in items])
    return hits[0]


def test_review_list_is_a_readable_table(reviewed: Project) -> None:
    items = review.proposals(reviewed, "seoul-briefing")
    lines = review.listing(items)
    assert lines[0].split() == ["ID", "TYPE", "CONF", "DOCUMENT", "TEXT", "QUOTE"]
    assert any("Yoon Suk Yeol" in line and "seoul-briefing" in line for line in lines)
    high = review.listing(items, "date", 0.7)
    assert all(" date " in line for line in high[1:-1])
    with pytest.raises(UserError, match="--source 'nope'"):
        review.proposals(reviewed, "nope")


def test_accepted_entity_is_curated_with_a_quote_the_build_verifies(reviewed: Project) -> None:
    from regimekg.build import check_only

    p = _one(review.proposals(reviewed, "seoul-briefing"), text="Yoon Suk Yeol")
    with pytest.raises(UserError, match="--type"):
        review.accept(reviewed, p.id)  # a person's name suggests no class
    msg = review.accept(reviewed, p.id, type_="Person")
    assert "entities/reviewed.yaml" in msg
    path = reviewed.curated_dir / "entities" / "reviewed.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    rec = next(r for r in records if r["id"] == "yoon-suk-yeol")
    assert rec["evidence"] == [{"quote": " ".join(p.quote.split()), "source": "seoul-briefing"}]
    assert rec["label"] == {"en": "Yoon Suk Yeol"} and rec["type"] == "Person"
    from regimekg import curated

    assert curated.lint(reviewed) == []  # written in canonical form
    # Decided once: no longer proposed, and the next build verifies the quote.
    assert "Yoon Suk Yeol" not in {q.text for q in review.proposals(reviewed, "seoul-briefing")}
    assert check_only(reviewed, progress=lambda _m: None).startswith("Valid")
    # A quote that is not in the source fails that build, at the step that verifies the
    # quotes: the build's curated graph (``curated.to_graph``, which every build and
    # ``check_only`` run) refuses it, naming the record's file. Run alone, that step reads the
    # sources' texts instead of loading them and running SHACL: what the second full check
    # proved was only that this step raises.
    text = path.read_text(encoding="utf-8").replace("co-chaired", "chaired")
    path.write_text(text, encoding="utf-8")
    try:
        with pytest.raises(UserError, match=r"(?s)reviewed\.yaml.*is not in source seoul-briefing"):
            _verify_quotes(reviewed)
    finally:
        path.write_text(text.replace("chaired", "co-chaired"), encoding="utf-8")
    assert len(_verify_quotes(reviewed)) > 0  # the same step passes on the true quote


def _verify_quotes(project: Project) -> Graph:
    """The curated graph of *project*, every evidence quote verified against its source's
    text as a build verifies it (:func:`regimekg.curated.to_graph`)."""
    from regimekg import curated
    from regimekg.sources import load_manifest

    sources = load_manifest(project)
    ctx = curated.GraphContext(
        texts={s.id: s.read_text() for s in sources},
        langs={s.id: s.lang for s in sources},
        segments={},
        external_dir=project.sources_dir / "external",
    )
    return curated.to_graph(curated.load(project), ctx)


def test_rejected_proposal_is_not_proposed_again(reviewed: Project, tmp_path: Path) -> None:
    p = _one(review.proposals(reviewed, "seoul-briefing"), text="Rishi Sunak")
    review.reject(reviewed, p.id, reason="a person outside the map")
    rows = (reviewed.root / "data" / "review" / "rejected.tsv").read_text(encoding="utf-8")
    assert "entity:rishisunak" in rows and "a person outside the map" in rows
    assert "Rishi Sunak" not in {q.text for q in review.proposals(reviewed, "seoul-briefing")}
    # ... not from another document either, nor as a candidate in its graph.
    other = tmp_path / "another-note.md"
    other.write_text("Prime Minister Rishi Sunak opened the Bletchley meeting.\n", "utf-8")
    lines = ingest(reviewed, [other])
    assert "Rishi Sunak" not in "\n".join(lines)
    assert "Rishi Sunak" not in {q.text for q in review.proposals(reviewed, "another-note")}
    with pytest.raises(UserError, match="No open proposal has id"):
        review.reject(reviewed, p.id)


def test_accepted_relation_becomes_a_link(reviewed: Project) -> None:
    items = review.proposals(reviewed, "seoul-briefing")
    p = _one(items, kind="relation", link_type="adopted-at")
    review.accept(reviewed, p.id)
    links = yaml.safe_load(
        (reviewed.curated_dir / "links" / "reviewed.yaml").read_text(encoding="utf-8")
    )
    assert {
        "evidence": [{"quote": " ".join(p.quote.split()), "source": "seoul-briefing"}],
        "source": "seoul-declaration",
        "target": "ai-seoul-summit-2024",
        "type": "adopted-at",
    } in links


def test_accept_as_alias_and_its_errors(reviewed: Project, tmp_path: Path) -> None:
    """A name the gazetteer does not know (the curated Frontier AI Safety Commitments are
    known, so another wording of them) becomes an alias of the entity the curator names."""
    note = tmp_path / "alias-note.md"
    note.write_text("The Frontier Safety Pledges were published in May 2024.\n", "utf-8")
    ingest(reviewed, [note])
    p = _one(review.proposals(reviewed, "alias-note"), text="Frontier Safety Pledges")
    with pytest.raises(UserError, match="no curated entity has id 'nope'"):
        review.accept(reviewed, p.id, as_="alias-of nope")
    review.accept(reviewed, p.id, as_="alias-of frontier-ai-safety-commitments")
    from regimekg import curated

    ent = curated.load(reviewed).entities["frontier-ai-safety-commitments"].data
    assert "Frontier Safety Pledges" in ent["alt"]["en"]
    assert curated.lint(reviewed) == []
