"""Bilingual gazetteer: which curated entities a piece of text mentions, and where.

Names come from the curated graph (``rdfs:label``, ``skos:altLabel``, ``rkg:acronym`` of every
``rkg:NamedEntity``). Matching works on a *normalised copy* of the text — NFKC (full-width →
half-width), case-folded, whitespace removed, the OCR letter ``O`` next to a digit read as
zero — with a map from every copied character back to its source offset, so a match is
always reported as an exact span of the stored text, which is never rewritten.

* Chinese is written without spaces: the longest name starting at a position wins,
  matches never overlap, and both ends of a match must be word boundaries where Chinese
  meets Chinese (:mod:`.wordseg`, jieba), so 中国 is not found inside 发展中国家.
* English survives the OCR's dropped spaces ("theEUArtificial Intelligence Act") because
  spaces are removed on both sides; to keep precision, a Latin match must begin and end at
  a plausible word edge of the original text (non-letter, or a lower→upper case change),
  and a space the text has between two letters must be a space of the name ("open AI" is
  not "OpenAI").
* Acronyms (and any all-caps name such as ``OECD`` or ``G7``) and one-word names with a
  capital (``OpenAI``, ``China``) are case-sensitive.
* Where no exact name matched, loose variants (:mod:`.variants`) may: another linking
  word, an article, a year, an honorific before a person's name. Every match carries a
  confidence; :meth:`Gazetteer.find` returns the mentions, :meth:`Gazetteer.match` also
  the weak matches that loaders turn into candidates.
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
from .variants import (
    EXACT_ALIAS,
    EXACT_LABEL,
    THRESHOLD,
    Loose,
    kinds_between,
    loose,
    person_variants,
    variant_confidence,
)
from .wordseg import Segmenter, is_cjk

#: Entity classes of the data model (the curated layer's classes and their two superclasses):
#: used when the ontology graph is not at hand.
KNOWN_ENTITY_CLASSES = frozenset(RKG[c] for c in (*KIND_OF_CLASS, "NamedEntity", "Actor"))

_CJK = re.compile(r"[\u3400-\u9fff]")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]（）]+")

_JOINED_HYPHEN = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9&.\-]*[A-Z0-9]$")


@dataclass(frozen=True)
class Match:
    """One mention: ``text[start:end]`` is ``surface`` and names ``entity``."""

    start: int
    end: int
    entity: URIRef
    surface: str
    name: str
    confidence: float = EXACT_LABEL
    rule: str = "label"

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
    is_label: bool = False
    #: Offsets in ``exact`` where the name has a space between two Latin characters.
    spaces: frozenset[int] = frozenset()
    acronym: bool = False  # acronym edge rules ("theEUiscurrently"), not just case


@dataclass(frozen=True)
class _Variant:
    """A loose key's owner: the name it came from and how a match on it is scored."""

    entity: URIRef
    name: str
    events: tuple[tuple[str, str, int], ...]
    is_label: bool
    fixed: float | None = None  # honorific forms carry their own confidence


