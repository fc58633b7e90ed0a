"""The metric dictionary: what the analysis measures on, and where each metric is defined.

What a metric *means* (DESIGN §8, docs/metrics.md) — its labels, definition and literature —
is a concept of ``ontology/vocab/metric.ttl``, edited by hand like every vocabulary; the RDF
writer, the CSV tables and the report read it from there, so a label or a reference is
changed in that file and nowhere else. This module keeps the analysis's own constants: the
link-type groupings, the networks, the coverage sample.
"""

from __future__ import annotations

from .. import vocab
from ..errors import UserError

LANGS = ("en", "zh")
FORMATS = ("table", "csv", "json", "md")

#: Links where the target is the authority the source defers to (Gehring & Faude 2014).
HIERARCHICAL_TYPES = ("builds-on", "endorses", "hosted-by")
#: Links that put one element inside another (Alter & Meunier 2009).
NESTING_TYPES = ("nested-in", "part-of")
#: Operationalisation of Biermann et al. (2009), strongest evidence first (docs/metrics.md).
FRAGMENTATION_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("conflictive", frozenset({"conflicts-with"})),
    ("synergistic", frozenset({"nested-in", "part-of", "hosted-by"})),
    ("cooperative", frozenset({"builds-on", "endorses", "overlaps-with", "parallel-to"})),
)
#: Biermann et al.'s order, from most to least integrated. Their labels ("synergistic
#: fragmentation" / "协同型碎片化") are the concepts of ``ontology/vocab/fragmentation-type.ttl``.
FRAGMENTATION_TYPES = ("synergistic", "cooperative", "conflictive")

#: The networks metrics are computed on; their IRIs are ``id/network/{slug}``.
NETWORKS: dict[str, tuple[str, str]] = {
    "membership": ("actor × institution membership network", "行为体—机制成员网络"),
    "institution-projection": ("institution co-membership network", "机制共同成员网络"),
    "actor-projection": ("actor co-membership network", "行为体共同参与网络"),
    "regime-links": ("institution × institution regime-link network", "机制间联系网络"),
}

#: The metrics themselves — labels, definitions, literature (``dcterms:source``) — are the
#: concepts of ``ontology/vocab/metric.ttl``, read through :mod:`regimekg.vocab` like every
#: other controlled value (:func:`metric_label`); the RDF writer copies them from there.
METRIC_SCHEME = "metric"


def metric_label(slug: str, lang: str) -> str:
    """The metric's preferred label in *lang* (``ontology/vocab/metric.ttl``)."""
    return metric_concept(slug).label(lang)


def metric_concept(slug: str) -> vocab.Concept:
    """The concept of metric *slug*; a metric the code computes but the vocabulary lacks is a
    broken checkout, said in one sentence."""
    try:
        return vocab.current().concepts(METRIC_SCHEME)[slug]
    except KeyError:
        raise UserError(
            f"metric {slug!r} is computed but ontology/vocab/metric.ttl has no concept for it; "
            "add one (labels, definitions and sources in both languages, see docs/editing.md)."
        ) from None


#: The initiatives of ``states-in-exactly-k-initiatives`` (slugs), the same set as the default
#: of ``queries/participation-coverage.rq``: seven non-UN AI-governance bodies and instruments
#: with state participation, a sample in the manner of the Advisory Body's report (whose own
#: list no stored page names; docs/data.md, "Coverage"). Slugs the graph lacks are skipped.
COVERAGE_INITIATIVES = (
    "oecd-ai-principles",
    "g20",
    "gpai",
    "coe-framework-convention-on-ai",
    "g7",
    "bletchley-declaration",
    "seoul-declaration",
)
#: Whose current member states the coverage counts.
COVERAGE_POPULATION = "united-nations"
