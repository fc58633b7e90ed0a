"""SPARQL text, read token by token: parameter substitution for endpoints and scoping checks.

Embedded engines take parameter values as terms (pyoxigraph ``substitutions``, rdflib
``initBindings``). A remote SPARQL 1.1 endpoint has no such channel, so for it the parameter
variable is replaced *in the token stream* by the N-Triples form of an already validated term:
never inside a string, IRI or comment, and never by concatenating raw user text.

All three must give the same rows, which only holds if a parameter variable behaves like a
constant everywhere. pyoxigraph substitutes only variables of the ``SELECT`` projection and
treats a sub-query's own variables as separate (SEP-0007), while rdflib binds a variable
everywhere, so named queries follow three rules that :func:`check_parameter_scoping` enforces:

1. every parameter is projected by the top-level ``SELECT`` (and grouped by, when the query
   groups) — the query layer hides these echo columns from the answer;
2. a sub-query whose pattern mentions a parameter projects it as well;
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
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ..errors import UserError

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
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][0-9A-Za-z_\u00b7\u00c0-\ufffd]+)
  | (?P<word>(?:[A-Za-z_\u00c0-\ufffd][\w\-.]*)?:(?:[\w\-.:%\u00b7]|\\.)*|[A-Za-z_][\w]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

#: Keywords that end a GROUP BY / ORDER BY clause.
_MODIFIER_END = {"HAVING", "ORDER", "GROUP", "LIMIT", "OFFSET", "VALUES"}
#: Characters an IRIREF may not contain (SPARQL 1.1 grammar rule 139).
_IRI_OK = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*$")
_LANG_OK = re.compile(r"^[A-Za-z]+(?:-[A-Za-z0-9]+)*$")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""

    @property
    def var(self) -> str | None:
        return self.text[1:] if self.kind == "var" else None


def tokens(text: str) -> list[Token]:
    """The tokens of *text*, whitespace and comments dropped."""
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append(Token(kind, m.group(), m.start()))
    return out


@dataclass
class _Select:
    """One SELECT: where its clause is, its bare projected variables, its group's range."""

    depth: int  # brace depth of the SELECT keyword (0 = top level)
    clause: tuple[int, int]  # token index range of the projection
    projected: set[str]
    star: bool
    group: tuple[int, int] = (0, 0)  # token index range of its WHERE group (inclusive braces)


def _selects(toks: list[Token]) -> list[_Select]:
    """Every SELECT with the token ranges of its projection and of its WHERE group."""
    out: list[_Select] = []
    depth = 0
    i = 0
    opens: list[int] = []
    pending: list[_Select] = []  # selects waiting for their group to open
    by_open: dict[int, _Select] = {}
    while i < len(toks):
        t = toks[i]
        if t.upper == "SELECT":
            j = i + 1
            paren = 0
            projected: set[str] = set()
            star = False
            while j < len(toks):
                u = toks[j]
                if u.text == "(":
                    paren += 1
                elif u.text == ")":
                    paren -= 1
                elif paren == 0 and (u.upper == "WHERE" or u.text == "{"):
                    break
                elif paren == 0 and u.text == "*":
                    star = True
                elif paren == 0 and u.var:
                    projected.add(u.var)
                j += 1
            sel = _Select(depth, (i, j), projected, star)
            out.append(sel)
            pending.append(sel)
            i = j
            continue
        if t.text == "{":
            if pending and pending[-1].depth == depth:
                by_open[i] = pending.pop()
            opens.append(i)
            depth += 1
        elif t.text == "}":
            depth -= 1
            if opens:
                start = opens.pop()
                if start in by_open:
                    by_open[start].group = (start, i)
        i += 1
    return out


