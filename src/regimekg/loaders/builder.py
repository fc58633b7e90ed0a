"""Shared RDF writer for all document loaders.

Journal issues, standalone articles and ingested documents differ in structure but emit the
same kinds of nodes: segments with exact offsets, sections, persons with evidence,
mentions and candidates. Keeping the emitting code in one place keeps the IRI scheme
(``id/doc/{source}/{part}-{start}``) and the offset invariant identical for all of them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from .. import dates
from ..errors import UserError
from ..namespaces import RKG, doc, iri, short_hash
from ..sources import Source
from . import segment as seg
from .mentions import Gazetteer
from .model import Candidate, SegmentRef
from .variants import THRESHOLD

#: kind → (class, IRI prefix, SegmentRef kind)
KINDS: dict[str, tuple[URIRef, str, str]] = {
    "paragraph": (RKG.Paragraph, "p", "paragraph"),
    "heading": (RKG.Heading, "h", "heading"),
    "title": (RKG.Heading, "h", "heading"),
    "footnote": (RKG.Footnote, "fn", "footnote"),
    "note": (RKG.Footnote, "fn", "footnote"),
    "abstract": (RKG.Abstract, "abs", "abstract"),
    "keywords": (RKG.KeywordList, "kw", "keywords"),
    "author-line": (RKG.AuthorLine, "au", "author-line"),
    "affiliation": (RKG.AffiliationNote, "aff", "affiliation"),
    "toc-entry": (RKG.TocEntry, "toc", "toc-entry"),
    "table-row": (RKG.TableRow, "row", "table-row"),
    "table-cell": (RKG.TableCell, "cell", "table-cell"),
    "figure-caption": (RKG.FigureCaption, "cap", "caption"),
    "table-caption": (RKG.TableCaption, "cap", "caption"),
    "source-note": (RKG.SourceNote, "note", "caption"),
}

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lowercase ASCII hyphenated slug of a romanised name ("Han Yonghui" → "han-yonghui")."""
    return _NON_SLUG.sub("-", text.lower()).strip("-")


