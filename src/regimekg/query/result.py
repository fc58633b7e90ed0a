"""Answers as a user sees them: labels in the chosen language and four output formats.

Engines return IRIs; people read names. Each IRI cell is shown by its label in the chosen
language, else the other language, else an untagged label, else its slug, so no cell that
names something is ever blank. JSON keeps the IRI beside the label for scripts. Tables are
aligned by display width (CJK characters take two columns), not by character count.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

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


def display_width(text: str) -> int:
    """Columns *text* takes in a terminal: wide and full-width characters count two."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _cut(text: str, limit: int) -> str:
    if display_width(text) <= limit:
        return text
    out, w = [], 0
    for ch in text:
        cw = display_width(ch)
        if w + cw > limit - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


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
            [_cut(terminal_safe(" ".join(cell.split())), MAX_CELL) for cell in row]
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
        widths = [
            max([display_width(h)] + [display_width(row[i]) for row in body])
            for i, h in enumerate(head)
        ]
        fitted = width is not None and self._fit(widths, width)
        if fitted:
            head = [_cut(h, widths[i]) for i, h in enumerate(head)]
            body = [[_cut(cell, widths[i]) for i, cell in enumerate(row)] for row in body]
        lines = [
            "  ".join(_pad(h, widths[i]) for i, h in enumerate(head)).rstrip(),
            "  ".join("-" * w for w in widths),
        ]
        for row in body:
            cells = [_pad(cell, widths[i], numeric[i]) for i, cell in enumerate(row)]
            lines.append("  ".join(cells).rstrip())
        lines.append(self._footer(lang))
        if fitted:
            lines.append(_WORDS[lang]["fitted"].format(w=width))
        return "\n".join(lines)

    @staticmethod
    def _fit(widths: list[int], total: int) -> bool:
        """Narrow the widest columns (in place) until the row fits *total*; True if cut.

        Only the widest shrink, one column at a time, so short columns (roles, dates) stay
        whole and the long text columns share what is left; none goes below :data:`MIN_CELL`.
        """
        gaps = 2 * (len(widths) - 1)
        if sum(widths) + gaps <= total:
            return False
        cut = False
        while sum(widths) + gaps > total:
            i = max(range(len(widths)), key=lambda k: widths[k])
            if widths[i] <= MIN_CELL:
                break
            widths[i] -= 1
            cut = True
        return cut

    def _md(self, lang: str) -> str:
        def esc(s: str) -> str:
            s = terminal_safe(" ".join(s.split()))  # shown on terminals too
            return s.replace("\\", "\\\\").replace("|", "\\|")

        if not self.rows:
            return f"*{_WORDS[lang]['none']}*"
        head = [esc(self.title(c, lang)) for c in self.columns]
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        for row in self.table_rows(lang):
            lines.append("| " + " | ".join(esc(c) for c in row) + " |")
        if self.truncated:
            lines += ["", f"*{esc(self.truncation_note(lang))}*"]
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
