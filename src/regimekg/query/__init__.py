"""The query layer: named questions and free SPARQL over any of three engines, in 中文 or English.

>>> import regimekg.query as q
>>> kg = q.open()                                   # the build's store, read-only
>>> print(kg.query("forums-of-actor", lang="zh", params={"actor": "中国"}).format("table"))

:func:`open` picks the engine (the embedded pyoxigraph store by default, an rdflib
:class:`~rdflib.Dataset`, or a SPARQL 1.1 endpoint); :class:`KG` runs named questions from
``queries/*.rq`` (see :mod:`.catalog`) and untrusted SPARQL (checked by
:func:`regimekg.guard.check_query`); :class:`~.result.Result` renders the answer with labels in
the chosen language. Parameters naming an entity accept an IRI, a slug, or a label, alias or
acronym in either language (:meth:`KG.resolve`).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD

from .. import asof, dates
from ..errors import UserError
from ..namespaces import ID, SPARQL_PREFIXES
from ..paths import asset_dir, find_root
from ..store import open_read_only
from . import sparqltext
from .backends import Backend, EndpointBackend, OxigraphBackend, Raw, RdflibBackend
from .catalog import NamedQuery, Param, load_dir
from .resolve import Resolver
from .result import FORMATS, LANGS, Result, check_lang

__all__ = ["FORMATS", "KG", "LANGS", "NamedQuery", "Param", "Result", "open"]

#: Longest parameter value accepted (a label or a search string, not a document).
MAX_PARAM_CHARS = 300

#: Most entities one ``entities`` parameter may name.
MAX_LIST_ITEMS = 200

#: Most resolved entity parameter values a :class:`KG` remembers (then it starts afresh).
MAX_RESOLVED = 4096


class _Unsuggested(str):
    """A remembered "no entity is called …" that names no similar entities (see
    :meth:`KG.resolve`): good enough for a caller that drops it, not for a user."""


def _is_iri(term: object) -> bool:
    """``isinstance(term, URIRef)``, quick for the common cases (rdflib terms are ABCs)."""
    kind = type(term)
    if kind is URIRef:
        return True
    return kind is not Literal and term is not None and isinstance(term, URIRef)


def _lang_key(lit: Literal) -> str:
    return (lit.language or "").split("-")[0].lower()


class KG:
    """An open knowledge graph: named questions, free SPARQL, entity resolution."""

    def __init__(self, backend: Backend, queries_dir: Path | None) -> None:
        self._backend = backend
        self.backend: str = backend.name
        self.queries_dir = queries_dir
        self._catalog: dict[str, NamedQuery] | None = None
        self._label_cache: dict[URIRef, dict[str, str]] = {}
        self._resolver = Resolver(backend, self._describe_all)
        self._resolved: dict[tuple[str, str | None], URIRef | str] = {}

    # -- catalogue ------------------------------------------------------------------------

    def _queries(self) -> dict[str, NamedQuery]:
        if self._catalog is None:
            if self.queries_dir is None:
                raise UserError(
                    "No queries folder found: run inside a regimekg checkout or pass --root."
                )
            self._catalog = load_dir(self.queries_dir)
        return self._catalog

    def named_queries(self) -> list[NamedQuery]:
        """Every named question, sorted by name."""
        return [self._queries()[k] for k in sorted(self._queries())]

    def named(self, name: str) -> NamedQuery:
        """The named question *name*, or a :class:`UserError` suggesting close names."""
        queries = self._queries()
        if name in queries:
            return queries[name]
        close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise UserError(
            f"No query named {name!r} in {self.queries_dir}: {hint}the questions are listed in "
            "docs/queries.md (file names in queries/ without .rq)."
        )

    # -- running --------------------------------------------------------------------------

    def query(self, name: str, *, lang: str = "en", params: dict[str, str] | None = None) -> Result:
        """Run the named question *name* with *params* (raw strings, as typed by a user)."""
        lang = check_lang(lang)
        nq = self.named(name)
        bindings = self.bind(nq, params or {})
        raw = self._backend.run(nq.text, bindings, None)
        return self._result(raw, lang, nq=nq, params=bindings)

    def bind(self, nq: NamedQuery, params: dict[str, str]) -> dict[str, URIRef | Literal]:
        """Typed, validated terms for *params* (defaults filled in), keyed by variable name."""
        known = {p.name for p in nq.params}
        unknown = sorted(set(params) - known)
        if unknown:
            listed = ", ".join(sorted(known)) if known else "none"
            raise UserError(
                f"Query {nq.name} has no parameter {unknown[0]!r}; its parameters are: {listed}."
            )
        out: dict[str, URIRef | Literal] = {}
        for p in nq.params:
            value = params.get(p.name, p.default)
            if value is None:
                raise UserError(
                    f"Query {nq.name} needs --param {p.name}=… ({p.type}"
                    f"{': ' + p.doc if p.doc else ''})."
                )
            out[p.name] = self._convert(nq, p, str(value), default=p.name not in params)
        return out

    def _convert(
        self, nq: NamedQuery, p: Param, value: str, *, default: bool = False
    ) -> URIRef | Literal:
        where = f"--param {p.name}={value[:60]!r} (query {nq.name})"
        if p.type == "entities":
            return self._convert_list(nq, p, value, default=default)
        if len(value) > MAX_PARAM_CHARS:
            raise UserError(f"{where} is longer than {MAX_PARAM_CHARS} characters; shorten it.")
        if p.type == "entity":
            try:
                return self.resolve(value, kind=p.kind)
            except UserError as e:
                raise UserError(f"{where}: {e}") from None
        if p.type == "date":
            try:
                return dates.to_literal(value.strip())
            except dates.DateError as e:
                raise UserError(f"{where}: {e}.") from None
        if p.type == "asof":
            try:
                day = asof.resolve(value.strip())
            except UserError as e:
                raise UserError(f"{where}: {e}") from None
            assert day is not None
            return Literal(day.isoformat(), datatype=XSD.date)
        if p.type == "integer":
            if not re.fullmatch(r"[+-]?\d{1,12}", value.strip()):
                raise UserError(f"{where} is not a whole number; write digits only, e.g. 3.")
            return Literal(int(value.strip()), datatype=XSD.integer)
        return Literal(value.strip())

    def _convert_list(self, nq: NamedQuery, p: Param, value: str, *, default: bool) -> Literal:
        """An ``entities`` parameter as one literal of ``<IRI>`` items (see :mod:`.catalog`).

        Each item is resolved like an ``entity`` parameter. Items of the query's own default
        that this graph lacks are skipped, because a default may name a whole set that a small
        or older graph holds only in part; a user's own items must all resolve."""
        where = f"--param {p.name}={value[:60]!r} (query {nq.name})"
        items = [v.strip() for v in re.split(r"[,，]", value) if v.strip()]
        if not items:
            raise UserError(f"{where} names nothing; give names or slugs separated by commas.")
        if len(items) > MAX_LIST_ITEMS:
            raise UserError(f"{where} names more than {MAX_LIST_ITEMS} entities; shorten the list.")
        iris: list[str] = []
        for item in items:
            if len(item) > MAX_PARAM_CHARS:
                raise UserError(
                    f"{where}: item {item[:60]!r} is longer than {MAX_PARAM_CHARS} characters."
                )
            try:  # a default's missing item is skipped: no need to look for similar names
                iris.append(str(self.resolve(item, kind=p.kind, suggest=not default)))
            except UserError as e:
                if default:
                    continue
                raise UserError(f"{where}: {e}") from None
        if not iris:
            raise UserError(
                f"{where}: none of the default entities is in this graph; name some with --param."
            )
        return Literal(" ".join(f"<{i}>" for i in sorted(set(iris))))

    def sparql(self, text: str, *, lang: str = "en", untrusted: bool = True) -> Result:
        """Run free SPARQL; untrusted text is checked by :mod:`regimekg.guard` and capped."""
        lang = check_lang(lang)
        check_prefixes(text)
        limit: int | None = None
        dataset = None
        if untrusted:
            from ..guard import RESULT_CAP, inspect_query

            info = inspect_query(text)
            limit = RESULT_CAP
            if info.from_graphs:
                dataset = (info.default_graphs, info.named_graphs)
        raw = self._backend.run(text, {}, limit, dataset)
        return self._result(raw, lang)

    def _result(
        self,
        raw: Raw,
        lang: str,
        *,
        nq: NamedQuery | None = None,
        params: dict[str, URIRef | Literal] | None = None,
    ) -> Result:
        hidden = {p.name for p in nq.params} if nq else set()
        keep = [i for i, c in enumerate(raw.columns) if c not in hidden]
        columns = [raw.columns[i] for i in keep]
        if len(keep) == len(raw.columns):
            rows = [dict(zip(columns, r, strict=False)) for r in raw.rows]
        else:
            rows = [dict(zip(columns, [r[i] for i in keep], strict=False)) for r in raw.rows]
        shown: dict[str, object] = dict(params or {})
        for p in nq.params if nq else ():
            if p.type == "entities" and isinstance(shown.get(p.name), Literal):
                shown[p.name] = [URIRef(i) for i in re.findall(r"<([^<>\s]+)>", str(shown[p.name]))]
        iris = {v for r in raw.rows for v in r if _is_iri(v)}
        for v in shown.values():
            iris |= {i for i in (v if isinstance(v, list) else [v]) if isinstance(i, URIRef)}
        return Result(
            columns=columns,
            rows=rows,
            labels=self.labels(iris),
            titles=dict(nq.columns) if nq else {},
            lang=lang,
            query=nq.name if nq else None,
            params=shown,
            truncated=raw.truncated,
        )

    def labels(self, iris: set[URIRef] | list[URIRef]) -> dict[URIRef, dict[str, str]]:
        """Names of *iris* by language (``""`` = untagged), first by property preference."""
        todo = [i for i in iris if i not in self._label_cache]
        if todo:
            for iri, found in self._backend.labels(todo).items():
                names: dict[str, str] = {}
                for _prop, lit in found:
                    names.setdefault(_lang_key(lit), str(lit))
                self._label_cache[iri] = names
        return {i: self._label_cache.get(i, {}) for i in iris}

    # -- entity resolution ----------------------------------------------------------------

    def _describe(self, iri: URIRef) -> str:
        names = self.labels([iri]).get(iri, {})
        shown = " / ".join(dict.fromkeys(n for n in (names.get("en"), names.get("zh")) if n))
        slug = str(iri)[len(str(ID)) :] if str(iri).startswith(str(ID)) else str(iri)
        return f"{shown} ({slug})" if shown else slug

    def _describe_all(self, iris: list[URIRef]) -> list[str]:
        self.labels(iris)  # one request for all of them
        return [self._describe(i) for i in iris]

    def resolve(self, value: str, *, kind: str | None = None, suggest: bool = True) -> URIRef:
        """The entity *value* names: an IRI, a slug (``g7`` or ``institution/g7``), or a label,
        alias or acronym in either language. With *kind* only IRIs ``id/{kind}/…`` qualify.
        Ambiguous or unknown names raise a :class:`UserError` that lists the candidates
        (unless not *suggest*: for a caller that drops the error, as finding similar names
        costs more queries than the lookup itself).

        Each question asks the engine about this one value (see :mod:`.resolve`), and the
        answer — an IRI or the error — is remembered for the life of this KG, keyed by the
        value and *kind* (see :meth:`clear_cache`); an error without suggestions is asked
        again when they are wanted."""
        key = (value.strip(), kind)
        known = self._resolved.get(key)
        if known is None or (suggest and isinstance(known, _Unsuggested)):
            try:
                known = self._resolver.resolve(value, kind, suggest=suggest)
            except UserError as e:
                known = str(e) if suggest else _Unsuggested(str(e))
            if len(self._resolved) >= MAX_RESOLVED:
                self._resolved.clear()
            self._resolved[key] = known
        if isinstance(known, URIRef):
            return known
        raise UserError(known)

    def clear_cache(self) -> None:
        """Forget resolved parameters, fetched labels and what the labels look like.

        A KG caches them for as long as it is open, because it belongs to one opened store: a
        build's store opened read-only keeps reading that build even after a newer one is
        swapped in, so the caches cannot go stale. Call this (or open a new KG) after changing
        an in-memory store or rdflib dataset you passed to :func:`open`, or when the data
        behind an endpoint may have changed."""
        self._label_cache.clear()
        self._resolved.clear()
        self._resolver = Resolver(self._backend, self._describe_all)

    def close(self) -> None:
        """Release the store (a read-only store may be reopened by another process)."""
        self._backend.close()

    def __enter__(self) -> KG:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_prefixes(text: str) -> None:
    """A :class:`UserError` naming the first prefix *text* uses without declaring it.

    The engines' own message for this is a parser position ("expected …"); a researcher
    needs the prefix and the list of prefixes regimekg declares for every query.
    """
    missing = sparqltext.undeclared_prefixes(text, set(SPARQL_PREFIXES))
    if missing:
        raise UserError(
            f"The query uses the prefix {missing[0]}: without declaring it: add "
            f"`PREFIX {missing[0]}: <…>` or use one the query layer declares "
            f"({', '.join(f'{p}:' for p in SPARQL_PREFIXES)})."
        )


