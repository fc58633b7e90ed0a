"""Bring edits made to ``ontology/regimekg.owl`` (Protégé, owlready2) back into the Turtle source.

``ontology/regimekg.ttl`` is the source of truth: the build, the check and the reference
documentation read it, and ``regimekg.owl`` is generated from it. Editors who prefer Protégé
or owlready2 edit the RDF/XML, so the edit has to flow back. This module does that without
throwing away the hand-written Turtle: the file is split into its top-level statements, and only
the statements whose subject changed are rewritten (in rdflib's ``longturtle`` style); comments,
section headers and untouched statements stay byte-for-byte. New terms are placed next to their
siblings (same superclass, or same domain) so the diff lands in the right section.

The merge is verified before anything is written: the new Turtle must hold exactly the triples of
the RDF/XML (RDF 1.1 reading: ``"x"^^xsd:string`` is ``"x"``, which owlready2 and the OWL API
write for plain strings). Afterwards ``regimekg.owl`` is regenerated in its canonical form.

Edit one side between syncs: when ``regimekg.ttl`` is newer than ``regimekg.owl`` an import would
undo the Turtle edits, so it is refused unless forced.

Command line::

    regimekg ontology status      # what regimekg.owl changes compared to the Turtle
    regimekg ontology import-owl      # write those changes into regimekg.ttl
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import RDFS, XSD
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from . import files
from .errors import UserError
from .namespaces import PREFIXES
from .ontology import generate_owl, parse_turtle
from .paths import Project

Triple = tuple[Node, Node, Node]

# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def normalise(graph: Graph) -> Graph:
    """A copy of *graph* with ``xsd:string`` literals written as plain literals (RDF 1.1)."""
    out = Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def read_owl(project: Project) -> Graph:
    """``regimekg.owl`` as a normalised graph; a parse error names the file and line."""
    path = project.ontology_owl
    if not path.is_file():
        raise UserError(
            f"{path} is missing: generate it with `regimekg generate` before editing it."
        )
    try:
        g = Graph().parse(path, format="xml")
    except SAXParseException as e:
        raise UserError(
            f"{path} line {e.getLineNumber()}: malformed RDF/XML ({e.getMessage()}); fix the "
            f"file or regenerate it from the Turtle with `regimekg generate`."
        ) from None
    except Exception as e:  # rdflib raises several types for bad RDF/XML
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise UserError(
            f"{path}: cannot read RDF/XML ({first}); fix the file or regenerate it with "
            f"`regimekg generate`."
        ) from None
    return normalise(g)


# --------------------------------------------------------------------------------------------
# Splitting Turtle into statements
# --------------------------------------------------------------------------------------------


@dataclass
class Chunk:
    """One top-level piece of a Turtle file: its leading comments/blank lines and its text."""

    trivia: str
    text: str
    directive: bool = False


_DIRECTIVE = re.compile(r"(@prefix|@base|PREFIX|BASE)\s", re.IGNORECASE)


def split_turtle(source: str) -> tuple[list[Chunk], str]:
    """Split Turtle *source* into top-level chunks and the trailing trivia.

    Joining ``trivia + text`` of every chunk and the trailing trivia gives back *source*
    exactly. A statement ends at a ``.`` outside strings, IRIs, comments and brackets that is
    followed by whitespace, a comment or the end; a SPARQL-style ``PREFIX``/``BASE`` ends after
    its IRI.
    """
    chunks: list[Chunk] = []
    i = 0
    while True:
        start, i = i, _skip_trivia(source, i)
        trivia = source[start:i]
        if i >= len(source):
            return chunks, trivia
        m = _DIRECTIVE.match(source, i)
        end = _statement_end(source, i, sparql_style=bool(m) and source[i] != "@")
        chunks.append(Chunk(trivia, source[i:end], directive=bool(m)))
        i = end


def _skip_trivia(source: str, i: int) -> int:
    """The position after the whitespace and comments that start at *i*."""
    n = len(source)
    while i < n:
        if source[i].isspace():
            i += 1
        elif source[i] == "#":
            i = _line_end(source, i)
        else:
            break
    return i


def _line_end(source: str, i: int) -> int:
    """The position of the newline that ends the comment at *i* (or the end)."""
    j = source.find("\n", i)
    return j if j != -1 else len(source)


def _string_end(source: str, i: int) -> int:
    """The position after the string literal that opens at *i* (short or long, either
    quote); an unterminated one runs to the end, as a parser would report it there."""
    n = len(source)
    q3 = source[i : i + 3]
    if q3 in ('"""', "'''"):
        j = source.find(q3, i + 3)
        while j != -1 and _escaped(source, j):
            j = source.find(q3, j + 1)
        return (j + 3) if j != -1 else n
    j = i + 1
    while j < n and source[j] != source[i]:
        j += 2 if source[j] == "\\" else 1
    return j + 1


