"""Ingested CSV / TSV / JSON tables, read with a small column mapping.

A mapping (YAML, stored in the source's ``mapping:`` entry of ``sources.yaml``) names the
columns to read::

    name: 文件名称            # required: the instrument / initiative / entity name
    date: 时间                # optional, 2016.10 / 2016-10 / 2016
    issuer: 颁布机构          # optional, several separated by / 、 ,
    classification:           # optional
      scheme: organisational-form
      column: 组织形式        # values 多边 / 多方 / 国际组织 / 政府引领 (or the concept slugs)
    jurisdiction: country     # optional: a curated state or body the record belongs to
    status: status            # optional: in force / draft / signed …, kept as written
    participants: signatories # optional: several, separated by ; / 、 , (or a JSON list)
    records: $.data.items[*]  # JSON only: where the records are (default: a top-level array)

In a JSON table every column may also be a JSONPath relative to the record
(``adopted.date``, ``signatories[*].name``), read with ``jsonpath-ng``; the span of each
value in the file is kept, so nested values are quoted exactly like flat ones.

Each record becomes a table row with exact offsets (the raw CSV line or JSON object) and
cells (the raw field), linked to curated entities where the gazetteer knows the name and to
candidates otherwise — exactly like the tables inside documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from .. import dates
from ..errors import UserError
from ..inputs import check_value, parse_json
from ..namespaces import RKG, concept, doc, iri, short_hash, slug_of
from . import jsonpos
from .builder import DocBuilder, integer
from .tables import ORGANISATIONAL_FORMS, _entity_or_candidate, _issuers, _record


@dataclass
class Field:
    column: str
    start: int  # raw span (quotes included), exact in the source text
    end: int
    value: str  # decoded value


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def csv_records(
    text: str, delimiter: str = ",", where: str = "The table"
) -> list[tuple[int, int, list[Field]]]:
    """(row start, row end, fields) for each data row; the header names the columns.

    Malformed rows are refused rather than guessed at: a quoted field that never closes would
    swallow the rest of the file into one cell, and a row with more fields than the header
    (an unquoted delimiter inside a cell) would shift its values into the wrong columns.
    """
    stops = delimiter + "\r\n"
    rows: list[tuple[int, int, list[tuple[int, int, str]]]] = []
    i, n = 0, len(text)
    while i < n:
        start = i
        fields: list[tuple[int, int, str]] = []
        while True:
            fs = i
            if i < n and text[i] == '"':
                i += 1
                buf = []
                while i < n:
                    if text[i] == '"' and i + 1 < n and text[i + 1] == '"':
                        buf.append('"')
                        i += 2
                    elif text[i] == '"':
                        i += 1
                        break
                    else:
                        buf.append(text[i])
                        i += 1
                else:
                    raise UserError(
                        f"{where} line {_line(text, fs)}: a quoted field opens here and never "
                        "closes, so the rest of the file would become one cell; close the quoted "
                        'field with " (write "" for a quote inside it).'
                    )
                value = "".join(buf)
                while i < n and text[i] not in stops:
                    i += 1
            else:
                while i < n and text[i] not in stops:
                    i += 1
                value = text[fs:i]
            fields.append((fs, i, value.strip()))
            if i < n and text[i] == delimiter:
                i += 1
                continue
            break
        end = i
        while i < n and text[i] in "\r\n":
            i += 1
        if any(v for _, _, v in fields):
            rows.append((start, end, fields))
    if not rows:
        return []
    header = [v for _, _, v in rows[0][2]]
    out = []
    for s, e, fields in rows[1:]:
        if len(fields) > len(header):
            sep = "a tab" if delimiter == "\t" else f"{delimiter!r}"
            raise UserError(
                f"{where} line {_line(text, s)} has {len(fields)} fields but the header has "
                f"{len(header)}: quote a cell that contains {sep}, or remove the extra field."
            )
        out.append(
            (
                s,
                e,
                [
                    Field(header[j] if j < len(header) else str(j), fs, fe, v)
                    for j, (fs, fe, v) in enumerate(fields)
                ],
            )
        )
    return out


def json_records(
    text: str, where: str = "The table", records_path: str | None = None
) -> list[tuple[int, int, list[Field]]]:
    """(object start, end, fields) for each record of a JSON table.

    The records are the objects of a top-level array, or those *records_path* (a JSONPath
    such as ``$.data.items[*]``) selects. Each field is one member of the record object.
    """
    parse_json(text, where)  # depth-checked first: the scanner below then cannot recurse
    data, spans = jsonpos.parse(text)
    if records_path:
        hits = jsonpos.select(jsonpos.compile_path(records_path, where), data, spans)
        if not hits:
            raise UserError(
                f"{where}: `records: {records_path}` selects nothing in the file; check the "
                "path against the file's structure."
            )
    elif isinstance(data, list):
        hits = [jsonpos.Hit(v, *spans.members[(id(data), i)]) for i, v in enumerate(data)]
    else:
        raise UserError(
            f"{where}: a JSON table must be an array of objects, one per row, or the mapping "
            "must say where the records are, as in `records: $.data.items[*]`."
        )
    out = []
    for n, hit in enumerate(hits, 1):
        if not isinstance(hit.value, dict):
            raise UserError(
                f"{where}: record {n} is not an object; the records must be JSON objects "
                "(point `records:` at them)."
            )
        fields = []
        for key, value in hit.value.items():
            fs, fe = spans.members[(id(hit.value), key)]
            shown = "" if value is None or isinstance(value, dict | list) else str(value)
            field = Field(str(key), fs, fe, shown)
            # JSON escapes (\u001b) bring control characters the raw-text check cannot see
            check_value(f"{key}{field.value}", f"{where} row {n} column {str(key)!r}")
            fields.append(field)
        out.append((hit.start, hit.end, fields))
    _RECORD_OBJECTS[id(out)] = [(h.value, spans) for h in hits]
    return out


#: The decoded record objects behind the last :func:`json_records` results (by list id), so
#: :func:`load_tabular` can resolve JSONPath columns within each record.
_RECORD_OBJECTS: dict[int, list[tuple[Any, jsonpos.Spans]]] = {}

#: Mapping keys that name one column (or, in JSON, a path within the record).
COLUMN_KEYS = ("name", "date", "issuer", "jurisdiction", "status", "participants")


def _values(
    spec: Any,
    by_col: dict[str, Field],
    record: tuple[Any, jsonpos.Spans] | None,
    where: str,
) -> list[Field]:
    """The field(s) a mapping entry reads from one record: a column, or a JSONPath."""
    if not spec:
        return []
    col = str(spec)
    if col in by_col:
        return [by_col[col]]
    if record is None:
        return []
    obj, spans = record
    hits = jsonpos.select(jsonpos.compile_path(col.removeprefix("$."), where), obj, spans)
    out = []
    for h in hits:
        if h.value is None or isinstance(h.value, dict | list):
            continue
        check_value(str(h.value), f"{where} value of {col!r}")
        out.append(Field(col, h.start, h.end, str(h.value)))
    return out


def _check_mapping(
    mapping: dict[str, Any],
    records: list[tuple[int, int, list[Field]]],
    where: str,
    is_json: bool = False,
) -> None:
    """Refuse a mapping that names a column the table lacks (every row would be skipped).

    In a JSON table a name that is no member of any record is read as a JSONPath, and must
    at least parse.
    """
    if not records:
        return
    columns = list(dict.fromkeys(f.column for _, _, fields in records for f in fields))
    cls = mapping.get("classification") or {}
    wanted = [mapping.get(k) for k in COLUMN_KEYS] + [
        cls.get("column") if isinstance(cls, dict) else None
    ]
    for col in wanted:
        if not col or str(col) in columns:
            continue
        if is_json and re.search(r"[.\[$]", str(col)):
            jsonpos.compile_path(str(col).removeprefix("$."), where)
            continue
        raise UserError(
            f"{where}: the mapping names column {str(col)!r}, which the table does not have "
            f"(its columns are {', '.join(columns)}); fix the mapping."
        )


def _names_in(b: DocBuilder, f: Field) -> list[tuple[str, int]]:
    """Names in one cell ("G7 / OECD", "中央网信办、教育部"), each with its offset."""
    raw = b.text[f.start : f.end]
    offset = f.start + max(0, raw.find(f.value))
    if ";" in f.value or "；" in f.value:
        out, pos = [], 0
        for part in re.split(r"([;；])", f.value):
            name = part.strip()
            if len(name) >= 2 and part not in ";；":
                out.append((name, offset + pos + part.index(name)))
            pos += len(part)
        return out
    return _issuers(f.value, offset)


@dataclass
class _Row:
    """One record of a table as its emitters need it: the row segment and its span, and the
    mapping's columns read from the record (its cells, or its JSON object)."""

    node: URIRef
    start: int
    end: int
    index: int
    by_col: dict[str, Field]
    obj: Any
    mapping: dict[str, Any]
    where: str

    def read(self, key: str) -> list[Field]:
        """The non-empty values of the mapping's *key* in this record."""
        found = _values(self.mapping.get(key), self.by_col, self.obj, self.where)
        return [f for f in found if f.value]


