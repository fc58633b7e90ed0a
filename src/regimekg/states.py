"""``regimekg states``: state records, codes and dataset memberships regenerated from datasets.

Every UN member state, the observer states and every state already curated get their ISO
3166-1 codes, Gleditsch–Ward code and any missing label from ``pycountry`` and
``country_converter``, each backed by a dataset-row evidence item (see :mod:`.datasets`).
Membership years those datasets give (UN, OECD) become membership records where no curated
record exists, and two-sided claims where one does, so that a web page's full date and the
dataset's year stay side by side instead of being merged.

The command is a merge, not a template: hand-curated fields and evidence of existing records
are kept, only dataset evidence items and ``codes`` are rewritten, slugs never change, and the
output is canonical, so running it twice changes nothing and running it after upgrading a
library is the whole update.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import curated, datasets, records
from .errors import UserError
from .namespaces import is_slug
from .paths import Project

#: Files this command owns; everything else under data/curated/ is hand-curated input.
MEMBERSHIPS_FILE = "memberships/from-datasets.yaml"
CLAIMS_FILE = "claims/from-datasets.yaml"
STATES_FILE = "entities/states.yaml"

#: country_converter year columns that are membership start years, by organisation slug.
YEAR_COLUMNS = {"united-nations": "UNmember", "oecd": "OECD"}


@dataclass
class Report:
    """What a run wrote or would write, and what a curator should look at."""

    changed: list[Path] = field(default_factory=list)
    new_states: list[str] = field(default_factory=list)
    zh_differences: list[tuple[str, str, str]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"new states: {len(self.new_states)}"]
        lines += [f"changed: {p}" for p in self.changed] or ["no file changed"]
        if self.unmatched:
            lines.append("states without a dataset row: " + ", ".join(self.unmatched))
        if self.zh_differences:
            lines.append("curated Chinese labels that differ from pycountry zh_CN (kept):")
            lines += [
                f"  {s}: {ours} (pycountry: {t})" for s, ours, t in sorted(self.zh_differences)
            ]
        return "\n".join(lines)


def _slugify(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    out = "".join(ch if ch.isalnum() else "-" for ch in ascii_.replace("'", ""))
    return "-".join(p for p in out.split("-") if p)


@cache
def _converter() -> Any:
    import logging

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


def _match(label: str) -> str | None:
    """ISO alpha-3 of a curated state's English label, by country_converter's name patterns.

    Used once per state: after the first run its ``codes`` hold the code and are the join key.
    """
    found = _converter().convert(names=label, to="ISO3", not_found=None)
    return found if isinstance(found, str) else None


def _english_name(pc_row: dict[str, str], cc_row: dict[str, str]) -> tuple[str, str]:
    """``(column, name)`` of a new state's English label: ISO's common or short name, unless
    the short name is the inverted form ("Micronesia, Federated States of"), then the official
    name, then country_converter's short name."""
    if pc_row.get("common_name"):
        return "common_name", pc_row["common_name"]
    if "," not in pc_row["name"]:
        return "name", pc_row["name"]
    if pc_row.get("official_name"):
        return "official_name", pc_row["official_name"]
    return "name_short", cc_row["name_short"]


def _item(dataset: str, row: str, fields: dict[str, str]) -> dict[str, Any]:
    return {
        "dataset": dataset,
        "fields": dict(sorted(fields.items())),
        "row": row,
        "version": datasets.installed_version(dataset),
    }


