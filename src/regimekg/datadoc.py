"""The figures of docs/data.md, section 1 ("What is covered"), counted from the curated files.

The page's prose is written by hand; every number it states about the dataset lives in a
generated block (``<!-- data-NAME:begin … -->`` … ``<!-- data-NAME:end -->``) that
``regimekg generate`` rewrites and ``regimekg generate --check`` compares, so a curator who
adds a record without regenerating fails ``make lint`` instead of leaving the page stale.

This module reads the **files** (``data/curated/`` through :func:`regimekg.curated.load`, the
reader ``regimekg lint`` and the build use, and the Wikidata mapping file through
:func:`regimekg.mappings.parse`); it needs no build and takes about a second.
``regimekg stats`` (:mod:`regimekg.stats`) counts from a **build**, so it also sees what the
loaders add (the articles' authors as persons, the journal table's classifications). Where
both count the same thing — curated entities and those with both labels, entities per class
and labels per language (persons aside), memberships per role and per body with known start
dates, links per type, memberships, links, dated events, claims and conflicting claims —
``tests/test_datadoc.py`` runs stats' own queries on a build of the bundled project and
requires the same numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import curated, dates, mappings, mdblocks, states, vocab
from .curated import Curated, Record
from .paths import Project

PAGE = "docs/data.md"
GENERATOR = "regimekg generate"
#: The participation table holds every body or instrument with participation records that
#: began in or after this year (its own ``start``, else its earliest dated event).
PARTICIPATION_SINCE = 2023
#: Entity kinds (``curated.KIND_OF_CLASS``) in the order the page lists them, with the plural.
KIND_NAMES = {
    "state": "states",
    "institution": "institutions",
    "instrument": "instruments",
    "person": "persons",
}
BLOCKS = (
    "entities",
    "memberships",
    "participation",
    "links",
    "events",
    "classifications",
    "claims",
    "labels-missing",
)


@dataclass
class Body:
    """The participation records of one body or instrument."""

    slug: str
    records: int = 0
    roles: Counter[str] = field(default_factory=Counter)
    participants: Counter[str] = field(default_factory=Counter)  # entity kind → records
    starts: Counter[str] = field(default_factory=Counter)  # precision → records with a start
    files: set[str] = field(default_factory=set)

    @property
    def with_start(self) -> int:
        return sum(self.starts.values())


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    """By count descending, then name: the page's order everywhere."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _joined(counts: Counter[str], sep: str = ", ", label: dict[str, str] | None = None) -> str:
    return sep.join(f"{(label or {}).get(k, k)} {n}" for k, n in _ranked(counts))


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f} %" if total else "–"


def _precision(value: str | int) -> str:
    """``day``, ``month`` or ``year``: how precisely a curated date is given (read by
    :func:`regimekg.dates.parse`, as the build reads it)."""
    _year, month, day = dates.parse(value)
    return "day" if day is not None else "month" if month is not None else "year"


def _rel(rec: Record, project: Project) -> str:
    return rec.file.relative_to(project.curated_dir).as_posix()


# --------------------------------------------------------------------------- counting


def tally(cur: Curated, kind: str, name: str) -> Counter[str]:
    """How many records of *kind* give each value of field *name* (``type``, ``role``, …)."""
    return Counter(str(r.data[name]) for r in cur.records[kind])


def label_counts(cur: Curated) -> tuple[int, int, int]:
    """Entities with an English label, with a Chinese one, and with both."""
    labels = [r.data.get("label") or {} for r in cur.entities.values()]
    return (
        sum(1 for lab in labels if lab.get("en")),
        sum(1 for lab in labels if lab.get("zh")),
        sum(1 for lab in labels if lab.get("en") and lab.get("zh")),
    )


def entity_kinds(cur: Curated) -> dict[str, str]:
    """Entity slug → IRI kind (``state``, ``institution``, ``instrument``, ``person``)."""
    return {slug: curated.KIND_OF_CLASS[str(r.data["type"])] for slug, r in cur.entities.items()}


