"""Curated records: structure checks, quote verification, canonical form."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, XSD

from regimekg import curated, dates
from regimekg.errors import UserError
from regimekg.namespaces import ORG, RKG, concept, iri
from regimekg.paths import Project

TEXT = (
    "七国集团（G7）于2023年启动广岛人工智能进程。\n\nThe OECD adopted  its AI\nPrinciples in 2019."
)


def make(tmp_path: Path, files: dict[str, str]) -> Project:
    for rel, content in files.items():
        p = tmp_path / "data" / "curated" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(content), encoding="utf-8")
    return Project(tmp_path)


def ctx(segments=()) -> curated.GraphContext:
    return curated.GraphContext(
        texts={"doc": TEXT},
        langs={"doc": "zh"},
        segments={"doc": list(segments)},
        external_dir=Path("/nonexistent"),
    )


ENTITIES = """\
- evidence:
  - {quote: 七国集团, source: doc}
  id: g7
  label: {en: Group of Seven, zh: 七国集团}
  type: Forum
- evidence:
  - {quote: The OECD, source: doc}
  id: oecd
  label: {en: OECD}
  type: InternationalOrganisation
"""


def test_graph_has_entities_membership_shortcut_and_located_evidence(tmp_path: Path) -> None:
    proj = make(
        tmp_path,
        {
            "entities/a.yaml": ENTITIES,
            "memberships/m.yaml": """\
            - evidence:
              - {quote: "adopted its AI Principles", source: doc}
              member: g7
              organisation: oecd
              role: observer
              start: "2019"
            - evidence:
              - {quote: "The OECD", source: doc}
              member: oecd
              organisation: g7
              role: member
            """,
        },
    )
    seg = curated.SegmentSpan(iri("doc", "doc", "p-29"), 29, len(TEXT))
    g = curated.to_graph(curated.load(proj), ctx([seg]))
    g7 = iri("institution", "g7")
    oecd = iri("institution", "oecd")
    assert (g7, RDFS.label, Literal("七国集团", lang="zh")) in g
    m = iri("membership", "oecd", "g7", "observer")
    assert (m, RKG.participationRole, concept("membership-role", "observer")) in g
    # membership of an institution is also ORG's org:Membership, in ORG's terms
    assert (m, RDF.type, RKG.OrganisationMembership) in g
    assert (m, ORG.role, concept("membership-role", "observer")) in g
    assert (m, ORG.organization, oecd) in g
    assert (m, RKG.startDate, Literal("2019", datatype=XSD.gYear)) in g
    # an observer is not a member: no binary shortcut for it
    assert (g7, RKG.isMemberOf, oecd) not in g
    assert (oecd, RKG.isMemberOf, g7) in g
    # the quote spans a double space and a newline; offsets point at the exact source text
    ev = g.value(m, RKG.hasEvidence)
    start, end = int(g.value(ev, RKG.startOffset)), int(g.value(ev, RKG.endOffset))
    assert TEXT[start:end] == "adopted  its AI\nPrinciples"
    assert g.value(ev, RKG.inSegment) == seg.iri


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"entities/a.yaml": ENTITIES.replace("quote: The OECD", "quote: The UN")},
            "entities/a.yaml line 6 (entity oecd): evidence 1 quote 'The UN' is not in source doc",
        ),
        (
            {
                "entities/a.yaml": ENTITIES,
                "links/l.yaml": """\
                - evidence: [{quote: 七国集团, source: doc}]
                  source: g7
                  target: gpai
                  type: builds-on
                """,
            },
            "target 'gpai' is not a curated entity",
        ),
        (
            {"entities/a.yaml": ENTITIES, "entities/b.yaml": ENTITIES},
            "duplicate id 'g7'",
        ),
        (
            {
                "entities/a.yaml": ENTITIES,
                "events/e.yaml": """\
                - date: "2023-02-30"
                  evidence: [{quote: 七国集团, source: doc}]
                  subject: g7
                  type: launched
                """,
            },
            "but 2023-02 has 28 days",
        ),
        (
            {
                "entities/a.yaml": ENTITIES.replace(
                    "  type: Forum\n", "  type: Forum\n  start: 2016.13\n"
                )
            },
            "start: '2016.13' is not a date",
        ),
        (
            {
                "entities/a.yaml": ENTITIES.replace(
                    "- evidence:\n  - {quote: 七国集团, source: doc}\n", "- evidence: []\n", 1
                )
            },
            "has no evidence",
        ),
        (
            {"entities/a.yaml": "- id: [unclosed\n"},
            "malformed YAML",
        ),
    ],
    ids=[
        "quote-not-in-source",
        "unknown-slug",
        "duplicate-slug",
        "impossible-date",
        "ambiguous-date",
        "no-evidence",
        "malformed-yaml",
    ],
)
def test_broken_records_are_named(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    proj = make(tmp_path, files)
    with pytest.raises(UserError) as e:
        curated.to_graph(curated.load(proj), ctx())
    assert expected in str(e.value)


def test_external_evidence_needs_a_snapshot_containing_the_quote(tmp_path: Path) -> None:
    snap = tmp_path / "external"
    snap.mkdir()
    (snap / "g7.txt").write_text("The G7 is an informal forum of seven countries.", "utf-8")
    ent = ENTITIES.replace(
        "  - {quote: 七国集团, source: doc}\n",
        "  - {accessed: '2026-11-23', quote: informal forum of seven, snapshot: external/g7.txt,\n"
        "     url: 'https://example.org/g7'}\n",
        1,
    )
    proj = make(tmp_path, {"entities/a.yaml": ent})
    c = ctx()
    c.external_dir = snap
    g = curated.to_graph(curated.load(proj), c)
    ev = g.value(iri("institution", "g7"), RKG.hasEvidence)
    assert g.value(ev, RKG.isExternal) == Literal(True)
    (snap / "g7.txt").write_text("Nothing relevant here.", "utf-8")
    c = ctx()
    c.external_dir = snap
    with pytest.raises(UserError, match=r"not in snapshot g7\.txt"):
        curated.to_graph(curated.load(proj), c)


def _dated_page(tmp_path: Path, evidence: str, page: str) -> tuple[Project, curated.GraphContext]:
    snap = tmp_path / "external"
    snap.mkdir(parents=True, exist_ok=True)
    (snap / "g7.txt").write_text(page, "utf-8")
    ent = ENTITIES.replace("  - {quote: 七国集团, source: doc}\n", evidence, 1)
    c = ctx()
    c.external_dir = snap
    return make(tmp_path, {"entities/a.yaml": ent}), c


PAGE = "Paris, 3 July 2024\n\nThe G7 is an informal forum of seven countries."
DATED = (
    "  - {accessed: '2026-11-23', published: '2024-07-03', published_quote: 'Paris, 3 July 2024',"
    "\n     quote: informal forum of seven, snapshot: external/g7.txt, url: 'https://e.org/g7'}\n"
)


def test_a_pages_own_date_is_verified_and_kept(tmp_path: Path) -> None:
    """The page's dateline dates the evidence for --as-of, so it is checked like a quote."""
    proj, c = _dated_page(tmp_path, DATED, PAGE)
    g = curated.to_graph(curated.load(proj), c)
    ev = g.value(iri("institution", "g7"), RKG.hasEvidence)
    assert g.value(ev, RKG.publishedOn) == Literal("2024-07-03", datatype=XSD.date)
    # the dateline must be on the page
    proj, c = _dated_page(tmp_path / "b", DATED, PAGE.replace("Paris, 3 July 2024", "Paris"))
    with pytest.raises(UserError, match=r"published_quote 'Paris, 3 July 2024' is not in snapshot"):
        curated.to_graph(curated.load(proj), c)


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (DATED.replace("2024-07-03", "2023-07-03"), "does not show the year 2023"),
        (DATED.replace(", published_quote: 'Paris, 3 July 2024'", ""), "needs both `published:`"),
        (DATED.replace("published: '2024-07-03', ", ""), "needs both `published:`"),
        (DATED.replace("2024-07-03", "2024-07-33"), "evidence 1 published"),
        (
            "  - {published: '2024', published_quote: '2024', quote: The G7, source: doc}\n",
            "only a web page (`url:`) takes",
        ),
    ],
)
def test_a_pages_date_without_its_words_is_refused(
    tmp_path: Path, evidence: str, expected: str
) -> None:
    proj, c = _dated_page(tmp_path, evidence, PAGE)
    with pytest.raises(UserError) as e:
        curated.to_graph(curated.load(proj), c)
    assert expected in str(e.value)


