"""The journal issue (战略决策研究 2024 No. 3): front matter, articles, English back matter.

Layout of the OCR file, in order:

1. masthead and a bilingual table of contents (column, title, authors, first page);
2. the Chinese articles, each starting with a title heading followed within a few blocks by
   ``**摘 要：**`` — this, not the Markdown level (``#`` or ``##``), marks an article;
   then the author line, abstract, keywords, ``**作者简介：**`` (affiliations), body;
3. the English back matter: per article a bold title, a bold author line
   (``Han Yonghui; Li Siyi; Cheng Hao``), ``**Abstract:**``, ``**Key words:**`` and
   ``**Authors:**`` — in the same order as the Chinese articles.

Chinese author names are linked to their romanised forms by position in the two author
lines (the counts must agree); the author line's spaces inside names (``成 昊``) are
resolved by pairing single characters. An editor's note (``**编者按：**``) belongs to the
issue, not to an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ..namespaces import BIBO, RKG, doc
from . import segment as seg
from .body import BodyWalker
from .builder import DocBuilder, integer

_TOC_AUTHORS = re.compile(r"^(.*?)\s*[(（](\d+)[)）]$")
_ZH_AFFIL = re.compile(r"([\u3400-\u9fff]{2,4})[，,]")
ABSTRACT = ("摘要", "abstract")
KEYWORDS = ("关键词", "keywords")
AFFILIATIONS = ("作者简介", "authors", "author")


@dataclass
class TocEntry:
    column: str
    title: str
    authors: str
    page: str


@dataclass
class BackEntry:
    """One article's English title, author line, abstract, keywords and affiliations."""

    title: seg.Block
    blocks: list[seg.Block] = field(default_factory=list)


def _is_article_start(blocks: list[seg.Block], i: int) -> bool:
    if blocks[i].kind != "heading" or not seg.has_cjk(blocks[i].content):
        return False
    for blk in blocks[i + 1 : i + 5]:
        if blk.kind == "heading":
            return False
        if blk.kind == "label" and blk.label in ABSTRACT:
            return True
    return False


def split_zh_names(text: str, start: int) -> list[tuple[str, int, int]]:
    """Names in a Chinese author line, with spans; ``成 昊`` (two single characters) is one."""
    toks = [(m.group(), start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text)]
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if len(t[0]) == 1 and i + 1 < len(toks) and len(toks[i + 1][0]) == 1:
            out.append((t[0] + toks[i + 1][0], t[1], toks[i + 1][2]))
            i += 2
        else:
            out.append(t)
            i += 1
    return out


def split_en_names(text: str, start: int) -> list[tuple[str, int, int]]:
    """Names in an English author line ``A B; C D``, with spans."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for part in text.split(";"):
        name = part.strip()
        if name:
            s = start + pos + part.index(name)
            out.append((name, s, s + len(name)))
        pos += len(part) + 1
    return out


def load_journal(b: DocBuilder) -> None:
    """Emit the whole issue into *b*."""
    text = b.text
    blocks = seg.blocks(text, plain_headings=False)
    starts = [i for i in range(len(blocks)) if _is_article_start(blocks, i)]
    if not starts:
        _walk_plain(b, blocks)
        return
    back = next(
        (
            i
            for i in range(starts[-1] + 1, len(blocks))
            if blocks[i].kind == "heading" and not seg.has_cjk(blocks[i].content)
        ),
        len(blocks),
    )
    toc_zh, toc_en = _front_matter(b, blocks[: starts[0]])
    back_entries = _back_entries(blocks[back:])
    for k, i in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else back
        _article(
            b,
            k,
            blocks[i:end],
            toc_zh[k] if k < len(toc_zh) else None,
            toc_en[k] if k < len(toc_en) else None,
            back_entries[k] if len(back_entries) == len(starts) else None,
        )


def _walk_plain(b: DocBuilder, blocks: list[seg.Block]) -> None:
    walker = BodyWalker(b, b.node)
    for blk in blocks:
        walker.feed(blk)
    walker.finish()


# ---------------------------------------------------------------------- front matter


def _front_matter(b: DocBuilder, blocks: list[seg.Block]) -> tuple[list[TocEntry], list[TocEntry]]:
    """Masthead segments and the two tables of contents."""
    tocs: list[list[TocEntry]] = [[], []]
    which = -1
    column = ""
    title_parts: list[str] = []
    for blk in blocks:
        content = seg.clean(blk.content)
        if blk.kind == "heading" and content in ("目录", "Table of Contents"):
            which = 0 if content == "目录" else 1
            b.segment("heading", blk.cstart, blk.cend, document=b.node)
            continue
        if which < 0 or (blk.kind == "heading" and blk.hashes == 1):
            kind = "heading" if blk.kind == "heading" else "paragraph"
            b.segment(kind, blk.cstart, blk.cend, document=b.node)
            if blk.kind == "heading" and blk.hashes == 1 and not seg.has_cjk(content):
                which = -1
            continue
        b.segment("toc-entry", blk.cstart, blk.cend, document=b.node)
        if blk.kind == "heading":
            column = content
            continue
        m = _TOC_AUTHORS.match(content)
        if m:
            tocs[which].append(TocEntry(column, " ".join(title_parts), m.group(1), m.group(2)))
            title_parts = []
        else:
            title_parts.append(content)
    return tocs[0], tocs[1]


def _back_entries(blocks: list[seg.Block]) -> list[BackEntry]:
    entries: list[BackEntry] = []
    for blk in blocks:
        if blk.kind == "heading":
            entries.append(BackEntry(blk))
        elif entries:
            entries[-1].blocks.append(blk)
    return entries


# ---------------------------------------------------------------------- articles


@dataclass
class _Byline:
    """An article's authors as one language's byline gives them: the names with their
    offsets, the author-line segment (their evidence) and each author's affiliation."""

    names: list[tuple[str, int, int]] = field(default_factory=list)
    line: URIRef | None = None
    affiliations: dict[str, str] = field(default_factory=dict)