def _norm_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def normalise(text: str, *, fold: bool = True) -> tuple[str, list[int]]:
    """Matching copy of *text* and, for each of its characters, the source offset.

    One offset per output character, so a character that normalises or casefolds into several
    (``㏠`` → ``1日``, ``ß`` → ``ss``) maps each of them back to itself.

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
            for d in c.casefold() if fold else c:  # casefolding may expand (ß → ss)
                chars.append(d)
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

    def __init__(self, names: Iterable[tuple[URIRef, str, bool]] = ()) -> None:
        self._trie: dict = {}
        self._loose: dict = {}
        self.entities: set[URIRef] = set()
        self.by_key: dict[str, set[URIRef]] = defaultdict(set)
        self.labels: dict[URIRef, dict[str, str]] = defaultdict(dict)
        self.names: dict[URIRef, set[str]] = defaultdict(set)
        self._cjk_names: set[str] = set()
        self._segmenter: Segmenter | None = None
        for entity, name, acronym in names:
            self.add(entity, name, acronym=acronym)

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
            person = (e, RDF.type, RKG.Person) in g
            for prop in (RDFS.label, SKOS.altLabel):
                for lit in sorted(g.objects(e, prop), key=str):
                    if isinstance(lit, Literal):
                        gaz.add(
                            e,
                            str(lit),
                            acronym=False,
                            lang=lit.language,
                            is_label=prop == RDFS.label,
                            person=person,
                        )
            for lit in sorted(g.objects(e, RKG.acronym), key=str):
                gaz.add(e, str(lit), acronym=True)
        return gaz

    def add(
        self,
        entity: URIRef,
        name: str,
        *,
        acronym: bool = False,
        lang: str | None = None,
        is_label: bool = False,
        person: bool = False,
    ) -> None:
        """Register *name* for *entity*.

        Acronyms, all-caps names and one-word names with a capital (``OpenAI``, ``China``)
        are case-sensitive: "open AI models" is not OpenAI and "china" is porcelain.
        ``is_label`` marks the entity's ``rdfs:label`` (confidence 1.0; aliases 0.9);
        ``person`` adds honorific forms ("President Trump").
        """
        name = name.strip()
        self.entities.add(entity)
        if lang and lang not in self.labels[entity]:
            self.labels[entity][lang] = name
        self.names[entity].add(name)
        exact, _ = normalise(name, fold=False)
        key = exact.casefold()
        if not key:
            return
        cjk = bool(_CJK.search(name))
        # One CJK character ("美") or two Latin letters match everywhere: too ambiguous.
        if (cjk and len(key) < 2) or (not cjk and len(key) < 2):
            return
        one_word = not cjk and len(name.split()) == 1
        brand = one_word and any(c.isupper() for c in name)
        acronym = acronym or (not cjk and is_acronym(name))
        case_sensitive = acronym or brand
        if not cjk and not case_sensitive and len(key) < 4:
            return
        self.by_key[key].add(entity)
        if cjk:
            self._cjk_names.add(key)
            self._segmenter = None
        node = self._trie
        for ch in key:
            node = node.setdefault(ch, {})
        node.setdefault("", []).append(
            _Name(
                entity,
                name,
                exact,
                case_sensitive,
                _is_latin(exact[0]),
                _is_latin(exact[-1]),
                is_label,
                _latin_spaces(name),
                acronym,
            )
        )
        if not case_sensitive:
            # A hyphen inside a word may be written or not ("Co-operation", "Cooperation").
            for form in {name, _JOINED_HYPHEN.sub("", name)}:
                lz = loose(form)
                # Variants of one-word Latin names are left to the exact matcher: a loose
                # "ai" would match every "AI".
                if len(lz.key.replace(" ", "")) >= 2 and (cjk or " " in lz.key):
                    self._add_loose(lz.key, _Variant(entity, name, tuple(lz.events), is_label))
        if person:
            for form, conf in person_variants(name):
                lz = loose(form)
                self._add_loose(lz.key, _Variant(entity, form, tuple(lz.events), False, conf))

    def _add_loose(self, key: str, variant: _Variant) -> None:
        node = self._loose
        for ch in key:
            node = node.setdefault(ch, {})
        node.setdefault("", []).append(variant)

    @property
    def segmenter(self) -> Segmenter:
        """Chinese word boundaries with this gazetteer's names in the dictionary."""
        if self._segmenter is None:
            self._segmenter = Segmenter(self._cjk_names)
        return self._segmenter

    # ------------------------------------------------------------------ lookup
    def lookup(self, name: str) -> set[URIRef]:
        """Entities whose normalised name equals *name* exactly (for tables and discovery)."""
        exact, _ = normalise(name, fold=False)
        key = exact.casefold()
        hits = set()
        for cand in self._terminal(key):
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
        """Mentions in *text* (confidence at least :data:`THRESHOLD`), in text order."""
        return [m for m in self.match(text, lang) if m.confidence >= THRESHOLD]

    def match(self, text: str, lang: str = "zh") -> list[Match]:
        """Every match in *text*, leftmost-longest and non-overlapping, with exact offsets and
        a confidence; those below :data:`THRESHOLD` are proposals, not mentions.

        *lang* is the language of the text; names of both languages are matched because
        Chinese text quotes English names and acronyms and vice versa. Exact names are
        matched first; loose variants (:mod:`.variants`) only where no exact name matched.
        """
        del lang  # names of every language apply; kept for the interface
        folded, pos = normalise(text)
        exact, _ = normalise(text, fold=False)
        urls = [(m.start(), m.end()) for m in _URL.finditer(text)]
        # Word boundaries as source offsets: where a word starts, and where one ends.
        cuts = self.segmenter.boundaries(folded) if _CJK.search(folded) else set()
        bounds = {pos[k] for k in cuts if k < len(pos)} | {pos[k - 1] + 1 for k in cuts if k > 0}
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
            for end, cands in reversed(hits):
                if not _on_boundary(text, bounds, pos[i], pos[end - 1] + 1):
                    continue
                m = self._accept(text, exact, pos, i, end, cands)
                if m is not None:
                    chosen = m
                    break
            if chosen is None:
                i += 1
                continue
            if not any(s < chosen.end and chosen.start < e for s, e in urls):
                out.append(chosen)
            i = end
        out.extend(self._variants(text, bounds, urls, out))
        return sorted(out, key=lambda m: (m.start, m.end))

    def _variants(
        self,
        text: str,
        bounds: set[int],
        urls: list[tuple[int, int]],
        taken: list[Match],
    ) -> list[Match]:
        """Loose matches in the parts of *text* no exact name covered."""
        lz = loose(text)
        key, n = lz.key, len(lz.key)
        busy = [(m.start, m.end) for m in taken] + urls
        out: list[Match] = []
        i = 0
        while i < n:
            if not lz.token_start[i] or key[i] == " ":
                i += 1
                continue
            node = self._loose
            hits: list[tuple[int, list[_Variant]]] = []
            j = i
            while j < n:
                node = node.get(key[j])
                if node is None:
                    break
                j += 1
                if "" in node and (j == n or lz.token_start[j] or key[j] == " "):
                    hits.append((j, node[""]))
            chosen: Match | None = None
            # A title written in Latin letters starts with a capital: "global AI governance"
            # is a phrase, "Global AI Governance Initiative" a name.
            if text[lz.starts[i]].islower():
                hits = []
            for end, cands in reversed(hits):
                s, e = lz.starts[i], lz.ends[end - 1]
                if not _on_boundary(text, bounds, s, e):
                    continue
                if any(a < e and s < b for a, b in busy):
                    continue
                chosen = self._score(text, lz, s, e, cands, busy)
                if chosen is not None:
                    break
            if chosen is None:
                i += 1
                continue
            out.append(chosen)
            busy.append((chosen.start, chosen.end))
            while i < n and lz.starts[i] < chosen.end:
                i += 1
        return out

    def _score(
        self,
        text: str,
        lz: Loose,
        s: int,
        e: int,
        cands: list[_Variant],
        busy: list[tuple[int, int]],
    ) -> Match | None:
        """The match of a loose key on ``text[s:e]``, or None when it is ambiguous."""
        # A year written right before or after the name belongs to it ("2025 X Summit"),
        # unless another match already holds it.
        for kind, tok, at in lz.events:
            if kind != "year" or any(a < at + len(tok) and at < b for a, b in busy):
                continue
            if at + len(tok) <= s and not text[at + len(tok) : s].strip(" \u3000"):
                s = at
            elif at >= e and not text[e:at].strip(" \u3000"):
                e = at + len(tok)
        span_events = [ev for ev in lz.events if s <= ev[2] < e]
        best: dict[URIRef, tuple[float, _Variant]] = {}
        for v in cands:
            if v.fixed is not None:
                conf = v.fixed
            else:
                kinds = kinds_between(list(v.events), span_events) or {"form"}
                conf = variant_confidence(v.is_label, kinds)
            if v.entity not in best or conf > best[v.entity][0]:
                best[v.entity] = (conf, v)
        if len(best) != 1:
            return None
        entity, (conf, v) = next(iter(best.items()))
        rule = "honorific" if v.fixed is not None else "variant"
        return Match(s, e, entity, text[s:e], v.name, conf, rule)

    def _accept(
        self, text: str, exact: str, pos: list[int], i: int, end: int, cands: list[_Name]
    ) -> Match | None:
        s, e = pos[i], pos[end - 1] + 1
        # A normalised character may come from a multi-character source (none here) or a
        # source character may expand (ligatures): require whole source characters.
        if end < len(pos) and pos[end] == pos[end - 1]:
            return None
        # Spaces the text has between two Latin letters must be spaces of the name too:
        # "open AI" is two words, "OpenAI" one (dropped spaces, the OCR's habit, are fine).
        gaps = frozenset(
            k - i
            for k in range(i + 1, end)
            if pos[k] - pos[k - 1] > 1 and _is_latin(text[pos[k - 1]]) and _is_latin(text[pos[k]])
        )
        entities: dict[URIRef, _Name] = {}
        for c in cands:
            if c.case_sensitive and exact[i:end] != c.exact:
                continue
            if c.latin_start and not _start_edge(text, s, c.acronym):
                continue
            if c.latin_end and not _end_edge(text, e, c.acronym):
                continue
            if not gaps <= c.spaces:
                continue
            if c.entity not in entities or (c.is_label and not entities[c.entity].is_label):
                entities[c.entity] = c
        if len(entities) != 1:
            return None  # no name fits, or the surface form is ambiguous
        ent, name = next(iter(entities.items()))
        conf, rule = (EXACT_LABEL, "label") if name.is_label else (EXACT_ALIAS, "alias")
        return Match(s, e, ent, text[s:e], name.name, conf, rule)