def test_dates_keep_precision_and_reject_impossible_ones() -> None:
    assert dates.to_literal("2016.10", dotted=True) == Literal("2016-10", datatype=XSD.gYearMonth)
    assert dates.to_literal("2024-08-01").datatype == XSD.date
    assert dates.to_literal(2023).datatype == XSD.gYear
    for bad in ("2023-02-30", "2016-13", "20xx", "2016.10"):
        with pytest.raises(dates.DateError):
            dates.parse(bad)
    assert dates.bounds("2024-02") == (dates.dt.date(2024, 2, 1), dates.dt.date(2024, 2, 29))


def test_lint_detects_and_fixes_non_canonical_files(tmp_path: Path) -> None:
    messy = (
        "- {type: Forum, id: g7, label: {zh: 七国集团, en: Group of Seven},\n"
        "   evidence: [{source: doc, quote: 七国集团}]}\n"
    )
    proj = make(tmp_path, {"entities/a.yaml": messy})
    assert curated.lint(proj) == [proj.curated_dir / "entities" / "a.yaml"]
    curated.lint(proj, fix=True)
    assert curated.lint(proj) == []
    text = (proj.curated_dir / "entities" / "a.yaml").read_text("utf-8")
    assert "七国集团" in text and "\\u" not in text  # Chinese stays unescaped
    assert curated.load(proj).entities["g7"].data["label"]["en"] == "Group of Seven"


