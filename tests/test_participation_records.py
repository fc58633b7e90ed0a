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

from regimekg import curated
from regimekg.curated import Curated
from regimekg.paths import Project
from tests.conftest import ROOT

COUNT_KEYS = ("signatory-count", "sponsor-count", "member-count", "participant-count")
# Roles that make an actor a participant of an instrument or body (observers are not counted).
ROLES = {"member", "founding-member", "signatory", "endorser", "sponsor", "adherent", "party"}


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
