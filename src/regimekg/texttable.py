"""Text tables for terminals and Markdown: the one renderer of every table regimekg prints.

Query answers (``regimekg query``/``sparql --format table|md``), the metrics report and
``regimekg review list`` print tables whose cells mix English and Chinese. A Chinese character
takes two terminal columns and a combining accent none, so columns are aligned by *display
width*, which `wcwidth <https://pypi.org/project/wcwidth/>`_ computes from the Unicode tables
(East Asian Width, zero-width and combining characters) of the version it ships; the layout
itself (two spaces between columns, a dashed rule under the header, no trailing blanks, cells
cut with "…") is small and regimekg's own (docs/decisions/20261207-one-table-renderer.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from wcwidth import wcwidth

#: Between two columns of a plain table.
GAP = "  "
ELLIPSIS = "…"


def width(text: str) -> int:
    """Columns *text* takes in a terminal: wide and full-width characters count two, combining
    and zero-width characters none (a control character, which callers remove, counts none)."""
    return sum(max(wcwidth(ch), 0) for ch in text)


def cut(text: str, limit: int) -> str:
    """*text* cut to at most *limit* display columns, ending in "…" when anything was cut."""
    if width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def pad(text: str, columns: int, right: bool = False) -> str:
    """*text* filled with spaces to *columns* display columns, on the right or the left."""
    gap = " " * (columns - width(text))
    return gap + text if right else text + gap


def column_widths(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """The display width of each column: its widest cell, header included."""
    return [max(width(cell) for cell in col) for col in zip(header, *rows, strict=True)]


def fit(widths: list[int], total: int, minimum: int) -> bool:
    """Narrow the widest columns (in place) until a row fits *total* columns; True if cut.

    Only the widest shrink, one column at a time, so short columns (roles, dates) stay whole
    and the long text columns share what is left; none goes below *minimum*.
    """
    gaps = len(GAP) * (len(widths) - 1)
    if sum(widths) + gaps <= total:
        return False
    narrowed = False
    while sum(widths) + gaps > total:
        i = max(range(len(widths)), key=lambda k: widths[k])
        if widths[i] <= minimum:
            break
        widths[i] -= 1
        narrowed = True
    return narrowed


def plain(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[int] | None = None,
    right: Sequence[bool] | None = None,
    rule: bool = True,
) -> list[str]:
    """A terminal table as lines: header, a dashed rule (unless *rule* is false), one line per
    row.

    Columns are *widths* wide (default: their widest cell; pass narrower ones from :func:`fit`
    and the cells are cut with "…"); a column flagged in *right* is aligned right (numbers).
    Lines carry no trailing blanks.
    """
    if widths is None:
        widths = column_widths(header, rows)
    right = right or [False] * len(widths)

    def line(cells: Sequence[str], align: Sequence[bool]) -> str:
        return GAP.join(
            pad(cut(c, w), w, r) for c, w, r in zip(cells, widths, align, strict=True)
        ).rstrip()

    return [
        line(header, [False] * len(widths)),
        *([GAP.join("-" * w for w in widths)] if rule else []),
        *(line(r, right) for r in rows),
    ]


def md_cell(text: str) -> str:
    """A Markdown table cell: one line, with backslash and ``|`` escaped."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown (GFM) table as lines, every cell through :func:`md_cell`."""
    return [
        "| " + " | ".join(md_cell(h) for h in header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows),
    ]
