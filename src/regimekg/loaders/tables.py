"""TSV tables → ``rkg:Table`` / ``rkg:TableRow`` / ``rkg:TableCell``, and what they list.

Every table becomes rows (segments with exact offsets) and cells (with their column
headers). Three kinds of table also say something about entities, and are read as
``rkg:TableRecord`` nodes, each with evidence pointing at its row or cell:

* **document tables** (a ``文件名称`` column: 封帅 et al.'s US / EU / China lists): instrument,
  date, issuing bodies and, for the US table, the administration;
* **initiative tables** (``组织形式`` + ``倡议``: 桂畅旒's table 2): each initiative and its
  organisational form (多边 / 多方 / 国际组织 / 政府引领);
* **comparison tables** (the rest): one record per cell — row subject, column, value.

Names are linked to curated entities through the gazetteer's exact lookup. A name that
matches nothing becomes a candidate; nothing here asserts a new named entity. Only for
curated entities are shortcut facts added (``rkg:issuedBy``, ``rkg:hasOrganisationalForm``,
a ``rkg:Claim`` about the listed date), each with the row as evidence, so a disagreement
between the table and other sources shows up as conflicting claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from .. import dates
from ..namespaces import RKG, concept, doc, iri, slug_of
from . import segment as seg
from .builder import DocBuilder, integer
from .discovery import suggest_type

ORGANISATIONAL_FORMS = {
    "多边": "multilateral",
    "多方": "multi-stakeholder",
    "国际组织": "international-organisation",
    "政府引领": "government-led",
    "multilateral": "multilateral",
    "multi-stakeholder": "multi-stakeholder",
    "international organisation": "international-organisation",
    "government-led": "government-led",
}
_DATE_CELL = re.compile(r"^(\d{4}(?:\.\d{1,2})?)(?:\s*[-–]\s*(\d{4}))?\s*(.*)$", re.S)
_ISSUER_VERB = re.compile(r"(签署|发布|共同参与|印发)$")
_TITLE_NUM = re.compile(r"^表\s*\d+\s*[：:]\s*")


@dataclass
class Cell:
    """One TSV cell: ``text[start:end]`` (trimmed), its column and header."""

    start: int
    end: int
    col: int
    text: str
    header: str = ""


def split_cells(text: str, row_start: int, row_end: int) -> list[Cell]:
    """The tab-separated cells of a row, trimmed, with absolute offsets."""
    cells: list[Cell] = []
    pos = row_start
    for col, raw in enumerate(text[row_start:row_end].split("\t")):
        s, e = pos, pos + len(raw)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        cells.append(Cell(s, e, col, text[s:e]))
        pos += len(raw) + 1
    return cells


def header_count(rows: list[list[Cell]]) -> int:
    """Header rows: the first, plus rows under a merged header that leave column 0 empty."""
    n = 1
    merged = any(not c.text for c in rows[0][1:])
    while merged and n < len(rows) and not rows[n][0].text:
        n += 1
    return n


def column_headers(rows: list[list[Cell]], n_header: int, width: int) -> list[str]:
    """Per column, the header texts of all header rows (merged cells carried right)."""
    cols: list[list[str]] = [[] for _ in range(width)]
    for r in rows[:n_header]:
        last = ""
        for j in range(width):
            t = r[j].text if j < len(r) else ""
            if not t and j > 0 and r is rows[0]:
                t = last
            if t:
                cols[j].append(t)
                last = t
    return [" / ".join(dict.fromkeys(c)) for c in cols]


def load_table(
    b: DocBuilder,
    caption: seg.Block | None,
    row_blocks: list[seg.Block],
    *,
    document: URIRef,
    section: URIRef | None,
    source_note: seg.Block | None = None,
) -> URIRef:
    """Emit one table with its rows, cells and records; returns the table node."""
    g = b.graph
    table = doc(b.sid, f"table-{row_blocks[0].start}")
    g.add((table, RDF.type, RKG.Table))
    g.add((table, RKG.inDocument, document))
    if section is not None:
        g.add((table, RKG.inSection, section))
    title = ""
    if caption is not None:
        cap = b.segment(
            "table-caption", caption.cstart, caption.cend, document=document, section=section
        )
        g.add((table, RKG.hasCaption, cap))
        title = _TITLE_NUM.sub("", seg.clean(caption.content))
        g.add((table, DCTERMS.title, Literal(title, lang=b.lang_of(caption.cstart, caption.cend))))
    if source_note is not None:
        note = b.segment(
            "source-note", source_note.cstart, source_note.cend, document=document, section=section
        )
        g.add((table, RKG.hasSourceNote, note))
    rows = [split_cells(b.text, r.start, r.end) for r in row_blocks]
    width = max(len(r) for r in rows)
    n_header = header_count(rows)
    headers = column_headers(rows, n_header, width)
    row_nodes: list[URIRef] = []
    for i, (blk, cells) in enumerate(zip(row_blocks, rows, strict=True)):
        rn = b.segment("table-row", blk.start, blk.end, document=document, section=section)
        row_nodes.append(rn)
        g.add((rn, RKG.inTable, table))
        g.add((rn, RKG.rowIndex, integer(i)))
        g.add((rn, RKG.isHeaderRow, Literal(i < n_header)))
        for c in cells:
            c.header = headers[c.col] if c.col < width else ""
            if not c.text:
                continue  # an empty cell has no text to be a segment of
            cn = b.segment("table-cell", c.start, c.end, document=document, section=section)
            g.add((cn, RKG.inRow, rn))
            g.add((cn, RKG.columnIndex, integer(c.col)))
            if c.header and i >= n_header:
                g.add((cn, RKG.columnName, Literal(c.header, lang=b.lang_of(blk.start, blk.end))))
    g.add((table, RKG.rowCount, integer(len(rows) - n_header)))
    g.add((table, RKG.headerRowCount, integer(n_header)))
    g.add((table, RKG.columnCount, integer(width)))

    data = list(zip(row_nodes[n_header:], rows[n_header:], strict=True))
    flat = " ".join(headers)
    if "文件名称" in flat or "document" in flat.lower():
        jurisdiction = _jurisdiction(b, title)
        _document_records(b, table, data, headers, jurisdiction)
    elif "组织形式" in flat and "倡议" in flat:
        _initiative_records(b, table, data)
    else:
        _comparison_records(b, table, data)
    return table


# ---------------------------------------------------------------------- resolution


def resolve(b: DocBuilder, name: str) -> URIRef | None:
    """The curated entity whose name is exactly *name*, if there is exactly one."""
    hits = b.gazetteer.lookup(name)
    return next(iter(hits)) if len(hits) == 1 else None


def _name_variants(name: str) -> list[str]:
    """Ways a table cell may spell a curated name (with/without English gloss, subtitle)."""
    out = [name]
    inner = re.findall(r"《([^》]+)》", name)
    out += inner
    no_paren = re.sub(r"[（(][^（）()]*[）)]", "", name).strip()
    out.append(no_paren)
    for sep in ("——", "—", ":", "："):
        if sep in no_paren:
            out.append(no_paren.split(sep)[0].strip())
    return [v for v in dict.fromkeys(out) if v]


def _entity_or_candidate(
    b: DocBuilder,
    name: str,
    start: int,
    end: int,
    row: URIRef,
    *,
    pattern: str,
    hint: URIRef | None = None,
) -> tuple[URIRef, bool]:
    """(node, is_curated): the curated entity for a cell, else its candidate."""
    for v in _name_variants(name):
        e = resolve(b, v)
        if e is not None:
            return e, True
    cand = b.candidate(name, start, end, pattern=pattern, segment_node=row, suggested_type=hint)
    return cand, False


def _record(b: DocBuilder, table: URIRef, row: URIRef, start: int, end: int) -> URIRef:
    rec = doc(b.sid, f"record-{start}")
    g = b.graph
    g.add((rec, RDF.type, RKG.TableRecord))
    g.add((rec, RKG.fromRow, row))
    b.evidence(rec, start, end, row)
    return rec


def _jurisdiction(b: DocBuilder, title: str) -> URIRef | None:
    matches = b.gazetteer.find(title, "zh")
    return matches[0].entity if matches else None


# ---------------------------------------------------------------------- documents


def _document_records(
    b: DocBuilder,
    table: URIRef,
    data: list[tuple[URIRef, list[Cell]]],
    headers: list[str],
    jurisdiction: URIRef | None,
) -> None:
    g = b.graph
    name_col = next(
        (j for j, h in enumerate(headers) if "文件名称" in h or "document" in h.lower()),
        len(headers) - 1,
    )
    period = ""
    for row, cells in data:
        filled = [c for c in cells if c.text]
        if not filled:
            continue
        date_cell = next(
            (c for c in cells if _DATE_CELL.match(c.text) and c.text[:1].isdigit()), None
        )
        first = cells[0]
        if first.text and first is not date_cell and first.col != name_col:
            period = first.text  # a period cell spans the rows below it until the next
        name_cell = cells[name_col] if name_col < len(cells) else filled[-1]
        if not name_cell.text:
            continue
        rec = _record(b, table, row, b_row_start(b, row), b_row_end(b, row))
        subject, curated = _entity_or_candidate(
            b,
            seg.clean(name_cell.text),
            name_cell.start,
            name_cell.end,
            row,
            pattern="table-document",
            hint=suggest_type(name_cell.text) or RKG.Instrument,
        )
        g.add((rec, RKG.recordSubject, subject))
        lang = b.lang_of(name_cell.start, name_cell.end)
        g.add((rec, RKG.recordName, Literal(name_cell.text, lang=lang)))
        if period:
            g.add((rec, RKG.recordPeriod, Literal(period, lang="zh")))
        if jurisdiction is not None:
            g.add((rec, RKG.recordJurisdiction, jurisdiction))
        issuer_text, issuer_start = "", 0
        if date_cell is not None:
            issuer_text, issuer_start = _record_dates(g, rec, date_cell, cells, name_col)
        issuers = _record_issuers(b, rec, row, issuer_text, issuer_start)
        # The row's date stays on the record (rkg:recordDate); dated claims about curated
        # documents are curated from the same rows, with the key of the event they date.
        if curated:
            for issuer in issuers:
                g.add((subject, RKG.issuedBy, issuer))


def _record_dates(
    g: Graph, rec: URIRef, date_cell: Cell, cells: list[Cell], name_col: int
) -> tuple[str, int]:
    """The record's date (and end year) from its date cell, which may also name the issuer
    ("2017.7 国务院"); returns the issuer text and its offset, taken from the next cell when
    the date cell has none. A date the document gets wrong is left off, not an error: the
    table is someone else's text."""
    m = _DATE_CELL.match(date_cell.text)
    assert m is not None
    try:
        date_lit = dates.to_literal(m.group(1), dotted=True)
    except dates.DateError:
        date_lit = None
    if date_lit is not None:
        g.add((rec, RKG.recordDate, date_lit))
    if m.group(2):
        g.add((rec, RKG.recordEndDate, Literal(m.group(2), datatype=XSD.gYear)))
    if m.group(3).strip():
        return m.group(3), date_cell.start + m.start(3)
    nxt = [c for c in cells if c.col == date_cell.col + 1 and c.col != name_col]
    if nxt and nxt[0].text:
        return nxt[0].text, nxt[0].start
    return "", 0


