"""Proposals: what a document suggests adding to the curated map, for a reviewer to decide.

A proposal is one of four kinds, each with the sentence that supports it (its *quote*) and a
confidence that orders the review list:

* ``entity`` — a candidate name that matches nothing curated;
* ``alias`` — a candidate found paired with a curated entity's name (``alias_of``);
* ``date`` — a date in a sentence that also names an entity, with the event type its verb
  suggests ("adopted", "launched", 发布 …);
* ``relation`` — "X adopted at Y", "X hosted by Y", … between two named things.

Every proposal has a *key* that does not depend on where it was found (the kind and the
normalised names), so a proposal rejected once (``data/review/rejected.tsv``) is never
proposed again, from any document; names on the stop list (``data/stoplist.txt``) are never
proposed at all. Dates and relations are written into the source's graph as ``rkg:Proposal``
nodes; entities and aliases already are ``rkg:Candidate`` nodes. Neither is ever a fact.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from .. import dates
from ..namespaces import RKG, concept, iri, short_hash, slug_of
from . import prose
from .builder import DocBuilder, integer
from .discovery import candidate_iri, norm_key

STOPLIST = Path("data") / "stoplist.txt"
REJECTED = Path("data") / "review" / "rejected.tsv"
REJECTED_COLUMNS = ("key", "kind", "text", "source", "reason")

#: Confidence of an entity proposal by the pattern that found it: a bilingual or acronym
#: pairing is a deliberate introduction of a name; a capitalised run is only a guess.
PATTERN_CONFIDENCE = {
    "zh-en-acronym": 0.9,
    "en-acronym": 0.85,
    "acronym": 0.6,
    "zh-en": 0.85,
    "book-title": 0.8,
    "quoted-title": 0.75,
    "zh-quoted-title": 0.7,
    "instrument-name": 0.7,
    "person-role": 0.65,
    "capitalised-name": 0.45,
}
RELATION_CONFIDENCE = 0.5


@dataclass
class Screen:
    """Names never to propose (the stop list) and proposal keys a reviewer rejected."""

    stop: frozenset[str] = frozenset()
    rejected: frozenset[str] = frozenset()

    @classmethod
    def load(cls, root: Path) -> Screen:
        """The stop list and rejections of the project at *root* (missing files: none)."""
        stop: set[str] = set()
        path = root / STOPLIST
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    stop.add(norm_key(line))
        return cls(frozenset(stop - {""}), frozenset(rejected_keys(root)))

    def stopped(self, name: str) -> bool:
        """Whether *name* is a stop word, or only stop words and small words."""
        key = norm_key(name)
        if not key or key in self.stop or key.isdigit():
            return True
        words = [norm_key(w) for w in name.split()]
        return all(not w or w in self.stop or w in _SMALL for w in words)


_SMALL = {"of", "for", "and", "the", "on", "in", "to", "a", "an", "at", "by", "with"}


def rejected_keys(root: Path) -> set[str]:
    """Keys recorded in ``data/review/rejected.tsv``."""
    path = root / REJECTED
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    return {r[0] for r in rows[1:] if r}


def entity_key(name: str, alias_of: str | None = None) -> str:
    """Key of an entity (or, with *alias_of*, an alias) proposal."""
    return f"alias:{norm_key(name)}>{alias_of}" if alias_of else f"entity:{norm_key(name)}"


@dataclass
class Proposal:
    """One proposal with the sentence that supports it."""

    kind: str  # entity | alias | date | relation
    text: str  # the name, the date as written, or "X → Y"
    source_id: str
    start: int  # of the proposed item in the source text
    end: int
    quote: str  # the supporting sentence, verbatim
    quote_start: int
    quote_end: int
    confidence: float
    pattern: str
    key: str
    alias_of: str | None = None  # curated slug (alias proposals)
    subject: str | None = None  # curated slug, or a candidate name (dates, relations)
    subject_curated: bool = False
    object: str | None = None  # relations
    object_curated: bool = False
    date: str | None = None  # ISO at its own precision
    event_type: str | None = None
    link_type: str | None = None
    lang: str = "en"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Short id shown in ``review list`` and typed in ``review accept ID``."""
        return "p" + short_hash(f"{self.key}|{self.source_id}|{self.start}", length=8)


