"""Answers as a user sees them: labels in the chosen language and four output formats.

Engines return IRIs; people read names. Each IRI cell is shown by its label in the chosen
language, else the other language, else an untagged label, else its slug, so no cell that
names something is ever blank. JSON keeps the IRI beside the label for scripts. Tables are
aligned by display width (CJK characters take two columns), not by character count
(:mod:`regimekg.texttable`, shared with every table regimekg prints).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from .. import texttable
from ..errors import UserError
from ..namespaces import ID
from ..outputs import csv_row, terminal_safe

FORMATS = ("table", "csv", "json", "md")
LANGS = ("en", "zh")
#: Widest a table cell may be (display columns); longer text is cut with "…" (table only).
MAX_CELL = 80
#: Narrowest a column is cut to when a table is fitted to the terminal width.
MIN_CELL = 8
_NUMERIC = {XSD.decimal, XSD.double, XSD.float}
_INTEGER = {
    XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger, XSD.positiveInteger,
    XSD.unsignedInt, XSD.unsignedLong,
}  # fmt: skip
_WORDS = {
    "en": {"true": "yes", "false": "no", "rows": "{n} rows", "row": "1 row",
           "none": "No results.",
           "fitted": "(cells cut with … to fit {w} columns; --format csv, json or md shows "
                     "them whole)",
           "truncated": "(first {n} rows only: the result cap cut the answer; add LIMIT and "
                        "OFFSET to the query to page through the rest)"},
    "zh": {"true": "是", "false": "否", "rows": "共 {n} 行", "row": "共 1 行",
           "none": "没有结果。",
           "fitted": "（为适应 {w} 列宽，部分单元格以 … 截断；--format csv、json 或 md 显示"
                     "全文）",
           "truncated": "（仅显示前 {n} 行：结果超过上限被截断；请在查询中加 LIMIT 和 OFFSET "
                        "分页查看其余结果）"},
}  # fmt: skip


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise UserError(f"Language {lang!r} is not supported: use --lang en or --lang zh.")
    return lang


def fallback_name(term: URIRef) -> str:
    """What to show for an IRI without any label: its slug (or path below ``id/{kind}/``)."""
    s = str(term)
    if s.startswith(str(ID)):
        parts = s[len(str(ID)) :].strip("/").split("/")
        if len(parts) >= 2:
            return "/".join(parts[1:])
        return parts[0]
    tail = s.rstrip("/#")
    for sep in ("#", "/"):
        if sep in tail:
            tail = tail.rsplit(sep, 1)[1]
            break
    return tail or s


def _number(lit: Literal) -> str:
    try:
        d = Decimal(str(lit))
    except InvalidOperation:
        return str(lit)
    text = f"{d.quantize(Decimal('0.001')):f}" if d == d and abs(d) < 10**15 else str(lit)
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class Result:
    """Rows of one answer plus what is needed to show them in either language.

    ``rows`` hold rdflib terms (``None`` when unbound); ``labels`` maps every IRI in them to
    its names by language (``""`` for untagged).
    """

    columns: list[str]
    rows: list[dict[str, Any]]
    labels: dict[URIRef, dict[str, str]] = field(default_factory=dict)
    titles: dict[str, dict[str, str]] = field(default_factory=dict)
    lang: str = "en"
    query: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    truncated: bool = False

    # -- cells ----------------------------------------------------------------------------

    def label(self, term: URIRef, lang: str | None = None) -> str:
        """The name of *term* in *lang*, the other language, untagged, or its slug."""
        lang = lang or self.lang
        names = self.labels.get(term, {})
        other = "zh" if lang == "en" else "en"
        return names.get(lang) or names.get(other) or names.get("") or fallback_name(term)

    def text(self, value: Any, lang: str | None = None) -> str:
        """One cell as text."""
        lang = lang or self.lang
        if value is None:
            return ""
        if isinstance(value, URIRef):
            return self.label(value, lang)
        if isinstance(value, BNode):
            return f"_:{value}"
        if isinstance(value, Literal):
            if value.datatype == XSD.boolean:
                return _WORDS[lang]["true" if value.toPython() is True else "false"]
            if value.datatype in _NUMERIC:
                return _number(value)
            return str(value)
        return str(value)

    def json_value(self, value: Any, lang: str) -> Any:
        if value is None:
            return None
        if isinstance(value, list):  # an ``entities`` parameter, shown item by item
            return [self.json_value(v, lang) for v in value]
        if isinstance(value, URIRef):
            return {"iri": str(value), "label": self.label(value, lang)}
        if isinstance(value, Literal):
            if value.datatype == XSD.boolean:
                return value.toPython() is True
            if value.datatype in _INTEGER:
                try:
                    return int(str(value))
                except ValueError:
                    return str(value)
            if value.datatype in _NUMERIC:
                try:
                    return float(_number(value))
                except ValueError:
                    return str(value)
            if value.language:
                return {"value": str(value), "lang": value.language}
            return str(value)
        return self.text(value, lang)

    def title(self, column: str, lang: str) -> str:
        t = self.titles.get(column, {})
        other = "zh" if lang == "en" else "en"
        return t.get(lang) or t.get(other) or column

    def table_rows(self, lang: str) -> list[list[str]]:
        return [[self.text(r.get(c), lang) for c in self.columns] for r in self.rows]

    # -- formats --------------------------------------------------------------------------

    def format(
        self,
        fmt: str = "table",
        lang: str | None = None,
        *,
        width: int | None = None,
        iris: bool = False,
    ) -> str:
        """The answer as ``table``, ``csv``, ``json`` or ``md`` text, labels in *lang*.

        *width* fits a table to that many terminal columns (evidence and claims run to
        hundreds otherwise, and a wrapped line is unreadable as a table); *iris* adds a
        ``<column>_iri`` column to CSV beside every column that holds IRIs, for scripts that
        join on identifiers rather than names.
        """
        lang = check_lang(lang or self.lang)
        if fmt not in FORMATS:
            raise UserError(f"Format {fmt!r} is not supported: use one of {', '.join(FORMATS)}.")
        if fmt == "table":
            return self._table(lang, width)
        if fmt == "csv":
            return self._csv(lang, iris)
        return getattr(self, f"_{fmt}")(lang)

    def truncation_note(self, lang: str | None = None) -> str:
        """The sentence that says the result cap cut this answer (empty when it did not)."""
        if not self.truncated:
            return ""
        return _WORDS[check_lang(lang or self.lang)]["truncated"].format(n=len(self.rows))

    def _footer(self, lang: str) -> str:
        words = _WORDS[lang]
        n = len(self.rows)
        line = words["row"] if n == 1 else words["rows"].format(n=n)
        if self.truncated:
            line += " " + self.truncation_note(lang)
        return line

    def _table(self, lang: str, width: int | None = None) -> str:
        if not self.rows:
            return _WORDS[lang]["none"]
        # for a terminal: no cell may carry an escape sequence (docs/security.md)
        head = [terminal_safe(self.title(c, lang)) for c in self.columns]
        body = [
            [texttable.cut(terminal_safe(" ".join(cell.split())), MAX_CELL) for cell in row]
            for row in self.table_rows(lang)
        ]
        numeric = [
            all(
                isinstance(r.get(c), Literal) and r[c].datatype in (_NUMERIC | _INTEGER)
                for r in self.rows
                if r.get(c) is not None
            )
            for c in self.columns
        ]
        widths = texttable.column_widths(head, body)
        fitted = width is not None and texttable.fit(widths, width, MIN_CELL)
        lines = texttable.plain(head, body, widths=widths, right=numeric)
        lines.append(self._footer(lang))
        if fitted:
            lines.append(_WORDS[lang]["fitted"].format(w=width))
        return "\n".join(lines)

    def _md(self, lang: str) -> str:
        if not self.rows:
            return f"*{_WORDS[lang]['none']}*"

        def safe(s: str) -> str:  # shown on terminals too: no escape sequences
            return terminal_safe(" ".join(s.split()))

        head = [safe(self.title(c, lang)) for c in self.columns]
        body = [[safe(c) for c in row] for row in self.table_rows(lang)]
        lines = texttable.markdown(head, body)
        if self.truncated:
            lines += ["", f"*{texttable.md_cell(safe(self.truncation_note(lang)))}*"]
        return "\n".join(lines)

    def _csv(self, lang: str, iris: bool = False) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        with_iri = {
            c for c in self.columns if iris and any(isinstance(r.get(c), URIRef) for r in self.rows)
        }
        head: list[str] = []
        for c in self.columns:
            head.append(self.title(c, lang))
            if c in with_iri:
                head.append(f"{c}_iri")
        w.writerow(csv_row(head))
        for r, texts in zip(self.rows, self.table_rows(lang), strict=True):
            row: list[str] = []
            for c, text in zip(self.columns, texts, strict=True):
                row.append(text)
                if c in with_iri:
                    v = r.get(c)
                    row.append(str(v) if isinstance(v, URIRef) else "")
            w.writerow(csv_row(row))
        return buf.getvalue().rstrip("\n")

    def _json(self, lang: str) -> str:
        doc: dict[str, Any] = {
            "query": self.query,
            "lang": lang,
            "params": {k: self.json_value(v, lang) for k, v in self.params.items()},
            "columns": [{"name": c, "title": self.title(c, lang)} for c in self.columns],
            "rows": [{c: self.json_value(r.get(c), lang) for c in self.columns} for r in self.rows],
        }
        if self.truncated:
            doc["truncated"] = True
            doc["note"] = self.truncation_note(lang)
        return json.dumps(doc, ensure_ascii=False, indent=2)