def _record_issuers(b: DocBuilder, rec: URIRef, row: URIRef, text: str, start: int) -> list[URIRef]:
    """The issuing bodies a record names, each a curated entity or a candidate; the curated
    ones are returned, since only they become ``rkg:issuedBy`` facts."""
    issuers: list[URIRef] = []
    for name, s in _issuers(text, start):
        node, cur = _entity_or_candidate(
            b, name, s, s + len(name), row, pattern="table-issuer", hint=RKG.Actor
        )
        b.graph.add((rec, RKG.recordIssuer, node))
        if cur:
            issuers.append(node)
    return issuers


def _issuers(text: str, start: int) -> list[tuple[str, int]]:
    """Issuing bodies in a cell ("白宫/国家科学技术委员会", "中央网信办、教育部…")."""
    out: list[tuple[str, int]] = []
    pos = 0
    for part in re.split(r"([/／、，,])", text):
        if part and part not in "/／、，,":
            name = _ISSUER_VERB.sub("", part.strip())
            if len(name) >= 2:
                out.append((name, start + pos + part.index(name[0])))
        pos += len(part)
    return out


def b_row_start(b: DocBuilder, row: URIRef) -> int:
    return int(b.graph.value(row, RKG.startOffset))  # type: ignore[arg-type]


def b_row_end(b: DocBuilder, row: URIRef) -> int:
    return int(b.graph.value(row, RKG.endOffset))  # type: ignore[arg-type]