def _statement_end(source: str, i: int, *, sparql_style: bool) -> int:
    """The end of the statement that begins at *i*: after its final ``.`` (outside strings,
    IRIs, comments and brackets, and followed by whitespace, a comment or the end), or after
    the IRI of a SPARQL-style directive, which has no dot; the end of *source* if neither."""
    n = len(source)
    depth = 0
    while i < n:
        c = source[i]
        if c in "\"'":
            i = _string_end(source, i)
            continue
        if c == "<":
            j = source.find(">", i + 1)
            i = (j + 1) if j != -1 else n
            if sparql_style:
                return i
            continue
        if c == "#":
            i = _line_end(source, i)
            continue
        if c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
        elif c == "." and depth <= 0:
            nxt = source[i + 1] if i + 1 < n else " "
            if nxt.isspace() or nxt == "#":
                return i + 1
        i += 1
    return n


def _escaped(text: str, pos: int) -> bool:
    k = pos - 1
    count = 0
    while k >= 0 and text[k] == "\\":
        count += 1
        k -= 1
    return count % 2 == 1


# --------------------------------------------------------------------------------------------
# Descriptions of a subject
# --------------------------------------------------------------------------------------------


def description(graph: Graph, root: Node) -> Graph:
    """The triples about *root*, following blank nodes (a concise bounded description)."""
    out = Graph()
    todo = [root]
    seen: set[Node] = set()
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        for p, o in graph.predicate_objects(s):
            out.add((s, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return out


def roots(graph: Graph) -> list[Node]:
    """Subjects of *graph* that are not blank nodes used as an object (the top-level nodes)."""
    objects = {o for o in graph.objects() if isinstance(o, BNode)}
    found = {s for s in graph.subjects() if not (isinstance(s, BNode) and s in objects)}
    return sorted(found, key=lambda x: (isinstance(x, BNode), str(x)))


def _digest(g: Graph) -> int:
    return to_isomorphic(g).internal_hash()


_SHORT_PREFIXES = {
    **{k: v for k, v in PREFIXES.items() if k not in ("id", "graph")},
    "oa": "http://www.w3.org/ns/oa#",
    "vann": "http://purl.org/vocab/vann/",
}


def short(node: Node) -> str:
    """``prefix:name`` for IRIs in a known namespace, ``<IRI>`` for others, a word for bnodes."""
    s = str(node)
    if isinstance(node, BNode):
        return "an anonymous axiom"
    for prefix, ns in sorted(_SHORT_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if s.startswith(ns) and len(s) > len(ns):
            return f"{prefix}:{s[len(ns) :]}"
    return f"<{s}>"


# --------------------------------------------------------------------------------------------
# The difference between the two files
# --------------------------------------------------------------------------------------------


@dataclass
class Drift:
    """How ``regimekg.owl`` differs from ``regimekg.ttl``, by top-level subject."""

    added: list[Node] = field(default_factory=list)
    changed: list[Node] = field(default_factory=list)
    removed: list[Node] = field(default_factory=list)
    details: dict[Node, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def _names(self, nodes: Sequence[Node]) -> str:
        named = [short(n) for n in nodes if not isinstance(n, BNode)]
        anon = sum(isinstance(n, BNode) for n in nodes)
        if anon:
            named.append(f"{anon} anonymous axiom(s)")
        return ", ".join(named)

    def summary(self) -> str:
        """One line per kind of change, then the triples of each changed subject."""
        if self.empty:
            return "regimekg.owl and regimekg.ttl hold the same triples; nothing to import."
        lines = []
        for word, nodes in (
            ("added", self.added),
            ("changed", self.changed),
            ("removed", self.removed),
        ):
            if nodes:
                lines.append(f"{word}: {self._names(nodes)}")
        for node in [*self.added, *self.changed, *self.removed]:
            for d in self.details.get(node, [])[:12]:
                lines.append(f"  {short(node)} {d}")
        return "\n".join(lines)


def _fmt(node: Node) -> str:
    if isinstance(node, Literal):
        return f'"{node}"' + (f"@{node.language}" if node.language else "")
    if isinstance(node, BNode):
        return "[…]"
    return short(node)


def _triple_lines(old: Graph, new: Graph, root: Node) -> list[str]:
    """``+ p o`` / ``- p o`` lines for the direct triples of *root* that differ."""
    a = {(p, o) for p, o in old.predicate_objects(root)}
    b = {(p, o) for p, o in new.predicate_objects(root)}

    # blank-node objects differ by identity only; compare them by their description
    def key(g: Graph, p: Node, o: Node) -> tuple:
        return (p, _digest(description(g, o)) if isinstance(o, BNode) else o)

    ka = {key(old, p, o): (p, o) for p, o in a}
    kb = {key(new, p, o): (p, o) for p, o in b}
    out = [f"- {_fmt(p)} {_fmt(o)}" for k, (p, o) in sorted(ka.items(), key=str) if k not in kb]
    out += [f"+ {_fmt(p)} {_fmt(o)}" for k, (p, o) in sorted(kb.items(), key=str) if k not in ka]
    return out


@dataclass
class _Statement:
    index: int
    root: Node | None  # the subject IRI, or the blank node of an anonymous axiom
    graph: Graph | None = None  # parsed only for anonymous axioms


_SUBJECT = re.compile(r"<([^>]*)>|([A-Za-z][\w\-.]*)?:([\w\-.]*)")


def _parse_statements(chunks: list[Chunk], path: Path) -> list[_Statement]:
    """Each statement's subject: read from its first token, or by parsing an anonymous one.

    Reading the subject off the text keeps the import fast (one parse of the whole file
    instead of one per statement); the final isomorphism check catches any misreading.
    """
    prefixes = _file_prefixes(chunks)
    header = "".join(c.text + "\n" for c in chunks if c.directive)
    out = []
    for i, c in enumerate(chunks):
        if c.directive:
            continue
        m = _SUBJECT.match(c.text)
        if m and m.group(1) is not None:
            out.append(_Statement(i, URIRef(m.group(1))))
            continue
        if m and (m.group(2) or "") in prefixes:
            local = m.group(3).rstrip(".")
            out.append(_Statement(i, URIRef(prefixes[m.group(2) or ""] + local)))
            continue
        g = Graph()
        try:
            g.parse(data=header + c.text + "\n", format="turtle")
        except Exception:
            line = "".join(x.trivia + x.text for x in chunks[:i]).count("\n") + 1
            line += c.trivia.count("\n")
            raise UserError(
                f"{path} line {line}: this statement does not parse on its own; fix the Turtle "
                f"(`regimekg check` names the error) before importing."
            ) from None
        rs = roots(g)
        out.append(_Statement(i, rs[0] if len(rs) == 1 else None, g))
    return out


def _same(a: Graph, b: Graph) -> bool:
    """Graph equality, with the cheap set comparison when there are no blank nodes."""
    if len(a) != len(b):
        return False
    if not any(isinstance(x, BNode) for t in (*a, *b) for x in t):
        return set(a) == set(b)
    return isomorphic(a, b)


def compare(ttl: Graph, owl: Graph) -> Drift:
    """The subjects *owl* adds, changes or removes compared with *ttl*."""
    drift = Drift()
    ttl_roots = roots(ttl)
    owl_roots = roots(owl)
    named_ttl = {r for r in ttl_roots if not isinstance(r, BNode)}
    named_owl = {r for r in owl_roots if not isinstance(r, BNode)}
    for r in sorted(named_owl - named_ttl, key=str):
        drift.added.append(r)
        drift.details[r] = _triple_lines(Graph(), owl, r)
    for r in sorted(named_ttl - named_owl, key=str):
        drift.removed.append(r)
        drift.details[r] = _triple_lines(ttl, Graph(), r)
    for r in sorted(named_ttl & named_owl, key=str):
        if not _same(description(ttl, r), description(owl, r)):
            drift.changed.append(r)
            drift.details[r] = _triple_lines(ttl, owl, r)
    anon_ttl = defaultdict(list)
    for r in ttl_roots:
        if isinstance(r, BNode):
            anon_ttl[_digest(description(ttl, r))].append(r)
    anon_owl = defaultdict(list)
    for r in owl_roots:
        if isinstance(r, BNode):
            anon_owl[_digest(description(owl, r))].append(r)
    for h in sorted(set(anon_owl) | set(anon_ttl)):
        extra = len(anon_owl.get(h, [])) - len(anon_ttl.get(h, []))
        if extra > 0:
            drift.added += anon_owl[h][:extra]
        elif extra < 0:
            drift.removed += anon_ttl[h][:-extra]
    return drift


def status(project: Project) -> Drift:
    """How ``regimekg.owl`` differs from ``regimekg.ttl`` now."""
    ttl = normalise(parse_turtle(project.ontology_ttl))
    return compare(ttl, read_owl(project))


# --------------------------------------------------------------------------------------------
# Writing Turtle
# --------------------------------------------------------------------------------------------


def _serialise(graph: Graph, prefixes: dict[str, str]) -> tuple[str, dict[str, str]]:
    """*graph* as longturtle statements without prefix lines, and the prefixes it used."""
    g = Graph(bind_namespaces="none")
    for p, ns in prefixes.items():
        g.bind(p, ns, override=True, replace=True)
    for t in graph:
        g.add(t)
    text = g.serialize(format="longturtle")
    used: dict[str, str] = {}
    body = []
    for line in text.splitlines():
        m = re.match(r"^PREFIX ([A-Za-z0-9_\-.]*): <([^>]*)>$", line)
        if m:
            used[m.group(1)] = m.group(2)
        else:
            body.append(line)
    out = "\n".join(body).strip("\n")
    out = re.sub(r"^\[\]\s+", "[] ", out, flags=re.MULTILINE)
    return out, used


def _file_prefixes(chunks: Iterable[Chunk]) -> dict[str, str]:
    out = {}
    for c in chunks:
        m = re.match(r"(?:@prefix|PREFIX)\s+([A-Za-z0-9_\-.]*):\s*<([^>]*)>", c.text, re.I)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def _placement(owl: Graph, node: Node, statements: list[_Statement]) -> int | None:
    """Index of the statement a new term should follow: its last sibling, else its parent."""
    by_root: dict[Node, int] = {}
    for st in statements:
        if st.root is not None:
            by_root[st.root] = st.index
    if not isinstance(node, URIRef):
        return None
    for link in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain):
        for parent in sorted(owl.objects(node, link), key=str):
            if not isinstance(parent, URIRef):
                continue
            siblings = [
                by_root[s]
                for s in owl.subjects(link, parent)
                if s in by_root and isinstance(s, URIRef)
            ]
            if siblings:
                return max(siblings)
            if parent in by_root and link != RDFS.domain:
                return by_root[parent]
    return None


@dataclass
class ImportResult:
    """What :func:`import_owl` did (or would do, for a dry run)."""

    drift: Drift
    written: bool
    ttl: Path

    def summary(self) -> str:
        if self.drift.empty:
            return self.drift.summary()
        head = (
            f"Imported regimekg.owl into {self.ttl}:"
            if self.written
            else f"Would import regimekg.owl into {self.ttl} (dry run):"
        )
        tail = "" if not self.written else "\nNow run `regimekg check`."
        return f"{head}\n{self.drift.summary()}{tail}"


@dataclass
class _Edits:
    """What a merge changes in the Turtle file, statement by statement."""

    #: chunk index → its new text (``None``: the statement is deleted)
    text: dict[int, str | None] = field(default_factory=dict)
    #: prefixes the new text uses
    prefixes: dict[str, str] = field(default_factory=dict)
    #: new statements by the chunk index they follow (``None``: the end of the file)
    after: dict[int | None, list[str]] = field(default_factory=lambda: defaultdict(list))


def merge(source: str, owl: Graph, path: Path) -> tuple[str, Drift]:
    """Turtle text holding exactly the triples of *owl*, edited from *source* in place."""
    chunks, trailing = split_turtle(source)
    statements = _parse_statements(chunks, path)
    ttl = _parse_source(source, path)
    drift = compare(ttl, owl)
    if drift.empty:
        return source, drift
    prefixes = _file_prefixes(chunks)
    edits = _Edits()
    _rewrite_changed(drift, owl, _statements_by_root(statements, path), prefixes, edits)
    _delete_removed_anonymous(drift, ttl, statements, edits)
    # new subjects: after their siblings when there are any, else at the end
    for node in sorted(drift.added, key=lambda x: (isinstance(x, BNode), str(x))):
        text, used = _serialise(description(owl, node), prefixes)
        edits.prefixes.update(used)
        edits.after[_placement(owl, node, statements)].append(text)
    result = _assemble(chunks, trailing, edits, prefixes)
    _check_merged(result, owl, path)
    return result, drift


def _parse_source(source: str, path: Path) -> Graph:
    """The triples of the Turtle file, normalised for comparison; a syntax error is the
    editor's to fix first, named by line."""
    try:
        return normalise(Graph().parse(data=source, format="turtle"))
    except BadSyntax as e:
        raise UserError(
            f"{path} line {e.lines + 1}: Turtle syntax error; fix it before importing."
        ) from None


def _statements_by_root(statements: list[_Statement], path: Path) -> dict[Node, list[_Statement]]:
    """The statements describing each subject; a statement about several unrelated subjects
    cannot be replaced as one, so the editor is asked to split it."""
    by_root: dict[Node, list[_Statement]] = defaultdict(list)
    for st in statements:
        if st.root is None:
            raise UserError(
                f"{path}: statement {st.index + 1} describes several unrelated subjects; split "
                f"it into one statement per subject before importing."
            )
        by_root[st.root].append(st)
    return by_root


def _rewrite_changed(
    drift: Drift,
    owl: Graph,
    by_root: dict[Node, list[_Statement]],
    prefixes: dict[str, str],
    edits: _Edits,
) -> None:
    """A changed or removed named subject: its first statement becomes the subject's new
    description (if it still has one) and any further statements about it are deleted."""
    for node in set(drift.changed) | set(drift.removed):
        if isinstance(node, BNode):
            continue
        desc = description(owl, node)
        for k, st in enumerate(by_root.get(node, [])):
            if k == 0 and len(desc):
                text, used = _serialise(desc, prefixes)
                edits.prefixes.update(used)
                edits.text[st.index] = text
            else:
                edits.text[st.index] = None


def _delete_removed_anonymous(
    drift: Drift, ttl: Graph, statements: list[_Statement], edits: _Edits
) -> None:
    """Anonymous axioms that disappeared: a blank node has no name to find it by, so the
    statement to delete is the one whose description has the same digest."""
    for node in (n for n in drift.removed if isinstance(n, BNode)):
        h = _digest(description(ttl, node))
        for st in statements:
            if (
                isinstance(st.root, BNode)
                and st.index not in edits.text
                and st.graph is not None
                and _digest(normalise(st.graph)) == h
            ):
                edits.text[st.index] = None
                break


def _assemble(chunks: list[Chunk], trailing: str, edits: _Edits, prefixes: dict[str, str]) -> str:
    """The file text with the edits applied: untouched chunks byte for byte, a deleted
    statement's comments kept, missing prefixes after the last directive, new statements
    after their siblings or in a closing section."""
    out: list[str] = []
    last_directive = max((i for i, c in enumerate(chunks) if c.directive), default=-1)
    missing = {p: ns for p, ns in edits.prefixes.items() if prefixes.get(p) != ns}
    for i, c in enumerate(chunks):
        if i not in edits.text:
            out.append(c.trivia + c.text)
        elif edits.text[i] is not None:
            out.append(c.trivia + str(edits.text[i]))
        elif "#" in c.trivia:  # a deleted statement keeps the comments above it
            out.append(c.trivia.rstrip())
        if i == last_directive:
            out += [f"\n@prefix {p}: <{ns}> ." for p, ns in sorted(missing.items())]
        out += ["\n\n" + text for text in edits.after.get(i, [])]
    if edits.after.get(None):
        out.append("\n\n# Imported from regimekg.owl\n\n" + "\n\n".join(edits.after[None]))
    return "".join(out) + (trailing if trailing.strip() else "\n")


def _check_merged(result: str, owl: Graph, path: Path) -> None:
    """Refuse a merge whose text does not parse or does not hold exactly the triples of
    the RDF/XML: then nothing is written and the editor edits the Turtle by hand."""
    check = Graph()
    try:
        check.parse(data=result, format="turtle")
    except Exception as e:
        raise UserError(
            f"{path}: the merged Turtle does not parse ({str(e).splitlines()[0]}); nothing was "
            f"written, edit {path.name} by hand instead."
        ) from None
    merged = normalise(check)
    if len(merged) != len(owl) or not compare(merged, owl).empty:
        raise UserError(
            f"{path}: the edits in regimekg.owl could not be merged statement by statement; "
            f"nothing was written, edit {path.name} by hand instead."
        )


def import_owl(project: Project, *, dry_run: bool = False, force: bool = False) -> ImportResult:
    """Write the edits of ``regimekg.owl`` into ``regimekg.ttl`` and regenerate the RDF/XML.

    Refused (a :class:`UserError`) when the Turtle was modified after the RDF/XML, because the
    import would then revert those Turtle edits; *force* imports anyway.
    """
    ttl_path, owl_path = project.ontology_ttl, project.ontology_owl
    owl = read_owl(project)
    source = ttl_path.read_text(encoding="utf-8")
    merged, drift = merge(source, owl, ttl_path)
    if drift.empty:
        return ImportResult(drift, False, ttl_path)
    if not force and ttl_path.stat().st_mtime > owl_path.stat().st_mtime:
        raise UserError(
            f"{ttl_path} was modified after {owl_path.name}, so importing would undo the Turtle "
            f"edits ({drift.summary().splitlines()[0]}); regenerate the RDF/XML with "
            f"`regimekg generate` to keep the Turtle, or pass --force to import."
        )
    if not dry_run:
        files.write_text(ttl_path, merged)
        generate_owl(project)
    return ImportResult(drift, not dry_run, ttl_path)
