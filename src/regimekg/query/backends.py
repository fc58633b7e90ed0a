"""Three ways to run the same SPARQL: embedded pyoxigraph, in-memory rdflib, a remote endpoint.

Every backend reads the dataset through its **union default graph** (a pattern outside
``GRAPH`` sees the triples of every named graph), because regimekg keeps each source in its own
named graph and questions cut across them: pyoxigraph ``use_default_graph_as_union=True``,
rdflib ``Dataset(default_union=True)``, and for endpoints the server's own switch (Oxigraph
``--union-default-graph``, Fuseki ``tdb2:unionDefaultGraph true``; GraphDB and Virtuoso do it
by default). A union is not de-duplicated by every engine (Oxigraph counts a triple stored in
two graphs twice), so named queries use ``DISTINCT`` / ``COUNT(DISTINCT …)``.

Values reach the engine as terms, never as text: pyoxigraph ``substitutions``, rdflib
``initBindings``, and for endpoints the substitution of :mod:`.sparqltext`, checked by re-parsing.
"""

from __future__ import annotations

import ast
import contextlib
import json
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from ..errors import UserError
from ..inputs import check_json_depth
from ..namespaces import FOAF, SPARQL_PREFIXES
from ..terms import from_ox, to_ox, to_ox_graph_name
from . import sparqltext

# rdflib fetches every FROM / FROM NAMED graph from the web or the file system by default;
# every regimekg graph is in the dataset already, so a dataset clause only selects graphs.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

#: Properties whose language-tagged values name a term, in order of preference.
LABEL_PROPERTIES: tuple[URIRef, ...] = (RDFS.label, SKOS.prefLabel, DCTERMS.title, FOAF.name)

Term = URIRef | BNode | Literal
Row = list[Term | None]
#: A query's dataset as the guard read it: the ``FROM`` graphs and the ``FROM NAMED`` graphs.
DatasetIris = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass
class Raw:
    """What an engine answered, as rdflib terms, before labels and formatting."""

    form: str  # SELECT, ASK, CONSTRUCT (DESCRIBE answers as CONSTRUCT)
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    truncated: bool = False


# ---------------------------------------------------------------------------------- pyoxigraph


class _TermCache(dict[Any, "Term | None"]):
    """pyoxigraph term → rdflib term, converted once: rdflib's ``Literal`` constructor is the
    costliest step of reading an answer, and answers repeat the same IRIs and values."""

    #: Entries kept at most; :meth:`trim` empties a cache that has grown past this.
    LIMIT = 200_000

    def __missing__(self, key: Any) -> Term | None:
        value = self[key] = from_ox(key)
        return value

    def trim(self) -> None:
        if len(self) > self.LIMIT:
            self.clear()


class OxigraphBackend:
    """pyoxigraph: the on-disk build store (read-only) or an in-memory store."""

    name = "oxigraph"

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._terms = _TermCache()

    @classmethod
    def from_file(cls, path: Path) -> OxigraphBackend:
        """An in-memory store loaded from an RDF file (TriG, N-Quads, Turtle …)."""
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
        if fmt is None:
            raise UserError(f"{path}: unknown RDF format; use .trig, .nq, .ttl or .nt.")
        store = ox.Store()
        try:
            store.load(path=str(path), format=fmt)
        except (SyntaxError, ValueError, OSError) as e:
            raise UserError(f"{path} cannot be loaded ({e}); fix the file.") from None
        return cls(store)

    def run(
        self,
        text: str,
        bindings: dict[str, URIRef | Literal],
        limit: int | None,
        dataset: DatasetIris | None = None,
    ) -> Raw:
        subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()}
        # The dataset the guard inspected replaces whatever the engine reads in the text.
        scope: dict[str, Any] = {"use_default_graph_as_union": True}
        if dataset is not None:
            default, named = dataset
            scope = {
                "default_graph": [to_ox(URIRef(g)) for g in default] or to_ox_graph_name(None),
                "named_graphs": [to_ox(URIRef(g)) for g in named],
            }
        try:
            res = self.store.query(
                text, prefixes=SPARQL_PREFIXES, substitutions=subs or None, **scope
            )
        except SyntaxError as e:
            raise sparqltext.syntax_error(e) from None
        if isinstance(res, ox.QueryBoolean):
            return Raw("ASK", ["result"], [[Literal(bool(res))]])
        terms = self._terms
        terms.trim()
        if isinstance(res, ox.QuerySolutions):
            columns = [v.value for v in res.variables]
            raw = Raw("SELECT", columns)
            if limit is None:
                raw.rows = [[terms[t] for t in sol] for sol in res]
                return raw
            for sol in res:
                if len(raw.rows) >= limit:
                    raw.truncated = True
                    break
                raw.rows.append([terms[t] for t in sol])
            return raw
        raw = Raw("CONSTRUCT", ["subject", "predicate", "object"])
        for triple in res:
            if limit is not None and len(raw.rows) >= limit:
                raw.truncated = True
                break
            raw.rows.append([terms[triple.subject], terms[triple.predicate], terms[triple.object]])
        return raw

    def labels(self, iris: Iterable[URIRef]) -> dict[URIRef, list[tuple[URIRef, Literal]]]:
        out: dict[URIRef, list[tuple[URIRef, Literal]]] = {}
        for iri in iris:
            node = to_ox(iri)
            found: list[tuple[URIRef, Literal]] = []
            for prop in LABEL_PROPERTIES:
                for q in self.store.quads_for_pattern(node, to_ox(prop), None, None):
                    lit = from_ox(q.object)
                    if isinstance(lit, Literal):
                        found.append((prop, lit))
            out[iri] = found
        return out

    def close(self) -> None:
        del self.store


