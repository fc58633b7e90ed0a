"""The guard in front of untrusted SPARQL: read-only queries over the regimekg graphs only.

``regimekg sparql`` and ``regimekg serve`` run SPARQL written by someone else. Oxigraph would
follow a ``SERVICE <http://…>`` clause out to the network, rdflib also fetches ``FROM`` documents,
and other engines run updates. The guard **fails closed**: a query runs only once it has been
*proven* harmless, and anything that cannot be parsed or inspected is refused with one sentence.

1. **An independent SPARQL 1.1 parser reads the whole query** (rdflib's grammar; the engine
   that runs it is Oxigraph), through the one cached parse the query layer reads as well
   (:func:`regimekg.query.sparqltext.parse`). No parse, no run: text rdflib cannot read — a
   syntax error, SPARQL 1.2 syntax, nesting too deep for its recursive descent — is refused,
   never waved through.
   The parse tree is inspected: no ``SERVICE`` pattern, ``FROM`` / ``FROM NAMED`` only for
   regimekg graphs ``https://w3id.org/regimekg/graph/{slug}`` (prefixed names and ``BASE``
   resolved), and text that parses as an update is refused. The dataset the guard saw is handed
   to the engine (:attr:`QueryInfo.default_graphs`, :attr:`QueryInfo.named_graphs`), so the engine
   cannot end up with a different one.
2. **The engine must read ``SERVICE`` the way the parser did.** Two parsers can tokenise one text
   differently (``SERVICE:x``, a ``<`` that one reads as an IRI and the other as "less than", a
   string that hides what follows), which is how a second opinion gets bypassed. So wherever the
   letters ``service`` occur (any ASCII case — Oxigraph matches keywords ASCII-case-insensitively
   and does not expand ``\\u`` escapes outside strings and IRIs), the guard changes the last
   letter of each occurrence and asks *Oxigraph's own parser* to read the result. An occurrence
   the engine would take for the keyword becomes a bare word such as ``SERVICF`` that no rule of
   the grammar accepts, so the altered text fails to parse and the query is refused; occurrences
   inside strings, IRIs, comments, variable and prefixed names are altered consistently and the
   text still parses. The altered text contains no ``SERVICE`` at all, so parsing (or evaluating
   it on an empty in-memory store, which Oxigraph does eagerly for ``ASK``) cannot reach anything.
3. **Bounded work.** Texts over :data:`MAX_QUERY_CHARS` are refused before any parser sees them;
   no regular expression with nested quantifiers runs over user text; verdicts are cached by
   text (named queries are re-run with the same text and new bindings).

Updates could not run anyway — the engines are opened read-only and ``Store.query`` accepts no
update — and ``FROM`` never leaves the store in Oxigraph; the guard still refuses both, so that
the same query is refused on every engine, including a third-party endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from .errors import UserError
from .namespaces import GRAPH, PREFIXES, SLUG_RE, SPARQL_PREFIXES
from .query import sparqltext

#: Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) one request may return through ``serve``.
RESULT_CAP = 10_000
#: Seconds a query may run before the endpoint or the CLI cuts it off.
DEFAULT_TIMEOUT = 10.0
#: Longest query text accepted. rdflib's parser needs up to about 0.4 ms per character on
#: expression-heavy text, so this bounds the inspection to seconds, not minutes.
MAX_QUERY_CHARS = 50_000
#: The only IRIs ``FROM`` / ``FROM NAMED`` may name.
GRAPH_PREFIX = str(GRAPH)

#: Words that only occur in SPARQL Update (used to word the refusal of unparseable text).
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
    | {"WITH", "USING", "DATA"}
)
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")

#: ASCII letters only: one pass, no nested quantifiers, linear in the text.
_WORD = re.compile(r"[A-Za-z]+")


class QueryRefused(UserError):
    """The query asks for something the guard does not allow, or cannot be inspected."""


@dataclass(frozen=True)
class QueryInfo:
    """What the guard learned about an accepted query."""

    form: str | None
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK``."""
    default_graphs: tuple[str, ...] = field(default=())
    """IRIs named by ``FROM`` (all under :data:`GRAPH_PREFIX`): the query's default graph."""
    named_graphs: tuple[str, ...] = field(default=())
    """IRIs named by ``FROM NAMED`` (all under :data:`GRAPH_PREFIX`)."""

    @property
    def from_graphs(self) -> tuple[str, ...]:
        """Every graph the dataset clauses name, ``FROM`` first."""
        return self.default_graphs + self.named_graphs


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _short(value: str, n: int = 60) -> str:
    return value if len(value) <= n else value[: n - 1] + "…"


