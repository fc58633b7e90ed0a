"""The figures of docs/data.md section 1 (:mod:`regimekg.datadoc`): counted from the curated
files, they must say what ``regimekg stats`` says from a build wherever both count the same
thing, and a missing block is one clear error."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from regimekg import curated, datadoc, mdblocks
from regimekg import query as q
from regimekg import stats as st
from regimekg.curated import Curated
from regimekg.errors import UserError
from regimekg.paths import Project

from .conftest import ROOT

RKG = "https://w3id.org/regimekg/ontology#"


@pytest.fixture(scope="module")
def cur() -> Curated:
    return curated.load(Project(ROOT))


def _slug(term: object) -> str:
    return str(term).rsplit("/", 1)[-1]


def _rows(kg: q.KG, text: str) -> list[dict]:
    return kg.sparql(text, untrusted=False).rows


@pytest.mark.slow
def test_figures_agree_with_stats_on_the_build(built: Path, cur: Curated) -> None:
    kg = q.open(ROOT, store=built)
    (row,) = _rows(kg, st.CURATED_ENTITIES)
    _en, _zh, both = datadoc.label_counts(cur)
    assert (int(row["entities"]), int(row["withBothLabels"])) == (len(cur.entities), both)

    per_class = {
        str(r["class"]): int(r["individuals"]) for r in _rows(kg, st.INDIVIDUALS_PER_CLASS)
    }
    # The loaders add persons (the articles' authors) and classifications (the journal's
    # table): there the build holds at least what the files hold; elsewhere exactly that.
    added_by_loaders = {"Person", "Classification"}
    for name, n in datadoc.tally(cur, "entities", "type").items():
        built_n = per_class[RKG + name]
        assert built_n >= n if name in added_by_loaders else built_n == n, name
    for cls, kind in (
        ("Membership", "memberships"),
        ("RegimeLink", "links"),
        ("DatedEvent", "events"),
        ("Classification", "classifications"),
        ("Claim", "claims"),
    ):
        n, built_n = len(cur.records[kind]), per_class[RKG + cls]
        assert built_n >= n if cls in added_by_loaders else built_n == n, cls

    en, zh, _both = datadoc.label_counts(cur)
    kinds = ("institution", "instrument", "state")  # the loaders add persons only
    cover = [r for r in _rows(kg, st.LABEL_COVERAGE) if str(r["kind"]) in kinds]
    persons = [r for r in cur.entities.values() if r.data["type"] == "Person"]
    assert sum(int(r["withEn"]) for r in cover) == en - sum(
        1 for r in persons if (r.data.get("label") or {}).get("en")
    )
    assert sum(int(r["withZh"]) for r in cover) == zh - sum(
        1 for r in persons if (r.data.get("label") or {}).get("zh")
    )

    roles = {_slug(r["role"]): int(r["memberships"]) for r in _rows(kg, st.MEMBERSHIPS_BY_ROLE)}
    assert roles == dict(datadoc.tally(cur, "memberships", "role"))
    bodies = {
        _slug(r["body"]): (int(r["memberships"]), int(r["withStart"]))
        for r in _rows(kg, st.MEMBERSHIPS_BY_BODY)
    }
    assert bodies == {
        slug: (b.records, b.with_start) for slug, b in datadoc.memberships_by_body(cur).items()
    }
    links = {_slug(r["type"]): int(r["links"]) for r in _rows(kg, st.LINKS_BY_TYPE)}
    assert links == dict(datadoc.tally(cur, "links", "type"))
    conflicts = {(_slug(r["subject"]), str(r["about"])) for r in _rows(kg, st.CONFLICTS)}
    assert conflicts == set(datadoc.conflicts(cur))


def test_participation_table_keeps_the_initiatives_since_2023(cur: Curated) -> None:
    rows = set(datadoc.participation_rows(cur, datadoc.memberships_by_body(cur)))
    assert {"bletchley-declaration", "hiroshima-ai-process-friends-group"} <= rows
    assert {"political-declaration-military-ai", "group-of-friends-ai-capacity-building"} <= rows
    assert not rows & {"united-nations", "oecd-ai-principles", "declaration-of-cooperation-on-ai"}


def test_each_body_is_in_exactly_one_of_the_two_tables() -> None:
    blocks = datadoc.blocks(Project(ROOT))
    listed = Counter(
        line.split("`")[1]
        for name in ("memberships", "participation")
        for line in blocks[name].splitlines()
        if line.startswith("| `")
    )
    assert listed and set(listed.values()) == {1}


def test_a_page_without_a_block_names_the_page_and_the_markers(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"docs/data\.md has no `<!-- data-entities:begin"):
        datadoc.page_text(Project(ROOT), "# no blocks\n", "docs/data.md")
    text = f"a\n{datadoc.begin('x')}\nold\n{datadoc.end('x')}\nb\n"
    new = mdblocks.replaced(text, datadoc.begin("x"), datadoc.end("x"), "NEW\n", "p.md")
    assert new == "a\nNEW\nb\n"


def test_a_new_instrument_since_2023_gets_a_participation_row(project_copy: Project) -> None:
    """The participation table's rows come from the data: an instrument that began in 2025
    and has an endorser appears there, and not in the memberships table."""
    (project_copy.curated_dir / "entities" / "zz-added.yaml").write_text(
        "- id: zz-test-declaration\n  type: Declaration\n  label:\n    en: Test Declaration\n"
        "    zh: 测试宣言\n  start: '2025-03'\n  evidence:\n  - source: jsdm-2024-03\n"
        "    quote: 宣言\n",
        "utf-8",
    )
    (project_copy.curated_dir / "memberships" / "zz-added.yaml").write_text(
        "- organisation: zz-test-declaration\n  member: kenya\n  role: endorser\n"
        "  start: '2025-03-02'\n  evidence:\n  - source: jsdm-2024-03\n    quote: 宣言\n",
        "utf-8",
    )
    blocks = datadoc.blocks(project_copy)
    row = "| `zz-test-declaration` | 1 | endorser 1 | states 1 | 1 (1, 0, 0) | `zz-added.yaml` |"
    assert row in blocks["participation"]
    assert "zz-test-declaration" not in blocks["memberships"]


def test_a_missing_label_is_listed_with_the_first_sentence_of_its_reason(
    project_copy: Project,
) -> None:
    """The "Labels missing" table is the records' `label_missing`, not a hand-kept list: an
    entity added without its Chinese label appears with the reason its record gives."""
    (project_copy.curated_dir / "entities" / "zz-added.yaml").write_text(
        "- id: zz-test-forum\n  type: Forum\n  label:\n    en: Test Forum\n"
        "  label_missing:\n    zh: 'No Chinese page names it. Searched: 测试论坛.'\n"
        "  evidence:\n  - source: jsdm-2024-03\n    quote: 宣言\n",
        "utf-8",
    )
    block = datadoc.blocks(project_copy)["labels-missing"]
    assert "| zh | `zz-test-forum` | No Chinese page names it |" in block
    before = datadoc.blocks(Project(ROOT))["labels-missing"]
    count = int(before.split("\n\n", 2)[1].split()[0])
    assert block.split("\n\n", 2)[1].startswith(f"{count + 1} labels are missing")


def test_one_date_at_two_precisions_is_no_conflict_anywhere() -> None:
    """A page's day and a dataset's year of that day agree; another year, or two counts that
    share digits, disagree. The Python count, ``regimekg stats`` and both conflict queries
    must draw that line in the same place, or docs/data.md and the queries tell two stories."""
    import pyoxigraph as ox

    from regimekg import dates

    assert dates.same_date("1963", "1963-12-16") and dates.same_date("2024-03-13", "2024-03")
    assert not dates.same_date("1962", "1961-09-30")
    assert not dates.same_date("14", "140") and not dates.same_date("2024-03", "2024-04-01")

    claims = {
        "kenya": ("date-joined-united-nations", ["1963", "1963-12-16"]),
        "italy": ("date-joined-oecd", ["1961-09-30", "1962"]),
        "gpai": ("member-count", ["14", "140"]),
    }
    st_ = ox.Store()
    for subject, (about, values) in claims.items():
        for i, value in enumerate(values):
            c = ox.NamedNode(f"https://w3id.org/regimekg/id/claim/{subject}/{i}")
            for p, o in (
                ("claimSubject", ox.NamedNode(f"https://w3id.org/regimekg/id/x/{subject}")),
                ("claimAbout", ox.Literal(about)),
                ("claimValue", ox.Literal(value)),
            ):
                st_.add(ox.Quad(c, ox.NamedNode(RKG + p), o))
            st_.add(
                ox.Quad(
                    c,
                    ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    ox.NamedNode(RKG + "Claim"),
                )
            )
    expected = {"italy", "gpai"}

    def subjects(text: str) -> set[str]:
        return {_slug(s["subject"].value) for s in st_.query(text)}

    assert subjects(st.CONFLICTS) == expected
    assert subjects((ROOT / "queries" / "qc" / "conflicting-claims.rq").read_text()) == expected
    assert subjects((ROOT / "queries" / "conflicting-claims.rq").read_text()) == expected
    # datadoc.conflicts reads only each claim's data and file name
    records = [
        SimpleNamespace(
            data={"subject": subject, "about": about, "value": value}, file=Path("c.yaml")
        )
        for subject, (about, values) in claims.items()
        for value in values
    ]
    counted = datadoc.conflicts(SimpleNamespace(records={"claims": records}))  # type: ignore[arg-type]
    assert {subject for subject, _about in counted} == expected
