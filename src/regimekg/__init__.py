"""regimekg: a bilingual knowledge graph of the global AI-governance regime complex."""

from __future__ import annotations

__version__ = "0.1.0"