def _read_records(
    b: DocBuilder, mapping: dict[str, Any], where: str
) -> tuple[list[tuple[int, int, list[Field]]], list[tuple[Any, jsonpos.Spans]] | None]:
    """The table's records and, for JSON, each record's object (for JSONPath columns); the
    mapping is checked against them so a column the table lacks is named before any RDF."""
    suffix = b.source.path.suffix.lower()
    objects: list[tuple[Any, jsonpos.Spans]] | None = None
    if suffix == ".json":
        records = json_records(b.text, where, mapping.get("records"))
        objects = _RECORD_OBJECTS.pop(id(records))
    else:
        records = csv_records(b.text, "\t" if suffix == ".tsv" else ",", where)
    _check_mapping(mapping, records, where, is_json=objects is not None)
    return records, objects


def _emit_table(b: DocBuilder, rows: int) -> URIRef:
    """The table node of the source: its document, title and row count."""
    g = b.graph
    table = doc(b.sid, "table-0")
    g.add((table, RDF.type, RKG.Table))
    g.add((table, RKG.inDocument, b.node))
    for lang, title in sorted(b.source.title.items()):
        g.add((table, DCTERMS.title, Literal(title, lang=lang)))
    g.add((table, RKG.rowCount, integer(rows)))
    return table


def _emit_row(
    b: DocBuilder, table: URIRef, idx: int, span: tuple[int, int], fields: list[Field]
) -> tuple[URIRef, dict[str, Field]]:
    """The row segment and a segment per non-empty cell (exact offsets, like a document's
    tables), and the row's fields by column for the mapping to read."""
    g = b.graph
    row = b.segment("table-row", span[0], span[1], document=b.node)
    g.add((row, RKG.inTable, table))
    g.add((row, RKG.rowIndex, integer(idx)))
    g.add((row, RKG.isHeaderRow, Literal(False)))
    by_col: dict[str, Field] = {}
    for j, f in enumerate(fields):
        by_col[f.column] = f
        if f.end > f.start:
            cn = b.segment("table-cell", f.start, f.end, document=b.node)
            g.add((cn, RKG.inRow, row))
            g.add((cn, RKG.columnIndex, integer(j)))
            g.add((cn, RKG.columnName, Literal(f.column)))
    return row, by_col


