"""Markdown/OCR text → typed blocks with exact offsets.

Every later stage (articles, sections, footnotes, tables, mentions) works on the blocks
produced here, so this module has one rule above all others: a block's ``start``/``end``
are code-point offsets into the source text and ``text[start:end]`` is the block's text,
byte for byte. Markup (``#``, ``**label：**``, footnote markers) is never removed from the
stored text; instead a block records where its *content* starts so the markup stays
outside the segment span.

The OCR documents mix several conventions, so classification is deliberately plain:
headings are Markdown ``#`` lines, short numbered lines (``一、`` / ``（一）`` / ``1.`` /
``(1)``) or ALL-CAPS lines; footnotes start with a circled number (``①`` or
``<sup>①</sup>``); ``---`` is a page break; lines with tabs are table rows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

#: Circled numbers used as footnote markers (① … ⑳).
CIRCLED = "".join(chr(c) for c in range(0x2460, 0x2474))

_HEADING = re.compile(r"^(#{1,6})[ \t]+")
_FOOTNOTE = re.compile(rf"^(?:<sup>)?([{CIRCLED}])(?:</sup>)?[ \t\u3000]*")
_NOTE = re.compile(r"^(?:本文系|感谢匿名评审)")
_CAPTION = re.compile(r"^(图|表)\s*\d+\s*[：:]")
_SOURCE_NOTE = re.compile(r"^(?:资料来源|数据来源|图片来源)[：:]")
_LABEL = re.compile(r"^\*\*\s*([^*：:]{1,20}?)\s*[：:]\s*\*\*\s*")
_BOLD_LINE = re.compile(r"^\*\*(.+)\*\*$")
_SUP = re.compile(r"<sup>(.*?)</sup>")
_MARKER_IN_TEXT = re.compile(rf"<sup>([{CIRCLED}])</sup>")
_CJK = re.compile(r"[\u3400-\u9fff]")

CN_NUM = "一二三四五六七八九十"
#: Section numbering styles, outermost first. The rank decides nesting, because the OCR
#: Markdown heading levels (#, ##, ###) are not reliable.
_NUMBERING: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^([{CN_NUM}]+)、\s*")),
    (2, re.compile(rf"^[（(]([{CN_NUM}]+)[）)]\s*")),
    (3, re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*")),
    (4, re.compile(r"^[（(](\d{1,2})[）)]\s*")),
]
_TERMINAL = set("。！？!?：:；;….")
_CLOSERS = set("”’\"'）)」』》")


@dataclass
class Block:
    """One typed piece of the source text.

    ``start``/``end`` delimit the whole block; ``cstart``/``cend`` its content (the block
    minus leading markup such as ``## `` or ``**摘 要：**``), which is what becomes a segment.
    """

    kind: str
    start: int
    end: int
    cstart: int
    cend: int
    src: str = field(repr=False)
    marker: str | None = None
    label: str | None = None
    hashes: int = 0

    @property
    def text(self) -> str:
        return self.src[self.start : self.end]

    @property
    def content(self) -> str:
        return self.src[self.cstart : self.cend]


def clean(text: str) -> str:
    """Reading form of a span: no ``<sup>`` markers, no ``**``, whitespace collapsed.

    Only for derived literals (titles, abstracts, keywords); segment texts stay verbatim.
    """
    text = _SUP.sub("", text).replace("**", "")
    return re.sub(r"\s+", " ", text).strip()


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def detect_lang(text: str) -> str:
    """``zh`` when CJK characters make up a fair share of the letters, else ``en``."""
    cjk = len(_CJK.findall(text))
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if cjk and cjk * 3 >= latin else "en"


def markers_in(text: str) -> list[tuple[str, int]]:
    """Footnote markers ``<sup>①</sup>`` in *text*, with their offsets within it."""
    return [(m.group(1), m.start()) for m in _MARKER_IN_TEXT.finditer(text)]


def numbering(title: str) -> tuple[int, str] | None:
    """Rank and number of a numbered heading (``（二）…`` → ``(2, "（二）")``), or None."""
    t = clean(title)
    for rank, pat in _NUMBERING:
        m = pat.match(t)
        if m and len(t) > m.end():
            return rank, m.group(0).strip()
    return None


def is_terminated(text: str) -> bool:
    """True when *text* ends a sentence (so a following fragment is a new paragraph)."""
    t = _SUP.sub("", text).rstrip()
    if not t:
        return True
    if t[-1] in _TERMINAL:
        return True
    if t[-1] in _CLOSERS:
        inner = t.rstrip("".join(_CLOSERS))
        return bool(inner) and inner[-1] in _TERMINAL
    return False


def continues(prev: str, nxt: str) -> bool:
    """May *nxt* continue the sentence that *prev* leaves open (a page-break split)?

    Chinese: whenever *prev* is unterminated. English: only when *prev* ends in a hyphen or
    *nxt* starts in lower case, since OCR also drops full stops ("…forAI products").
    """
    if is_terminated(prev):
        return False
    p = _SUP.sub("", prev).rstrip()
    n = nxt.lstrip()
    if has_cjk(p[-1:]) or has_cjk(n[:1]):
        return True
    return p.endswith("-") or n[:1].islower()


def _looks_numbered_heading(line: str) -> bool:
    t = line.strip()
    if len(t) > 50 or t[-1] in "。；;，,":
        return False
    return numbering(t) is not None


def _looks_caps_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 8 or len(line) > 160:
        return False
    return all(c.isupper() for c in letters if c.isascii()) and all(c.isascii() for c in letters)


def _span(src: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` to exclude surrounding whitespace (including full-width)."""
    while start < end and src[start].isspace():
        start += 1
    while end > start and src[end - 1].isspace():
        end -= 1
    return start, end


def _lines(src: str) -> list[tuple[int, int]]:
    """(start, end) of every line without its line break."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in src.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        out.append((pos, pos + len(body)))
        pos += len(line)
    return out


def blocks(src: str, *, plain_headings: bool = True) -> list[Block]:
    """Split *src* into typed blocks in document order.

    ``plain_headings`` also recognises headings without ``#`` (numbered or ALL-CAPS lines),
    as used by the two standalone articles.
    """
    out: list[Block] = []
    lines = _lines(src)
    i = 0
    while i < len(lines):
        ls, le = lines[i]
        raw = src[ls:le]
        if not raw.strip():
            i += 1
            continue
        if "\t" in raw:
            out.append(Block("table-row", ls, le, ls, le, src))
            i += 1
            continue
        # Markdown hard breaks ("  " at the end of a line) continue the block.
        end_line = i
        while (
            src[lines[end_line][0] : lines[end_line][1]].endswith("  ")
            and end_line + 1 < len(lines)
            and src[lines[end_line + 1][0] : lines[end_line + 1][1]].strip()
            and "\t" not in src[lines[end_line + 1][0] : lines[end_line + 1][1]]
        ):
            end_line += 1
        start, end = _span(src, ls, lines[end_line][1])
        i = end_line + 1
        out.append(_classify(src, start, end, plain_headings))
    return out


def _classify(src: str, start: int, end: int, plain_headings: bool) -> Block:
    text = src[start:end]
    if re.fullmatch(r"-{3,}|\*{3,}|_{3,}", text):
        return Block("pagebreak", start, end, start, end, src)
    m = _HEADING.match(text)
    if m:
        cs, ce = start + m.end(), end
        bold = _BOLD_LINE.match(src[cs:ce])
        if bold:
            cs, ce = cs + 2, ce - 2
        cs, ce = _span(src, cs, ce)
        return Block("heading", start, end, cs, ce, src, hashes=len(m.group(1)))
    m = _FOOTNOTE.match(text)
    if m and start + m.end() < end:  # a marker with no note text stays a paragraph
        return Block("footnote", start, end, start + m.end(), end, src, marker=m.group(1))
    if _NOTE.match(text):
        return Block("note", start, end, start, end, src)
    m = _CAPTION.match(text)
    if m:
        kind = "figure-caption" if m.group(1) == "图" else "table-caption"
        return Block(kind, start, end, start, end, src)
    if _SOURCE_NOTE.match(text):
        return Block("source-note", start, end, start, end, src)
    m = _LABEL.match(text)
    if m and start + m.end() < end:  # a label alone on its line ("**摘 要：**") is a paragraph
        label = unicodedata.normalize("NFKC", m.group(1)).replace(" ", "").lower()
        return Block("label", start, end, start + m.end(), end, src, label=label)
    bold = _BOLD_LINE.match(text)
    if bold and "**" not in bold.group(1):
        cs, ce = _span(src, start + 2, end - 2)
        return Block("bold", start, end, cs, ce, src)
    if (
        plain_headings
        and "\n" not in text
        and (_looks_numbered_heading(text) or _looks_caps_heading(text))
    ):
        return Block("heading", start, end, start, end, src)
    return Block("paragraph", start, end, start, end, src)


#: Blocks that may sit between two fragments of one paragraph cut by a page break.
FLOATS = frozenset(
    {"footnote", "note", "pagebreak", "figure-caption", "table-caption", "source-note", "table-row"}
)


def join_text(parts: list[str], lang: str) -> str:
    """Reading text of a paragraph rebuilt from page-break fragments."""
    out = clean(parts[0])
    for p in parts[1:]:
        p = clean(p)
        if lang == "zh" or (has_cjk(out[-1:]) and has_cjk(p[:1])):
            out += p
        elif out.endswith("-") and p[:1].islower():
            out = out[:-1] + p
        else:
            out += " " + p
    return out
