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
from ..namespaces import RKG
from ..outputs import csv_row
from ..sources import Source
from .builder import DocBuilder
from .discovery import candidate_iri, discover, suggest_type
from .mentions import Gazetteer, Match
from .model import Candidate, LoadResult, SegmentRef

__all__ = [
    "Candidate",
    "Gazetteer",
    "LoadResult",
    "Match",
    "SegmentRef",
    "load_source",
    "write_candidates",
]

#: Segment kinds searched for new names; author lines and tables of contents only repeat
#: names, and table rows are read by the table loader itself.
_DISCOVER_IN = frozenset({"paragraph", "heading", "footnote", "abstract", "caption", "keywords"})
_TITLES_IN = frozenset({"paragraph", "heading", "abstract", "caption"})


def load_source(source: Source, text: str, gazetteer: Gazetteer) -> LoadResult:
    """Everything for the named graph ``graph/{source.id}`` of one source."""
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
    run_discovery(b)
    return LoadResult(graph=b.graph, segments=b.segments, candidates=b.candidates)


def run_discovery(b: DocBuilder) -> None:
    """Candidates and alias pairs from every segment (see :mod:`.discovery`)."""
    g = b.graph
    for ref in sorted(b.segments, key=lambda r: r.start):
        if ref.kind not in _DISCOVER_IN:
            continue
        titles = ref.kind in _TITLES_IN
        for f in discover(b.text, ref.start, ref.end, titles=titles, known=b.gazetteer):
            if len(f.name.strip()) < 2 or f.name.strip().isdigit():
                continue
            if len(b.gazetteer.lookup(f.name)) == 1:
                continue  # a curated name: nothing to discover
            alias_of: URIRef | None = None
            for p in f.partners:
                hits = b.gazetteer.lookup(p.name)
                if len(hits) == 1:
                    alias_of = next(iter(hits))
                    break
            hint = suggest_type(f.name) if f.pattern in ("book-title", "quoted-title") else None
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