def _queries_dir(root: str | Path | None) -> Path | None:
    if root is not None:
        return find_root(root) / "queries"
    try:
        return find_root(None) / "queries"
    except UserError:
        packaged = asset_dir("queries")
        return packaged if packaged.is_dir() else None


def _open_store(path: Path) -> OxigraphBackend:
    if path.is_file():
        return OxigraphBackend.from_file(path)
    if (path / "store").is_dir():
        path = path / "store"
    return OxigraphBackend(open_read_only(path))  # never mid-swap of a concurrent build


def open(
    root: str | Path | None = None,
    *,
    store: str | Path | None = None,
    endpoint: str | None = None,
    dataset: Dataset | None = None,
    oxigraph_store: ox.Store | None = None,
) -> KG:
    """Open the knowledge graph for querying.

    By default the embedded pyoxigraph store of ``<root>/build/store`` opened read-only;
    ``store`` names another store directory, build directory, or an RDF file to load into
    memory; ``endpoint`` a SPARQL 1.1 endpoint URL; ``dataset`` an rdflib Dataset;
    ``oxigraph_store`` an open pyoxigraph Store. Named questions come from ``<root>/queries``.
    """
    chosen = [x for x in (store, endpoint, dataset, oxigraph_store) if x is not None]
    if len(chosen) > 1:
        raise UserError("Give only one of store, endpoint, dataset or oxigraph_store.")
    queries_dir = _queries_dir(root)
    backend: Backend
    if endpoint is not None:
        backend = EndpointBackend(endpoint)
    elif dataset is not None:
        backend = RdflibBackend(dataset)
    elif oxigraph_store is not None:
        backend = OxigraphBackend(oxigraph_store)
    else:
        if store is None:
            store = find_root(root) / "build" / "store"
        backend = _open_store(Path(store))
    return KG(backend, queries_dir)
