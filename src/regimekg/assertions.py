"""What the scholarship says: attributed assertions and quantities from the curated records.

regimekg's other curated kinds are facts the project itself asserts. An *attributed
assertion* is different: "source S (its article, section and authors) asserts P about X" —
a characterisation, a typology or list membership, a proposal, a comparison or a figure. It
is kept as an ``rkg:AttributedAssertion`` node (in the spirit of nanopublications and
Wikidata's sourced statements), never as a shortcut triple on the entity, so "what is true"
and "who says so" stay separately queryable.

A *quantity* (a fine, a budget, a count) is an ``rkg:Quantity`` node with an ``xsd:decimal``
value, a unit concept or an ISO 4217 currency code, what it measures, its date and evidence;
each quantity is also attributed to its source by an assertion of kind ``figure``.

Records live in ``data/curated/assertions/*.yaml`` and ``data/curated/quantities/*.yaml``;
:mod:`regimekg.curated` reads them like every other kind and calls :func:`check_record` and
:func:`add_to_graph`. Controlled values (assertion kinds, typology concepts, units) are read
from the SKOS vocabularies under ``ontology/vocab/``, the one place they are defined.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from . import dates
from .namespaces import RKG, concept, doc, iri, is_slug, short_hash

if TYPE_CHECKING:
    from .curated import Curated, GraphContext, Record

#: How precisely the source states a figure ("up to 7 %", "more than 30", "about 20").
QUALIFIERS = ("exact", "up-to", "at-least", "more-than", "less-than", "about")
#: Quotes and wording compare with whitespace collapsed, as the build's quote check does.
_WS = re.compile(r"\s+")

#: curated._evidence: verifies a record's quotes and links its evidence nodes.
Evidence = Callable[[Graph, URIRef, "Record", "GraphContext", Path], None]


def _concepts(root: Path) -> frozenset[str]:
    """``scheme/slug`` of every SKOS concept in the project's vocabularies."""
    from . import vocab
    from .paths import Project

    return vocab.load(Project(root)).concept_keys


def _norm(s: str) -> str:
    return _WS.sub(" ", s).strip()


def check_record(rec: Record, entities: dict[str, Record], root: Path) -> None:
    """Check one assertion or quantity record; raise a one-sentence error naming it."""
    concepts = _concepts(root)
    _check_entity(rec, entities, root, rec.data["subject"], "subject")
    if rec.kind == "assertions":
        _check_assertion(rec, entities, root, concepts)
    else:
        _check_quantity(rec, root, concepts)


def _check_entity(
    rec: Record, entities: dict[str, Record], root: Path, value: Any, what: str
) -> None:
    """*value* (the record's *what*) must be the slug of a curated entity."""
    if str(value) not in entities:
        raise rec.fail(
            f"{what} {value!r} is not a curated entity; create it in data/curated/entities/ "
            "or fix the slug.",
            root,
        )


def _has_bundled_evidence(rec: Record) -> bool:
    """Whether some evidence item quotes a bundled source: only a document's own words make
    an attributed assertion or a quantity checkable against the text."""
    return any(isinstance(e, dict) and e.get("source") for e in rec.data["evidence"])


def _check_assertion(
    rec: Record, entities: dict[str, Record], root: Path, concepts: frozenset[str]
) -> None:
    """An attributed assertion: a kind of the assertion-kind scheme (figures are
    quantities), an object that is an entity or a concept, `to` only on proposals, a value
    in the words of a quote, and bundled evidence."""
    d = rec.data
    kind = str(d["kind"])
    if f"assertion-kind/{kind}" not in concepts or kind == "figure":
        allowed = sorted(c.split("/", 1)[1] for c in concepts if c.startswith("assertion-kind/"))
        allowed = [k for k in allowed if k != "figure"]
        raise rec.fail(
            f"kind {kind!r} is not one of {', '.join(allowed)} (figures are quantities, "
            "recorded in data/curated/quantities/).",
            root,
        )
    obj = str(d["object"])
    if "/" not in obj:
        _check_entity(rec, entities, root, obj, "object")
    elif obj not in concepts:
        raise rec.fail(
            f"object {obj!r} is not a concept of the vocabularies; add it to a scheme "
            "under ontology/vocab/ or fix the scheme/slug.",
            root,
        )
    if d.get("to") is not None:
        if kind != "proposal":
            raise rec.fail("`to` (whom a proposal addresses) is only for kind proposal.", root)
        _check_entity(rec, entities, root, d["to"], "to")
    value = d.get("value")
    if value is not None:
        quotes = [_norm(str(e.get("quote", ""))) for e in d["evidence"] if isinstance(e, dict)]
        if not isinstance(value, str) or not any(_norm(value) in q for q in quotes):
            raise rec.fail(
                f"value {value!r} must be words of the source: copy it from one of the "
                "record's quotes.",
                root,
            )
    if not _has_bundled_evidence(rec):
        raise rec.fail(
            "an attributed assertion needs evidence from a bundled source (`source:`), "
            "the document whose authors make it.",
            root,
        )


