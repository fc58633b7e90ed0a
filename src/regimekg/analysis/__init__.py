"""Regime-complexity metrics (DESIGN §8): networks, measures, and their RDF write-back.

The regime-complex literature describes a governance area by how its institutions overlap in
membership, nest inside each other, defer to each other and compete. This module turns the
built graph into the networks those measures need and computes them *as the graph stood at a
date*, so the same numbers can be recomputed for any year and compared over time:

- the two-mode actor × institution **membership network** (roles that make someone a member:
  every role except ``observer``, the same rule as the ``rkg:isMemberOf`` shortcut),
- its one-mode **projections** (institutions linked by shared members; actors linked by shared
  institutions),
- the directed institution × institution **regime-link network** (nested in, part of, hosted
  by, overlaps with, parallel to, builds on, endorses, conflicts with).

Every measure is defined, with formula and literature reference, in ``docs/metrics.md``; the
tests check each one on a hand-computed fixture. Results go to CSV (``build/metrics/``), to a
readable report, and to RDF (``rkg:MetricObservation`` nodes in ``graph/metrics``) so SPARQL
can ask for "the five most central forums in 2023".

One concern per module: :mod:`.dictionary` (what each metric means), :mod:`.data` and
:mod:`.read` (the slice in memory, read from a build), :mod:`.graphs` (the networks),
:mod:`.centrality` (betweenness and eigenvector centrality, from rustworkx), :mod:`.measures`
(computing every metric), :mod:`.rdf` (the RDF write-back), :mod:`.tabular` (CSV tables),
:mod:`.reporting` (the readable report) and :mod:`.command` (``regimekg metrics``). Other
modules import from the package, never from a submodule, so the split can move.
"""

from __future__ import annotations

from .centrality import betweenness, eigenvector_by_component
from .command import csv_dir_for, run
from .data import Entity, Link, Membership, RegimeData, iter_years, resolve_as_of
from .dictionary import (
    COVERAGE_INITIATIVES,
    COVERAGE_POPULATION,
    FORMATS,
    FRAGMENTATION_RULES,
    FRAGMENTATION_TYPES,
    HIERARCHICAL_TYPES,
    LANGS,
    METRIC_SCHEME,
    NESTING_TYPES,
    NETWORKS,
    metric_concept,
    metric_label,
)
from .graphs import Networks, networks
from .measures import (
    Metrics,
    Observation,
    compute,
    fragmentation_type,
    metrics_at,
    participation_coverage,
)
from .rdf import (
    metric_iri,
    metrics_graph,
    metrics_graph_slices,
    metrics_ntriples,
    network_iri,
    to_rdf,
    to_triples,
)
from .read import Row, Select, oxigraph_select, read_graph
from .reporting import report
from .tabular import ACTOR_COLUMNS, INSTITUTION_COLUMNS, tables, to_csv, write_csv

__all__ = [
    "ACTOR_COLUMNS",
    "COVERAGE_INITIATIVES",
    "COVERAGE_POPULATION",
    "FORMATS",
    "FRAGMENTATION_RULES",
    "FRAGMENTATION_TYPES",
    "HIERARCHICAL_TYPES",
    "INSTITUTION_COLUMNS",
    "LANGS",
    "METRIC_SCHEME",
    "NESTING_TYPES",
    "NETWORKS",
    "Entity",
    "Link",
    "Membership",
    "Metrics",
    "Networks",
    "Observation",
    "RegimeData",
    "Row",
    "Select",
    "betweenness",
    "compute",
    "csv_dir_for",
    "eigenvector_by_component",
    "fragmentation_type",
    "iter_years",
    "metric_concept",
    "metric_iri",
    "metric_label",
    "metrics_at",
    "metrics_graph",
    "metrics_graph_slices",
    "metrics_ntriples",
    "network_iri",
    "networks",
    "oxigraph_select",
    "participation_coverage",
    "read_graph",
    "report",
    "resolve_as_of",
    "run",
    "tables",
    "to_csv",
    "to_rdf",
    "to_triples",
    "write_csv",
]
