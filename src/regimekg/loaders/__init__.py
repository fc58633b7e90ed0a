"""Document loaders: sources → one named graph each (see docs/architecture.md, docs/loaders.md).

``load_source`` picks the loader named in ``sources.yaml`` (``journal``, ``article`` or
``table``), then runs the two passes every document gets: mention linking against the
curated gazetteer and discovery of names the curated data does not know yet.
"""

from __future__ import annotations

import csv
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF

from .. import files
from ..namespaces import RKG, slug_of
from ..outputs import csv_row
from ..sources import Source
from . import prose
from .builder import DocBuilder
from .discovery import Found, candidate_iri, discover, suggest_type
from .mentions import Gazetteer, Match
from .model import Candidate, LoadResult, SegmentRef
from .proposals import Proposal, Screen, collect, entity_key

__all__ = [
    "Candidate",
    "Gazetteer",
    "LoadResult",
    "Match",
    "Proposal",
    "Screen",
    "SegmentRef",
    "load_source",
    "write_candidates",
]

#: Segment kinds searched for new names; author lines and tables of contents only repeat
#: names, and table rows are read by the table loader itself.
_DISCOVER_IN = frozenset({"paragraph", "heading", "footnote", "abstract", "caption", "keywords"})
_TITLES_IN = frozenset({"paragraph", "heading", "abstract", "caption"})
_HINTED = frozenset({"book-title", "quoted-title", "zh-quoted-title", "instrument-name"})


def load_source(
    source: Source, text: str, gazetteer: Gazetteer, screen: Screen | None = None
) -> LoadResult:
    """Everything for the named graph ``graph/{source.id}`` of one source.

    *screen* holds the project's stop list and rejected proposals (:class:`Screen`); without
    it nothing is screened out, which keeps the loaders usable on a bare text.
    """
    screen = screen or Screen()
    b = DocBuilder(source, text, gazetteer)
    if source.loader == "journal":
        from .journal import load_journal

        load_journal(b)
    elif source.loader == "table":
        from .tabular import load_tabular

        load_tabular(b)
    else:
        from .article import load_article

        load_article(b)
    b.number_segments()
    b.link_mentions()
    run_discovery(b, screen)
    proposals = collect(b, screen) if source.loader != "journal" else []
    return LoadResult(
        graph=b.graph, segments=b.segments, candidates=b.candidates, proposals=proposals
    )


def _found(b: DocBuilder, ref: SegmentRef, titles: bool, screen: Screen) -> list[Found]:
    """Bracket-pattern names, plus (outside the bundled journal) names written plainly."""
    found = discover(b.text, ref.start, ref.end, titles=titles, known=b.gazetteer)
    if b.source.loader == "journal" or ref.kind == "heading":
        # The journal introduces its names by the bracket patterns, in OCR'd layout; a
        # heading is capitalised throughout, so its words are not names for being so.
        return found
    taken = [(f.start, f.end) for f in found]
    for span in prose.names(b.text, ref.start, ref.end, screen.stopped):
        if any(span.start < e and s < span.end for s, e in taken):
            continue
        rest = " ".join(w for w in span.text.split() if not screen.stopped(w))
        if rest and b.gazetteer.lookup(rest):
            continue  # "China AI": a known name qualified by a stop word
        known = sum(m.end - m.start for m in b.gazetteer.find(span.text, "en"))
        if 2 * known >= len(span.text):
            continue  # mostly a curated name ("TheEuropean Commission"): a mention, not new
        found.append(Found(span.text, span.start, span.end, span.pattern))
    return sorted(found, key=lambda f: (f.start, f.end))


def run_discovery(b: DocBuilder, screen: Screen | None = None) -> None:
    """Candidates and alias pairs from every segment (see :mod:`.discovery`, :mod:`.prose`).

    Names on the stop list, and entity proposals a reviewer rejected, are not candidates.
    """
    screen = screen or Screen()
    g = b.graph
    for ref in sorted(b.segments, key=lambda r: r.start):
        if ref.kind not in _DISCOVER_IN:
            continue
        titles = ref.kind in _TITLES_IN
        for f in _found(b, ref, titles, screen):
            if len(f.name.strip()) < 2 or f.name.strip().isdigit():
                continue
            if screen.stopped(f.name) or entity_key(f.name) in screen.rejected:
                continue
            if len(b.gazetteer.lookup(f.name)) == 1:
                continue  # a curated name: nothing to discover
            alias_of: URIRef | None = None
            for p in f.partners:
                hits = b.gazetteer.lookup(p.name)
                if len(hits) == 1:
                    alias_of = next(iter(hits))
                    break
            if alias_of is not None and entity_key(f.name, slug_of(alias_of)) in screen.rejected:
                alias_of = None  # the alias was rejected; the name may still be an entity
            hint = suggest_type(f.name) if f.pattern in _HINTED else None
            node = b.candidate(
                f.name,
                f.start,
                f.end,
                pattern=f.pattern,
                segment_node=ref.iri,
                alias_of=alias_of,
                suggested_type=hint,
            )
            for p in f.partners:
                if len(b.gazetteer.lookup(p.name)) != 1:
                    other = candidate_iri(p.name)
                    if other != node:
                        g.add((node, RKG.pairedWith, other))
    # Pair links may point at candidates created later in the same pass: keep only those
    # that exist, so the graph never refers to an untyped node.
    for s, o in list(g.subject_objects(RKG.pairedWith)):
        if (o, RDF.type, RKG.Candidate) not in g:
            g.remove((s, RKG.pairedWith, o))


COLUMNS = ("name", "lang", "alias_of", "source_id", "start", "end", "pattern", "context")


def write_candidates(path: Path, candidates: list[Candidate]) -> None:
    """``candidates.tsv``: one row per discovered occurrence, sorted, stable across builds."""
    rows = sorted(
        {
            (
                c.source_id,
                c.start,
                c.end,
                c.name,
                c.pattern,
                c.lang,
                c.alias_of or "",
                c.context,
            )
            for c in candidates
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with files.atomic_open(path, "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(COLUMNS)
        for sid, start, end, name, pattern, lang, alias, ctx in rows:
            # names and contexts come from documents: a spreadsheet must not run them
            w.writerow(csv_row([_cell(name), lang, alias, sid, start, end, pattern, _cell(ctx)]))


def _cell(value: str) -> str:
    return " ".join(value.split())