def _check_quantity(rec: Record, root: Path, concepts: frozenset[str]) -> None:
    """A quantity: a slug for the measure, a plain decimal written as a string (a YAML float
    would already have lost digits), an ISO 4217 currency or a unit concept, a known
    qualifier, a valid date and bundled evidence."""
    d = rec.data
    if not is_slug(str(d["measure"])):
        raise rec.fail(f"measure {d['measure']!r} must be a short hyphenated key.", root)
    try:
        number = Decimal(str(d["value"]))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or isinstance(d["value"], float):
        raise rec.fail(
            f"value {d['value']!r} must be a plain decimal number written as a quoted "
            "string, such as '35000000' or '7'.",
            root,
        )
    unit = str(d["unit"])
    if not _is_currency(unit) and f"unit/{unit}" not in concepts:
        raise rec.fail(
            f"unit {unit!r} is neither an ISO 4217 currency code (EUR, USD, CNY) nor a "
            "concept of ontology/vocab/unit.ttl.",
            root,
        )
    if d.get("qualifier", "exact") not in QUALIFIERS:
        raise rec.fail(f"qualifier {d['qualifier']!r} is not one of {', '.join(QUALIFIERS)}.", root)
    if d.get("date") is not None:
        try:
            dates.to_literal(d["date"])
        except dates.DateError as e:
            raise rec.fail(f"date: {e}.", root) from None
    if not _has_bundled_evidence(rec):
        raise rec.fail("a quantity needs evidence from a bundled source (`source:`).", root)


def _is_currency(code: str) -> bool:
    """An ISO 4217 alphabetic code, checked against pycountry's copy of the standard."""
    return len(code) == 3 and code.isupper() and pycountry.currencies.get(alpha_3=code) is not None


def decimal_literal(value: Any) -> Literal:
    """The canonical ``xsd:decimal`` of a record's value ("35000000", "7", "0.5")."""
    n = Decimal(str(value))
    text = format(n.normalize(), "f") if n != n.to_integral() else str(int(n))
    return Literal(text, datatype=XSD.decimal)


def _attribute(g: Graph, node: URIRef, rec: Record, ctx: GraphContext) -> None:
    """Who says so: the document (article), section and authors of the first bundled quote."""
    for item in rec.data["evidence"]:
        if not isinstance(item, dict) or not item.get("source"):
            continue
        sid = str(item["source"])
        span = ctx.index(sid, ctx.texts[sid]).find(str(item["quote"]))
        if span is None:  # _evidence() has already failed the build with a clear message
            return
        seg = ctx.locator(sid).locate(*span)
        sg = ctx.source_graphs.get(sid)
        document = section = None
        if seg is not None and sg is not None:
            document = sg.value(seg, RKG.inDocument)
            section = sg.value(seg, RKG.inSection)
        document = document or doc(sid)
        g.add((node, RKG.assertedIn, document))
        if section is not None:
            g.add((node, RKG.assertedInSection, section))
        if sg is not None:
            for person in sorted(sg.objects(document, RKG.authoredBy)):
                g.add((node, RKG.assertedBy, person))
        return


def add_to_graph(
    g: Graph,
    cur: Curated,
    iris: dict[str, URIRef],
    ctx: GraphContext,
    evidence: Evidence,
) -> None:
    """Add every assertion and quantity record, verifying quotes through *evidence*."""
    root = cur.root
    for rec in cur.records["assertions"]:
        d = rec.data
        obj = str(d["object"])
        value = d.get("value")
        node = iri(
            "assertion",
            str(d["subject"]),
            str(d["kind"]),
            short_hash(obj, _norm(str(value or "")), length=10),
        )
        g.add((node, RDF.type, RKG.AttributedAssertion))
        g.add((node, RKG.assertionSubject, iris[str(d["subject"])]))
        g.add((node, RKG.assertionKind, concept("assertion-kind", str(d["kind"]))))
        if "/" in obj:
            scheme_name, slug = obj.split("/", 1)
            g.add((node, RKG.assertionObject, concept(scheme_name, slug)))
        else:
            g.add((node, RKG.assertionObject, iris[obj]))
        if value is not None:
            lang = _lang_of_first_source(d, ctx)
            g.add((node, RKG.assertionValue, Literal(_norm(str(value)), lang=lang)))
        if d.get("to") is not None:
            g.add((node, RKG.recommendedTo, iris[str(d["to"])]))
        if d.get("note"):
            g.add((node, SKOS.editorialNote, Literal(str(d["note"]))))
        evidence(g, node, rec, ctx, root)
        _attribute(g, node, rec, ctx)

    for rec in cur.records["quantities"]:
        d = rec.data
        unit = str(d["unit"])
        number = decimal_literal(d["value"])
        q = iri("quantity", str(d["subject"]), str(d["measure"]), short_hash(str(number), unit))
        g.add((q, RDF.type, RKG.Quantity))
        g.add((q, RKG.quantityOf, iris[str(d["subject"])]))
        g.add((q, RKG.measure, Literal(str(d["measure"]))))
        g.add((q, RKG.numericValue, number))
        if _is_currency(unit):
            g.add((q, RKG.currencyCode, Literal(unit)))
        else:
            g.add((q, RKG.unitOfMeasure, concept("unit", unit)))
        g.add((q, RKG.valueQualifier, Literal(str(d.get("qualifier", "exact")))))
        if d.get("date") is not None:
            g.add((q, RKG.referenceDate, dates.to_literal(d["date"])))
        if d.get("note"):
            g.add((q, SKOS.editorialNote, Literal(str(d["note"]))))
        evidence(g, q, rec, ctx, root)
        # The figure as something the source says: the same quote, attributed.
        a = iri("assertion", str(d["subject"]), "figure", short_hash(str(q), length=10))
        g.add((a, RDF.type, RKG.AttributedAssertion))
        g.add((a, RKG.assertionSubject, iris[str(d["subject"])]))
        g.add((a, RKG.assertionKind, concept("assertion-kind", "figure")))
        g.add((a, RKG.assertsQuantity, q))
        evidence(g, a, rec, ctx, root)
        _attribute(g, a, rec, ctx)


def _lang_of_first_source(d: dict[str, Any], ctx: GraphContext) -> str | None:
    for item in d["evidence"]:
        if isinstance(item, dict) and item.get("source"):
            return ctx.langs.get(str(item["source"]))
    return None
