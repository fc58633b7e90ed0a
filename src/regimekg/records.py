"""The record definitions of ``data/curated/``: one table per record kind.

Each kind of curated record (entities, memberships, links, …) is declared here once, as the
ordered list of its fields: name, whether it is required, whether it identifies the record,
the shape of its value and an English description. Three readers use the same table, so
they cannot drift apart:

- the checker (:mod:`regimekg.curated`) reads which fields are allowed and required;
- the canonical writer (``regimekg lint --fix``, ``regimekg review accept``,
  ``regimekg states``) writes the fields in the table's order — identifying keys first,
  descriptive fields next, ``evidence`` last — so a record reads like a sentence and its
  evidence list never hides who or what it is about;
- the JSON Schema generator (:mod:`regimekg.curated_schema`) turns each table into
  ``data/curated/schema/<kind>.schema.json`` for editors.

Controlled values are not listed here: a field names the SKOS scheme its values come from
(``vocab=``), and the checker and the schema read that scheme from ``ontology/vocab/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

#: The claim key of the day a body was founded, on the body.
FOUNDED_CLAIM = "founding-date"
#: The role whose participation begins when the body is founded
#: (ontology/vocab/membership-role.ttl).
FOUNDING_ROLE = "founding-member"


def joined_claim(organisation: str) -> str:
    """The claim key, on the participant, under which each source's date of joining
    *organisation* (a slug) is kept: ``date-joined-<organisation>`` (docs/data.md §2)."""
    return f"date-joined-{organisation}"


#: The shapes a field's value can take; :mod:`regimekg.curated_schema` maps each to JSON Schema.
ValueType = Literal[
    "slug",  # a lowercase hyphenated ASCII slug (an id or a short key)
    "entity",  # the slug of a curated entity
    "entities",  # a list of entity slugs
    "entity-class",  # an rkg entity class local name
    "concept",  # a concept slug of the scheme named by ``vocab``
    "scheme",  # a classification scheme (a vocabulary with a shortcut property)
    "scheme-concept",  # a concept of the scheme given in the record's ``scheme``
    "assertion-kind",  # a concept of assertion-kind except ``figure``
    "object",  # an entity slug or ``scheme/concept``
    "date",  # YYYY, YYYY-MM or YYYY-MM-DD
    "decimal",  # a decimal number written as a quoted string
    "unit",  # an ISO 4217 currency code or a concept of the unit scheme
    "qualifier",  # how precisely the source states a figure
    "text",  # a non-empty string
    "scalar",  # a string or number
    "labels",  # {en: text, zh: text}
    "label-sources",  # {en: source id or URL, zh: …}
    "aliases",  # {en: [text], zh: [text]}
    "texts",  # a list of strings
    "codes",  # {iso3166_alpha2: …, …}
    "evidence",  # a list of evidence items
    "url",  # an https:// or http:// address
    "dataset",  # a dataset a curated record may cite a row of
    "row",  # ``column=value`` naming a dataset row
    "columns",  # dataset column → value (both strings)
]


@dataclass(frozen=True)
class Field:
    """One field of a record kind."""

    name: str
    type: ValueType
    description: str
    required: bool = False
    #: Part of the record's identity (its sort key and the base of its IRI).
    identifying: bool = False
    #: The SKOS scheme (``ontology/vocab/<vocab>.ttl``) a ``concept`` field takes values from.
    vocab: str | None = None


@dataclass(frozen=True)
class Kind:
    """One record kind: its folder under ``data/curated/`` and its fields in canonical order."""

    name: str
    singular: str
    description: str
    fields: tuple[Field, ...]
    #: Identifying fields in the order records are sorted by (default: table order).
    sort_key: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, ...]:
        """The identifying fields, in sort order."""
        return self.sort_key or tuple(f.name for f in self.fields if f.identifying)

    @property
    def names(self) -> tuple[str, ...]:
        """Every field name, in canonical order."""
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        """Required field names, in canonical order."""
        return tuple(f.name for f in self.fields if f.required)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _note() -> Field:
    return Field("note", "text", "Editorial note for curators (kept as skos:editorialNote).")


def _evidence() -> Field:
    return Field(
        "evidence",
        "evidence",
        "At least one evidence item: a bundled source or a saved web page with the exact "
        "quote, or a row of a versioned dataset.",
        required=True,
    )


_DATE = "YYYY, YYYY-MM or YYYY-MM-DD, at the precision the source gives"

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "entities",
            "entity",
            "A named entity: institution, state, person or instrument.",
            (
                Field(
                    "id",
                    "slug",
                    "Slug, unique across all curated files; never changes once published.",
                    required=True,
                    identifying=True,
                ),
                Field(
                    "type",
                    "entity-class",
                    "rkg class local name (a rkg:NamedEntity subclass).",
                    required=True,
                ),
                Field(
                    "label",
                    "labels",
                    "One label per language (en, zh), as the sources write it.",
                    required=True,
                ),
                Field("alt", "aliases", "Aliases by language: spellings found in sources."),
                Field("acronym", "texts", "Acronyms (case-sensitive)."),
                Field(
                    "label_source",
                    "label-sources",
                    "Per language, the source id, URL or dataset the label comes from when "
                    "the evidence quotes do not show it.",
                ),
                Field(
                    "label_missing",
                    "labels",
                    "Per language without a label: why no source gives one (which sources "
                    "were searched).",
                ),
                Field(
                    "codes",
                    "codes",
                    "Join keys of a state, each backed by a dataset evidence row.",
                ),
                Field("start", "date", f"Founded, launched or adopted: {_DATE}."),
                Field("end", "date", f"Dissolved or repealed: {_DATE}."),
                Field("issued_by", "entities", "Instruments only: the issuing actors (slugs)."),
                _note(),
                _evidence(),
            ),
        ),
        Kind(
            "memberships",
            "membership",
            "Participation of an actor in an institution or an instrument.",
            (
                Field(
                    "organisation",
                    "entity",
                    "The institution or instrument (slug).",
                    required=True,
                    identifying=True,
                ),
                Field(
                    "member",
                    "entity",
                    "The participant (slug).",
                    required=True,
                    identifying=True,
                ),
                Field(
                    "role",
                    "concept",
                    "The participant's role.",
                    required=True,
                    identifying=True,
                    vocab="membership-role",
                ),
                Field(
                    "period",
                    "slug",
                    "Only for a later period of the same participation, after the participant "
                    "left (a return after a withdrawal): a short key, the year the period began, "
                    "so each period is its own record and node; the first period has none.",
                    identifying=True,
                ),
                Field("start", "date", f"When the participation began: {_DATE}."),
                Field("end", "date", f"When it ended: {_DATE}."),
                _note(),
                _evidence(),
            ),
        ),
        Kind(
            "links",
            "link",
            "A regime link or precise relation between two entities.",
            (
                Field("source", "entity", "The entity the link starts from (slug).", True, True),
                Field(
                    "type",
                    "concept",
                    "The link type.",
                    required=True,
                    identifying=True,
                    vocab="regime-link-type",
                ),
                Field("target", "entity", "The entity the link points to (slug).", True, True),
                _note(),
                _evidence(),
            ),
        ),
        Kind(
            "events",
            "event",
            "A dated event in the life of an entity.",
            (
                Field("subject", "entity", "The entity the event happened to (slug).", True, True),
                Field(
                    "type",
                    "concept",
                    "The event type.",
                    required=True,
                    identifying=True,
                    vocab="event-type",
                ),
                Field("date", "date", f"When: {_DATE}.", required=True, identifying=True),
                _note(),
                _evidence(),
            ),
        ),
        Kind(
            "classifications",
            "classification",
            "An entity classified by a concept of an analytic scheme.",
            (
                Field("subject", "entity", "The classified entity (slug).", True, True),
                Field(
                    "scheme",
                    "scheme",
                    "The classification scheme (a vocabulary under ontology/vocab/).",
                    required=True,
                    identifying=True,
                ),
                Field(
                    "concept",
                    "scheme-concept",
                    "A concept of that scheme.",
                    required=True,
                    identifying=True,
                ),
                _note(),
                _evidence(),
            ),
        ),
        Kind(
            "claims",
            "claim",
            "A value a source gives for something sources may disagree on.",
            (
                Field("subject", "entity", "The entity the claim is about (slug).", True, True),
                Field(
                    "about",
                    "slug",
                    "Short hyphenated key of what is claimed (acronym, founding-date, …).",
                    required=True,
                    identifying=True,
                ),
                Field("value", "scalar", "The value the source gives.", True, True),
                _note(),
                _evidence(),
            ),
        ),
        Kind(
            "assertions",
            "assertion",
            "What a source (its authors) asserts about an entity.",
            (
                Field("subject", "entity", "The entity the source speaks of (slug).", True, True),
                Field(
                    "kind",
                    "assertion-kind",
                    "What sort of assertion (figures are quantities).",
                    required=True,
                    identifying=True,
                    vocab="assertion-kind",
                ),
                Field(
                    "object",
                    "object",
                    "An entity slug, or a concept as scheme/slug.",
                    required=True,
                    identifying=True,
                ),
                Field(
                    "value",
                    "text",
                    "The source's own words for it, copied from one of the quotes.",
                    identifying=True,
                ),
                Field("to", "entity", "Proposals only: whom the proposal addresses (slug)."),
                _note(),
                _evidence(),
            ),
        ),
        Kind(
            "quantities",
            "quantity",
            "A figure a source gives: value, unit or currency, what it measures.",
            (
                Field("subject", "entity", "The entity measured (slug).", True, True),
                Field(
                    "measure",
                    "slug",
                    "Short hyphenated key of what is measured (fine-cap, budget, …).",
                    required=True,
                    identifying=True,
                ),
                Field(
                    "value",
                    "decimal",
                    "A plain decimal number written as a quoted string ('35000000').",
                    required=True,
                    identifying=True,
                ),
                Field(
                    "unit",
                    "unit",
                    "An ISO 4217 currency code (EUR, USD, CNY) or a concept of the unit scheme.",
                    required=True,
                    identifying=True,
                    vocab="unit",
                ),
                Field("qualifier", "qualifier", "How precisely the source states the figure."),
                Field("date", "date", f"The date the figure refers to: {_DATE}."),
                _note(),
                _evidence(),
            ),
        ),
    )
}

#: Fields of an evidence item quoting a bundled source or a saved web page, in canonical order.
QUOTE_EVIDENCE: tuple[Field, ...] = (
    Field("source", "slug", "A bundled source id from data/sources/sources.yaml."),
    Field("url", "url", "The public page the quote is from (https:// or http://)."),
    Field(
        "snapshot",
        "text",
        "With url: the page text saved under data/sources/external/ (external/NAME.txt).",
    ),
    Field(
        "quote",
        "text",
        "The supporting text, verbatim (only whitespace may differ).",
        required=True,
    ),
    Field("accessed", "date", "With url: when the page was read (YYYY-MM-DD)."),
    Field(
        "published",
        "date",
        "With url: the page's own date (its dateline), at the precision the page gives; "
        "dates the evidence for --as-of (docs/time.md).",
    ),
    Field(
        "published_quote",
        "text",
        "With published: the text of the page that shows that date, verbatim (it must "
        "contain the year).",
    ),
    Field("note", "text", "Editorial note on this evidence item."),
)
#: Fields of an evidence item citing a row of a versioned dataset, in canonical order.
DATASET_EVIDENCE: tuple[Field, ...] = (
    Field("dataset", "dataset", "The dataset (library) the row is read from.", required=True),
    Field("version", "text", "The dataset version the row was read from (quoted).", True),
    Field("row", "row", "The identifying column and value, such as alpha_3=FRA.", True),
    Field(
        "fields",
        "columns",
        "Each column the record relies on, mapped to its value as a (quoted) string.",
        required=True,
    ),
    Field("note", "text", "Editorial note on this evidence item."),
)

KIND_NAMES: tuple[str, ...] = tuple(KINDS)


def ordered(mapping: dict[str, Any], order: Iterable[str]) -> list[str]:
    """The keys of *mapping*: those named in *order* first, in that order, the rest sorted.

    Unknown keys (which the checker refuses) still get a fixed place, so writing a record is
    the same whatever order its keys came in.
    """
    known = [k for k in order if k in mapping]
    return known + sorted(k for k in mapping if k not in set(known))


def evidence_order(item: dict[str, Any]) -> tuple[str, ...]:
    """The canonical key order of one evidence item (dataset rows have their own)."""
    fields = DATASET_EVIDENCE if "dataset" in item else QUOTE_EVIDENCE
    return tuple(f.name for f in fields)


#: Where the generated JSON Schemas live, relative to ``data/curated/``.
SCHEMA_DIR = "schema"
