"""SPARQL text read through rdflib's SPARQL 1.1 parser: structure, scoping, endpoint substitution.

The guard (:mod:`regimekg.guard`) and the query layer read a query's structure the same way:
:func:`parse`, rdflib's parse tree, cached by text. Its form (:func:`query_form`), its prefixes
(:func:`declared_prefixes`, :func:`undeclared_prefixes`) and the parameter rules below
(:func:`check_parameter_scoping`) are all answered from that tree, so a colon in a string or a
``?p`` in a comment is never mistaken for a prefixed name or a variable.

Embedded engines take parameter values as terms (pyoxigraph ``substitutions``, rdflib
``initBindings``). A remote SPARQL 1.1 endpoint has no such channel (the protocol sends only
text), so for it :func:`substitute` writes the N-Triples form of an already validated term
(:func:`ntriples`) in place of the parameter variable. Where the variables are is found by a
scanner composed from rdflib's own terminal definitions (:data:`_SCANNER`) and rdflib's
``SelectClause`` / ``GroupClause`` / ``OrderClause`` rules; then the substituted text is parsed
again and its tree compared with the original tree with the parameters replaced by their terms
(:func:`_verify`). A text that would differ is refused, never sent (docs/decisions/
20261207-endpoint-substitution-verified-by-the-parser.md).

All three engines must give the same rows, which only holds if a parameter variable behaves like
a constant everywhere. pyoxigraph substitutes only variables of the ``SELECT`` projection and
treats a sub-query's own variables as separate (SEP-0007), while rdflib binds a variable
everywhere, so named queries follow three rules that :func:`check_parameter_scoping` enforces:

1. every parameter is projected by the top-level ``SELECT`` (and grouped by, when the query
   groups) — the query layer hides these echo columns from the answer;
2. a sub-query that mentions a parameter projects it as well;
3. a parameter is never the target of ``BIND … AS``, never listed in ``VALUES``, never inside
   ``BOUND()``, never aliased as a whole expression (``BIND(?p AS ?v)``: pyoxigraph 0.5 then
   leaves ``?v`` unbound; compare with ``FILTER(?v = ?p)`` instead), and ``SELECT *`` is not
   used.

Under those rules textual substitution is exact: a bare ``?p`` in the top-level projection
becomes ``(<term> AS ?p)``, in a sub-query projection it is dropped, in ``GROUP BY`` /
``ORDER BY`` it becomes ``(<term>)``, and everywhere else it becomes ``<term>``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import pyparsing as pp
from cachetools import LRUCache
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.plugins.sparql import parser
from rdflib.plugins.sparql.parserutils import CompValue

from ..errors import UserError

#: rdflib's SPARQL grammar is not safe to use from several threads at once: pyparsing works out
#: each parse action's arity on its first calls, and concurrent first calls leave it wrong for
#: the rest of the process. Every use of the grammar here and in the guard holds this lock.
PARSE_LOCK = threading.Lock()

#: The query form of each top-level node of rdflib's parse tree.
FORM_OF_NODE = {
    "SelectQuery": "SELECT",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
    "AskQuery": "ASK",
}

#: Characters an IRIREF may not contain (SPARQL 1.1 grammar rule 139).
_IRI_OK = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*$")
_LANG_OK = re.compile(r"^[A-Za-z]+(?:-[A-Za-z0-9]+)*$")


# --------------------------------------------------------------------------------------------
# The parse tree (nodes are read with ``dict.get``: ``CompValue.get`` answers a missing key with
# the key itself)


#: Characters of query text whose parse trees are kept. A tree takes about 0.15-0.35 MB per
#: 1000 characters, so this bounds the cache to some 100 MB whatever texts the server is sent,
#: and holds every named query (about 70 000 characters) with room to spare.
PARSE_CACHE_CHARS = 300_000
_TREES: LRUCache[str, tuple[int, Any]] = LRUCache(PARSE_CACHE_CHARS, getsizeof=lambda e: e[0])


def parse(text: str) -> Any:
    """rdflib's parse tree of *text* as a query (prologue, query node), cached by text.

    Raises what rdflib raises (``pyparsing.ParseBaseException``, ``ValueError`` for a bad
    ``\\u`` escape, ``RecursionError`` for deep nesting). The tree is shared through the cache:
    read it, never change it (``translateQuery`` changes the tree it is given).
    """
    with PARSE_LOCK:
        entry = _TREES.get(text)
        if entry is None:
            entry = (len(text) + 1, parser.parseQuery(text))
            if entry[0] <= PARSE_CACHE_CHARS:
                _TREES[text] = entry
        return entry[1]


def syntax_error(e: BaseException) -> UserError:
    """The one-sentence error for SPARQL that does not parse (the parser's first line)."""
    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return UserError(f"The SPARQL query does not parse ({first}); fix the syntax there.")


def tree(text: str) -> Any:
    """:func:`parse`, with a text that does not parse as a :func:`syntax_error`."""
    try:
        return parse(text)
    except (pp.ParseBaseException, ValueError, RecursionError) as e:
        raise syntax_error(e) from None


def _children(node: Any) -> list[Any]:
    if isinstance(node, CompValue):
        return list(node.values())
    if isinstance(node, list | tuple | pp.ParseResults):
        return list(node)
    return []


def nodes(node: Any) -> Iterator[Any]:
    """Every node under *node* (itself included), in document order."""
    stack = [node]
    while stack:
        cur = stack.pop()
        yield cur
        stack.extend(reversed(_children(cur)))


def _variables(node: Any) -> set[str]:
    return {str(n) for n in nodes(node) if isinstance(n, Variable)}


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``, from the parse tree."""
    return FORM_OF_NODE[tree(text)[1].name]


def declared_prefixes(text: str) -> set[str]:
    """Prefix names declared by ``PREFIX`` in *text* (``""`` for the empty prefix)."""
    return {str(dict.get(d, "prefix") or "") for d in tree(text)[0] if d.name == "PrefixDecl"}


def undeclared_prefixes(text: str, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Prefixes *text* uses in prefixed names but neither declares nor finds in *known*.

    Read from the parse tree, so a colon inside a string, an IRI or a comment is not taken for
    a prefixed name, nor is a blank-node label (``_:b``). A text that does not parse uses none:
    the parser's own error, given when it runs, is the better message.
    """
    try:
        parsed = parse(text)
    except (pp.ParseBaseException, ValueError, RecursionError):
        return []
    declared = declared_prefixes(text) | set(known)
    used: list[str] = []
    for n in nodes(parsed[1]):
        if isinstance(n, CompValue) and n.name == "pname":
            prefix = str(dict.get(n, "prefix") or "")
            if prefix not in declared and prefix not in used:
                used.append(prefix)
    return used


# --------------------------------------------------------------------------------------------
# The parameter rules


def _bare(expr: Any) -> Any:
    """*expr* without rdflib's one-operand wrappers (``ConditionalOrExpression`` …)."""
    while (
        isinstance(expr, CompValue) and expr.name.endswith("Expression") and set(expr) == {"expr"}
    ):
        expr = expr["expr"]
    return expr


def _selects(top: Any) -> Iterator[tuple[Any, bool]]:
    """The top-level SELECT and every sub-select, each with whether it is the top one."""
    yield top, True
    for n in nodes(top["where"]):
        if isinstance(n, CompValue) and n.name == "SubSelect":
            yield n, False


def _projection_problems(sel: Any, is_top: bool, params: list[str]) -> list[str]:
    """Rules 1 and 2, and ``SELECT *``, for one SELECT."""
    projection = dict.get(sel, "projection")
    problems = [] if projection is not None else ["uses SELECT *; list the projected variables"]
    projected = {str(v["var"]) for v in projection or () if "var" in v}
    grouped = None
    if "groupby" in sel:
        grouped = {str(c) for c in sel["groupby"]["condition"] if isinstance(c, Variable)}
    used = set() if is_top else _variables(sel)
    for p in params:
        if (is_top or p in used) and p not in projected:
            where = "top-level SELECT" if is_top else "a sub-query that uses it"
            problems.append(f"parameter ?{p} is not projected by {where}")
        elif grouped is not None and p in projected and p not in grouped:
            problems.append(f"parameter ?{p} is projected but not grouped by: add it to GROUP BY")
    return problems


def _alias_problems(node: CompValue, params: list[str]) -> list[str]:
    """Rule 3 for one node of the tree: ``AS`` targets, whole aliases, VALUES, BOUND."""
    key = {"Bind": "var", "vars": "evar", "GroupAs": "var"}.get(node.name)
    target = dict.get(node, key) if key else None
    problems: list[str] = []
    if target is not None:
        alias = _bare(dict.get(node, "expr"))
        if str(target) in params:
            problems.append(f"parameter ?{target} is the target of AS")
        if isinstance(alias, Variable) and str(alias) in params:
            problems.append(f"parameter ?{alias} is aliased with (?{alias} AS …); filter instead")
    if node.name in ("InlineData", "ValuesClause"):
        listed = [str(v) for v in dict.get(node, "var") or ()]
        problems += [f"parameter ?{v} is listed in VALUES" for v in listed if v in params]
    if node.name == "Builtin_BOUND" and str(dict.get(node, "arg")) in params:
        problems.append(f"parameter ?{node['arg']} is used in BOUND()")
    return problems


def check_parameter_scoping(text: str, params: list[str]) -> list[str]:
    """Problems that would make *params* bind differently on different engines (see module doc)."""
    try:
        query = parse(text)[1]
    except (pp.ParseBaseException, ValueError, RecursionError) as e:
        return [str(syntax_error(e))]
    if query.name != "SelectQuery":
        return ["not a SELECT query"]
    problems: list[str] = []
    for sel, is_top in _selects(query):
        problems += _projection_problems(sel, is_top, params)
    for n in nodes(query):
        if isinstance(n, CompValue):
            problems += _alias_problems(n, params)
    return problems


# --------------------------------------------------------------------------------------------
# Terms as text


def ntriples(term: URIRef | Literal) -> str:
    """The N-Triples form of a validated term, for pasting into an endpoint query.

    Refuses anything that could change the query's structure instead of being one term:
    IRIs with characters an IRIREF forbids, odd language tags, and backslash-``u`` sequences
    (SPARQL decodes ``\\uXXXX`` before parsing, so they cannot be escaped portably).
    """
    if isinstance(term, URIRef):
        value = str(term)
        if not _IRI_OK.match(value):
            raise UserError(f"{value!r} is not a valid IRI: remove spaces, quotes and brackets.")
        return f"<{value}>"
    if isinstance(term, Literal):
        value = str(term)
        if re.search(r"\\[uU]", value):
            raise UserError(
                f"The value {value[:40]!r} contains a \\u escape, which SPARQL endpoints decode "
                "before parsing: write the character itself instead."
            )
        body = (
            value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if term.language:
            if not _LANG_OK.match(term.language):
                raise UserError(f"{term.language!r} is not a language tag.")
            return f'"{body}"@{term.language}'
        if term.datatype is not None and term.datatype != XSD.string:
            return f'"{body}"^^{ntriples(URIRef(term.datatype))}'
        return f'"{body}"'
    raise UserError(f"{term!r} cannot be a query parameter: use an IRI or a literal.")


# --------------------------------------------------------------------------------------------
# Substitution for endpoints: where the variables are


def _pattern(el: pp.ParserElement) -> str:
    """The regular expression of one of rdflib's terminal definitions (a pyparsing element)."""
    if isinstance(el, pp.Regex):
        flags = "x" if el.re.flags & re.X else ""
        return f"(?{flags}:{el.re.pattern})"
    if isinstance(el, pp.Literal):
        return re.escape(el.match)
    if isinstance(el, pp.Opt):
        return f"(?:{_pattern(el.expr)})?"
    if isinstance(el, pp.ParseElementEnhance):  # Combine, Suppress, Param, …: same text
        return _pattern(el.expr)
    if isinstance(el, pp.And):
        return "".join(_pattern(e) for e in el.exprs)
    if isinstance(el, pp.MatchFirst):
        return "(?:" + "|".join(_pattern(e) for e in el.exprs) + ")"
    raise TypeError(f"no pattern for {type(el).__name__}")


def _scanner() -> re.Pattern[str]:
    """One pass over a query: the tokens that can hold a ``?`` or ``$``, from rdflib's lexicon.

    Comments (rdflib's ``ignore`` expression), the four string forms, IRIREF, variables,
    blank-node labels, prefixed names and language tags; any other character stands alone.
    """
    kinds = {
        "comment": parser.QueryUnit.ignoreExprs[0],
        "string": parser.STRING_LITERAL_LONG1
        | parser.STRING_LITERAL_LONG2
        | parser.STRING_LITERAL1
        | parser.STRING_LITERAL2,
        "iri": parser.IRIREF,
        "var": parser.Var,
        "bnode": parser.BLANK_NODE_LABEL,
        "pname": parser.PNAME_LN | parser.PNAME_NS,
        "lang": parser.LANGTAG,
    }
    alternatives = [f"(?P<{k}>{_pattern(el)})" for k, el in kinds.items()]
    return re.compile("|".join([*alternatives, r"(?P<ws>\s+)", r"(?P<other>[\s\S])"]))


_SCANNER = _scanner()

#: rdflib's clauses in which a bare variable needs another replacement than the term itself,
#: by their first keyword (rdflib's keywords are ASCII-case-insensitive). Each is wrapped to
#: report where it matched; the wrapper reads tabs as they are (pyparsing would expand them).
_CLAUSES = {
    word: (clause, pp.Located(clause).parse_with_tabs())
    for word, clause in (
        ("SELECT", parser.SelectClause),
        ("GROUP", parser.GroupClause),
        ("ORDER", parser.OrderClause),
    )
}

#: Replacement of a parameter, by where its variable stands (see :func:`_edits`).
_TERM, _AS, _DROP, _PAREN = "term", "as", "drop", "paren"

Edit = tuple[int, int, str, str]  # start, end, variable name, how
Token = tuple[str, int, int]  # kind, start, end


def _clause_spans(text: str, tokens: list[Token]) -> list[tuple[int, int, pp.ParserElement]]:
    """Where rdflib's SELECT / GROUP BY / ORDER BY clause rules match, each tried at the tokens
    that start with its keyword (not inside a string, IRI, comment or name)."""
    spans = []
    with PARSE_LOCK:
        for kind, start, _ in tokens:
            for word, (clause, located) in _CLAUSES.items():
                if kind != "other" or text[start : start + len(word)].upper() != word:
                    continue
                try:
                    found = located.parse_string(text[start:])
                except pp.ParseBaseException:
                    continue
                spans.append((start, start + found[2], clause))
    return spans


def _bare_in_clauses(text: str, tokens: list[Token]) -> dict[int, str]:
    """Start of each variable standing bare (outside parentheses) in a clause of
    :data:`_CLAUSES`, with its replacement: ``(term AS ?p)`` in the first SELECT (the query's
    own), nothing in a later one (a sub-query), ``(term)`` in GROUP BY / ORDER BY."""
    spans = _clause_spans(text, tokens)
    first_select = next((s for s, _, c in spans if c is parser.SelectClause), None)
    how: dict[int, str] = {}
    for s, e, clause in spans:
        if clause is parser.SelectClause:
            replacement = _AS if s == first_select else _DROP
        else:
            replacement = _PAREN
        depth = 0
        for kind, start, _ in tokens:
            if start < s or start >= e:
                continue
            if kind == "other":
                depth += {"(": 1, ")": -1}.get(text[start], 0)
            elif kind == "var" and depth == 0:
                how[start] = replacement
    return how


def _edits(text: str, names: frozenset[str]) -> list[Edit]:
    """Each occurrence of a parameter variable in *text*, with how to replace it."""
    tokens = [(m.lastgroup or "other", m.start(), m.end()) for m in _SCANNER.finditer(text)]
    how = _bare_in_clauses(text, tokens)
    return [
        (start, end, text[start + 1 : end], how.get(start, _TERM))
        for kind, start, end in tokens
        if kind == "var" and text[start + 1 : end] in names
    ]


def _render(text: str, edits: list[Edit], terms: dict[str, str]) -> str:
    out: list[str] = []
    pos = 0
    for start, end, name, how in edits:
        term = terms[name]
        repl = {_AS: f"({term} AS ?{name})", _DROP: "", _PAREN: f"({term})"}.get(how, term)
        out += [text[pos:start], repl]
        pos = end
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Substitution for endpoints: the check by the parser


class _Canon:
    """A parse tree as nested tuples, to compare two trees; optionally with terms for variables.

    One-operand expression wrappers and ``GROUP BY (expr)`` parentheses are dropped (they mean
    the same as the bare expression); blank nodes are numbered in order of appearance, since
    each parse draws new ones. With *terms*, a parameter variable becomes its term's node, a
    bare parameter in the top-level projection becomes ``(term AS ?p)`` and one in a sub-query
    projection disappears: the three rewrites of the module doc, on the tree.
    """

    def __init__(self, terms: dict[str, Any] | None = None) -> None:
        self.terms = terms or {}
        self.bnodes: dict[BNode, int] = {}

    def __call__(self, node: Any) -> Any:
        node = _bare(node)
        if isinstance(node, CompValue):
            if node.name == "GroupAs" and "var" not in node:
                return self(node["expr"])
            return (node.name, tuple((k, self._value(node, k, v)) for k, v in node.items()))
        if isinstance(node, list | tuple | pp.ParseResults):
            return tuple(self(x) for x in node)
        if isinstance(node, Variable) and str(node) in self.terms:
            return self.terms[str(node)]
        if isinstance(node, BNode):
            return ("bnode", self.bnodes.setdefault(node, len(self.bnodes)))
        return node

    def _value(self, node: CompValue, key: str, value: Any) -> Any:
        if key != "projection" or not self.terms:
            return self(value)
        out = []
        for item in value:
            name = str(dict.get(item, "var", ""))
            if name not in self.terms:
                out.append(self(item))
            elif node.name == "SelectQuery":
                out.append(("vars", (("expr", self.terms[name]), ("evar", Variable(name)))))
        return tuple(out)


def _placeholder(name: str, shape: tuple[str, str]) -> str:
    """A term of the given shape standing for any value of parameter *name* (worded so that
    it is unlikely to equal a constant of the query)."""
    kind, extra = shape
    if kind == "iri":
        return f"<urn:regimekg:parameter:{name}>"
    value = f'"regimekg parameter {name}"'
    return {"lang": f"{value}@{extra}", "typed": f"{value}^^<{extra}>"}.get(kind, value)


def _shape(term: URIRef | Literal) -> tuple[str, str]:
    """What of a term decides its tokens' grammar: an IRI, or a literal's tag or datatype."""
    if isinstance(term, URIRef):
        return ("iri", "")
    if isinstance(term, Literal) and term.language:
        return ("lang", term.language)
    if isinstance(term, Literal) and term.datatype is not None and term.datatype != XSD.string:
        return ("typed", str(term.datatype))
    return ("plain", "")


def _term_node(token: str) -> Any:
    """rdflib's parse-tree node for one term written as *token*."""
    with PARSE_LOCK:
        return parser.GraphTerm.parse_string(token, parse_all=True)[0]


def _verify(text: str, substituted: str, placeholders: dict[str, str]) -> bool:
    """Whether *substituted* parses to the tree of *text* with the placeholders in place."""
    try:
        with PARSE_LOCK:  # not kept: each text is checked once
            after = parser.parseQuery(substituted)
    except (pp.ParseBaseException, ValueError, RecursionError):
        return False
    before = parse(text)
    terms = {name: _Canon()(_term_node(token)) for name, token in placeholders.items()}
    expected = _Canon(terms)
    return (expected(before[0]), expected(before[1])) == (_Canon()(after[0]), _Canon()(after[1]))


@lru_cache(maxsize=512)
def _plan(text: str, shape: tuple[tuple[str, tuple[str, str]], ...]) -> tuple[Edit, ...] | str:
    """The verified edits for parameters of *shape* in *text*, or why there are none."""
    tree(text)  # a query that does not parse says so first
    placeholders = {name: _placeholder(name, kind) for name, kind in shape}
    edits = _edits(text, frozenset(placeholders))
    if _verify(text, _render(text, edits, placeholders), placeholders):
        return tuple(edits)
    names = ", ".join(f"?{name}" for name, _ in shape)
    return (
        f"Writing the values of {names} into the query text for the SPARQL endpoint would "
        "change the query (its parse differs from the query with those values bound), so it is "
        "not sent: keep the parameters to the rules of docs/queries.md (projected, not in "
        "VALUES, BOUND or AS) and put spaces around < and > comparisons, or query the "
        "embedded store instead."
    )


def substitute(text: str, bindings: dict[str, URIRef | Literal]) -> str:
    """*text* with each bound variable replaced by its term, as described in the module doc.

    Refused with a :class:`UserError` when a value is no single term (:func:`ntriples`) or when
    the parser reads the substituted text differently from the query with the values bound.
    The check runs once per text and shape of values (IRI, language, datatype), on stand-in
    terms: a term written by :func:`ntriples` is one token of its shape whatever its value.
    """
    if not bindings:
        return text
    terms = {name: ntriples(term) for name, term in bindings.items()}
    plan = _plan(text, tuple(sorted((name, _shape(t)) for name, t in bindings.items())))
    if isinstance(plan, str):
        raise UserError(plan)
    return _render(text, list(plan), terms)