def memberships_by_body(cur: Curated) -> dict[str, Body]:
    """Body or instrument slug → its participation records (the same grouping as stats'
    ``MEMBERSHIPS_BY_BODY``)."""
    kinds = entity_kinds(cur)
    out: dict[str, Body] = {}
    for rec in cur.records["memberships"]:
        d = rec.data
        body = out.setdefault(str(d["organisation"]), Body(str(d["organisation"])))
        body.records += 1
        body.roles[str(d["role"])] += 1
        body.participants[kinds[str(d["member"])]] += 1
        if d.get("start") is not None:
            body.starts[_precision(d["start"])] += 1
        body.files.add(rec.file.name)
    return out


def began(cur: Curated) -> dict[str, str]:
    """Entity slug → the earliest date known for it: its ``start``, else its earliest event."""
    out: dict[str, str] = {}
    for rec in cur.records["events"]:
        slug, date = str(rec.data["subject"]), str(rec.data["date"])
        out[slug] = min(out.get(slug, date), date)
    for slug, rec in cur.entities.items():
        if rec.data.get("start") is not None:
            out[slug] = str(rec.data["start"])
    return out


def participation_rows(cur: Curated, bodies: dict[str, Body]) -> list[str]:
    """Slugs of the bodies and instruments of the participation table: those with records
    that began in or after :data:`PARTICIPATION_SINCE`."""
    start = began(cur)
    return [
        slug for slug in bodies if slug in start and int(start[slug][:4]) >= PARTICIPATION_SINCE
    ]


def conflicts(cur: Curated) -> dict[tuple[str, str], set[str]]:
    """(subject, key) → the files of its claims, for each key with two values that disagree
    (the rows of stats' ``CONFLICTS``): one date at two precisions is not a disagreement."""
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    where: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in cur.records["claims"]:
        key = (str(rec.data["subject"]), str(rec.data["about"]))
        values[key].add(str(rec.data["value"]))
        where[key].add(rec.file.name)
    return {
        k: where[k]
        for k, v in values.items()
        if any(a != b and not dates.same_date(a, b) for a in v for b in v)
    }


def wikidata_subjects(project: Project) -> set[str]:
    """Slugs of the entities the Wikidata mapping file gives a Q-id."""
    path = mappings.path(project)
    if not path.is_file():
        return set()
    _meta, rows = mappings.parse(path.read_text(encoding="utf-8"), str(path))
    return {r["subject_id"].partition(":")[2] for r in rows}


def _evidence_items(records: Iterable[Record]) -> Iterable[dict[str, object]]:
    for rec in records:
        for item in rec.data.get("evidence") or ():
            if isinstance(item, dict):
                yield item


# --------------------------------------------------------------------------- blocks


def entities_block(cur: Curated, project: Project) -> list[str]:
    """Entities by kind and class, label coverage, Wikidata identifiers, evidence."""
    ents = cur.entities
    kinds = entity_kinds(cur)
    total = len(ents)
    by_kind: dict[str, Counter[str]] = {k: Counter() for k in KIND_NAMES}
    for slug, rec in ents.items():
        by_kind[kinds[slug]][str(rec.data["type"])] += 1
    lines = [
        f"{total} entities in `entities/*.yaml`:",
        "",
        "| Kind | Classes (`type:`) and counts |",
        "|---|---|",
    ]
    for kind, plural in KIND_NAMES.items():
        lines.append(
            f"| {plural} ({sum(by_kind[kind].values())}) | {_joined(by_kind[kind], ' · ')} |"
        )
    en, zh, both = label_counts(cur)
    sources = [str(v) for r in ents.values() for v in (r.data.get("label_source") or {}).values()]
    from_data = sum(1 for v in sources if v in {"pycountry", "country_converter"})
    missing = sum(1 for r in ents.values() if r.data.get("label_missing"))
    qids = wikidata_subjects(project)
    with_qid = Counter(kinds[s] for s in qids if s in kinds)
    items = list(_evidence_items(cur.all()))
    bundled = sum(1 for i in items if "source" in i)
    pages = [i for i in items if "url" in i]
    rows = sum(1 for i in items if "dataset" in i)
    snapshots = {str(i["snapshot"]) for i in pages if i.get("snapshot")}
    lines += [
        "",
        f"- **Labels.** {both} of {total} entities ({_pct(both, total)}) have both an English "
        f"and a Chinese label; {en} have an English one and {zh} a Chinese one. "
        f"{len(sources)} labels name where they come from in `label_source`, {from_data} of "
        f"them a dataset (`pycountry` or `country_converter`). {missing} entities say in "
        "`label_missing` why a label is missing.",
        f"- **Wikidata identifiers.** {sum(with_qid.values())} of {total} entities have a "
        "Wikidata Q-id (`skos:exactMatch`): "
        + ", ".join(
            f"{with_qid[k]} of the {sum(by_kind[k].values())} {plural}"
            for k, plural in KIND_NAMES.items()
        )
        + ".",
        f"- **Evidence.** {len(items)} evidence items in all records: {bundled} quoting the "
        f"bundled documents, {len(pages)} quoting one of {len(snapshots)} page snapshots in "
        f"`data/sources/external/` and {rows} citing a row of a dataset.",
    ]
    return lines