def integer(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


@dataclass
class DocBuilder:
    """Collects one source's graph, segments and candidates while a loader walks it."""

    source: Source
    text: str
    gazetteer: Gazetteer
    graph: Graph = field(default_factory=Graph)
    segments: list[SegmentRef] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    seg_lang: dict[URIRef, str] = field(default_factory=dict)
    _candidate_nodes: set[URIRef] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.sid = self.source.id
        self.node = doc(self.sid)
        g = self.graph
        g.add((self.node, RDF.type, RKG.Source))
        g.add((self.node, RDF.type, RKG[self.source.kind]))
        for lang, title in sorted(self.source.title.items()):
            g.add((self.node, DCTERMS.title, Literal(title, lang=lang)))
        g.add((self.node, DCTERMS.language, Literal(self.source.lang)))
        g.add((self.node, RKG.sha256, Literal(self.source.sha256)))
        if self.source.date:
            # A header may give a full date (2025-02-11): keep its precision.
            try:
                g.add((self.node, DCTERMS.date, dates.to_literal(self.source.date)))
            except dates.DateError as e:
                raise UserError(f"sources.yaml, source {self.sid!r}: the date {e}.") from None
        url = str(self.source.extra.get("url") or "")
        if re.match(r"https?://\S+$", url):
            g.add((self.node, DCTERMS.source, URIRef(url)))
        pub = self.source.publication or {}
        for lang, name in sorted(pub.items()):
            g.add((self.node, RKG.publicationTitle, Literal(name, lang=lang)))
        if self.source.issue:
            g.add((self.node, RKG.issueLabel, Literal(self.source.issue, lang=self.source.lang)))

    # ------------------------------------------------------------------ segments
    def lang_of(self, start: int, end: int) -> str:
        """Language of a span: the source's, unless the span is plainly the other one."""
        span = self.text[start:end]
        if not seg.has_cjk(span) and not any(c.isascii() and c.isalpha() for c in span):
            return self.source.lang
        return seg.detect_lang(span)

    def segment(
        self,
        kind: str,
        start: int,
        end: int,
        *,
        document: URIRef,
        section: URIRef | None = None,
        lang: str | None = None,
    ) -> URIRef:
        """Add a segment covering exactly ``text[start:end]``."""
        cls, prefix, ref_kind = KINDS[kind]
        assert 0 <= start < end <= len(self.text), (kind, start, end)
        node = doc(self.sid, f"{prefix}-{start}")
        lang = lang or self.lang_of(start, end)
        g = self.graph
        g.add((node, RDF.type, cls))
        g.add((node, RDF.type, RKG.Segment))
        g.add((node, RKG.text, Literal(self.text[start:end], lang=lang)))
        g.add((node, RKG.startOffset, integer(start)))
        g.add((node, RKG.endOffset, integer(end)))
        g.add((node, RKG.inDocument, document))
        if section is not None:
            g.add((node, RKG.inSection, section))
        self.segments.append(SegmentRef(node, start, end, ref_kind))
        self.seg_lang[node] = lang
        return node

    def fragments(
        self,
        parts: list[tuple[int, int]],
        *,
        document: URIRef,
        section: URIRef | None,
        kind: str = "paragraph",
    ) -> URIRef:
        """One paragraph that a page break split into *parts* (joined where safe).

        Parts separated only by whitespace become one segment (its text is still the exact
        slice); parts with footnotes or figures between them stay separate segments linked
        by ``rkg:continues``, and the first carries the reading text as ``rkg:joinedText``.
        """
        merged: list[tuple[int, int]] = []
        for s, e in parts:
            if merged and not self.text[merged[-1][1] : s].strip():
                merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        nodes = [self.segment(kind, s, e, document=document, section=section) for s, e in merged]
        for prev, nxt in itertools.pairwise(nodes):
            self.graph.add((nxt, RKG.continues, prev))
        if len(parts) > 1:
            lang = self.seg_lang[nodes[0]]
            joined = seg.join_text([self.text[s:e] for s, e in parts], lang)
            self.graph.add((nodes[0], RKG.joinedText, Literal(joined, lang=lang)))
        return nodes[0]

    # ------------------------------------------------------------------ sections
    def section(
        self,
        heading: seg.Block,
        *,
        document: URIRef,
        parent: URIRef | None,
        level: int,
        order: int,
    ) -> URIRef:
        """A section node and its heading segment."""
        node = doc(self.sid, f"sec-{heading.cstart}")
        g = self.graph
        title = seg.clean(heading.content)
        lang = self.lang_of(heading.cstart, heading.cend)
        g.add((node, RDF.type, RKG.Section))
        g.add((node, DCTERMS.title, Literal(title, lang=lang)))
        g.add((node, RKG.level, integer(level)))
        g.add((node, RKG.order, integer(order)))
        g.add((node, RKG.inDocument, document))
        g.add((node, DCTERMS.isPartOf, parent if parent is not None else document))
        num = seg.numbering(title)
        if num:
            g.add((node, RKG.sectionNumber, Literal(num[1])))
        h = self.segment("heading", heading.cstart, heading.cend, document=document, section=node)
        g.add((node, RKG.hasHeading, h))
        return node

    # ------------------------------------------------------------------ persons
    def person(
        self,
        *,
        en: str | None,
        zh: str | None,
        evidence: list[tuple[int, int, URIRef]],
    ) -> URIRef | None:
        """An author as ``rkg:Person`` (``id/person/{slug of romanised name}``) with evidence.

        Persons are named entities and need evidence: each ``(start, end, segment)`` is a
        span of an author line that names them.
        """
        slug = slugify(en) if en else None
        if not slug and zh:
            slug = "zh-" + short_hash(zh, length=10)
        if not slug:
            return None
        p = iri("person", slug)
        g = self.graph
        g.add((p, RDF.type, RKG.Person))
        if en:
            g.add((p, RDFS.label, Literal(en, lang="en")))
        if zh:
            g.add((p, RDFS.label, Literal(zh, lang="zh")))
        for s, e, segment_node in evidence:
            self.evidence(p, s, e, segment_node)
        return p

    def evidence(
        self, subject: URIRef, start: int, end: int, segment_node: URIRef | None
    ) -> URIRef:
        """An ``rkg:Evidence`` node quoting ``text[start:end]`` of this source."""
        quote = self.text[start:end]
        ev = iri("evidence", short_hash(str(subject), self.sid, str(start), str(end)))
        g = self.graph
        g.add((ev, RDF.type, RKG.Evidence))
        g.add((ev, RKG.quote, Literal(quote, lang=self.lang_of(start, end))))
        g.add((ev, RKG.fromSource, self.node))
        g.add((ev, RKG.startOffset, integer(start)))
        g.add((ev, RKG.endOffset, integer(end)))
        if segment_node is not None:
            g.add((ev, RKG.inSegment, segment_node))
        g.add((subject, RKG.hasEvidence, ev))
        return ev

    # ------------------------------------------------------------------ candidates
    def candidate(
        self,
        name: str,
        start: int,
        end: int,
        *,
        pattern: str,
        segment_node: URIRef | None,
        alias_of: URIRef | None = None,
        suggested_type: URIRef | None = None,
    ) -> URIRef:
        """Record a discovered name: a TSV row, an ``rkg:Candidate`` and its occurrence."""
        from .discovery import candidate_iri, norm_key

        # OCR debris (a stray backslash or quote) must not make the same candidate carry two
        # labels when two sources spell it slightly differently.
        name = re.sub(r'^"+|[\\"]+$', "", name.strip()).strip()
        lang = "zh" if seg.has_cjk(name) else "en"
        c = candidate_iri(name)
        g = self.graph
        if c not in self._candidate_nodes:
            self._candidate_nodes.add(c)
            g.add((c, RDF.type, RKG.Candidate))
            g.add((c, RDFS.label, Literal(name, lang=lang)))
            g.add((c, RKG.normalisedName, Literal(norm_key(name))))
        g.add((c, RKG.discoveryPattern, Literal(pattern)))
        if alias_of is not None:
            g.add((c, RKG.candidateAliasOf, alias_of))
        if suggested_type is not None:
            g.add((c, RKG.suggestedType, suggested_type))
        occ = iri("candidate", f"{c.rsplit('/', 1)[-1]}-{self.sid}-{start}")
        g.add((occ, RDF.type, RKG.CandidateOccurrence))
        g.add((occ, RKG.occurrenceOf, c))
        g.add((occ, RKG.surfaceForm, Literal(self.text[start:end], lang=lang)))
        g.add((occ, RKG.startOffset, integer(start)))
        g.add((occ, RKG.endOffset, integer(end)))
        g.add((occ, RKG.discoveryPattern, Literal(pattern)))
        if segment_node is not None:
            g.add((occ, RKG.discoveredIn, segment_node))
            g.add((c, RKG.discoveredIn, segment_node))
        self.candidates.append(
            Candidate(
                name=name,
                lang=lang,
                alias_of=None if alias_of is None else str(alias_of).rsplit("/", 1)[-1],
                source_id=self.sid,
                start=start,
                end=end,
                context=context(self.text, start, end),
                pattern=pattern,
            )
        )
        return c

    # ------------------------------------------------------------------ mentions
    def link_mentions(self) -> int:
        """Mentions of curated entities in every segment; returns how many.

        Each mention records how sure the match is (``rkg:matchConfidence``, see
        :mod:`.variants`). A match below the threshold is never a mention: it becomes a
        candidate proposed as an alias of the entity (pattern ``near-miss``).
        """
        g = self.graph
        count = 0
        for ref in self.segments:
            if ref.kind == "table-cell":
                continue  # cells lie inside rows: each mention belongs to one segment
            lang = self.seg_lang[ref.iri]
            for m in self.gazetteer.match(self.text[ref.start : ref.end], lang):
                s, e = ref.start + m.start, ref.start + m.end
                if m.confidence < THRESHOLD:
                    self.candidate(
                        m.surface,
                        s,
                        e,
                        pattern="near-miss",
                        segment_node=ref.iri,
                        alias_of=m.entity,
                    )
                    continue
                node = iri("mention", f"{self.sid}-{s}-{e}-{m.slug}")
                g.add((node, RDF.type, RKG.Mention))
                g.add((node, RKG.inSegment, ref.iri))
                g.add((node, RKG.mentionOf, m.entity))
                g.add((node, RKG.surfaceForm, Literal(m.surface, lang=lang)))
                g.add((node, RKG.startOffset, integer(s)))
                g.add((node, RKG.endOffset, integer(e)))
                g.add((node, RKG.matchConfidence, Literal(Decimal(str(m.confidence)))))
                g.add((ref.iri, RKG.mentions, m.entity))
                count += 1
        return count

    def number_segments(self) -> None:
        """``rkg:order`` of every segment: its position in the source, 1-based."""
        for n, ref in enumerate(sorted(self.segments, key=lambda r: (r.start, r.end)), 1):
            self.graph.add((ref.iri, RKG.order, integer(n)))


def context(text: str, start: int, end: int, width: int = 30) -> str:
    """A one-line snippet around a span, for reviewers of candidates.tsv."""
    snippet = text[max(0, start - width) : end + width]
    return re.sub(r"\s+", " ", snippet).strip()
