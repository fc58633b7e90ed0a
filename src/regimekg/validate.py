"""SHACL validation with reports a curator can act on.

pySHACL runs with core constraints only (``inference="none"``; DESIGN §3 measured it at
2.5 s for 34 k triples). The ontology is mixed in as ``ont_graph`` so that shapes targeting
a class also reach instances of its subclasses. Each violation is reported with the file and
record it came from when the focus node is a curated node, because "sh:minCount on
id/institution/g7" is not something a curator can fix without that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.util import guess_format

from .errors import UserError
from .inputs import check_xml, decode_text, parse_json
from .namespaces import SH, slug_of
from .paths import Project


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in the words a report needs."""

    focus: str
    path: str | None
    component: str
    message: str
    severity: str
    where: str | None = None

    def line(self) -> str:
        place = f"{self.where}: " if self.where else ""
        prop = f" {self.path}" if self.path else ""
        return f"{place}{self.focus}{prop} violates {self.component}: {self.message}"


@dataclass
class Report:
    """The outcome of a validation run."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def summary(self, limit: int = 50) -> str:
        if self.conforms:
            return "SHACL: conforms."
        lines = [f"SHACL: {len(self.violations)} violation(s):"]
        lines += [f"  - {v.line()}" for v in self.violations[:limit]]
        if len(self.violations) > limit:
            lines.append(f"  … and {len(self.violations) - limit} more")
        return "\n".join(lines)


def _refuse_remote_contexts(data: object, path: Path) -> None:
    """Refuse JSON-LD that names another document as its context.

    A JSON-LD processor (rdflib's included: ``Context._fetch_context``) fetches every
    ``@context`` or ``@import`` given as a string: a URL over the network, a ``file:`` URL or
    a relative name from the disk. A file handed to ``regimekg validate`` is untrusted, so only
    inline contexts (JSON objects) pass, and rdflib never gets a name to fetch. The walk is a
    loop over an explicit stack; the document's depth was bounded before it was decoded.
    """
    stack: list[object] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key in ("@context", "@import"):
                refs = node.get(key)
                refs = refs if isinstance(refs, list) else [refs]
                ref = next((r for r in refs if isinstance(r, str)), None)
                if ref is not None:
                    raise UserError(
                        f"{path}: the JSON-LD {key} {ref[:80]!r} names another document, which "
                        "regimekg never fetches; put the context's JSON object inline instead."
                    )
            stack.extend(node.values())


#: rdflib's parsers that read XML, through ``xml.sax`` and expat.
XML_FORMATS = frozenset({"xml", "trix"})


def load_graphs(paths: list[Path]) -> Graph:
    """Parse RDF files into one graph, naming the file on a syntax error.

    Each file is read once; the checks of :mod:`regimekg.inputs` run on those bytes and rdflib
    then parses the very same bytes, so nothing can change in between. RDF/XML and TriX pass
    the whole-input XML check first (no DTD entity is ever declared, so rdflib's expat has
    nothing to expand), JSON-LD the depth check and the remote-context check.
    """
    g = Graph()
    for p in paths:
        fmt = guess_format(p.name) or "turtle"  # what rdflib would pick itself
        try:
            data = p.read_bytes()
        except OSError as e:
            raise UserError(f"{p}: cannot be read ({e.strerror}); check the path.") from None
        if fmt in XML_FORMATS:
            check_xml(data, str(p))
        elif fmt == "json-ld":
            text = decode_text(data, str(p))
            _refuse_remote_contexts(parse_json(text, str(p)), p)
        try:
            g.parse(data=data, format=fmt, publicID=p.absolute().as_uri())
        except Exception as e:  # rdflib raises many parser exception types
            raise UserError(f"{p}: cannot be parsed as RDF ({str(e).splitlines()[0]}).") from None
    return g


def _short(term: object) -> str:
    s = str(term)
    for base, prefix in (
        ("https://w3id.org/regimekg/ontology#", "rkg:"),
        ("https://w3id.org/regimekg/id/", "id/"),
        ("http://www.w3.org/ns/shacl#", "sh:"),
    ):
        if s.startswith(base):
            return prefix + s[len(base) :]
    return s


def _message(messages: Iterable[object], lang: str) -> str | None:
    """The shape's message in *lang* (shapes carry ``@en`` and ``@zh``), else any."""
    found = list(messages)
    for m in found:
        if isinstance(m, Literal) and m.language == lang:
            return str(m)
    return str(found[0]) if found else None


def validate_graph(
    data: Graph,
    shapes: Graph,
    ontology: Graph | None = None,
    where: Mapping[URIRef, str] | None = None,
    lang: str = "en",
    *,
    inplace: bool = False,
) -> Report:
    """Validate *data*; *where* maps focus nodes to a human place (file and record).

    With *inplace* the ontology is mixed into *data* itself (saves a copy of the whole graph);
    pass it only for a graph built for this validation.
    """
    conforms, results, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inplace=inplace,  # a throwaway data graph need not be copied before mixing in
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
    )
    violations: list[Violation] = []
    # top-level results only: nested sh:detail results may have literal focus nodes
    for r in results.objects(None, SH.result):
        severity = results.value(r, SH.resultSeverity)
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        comp = results.value(r, SH.sourceConstraintComponent)
        msg = _message(results.objects(r, SH.resultMessage), lang)
        violations.append(
            Violation(
                focus=_short(focus),
                path=_short(path) if path is not None else None,
                component=_short(comp),
                message=str(msg) if msg is not None else "",
                severity=slug_of(severity) if severity is not None else "Violation",
                where=(where or {}).get(focus) if isinstance(focus, URIRef) else None,
            )
        )
    violations.sort(key=lambda v: (v.where or "", v.focus, v.path or "", v.component))
    errors = [v for v in violations if v.severity == "Violation"]
    return Report(conforms=bool(conforms) or not errors, violations=violations)


def validate_paths(project: Project, paths: list[Path]) -> Report:
    """``regimekg validate PATH…``: SHACL on the given RDF files with the project's shapes."""
    from . import ontology  # only this command needs it

    data = load_graphs(paths) + ontology.load_vocab(project)
    return validate_graph(data, ontology.load_shapes(project), ontology.load_ontology(project))