def _latin_spaces(name: str) -> frozenset[int]:
    """Offsets in the whitespace-free form of *name* that follow a space between Latin
    letters ("Open AI" → {4})."""
    out = set()
    k = 0
    prev = ""
    gap = False
    for ch in name.strip():
        if ch.isspace():
            gap = True
            continue
        for c in _norm_char(ch):
            if gap and _is_latin(prev) and _is_latin(c):
                out.add(k)
            gap = False
            prev = c
            k += 1
    return frozenset(out)


def _on_boundary(text: str, bounds: set[int], s: int, e: int) -> bool:
    """Both ends of ``text[s:e]`` are word boundaries where Chinese meets Chinese."""
    if s > 0 and is_cjk(text[s]) and is_cjk(_prev_visible(text, s)) and s not in bounds:
        return False
    return not (
        e < len(text) and is_cjk(text[e - 1]) and is_cjk(_next_visible(text, e)) and e not in bounds
    )


def _prev_visible(text: str, s: int) -> str:
    k = s - 1
    while k >= 0 and text[k].isspace():
        k -= 1
    return text[k] if k >= 0 else ""


def _next_visible(text: str, e: int) -> str:
    k = e
    while k < len(text) and text[k].isspace():
        k += 1
    return text[k] if k < len(text) else ""


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
