"""A normalised search text for every segment, so passage search survives OCR damage.

The bundled sources were produced by OCR: the English article drops spaces
("theEUArtificial Intelligence Act"), writes the letter O for zero ("2O24") and leaves
HTML-escape debris ("&amp;"); the Chinese text mixes full- and half-width punctuation and
breaks lines inside words. SPARQL alone cannot match a phrase through that, so the build
stores beside each segment's exact ``rkg:text`` an ``rkg:searchText`` in which both the
damage and the user's needle fold to the same form; the ``passage-search`` query folds the
needle with the same rules (see :data:`SPARQL_FOLD`) and matches with ``CONTAINS``.

The stored text is never rewritten; the search text is an index, not content.
"""

from __future__ import annotations

import html
import re
import unicodedata

from rdflib import Graph, Literal
from rdflib.namespace import RDF

from .namespaces import RKG

#: Characters dropped from both sides: whitespace and the punctuation the sources use.
#: The same class appears in ``queries/passage-search.rq``; a test keeps the two equal.
DROPPED = r"""[\s.,;:!?'"()\[\]{}<>/\\|_*#&%+=~`^@\-“”‘’、。《》（），：；！？【】「」·—…]"""
_DROPPED = re.compile(DROPPED)


def normalise(text: str) -> str:
    """Fold *text* for matching: unescape, NFKC width, lowercase, no spaces/punctuation, o→0.

    NFKC turns full-width letters and punctuation into ASCII (``（`` → ``(``), so Chinese
    punctuation is dropped with the ASCII class. Folding the letter o onto the digit 0 on both
    sides makes "2O24" and "2024" meet; it cannot create a false match that the folded needle
    did not also contain.
    """
    t = unicodedata.normalize("NFKC", html.unescape(text)).lower()
    t = _DROPPED.sub("", t)
    return t.replace("o", "0")


def annotate(g: Graph) -> int:
    """Add ``rkg:searchText`` to every segment of *g* that has ``rkg:text``; return the count."""
    added = 0
    for seg in sorted(set(g.subjects(RDF.type, RKG.Segment))):
        for text in g.objects(seg, RKG.text):
            g.add((seg, RKG.searchText, Literal(normalise(str(text)))))
            added += 1
    return added
