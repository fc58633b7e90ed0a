"""SHACL validation with reports a curator can act on.

pySHACL runs with core constraints only (``inference="none"``; DESIGN §3 measured it at
2.5 s for 34 k triples). The ontology is mixed in as ``ont_graph`` so that shapes targeting
a class also reach instances of its subclasses. Each violation is reported with the file and
record it came from when the focus node is a curated node, because "sh:minCount on
id/institution/g7" is not something a curator can fix without that.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef

from .errors import UserError
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


def _refuse_remote_contexts(path: Path) -> None:
    """Refuse JSON-LD that names another document as its context.

    A JSON-LD processor (rdflib's included) fetches every ``@context`` or ``@import`` given as a
    string: a URL over the network, a ``file:`` URL or a relative name from the disk. A file
    handed to ``regimekg validate`` is untrusted, so only inline contexts (JSON objects) pass;
    nothing is fetched. (RDF/XML needs no such check: Python's XML parser does not resolve
    external entities or DTDs.)
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return  # the parser reports the real error
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


_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*\[(.*?)\]\s*>", re.S)
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s\"']+)\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.S)


def _refuse_entity_tricks(path: Path) -> None:
    """Refuse RDF/XML whose DTD declares external, parameter or nested entities.

    Python's XML parser ignores external entities (it never reads ``SYSTEM "file:…"``), but the
    content would silently go missing, and entities that expand other entities ("billion
    laughs") make rdflib's RDF/XML parser spend minutes on a 1 kB file before expat's
    amplification limit stops it. Plain abbreviations (``<!ENTITY owl "http://…#">``, as
    Protégé writes them) are fine.
    """
    with path.open("rb") as f:
        head = f.read(1 << 16)
    m = _DOCTYPE.search(head)
    if not m:
        return
    for e in _ENTITY.finditer(m.group(1)):
        name = e.group(2).decode("utf-8", "replace")
        value = e.group(3)
        if e.group(1) or value in (b"SYSTEM", b"PUBLIC"):
            kind = "parameter" if e.group(1) else "external"
            raise UserError(
                f"{path}: the DTD declares the {kind} entity {name!r}, which regimekg never "
                "loads; remove the entity (and write its text where it is used)."
            )
        if b"&" in value or b"%" in value:
            raise UserError(
                f"{path}: the DTD entity {name!r} expands other entities (an entity-expansion "
                "bomb); write the text out instead of nesting entities."
            )


def load_graphs(paths: list[Path]) -> Graph:
    """Parse Turtle/RDF files into one graph, naming the file on a syntax error."""
    g = Graph()
    for p in paths:
        fmt = "xml" if p.suffix in (".owl", ".rdf") else None
        if p.suffix.lower() in (".jsonld", ".json"):
            _refuse_remote_contexts(p)
            fmt = "json-ld"
        elif p.suffix.lower() in (".rdf", ".owl", ".xml", ".trix") and p.is_file():
            _refuse_entity_tricks(p)
        try:
            g.parse(p, format=fmt)
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
