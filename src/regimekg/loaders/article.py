"""Standalone articles (the two bundled ones and ingested plain-text/Markdown documents).

Structure comes from headings — Markdown ``#`` lines, numbered lines (``一、`` / ``1.`` /
``(1)``) or ALL-CAPS lines (the English article) — and paragraphs. A first line of the
form ``作者 | 标题`` is the byline and title; a ``目次``/``目录`` line starts a table of contents
whose entries are the numbered lines that follow it; ``作者:``/``作者：``/``Author:`` lines name
the author. Authors listed in ``sources.yaml`` become ``rkg:Person`` nodes when the text
names them (the author line is their evidence).
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from ..namespaces import RKG, iri, slug_of
from . import segment as seg
from .body import BodyWalker
from .builder import DocBuilder
from .header import read_header

_BYLINE = re.compile(r"^(.{2,40}?)\s*[|｜]\s*(.+)$")
_AUTHOR = re.compile(r"^(?:作者|Authors?|By)\s*[:：]\s*(.+)$", re.I)
_TOC = ("目次", "目录", "contents", "tableofcontents")


def load_article(b: DocBuilder) -> None:
    """Emit a standalone article (the source node itself is the article)."""
    text = b.text
    # A metadata header (front matter, "# source: …" lines) describes the document; its
    # lines are never content, so the blocks start after it.
    body = read_header(text).end
    blocks = [blk for blk in seg.blocks(text, plain_headings=True) if blk.start >= body]
    g = b.graph
    walker = BodyWalker(b, b.node)
    author_spans: list[tuple[int, int, URIRef]] = []
    in_toc = False
    for n, blk in enumerate(blocks):
        content = blk.content
        if n == 0 and blk.kind == "paragraph" and "\n" not in content:
            m = _BYLINE.match(content)
            if m:
                node = b.segment("title", blk.cstart, blk.cend, document=b.node)
                g.add((b.node, RKG.hasHeading, node))
                author_spans.append((blk.cstart + m.start(1), blk.cstart + m.end(1), node))
                continue
        if n == 0 and blk.kind == "heading" and blk.hashes == 1:
            node = b.segment("title", blk.cstart, blk.cend, document=b.node)
            g.add((b.node, RKG.hasHeading, node))
            continue
        key = re.sub(r"\s+", "", seg.clean(content)).lower()
        if key in _TOC:
            in_toc = True
            b.segment("heading", blk.cstart, blk.cend, document=b.node)
            continue
        if in_toc:
            if blk.kind == "heading" and blk.hashes == 0:
                b.segment("toc-entry", blk.cstart, blk.cend, document=b.node)
                continue
            in_toc = False
        m = _AUTHOR.match(seg.clean(content)) if blk.kind == "paragraph" else None
        if m and len(content) <= 80:
            walker.flush()
            node = b.segment("author-line", blk.cstart, blk.cend, document=b.node)
            # clean() collapsed whitespace (a full-width space between names), so the names
            # may not occur verbatim; then the whole line is their span
            names_at = blk.cstart + max(0, content.find(m.group(1)))
            author_spans.append((names_at, blk.cend, node))
            continue
        walker.feed(blk)
    walker.finish()
    _authors(b, author_spans)


def _authors(b: DocBuilder, spans: list[tuple[int, int, URIRef]]) -> None:
    """Persons for the manifest's authors, evidenced by the spans that name them."""
    for a in b.source.authors:
        zh, en = a.get("zh"), a.get("en")
        evidence: list[tuple[int, int, URIRef]] = []
        for s, e, node in spans:
            chunk = b.text[s:e]
            for name in (zh, en):
                if name and name in chunk:
                    at = s + chunk.index(name)
                    evidence.append((at, at + len(name), node))
                    break
        if not evidence:
            continue  # a person needs evidence in the text
        p = b.person(en=en, zh=zh, evidence=evidence)
        if p is not None:
            b.graph.add((b.node, DCTERMS.creator, p))
            b.graph.add((b.node, RKG.authoredBy, p))
            for lang, name in (("zh", zh), ("en", en)):
                if name and not any(name in b.text[s:e] for s, e, _ in evidence):
                    # The text does not show this form: it comes from the manifest.
                    node = iri("label-provenance", slug_of(p), lang)
                    b.graph.add((node, RDF.type, RKG.LabelProvenance))
                    b.graph.add((p, RKG.hasLabelProvenance, node))
                    b.graph.add((node, RKG.labelLanguage, Literal(lang)))
                    b.graph.add((node, RKG.labelSource, b.node))