def load_tabular(b: DocBuilder) -> None:
    """Emit an ingested CSV/JSON table and its records."""
    mapping = b.source.mapping or {}
    if not mapping.get("name"):
        raise UserError(
            f"Source {b.sid!r}: a table needs a mapping with at least `name: <column>`; "
            "pass one with --mapping."
        )
    where = f"Source {b.sid!r} ({b.source.path.name})"
    records, objects = _read_records(b, mapping, where)
    table = _emit_table(b, len(records))
    for idx, (rs, re_, fields) in enumerate(records):
        node, by_col = _emit_row(b, table, idx, (rs, re_), fields)
        obj = objects[idx] if objects is not None else None
        _emit_record(b, table, _Row(node, rs, re_, idx, by_col, obj, mapping, where))


def _emit_record(b: DocBuilder, table: URIRef, row: _Row) -> None:
    """The record a row holds (a row without a name holds none): its subject, name, date,
    issuers, participants, jurisdiction, status and classification as the table gives them,
    and, when the name is a curated entity, the facts the table supports about it."""
    names = row.read("name")
    if not names:
        return
    g = b.graph
    name_f = names[0]
    rec = _record(b, table, row.node, row.start, row.end)
    subject, curated = _entity_or_candidate(
        b, name_f.value, name_f.start, name_f.end, row.node, pattern="table-ingest"
    )
    g.add((rec, RKG.recordSubject, subject))
    g.add((rec, RKG.recordName, Literal(name_f.value, lang=b.lang_of(name_f.start, name_f.end))))
    date_lit = _record_date(b, rec, row)
    issuers = _record_parties(b, rec, row)
    form_iri = _record_form(b, rec, row)
    if curated:
        _curated_facts(b, subject, row, issuers, date_lit, form_iri)