def check_graph_iri(value: str, where: str = "FROM") -> None:
    """Refuse a dataset IRI that is not a regimekg graph ``graph/{slug}``.

    Dataset IRIs are the one place SPARQL engines may dereference (rdflib and Jena load ``FROM``
    documents from files and the web), so only our own graph names, with a plain slug, pass.
    """
    rest = value[len(GRAPH_PREFIX) :] if value.startswith(GRAPH_PREFIX) else None
    if rest is None or not SLUG_RE.match(rest):
        raise QueryRefused(
            f"{where} <{_short(value)}> is not allowed: FROM and FROM NAMED may only name "
            f"regimekg graphs ({GRAPH_PREFIX}…), so use one of those or leave them out to "
            "query the whole graph."
        )


def _words(text: str) -> list[tuple[str, int]]:
    """Every run of ASCII letters, upper-cased, with its position (for messages only)."""
    return [(m.group().upper(), m.start()) for m in _WORD.finditer(text)]


def _service_refusal(line: int | None) -> QueryRefused:
    where = f", line {line}" if line else ""
    return QueryRefused(
        f"SERVICE (federated query{where}) is not allowed: queries may only read the regimekg "
        "graph, so remove the SERVICE clause."
    )


def _update_refusal(word: str | None, text: str, pos: int) -> QueryRefused:
    if word == "LOAD":
        return QueryRefused(
            f"LOAD (line {_line_of(text, pos)}) is not allowed: this endpoint is read-only and "
            "never fetches documents; load data by adding it to data/ and running "
            "`regimekg build`."
        )
    where = f" ({word} at line {_line_of(text, pos)})" if word else ""
    return QueryRefused(
        f"SPARQL updates are not allowed{where}: the graph is read-only, so send a SELECT, ASK, "
        "CONSTRUCT or DESCRIBE query (change data through data/ and `regimekg build`)."
    )


# --------------------------------------------------------------------------------------------
# 1. The independent parser (rdflib)


def _first_update_word(text: str) -> tuple[str | None, int]:
    """The first update keyword not on a comment's side of a ``#`` (for the message only)."""
    for word, pos in _words(text):
        if word in UPDATE_WORDS and "#" not in text[text.rfind("\n", 0, pos) + 1 : pos]:
            return word, pos
    return None, 0


def _parse(text: str) -> Any:
    """rdflib's parse of *text* as a query (the query layer's own, :func:`sparqltext.parse`);
    refuse whatever it cannot read as one."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import parser

    try:
        return sparqltext.parse(text)
    except RecursionError:
        raise QueryRefused(
            "The query nests too deeply, or has too many patterns in one group, for "
            "regimekg's SPARQL parser to inspect it: split it into smaller groups "
            "({ … } { … }) or sub-queries."
        ) from None
    except (ParseBaseException, ValueError) as e:
        query_error = e
    with sparqltext.PARSE_LOCK:
        try:
            parser.parseUpdate(text)
        except (ParseBaseException, ValueError, RecursionError):
            pass
        else:
            word, pos = _first_update_word(text)
            raise _update_refusal(word, text, pos)
    word, pos = _first_update_word(text)
    if word in ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "COPY", "MOVE", "ADD", "CREATE"):
        # Not a query, and it names an update operation: say that rather than a syntax error.
        raise _update_refusal(word, text, pos)
    where = ""
    if isinstance(query_error, ParseBaseException):
        if query_error.pstr[query_error.loc : query_error.loc + 7].upper() == "SERVICE":
            raise _service_refusal(query_error.lineno)
        where = f" at line {query_error.lineno}, column {query_error.col}"
    raise QueryRefused(
        f"The query cannot be read by regimekg's SPARQL 1.1 parser{where}, and only queries "
        "it can inspect are run: check the syntax there (SPARQL 1.2 / RDF 1.2 syntax such as "
        "triple terms and language directions is not supported)."
    )


def _parsed_iri(term: Any, prologue: Any) -> str:
    """The absolute IRI of a dataset-clause term from rdflib's parse (IRI or prefixed name).

    An undeclared prefix is read as the project prefix of that name (the query layer declares
    those implicitly), or left as written — which is not a regimekg graph IRI, so it is refused.
    """
    if getattr(term, "name", None) == "pname":
        # CompValue.get answers the key itself for a missing key (the empty prefix ``:``)
        prefix = str(dict.get(term, "prefix") or "")
        local = str(dict.get(term, "localname") or "")
        try:
            return str(prologue.resolvePName(prefix, local))
        except Exception:
            return PREFIXES[prefix] + local if prefix in PREFIXES else f"{prefix}:{local}"
    try:
        return str(prologue.absolutize(term)) if prologue is not None else str(term)
    except Exception:
        return str(term)


def _inspect_tree(parsed: Any, text: str) -> QueryInfo:
    """Refuse SERVICE and foreign dataset clauses found in rdflib's parse tree."""
    from rdflib.plugins.sparql.algebra import translatePrologue

    try:
        prologue = translatePrologue(parsed[0], None)
    except Exception:
        prologue = None
    form: list[str] = []
    default: list[str] = []
    named: list[str] = []

    for node in sparqltext.nodes(parsed):
        name = getattr(node, "name", None) if isinstance(node, dict) else None
        if name == "ServiceGraphPattern":
            pos = next((p for w, p in _words(text) if w == "SERVICE"), None)
            raise _service_refusal(_line_of(text, pos) if pos is not None else None)
        if name in sparqltext.FORM_OF_NODE:
            form.append(sparqltext.FORM_OF_NODE[name])
        if name == "DatasetClause":
            is_named = "named" in node
            iri = _parsed_iri(dict.get(node, "named" if is_named else "default"), prologue)
            check_graph_iri(iri, "FROM NAMED" if is_named else "FROM")
            (named if is_named else default).append(iri)
    return QueryInfo(form[0] if form else None, tuple(default), tuple(named))