def memberships_block(cur: Curated, project: Project) -> list[str]:
    """Memberships by role, and by body for the bodies outside the participation table."""
    bodies = memberships_by_body(cur)
    recent = set(participation_rows(cur, bodies))
    roles = tally(cur, "memberships", "role")
    from_data = sum(
        1 for r in cur.records["memberships"] if _rel(r, project) == states.MEMBERSHIPS_FILE
    )
    origin = (
        f"{from_data} of them come from a dataset (`{states.MEMBERSHIPS_FILE}`, written by "
        "`regimekg states`)."
        if from_data
        else f"None comes from a dataset: every dataset year is a claim beside a curated record "
        f"(`{states.CLAIMS_FILE}`), so `regimekg states` writes no `{states.MEMBERSHIPS_FILE}`."
    )
    lines = [
        f"{len(cur.records['memberships'])} membership records in `memberships/*.yaml`, by "
        f"role: {_joined(roles)}. {origin}",
        "",
        "| Organisation (slug) | Records | Roles | With a start date |",
        "|---|---|---|---|",
    ]
    for slug, body in sorted(bodies.items(), key=lambda kv: (-kv[1].records, kv[0])):
        if slug not in recent:
            lines.append(
                f"| `{slug}` | {body.records} | {_joined(body.roles)} | {body.with_start} |"
            )
    return lines


def participation_block(cur: Curated, project: Project) -> list[str]:
    """One row per body or instrument whose participation began in 2023 or later."""
    bodies = memberships_by_body(cur)
    rows = sorted(
        (bodies[s] for s in participation_rows(cur, bodies)), key=lambda b: (-b.records, b.slug)
    )
    roles = vocab.load(project).instrument_roles
    lines = [
        f"{sum(b.records for b in rows)} participation records in {len(rows)} bodies and "
        f"instruments that began in {PARTICIPATION_SINCE} or later "
        f"(roles of taking part in an instrument: {', '.join(sorted(roles))}):",
        "",
        "| Body or instrument (slug) | Records | Roles | Participants "
        "| With a start date (to the day, month, year) | Files (`memberships/`) |",
        "|---|---|---|---|---|---|",
    ]
    for b in rows:
        starts = f"{b.with_start} ({b.starts['day']}, {b.starts['month']}, {b.starts['year']})"
        files = ", ".join(f"`{f}`" for f in sorted(b.files))
        who = _joined(Counter({KIND_NAMES[k]: n for k, n in b.participants.items()}))
        lines.append(
            f"| `{b.slug}` | {b.records} | {_joined(b.roles)} | {who} | {starts} | {files} |"
        )
    return lines


def links_block(cur: Curated, project: Project) -> list[str]:
    """Regime links by type, and the types no link uses yet."""
    types = tally(cur, "links", "type")
    lines = [
        f"{len(cur.records['links'])} regime links in `links/*.yaml`:",
        "",
        "| Type | Links |",
        "|---|---|",
        *(f"| `{t}` | {n} |" for t, n in _ranked(types)),
    ]
    unused = [t for t in vocab.load(project).link_types if t not in types]
    if unused:
        lines += ["", "Types no link uses yet: " + ", ".join(f"`{t}`" for t in unused) + "."]
    return lines


