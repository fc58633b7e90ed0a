"""The guard in front of untrusted SPARQL: read-only queries over the regimekg graphs only.

``regimekg sparql`` and ``regimekg serve`` run SPARQL written by someone else. Oxigraph would
happily follow a ``SERVICE <http://…>`` clause out to the network, and other SPARQL engines
fetch ``FROM <file:…>`` or ``FROM <http://…>`` documents and run updates. This module refuses
all of that before a query reaches any engine:

* every update form (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``CREATE``, ``DROP``,
  ``COPY``, ``MOVE``, ``ADD``, and the ``WITH``/``USING``/``DATA`` words that only occur in
  updates);
* ``SERVICE`` (federated query), anywhere, including inside ``EXISTS`` and sub-queries;
* ``FROM`` / ``FROM NAMED`` (and the protocol's ``default-graph-uri`` / ``named-graph-uri``)
  naming anything but a regimekg graph ``https://w3id.org/regimekg/graph/{slug}``;
* queries over :data:`MAX_QUERY_CHARS` characters.

Two independent checks decide, and either one refusing is enough:

1. A lexer that reads the text the way a SPARQL engine tokenises it (strings, long strings,
   IRIs, comments, variables, prefixed names, language tags are opaque), so a keyword inside a
   string literal or a comment is *not* refused, while a keyword in upper, lower or mixed case
   is. Where engines may read the same text differently, it checks every reading: the text as
   written (how Oxigraph reads it: ``\\u`` escapes only mean something inside strings and IRIs)
   and with ``\\uXXXX``/``\\UXXXXXXXX`` escapes expanded first (how the SPARQL 1.1 grammar,
   §19.2, and rdflib read it), so ``\\u0053ERVICE`` and a ``\\u0022`` that closes a string
   early cannot smuggle a keyword past either; and ``<`` both as the start of an IRI and, after
   an operand inside parentheses, as "less than" (``FILTER(?a<'>') SERVICE … #'`` hides the
   ``SERVICE`` from an IRI-first lexer but not from a parser).
2. rdflib's SPARQL parser: the parse tree is walked for ``ServiceGraphPattern`` and dataset
   clauses (with prefixed names and ``BASE`` resolved), and text that parses as an update is
   refused. rdflib does not parse every query Oxigraph accepts, so a parse failure is not a
   refusal by itself: the lexer's verdict stands and the engine reports real syntax errors.
   Parsing costs milliseconds to seconds (it grows with the length of the text), so it runs on
   texts up to 4 000 characters — every named query and any hand-written one — and verdicts
   are cached by query text (named queries are re-run with the same text and new bindings).
   Longer texts, such as generated ``VALUES`` lists, are judged by the lexer alone.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

from .errors import UserError
from .namespaces import GRAPH, PREFIXES, SLUG_RE

#: Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) one request may return through ``serve``.
RESULT_CAP = 10_000
#: Seconds a query may run before the endpoint or the CLI cuts it off.
DEFAULT_TIMEOUT = 10.0
#: Longest query text accepted; longer texts are refused before any parser sees them.
MAX_QUERY_CHARS = 100_000
#: Deepest bracket nesting handed to rdflib's recursive-descent parser (the lexer has no limit).
_MAX_PARSE_DEPTH = 60
#: Longest text handed to rdflib's parser. It needs about 0.4 ms per character on
#: expression-heavy text (a 50 000-character FILTER took 26 s), so beyond this the lexer
#: decides alone rather than letting a query tie up a CPU before it even runs.
_MAX_PARSE_CHARS = 4_000
#: The only IRIs ``FROM`` / ``FROM NAMED`` may name.
GRAPH_PREFIX = str(GRAPH)

#: Words that only occur in SPARQL Update.
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
    | {"WITH", "USING", "DATA"}
)
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


class QueryRefused(UserError):
    """The query asks for something the guard does not allow (update, SERVICE, foreign FROM)."""


@dataclass(frozen=True)
class QueryInfo:
    """What the guard learned about an accepted query."""

    form: str | None
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK`` (``None`` if no form keyword)."""
    default_graphs: tuple[str, ...] = field(default=())
    """IRIs named by ``FROM`` (all under :data:`GRAPH_PREFIX`): the query's default graph."""
    named_graphs: tuple[str, ...] = field(default=())
    """IRIs named by ``FROM NAMED`` (all under :data:`GRAPH_PREFIX`)."""

    @property
    def from_graphs(self) -> tuple[str, ...]:
        """Every graph the dataset clauses name, ``FROM`` first."""
        return self.default_graphs + self.named_graphs


