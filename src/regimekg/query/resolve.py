"""Which entity a parameter value names, asked of the engine for that one value.

A value is an IRI, a slug (``g7``, ``institution/g7``), or a label, alias or acronym in
either language (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``, ``rkg:acronym``) of an
entity under ``id/`` that is not an ``rkg:Candidate``. Resolution never downloads the label
index (on a large graph that is more rows than ``regimekg serve`` answers with): each query
is about the value at hand, or asked once about the shape of the labels, and returns at most
:data:`PAGE` rows — the same queries on every engine, so every engine answers alike.

1. **IRI**: does it occur in the graph?
2. **Slug**: do the candidate IRIs ``id/{kind}/{slug}`` have a label? For a bare slug the
   kinds are those of the labelled ``id/`` IRIs, asked once per :class:`Resolver` (a few
   dozen rows).
3. **Exact name**: the value as a literal in each form labels take (their language tags,
   and untagged; asked once, a few rows), all bound as terms, so the engine looks the
   literals up in its index.
4. **Loose name** (NFKC, case-folded, single spaces, title marks like 《》 stripped, see
   :func:`norm`): the engine scans the labels for those whose ``LCASE`` contains every word
   of the value (:func:`words`) and returns the :data:`PAGE` closest to it in length; Python
   compares their loose forms. Engines lower-case but do not NFKC-normalise or case-fold, so
   a label that spells a word of the value with full-width letters or digits, or with a
   letter whose case folding is not its lower case (``ẞ``), is only found in its own
   spelling; full-width punctuation and odd spacing in labels do not matter.
5. **Did you mean**: the entities whose loose names contain the value, in IRI order (from
   the same scan, or pages of :data:`PAGE` rows, at most :data:`MAX_PAGES`); failing that,
   :mod:`difflib`'s close matches among the :data:`PAGE` labels that share the most
   character n-grams with the value.

Values travel as RDF terms (pyoxigraph ``substitutions``, rdflib ``initBindings``, token-level
substitution for endpoints); candidate IRIs, built from a slug that matched a strict pattern,
go into a ``VALUES`` block in N-Triples form (:func:`.sparqltext.ntriples`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ..errors import UserError
from ..namespaces import ID
from . import sparqltext
from .backends import Backend

#: Most rows any one resolution query returns (a page of candidates).
PAGE = 100
#: Most pages of "contains" candidates read for the suggestions of an error message.
MAX_PAGES = 10
#: Most words of a value the engine filters on, and most n-grams it scores by.
MAX_WORDS = 8
MAX_GRAMS = 24

_SLUGISH = re.compile(r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*/)?[a-z0-9]+(?:-[a-z0-9]+)*$")
_IRI_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_PAIRED_MARKS = [("《", "》"), ("〈", "〉"), ("“", "”"), ('"', '"'), ("'", "'"), ("「", "」")]
_BASE = str(ID)

_LABELLED = (
    "{ ?e rdfs:label ?l } UNION { ?e skos:prefLabel ?l } UNION { ?e skos:altLabel ?l } "
    "UNION { ?e rkg:acronym ?l }"
)
#: The kinds ``id/{kind}/…`` of the IRIs that have labels (a few dozen rows).
_KINDS_QUERY = f"""
SELECT DISTINCT ?kind WHERE {{
  {{ SELECT DISTINCT ?e WHERE {{ {_LABELLED} }} }}
  FILTER(isIRI(?e) && STRSTARTS(STR(?e), "{_BASE}"))
  BIND(STRBEFORE(STRAFTER(STR(?e), "{_BASE}"), "/") AS ?kind)
}}"""
#: The forms labels take: language tags, and the datatypes of untagged ones (a few rows).
_FORMS_QUERY = f"""
SELECT DISTINCT ?lang ?datatype WHERE {{
  {_LABELLED}
  FILTER(isLiteral(?l))
  BIND(LANG(?l) AS ?lang)
  BIND(IF(LANG(?l) = "", STR(DATATYPE(?l)), "") AS ?datatype)
}}"""
_EXISTS_QUERY = "SELECT ?e WHERE { { ?e ?p ?o } UNION { ?s ?p ?e } } LIMIT 1"
_SLUG_QUERY = """
SELECT DISTINCT ?e WHERE {{
  VALUES ?e {{ {iris} }}
  {labelled}
  FILTER(isLiteral(?l))
  FILTER NOT EXISTS {{ ?e a rkg:Candidate }}
}}"""
_EXACT_QUERY = """
SELECT DISTINCT ?e ?scope {names} WHERE {{
  VALUES ?p {{ rdfs:label skos:prefLabel skos:altLabel rkg:acronym }}
  {union}
  FILTER(isIRI(?e) && STRSTARTS(STR(?e), ?scope))
  FILTER NOT EXISTS {{ ?e a rkg:Candidate }}
}}"""
_CANDIDATES_QUERY = """
SELECT DISTINCT ?e ?l ?scope ?n {words} WHERE {{
  {labelled}
  FILTER(isIRI(?e) && isLiteral(?l) && STRSTARTS(STR(?e), ?scope){contains})
  MINUS {{ ?e a rkg:Candidate }}
}}
ORDER BY {order} ?e STR(?l) LANG(?l)
LIMIT {limit} OFFSET {offset}"""
_SIMILAR_QUERY = """
SELECT DISTINCT ?e ?l ?scope ?n {grams} WHERE {{
  {labelled}
  FILTER(isIRI(?e) && isLiteral(?l) && STRSTARTS(STR(?e), ?scope))
  BIND(LCASE(STR(?l)) AS ?low)
  BIND({score} AS ?score)
  FILTER(?score > 0)
  MINUS {{ ?e a rkg:Candidate }}
}}
ORDER BY DESC(?score) ABS(STRLEN(STR(?l)) - ?n) ?e STR(?l) LANG(?l)
LIMIT {limit}"""


def norm(text: str) -> str:
    """Loose form of a name for matching: NFKC, case-folded, single spaces, no title marks."""
    t = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    for a, b in _PAIRED_MARKS:
        if len(t) > 2 and t.startswith(a) and t.endswith(b):
            t = t[len(a) : -len(b)].strip()
    return t


def _runs(value: str) -> list[str]:
    """Lower-case runs of letters and digits of *value* (NFKC), in order. A character whose
    case folding differs from its lower case (``ß``, ``ς`` …) ends a run, since SPARQL's
    ``LCASE`` only lower-cases."""
    text = unicodedata.normalize("NFKC", value).lower()
    runs: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch.isalnum() and ch.casefold() == ch:
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def words(value: str) -> list[str]:
    """The words the engine filters labels by: every label whose loose form contains
    *value*'s loose form contains each of them in its SPARQL ``LCASE`` (unless it spells
    them with compatibility characters). Longest first, at most :data:`MAX_WORDS`."""
    distinct = sorted(dict.fromkeys(_runs(value)), key=lambda w: (-len(w), w))
    return distinct[:MAX_WORDS]


def grams(value: str) -> list[str]:
    """Character n-grams of *value*'s words for ranking similar labels: trigrams of ASCII
    words, bigrams of others (a CJK word is dense), short words whole; at most
    :data:`MAX_GRAMS`, spread evenly over the value."""
    out: list[str] = []
    for w in _runs(value):
        n = 3 if w.isascii() else 2
        if len(w) <= n:
            out.append(w)
        else:
            out.extend(w[i : i + n] for i in range(len(w) - n + 1))
    out = list(dict.fromkeys(out))
    if len(out) > MAX_GRAMS:
        step = len(out) / MAX_GRAMS
        out = [out[int(i * step)] for i in range(MAX_GRAMS)]
    return out


def as_literals(value: str, forms: list[tuple[str, str]]) -> list[Literal]:
    """*value* as a literal in each of *forms*: ``(language tag, "")`` or ``("", datatype)``."""
    out: list[Literal] = []
    for lang, datatype in forms:
        if lang:
            out.append(Literal(value, lang=lang))
        elif datatype in ("", str(XSD.string)):
            out.append(Literal(value))  # how rdflib holds a plain literal …
            out.append(Literal(value, datatype=XSD.string))  # … and an explicitly typed one
        else:
            out.append(Literal(value, datatype=URIRef(datatype)))
    return list(dict.fromkeys(out))


class Resolver:
    """Resolves parameter values on one backend; *describe* names IRIs for messages."""

    def __init__(self, backend: Backend, describe: Callable[[list[URIRef]], list[str]]) -> None:
        self._backend = backend
        self._describe = describe
        self._kinds: list[str] | None = None
        self._forms: list[tuple[str, str]] | None = None

    # -- the engine's answers ------------------------------------------------------------

    def kinds(self) -> list[str]:
        """The ``id/`` kinds of labelled IRIs (asked once)."""
        if self._kinds is None:
            rows = self._backend.run(_KINDS_QUERY, {}, None).rows
            self._kinds = sorted({str(r[0]) for r in rows if r[0] is not None and str(r[0])})
        return self._kinds

    def forms(self) -> list[tuple[str, str]]:
        """The language tags (and datatypes of untagged literals) of labels (asked once)."""
        if self._forms is None:
            forms: set[tuple[str, str]] = set()
            for lang, datatype in self._backend.run(_FORMS_QUERY, {}, None).rows:
                if lang is not None and str(lang):
                    forms.add((str(lang), ""))
                elif datatype is not None:
                    forms.add(("", str(datatype)))
            self._forms = sorted(forms)
        return self._forms

    def _exists(self, iri: URIRef) -> bool:
        return bool(self._backend.run(_EXISTS_QUERY, {"e": iri}, 1).rows)

    def _labelled(self, iris: list[URIRef]) -> set[URIRef]:
        """Those of *iris* that have a label and are not candidates."""
        written = []
        for iri in iris:
            try:
                written.append(sparqltext.ntriples(iri))
            except UserError:
                continue
        if not written:
            return set()
        text = _SLUG_QUERY.format(iris=" ".join(written), labelled=_LABELLED)
        rows = self._backend.run(text, {}, None).rows
        return {r[0] for r in rows if isinstance(r[0], URIRef)}

    def _exact(self, value: str, scope: str) -> set[URIRef]:
        # A value an endpoint could not be sent (a \u escape) is left to the loose match,
        # which sends only its words, so every engine answers alike.
        literals = [lit for lit in as_literals(value, self.forms()) if _sendable(lit)]
        if not literals:
            return set()
        names = [f"?v{i}" for i in range(len(literals))]
        union = " UNION ".join(f"{{ ?e ?p {n} }}" for n in names)
        text = _EXACT_QUERY.format(names=" ".join(names), union=union)
        bindings: dict[str, URIRef | Literal] = {"scope": Literal(scope)}
        bindings.update({n[1:]: lit for n, lit in zip(names, literals, strict=True)})
        rows = self._backend.run(text, bindings, None).rows
        return {r[0] for r in rows if isinstance(r[0], URIRef)}

    def _candidates(
        self, value: str, scope: str, *, by_length: bool, offset: int = 0
    ) -> list[tuple[URIRef, Literal]]:
        """Labels (in scope) whose lower case contains every word of *value*: the
        :data:`PAGE` closest to it in length, or the page at *offset* in IRI order."""
        ws = words(value)
        names = [f"?w{i}" for i in range(len(ws))]
        contains = "".join(f" && CONTAINS(LCASE(STR(?l)), {n})" for n in names)
        text = _CANDIDATES_QUERY.format(
            words=" ".join(names),
            labelled=_LABELLED,
            contains=contains,
            order="ABS(STRLEN(STR(?l)) - ?n)" if by_length else "",
            limit=PAGE,
            offset=offset,
        )
        bindings: dict[str, URIRef | Literal] = {
            "scope": Literal(scope),
            "n": Literal(len(norm(value))),
        }
        bindings.update({n[1:]: Literal(w) for n, w in zip(names, ws, strict=True)})
        return _pairs(self._backend.run(text, bindings, None).rows)

    def _similar(self, value: str, scope: str) -> list[tuple[URIRef, Literal]]:
        """The :data:`PAGE` labels sharing the most n-grams with *value*."""
        gs = grams(value)
        if not gs:
            return []
        names = [f"?g{i}" for i in range(len(gs))]
        score = " + ".join(f"IF(CONTAINS(?low, {n}), 1, 0)" for n in names)
        text = _SIMILAR_QUERY.format(
            grams=" ".join(names), labelled=_LABELLED, score=score, limit=PAGE
        )
        bindings: dict[str, URIRef | Literal] = {
            "scope": Literal(scope),
            "n": Literal(len(norm(value))),
        }
        bindings.update({n[1:]: Literal(g) for n, g in zip(names, gs, strict=True)})
        return _pairs(self._backend.run(text, bindings, None).rows)

    # -- resolution ----------------------------------------------------------------------

    def _one(self, value: str, hits: set[URIRef]) -> URIRef | None:
        if len(hits) == 1:
            return next(iter(hits))
        if len(hits) > 1:
            listed = "; ".join(self._describe(sorted(hits)[:8]))
            raise UserError(
                f"{value!r} names {len(hits)} entities ({listed}); pass one of the slugs in "
                "brackets instead."
            )
        return None

    def resolve(self, value: str, kind: str | None = None, *, suggest: bool = True) -> URIRef:
        """See :meth:`regimekg.query.KG.resolve`; without *suggest* an unknown name's error
        names no similar entities, as finding them costs more queries than the lookup."""
        v = value.strip()
        if not v:
            raise UserError("an empty value names no entity; give an IRI, a slug or a name.")
        scope = f"{_BASE}{kind}/" if kind else _BASE
        if v.startswith("<") and v.endswith(">"):
            v = v[1:-1].strip()
        if _IRI_LIKE.match(v):
            iri = URIRef(v)
            sparqltext.ntriples(iri)  # refuses anything that is not a plain IRI
            if not str(iri).startswith(scope):
                raise UserError(f"<{v}> is not a {kind} (its IRI must start with {scope}).")
            if self._exists(iri):
                return iri
            raise UserError(f"<{v}> does not occur in the graph; check the IRI or give a name.")
        if _SLUGISH.match(v):
            if "/" in v:
                tried = [URIRef(_BASE + v)]
            elif kind:
                tried = [URIRef(scope + v)]
            else:
                tried = [URIRef(f"{_BASE}{k}/{v}") for k in self.kinds()]
            tried = [t for t in tried if str(t).startswith(scope)]
            found = self._one(v, self._labelled(tried) if tried else set())
            if found is not None:
                return found
        found = self._one(v, self._exact(v, scope))
        if found is not None:
            return found
        nv = norm(v)
        near = self._candidates(v, scope, by_length=True)
        found = self._one(v, {e for e, lit in near if norm(lit) == nv})
        if found is not None:
            return found
        if not suggest:
            raise UserError(f"no {kind or 'entity'} is called {value.strip()!r}.")
        raise UserError(self._not_found(value.strip(), v, nv, scope, kind, near))

    def _not_found(
        self,
        shown: str,
        v: str,
        nv: str,
        scope: str,
        kind: str | None,
        near: list[tuple[URIRef, Literal]],
    ) -> str:
        # The entities whose names contain the value, in IRI order. *near* holds every label
        # with the value's words unless it filled a page; then read them page by page.
        if len(near) < PAGE:
            suggested = sorted({e for e, lit in near if nv in norm(lit)})
        else:
            suggested = []
            for page in range(MAX_PAGES):
                rows = self._candidates(v, scope, by_length=False, offset=page * PAGE)
                for e, lit in rows:
                    if nv in norm(lit) and e not in suggested:
                        suggested.append(e)
                if len(suggested) >= 5 or len(rows) < PAGE:
                    break
        if not suggested:
            by_name = {norm(lit): e for e, lit in self._similar(v, scope)}
            close = difflib.get_close_matches(nv, list(by_name), n=5, cutoff=0.6)
            suggested = sorted({by_name[c] for c in close})
        what = f"no {kind} is called" if kind else "no entity is called"
        hint = (
            "; did you mean " + "; ".join(self._describe(suggested[:5])) + "?"
            if suggested
            else "; search names with `regimekg query label-search --param q=…`."
        )
        return f"{what} {shown!r}{hint}"


def _sendable(term: Literal) -> bool:
    try:
        sparqltext.ntriples(term)
    except UserError:
        return False
    return True


def _pairs(rows: list[list[object]]) -> list[tuple[URIRef, Literal]]:
    return [(r[0], r[1]) for r in rows if isinstance(r[0], URIRef) and isinstance(r[1], Literal)]
