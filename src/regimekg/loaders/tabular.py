"""Ingested CSV / TSV / JSON tables, read with a small column mapping.

A mapping (YAML, stored in the source's ``mapping:`` entry of ``sources.yaml``) names the
columns to read::

    name: 文件名称            # required: the instrument / initiative / entity name
    date: 时间                # optional, 2016.10 / 2016-10 / 2016
    issuer: 颁布机构          # optional, several separated by / 、 ,
    classification:           # optional
      scheme: organisational-form
      column: 组织形式        # values 多边 / 多方 / 国际组织 / 政府引领 (or the concept slugs)

Each record becomes a table row with exact offsets (the raw CSV line or JSON object) and
cells (the raw field), linked to curated entities where the gazetteer knows the name and to
candidates otherwise — exactly like the tables inside documents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from .. import dates
from ..errors import UserError
from ..inputs import check_value, parse_json
from ..namespaces import RKG, concept, doc, iri, short_hash, slug_of
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


def json_records(text: str, where: str = "The table") -> list[tuple[int, int, list[Field]]]:
    """(object start, end, fields) for each object of a top-level JSON array."""
    dec = json.JSONDecoder()
    data = parse_json(text, where)  # depth-checked first: raw_decode below then cannot recurse
    if not isinstance(data, list):
        raise UserError(f"{where}: a JSON table must be an array of objects, one per row.")
    i = text.index("[") + 1
    out = []

    def ws(k: int) -> int:
        while k < len(text) and text[k] in " \t\r\n,":
            k += 1
        return k

    i = ws(i)
    while i < len(text) and text[i] != "]":
        if text[i] != "{":
            raise UserError(f"{where}: a JSON table must be an array of objects, one per row.")
        start = i
        k = ws(i + 1)
        fields: list[Field] = []
        while text[k] != "}":
            key, k = dec.raw_decode(text, k)
            k = ws(k)
            k += 1  # ':'
            while text[k] in " \t\r\n":
                k += 1
            vs = k
            value, k = dec.raw_decode(text, k)
            field = Field(str(key), vs, k, "" if value is None else str(value))
            # JSON escapes (\u001b) bring control characters the raw-text check cannot see
            check_value(f"{key}{field.value}", f"{where} row {len(out) + 1} column {str(key)!r}")
            fields.append(field)
            k = ws(k)
        end = k + 1
        out.append((start, end, fields))
        i = ws(end)
    return out


def _check_mapping(
    mapping: dict[str, Any], records: list[tuple[int, int, list[Field]]], where: str
) -> None:
    """Refuse a mapping that names a column the table lacks (every row would be skipped)."""
    if not records:
        return
    columns = list(dict.fromkeys(f.column for _, _, fields in records for f in fields))
    cls = mapping.get("classification") or {}
    wanted = [mapping.get(k) for k in ("name", "date", "issuer")] + [
        cls.get("column") if isinstance(cls, dict) else None
    ]
    for col in wanted:
        if col and str(col) not in columns:
            raise UserError(
                f"{where}: the mapping names column {str(col)!r}, which the table does not have "
                f"(its columns are {', '.join(columns)}); fix the mapping."
            )


def load_tabular(b: DocBuilder) -> None:
    """Emit an ingested CSV/JSON table and its records."""
    mapping = b.source.mapping or {}
    if not mapping.get("name"):
        raise UserError(
            f"Source {b.sid!r}: a table needs a mapping with at least `name: <column>`; "
            "pass one with --mapping."
        )
    suffix = b.source.path.suffix.lower()
    where = f"Source {b.sid!r} ({b.source.path.name})"
    if suffix == ".json":
        records = json_records(b.text, where)
    else:
        records = csv_records(b.text, "\t" if suffix == ".tsv" else ",", where)
    _check_mapping(mapping, records, where)
    g = b.graph
    table = doc(b.sid, "table-0")
    g.add((table, RDF.type, RKG.Table))
    g.add((table, RKG.inDocument, b.node))
    for lang, title in sorted(b.source.title.items()):
        g.add((table, DCTERMS.title, Literal(title, lang=lang)))
    g.add((table, RKG.rowCount, integer(len(records))))
    cls = mapping.get("classification") or {}
    for idx, (rs, re_, fields) in enumerate(records):
        row = b.segment("table-row", rs, re_, document=b.node)
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
        name_f = by_col.get(str(mapping["name"]))
        if name_f is None or not name_f.value:
            continue
        rec = _record(b, table, row, rs, re_)
        subject, curated = _entity_or_candidate(
            b, name_f.value, name_f.start, name_f.end, row, pattern="table-ingest"
        )
        g.add((rec, RKG.recordSubject, subject))
        g.add(
            (rec, RKG.recordName, Literal(name_f.value, lang=b.lang_of(name_f.start, name_f.end)))
        )
        date_f = by_col.get(str(mapping.get("date") or ""))
        date_lit = None
        if date_f is not None and date_f.value:
            try:
                date_lit = dates.to_literal(date_f.value, dotted=True)
            except dates.DateError as e:
                raise UserError(
                    f"{where} line {_line(b.text, rs)} (row {idx + 1}): {e}; "
                    "fix the date or drop it from the mapping."
                ) from None
            g.add((rec, RKG.recordDate, date_lit))
        issuers: list[URIRef] = []
        issuer_f = by_col.get(str(mapping.get("issuer") or ""))
        if issuer_f is not None and issuer_f.value:
            raw = b.text[issuer_f.start : issuer_f.end]
            offset = issuer_f.start + max(0, raw.find(issuer_f.value))
            for name, s in _issuers(issuer_f.value, offset):
                node, cur = _entity_or_candidate(
                    b, name, s, s + len(name), row, pattern="table-issuer"
                )
                g.add((rec, RKG.recordIssuer, node))
                if cur:
                    issuers.append(node)
        form_iri = None
        if cls.get("column"):
            cf = by_col.get(str(cls["column"]))
            if cf is not None and cf.value:
                slug = ORGANISATIONAL_FORMS.get(cf.value.strip().lower())
                scheme = str(cls.get("scheme") or "organisational-form")
                if slug and scheme == "organisational-form":
                    form_iri = concept(scheme, slug)
                    g.add((rec, RKG.recordClassification, form_iri))
        if curated:
            for issuer in issuers:
                g.add((subject, RKG.issuedBy, issuer))
            if date_lit is not None:
                claim = iri(
                    "claim", slug_of(subject), "date-listed", short_hash(str(date_lit), length=8)
                )
                g.add((claim, RDF.type, RKG.Claim))
                g.add((claim, RKG.claimSubject, subject))
                g.add((claim, RKG.claimAbout, Literal("date-listed")))
                g.add((claim, RKG.claimValue, Literal(str(date_lit))))
                b.evidence(claim, rs, re_, row)
            if form_iri is not None:
                node = iri(
                    "classification", slug_of(subject), "organisational-form", slug_of(form_iri)
                )
                g.add((node, RDF.type, RKG.Classification))
                g.add((node, RKG.classifiedEntity, subject))
                g.add((node, RKG.classifiedAs, form_iri))
                g.add((subject, RKG.hasOrganisationalForm, form_iri))
                b.evidence(node, rs, re_, row)