# --------------------------------------------------------------------------------------------
# 2. The engine's reading of "service"


def _defuse_service(text: str) -> tuple[str, int | None]:
    """*text* with the last letter of every ASCII-case-insensitive ``service`` changed, and the
    position of the first one (``None`` when there is none)."""
    # Same length as *text*: only ASCII letters are folded, as Oxigraph's keyword match does.
    lowered = (
        text.lower()
        if text.isascii()
        else "".join(c.lower() if c.isascii() else "\0" for c in text)
    )
    first = lowered.find("service")
    if first < 0:
        return text, None
    chars = list(text)
    pos = first
    while pos >= 0:
        last = pos + 6
        chars[last] = "f" if chars[last] == "e" else "F"
        pos = lowered.find("service", pos + 7)
    return "".join(chars), first


def _check_engine_agrees(text: str) -> None:
    """Refuse *text* if Oxigraph could read any ``service`` in it as the SERVICE keyword."""
    defused, first = _defuse_service(text)
    if first is None:
        return
    try:
        ox.Store().query(defused, use_default_graph_as_union=True, prefixes=SPARQL_PREFIXES)
    except SyntaxError:
        raise QueryRefused(
            f"The word SERVICE at line {_line_of(text, first)} could be read as a federated "
            "query by the engine, which queries may not use: remove it, or if it is part of a "
            'name or a search string, spell it another way (e.g. CONCAT("servi", "ce")).'
        ) from None
    except Exception:
        # Parsed, then failed evaluating on an empty store (e.g. a type error): the parse,
        # which is all that matters here, agreed.
        return


# --------------------------------------------------------------------------------------------
# Public API


@lru_cache(maxsize=1024)
def inspect_query(text: str) -> QueryInfo:
    """Check *text* and return what kind of query it is; raise :class:`QueryRefused` if refused.

    The result is cached by text, so re-running a named query costs nothing here.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(
            f"The query is {len(text)} characters long, over the {MAX_QUERY_CHARS}-character "
            "limit: shorten it."
        )
    try:
        parsed = _parse(text)
    except QueryRefused:
        _check_engine_agrees(text)  # a SERVICE the engine would act on is the better reason
        raise
    info = _inspect_tree(parsed, text)
    _check_engine_agrees(text)
    return info


def check_query(text: str) -> None:
    """Raise :class:`regimekg.errors.UserError` (a :class:`QueryRefused`) unless *text* is a
    read-only query over regimekg graphs that the guard could fully inspect."""
    inspect_query(text)


def query_form(text: str) -> str | None:
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK`` for an accepted query."""
    return inspect_query(text).form
