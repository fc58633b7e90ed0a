"""regimekg: a bilingual knowledge graph of the global AI-governance regime complex.

``regimekg.open()`` is the entry point for Python users (see :func:`regimekg.query.open`);
it is imported lazily so that ``import regimekg`` stays cheap for the CLI.
"""

from __future__ import annotations

from typing import Any

#: The package version, kept here only: pyproject.toml reads it (hatch's dynamic version) and
#: ``regimekg generate`` stamps it into the ontology header, its RDF/XML and the catalog.
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "open":
        from .query import open

        return open
    raise AttributeError(f"module 'regimekg' has no attribute {name!r}")
