"""Wikidata identifiers of entities as an SSSOM mapping set, generated from a dataset.

``data/mappings/wikidata.sssom.tsv`` maps curated entities to Wikidata items
(``skos:exactMatch``) in the SSSOM/TSV format: a ``#``-prefixed YAML header with the mapping
set's metadata and ``curie_map``, then one mapping per row. The file is written by
``regimekg mappings``, never by hand: a row exists only where a versioned dataset states the
Q-id. Today that dataset is Natural Earth's admin-0 countries table (its ``WIKIDATAID``
column), joined to a state by the ISO 3166-1 alpha-3 code the state already carries.

Each row records the dataset, version, row and the values it relied on (the SSSOM ``other``
slot), and the build verifies them against the installed dataset exactly as it verifies the
dataset evidence of curated records (:mod:`.datasets`): a row the dataset no longer supports
fails the build with the file, line and row named. The reader is a small one over the
``csv`` module; why not the ``sssom`` package is in docs/decisions/20261207-wikidata-mappings.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from . import datasets
from .curated import Curated, entity_iri
from .errors import UserError
from .namespaces import ENTITY_PREFIXES, RKG, iri, short_hash
from .paths import Project

WIKIDATA = Namespace("http://www.wikidata.org/entity/")
QID = re.compile(r"^Q[1-9][0-9]*$")
FILE = "wikidata.sssom.tsv"

#: The slots of SSSOM's ``mapping`` class (sssom-schema 1.1.0a5): the columns a row may have.
SSSOM_COLUMNS = frozenset(
    {
        "record_id", "subject_id", "subject_label", "subject_category", "subject_type",
        "subject_source", "subject_source_version", "subject_match_field",
        "subject_preprocessing", "predicate_id", "predicate_label", "predicate_modifier",
        "predicate_type", "object_id", "object_label", "object_category", "object_type",
        "object_source", "object_source_version", "object_match_field", "object_preprocessing",
        "mapping_justification", "author_id", "author_label", "reviewer_id", "reviewer_label",
        "creator_id", "creator_label", "license", "mapping_provider", "mapping_tool",
        "mapping_tool_id", "mapping_tool_version", "mapping_date", "publication_date",
        "review_date", "mapping_cardinality", "cardinality_scope", "confidence",
        "reviewer_agreement", "curation_rule", "curation_rule_text", "match_string",
        "similarity_score", "similarity_measure", "comment", "see_also", "other",
        "mapping_source", "issue_tracker_item",
    }
)  # fmt: skip
REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")
#: SSSOM mapping-set slots the header must carry.
REQUIRED_HEADER = ("curie_map", "mapping_set_id", "license", "mapping_date")
#: A row's Q-id comes from a chain: entity → ISO alpha-3 (pycountry evidence) → Natural Earth
#: row → its WIKIDATAID. SEMAPV calls a mapping derived by traversing mappings that way
#: ``MappingChaining``; SSSOM's schema lists the justifications it accepts.
JUSTIFICATION = "semapv:MappingChaining"
JUSTIFICATIONS = frozenset(
    f"semapv:{j}"
    for j in (
        "MappingReview", "ManualMappingCuration", "LogicalReasoning", "LexicalMatching",
        "CompositeMatching", "UnspecifiedMatching", "SemanticSimilarityThresholdMatching",
        "LexicalSimilarityThresholdMatching", "MappingChaining", "MappingInversion",
        "StructuralMatching", "InstanceBasedMatching", "BackgroundKnowledgeBasedMatching",
    )
)  # fmt: skip
COLUMNS = (
    "subject_id", "subject_label", "predicate_id", "object_id", "mapping_justification",
    "mapping_provider", "comment", "other",
)  # fmt: skip
#: The dataset columns a row relies on: the join key and the Q-id.
JOIN_FIELD, QID_FIELD = "ISO_A3_EH", "WIKIDATAID"
FIX = "regenerate with `regimekg mappings`"


@dataclass(frozen=True)
class Row:
    """One mapping row, with the line it was read from (for error messages)."""

    line: int
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")


def path(project: Project) -> Path:
    return project.mappings_dir / FILE


def _fail(where: str, message: str) -> UserError:
    return UserError(f"{where}: {message}.")


def parse(text: str, where: str) -> tuple[dict[str, Any], list[Row]]:
    """The header and rows of an SSSOM/TSV text; :class:`UserError` naming the line if bad."""
    lines = text.splitlines(keepends=True)
    n_header = next((i for i, ln in enumerate(lines) if not ln.startswith("#")), len(lines))
    try:
        meta = yaml.safe_load("".join(ln[1:] for ln in lines[:n_header])) or {}
    except yaml.YAMLError as e:
        raise _fail(where, f"its #-header is not YAML ({e.__class__.__name__})") from None
    if not isinstance(meta, dict) or any(k not in meta for k in REQUIRED_HEADER):
        raise _fail(where, f"the #-header must give {', '.join(REQUIRED_HEADER)}")
    reader = csv.DictReader(io.StringIO("".join(lines[n_header:])), delimiter="\t")
    columns = reader.fieldnames or []
    unknown = sorted(set(columns) - SSSOM_COLUMNS)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if unknown or missing:
        what = f"unknown SSSOM columns {unknown}" if unknown else f"missing columns {missing}"
        raise _fail(f"{where} line {n_header + 1}", f"{what}; see the SSSOM spec's slots")
    rows = [
        Row(n_header + 2 + i, {k: v for k, v in r.items() if k and v}) for i, r in enumerate(reader)
    ]
    return meta, rows


def expand(curie: str, curie_map: dict[str, str]) -> str | None:
    prefix, sep, local = curie.partition(":")
    return curie_map[prefix] + local if sep and prefix in curie_map else None


def evidence_of(row: Row) -> dict[str, Any]:
    """The dataset evidence item a row's ``other`` slot holds (pipe-separated key=value)."""
    item: dict[str, Any] = {"fields": {}}
    for part in row["other"].split("|"):
        key, _, value = part.partition("=")
        if key.startswith("field:"):
            item["fields"][key.removeprefix("field:")] = value
        elif key in ("dataset", "version", "row"):
            item[key] = value
    return item


