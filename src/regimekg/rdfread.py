"""Reading RDF files into rdflib graphs through pyoxigraph's parser.

rdflib's own Turtle and N-Triples parsers are pure Python: the ontology, shapes and
vocabularies (about 7 k triples) take about a second to read, which is most of a small
``regimekg ingest``. pyoxigraph parses the same files in a few milliseconds; what remains is
building the rdflib terms, so this module converts each distinct term once. Callers that need
the file's prefixes bound in the graph (serialisers, the ontology's RDF/XML) keep rdflib's
parser: pyoxigraph reports only the triples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from .terms import from_ox

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}


class _Terms(dict[Any, Node]):
    """pyoxigraph term → rdflib term, each converted once (IRIs repeat on every line)."""

    def __missing__(self, t: Any) -> Node:
        node = from_ox(t)
        assert node is not None  # a parsed triple has no unbound positions
        self[t] = node
        return node


def read(path: Path, fmt: str = "turtle", graph: Graph | None = None) -> Graph:
    """The triples of *path* added to *graph* (or a new graph).

    The file is parsed completely before anything is added, so a syntax error (pyoxigraph's
    ``SyntaxError``, left to the caller) leaves *graph* as it was. Relative IRIs resolve
    against the file's URI, as with rdflib's ``Graph.parse``; blank nodes get fresh labels.
    """
    g = graph if graph is not None else Graph()
    terms = _Terms()
    with Path(path).open("rb") as f:
        triples = [
            (terms[t.subject], terms[t.predicate], terms[t.object], g)
            for t in ox.parse(f, format=FORMATS[fmt], base_iri=Path(path).resolve().as_uri())
        ]
    g.addN(triples)
    return g


def pairs(path: Path, predicate: str, fmt: str = "turtle") -> list[tuple[str, str]]:
    """(subject, object) IRIs of every *predicate* triple of *path* between two IRIs, without
    building a graph (pyoxigraph's ``SyntaxError`` is left to the caller)."""
    out = []
    with Path(path).open("rb") as f:
        for t in ox.parse(f, format=FORMATS[fmt], base_iri=Path(path).resolve().as_uri()):
            s, o = t.subject, t.object
            if (
                t.predicate.value == predicate
                and isinstance(s, ox.NamedNode)
                and isinstance(o, ox.NamedNode)
            ):
                out.append((s.value, o.value))
    return out


__all__ = ["FORMATS", "pairs", "read"]
