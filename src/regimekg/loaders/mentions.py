"""Bilingual gazetteer: which curated entities a piece of text mentions, and where.

Names come from the curated graph (``rdfs:label``, ``skos:altLabel``, ``rkg:acronym`` of every
``rkg:NamedEntity``). Matching works on a *normalised copy* of the text — NFKC (full-width →
half-width), case-folded, whitespace removed, the OCR letter ``O`` next to a digit read as
zero — with a map from every copied character back to its source offset, so a match is
always reported as an exact span of the stored text, which is never rewritten.

* Chinese has no word boundaries: the longest name starting at a position wins, and
  matches never overlap.
* English survives the OCR's dropped spaces ("theEUArtificial Intelligence Act") because
  spaces are removed on both sides; to keep precision, a Latin match must begin and end at
  a plausible word edge of the original text (non-letter, or a lower→upper case change).
* Acronyms (and any all-caps name such as ``OECD`` or ``G7``) are case-sensitive.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..curated import KIND_OF_CLASS
from ..namespaces import RKG, slug_of

#: Entity classes of the data model (the curated layer's classes and their two superclasses):
#: used when the ontology graph is not at hand.
KNOWN_ENTITY_CLASSES = frozenset(RKG[c] for c in (*KIND_OF_CLASS, "NamedEntity", "Actor"))

_CJK = re.compile(r"[\u3400-\u9fff]")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]（）]+")

#: Common words that contain a short name across a word boundary (沿海地区 ⊃ 海地 "Haiti",
#: 人工智能利用 ⊃ 智利 "Chile"). Longest-match consumes them like names, without a mention.
BLOCKERS = ("人工智能", "沿海", "地区")
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9&.\-]*[A-Z0-9]$")


@dataclass(frozen=True)
class Match:
    """One mention: ``text[start:end]`` is ``surface`` and names ``entity``."""

    start: int
    end: int
    entity: URIRef
    surface: str
    name: str

    @property
    def slug(self) -> str:
        return slug_of(self.entity)


@dataclass(frozen=True)
class _Name:
    entity: URIRef
    name: str
    exact: str  # NFKC form without whitespace, case kept (for case-sensitive names)
    case_sensitive: bool
    latin_start: bool
    latin_end: bool


_BLOCK = _Name(URIRef("urn:x-blocker"), "", "", False, False, False)


def _norm_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def normalise(text: str, *, fold: bool = True) -> tuple[str, list[int]]:
    """Matching copy of *text* and, for each of its characters, the source offset.

    Whitespace is dropped; ``O``/``o`` touching a digit becomes ``0`` (OCR confusion).
    """
    chars: list[str] = []
    pos: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        if ch in "Oo" and (
            (i > 0 and text[i - 1].isdigit()) or (i + 1 < n and text[i + 1].isdigit())
        ):
            ch = "0"
        for c in _norm_char(ch):
            chars.append(c.casefold() if fold else c)
            pos.append(i)
    return "".join(chars), pos


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def is_acronym(name: str) -> bool:
    """All-caps names (``OECD``, ``G7``, ``AI HLEG``) are matched case-sensitively."""
    compact = name.replace(" ", "")
    return (
        bool(_ACRONYM.match(compact)) and any(c.isalpha() for c in compact) and len(compact) <= 10
    )


class Gazetteer:
    """Every name of every curated named entity, ready for longest-match lookup."""

    def __init__(
        self, names: Iterable[tuple[URIRef, str, bool]] = (), blockers: Iterable[str] = BLOCKERS
    ) -> None:
        self._trie: dict = {}
        self.entities: set[URIRef] = set()
        self.by_key: dict[str, set[URIRef]] = defaultdict(set)
        self.labels: dict[URIRef, dict[str, str]] = defaultdict(dict)
        for entity, name, acronym in names:
            self.add(entity, name, acronym=acronym)
        for word in blockers:
            node = self._trie
            for ch in normalise(word)[0]:
                node = node.setdefault(ch, {})
            node.setdefault("", []).append(_BLOCK)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_graph(cls, g: Graph) -> Gazetteer:
        """Gazetteer of every ``rkg:NamedEntity`` instance in *g* (curated + ontology).

        Entity classes are ``rkg:NamedEntity`` and its subclasses in *g* (transitively), plus
        the classes of docs/architecture.md so that a names-only graph works too.
        """
        classes = set(KNOWN_ENTITY_CLASSES)
        changed = True
        while changed:
            changed = False
            for sub, sup in g.subject_objects(RDFS.subClassOf):
                if sup in classes and isinstance(sub, URIRef) and sub not in classes:
                    classes.add(sub)
                    changed = True
        gaz = cls()
        entities = sorted(
            {s for s, c in g.subject_objects(RDF.type) if c in classes and isinstance(s, URIRef)}
        )
        for e in entities:
            for prop in (RDFS.label, SKOS.altLabel):
                for lit in sorted(g.objects(e, prop), key=str):
                    if isinstance(lit, Literal):
                        gaz.add(e, str(lit), acronym=False, lang=lit.language)
            for lit in sorted(g.objects(e, RKG.acronym), key=str):
                gaz.add(e, str(lit), acronym=True)
        return gaz

    def add(
        self, entity: URIRef, name: str, *, acronym: bool = False, lang: str | None = None
    ) -> None:
        """Register *name* for *entity* (acronyms and all-caps names are case-sensitive)."""
        name = name.strip()
        self.entities.add(entity)
        if lang and lang not in self.labels[entity]:
            self.labels[entity][lang] = name
        exact, _ = normalise(name, fold=False)
        key = exact.casefold()
        if not key:
            return
        cjk = bool(_CJK.search(name))
        # One CJK character ("美") or two Latin letters match everywhere: too ambiguous.
        if (cjk and len(key) < 2) or (not cjk and len(key) < 2):
            return
        case_sensitive = acronym or (not cjk and is_acronym(name))
        if not cjk and not case_sensitive and len(key) < 4:
            return
        self.by_key[key].add(entity)
        node = self._trie
        for ch in key:
            node = node.setdefault(ch, {})
        node.setdefault("", []).append(
            _Name(entity, name, exact, case_sensitive, _is_latin(exact[0]), _is_latin(exact[-1]))
        )

    # ------------------------------------------------------------------ lookup
    def lookup(self, name: str) -> set[URIRef]:
        """Entities whose normalised name equals *name* exactly (for tables and discovery)."""
        exact, _ = normalise(name, fold=False)
        key = exact.casefold()
        hits = set()
        for cand in self._terminal(key):
            if cand is _BLOCK:
                continue
            if not cand.case_sensitive or cand.exact == exact:
                hits.add(cand.entity)
        return hits

    def _terminal(self, key: str) -> list[_Name]:
        node = self._trie
        for ch in key:
            node = node.get(ch)
            if node is None:
                return []
        return list(node.get("", []))

    def find(self, text: str, lang: str = "zh") -> list[Match]:
        """Non-overlapping mentions in *text*, leftmost-longest, with exact offsets.

        *lang* is the language of the text; names of both languages are matched because
        Chinese text quotes English names and acronyms and vice versa.
        """
        del lang  # names of every language apply; kept for the interface
        folded, pos = normalise(text)
        exact, _ = normalise(text, fold=False)
        urls = [(m.start(), m.end()) for m in _URL.finditer(text)]
        out: list[Match] = []
        i, n = 0, len(folded)
        while i < n:
            inside = next((e for s, e in urls if s <= pos[i] < e), None)
            if inside is not None:  # names inside URLs are not mentions ("whitehouse.gov")
                while i < n and pos[i] < inside:
                    i += 1
                continue
            node = self._trie
            hits: list[tuple[int, list[_Name]]] = []
            j = i
            while j < n:
                node = node.get(folded[j])
                if node is None:
                    break
                j += 1
                if "" in node:
                    hits.append((j, node[""]))
            chosen: Match | None = None
            blocked = False
            for end, cands in reversed(hits):
                if _BLOCK in cands:
                    blocked = True
                    break
                m = self._accept(text, exact, pos, i, end, cands)
                if m is not None:
                    chosen = m
                    break
            if blocked:
                i = end
                continue
            if chosen is None:
                i += 1
                continue
            if not any(s < chosen.end and chosen.start < e for s, e in urls):
                out.append(chosen)
            i = end
        return out

    def _accept(
        self, text: str, exact: str, pos: list[int], i: int, end: int, cands: list[_Name]
    ) -> Match | None:
        s, e = pos[i], pos[end - 1] + 1
        # A normalised character may come from a multi-character source (none here) or a
        # source character may expand (ligatures): require whole source characters.
        if end < len(pos) and pos[end] == pos[end - 1]:
            return None
        entities: dict[URIRef, _Name] = {}
        for c in cands:
            if c.case_sensitive and exact[i:end] != c.exact:
                continue
            if c.latin_start and not _start_edge(text, s, c.case_sensitive):
                continue
            if c.latin_end and not _end_edge(text, e, c.case_sensitive):
                continue
            entities.setdefault(c.entity, c)
        if len(entities) != 1:
            return None  # no name fits, or the surface form is ambiguous
        ent, name = next(iter(entities.items()))
        return Match(s, e, ent, text[s:e], name.name)


def _start_edge(text: str, s: int, acronym: bool) -> bool:
    """Could a word start at ``text[s]``? (dropped spaces leave only case changes)."""
    if s == 0:
        return True
    prev, cur = text[s - 1], text[s]
    if not _is_latin(prev):
        return True
    if acronym:
        return prev.islower() and not prev.isdigit()
    if prev.islower() and cur.isupper():
        return True
    nxt = text[s + 1] if s + 1 < len(text) else ""
    return prev.isupper() and cur.isupper() and nxt.islower()


def _end_edge(text: str, e: int, acronym: bool) -> bool:
    """Could a word end just before ``text[e]``?"""
    if e >= len(text):
        return True
    last, nxt = text[e - 1], text[e]
    if not _is_latin(nxt):
        return True
    if nxt.isdigit():
        return False
    after = text[e + 1] if e + 1 < len(text) else ""
    if acronym:
        # "theEUiscurrently" (dropped space) or "EUArtificial" (camel), not "UNESCO".
        return nxt.islower() or (nxt.isupper() and after.islower())
    return nxt.isupper() and (last.islower() or after.islower())