def check_parameter_scoping(text: str, params: list[str]) -> list[str]:
    """Problems that would make *params* bind differently on different engines (see module doc)."""
    toks = tokens(text)
    problems: list[str] = []
    selects = _selects(toks)
    if not selects:
        return ["not a SELECT query"]
    for sel in selects:
        if sel.star:
            problems.append("uses SELECT *; list the projected variables")
        lo, hi = sel.group
        used = {t.var for t in toks[lo : hi + 1] if t.var}
        for p in params:
            if (sel.depth == 0 or p in used) and p not in sel.projected:
                where = "top-level SELECT" if sel.depth == 0 else "a sub-query that uses it"
                problems.append(f"parameter ?{p} is not projected by {where}")
    for i, t in enumerate(toks):
        if t.var not in params:
            continue
        prev = toks[i - 1] if i else None
        prev2 = toks[i - 2] if i > 1 else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if prev is not None and prev.upper == "AS":
            problems.append(f"parameter ?{t.var} is the target of AS")
        if prev is not None and prev.text == "(" and nxt is not None and nxt.upper == "AS":
            # pyoxigraph treats `BIND(?p AS ?v)` as an alias and loses the substitution
            problems.append(f"parameter ?{t.var} is aliased with ({t.text} AS …); filter instead")
        if prev is not None and prev2 is not None and prev.text == "(" and prev2.upper == "BOUND":
            problems.append(f"parameter ?{t.var} is used in BOUND()")
    for i, t in enumerate(toks):
        if t.upper == "VALUES":
            j = i + 1
            while j < len(toks) and toks[j].text != "{":
                if toks[j].var in params:
                    problems.append(f"parameter ?{toks[j].var} is listed in VALUES")
                j += 1
    return problems


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


def substitute(text: str, bindings: dict[str, URIRef | Literal]) -> str:
    """*text* with each bound variable replaced by its term, as described in the module doc."""
    if not bindings:
        return text
    toks = tokens(text)
    selects = _selects(toks)
    in_select: dict[int, int] = {}  # token index -> depth of its SELECT, for bare projections
    for sel in selects:
        paren = 0
        for k in range(sel.clause[0] + 1, sel.clause[1]):
            tt = toks[k].text
            if tt == "(":
                paren += 1
            elif tt == ")":
                paren -= 1
            elif paren == 0 and toks[k].var:
                in_select[k] = sel.depth
    bare_modifier: set[int] = set()
    i = 0
    while i < len(toks):
        if toks[i].upper in ("GROUP", "ORDER") and i + 1 < len(toks) and toks[i + 1].upper == "BY":
            paren = 0
            j = i + 2
            while j < len(toks):
                u = toks[j]
                if paren == 0 and (u.upper in _MODIFIER_END or u.text in "{}"):
                    break
                if u.text == "(":
                    paren += 1
                elif u.text == ")":
                    paren -= 1
                elif paren == 0 and u.var:
                    bare_modifier.add(j)
                j += 1
            i = j
            continue
        i += 1
    out: list[str] = []
    pos = 0
    for k, t in enumerate(toks):
        name = t.var
        if name is None or name not in bindings:
            continue
        term = ntriples(bindings[name])
        if k in in_select:
            repl = f"({term} AS ?{name})" if in_select[k] == 0 else ""
        elif k in bare_modifier:
            repl = f"({term})"
        else:
            repl = term
        out.append(text[pos : t.start])
        out.append(repl)
        pos = t.start + len(t.text)
    out.append(text[pos:])
    return "".join(out)


def declared_prefixes(text: str) -> set[str]:
    """Prefix names declared by ``PREFIX`` in *text*."""
    toks = tokens(text)
    return {
        toks[i + 1].text.split(":", 1)[0]
        for i, t in enumerate(toks[:-1])
        if t.upper == "PREFIX" and toks[i + 1].kind == "word"
    }


def undeclared_prefixes(text: str, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Prefixes *text* uses in prefixed names but neither declares nor finds in *known*.

    Read from the token stream, so a colon inside a string, an IRI or a comment is not taken
    for a prefixed name; blank-node labels (``_:b``) are not prefixes.
    """
    toks = tokens(text)
    declared = declared_prefixes(text) | set(known)
    used: list[str] = []
    for i, t in enumerate(toks):
        if t.kind != "word" or ":" not in t.text:
            continue
        if i > 0 and toks[i - 1].upper == "PREFIX":
            continue
        prefix = t.text.split(":", 1)[0]
        if prefix != "_" and prefix not in declared and prefix not in used:
            used.append(prefix)
    return used