def _other(dataset: str, version: str, row_key: str, fields: dict[str, str]) -> str:
    parts = [f"dataset={dataset}", f"version={version}", f"row={row_key}"]
    return "|".join(parts + [f"field:{k}={v}" for k, v in sorted(fields.items())])


def _check_row(
    row: Row, meta: dict[str, Any], where: str, entities: dict[str, tuple[URIRef, dict[str, Any]]]
) -> tuple[URIRef, str, dict[str, Any]]:
    """Entity IRI, Q-id and evidence item of a row, or :class:`UserError` naming the row."""
    at = f"{where} line {row.line} ({row['subject_id'] or 'no subject_id'})"
    missing = [c for c in REQUIRED_COLUMNS if not row[c]]
    if missing:
        raise _fail(at, f"{', '.join(missing)} is empty")
    if row["predicate_id"] != "skos:exactMatch":
        raise _fail(at, "predicate_id must be skos:exactMatch")
    if row["mapping_justification"] not in JUSTIFICATIONS:
        raise _fail(at, f"mapping_justification {row['mapping_justification']!r} is not SEMAPV")
    subject = expand(row["subject_id"], meta["curie_map"])
    if subject not in entities:
        raise _fail(at, "subject_id names no curated entity; use state:slug or institution:slug")
    object_ = expand(row["object_id"], meta["curie_map"]) or ""
    qid = object_.removeprefix(str(WIKIDATA))
    if not object_.startswith(str(WIKIDATA)) or not QID.match(qid):
        raise _fail(at, f"object_id {row['object_id']!r} is not a Wikidata item (wikidata:Q…)")
    item = evidence_of(row)
    if any(k not in item for k in ("dataset", "version", "row")) or not item["fields"]:
        raise _fail(at, "other must give dataset=…|version=…|row=…|field:COLUMN=value")
    if item["fields"].get(QID_FIELD) != qid:
        raise _fail(at, f"the cited field {QID_FIELD} must equal the object's Q-id {qid}")
    iri_, record = entities[subject]
    code = (record.get("codes") or {}).get("iso3166_alpha3")
    joined = item["fields"].get(JOIN_FIELD)
    if joined is not None and joined != code:
        raise _fail(
            at,
            f"the dataset row joins on {JOIN_FIELD}={joined} but the state's ISO 3166-1 "
            f"alpha-3 code is {code}; {FIX}",
        )
    try:
        datasets.verify(item, fix=FIX)
    except datasets.DatasetError as e:
        raise _fail(at, str(e)) from None
    return iri_, qid, item


def _entities(cur: Curated) -> dict[str, tuple[URIRef, dict[str, Any]]]:
    out = {}
    for slug, rec in cur.entities.items():
        e = entity_iri(slug, rec.data["type"])
        out[str(e)] = (e, rec.data)
    return out


def to_graph(project: Project, cur: Curated) -> Graph:
    """``skos:exactMatch`` to Wikidata for every row, each with verified dataset evidence.

    The evidence hangs on the entity, as the dataset evidence of its codes does, and names
    the ``WIKIDATAID`` column it relies on; an entity gets one Q-id (rows disagreeing about
    one entity fail here, so that a disagreement is looked at, not exported as two keys).
    """
    g = Graph()
    p = path(project)
    if not p.is_file():
        return g
    where = str(p.relative_to(project.root))
    meta, rows = parse(p.read_text(encoding="utf-8"), where)
    entities = _entities(cur)
    seen: dict[URIRef, str] = {}
    for row in rows:
        e, qid, item = _check_row(row, meta, where, entities)
        if seen.setdefault(e, qid) != qid:
            at = f"{where} line {row.line} ({row['subject_id']})"
            raise _fail(at, f"a second Q-id {qid} besides {seen[e]}; keep one row per entity")
        g.add((e, SKOS.exactMatch, WIKIDATA[qid]))
        release = datasets.Release(item["dataset"], item["version"])
        quote = datasets.quote_of(item)
        ev = iri("evidence", short_hash(str(e), str(WIKIDATA[qid]), str(release.iri), quote))
        g.add((ev, RDF.type, RKG.Evidence))
        g.add((ev, RKG.fromDataset, release.add_to(g)))
        g.add((ev, RKG.datasetRow, Literal(item["row"])))
        for name in sorted(item["fields"]):
            g.add((ev, RKG.datasetField, Literal(name)))
        g.add((ev, RKG.isExternal, Literal(True)))
        g.add((ev, RKG.quote, Literal(quote)))
        g.add((e, RKG.hasEvidence, ev))
    return g


