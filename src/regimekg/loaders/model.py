"""What a loader returns (re-exported by :mod:`regimekg.loaders`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import rdflib
from rdflib import URIRef

if TYPE_CHECKING:
    from .proposals import Proposal


@dataclass(frozen=True)
class SegmentRef:
    """A segment the loader produced, so curated evidence quotes can be attached to it."""

    iri: URIRef
    start: int
    end: int
    kind: str  # paragraph|heading|footnote|abstract|table-row|caption|keywords|...


@dataclass
class Candidate:
    """A discovered name that matches no curated entity (→ build/candidates.tsv + graph).

    ``alias_of`` is the slug of a curated entity when the name was found paired with one of
    that entity's names (a proposed alias); ``pattern`` says which discovery rule found it.
    """

    name: str
    lang: str
    alias_of: str | None
    source_id: str
    start: int
    end: int
    context: str
    pattern: str


@dataclass
class LoadResult:
    """Everything one source contributes: its named graph, segments and candidates."""

    graph: rdflib.Graph
    segments: list[SegmentRef] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    #: What the source proposes adding to the curated map (:mod:`.proposals`).
    proposals: list[Proposal] = field(default_factory=list)