def _article(
    b: DocBuilder,
    k: int,
    blocks: list[seg.Block],
    toc_zh: TocEntry | None,
    toc_en: TocEntry | None,
    back: BackEntry | None,
) -> None:
    art = _article_node(b, k, blocks[0], toc_zh, toc_en)
    zh = _article_front(b, art, blocks[1:])
    en = _Byline(*_back_matter(b, art, back)) if back is not None else _Byline()
    _authors(b, art, zh, en, toc_zh)


def _article_node(
    b: DocBuilder, k: int, title: seg.Block, toc_zh: TocEntry | None, toc_en: TocEntry | None
) -> URIRef:
    """The article node: its place in the issue, its Chinese title and heading segment, and
    the page and journal section the two tables of contents give."""
    g = b.graph
    art = doc(b.sid, f"article-{title.cstart}")
    g.add((art, RDF.type, RKG.Article))
    g.add((art, RDF.type, RKG.Document))
    g.add((art, DCTERMS.isPartOf, b.node))
    g.add((b.node, DCTERMS.hasPart, art))
    g.add((art, RKG.order, integer(k + 1)))
    g.add((art, DCTERMS.title, Literal(seg.clean(title.content), lang="zh")))
    title_seg = b.segment("title", title.cstart, title.cend, document=art)
    g.add((art, RKG.hasHeading, title_seg))
    if toc_zh is not None:
        g.add((art, BIBO.pageStart, Literal(toc_zh.page)))
        if toc_zh.column:
            g.add((art, RKG.journalSection, Literal(toc_zh.column, lang="zh")))
    if toc_en is not None and toc_en.column:
        g.add((art, RKG.journalSection, Literal(toc_en.column, lang="en")))
    return art


def _article_front(b: DocBuilder, art: URIRef, blocks: list[seg.Block]) -> _Byline:
    """The Chinese article after its title: the author line, the labelled abstract, keywords
    and affiliations, and the body (sections, paragraphs, footnotes) fed to a
    :class:`BodyWalker`; returns the Chinese byline.

    Affiliations may go on over unlabelled paragraphs that start with an author's name.
    """
    walker = BodyWalker(b, art)
    byline = _Byline()
    in_affil = False
    for n, blk in enumerate(blocks, 1):
        if n == 1 and blk.kind == "paragraph" and len(blk.content) <= 40:
            byline.line = b.segment("author-line", blk.cstart, blk.cend, document=art, lang="zh")
            byline.names = split_zh_names(blk.content, blk.cstart)
            continue
        if blk.kind == "label":
            walker.flush()
            made = _front_label(b, art, blk, byline)
            in_affil = made == "affiliation"
            if made:
                continue
        if in_affil and blk.kind == "paragraph" and _more_affiliations(b, art, blk, byline):
            continue
        in_affil = False
        walker.feed(blk)
    walker.finish()
    return byline


def _front_label(b: DocBuilder, art: URIRef, blk: seg.Block, byline: _Byline) -> str | None:
    """A labelled block of the front matter (摘要, 关键词, 作者单位, 编者按) as the segment it
    is; the kind of segment made, or ``None`` for a label that belongs to the body."""
    if blk.label in ABSTRACT:
        b.segment("abstract", blk.cstart, blk.cend, document=art, lang="zh")
        b.graph.add((art, DCTERMS.abstract, Literal(seg.clean(blk.content), lang="zh")))
        return "abstract"
    if blk.label in KEYWORDS:
        b.segment("keywords", blk.cstart, blk.cend, document=art, lang="zh")
        _keywords(b, art, blk.content, "zh")
        return "keywords"
    if blk.label in AFFILIATIONS:
        b.segment("affiliation", blk.cstart, blk.cend, document=art, lang="zh")
        _zh_affiliations(blk.content, byline.affiliations)
        return "affiliation"
    if blk.label == "编者按":  # the editor's note belongs to the issue, not the article
        b.segment("paragraph", blk.cstart, blk.cend, document=b.node)
        return "paragraph"
    return None


