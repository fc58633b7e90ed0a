"""Each link type means one thing: a regression guard on the typing of the curated links.

The curated links were once typed with a few overloaded types (``hosted-by`` for "launched by",
``part-of`` for "proposed at" and "annex of", ``builds-on`` for "established by law" and
"merged into"). They were re-typed from their evidence quotes. The table below keeps that
reading: a quote that says *this* supports the expected type, and must never again be typed
with the types that used to stand in for it. Each rule must still match at least one link
with the expected type, so the table cannot silently go stale.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from regimekg import vocab
from regimekg.curated import Curated, load
from regimekg.paths import Project

ROOT = Path(__file__).resolve().parents[1]

#: (quote pattern, the type such a quote supports, types that must not stand in for it)
RULES: list[tuple[str, str, frozenset[str]]] = [
    (r"及其附件|and its annex", "annex-of", frozenset({"part-of"})),
    (r"提出了《|会议发表了", "proposed-at", frozenset({"part-of"})),
    (r"signed at the|共同签署了", "adopted-at", frozenset({"part-of"})),
    (r"\d{4}世界人工智能大会", "edition-of", frozenset({"part-of"})),
    (
        r"六大基本原则|核心支柱|three pillars|具体行动要点|which included the",
        "component-of",
        frozenset({"part-of"}),
    ),
    (r"合并为|merging", "merged-into", frozenset({"builds-on"})),
    (
        r"Established by the .*Act|the Act established|根据《.*法案》.*设立|要求各成员国应指定"
        r"|Board .* should be established",
        "has-legal-basis",
        frozenset({"builds-on"}),
    ),
    (r"implement|[^以]实施的", "implements", frozenset({"builds-on", "endorses"})),
    (
        r"set up by the|created by the|established by the Council|设立人工智能高级别专家组",
        "established-by",
        frozenset({"hosted-by", "builds-on"}),
    ),
    (
        r"(has|have) launched the|launched a large|发起了|发起的|倡导的|合作推出",
        "launched-by",
        frozenset({"hosted-by", "part-of"}),
    ),
    (r"led and created by", "led-by", frozenset({"hosted-by"})),
    (r"fund of .* for AI gigafactories", "funded-by", frozenset({"part-of"})),
    (r"升级版|修订版|In its place", "successor-of", frozenset()),
    (r"“[^”]*(项目|数据库|观察站)”", "run-by", frozenset({"hosted-by", "part-of"})),
    (r"提供建议|作为咨询机构", "advises", frozenset()),
    # who did what with whom: the relations between actors the sources state
    (r"总统特朗普签署|拜登签署", "signed-by", frozenset({"adopted-at", "launched-by"})),
    (r"合同", "contractor-of", frozenset({"partner-of", "member-company-of"})),
    (
        r"包括.{1,12}在内）|founding members",
        "member-company-of",
        frozenset({"part-of", "partner-of"}),
    ),
    (
        r"美国科技巨头|以色列(最大的)?(国防|军事)承包商|法国国防承包商|Chinese companies",
        "headquartered-in",
        frozenset({"part-of"}),
    ),
    (
        r"开展合作|牵头，与|合作的“|启动的“|Strategic Partnership",
        "partner-of",
        frozenset({"part-of", "member-company-of"}),
    ),
    (r"提供资助", "funded-by", frozenset({"established-by"})),
    (r"主要协调机构", "coordinates", frozenset({"advises"})),
    # the types that kept their own meaning
    (r"隶属于|is part of the Commission|agency within", "part-of", frozenset({"hosted-by"})),
    (r"秘书处|[Hh]oused under|主办", "hosted-by", frozenset()),
    (r"发端于|[Bb]uilding on|为基础|沿袭|drawn from", "builds-on", frozenset()),
]


@pytest.fixture(scope="module")
def curated() -> Curated:
    return load(Project(ROOT))


def _quotes(rec_data: dict) -> list[str]:
    return [re.sub(r"\s+", " ", str(e["quote"])) for e in rec_data["evidence"]]


@pytest.mark.parametrize("pattern,expected,never", RULES, ids=[r[1] for r in RULES])
def test_quotes_get_the_type_they_support(
    curated: Curated, pattern: str, expected: str, never: frozenset[str]
) -> None:
    rx = re.compile(pattern)
    matched = [r for r in curated.records["links"] if any(rx.search(q) for q in _quotes(r.data))]
    assert any(r.data["type"] == expected for r in matched), f"no {expected} link for {pattern!r}"
    wrong = [r.where(ROOT) for r in matched if r.data["type"] in never]
    assert not wrong, f"typed with a stand-in for {expected}: {wrong}"


def test_every_link_type_in_use_is_a_concept_of_the_vocabulary(curated: Curated) -> None:
    types = vocab.load(Project(ROOT)).link_types
    used = Counter(r.data["type"] for r in curated.records["links"])
    assert set(used) <= set(types)
    # the precise relations are in use, not just declared
    assert {"established-by", "launched-by", "proposed-at", "annex-of", "has-legal-basis"} <= set(
        used
    )


def test_part_of_joins_organisations_only(curated: Curated) -> None:
    """``part-of`` is an ORG sub-organisation: an instrument is never its source or target."""
    from regimekg.curated import INSTRUMENT_CLASSES

    ents = curated.entities
    for r in curated.records["links"]:
        if r.data["type"] == "part-of":
            for end in ("source", "target"):
                cls = ents[r.data[end]].data["type"]
                assert cls not in INSTRUMENT_CLASSES, r.where(ROOT)


#: link type -> (entity classes its source may have, classes its target may have); None: any.
#: Direction matters for these types: "X signed-by Y" means Y signed X, so an instrument is
#: the source; "X contractor-of Y" means the company X supplies Y, so a company is the source.
ENDS: dict[str, tuple[frozenset[str] | None, frozenset[str] | None]] = {
    "contractor-of": (frozenset({"Company"}), None),
    "member-company-of": (frozenset({"Company"}), None),
    "headquartered-in": (None, frozenset({"State"})),
}


def test_directed_types_point_the_way_their_definition_reads(curated: Curated) -> None:
    from regimekg.curated import INSTRUMENT_CLASSES

    ents = curated.entities
    wrong = []
    for r in curated.records["links"]:
        kind = r.data["type"]
        src = ents[r.data["source"]].data["type"]
        tgt = ents[r.data["target"]].data["type"]
        if kind == "signed-by" and (src not in INSTRUMENT_CLASSES or tgt in INSTRUMENT_CLASSES):
            wrong.append(r.where(ROOT))
        if kind in ENDS:
            allowed_src, allowed_tgt = ENDS[kind]
            if (allowed_src is not None and src not in allowed_src) or (
                allowed_tgt is not None and tgt not in allowed_tgt
            ):
                wrong.append(r.where(ROOT))
    assert not wrong, f"links pointing against their type's definition: {wrong}"