# -------------------------------------------------------------------------------------- rdflib


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Silence rdflib 7's deprecation warnings about its *own* internals (``default_context``,
    ``contexts``, ``ConjunctiveGraph``), which would otherwise flood every query."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib(\.|$)")
        yield


@lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    """*text* parsed and translated once: rdflib's pyparsing grammar takes 50-150 ms per
    query, more than evaluating most named queries, and the query layer sends the same texts
    again and again with other bindings."""
    return prepareQuery(text, initNs=SPARQL_PREFIXES)


class RdflibBackend:
    """rdflib's own SPARQL engine over a :class:`rdflib.Dataset` (small graphs, tests)."""

    name = "rdflib"

    def __init__(self, dataset: Dataset) -> None:
        if not dataset.default_union:
            union = Dataset(default_union=True)
            with _quiet_rdflib():
                for g in dataset.graphs():
                    target = union.graph(g.identifier)
                    for t in g:
                        target.add(t)
            dataset = union
        self.dataset = dataset

    def run(
        self,
        text: str,
        bindings: dict[str, URIRef | Literal],
        limit: int | None,
        dataset: DatasetIris | None = None,
    ) -> Raw:
        """*dataset* is not needed here: rdflib reads FROM with the parser the guard used."""
        try:
            with _quiet_rdflib():
                res = self.dataset.query(_prepared(text), initBindings=dict(bindings) or None)
                rows = list(res) if res.type == "SELECT" else None
        except Exception as e:  # rdflib raises pyparsing errors and plain Exceptions alike
            if type(e).__name__ in ("ParseException", "ParseSyntaxException"):
                raise sparqltext.syntax_error(e) from None
            raise
        if res.type == "ASK":
            return Raw("ASK", ["result"], [[Literal(bool(res.askAnswer))]])
        if res.type == "SELECT":
            columns = [str(v) for v in (res.vars or [])]
            raw = Raw("SELECT", columns)
            for row in rows or ():
                if limit is not None and len(raw.rows) >= limit:
                    raw.truncated = True
                    break
                raw.rows.append(list(row))  # type: ignore[arg-type]
            return raw
        raw = Raw("CONSTRUCT", ["subject", "predicate", "object"])
        graph = res.graph if res.graph is not None else Graph()
        for s, p, o in graph:
            if limit is not None and len(raw.rows) >= limit:
                raw.truncated = True
                break
            raw.rows.append([s, p, o])  # type: ignore[list-item]
        return raw

    def labels(self, iris: Iterable[URIRef]) -> dict[URIRef, list[tuple[URIRef, Literal]]]:
        out: dict[URIRef, list[tuple[URIRef, Literal]]] = {}
        for iri in iris:
            found: list[tuple[URIRef, Literal]] = []
            for prop in LABEL_PROPERTIES:
                with _quiet_rdflib():
                    objects = list(self.dataset.objects(iri, prop))
                for o in objects:
                    if isinstance(o, Literal) and (prop, o) not in found:
                        found.append((prop, o))
            out[iri] = found
        return out

    def close(self) -> None:
        pass


# ------------------------------------------------------------------------------------ endpoint

_XSD_STRING = str(XSD.string)


def _from_json(b: dict[str, str] | None) -> Term | None:
    if b is None:
        return None
    kind = b.get("type")
    value = b.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if b.get("xml:lang"):
        return Literal(value, lang=b["xml:lang"])
    dt = b.get("datatype")
    if dt and dt != _XSD_STRING:
        return Literal(value, datatype=URIRef(dt))
    return Literal(value)


def _reason(e: Exception) -> str:
    """The server's own first line of a refusal, else SPARQLWrapper's: the server says *why*
    (e.g. the guard's result cap), SPARQLWrapper only guesses "badly formed" for any 400 and
    appends the body as the ``repr`` of bytes after ``Response:``."""
    head, _, body = str(e).partition("\n\nResponse:\n")
    try:
        text = ast.literal_eval(body.strip()).decode("utf-8", "replace") if body else ""
    except (ValueError, SyntaxError, AttributeError):
        text = body
    for candidate in (text, head):
        if candidate.strip():
            return candidate.strip().splitlines()[0][:300].rstrip(".")
    return type(e).__name__


