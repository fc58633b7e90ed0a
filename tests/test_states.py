"""State records: every UN member and observer state, with codes and both labels; the generator
that writes them is a deterministic merge."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from regimekg import curated, datasets, states
from regimekg.paths import Project

ROOT = Path(__file__).resolve().parents[1]
UN = "united-nations"
OBSERVERS = {"holy-see", "palestine"}


@pytest.fixture(scope="module")
def cur() -> curated.Curated:
    return curated.load(Project(ROOT))


def _un_roles(cur: curated.Curated) -> dict[str, set[str]]:
    roles: dict[str, set[str]] = {}
    for rec in cur.records["memberships"]:
        if rec.data["organisation"] == UN:
            roles.setdefault(rec.data["member"], set()).add(rec.data["role"])
    return roles


def test_every_un_member_and_observer_state_is_curated(cur: curated.Curated) -> None:
    roles = _un_roles(cur)
    members = {m for m, r in roles.items() if r & {"member", "founding-member"}}
    observers = {m for m, r in roles.items() if "observer" in r}
    assert len(members) == 193
    assert observers == OBSERVERS
    assert not members & observers
    ents = cur.entities
    assert all(ents[m].data["type"] == "State" for m in members | observers)
    # The dataset's list of UN members is the same set of states.
    codes = {(ents[m].data.get("codes") or {}).get("iso3166_alpha3") for m in members}
    cc = datasets.rows("country_converter")
    assert codes == {k[1] for k, row in cc.items() if k[0] == "ISO3" and row.get("UNmember")}


def test_un_states_have_both_labels_and_all_codes(cur: curated.Curated) -> None:
    ents = cur.entities
    cc = datasets.rows("country_converter")
    for slug in _un_roles(cur):
        d = ents[slug].data
        assert set(d["label"]) == {"en", "zh"}, slug
        codes = d.get("codes") or {}
        assert {"iso3166_alpha2", "iso3166_alpha3", "iso3166_numeric"} <= set(codes), slug
        assert len(codes["iso3166_numeric"]) == 3, slug
        if cc.get(("ISO3", codes["iso3166_alpha3"]), {}).get("GWcode"):
            assert "gleditsch_ward" in codes, slug


def test_codes_are_unique_and_slugs_kept(cur: curated.Curated) -> None:
    codes = [
        r.data["codes"]["iso3166_alpha3"]
        for r in cur.records["entities"]
        if r.data["type"] == "State" and r.data.get("codes")
    ]
    assert [c for c, n in Counter(codes).items() if n > 1] == []
    for slug in ("turkiye", "cote-divoire", "south-korea", "holy-see", "palestine", "china"):
        assert slug in cur.entities


def test_dataset_years_beside_web_dates_are_two_claims(cur: curated.Curated) -> None:
    """A web page's full date and the dataset's year are kept side by side, not merged."""
    claims = {
        r.data["value"]: r.data
        for r in cur.records["claims"]
        if r.data["subject"] == "afghanistan" and r.data["about"] == "date-joined-united-nations"
    }
    assert set(claims) == {"1946", "1946-11-19"}
    assert "dataset" in claims["1946"]["evidence"][0]
    assert "url" in claims["1946-11-19"]["evidence"][0]


def test_committed_files_are_what_the_generator_writes() -> None:
    report = states.generate(Project(ROOT), check=True)
    assert report.changed == [], "run `regimekg states` and commit the result"


def test_generator_rebuilds_removed_records_and_is_idempotent(project_copy: Project) -> None:
    cd = project_copy.curated_dir
    files = [cd / states.STATES_FILE, cd / states.MEMBERSHIPS_FILE, cd / states.CLAIMS_FILE]

    def contents() -> list[bytes | None]:
        # A generated file the datasets add nothing to is absent, not empty.
        return [p.read_bytes() if p.is_file() else None for p in files]

    before = contents()
    # Forget what the generator wrote: codes, dataset evidence, new states and its files.
    kept = [
        {
            **{k: v for k, v in r.items() if k != "codes"},
            "evidence": [e for e in r["evidence"] if "dataset" not in e],
        }
        for r in (x.data for x in curated._read_records(files[0], "entities"))
        if r["evidence"] and any("dataset" not in e for e in r["evidence"])
    ]
    files[0].write_text(curated.canonical_text(kept, "entities"), encoding="utf-8")
    files[1].unlink(missing_ok=True)
    files[2].unlink()

    first = states.generate(project_copy)
    assert len(first.new_states) == 57
    assert contents() == before
    second = states.generate(project_copy)
    assert second.changed == []
    assert contents() == before
    assert curated.lint(project_copy) == []


def test_dataset_membership_file_follows_the_curated_records(project_copy: Project) -> None:
    """A UN member without a curated record gets the dataset's year in the generated file; once
    a page dates it, the file that only held that record goes away (``--check`` only says so)."""
    un_file = project_copy.curated_dir / "memberships" / "united-nations.yaml"
    generated = project_copy.curated_dir / states.MEMBERSHIPS_FILE
    assert not generated.exists()
    original = un_file.read_bytes()
    kept = [r.data for r in curated._read_records(un_file, "memberships")]
    without = [r for r in kept if r["member"] != "tuvalu"]
    un_file.write_text(curated.canonical_text(without, "memberships"), encoding="utf-8")

    states.generate(project_copy)
    records = [r.data for r in curated._read_records(generated, "memberships")]
    assert [(r["member"], r["start"]) for r in records] == [("tuvalu", "2000")]

    un_file.write_bytes(original)
    checked = states.generate(project_copy, check=True)
    assert generated.relative_to(project_copy.root) in checked.changed
    assert generated.exists()
    states.generate(project_copy)
    assert not generated.exists()
    assert states.generate(project_copy).changed == []


@pytest.mark.slow
def test_stats_of_the_build_count_un_states_with_labels_and_codes(built: Path) -> None:
    from regimekg import query
    from regimekg.stats import stats

    kg = query.open(ROOT, store=built / "store")
    try:
        report = stats(kg, "en")
    finally:
        kg.close()
    assert re.search(r"^member\s+193\s+193 \(100%\)\s+193 \(100%\)\s+193 \(100%\)$", report, re.M)
    assert re.search(r"^observer\s+2\s+2 \(100%\)\s+2 \(100%\)\s+0 \(0%\)$", report, re.M)
    assert re.search(r"^United Nations\s+195\s+\d+ \(\d+%\)$", report, re.M)
