"""Participation coverage: the list parameter, the metric, and the reproduced figure of the report.

The golden rows of ``participation-coverage`` and ``states-in-no-initiative`` are in
tests/fixtures/mini-expected/ (tests/test_query_golden.py); here the list parameter's binding
rules are checked on the fixture, and on the real build the metric must equal the query and
docs/data.md must quote the build's own numbers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import Literal

from regimekg import analysis, coverage, store
from regimekg import query as q
from regimekg.errors import UserError
from regimekg.namespaces import ID
from regimekg.query import catalog
from tests.conftest import ROOT
from tests.test_query_golden import FIXTURE

QUERY = catalog.parse(ROOT / "queries" / "participation-coverage.rq")


@pytest.fixture(scope="module")
def kg() -> q.KG:
    return q.open(ROOT, store=FIXTURE)


def test_list_parameters_are_declared_as_entities() -> None:
    p = QUERY.param("initiatives")
    assert p is not None and p.type == "entities"


def test_the_list_reaches_the_engine_as_one_literal_not_as_text(kg: q.KG) -> None:
    bound = kg.bind(QUERY, {"initiatives": "七国集团, GPAI"})["initiatives"]
    assert isinstance(bound, Literal)
    assert str(bound) == f"<{ID}institution/g7> <{ID}institution/gpai>"
    assert "institution/g7" not in QUERY.text  # the query text itself never changes


def test_a_name_a_user_gives_must_resolve(kg: q.KG) -> None:
    with pytest.raises(UserError, match="no-such-body"):
        kg.query("participation-coverage", params={"initiatives": "g7, no-such-body"})
    with pytest.raises(UserError, match="names nothing"):
        kg.query("participation-coverage", params={"initiatives": " , "})


def test_the_default_keeps_only_what_the_graph_holds(kg: q.KG) -> None:
    bound = str(kg.bind(QUERY, {})["initiatives"])
    assert bound.count("<") == 4  # the fixture has 4 of the 7 (see the golden file)
    assert "bletchley" not in bound


def test_the_metric_default_is_the_query_default() -> None:
    p = QUERY.param("initiatives")
    assert p is not None and p.default is not None
    assert tuple(s.strip() for s in p.default.split(",")) == analysis.COVERAGE_INITIATIVES


def _data() -> analysis.RegimeData:
    """Three states of a population body P, two initiatives A (signing) and B (a seat)."""

    known = dt.date(2020, 1, 1)  # the build's as-of rule (regimekg.asof) dates every element

    def ent(slug: str, cls: str) -> analysis.Entity:
        return analysis.Entity(f"{ID}{slug}", cls, {"en": slug}, known_from=known)

    ents = {
        e.iri: e
        for e in (
            ent("institution/p", "InternationalOrganisation"),
            ent("institution/b", "Forum"),
            ent("instrument/a", "Declaration"),
            ent("institution/eu", "RegionalOrganisation"),
            *(ent(f"state/{s}", "State") for s in ("x", "y", "z")),
        )
    }

    def mem(state: str, org: str, role: str, end: str | None = None) -> analysis.Membership:
        until = dt.date.fromisoformat(end) if end else None
        return analysis.Membership(
            f"{ID}membership/{org}/{state}",
            f"{ID}{state}",
            f"{ID}{org}",
            role,
            None,
            end,
            known_from=known,
            known_until=until,
        )

    mems = [
        mem("state/x", "institution/p", "member"),
        mem("state/y", "institution/p", "founding-member"),
        mem("state/z", "institution/p", "member"),
        mem("institution/eu", "institution/p", "observer"),
        mem("state/x", "instrument/a", "signatory"),
        mem("state/x", "institution/b", "member"),
        mem("state/y", "institution/b", "observer"),  # an observer does not take part
        mem("state/z", "instrument/a", "signatory", end="2024-01-01"),  # withdrew
        mem("institution/eu", "instrument/a", "signatory"),  # not its members' signature
    ]
    return analysis.RegimeData(ents, mems, [])


def test_participation_coverage_counts_states_by_initiatives_taken() -> None:
    chosen, counts, none = analysis.participation_coverage(_data(), ("a", "b", "absent"), "p")
    assert [c.rsplit("/", 1)[-1] for c in chosen] == ["a", "b"]  # "absent" is skipped
    assert counts == [2, 0, 1]  # y and z in none, x in both
    assert none == [f"{ID}state/y", f"{ID}state/z"]


def test_a_dated_slice_counts_what_was_in_force_that_day() -> None:
    day = dt.date(2023, 6, 1)  # z had not yet withdrawn
    _, counts, none = analysis.participation_coverage(_data().at(day), ("a", "b"), "p")
    assert counts == [1, 1, 1] and none == [f"{ID}state/y"]


# ------------------------------------------------------------------------------ real build


@pytest.fixture(scope="module")
def build_select(built: Path) -> analysis.Select:
    return analysis.oxigraph_select(store.open_read_only(built / "store"))


def test_the_metric_equals_the_query_on_the_real_build(
    built: Path, build_select: analysis.Select
) -> None:
    m = analysis.compute(analysis.read_graph(build_select))
    metric = {o.k: o.value for o in m.by("states-in-exactly-k-initiatives")}
    metric[0] = m.value("states-in-no-sampled-initiative", "membership")
    with q.open(ROOT, store=built) as kg:
        rows = kg.query("participation-coverage").rows
    answer = {int(r["k"]): int(r["states"]) for r in rows}
    assert metric == answer
    assert len(answer) == len(analysis.COVERAGE_INITIATIVES) + 1
    assert sum(answer.values()) == 193  # every UN member state, each counted once


def test_states_in_none_are_the_k0_row(built: Path) -> None:
    with q.open(ROOT, store=built) as kg:
        zero = next(int(r["states"]) for r in kg.query("participation-coverage").rows)
        listed = kg.query("states-in-no-initiative").rows
    assert len(listed) == zero


def test_docs_data_md_quotes_the_numbers_of_the_build(built: Path) -> None:
    page = ROOT / "docs" / "data.md"
    assert coverage.quoted(page) == coverage.generated(built), (
        "docs/data.md's coverage block is stale: run "
        "`regimekg coverage --write docs/data.md` after `regimekg build`."
    )


def test_the_published_figure_is_a_curated_claim(build_select: analysis.Select) -> None:
    fig = coverage.figure(analysis.read_graph(build_select), build_select)
    assert fig.published[coverage.CLAIM_ALL] == "7"
    assert fig.published[coverage.CLAIM_NONE] == "118"


def test_a_list_parameter_is_echoed_entity_by_entity(kg: q.KG) -> None:
    import json

    answer = json.loads(
        kg.query("participation-coverage", params={"initiatives": "g7, gpai"}).format("json")
    )
    assert [e["label"] for e in answer["params"]["initiatives"]] == [
        "Group of Seven",
        "Global Partnership on Artificial Intelligence",
    ]
