"""JSON Schemas of the curated files, generated from the record definitions.

``data/curated/schema/<kind>.schema.json`` is written by ``regimekg generate`` from the record
table of :mod:`regimekg.records` and the SKOS vocabularies (roles, link types, event types,
classification schemes, assertion kinds, units become ``enum``s with their definitions), so an
editor with a YAML language server validates and completes a record as it is typed. Every
curated file names its schema on its first line (``# yaml-language-server: $schema=…``, written
by the canonical writer). The schema is an editor's aid: the build's checker
(:mod:`regimekg.curated`) stays the authority and also checks what a schema cannot (slugs that
exist, dates that exist, quotes found in their source).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import assertions, datasets, records, vocab
from .namespaces import SLUG_RE
from .paths import Project

DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: Dates at the precision the source gives: a year, a month or a day.
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?$"
_SLUG = SLUG_RE.pattern
_CONCEPT_REF = _SLUG.removesuffix("$") + "/" + _SLUG.removeprefix("^")


def schema_dir(project: Project) -> Path:
    """``data/curated/schema/``: beside the files it describes, so the modeline is short."""
    return project.curated_dir / records.SCHEMA_DIR


def schema_path(project: Project, kind: str) -> Path:
    return schema_dir(project) / f"{kind}.schema.json"


def _enum(values: dict[str, vocab.Concept] | dict[str, str], description: str) -> dict[str, Any]:
    """An ``enum`` with a description per value (``enumDescriptions``, shown by editors)."""
    names = list(values)
    notes = []
    for v in values.values():
        if isinstance(v, vocab.Concept):
            text = f"{v.label('en')} / {v.label('zh')}"
            if v.definitions.get("en"):
                text += f": {v.definitions['en']}"
            notes.append(text)
        else:
            notes.append(v)
    return {"description": description, "enum": names, "enumDescriptions": notes}


def _lang_map(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"en": value, "zh": value},
        "additionalProperties": False,
        "minProperties": 1,
    }


def _text() -> dict[str, Any]:
    return {"type": "string", "minLength": 1}


def _slug() -> dict[str, Any]:
    return {"type": "string", "pattern": _SLUG}


#: Value types whose schema depends on nothing else.
_FIXED: dict[str, Callable[[], dict[str, Any]]] = {
    "slug": _slug,
    "entity": _slug,
    "scheme-concept": _slug,  # narrowed per scheme by the record's allOf
    "entities": lambda: {"type": "array", "items": _slug()},
    "object": lambda: {"type": "string", "anyOf": [{"pattern": _SLUG}, {"pattern": _CONCEPT_REF}]},
    "date": lambda: {"type": ["string", "integer"], "pattern": DATE_PATTERN},
    "decimal": lambda: {"type": ["string", "integer"], "pattern": r"^-?[0-9]+(\.[0-9]+)?$"},
    "qualifier": lambda: {"enum": list(assertions.QUALIFIERS)},
    "text": _text,
    "scalar": lambda: {"type": ["string", "number", "integer"]},
    "labels": lambda: _lang_map(_text()),
    "label-sources": lambda: _lang_map(_text()),
    "aliases": lambda: _lang_map({"type": "array", "items": _text()}),
    "texts": lambda: {"type": "array", "items": _text()},
    "evidence": lambda: {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/evidence"}},
    "url": lambda: {"type": "string", "pattern": "^https?://"},
    "dataset": lambda: {"enum": list(datasets.ROW_KEYS)},
    "row": lambda: {"type": "string", "pattern": "^[A-Za-z0-9_]+=.+$"},
    "columns": lambda: {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": {"type": "string"},
    },
}


def _value(f: records.Field, voc: vocab.Vocabulary) -> dict[str, Any]:
    """The JSON Schema of field *f*'s value (without its description)."""
    from .curated import CODES, KIND_OF_CLASS

    t = f.type
    if t in _FIXED:
        return _FIXED[t]()
    if t == "entity-class":
        return {"enum": sorted(KIND_OF_CLASS)}
    if t in ("concept", "assertion-kind"):
        concepts = voc.concepts(str(f.vocab))
        if t == "assertion-kind":  # figures are quantities
            concepts = {k: c for k, c in concepts.items() if k != "figure"}
        return _enum(concepts, f.description)
    if t == "scheme":
        schemes = voc.classification_schemes
        return _enum(
            {n: f"{s.labels.get('en', n)} / {s.labels.get('zh', n)}" for n, s in schemes.items()},
            f.description,
        )
    if t == "unit":
        units = _enum(voc.concepts("unit"), "A concept of ontology/vocab/unit.ttl.")
        currency = {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code."}
        return {"anyOf": [units, currency]}
    if t == "codes":
        return {
            "type": "object",
            "properties": {k: {"type": "string"} for k in CODES},
            "additionalProperties": False,
        }
    raise ValueError(f"no JSON Schema for value type {t!r}")


def _object(fields: tuple[records.Field, ...], voc: vocab.Vocabulary) -> dict[str, Any]:
    """A record (or evidence item) object: its properties in canonical order, ``required``."""
    props = {f.name: {"description": f.description, **_value(f, voc)} for f in fields}
    out: dict[str, Any] = {"type": "object", "properties": props}
    required = [f.name for f in fields if f.required]
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def _evidence(voc: vocab.Vocabulary) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The evidence item schema and its two forms (a quote, a dataset row)."""
    quote = _object(records.QUOTE_EVIDENCE, voc)
    quote["description"] = "A quote from a bundled source, or from a web page saved as a snapshot."
    # exactly one of source / url; a url needs its snapshot (the build verifies the quote there)
    quote["oneOf"] = [
        {"required": ["source"], "not": {"required": ["url"]}},
        {"required": ["url", "snapshot"], "not": {"required": ["source"]}},
    ]
    dataset = _object(records.DATASET_EVIDENCE, voc)
    dataset["description"] = "A row of a versioned dataset, verified against the installed one."
    either = {"oneOf": [{"$ref": "#/$defs/quote"}, {"$ref": "#/$defs/datasetRow"}]}
    return either, quote, dataset


def _scheme_concepts(voc: vocab.Vocabulary) -> list[dict[str, Any]]:
    """A classification's concept must be a concept of the scheme it names."""
    return [
        {
            "if": {"properties": {"scheme": {"const": name}}, "required": ["scheme"]},
            "then": {"properties": {"concept": _enum(s.concepts, f"A concept of scheme {name}.")}},
        }
        for name, s in voc.classification_schemes.items()
    ]


def schema(kind: str, voc: vocab.Vocabulary) -> dict[str, Any]:
    """The JSON Schema of a curated file of *kind*."""
    k = records.KINDS[kind]
    record = _object(k.fields, voc)
    record["description"] = k.description
    if kind == "classifications":
        record["allOf"] = _scheme_concepts(voc)
    evidence, quote, dataset = _evidence(voc)
    return {
        "$schema": DRAFT,
        "title": f"regimekg curated {kind}",
        "description": (
            f"data/curated/{kind}/*.yaml: a list of {k.singular} records. Generated from "
            "regimekg.records and ontology/vocab/ by `regimekg generate`; do not edit."
        ),
        "type": "array",
        "items": {"$ref": f"#/$defs/{k.singular}"},
        "$defs": {k.singular: record, "evidence": evidence, "quote": quote, "datasetRow": dataset},
    }


def schema_text(project: Project, kind: str) -> str:
    """The schema file's text: stable JSON (field order kept for completion), UTF-8."""
    data = schema(kind, vocab.load(project))
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