def test_quote_index_maps_normalised_matches_to_exact_offsets() -> None:
    idx = curated.QuoteIndex("a\n\n  b   c d")
    assert idx.find("b c") == (5, 10)
    assert idx.find("a b") == (0, 6)
    assert idx.find("missing") is None


def test_bundled_curated_files_are_canonical(repo: Project) -> None:
    bad = curated.lint(repo)
    assert not bad, f"not canonical: {[str(p) for p in bad]}; run `regimekg lint --fix`"


def test_member_roles_are_concepts_of_the_membership_role_vocabulary(repo: Project) -> None:
    """The roles that count as membership name only concepts of the SKOS scheme."""
    from regimekg import vocab

    voc = vocab.load(repo)
    assert set(voc.slugs("membership-role")) >= voc.member_roles
    assert "observer" not in voc.member_roles


@pytest.mark.parametrize("role", ["endorser", "sponsor"])
def test_instrument_roles_make_a_membership_and_its_shortcut(tmp_path: Path, role: str) -> None:
    proj = make(
        tmp_path,
        {
            "entities/a.yaml": ENTITIES
            + """\
- evidence:
  - {quote: The OECD, source: doc}
  id: oecd-ai-principles
  label: {en: OECD AI Principles}
  type: Principles
""",
            "memberships/m.yaml": f"""\
            - evidence:
              - {{quote: "adopted its AI Principles", source: doc}}
              member: g7
              organisation: oecd-ai-principles
              role: {role}
              start: '2019'
            """,
        },
    )
    g = curated.to_graph(curated.load(proj), ctx())
    m = iri("membership", "oecd-ai-principles", "g7", role)
    assert (m, RKG.participationRole, concept("membership-role", role)) in g
    assert (m, RKG.participationIn, iri("instrument", "oecd-ai-principles")) in g
    # taking part in an instrument is not membership of an organisation: no ORG terms at all
    assert (m, RDF.type, RKG.OrganisationMembership) not in g
    assert not set(g.predicates(m, None)) & {ORG.member, ORG.organization, ORG.role}
    assert (iri("institution", "g7"), RKG.isMemberOf, iri("instrument", "oecd-ai-principles")) in g


def test_a_return_after_a_withdrawal_is_a_period_of_its_own(tmp_path: Path) -> None:
    """A member that left and came back has one record per period: the later one carries a
    ``period`` key, becomes a node of its own, and the first keeps its usual IRI."""
    periods = """\
    - evidence: [{quote: 七国集团, source: doc}]
      member: g7
      organisation: oecd
      role: member
      start: '1984'
      end: '1990'
    - evidence: [{quote: 七国集团, source: doc}]
      member: g7
      organisation: oecd
      role: member
      period: '2003'
      start: '2003'
    """
    proj = make(tmp_path, {"entities/a.yaml": ENTITIES, "memberships/m.yaml": periods})
    g = curated.to_graph(curated.load(proj), ctx())
    first = iri("membership", "oecd", "g7", "member")
    later = iri("membership", "oecd", "g7", "member", "2003")
    assert (first, RKG.endDate, Literal("1990", datatype=XSD.gYear)) in g
    assert (later, RKG.startDate, Literal("2003", datatype=XSD.gYear)) in g
    assert (later, RKG.endDate, None) not in g
    assert len(set(g.subjects(RKG.participant, iri("institution", "g7")))) == 2

    # without the key the two periods are one record twice, and a period must be a short key
    clash = periods.replace("      period: '2003'\n", "")
    proj = make(tmp_path, {"memberships/m.yaml": clash})
    with pytest.raises(UserError, match=r"line 7 \(membership oecd/g7/member\): duplicate record"):
        curated.load(proj)
    bad = periods.replace("'2003'\n      start", "Back Again\n      start")
    proj = make(tmp_path, {"memberships/m.yaml": bad})
    with pytest.raises(UserError, match="period 'Back Again' must be a short key"):
        curated.load(proj)