def _record_date(b: DocBuilder, rec: URIRef, row: _Row) -> Literal | None:
    """The record's date at the precision written; an impossible one is the user's mistake,
    named by line and row."""
    date_f = next(iter(row.read("date")), None)
    if date_f is None:
        return None
    try:
        date_lit = dates.to_literal(date_f.value, dotted=True)
    except dates.DateError as e:
        raise UserError(
            f"{row.where} line {_line(b.text, row.start)} (row {row.index + 1}): {e}; "
            "fix the date or drop it from the mapping."
        ) from None
    b.graph.add((rec, RKG.recordDate, date_lit))
    return date_lit


def _record_parties(b: DocBuilder, rec: URIRef, row: _Row) -> list[URIRef]:
    """Issuers, participants, jurisdiction and status of the record; the curated issuers
    are returned, since only those become ``rkg:issuedBy`` facts."""
    g = b.graph
    issuers: list[URIRef] = []
    for issuer_f in row.read("issuer"):
        for name, s in _names_in(b, issuer_f):
            node, cur = _entity_or_candidate(
                b, name, s, s + len(name), row.node, pattern="table-issuer"
            )
            g.add((rec, RKG.recordIssuer, node))
            if cur:
                issuers.append(node)
    for part_f in row.read("participants"):
        for name, s in _names_in(b, part_f):
            node, _cur = _entity_or_candidate(
                b, name, s, s + len(name), row.node, pattern="table-participant"
            )
            g.add((rec, RKG.recordParticipant, node))
    for jur_f in row.read("jurisdiction")[:1]:
        hits = b.gazetteer.lookup(jur_f.value.strip())
        if len(hits) == 1:  # a reading of the table: only a name the curated data knows
            g.add((rec, RKG.recordJurisdiction, next(iter(hits))))
    for status_f in row.read("status")[:1]:
        lang = b.lang_of(status_f.start, status_f.end)
        g.add((rec, RKG.recordStatus, Literal(status_f.value.strip(), lang=lang)))
    return issuers


def _record_form(b: DocBuilder, rec: URIRef, row: _Row) -> URIRef | None:
    """The organisational form the classification column gives (多边, multi-stakeholder …),
    the only scheme a table classifies into; an unknown value classifies nothing."""
    cls = row.mapping.get("classification") or {}
    if not cls.get("column"):
        return None
    cf = row.by_col.get(str(cls["column"]))
    if cf is None or not cf.value:
        return None
    slug = ORGANISATIONAL_FORMS.get(cf.value.strip().lower())
    scheme = str(cls.get("scheme") or "organisational-form")
    if not slug or scheme != "organisational-form":
        return None
    form_iri = concept(scheme, slug)
    b.graph.add((rec, RKG.recordClassification, form_iri))
    return form_iri


def _curated_facts(
    b: DocBuilder,
    subject: URIRef,
    row: _Row,
    issuers: list[URIRef],
    date_lit: Literal | None,
    form_iri: URIRef | None,
) -> None:
    """What the row says about a curated entity, each with the row as evidence: its curated
    issuers, the listed date (a claim, since a table's date may disagree with another
    source's) and its organisational form (a classification)."""
    g = b.graph
    for issuer in issuers:
        g.add((subject, RKG.issuedBy, issuer))
    if date_lit is not None:
        claim = iri("claim", slug_of(subject), "date-listed", short_hash(str(date_lit), length=8))
        g.add((claim, RDF.type, RKG.Claim))
        g.add((claim, RKG.claimSubject, subject))
        g.add((claim, RKG.claimAbout, Literal("date-listed")))
        g.add((claim, RKG.claimValue, Literal(str(date_lit))))
        b.evidence(claim, row.start, row.end, row.node)
    if form_iri is not None:
        node = iri("classification", slug_of(subject), "organisational-form", slug_of(form_iri))
        g.add((node, RDF.type, RKG.Classification))
        g.add((node, RKG.classifiedEntity, subject))
        g.add((node, RKG.classifiedAs, form_iri))
        g.add((subject, RKG.hasOrganisationalForm, form_iri))
        b.evidence(node, row.start, row.end, row.node)