def _more_affiliations(b: DocBuilder, art: URIRef, blk: seg.Block, byline: _Byline) -> bool:
    """Whether the paragraph after an affiliation label is one more author's affiliation
    (it starts with a name of the byline); if so it is recorded as one."""
    m = _ZH_AFFIL.match(blk.content)
    if not (m and any(m.group(1) == nm for nm, _, _ in byline.names)):
        return False
    b.segment("affiliation", blk.cstart, blk.cend, document=art, lang="zh")
    _zh_affiliations(blk.content, byline.affiliations)
    return True


def _authors(b: DocBuilder, art: URIRef, zh: _Byline, en: _Byline, toc_zh: TocEntry | None) -> None:
    """The article's authors as persons with both names and their affiliations.

    Chinese and romanised names pair by position only when the two bylines count the same
    authors; each name's author line is its evidence, and a differing spelling in the
    table of contents becomes an alias.
    """
    g = b.graph
    toc_names = toc_zh.authors.split() if toc_zh else []
    pair = len(en.names) == len(zh.names)
    creators: list[URIRef] = []
    for idx, (name, zs, ze) in enumerate(zh.names):
        romanised = en.names[idx] if pair else None
        evidence = [(zs, ze, zh.line)] if zh.line is not None else []
        if romanised is not None and en.line is not None:
            evidence.append((romanised[1], romanised[2], en.line))
        p = b.person(
            en=romanised[0] if romanised else None,
            zh=name,
            evidence=evidence,  # type: ignore[arg-type]
        )
        if p is None:
            continue
        creators.append(p)
        if idx < len(toc_names) and len(toc_names) == len(zh.names) and toc_names[idx] != name:
            g.add((p, SKOS.altLabel, Literal(toc_names[idx], lang="zh")))
        if name in zh.affiliations:
            g.add((p, RKG.affiliation, Literal(zh.affiliations[name], lang="zh")))
        if romanised is not None and romanised[0] in en.affiliations:
            g.add((p, RKG.affiliation, Literal(en.affiliations[romanised[0]], lang="en")))
    for p in creators:
        g.add((art, DCTERMS.creator, p))
        g.add((art, RKG.authoredBy, p))


def _keywords(b: DocBuilder, art: URIRef, content: str, lang: str) -> None:
    for kw in re.split(r"[；;]", seg.clean(content)):
        kw = kw.strip(" .。")
        if kw:
            b.graph.add((art, RKG.keyword, Literal(kw, lang=lang)))


def _zh_affiliations(content: str, out: dict[str, str]) -> None:
    for part in re.split(r"[；;]", content):
        part = part.strip()
        m = _ZH_AFFIL.match(part)
        if m:
            out[m.group(1)] = part[m.end() :].strip(" 。")


def _back_matter(
    b: DocBuilder, art: URIRef, back: BackEntry
) -> tuple[list[tuple[str, int, int]], URIRef | None, dict[str, str]]:
    g = b.graph
    t = back.title
    b.segment("title", t.cstart, t.cend, document=art, lang="en")
    g.add((art, DCTERMS.title, Literal(seg.clean(t.content), lang="en")))
    names: list[tuple[str, int, int]] = []
    line: URIRef | None = None
    affil_spans: list[tuple[int, int]] = []
    abstract_parts: list[tuple[int, int]] = []
    state = ""
    for blk in back.blocks:
        if blk.kind == "bold" and not names:
            line = b.segment("author-line", blk.cstart, blk.cend, document=art, lang="en")
            names = split_en_names(blk.content, blk.cstart)
            state = ""
            continue
        if blk.kind == "label":
            state = blk.label or ""
            if state in ABSTRACT:
                abstract_parts = [(blk.cstart, blk.cend)]
            elif state in KEYWORDS:
                b.segment("keywords", blk.cstart, blk.cend, document=art, lang="en")
                _keywords(b, art, blk.content, "en")
            elif state in AFFILIATIONS:
                affil_spans.append((blk.cstart, blk.cend))
            continue
        if state in ABSTRACT and abstract_parts:
            abstract_parts.append((blk.cstart, blk.cend))
        elif state in AFFILIATIONS:
            affil_spans.append((blk.cstart, blk.cend))
        else:
            b.segment("paragraph", blk.cstart, blk.cend, document=art, lang="en")
    if abstract_parts:
        b.fragments(abstract_parts, document=art, section=None, kind="abstract")
        joined = seg.join_text([b.text[s:e] for s, e in abstract_parts], "en")
        g.add((art, DCTERMS.abstract, Literal(joined, lang="en")))
    affil: dict[str, str] = {}
    for s, e in affil_spans:
        b.segment("affiliation", s, e, document=art, lang="en")
        chunk = b.text[s:e]
        hits = sorted((chunk.find(nm), nm) for nm, _, _ in names if chunk.find(nm) >= 0)
        for j, (pos, nm) in enumerate(hits):
            stop = hits[j + 1][0] if j + 1 < len(hits) else len(chunk)
            value = chunk[pos + len(nm) : stop].strip(" ,;.，；")
            if value:
                affil[nm] = seg.clean(value)
    return names, line, affil