def _sentence_of(sents: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    for s, e in sents:
        if s <= start and end <= e:
            return s, e
    return start, end


def collect(b: DocBuilder, screen: Screen) -> list[Proposal]:
    """Every proposal of one loaded source (after discovery), and its date/relation nodes.

    Entity and alias proposals come from the builder's candidates; dates and relations are
    read sentence by sentence from the prose segments, and added to the graph as
    ``rkg:Proposal`` nodes.
    """
    text = b.text
    out: list[Proposal] = []
    seen: set[str] = set()
    seg_sents: list[tuple[int, int]] = []
    for ref in b.segments:
        if ref.kind in ("paragraph", "heading", "abstract", "caption", "footnote", "table-row"):
            seg_sents.extend(prose.sentences(text, ref.start, ref.end))
    seg_sents.sort()
    for c in sorted(b.candidates, key=lambda c: (c.start, c.end)):
        kind = "alias" if c.alias_of else "entity"
        key = entity_key(c.name, c.alias_of)
        if key in seen or key in screen.rejected or screen.stopped(c.name):
            continue
        seen.add(key)
        qs, qe = _sentence_of(seg_sents, c.start, c.end)
        conf = PATTERN_CONFIDENCE.get(c.pattern, 0.5)
        if c.alias_of:
            conf = max(conf, 0.85)
        out.append(
            Proposal(
                kind,
                c.name,
                b.sid,
                c.start,
                c.end,
                text[qs:qe],
                qs,
                qe,
                conf,
                c.pattern,
                key,
                alias_of=c.alias_of,
                lang=c.lang,
            )
        )
    cand_spans = [(c.start, c.end, c.name) for c in b.candidates if not screen.stopped(c.name)]
    for qs, qe in seg_sents:
        named = _named_in(b, qs, qe, cand_spans)
        if not named:
            continue
        sentence = text[qs:qe]
        etype = prose.event_type(sentence)
        for d in prose.find_dates(text, qs, qe):
            subj = _nearest_before(named, d.start) or named[0]
            key = f"date:{subj[3]}@{d.iso}"
            if key in seen or key in screen.rejected:
                continue
            seen.add(key)
            out.append(
                Proposal(
                    "date",
                    d.text,
                    b.sid,
                    d.start,
                    d.end,
                    sentence,
                    qs,
                    qe,
                    prose.DATE_CONFIDENCE[d.pattern],
                    d.pattern,
                    key,
                    subject=subj[2],
                    subject_curated=subj[4],
                    date=d.iso,
                    event_type=etype,
                    lang=b.lang_of(qs, qe),
                    extra={"subject_node": str(subj[5])},
                )
            )
        for ps, pe, phrase, link in prose.relation_phrases(text, qs, qe):
            subj = next((n for n in named if n[1] <= ps), None)  # the clause's subject
            obj = next((n for n in named if n[0] >= pe), None)
            if subj is None or obj is None or subj[3] == obj[3]:
                continue
            key = f"relation:{subj[3]}|{link or phrase.lower()}|{obj[3]}"
            if key in seen or key in screen.rejected:
                continue
            seen.add(key)
            out.append(
                Proposal(
                    "relation",
                    f"{subj[2]} —{phrase}→ {obj[2]}",
                    b.sid,
                    subj[0],
                    obj[1],
                    sentence,
                    qs,
                    qe,
                    RELATION_CONFIDENCE,
                    "relation-phrase",
                    key,
                    subject=subj[2],
                    subject_curated=subj[4],
                    object=obj[2],
                    object_curated=obj[4],
                    link_type=link,
                    lang=b.lang_of(qs, qe),
                    extra={
                        "phrase": phrase,
                        "subject_node": str(subj[5]),
                        "object_node": str(obj[5]),
                    },
                )
            )
    _emit(b, [p for p in out if p.kind in ("date", "relation")])
    return out


#: (start, end, slug-or-name, key part, curated?, node)
_Named = tuple[int, int, str, str, bool, URIRef]


def _named_in(
    b: DocBuilder, qs: int, qe: int, cand_spans: list[tuple[int, int, str]]
) -> list[_Named]:
    """Curated entities and candidates named in ``text[qs:qe]``, in text order."""
    named: list[_Named] = []
    for m in b.gazetteer.find(b.text[qs:qe], b.lang_of(qs, qe)):
        named.append((qs + m.start, qs + m.end, m.slug, m.slug, True, m.entity))
    for s, e, name in cand_spans:
        if qs <= s and e <= qe and all(e <= n[0] or s >= n[1] for n in named):
            named.append((s, e, name, norm_key(name), False, candidate_iri(name)))
    return sorted(named)


def _nearest_before(named: list[_Named], pos: int) -> _Named | None:
    before = [n for n in named if n[1] <= pos]
    return before[-1] if before else None


def _emit(b: DocBuilder, proposals: list[Proposal]) -> None:
    """``rkg:Proposal`` nodes for date and relation proposals, in the source's graph."""
    g = b.graph
    candidates = {candidate_iri(c.name) for c in b.candidates}
    for p in proposals:
        node = iri("proposal", b.sid, p.id)
        g.add((node, RDF.type, RKG.Proposal))
        g.add((node, RKG.proposalKind, Literal(p.kind)))
        g.add((node, RKG.proposalKey, Literal(p.key)))
        g.add((node, RKG.proposalConfidence, Literal(f"{p.confidence:.2f}", datatype=XSD.decimal)))
        g.add((node, RKG.discoveryPattern, Literal(p.pattern)))
        g.add((node, RKG.surfaceForm, Literal(b.text[p.start : p.end], lang=p.lang)))
        g.add((node, RKG.startOffset, integer(p.start)))
        g.add((node, RKG.endOffset, integer(p.end)))
        g.add((node, RKG.proposalSentence, Literal(p.quote, lang=p.lang)))
        g.add((node, RKG.sentenceStart, integer(p.quote_start)))
        g.add((node, RKG.sentenceEnd, integer(p.quote_end)))
        g.add((node, RKG.proposedIn, b.node))
        for role, which, cur in (
            (RKG.proposedSubject, "subject_node", p.subject_curated),
            (RKG.proposedObject, "object_node", p.object_curated),
        ):
            if which not in p.extra:
                continue
            target = URIRef(p.extra[which])
            if cur or target in candidates:  # never a link to an untyped node
                g.add((node, role, target))
        if p.date:
            g.add((node, RKG.proposedDate, dates.to_literal(p.date)))
        if p.event_type:
            g.add((node, RKG.proposedEventType, concept("event-type", p.event_type)))
        if p.link_type:
            g.add((node, RKG.proposedLinkType, concept("regime-link-type", p.link_type)))


def subject_slug(p: Proposal) -> str | None:
    """The curated slug of a proposal's subject, if it is curated."""
    return p.subject if p.subject_curated else None


__all__ = ["Proposal", "Screen", "collect", "entity_key", "slug_of"]