def _hand(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """*records* without the generated dataset evidence (so regeneration starts clean)."""
    return [
        {**r, "evidence": [e for e in r.get("evidence") or () if "dataset" not in e]}
        for r in records
    ]


def _read(project: Project, rel: str, kind: str) -> list[dict[str, Any]]:
    path = project.curated_dir / rel
    return [r.data for r in curated._read_records(path, kind)] if path.is_file() else []


def _write(
    project: Project,
    rel: str,
    kind: str,
    records: list[dict[str, Any]],
    report: Report,
    *,
    check: bool,
) -> None:
    """Write one of this command's files; with no records the file is removed rather than
    left empty, so the outcome is the same whether or not an earlier run had written it
    (curated pages can date every record a dataset used to give)."""
    path = project.curated_dir / rel
    text = curated.canonical_text(records, kind) if records else None
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    if old == text:
        return
    report.changed.append(path.relative_to(project.root))
    if check:
        return
    if text is None:
        path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(project: Project, *, check: bool = False) -> Report:
    """Regenerate state records, dataset memberships and claims; *check* writes nothing."""
    report = Report()
    pc = datasets.rows("pycountry")
    cc = datasets.rows("country_converter")
    states = _read(project, STATES_FILE, "entities")
    by_code = _states_by_code(states, pc, report)
    hand_members = _hand_memberships(project)
    # UN members by the dataset, plus every state already curated (the observer states
    # among them: no dataset records observer status, the curated UN file does).
    un_codes = {k[1] for k, row in cc.items() if k[0] == "ISO3" and row.get("UNmember")}
    taken = _taken_slugs(project)
    for code in sorted(un_codes | set(by_code)):
        pc_row = pc[("alpha_3", code)]
        cc_row = cc.get(("ISO3", code), {})
        rec = by_code.get(code)
        if rec is None:
            rec = by_code[code] = _new_state(code, pc_row, cc_row, taken)
            states.append(rec)
            report.new_states.append(rec["id"])
        _chinese_label(rec, datasets.field_value("pycountry", pc_row, "name@zh_CN"), report)
        _dataset_evidence(rec, code, pc_row, cc_row)

    memberships, claims = _memberships(project, by_code, cc, hand_members)
    _write(project, STATES_FILE, "entities", states, report, check=check)
    _write(project, MEMBERSHIPS_FILE, "memberships", memberships, report, check=check)
    _write(project, CLAIMS_FILE, "claims", claims, report, check=check)
    return report


def _states_by_code(
    states: list[dict[str, Any]], pc: dict[tuple[str, str], dict[str, str]], report: Report
) -> dict[str, dict[str, Any]]:
    """The curated states by ISO alpha-3 code (given, or matched by English name); a state
    the dataset does not know is reported, and two states on one code are the curator's to
    tell apart."""
    by_code: dict[str, dict[str, Any]] = {}
    for rec in states:
        code = (rec.get("codes") or {}).get("iso3166_alpha3") or _match(rec["label"]["en"])
        if code is None or ("alpha_3", code) not in pc:
            report.unmatched.append(rec["id"])
            continue
        if code in by_code:
            raise UserError(
                f"{STATES_FILE}: states {by_code[code]['id']} and {rec['id']} both match "
                f"{code}; add `codes: {{iso3166_alpha3: …}}` to the right one."
            )
        by_code[code] = rec
    return by_code


def _hand_memberships(project: Project) -> dict[tuple[str, str], dict[str, Any]]:
    """Hand-curated memberships by (organisation, member), the generated file excluded: a
    dataset year then becomes a claim beside the curated record instead of a second one."""
    hand_members: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted((project.curated_dir / "memberships").glob("*.yaml")):
        if path == project.curated_dir / MEMBERSHIPS_FILE:
            continue
        for r in curated._read_records(path, "memberships"):
            hand_members.setdefault((r.data["organisation"], r.data["member"]), r.data)
    return hand_members


def _taken_slugs(project: Project) -> set[str]:
    """Every entity slug in use: a new state's slug must be free across every entity file,
    not only the states file."""
    return {
        str(r.data.get("id"))
        for path in sorted((project.curated_dir / "entities").glob("*.yaml"))
        for r in curated._read_records(path, "entities")
    }


def _new_state(
    code: str, pc_row: dict[str, str], cc_row: dict[str, str], taken: set[str]
) -> dict[str, Any]:
    """The record of a UN member state not yet curated, named from the datasets; a slug
    another entity uses is refused rather than changed, since slugs never change once
    published."""
    column, en = _english_name(pc_row, cc_row)
    slug = _slugify(en)
    if not is_slug(slug) or slug in taken:
        raise UserError(
            f"new state {en} ({code}) would get slug {slug!r}, which another entity "
            f"uses; add that state to {STATES_FILE} by hand with its codes."
        )
    taken.add(slug)
    source = "country_converter" if column == "name_short" else "pycountry"
    return {"id": slug, "type": "State", "label": {"en": en}, "label_source": {"en": source}}


def _chinese_label(rec: dict[str, Any], zh: str | None, report: Report) -> None:
    """Give the state pycountry's Chinese name when it has none; a curated Chinese label
    that differs is kept and reported, not overwritten."""
    label, sources = rec["label"], rec.setdefault("label_source", {})
    if "zh" not in label and zh:
        label["zh"] = zh
        sources["zh"] = "pycountry"
    elif zh and label.get("zh") != zh:
        report.zh_differences.append((rec["id"], label["zh"], zh))
    if not sources:
        del rec["label_source"]


def _dataset_evidence(
    rec: dict[str, Any], code: str, pc_row: dict[str, str], cc_row: dict[str, str]
) -> None:
    """The state's codes, and evidence items naming the dataset rows and fields its codes
    and dataset-sourced labels come from (verified against the installed datasets at build
    time); hand-written evidence items are kept."""
    label, sources = rec["label"], rec.get("label_source", {})
    pc_fields = {"alpha_2": pc_row["alpha_2"], "numeric": pc_row["numeric"]}
    if sources.get("zh") == "pycountry":
        pc_fields["name@zh_CN"] = label["zh"]
    if sources.get("en") == "pycountry":
        pc_fields[_english_name(pc_row, cc_row)[0]] = label["en"]
    evidence = [e for e in rec.get("evidence") or () if "dataset" not in e]
    evidence.append(_item("pycountry", f"alpha_3={code}", pc_fields))
    codes = {
        "iso3166_alpha2": pc_row["alpha_2"],
        "iso3166_alpha3": code,
        "iso3166_numeric": pc_row["numeric"],
    }
    cc_fields: dict[str, str] = {}
    if cc_row.get("GWcode"):
        cc_fields["GWcode"] = codes["gleditsch_ward"] = cc_row["GWcode"]
    if sources.get("en") == "country_converter":
        cc_fields["name_short"] = label["en"]
    if cc_fields:
        evidence.append(_item("country_converter", f"ISO3={code}", cc_fields))
    rec["evidence"] = evidence
    rec["codes"] = codes


def _memberships(
    project: Project,
    by_code: dict[str, dict[str, Any]],
    cc: dict[tuple[str, str], dict[str, str]],
    hand_members: dict[tuple[str, str], dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Membership records the datasets add, and claims where a curated record exists."""
    hand_claims = {
        r.key
        for path in sorted((project.curated_dir / "claims").glob("*.yaml"))
        if path != project.curated_dir / CLAIMS_FILE
        for r in curated._read_records(path, "claims")
    }
    memberships: list[dict[str, Any]] = []
    claims: dict[tuple[str, str, str], dict[str, Any]] = {}

    def claim(subject: str, about: str, value: str, evidence: list[dict[str, Any]]) -> None:
        key = (subject, about, value)
        if key in hand_claims:
            return
        empty = {"about": about, "subject": subject, "value": value, "evidence": []}
        rec = claims.setdefault(key, empty)
        rec["evidence"].extend(e for e in evidence if e not in rec["evidence"])

    for code, state in sorted(by_code.items()):
        row = cc.get(("ISO3", code))
        if row is None:
            continue
        for org, column in YEAR_COLUMNS.items():
            year = row.get(column)
            if not year:
                continue
            item = _item("country_converter", f"ISO3={code}", {column: year})
            hand = hand_members.get((org, state["id"]))
            if hand is None:
                memberships.append(
                    {
                        "evidence": [item],
                        "member": state["id"],
                        "organisation": org,
                        "role": "member",
                        "start": year,
                    }
                )
                continue
            # A curated record exists: the dataset's year and the curated start are two claims
            # (one claim when they are the same value), each with its own evidence.
            about = records.joined_claim(org)
            if hand.get("start") is not None:
                claim(state["id"], about, str(hand["start"]), _hand([hand])[0]["evidence"])
            claim(state["id"], about, year, [item])
    return memberships, list(claims.values())