def test_every_bad_record_is_reported_in_one_run(tmp_path: Path) -> None:
    """Three different bad records in two files: all three named, in file and line order."""
    proj = make(
        tmp_path,
        {
            "entities/a.yaml": ENTITIES.replace("type: InternationalOrganisation", "type: Club"),
            "memberships/m.yaml": """\
            - evidence: [{quote: 七国集团, source: doc}]
              member: g7
              organisation: oecd
              role: chair
            - evidence: [{quote: 七国集团, source: doc}]
              member: frnace
              organisation: g7
              role: member
            """,
        },
    )
    with pytest.raises(UserError) as e:
        curated.load(proj)
    lines = str(e.value).splitlines()
    assert lines[0] == "3 problems in the curated records; fix each one and run again:"
    assert "entities/a.yaml line 6 (entity oecd): type 'Club' is not an entity class" in lines[1]
    assert "memberships/m.yaml line 1 (membership oecd/g7/chair): role 'chair'" in lines[2]
    assert "memberships/m.yaml line 5 (membership g7/frnace/member): member 'frnace'" in lines[3]
    assert len(lines) == 4


def test_an_unreadable_file_does_not_stop_the_others(tmp_path: Path) -> None:
    proj = make(
        tmp_path,
        {
            "entities/a.yaml": ENTITIES,
            "entities/b.yaml": "- id: [unclosed\n",
            "events/e.yaml": """\
            - date: "2023-02-30"
              evidence: [{quote: 七国集团, source: doc}]
              subject: gpai
              type: launched
            """,
        },
    )
    with pytest.raises(UserError) as e:
        curated.load(proj)
    text = str(e.value)
    assert text.startswith("2 problems")
    assert "malformed YAML" in text and "but 2023-02 has 28 days" in text
    # the entities of b.yaml are unknown, so a reference to them is not judged
    assert "'gpai' is not a curated entity" not in text


def test_every_failing_quote_is_reported_in_one_run(tmp_path: Path) -> None:
    ent = ENTITIES.replace("quote: The OECD", "quote: The UN").replace(
        "quote: 七国集团", "quote: 八国集团"
    )
    proj = make(tmp_path, {"entities/a.yaml": ent})
    with pytest.raises(UserError) as e:
        curated.to_graph(curated.load(proj), ctx())
    lines = str(e.value).splitlines()
    assert lines[0].startswith("2 problems in the curated evidence")
    assert "line 1 (entity g7): evidence 1 quote '八国集团' is not in source doc" in lines[1]
    assert "line 6 (entity oecd): evidence 1 quote 'The UN' is not in source doc" in lines[2]


def test_canonical_order_is_per_kind_and_independent_of_input_order() -> None:
    rec = {
        "evidence": [{"accessed": "2026-11-23", "quote": "q", "url": "https://x", "snapshot": "s"}],
        "start": "1976",
        "role": "member",
        "note": "n",
        "member": "canada",
        "organisation": "g7",
    }
    text = curated.canonical_text([rec], "memberships")
    reversed_rec = {k: rec[k] for k in reversed(list(rec))}
    assert curated.canonical_text([reversed_rec], "memberships") == text
    assert text == (
        "# yaml-language-server: $schema=../schema/memberships.schema.json\n"
        "- organisation: g7\n  member: canada\n  role: member\n  start: '1976'\n  note: n\n"
        "  evidence:\n  - url: https://x\n    snapshot: s\n    quote: q\n"
        "    accessed: '2026-11-23'\n"
    )
    # idempotent: the canonical text read back and written again is the same
    again = yaml.safe_load(text)
    assert curated.canonical_text(again, "memberships") == text
    # unknown keys keep a fixed place after the known ones, sorted
    odd = curated.canonical_record({"zz": 1, "evidence": [], "aa": 2, "id": "x"}, "entities")
    assert list(odd) == ["id", "evidence", "aa", "zz"]


def test_a_file_read_again_gives_the_same_records_and_a_changed_one_is_parsed_again(
    tmp_path: Path,
) -> None:
    """The parsed records are reused for the same bytes (``curated._PARSED``): a second read
    gives records equal to the first, a change a caller makes to one never reaches the next
    read, a changed file is parsed again, and a copy elsewhere names its own path."""
    project = make(tmp_path, {"entities/e.yaml": ENTITIES})
    first = curated.load(project)
    first.entities["g7"].data["label"]["en"] = "changed by a caller"
    again = curated.load(project)
    assert again.entities["g7"].data["label"] == {"en": "Group of Seven", "zh": "七国集团"}
    assert [(r.line, r.data) for r in again.all()] == [
        (r.line, r.data) for r in curated.load(project).all()
    ]
    copied = make(tmp_path / "copy", {"entities/e.yaml": ENTITIES})
    assert curated.load(copied).entities["g7"].file == copied.curated_dir / "entities" / "e.yaml"
    path = tmp_path / "data" / "curated" / "entities" / "e.yaml"
    path.write_text(ENTITIES.replace("Group of Seven", "G7 group"), encoding="utf-8")
    assert curated.load(project).entities["g7"].data["label"]["en"] == "G7 group"
    path.write_text(ENTITIES.replace("id: oecd", "id: oecd\n  id: again"), encoding="utf-8")
    with pytest.raises(UserError, match="appears twice"):
        curated.load(project)
