"""The questions `make demo` and the README ask answer them on the real build (issue 12, item 5).

China's question must list its AI-governance participation of every kind the issue names:
summit declarations signed, UN resolutions sponsored, organisations joined, and the initiatives
it launched (``initiatives-of-actor``); the other states the issue names must each answer with
participations since 2023. Both languages give the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from regimekg import query as q
from tests.conftest import ROOT

ID = "https://w3id.org/regimekg/id/"


@pytest.fixture(scope="module")
def kg(built: Path) -> Iterator[q.KG]:
    with q.open(ROOT, store=built) as kg:
        yield kg


def test_china_answers_with_each_kind_of_participation(kg: q.KG) -> None:
    en = kg.query("forums-of-actor", lang="en", params={"actor": "China"})
    zh = kg.query("forums-of-actor", lang="zh", params={"actor": "中国"})
    assert en.rows == zh.rows
    roles = {(str(r["forum"]), str(r["role"]).rsplit("/", 1)[-1]) for r in en.rows}
    assert (f"{ID}instrument/bletchley-declaration", "signatory") in roles  # a summit declaration
    assert (f"{ID}instrument/unga-resolution-ai-capacity-building", "sponsor") in roles
    assert (f"{ID}institution/sco", "founding-member") in roles  # an organisation joined
    assert (f"{ID}institution/unesco", "founding-member") in roles  # the issue's own example
    assert "布莱奇利宣言" in zh.format("table", "zh")


def test_china_answers_with_the_initiatives_it_launched(kg: q.KG) -> None:
    en = kg.query("initiatives-of-actor", lang="en", params={"actor": "China"})
    zh = kg.query("initiatives-of-actor", lang="zh", params={"actor": "中国"})
    assert en.rows == zh.rows
    launched = {
        str(r["initiative"]).removeprefix(ID)
        for r in en.rows
        if str(r["relation"]).endswith("#launchedBy")
    }
    assert {
        "instrument/global-ai-governance-initiative",
        "instrument/global-ai-governance-action-plan",
    } <= launched
    assert "全球人工智能治理倡议" in zh.format("table", "zh")
    assert "Global AI Governance Initiative" in en.format("table", "en")


@pytest.mark.parametrize(
    "name", ["United States", "美国", "India", "印度", "Brazil", "巴西", "Kenya", "肯尼亚"]
)
def test_each_named_state_answers_with_participation_since_2023(kg: q.KG, name: str) -> None:
    result = kg.query("forums-of-actor", params={"actor": name})
    recent = [r for r in result.rows if str(r.get("start") or "") >= "2023"]
    assert len(recent) >= 3, (name, result.format("table", "en"))