def events_block(cur: Curated, project: Project) -> list[str]:
    """Dated events by type."""
    types = tally(cur, "events", "type")
    return [
        f"{len(cur.records['events'])} dated events in `events/*.yaml`: {_joined(types, ' · ')}."
    ]


def classifications_block(cur: Curated, project: Project) -> list[str]:
    """Classifications by scheme (the scheme's English label)."""
    voc = vocab.load(project)
    schemes = tally(cur, "classifications", "scheme")
    label = {s: voc.scheme(s).labels.get("en", s) for s in schemes}
    return [
        f"{len(cur.records['classifications'])} classifications in `classifications/*.yaml`: "
        f"{_joined(schemes, ' · ', label)}."
    ]


def claims_block(cur: Curated, project: Project) -> list[str]:
    """Claims, conflicts by key, and the conflicts a dataset takes part in."""
    rows = conflicts(cur)
    by_key: Counter[str] = Counter(about for _s, about in rows)
    dataset_file = states.CLAIMS_FILE.rpartition("/")[2]
    with_data: Counter[str] = Counter(about for (_s, about), f in rows.items() if dataset_file in f)
    other = Counter({k: n - with_data[k] for k, n in by_key.items() if n > with_data[k]})
    return [
        f"{len(cur.records['claims'])} claims in `claims/*.yaml`; {len(rows)} conflicts "
        "(a subject and key with two or more different values).",
        "",
        f"- {sum(with_data.values())} conflicts set a page's value beside a dataset's "
        f"(`{states.CLAIMS_FILE}`), by key: {_joined(with_data)}.",
        f"- The other {sum(other.values())}, by key: {_joined(other)}.",
    ]


def _gist(reason: str, width: int = 160) -> str:
    """The first sentence of a ``label_missing`` reason, cut to *width* characters."""
    text = " ".join(reason.split())
    end = text.find(". ")
    text = text[: end if end > 0 else len(text)].rstrip(".")
    if len(text) > width:
        text = text[: width - 1].rstrip() + "…"
    return text.replace("|", "\\|")


def labels_missing_block(cur: Curated, project: Project) -> list[str]:
    """One row per entity whose record says in ``label_missing`` why a label is missing."""
    rows = sorted(
        (lang, slug, _gist(str(reason)))
        for slug, rec in cur.entities.items()
        for lang, reason in (rec.data.get("label_missing") or {}).items()
    )
    by_lang = Counter(lang for lang, _, _ in rows)
    lines = [
        f"{len(rows)} labels are missing ({_joined(by_lang)}); each record's `label_missing` "
        "says why and what was searched, and `regimekg stats` prints it whole:",
        "",
        "| Missing | Entity | Why (first sentence) |",
        "|---|---|---|",
    ]
    lines += [f"| {lang} | `{slug}` | {gist} |" for lang, slug, gist in rows]
    return lines


_MAKERS = {
    "entities": entities_block,
    "memberships": memberships_block,
    "participation": participation_block,
    "links": links_block,
    "events": events_block,
    "classifications": classifications_block,
    "claims": claims_block,
    "labels-missing": labels_missing_block,
}


def begin(name: str) -> str:
    return mdblocks.begin_marker(f"data-{name}", GENERATOR)


def end(name: str) -> str:
    return mdblocks.end_marker(f"data-{name}")


def blocks(project: Project, cur: Curated | None = None) -> dict[str, str]:
    """Every block of the page (markers included), by name, from the curated files."""
    cur = cur or curated.load(project)
    return {
        name: "\n".join([begin(name), "", *_MAKERS[name](cur, project), "", end(name)]) + "\n"
        for name in BLOCKS
    }


def page_text(project: Project, text: str, where: str = PAGE) -> str:
    """*text* (the page) with every generated block replaced by what the files say now."""
    for name, block in blocks(project).items():
        text = mdblocks.replaced(text, begin(name), end(name), block, where)
    return text
