"""The body of an article: sections, paragraphs, footnotes, tables and figures.

Journal articles, standalone articles and ingested documents share this walk. It keeps
three pieces of state that OCR pages make necessary:

* a **section stack** ranked by numbering style (``一、`` > ``（一）`` > ``1.`` > ``(1)``), since
  Markdown heading levels in the OCR are unreliable;
* a **pending paragraph**: a paragraph that does not end a sentence continues in the next
  paragraph block, even when footnotes, a page break, a figure or a table float between
  them (never across a heading);
* **footnote markers**: ``<sup>①</sup>`` restart on every page, so a footnote is linked to
  the closest earlier unused marker with the same symbol.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from ..namespaces import RKG
from . import segment as seg
from .builder import DocBuilder
from .citations import Work, add_work, parse_footnote
from .tables import load_table

RankFn = Callable[[seg.Block], int]


def default_rank(block: seg.Block) -> int:
    """Nesting rank of a heading: its numbering style, else its Markdown level."""
    num = seg.numbering(block.content)
    if num:
        return num[0]
    return max(1, block.hashes) if block.hashes else 1


@dataclass
class BodyWalker:
    """Feeds blocks of one document part (article) into the builder."""

    b: DocBuilder
    document: URIRef
    rank: RankFn = default_rank
    stack: list[tuple[int, URIRef]] = field(default_factory=list)
    sections: list[URIRef] = field(default_factory=list)
    footnotes: list[tuple[str | None, URIRef, int, str]] = field(default_factory=list)
    markers: list[tuple[str, int]] = field(default_factory=list)
    _pending: list[tuple[int, int]] = field(default_factory=list)
    _pending_section: URIRef | None = None
    _caption: seg.Block | None = None
    _rows: list[seg.Block] = field(default_factory=list)
    _figure: bool = False
    _last_figure: URIRef | None = None

    @property
    def section(self) -> URIRef | None:
        return self.stack[-1][1] if self.stack else None

    # ------------------------------------------------------------------ feeding
    def feed(self, blk: seg.Block) -> None:
        """Handle one block in document order."""
        if blk.kind != "table-row" and self._rows:
            self._emit_table(blk if blk.kind == "source-note" else None)
            if blk.kind == "source-note":
                return
        kind = blk.kind
        if kind == "table-row":
            self._rows.append(blk)
            return
        if kind == "table-caption":
            self._caption = blk
            return
        self._flush_caption()  # a caption with no rows: keep it as a caption
        if kind == "figure-caption":
            node = self.b.segment(
                "figure-caption", blk.cstart, blk.cend, document=self.document, section=self.section
            )
            self._figure = True
            self._last_figure = node
            return
        if kind == "source-note":
            node = self.b.segment(
                "source-note", blk.cstart, blk.cend, document=self.document, section=self.section
            )
            if self._figure and self._last_figure is not None:
                self.b.graph.add((self._last_figure, RKG.hasSourceNote, node))
            self._figure = False
            return
        self._figure = False
        if kind in ("footnote", "note"):
            self._footnote(blk)
            return
        if kind == "pagebreak":
            return
        if kind == "heading":
            self.heading(blk)
            return
        self.paragraph(blk)

    def heading(self, blk: seg.Block) -> URIRef:
        self.flush()
        self._markers_of(blk)
        rank = self.rank(blk)
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        parent = self.section
        node = self.b.section(
            blk,
            document=self.document,
            parent=parent,
            level=len(self.stack) + 1,
            order=len(self.sections) + 1,
        )
        self.stack.append((rank, node))
        self.sections.append(node)
        return node

    def paragraph(self, blk: seg.Block) -> None:
        self._markers_of(blk)
        if self._pending:
            last = self.b.text[self._pending[-1][0] : self._pending[-1][1]]
            if seg.continues(last, blk.content):
                self._pending.append((blk.cstart, blk.cend))
                return
            self.flush()
        self._pending = [(blk.cstart, blk.cend)]
        self._pending_section = self.section

    def _flush_caption(self) -> None:
        """Keep a pending table caption that no rows followed as a caption segment."""
        if self._caption is not None:
            self.b.segment(
                "table-caption",
                self._caption.cstart,
                self._caption.cend,
                document=self.document,
                section=self.section,
            )
            self._caption = None

    def flush(self) -> None:
        """Emit the pending paragraph (one segment, or linked fragments)."""
        if self._pending:
            self.b.fragments(self._pending, document=self.document, section=self._pending_section)
        self._pending = []

    def _markers_of(self, blk: seg.Block) -> None:
        for marker, off in seg.markers_in(blk.text):
            self.markers.append((marker, blk.start + off))

    def _footnote(self, blk: seg.Block) -> None:
        node = self.b.segment(
            "footnote" if blk.kind == "footnote" else "note",
            blk.cstart,
            blk.cend,
            document=self.document,
            section=self.section,
        )
        g = self.b.graph
        if blk.marker:
            g.add((node, RKG.footnoteMarker, Literal(blk.marker)))
        else:
            g.add((node, RKG.isAuthorNote, Literal(True)))
        self.footnotes.append((blk.marker, node, blk.start, blk.content))

    def _emit_table(self, note: seg.Block | None) -> None:
        load_table(
            self.b,
            self._caption,
            self._rows,
            document=self.document,
            section=self.section,
            source_note=note,
        )
        self._caption = None
        self._rows = []

    # ------------------------------------------------------------------ finishing
    def finish(self) -> list[URIRef]:
        """Flush, link footnotes to their markers and to the works they cite."""
        self.flush()
        if self._rows:
            self._emit_table(None)
        self._flush_caption()
        self._link_markers()
        works: set[URIRef] = set()
        previous: list[Work] = []
        g = self.b.graph
        for marker, node, _start, content in self.footnotes:
            if not marker:
                continue
            cited = parse_footnote(seg.clean(content), previous)
            for w in cited:
                wn = add_work(g, w)
                g.add((node, RKG.citesWork, wn))
                works.add(wn)
            previous = cited
        for wn in sorted(works):
            g.add((self.document, RKG.citesWork, wn))
        return sorted(works)

    def _link_markers(self) -> None:
        used: set[int] = set()
        refs = sorted(self.b.segments, key=lambda r: r.start)
        starts = [r.start for r in refs]
        for marker, node, start, _content in self.footnotes:
            if not marker:
                continue
            best = None
            for i, (m, off) in enumerate(self.markers):
                if m == marker and off < start and i not in used:
                    best = i
            if best is None:
                continue
            used.add(best)
            off = self.markers[best][1]
            k = bisect.bisect_right(starts, off) - 1
            while k >= 0 and not (refs[k].start <= off < refs[k].end):
                k -= 1
            if k >= 0:
                self.b.graph.add((refs[k].iri, RKG.referencesFootnote, node))