# --------------------------------------------------------------------------- generation


def _natural_earth_row(code: str) -> dict[str, str] | None:
    """The Natural Earth row of the state with ISO alpha-3 *code*.

    Natural Earth splits a few states into several rows sharing the code (France and
    Clipperton Island); the row whose own ``ADM0_A3`` is the code is then the state itself.
    """
    rows = datasets.rows(datasets.NATURAL_EARTH)
    found = {r["ADM0_A3"]: r for r in rows.values() if r.get(JOIN_FIELD) == code}
    if len(found) > 1:
        return found.get(code)
    return next(iter(found.values()), None)


def _rows(cur: Curated) -> tuple[list[dict[str, str]], list[str]]:
    version = datasets.installed_version(datasets.NATURAL_EARTH)
    ne = datasets.natural_earth_version()
    out, unmatched = [], []
    for slug, rec in sorted(cur.entities.items()):
        code = (rec.data.get("codes") or {}).get("iso3166_alpha3")
        if not code:
            continue
        row = _natural_earth_row(code)
        if row is None or not QID.match(row.get(QID_FIELD, "")):
            unmatched.append(slug)
            continue
        key = f"ADM0_A3={row['ADM0_A3']}"
        fields = {JOIN_FIELD: code, QID_FIELD: row[QID_FIELD]}
        out.append(
            {
                "subject_id": f"state:{slug}",
                "subject_label": rec.data["label"]["en"],
                "predicate_id": "skos:exactMatch",
                "object_id": f"wikidata:{row[QID_FIELD]}",
                "mapping_justification": JUSTIFICATION,
                "mapping_provider": f"https://pypi.org/project/{datasets.NATURAL_EARTH}/{version}/",
                "comment": f"Natural Earth {ne} admin-0 countries, row {key} ({row['ADMIN']}): "
                f"{JOIN_FIELD}={code}, {QID_FIELD}={row[QID_FIELD]}",
                "other": _other(datasets.NATURAL_EARTH, version, key, fields),
            }
        )
    return out, unmatched


def _header(mapping_date: str) -> dict[str, Any]:
    used = ("state",)
    return {
        "curie_map": {
            **{k: ENTITY_PREFIXES[k] for k in used},
            "semapv": "https://w3id.org/semapv/vocab/",
            "skos": str(SKOS),
            "wikidata": str(WIKIDATA),
        },
        "mapping_set_id": "https://w3id.org/regimekg/mappings/wikidata.sssom.tsv",
        "mapping_set_title": "regimekg entities to Wikidata items",
        "mapping_set_description": (
            "Generated by `regimekg mappings` from Natural Earth's admin-0 countries table "
            f"as shipped by the {datasets.NATURAL_EARTH} package, joined on the ISO 3166-1 "
            "alpha-3 code each state carries; the build verifies every row against the "
            "installed dataset."
        ),
        "license": "https://www.apache.org/licenses/LICENSE-2.0",
        "creator_label": ["regimekg"],
        "mapping_date": mapping_date,
    }


def render(rows: Iterable[dict[str, str]], mapping_date: str) -> str:
    """SSSOM/TSV text: the YAML header, each line prefixed ``#``, then the rows."""
    head = yaml.safe_dump(_header(mapping_date), allow_unicode=True, sort_keys=False, width=1000)
    out = io.StringIO()
    out.write("".join(f"#{' ' if ln else ''}{ln}\n" for ln in head.splitlines()))
    w = csv.DictWriter(out, COLUMNS, delimiter="\t", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


@dataclass
class Report:
    """What ``regimekg mappings`` wrote or would write."""

    changed: bool
    rows: int
    unmatched: list[str]

    def summary(self) -> str:
        state = "changed" if self.changed else "unchanged"
        lines = [f"{self.rows} Wikidata mappings; file {state}"]
        if self.unmatched:
            lines.append("states without a Q-id in the dataset: " + ", ".join(self.unmatched))
        return "\n".join(lines)


def generate(project: Project, *, check: bool = False, today: str | None = None) -> Report:
    """Regenerate the mapping file from the dataset; *check* writes nothing.

    ``mapping_date`` is the day the rows last changed, so an unchanged dataset gives an
    unchanged file on any day.
    """
    from . import curated

    rows, unmatched = _rows(curated.load(project))
    p = path(project)
    old = p.read_text(encoding="utf-8") if p.is_file() else None
    if old is not None:
        meta, _ = parse(old, str(p))
        kept = render(rows, str(meta["mapping_date"]))
        if kept == old:
            return Report(False, len(rows), unmatched)
    if not check:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(render(rows, today or date.today().isoformat()), encoding="utf-8")
    return Report(True, len(rows), unmatched)