class EndpointBackend:
    """Any SPARQL 1.1 endpoint, through SPARQLWrapper (results as SPARQL JSON / N-Triples).

    The endpoint must expose the union of the named graphs as its default graph (see the
    module docstring).
    """

    name = "endpoint"

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise UserError(f"--endpoint {url!r} is not an http(s) URL of a SPARQL endpoint.")
        self.url = url
        self.timeout = timeout

    def _request(self, text: str, fmt: str, dataset: DatasetIris | None = None) -> Any:
        from urllib.error import HTTPError, URLError

        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        sw = SPARQLWrapper(self.url)
        sw.setMethod(POST)
        sw.setTimeout(int(max(1, self.timeout)))
        sw.setQuery(text)
        sw.setReturnFormat(fmt)
        if dataset is not None:  # the protocol's dataset overrides the query's (SPARQL 1.1 §2.1.4)
            for g in dataset[0]:
                sw.addDefaultGraph(g)
            for g in dataset[1]:
                sw.addNamedGraph(g)
        try:
            return sw.query().response.read()
        except SPARQLWrapperException as e:
            raise UserError(f"The endpoint {self.url} refused the query ({_reason(e)}).") from None
        except HTTPError as e:
            # the server's own sentence says why (e.g. `regimekg serve`'s result cap, 413)
            with contextlib.suppress(OSError, ValueError):
                said = e.read(2000).decode("utf-8", "replace").strip().splitlines()
                if said and said[0]:
                    raise UserError(
                        f"The endpoint {self.url} refused the query (HTTP {e.code} {e.reason}: "
                        f"{said[0][:300].rstrip('.')})."
                    ) from None
            raise UserError(
                f"The endpoint {self.url} answered HTTP {e.code} ({e.reason})."
            ) from None
        except (URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise UserError(
                f"The endpoint {self.url} cannot be reached ({reason}); check the URL and that "
                "the server is running."
            ) from None

    def run(
        self,
        text: str,
        bindings: dict[str, URIRef | Literal],
        limit: int | None,
        dataset: DatasetIris | None = None,
    ) -> Raw:
        declared = sparqltext.declared_prefixes(text)
        prologue = "".join(
            f"PREFIX {p}: <{ns}>\n" for p, ns in SPARQL_PREFIXES.items() if p not in declared
        )
        full = prologue + sparqltext.substitute(text, bindings)
        return self._answer(full, sparqltext.query_form(text), limit, dataset)

    def _answer(
        self, full: str, form: str, limit: int | None, dataset: DatasetIris | None = None
    ) -> Raw:
        """The endpoint's answer to the complete query text *full* of the given *form*."""
        if form in ("CONSTRUCT", "DESCRIBE"):
            data = self._request(full, "turtle", dataset)
            g = Graph()
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            g.parse(data=text, format="turtle")
            raw = Raw("CONSTRUCT", ["subject", "predicate", "object"])
            for s, p, o in sorted(g):
                if limit is not None and len(raw.rows) >= limit:
                    raw.truncated = True
                    break
                raw.rows.append([s, p, o])  # type: ignore[list-item]
            return raw
        answer = self._request(full, "json", dataset)
        answer = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
        # a hostile endpoint's deeply nested JSON would end in a RecursionError
        check_json_depth(answer, f"The answer of the endpoint {self.url}")
        try:
            data = json.loads(answer)
        except json.JSONDecodeError as e:
            raise UserError(
                f"The endpoint {self.url} answered malformed JSON ({e.msg} at line {e.lineno}); "
                "check that the URL is a SPARQL endpoint."
            ) from None
        if "boolean" in data:
            return Raw("ASK", ["result"], [[Literal(bool(data["boolean"]))]])
        columns = list(data.get("head", {}).get("vars", []))
        raw = Raw("SELECT", columns)
        for b in data.get("results", {}).get("bindings", []):
            if limit is not None and len(raw.rows) >= limit:
                raw.truncated = True
                break
            raw.rows.append([_from_json(b.get(c)) for c in columns])
        return raw

    def labels(self, iris: Iterable[URIRef]) -> dict[URIRef, list[tuple[URIRef, Literal]]]:
        """Labels of *iris*, asked in chunks; IRIs an IRIREF could not hold are skipped."""
        todo = []
        for iri in iris:
            try:
                todo.append((iri, sparqltext.ntriples(iri)))
            except UserError:
                continue
        out: dict[URIRef, list[tuple[URIRef, Literal]]] = {iri: [] for iri in iris}
        props = " ".join(sparqltext.ntriples(p) for p in LABEL_PROPERTIES)
        for i in range(0, len(todo), 200):
            values = " ".join(nt for _, nt in todo[i : i + 200])
            text = (
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {props} }} "
                "?s ?p ?o }"
            )
            raw = self._answer(text, "SELECT", None)  # complete already: no parse needed
            for s, p, o in raw.rows:
                ok = isinstance(s, URIRef) and isinstance(o, Literal) and isinstance(p, URIRef)
                if ok and (p, o) not in out.setdefault(s, []):  # type: ignore[arg-type]
                    out[s].append((p, o))  # type: ignore[index,arg-type]
        for found in out.values():
            found.sort(key=lambda po: LABEL_PROPERTIES.index(po[0]))
        return out

    def close(self) -> None:
        pass


Backend = OxigraphBackend | RdflibBackend | EndpointBackend