# --------------------------------------------------------------------------------------------
# Lexer

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
    rf"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)

# Order matters: the first alternative that matches at a position wins, as in a SPARQL lexer
# (strings, IRIs and comments are read whole before anything inside them could look like a
# keyword).
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>
        '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
      | \"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
      | '(?:[^'\\\r\n]|\\.)*'
      | "(?:[^"\\\r\n]|\\.)*"
    )
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*(?:\\[uU][0-9A-Fa-f]{4,8}[^<>"{}|^`\\\x00-\x20]*)*>)
  | (?P<var>[?$][0-9"""
    + _PN_CHARS_U
    + r"""][0-9\u00b7\u0300-\u036f\u203f-\u2040"""
    + _PN_CHARS_U
    + r"""]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:[0-9"""
    + _PN_CHARS_U
    + r"""](?:[."""
    + _PN_CHARS
    + r"""]*["""
    + _PN_CHARS
    + r"""])?)
  | (?P<pname>(?:"""
    + _PN_PREFIX
    + r""")?:(?:"""
    + _PN_LOCAL
    + r""")?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    pos: int


_OPERAND_KINDS = frozenset({"var", "string", "number", "iri", "pname", "bnode", "lang"})


def _is_operand(tok: _Token | None) -> bool:
    if tok is None:
        return False
    if tok.kind in _OPERAND_KINDS or tok.text in (")", "]"):
        return True
    return tok.kind == "word" and tok.text.upper() in ("TRUE", "FALSE")


def _tokens(text: str, lt_operator: bool = False) -> list[_Token]:
    """Split *text* into SPARQL tokens, dropping whitespace and comments.

    ``<`` is ambiguous in SPARQL: ``?a<'>')`` is a comparison with the string ``'>'`` for a
    parser that knows it is inside an expression, but ``<'>`` looks like an IRI to a lexer that
    does not. With *lt_operator* a ``<`` that follows an operand inside parentheses (the only
    place a comparison can occur) is read as the operator, as a parser would; the guard checks
    both readings, so a keyword hidden by either one is still seen.
    """
    out: list[_Token] = []
    brackets: list[str] = []
    pos, n = 0, len(text)
    while pos < n:
        if (
            lt_operator
            and text[pos] == "<"
            and brackets
            and brackets[-1] == "("
            and _is_operand(out[-1] if out else None)
        ):
            out.append(_Token("other", "<", pos))
            pos += 1
            continue
        m = _TOKEN.match(text, pos)
        assert m is not None  # the last alternative matches any character
        pos = m.end()
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        tok = _Token(kind, m.group(), m.start())
        if kind == "other":
            if tok.text in "({[":
                brackets.append(tok.text)
            elif tok.text in ")}]" and brackets:
                brackets.pop()
        out.append(tok)
    return out


def _expand_escapes(text: str) -> str:
    """``\\uXXXX`` and ``\\UXXXXXXXX`` replaced by their characters (SPARQL 1.1 §19.2)."""

    def repl(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group()

    return _UNICODE_ESCAPE.sub(repl, text)


def _unescape_iri(body: str) -> str:
    """An IRIREF's content with its ``\\u`` escapes decoded, as engines read it."""
    return _expand_escapes(body)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _short(value: str, n: int = 60) -> str:
    return value if len(value) <= n else value[: n - 1] + "…"


def check_graph_iri(value: str, where: str = "FROM") -> None:
    """Refuse a dataset IRI that is not a regimekg graph ``graph/{slug}``.

    Dataset IRIs are the one place SPARQL engines may dereference (Jena loads ``FROM`` documents
    from files and the web), so only our own graph names, with a plain slug, pass.
    """
    rest = value[len(GRAPH_PREFIX) :] if value.startswith(GRAPH_PREFIX) else None
    if rest is None or not SLUG_RE.match(rest):
        raise QueryRefused(
            f"{where} <{_short(value)}> is not allowed: FROM and FROM NAMED may only name "
            f"regimekg graphs ({GRAPH_PREFIX}…), so use one of those or leave them out to "
            "query the whole graph."
        )


def _refuse_word(word: str, text: str, pos: int) -> QueryRefused:
    line = _line_of(text, pos)
    if word == "SERVICE":
        return QueryRefused(
            f"SERVICE (federated query, line {line}) is not allowed: queries may only read the "
            "regimekg graph, so remove the SERVICE clause."
        )
    if word == "LOAD":
        return QueryRefused(
            f"LOAD (line {line}) is not allowed: this endpoint is read-only and never fetches "
            "documents; load data by adding it to data/ and running `regimekg build`."
        )
    return QueryRefused(
        f"SPARQL updates are not allowed ({word} at line {line}): the graph is read-only, so send "
        "a SELECT, ASK, CONSTRUCT or DESCRIBE query (change data through data/ and "
        "`regimekg build`)."
    )


def _lex_check(text: str) -> QueryInfo:
    """Lexer verdict on *text* as written (escapes only meaningful inside strings and IRIs),
    in both readings of ``<``; raises :class:`QueryRefused` if either reading is refused."""
    info = _check_tokens(_tokens(text), text)
    _check_tokens(_tokens(text, lt_operator=True), text)
    return info


def _check_tokens(toks: list[_Token], text: str) -> QueryInfo:
    prefixes: dict[str, list[str]] = {}
    bases: list[str] = []
    form: str | None = None
    default_iris: list[str] = []
    named_iris: list[str] = []
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        word = tok.text.upper()
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word in UPDATE_WORDS or word == "SERVICE":
            raise _refuse_word(word, text, tok.pos)
        if form is None and word in QUERY_FORMS:
            form = word
        if word == "PREFIX" and nxt is not None and nxt.kind == "pname":
            after = toks[i + 2] if i + 2 < len(toks) else None
            if after is not None and after.kind == "iri":
                name = nxt.text.partition(":")[0]
                prefixes.setdefault(name, []).append(_unescape_iri(after.text[1:-1]))
        elif word == "BASE" and nxt is not None and nxt.kind == "iri":
            bases.append(_unescape_iri(nxt.text[1:-1]))
        elif word == "FROM":
            j = i + 1
            named = j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "NAMED"
            if named:
                j += 1
            target = toks[j] if j < len(toks) else None
            for iri in _resolve_lexed(target, prefixes, bases):
                check_graph_iri(iri, f"FROM (line {_line_of(text, tok.pos)})")
                (named_iris if named else default_iris).append(iri)
    return QueryInfo(form, tuple(default_iris), tuple(named_iris))


def _resolve_lexed(
    target: _Token | None, prefixes: dict[str, list[str]], bases: list[str]
) -> list[str]:
    """Every IRI a FROM target could mean (each declaration of its prefix, each BASE).

    Engines differ on redeclared prefixes and relative IRIs; checking every reading means no
    engine can end up with an IRI the guard did not see.
    """
    if target is None:
        return ["(missing)"]
    if target.kind == "iri":
        raw = _unescape_iri(target.text[1:-1])
        return [urljoin(b, raw) for b in bases] if bases else [raw]
    if target.kind == "pname":
        prefix, _, local = target.text.partition(":")
        local = re.sub(r"\\(.)", r"\1", local)
        # An undeclared prefix is an error in most engines; the query layer offers the project
        # prefixes (namespaces.PREFIXES) implicitly, so read it as that.
        namespaces = prefixes.get(prefix) or ([PREFIXES[prefix]] if prefix in PREFIXES else [])
        if not namespaces:
            return [target.text]
        out: list[str] = []
        for ns in namespaces:
            out.extend([urljoin(b, ns) + local for b in bases] if bases else [ns + local])
        return out
    return [target.text]


# --------------------------------------------------------------------------------------------
# Parser (rdflib)


def _max_depth(text: str) -> int:
    depth = best = 0
    for tok in _tokens(text):
        if tok.kind == "other" and tok.text in "({[":
            depth += 1
            best = max(best, depth)
        elif tok.kind == "other" and tok.text in ")}]":
            depth = max(0, depth - 1)
    return best


def _walk(node: Any, visit: Any) -> None:
    """Depth-first walk over rdflib's parse results (``CompValue`` / ``ParseResults`` / lists)."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        cur = stack.pop()
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        name = getattr(cur, "name", None)
        if isinstance(name, str):
            visit(cur)
        if isinstance(cur, dict):
            stack.extend(cur.values())
        elif isinstance(cur, list | tuple) or type(cur).__name__ == "ParseResults":
            stack.extend(list(cur))


def _parsed_iri(term: Any, prologue: Any) -> str:
    """The absolute IRI of a dataset-clause term from rdflib's parse (IRI or prefixed name)."""
    if getattr(term, "name", None) == "pname":
        prefix, local = str(term.get("prefix") or ""), str(term.get("localname") or "")
        try:
            return str(prologue.resolvePName(prefix, local))
        except Exception:
            return PREFIXES[prefix] + local if prefix in PREFIXES else f"{prefix}:{local}"
    try:
        return str(prologue.absolutize(term)) if prologue is not None else str(term)
    except Exception:
        return str(term)


#: rdflib's SPARQL grammar is not safe to use from several threads at once: pyparsing works out
#: each parse action's arity on its first calls, and concurrent first calls (the server's
#: request threads) leave it wrong for the rest of the process, after which every parse fails
#: and this check would silently stop refusing anything. Parses are short and cached.
_PARSE_LOCK = threading.Lock()


def _parse_check(text: str) -> None:
    """rdflib's verdict: refuse SERVICE / foreign FROM found in the parse tree, and updates."""
    from rdflib.plugins.sparql import parser
    from rdflib.plugins.sparql.algebra import translatePrologue

    with _PARSE_LOCK:
        try:
            parsed = parser.parseQuery(text)
        except Exception:
            try:
                parser.parseUpdate(text)
            except Exception:
                return  # not parseable by rdflib either way: the lexer's verdict stands
            raise QueryRefused(
                "SPARQL updates are not allowed: the graph is read-only, so send a SELECT, ASK, "
                "CONSTRUCT or DESCRIBE query (change data through data/ and `regimekg build`)."
            ) from None

        try:
            prologue = translatePrologue(parsed[0], None)
        except Exception:
            prologue = None

    def visit(node: Any) -> None:
        if node.name == "ServiceGraphPattern":
            raise QueryRefused(
                "SERVICE (federated query) is not allowed: queries may only read the regimekg "
                "graph, so remove the SERVICE clause."
            )
        if node.name == "DatasetClause":
            term = dict.get(node, "default", dict.get(node, "named"))
            iri = _parsed_iri(term, prologue)
            check_graph_iri(iri, "FROM NAMED" if "named" in node else "FROM")

    _walk(parsed, visit)


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
    info = _lex_check(text)
    expanded = _expand_escapes(text)
    if expanded != text:
        _lex_check(expanded)
    if len(text) <= _MAX_PARSE_CHARS and _max_depth(expanded) <= _MAX_PARSE_DEPTH:
        _parse_check(text)
    return info


def check_query(text: str) -> None:
    """Raise :class:`regimekg.errors.UserError` (a :class:`QueryRefused`) unless *text* is a
    read-only query over regimekg graphs: no update, no ``SERVICE``, no ``LOAD``, no ``FROM``
    naming anything but ``https://w3id.org/regimekg/graph/{slug}``.

    String literals and comments that merely contain those words are accepted.
    """
    inspect_query(text)


def query_form(text: str) -> str | None:
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK`` for an accepted query."""
    return inspect_query(text).form
