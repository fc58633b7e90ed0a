"""Curated participation records against the counts that pages publish for the same instrument.

A participant list can only be a part of the published one: more recorded participants than
any source counts means a record was filed under the wrong instrument (or a source was
misread). And where the published list is known to be complete, the records must stay
complete, so that a later edit cannot silently drop a signatory.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from regimekg import curated, dates
from regimekg.curated import Curated
from regimekg.paths import Project
from tests.conftest import ROOT
from tests.test_curated import make

COUNT_KEYS = ("signatory-count", "sponsor-count", "member-count", "participant-count")
# Roles that make an actor a participant of an instrument or body (observers are not counted).
ROLES = {"member", "founding-member", "signatory", "endorser", "sponsor", "adherent", "party"}
# Instruments and bodies whose participation dates were curated from pages (not datasets).
DATED_FROM_PAGES = {
    "political-declaration-military-ai",
    "reaim-call-to-action",
    "reaim-blueprint-for-action",
    "reaim-pathways-to-action",
    "gpai",
    "coe-framework-convention-on-ai",
    "frontier-ai-safety-commitments",
    "tech-accord-deceptive-ai-elections-2024",
    "seoul-ai-business-pledge",
    "sco",
    "sco-tianjin-declaration",
}


@pytest.fixture(scope="module")
def cur() -> Curated:
    return curated.load(Project(ROOT))


def participants(cur: Curated) -> dict[str, set[str]]:
    """Organisation slug → the actors recorded as taking part in it (any non-observer role)."""
    out: dict[str, set[str]] = defaultdict(set)
    for rec in cur.records["memberships"]:
        d = rec.data
        if d.get("role") in ROLES:
            out[str(d["organisation"])].add(str(d["member"]))
    return out


def published_counts(cur: Curated) -> dict[str, list[int]]:
    """Subject slug → the participant counts the claims quote ("more than 140" reads as 140)."""
    out: dict[str, list[int]] = defaultdict(list)
    for rec in cur.records["claims"]:
        d = rec.data
        if d.get("about") in COUNT_KEYS:
            m = re.search(r"\d+", str(d["value"]))
            if m:
                out[str(d["subject"])].append(int(m.group()))
    return out


def test_no_instrument_has_more_participants_than_any_page_counts(cur: Curated) -> None:
    parts = participants(cur)
    over = {
        slug: (len(parts[slug]), max(counts))
        for slug, counts in published_counts(cur).items()
        if slug in parts and len(parts[slug]) > max(counts)
    }
    assert not over, f"recorded participants above the largest published count: {over}"


def test_every_bletchley_signatory_is_recorded(cur: Curated) -> None:
    # The declaration names 28 countries and the EU; all 29 are recorded from stored pages.
    signed = participants(cur)["bletchley-declaration"]
    assert len(signed) == 29
    assert {"european-union", "chile", "turkiye", "singapore", "china", "kenya"} <= signed


def test_sco_declarations_are_signed_by_the_sco_members_of_their_day(cur: Curated) -> None:
    # The Tianjin Declaration (1 September 2025) is signed by "the leaders of the member
    # states", so its signatories are exactly the SCO members whose membership had begun by
    # then; the AI cooperation declaration names nine of them in its preamble, without India.
    day = dates.bounds("2025-09-01")[0]
    members = {
        str(d["member"])
        for d in (rec.data for rec in cur.records["memberships"])
        if d["organisation"] == "sco"
        and d.get("role") in ROLES
        and dates.bounds(str(d.get("start", "2001")))[1] <= day
        and "end" not in d
    }
    parts = participants(cur)
    assert len(members) == 10
    assert parts["sco-tianjin-declaration"] == members
    assert parts["sco-declaration-ai-cooperation"] == members - {"india"}


def test_no_one_takes_part_in_an_instrument_before_it_exists(cur: Curated) -> None:
    # Endorsing, signing or sponsoring an instrument cannot begin before the instrument is
    # adopted or launched. Bodies are left out on purpose: their sourced anachronisms (EU
    # members dated from the European Communities) are data and reported by a QC query.
    # A start is compared by its last possible day, the instrument by its first, so
    # '2023' against an instrument of 2023-02 passes and '2023-01' fails.
    starts = {
        str(r.data["id"]): str(r.data["start"])
        for r in cur.records["entities"]
        if r.data.get("type") in curated.INSTRUMENT_CLASSES and "start" in r.data
    }
    early = [
        (str(d["organisation"]), str(d["member"]), str(d["start"]))
        for d in (rec.data for rec in cur.records["memberships"])
        if "start" in d
        and str(d["organisation"]) in starts
        and dates.bounds(str(d["start"]))[1] < dates.bounds(starts[str(d["organisation"])])[0]
    ]
    assert not early, f"participations that start before their instrument exists: {early}"


def test_every_participation_date_is_backed_by_a_quote_naming_its_year(cur: Curated) -> None:
    # A start date is only as good as the page behind it: for the instruments whose dates
    # were curated from pages, some evidence quote of the record must name the start's
    # year, so that a date typed from memory (or from a page not quoted) fails here.
    undated = [
        (str(d["organisation"]), str(d["member"]), str(d["start"]))
        for d in (rec.data for rec in cur.records["memberships"])
        if str(d.get("organisation")) in DATED_FROM_PAGES
        and "start" in d
        and not any(str(d["start"])[:4] in str(e.get("quote", "")) for e in d["evidence"])
    ]
    assert not undated, f"start dates no evidence quote supports: {undated}"


def non_organisations_in_company_instruments(cur: Curated) -> list[tuple[str, str, str]]:
    """(instrument, participant, class) for each state or person in an industry instrument.

    The voluntary company commitments (Frontier AI Safety Commitments, the Tech Accord, …)
    are signed by organisations; a state or person among their signatories is a slug mix-up
    (``meta`` against a state, ``x-corp`` against a person) that would put a government
    into the industry pledges of a forums-of-actor or co-membership query.
    """
    types = {str(r.data["id"]): str(r.data["type"]) for r in cur.records["entities"]}
    parts: dict[str, set[str]] = defaultdict(set)
    for rec in cur.records["memberships"]:
        org = str(rec.data["organisation"])
        if types.get(org) in curated.INSTRUMENT_CLASSES:
            parts[org].add(str(rec.data["member"]))
    return sorted(
        (org, m, types[m])
        for org, members in parts.items()
        if any(types.get(x) == "Company" for x in members)
        for m in members
        if types.get(m) not in curated.INSTITUTION_CLASSES
    )


def test_instruments_signed_by_companies_have_only_organisations_as_participants(
    cur: Curated,
) -> None:
    wrong = non_organisations_in_company_instruments(cur)
    assert not wrong, f"states or persons among the signatories of a company instrument: {wrong}"
    # The check covers the industry commitments recorded from pages.
    companies = {str(r.data["id"]) for r in cur.records["entities"] if r.data["type"] == "Company"}
    assert participants(cur)["frontier-ai-safety-commitments"] & companies


def test_the_company_instrument_check_can_fail(tmp_path) -> None:
    ev = "  evidence:\n  - {quote: 七国集团, source: doc}\n"
    entities = "".join(
        f"- id: {slug}\n  type: {typ}\n  label: {{en: {slug}}}\n" + ev
        for slug, typ in [("pledge", "CodeOfConduct"), ("acme", "Company"), ("ruritania", "State")]
    )
    memberships = "".join(
        f"- organisation: pledge\n  member: {m}\n  role: signatory\n" + ev
        for m in ("acme", "ruritania")
    )
    proj = make(tmp_path, {"entities/a.yaml": entities, "memberships/a.yaml": memberships})
    assert non_organisations_in_company_instruments(curated.load(proj)) == [
        ("pledge", "ruritania", "State")
    ]