# ---------------------------------------------------------------------- initiatives


def _initiative_records(
    b: DocBuilder, table: URIRef, data: list[tuple[URIRef, list[Cell]]]
) -> None:
    g = b.graph
    for row, cells in data:
        if len(cells) < 2 or not cells[0].text:
            continue
        form = ORGANISATIONAL_FORMS.get(cells[0].text.strip().lower())
        form_iri = concept("organisational-form", form) if form else None
        items_cell = cells[1]
        pos = items_cell.start
        for part in re.split(r"(；|;)", items_cell.text):
            if part in ("；", ";"):
                pos += len(part)
                continue
            name = part.strip()
            if name:
                s = pos + part.index(name)
                e = s + len(name)
                rec = _record(b, table, row, s, e)
                subject, curated = _entity_or_candidate(
                    b, name, s, e, row, pattern="table-initiative", hint=RKG.Initiative
                )
                g.add((rec, RKG.recordSubject, subject))
                g.add((rec, RKG.recordName, Literal(name, lang=b.lang_of(s, e))))
                if form_iri is not None:
                    g.add((rec, RKG.recordClassification, form_iri))
                    if curated:
                        node = iri(
                            "classification", slug_of(subject), "organisational-form", str(form)
                        )
                        g.add((node, RDF.type, RKG.Classification))
                        g.add((node, RKG.classifiedEntity, subject))
                        g.add((node, RKG.classifiedAs, form_iri))
                        g.add((subject, RKG.hasOrganisationalForm, form_iri))
                        b.evidence(node, s, e, row)
            pos += len(part)


# ---------------------------------------------------------------------- comparisons


def _comparison_records(
    b: DocBuilder, table: URIRef, data: list[tuple[URIRef, list[Cell]]]
) -> None:
    g = b.graph
    for row, cells in data:
        if not cells or not cells[0].text:
            continue
        subject = resolve(b, cells[0].text)
        for c in cells[1:]:
            if not c.text:
                continue
            rec = _record(b, table, row, c.start, c.end)
            if subject is not None:
                g.add((rec, RKG.recordSubject, subject))
            g.add(
                (
                    rec,
                    RKG.recordSubjectLabel,
                    Literal(cells[0].text, lang=b.lang_of(cells[0].start, cells[0].end)),
                )
            )
            if c.header:
                g.add((rec, RKG.recordAttribute, Literal(c.header, lang=b.lang_of(c.start, c.end))))
            g.add((rec, RKG.recordValue, Literal(c.text, lang=b.lang_of(c.start, c.end))))
