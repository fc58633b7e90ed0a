"""Regime-complexity metrics (DESIGN §8); the code moves into modules of this package."""

from .measures import *  # noqa: F403
from .measures import (  # noqa: F401
    COVERAGE_INITIATIVES,
    COVERAGE_POPULATION,
    METRIC_REFERENCES,
    METRICS,
    NETWORKS,
    REFERENCES,
    Select,
    __all__,
    _lit,
    iter_years,
    metric_iri,
    network_iri,
    participation_coverage,
)
