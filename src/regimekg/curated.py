"""Hand-curated, evidence-backed facts: ``data/curated/**/*.yaml`` → RDF.

The curated layer is where regimekg makes claims, so it is strict: every record names its
evidence, every bundled quote must really occur in the source text (whitespace aside), every
referenced slug must exist and every date must exist at the precision given. Errors name the
file, line and record so a curator can fix them without reading code.
"""

from __future__ import annotations

import bisect
import copy
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from . import assertions, datasets, dates, files, vocab
from . import records as definitions
from .errors import UserError
from .inputs import compose_yaml, decode_text
from .namespaces import ORG, RKG, concept, doc, iri, is_slug, short_hash
from .paths import Project
from .problems import Problems

KINDS = definitions.KIND_NAMES

#: Fields that identify a record (its sort key and the base of its IRI), from the record table.
KEYS: dict[str, tuple[str, ...]] = {k: definitions.KINDS[k].key for k in KINDS}
#: Identifying keys that may be left out (a characterisation needs no free-text value).
OPTIONAL_KEYS: dict[str, frozenset[str]] = {
    k: frozenset(f.name for f in definitions.KINDS[k].fields if f.identifying and not f.required)
    for k in KINDS
}
#: Fields a record may carry besides its identifying keys and evidence.
OPTIONAL: dict[str, tuple[str, ...]] = {
    k: tuple(
        f.name for f in definitions.KINDS[k].fields if not f.identifying and f.name != "evidence"
    )
    for k in KINDS
}

#: Entity classes by IRI kind, from the class hierarchy of ``ontology/regimekg.ttl``.
INSTRUMENT_CLASSES = vocab.entity_classes("Instrument")
INSTITUTION_CLASSES = vocab.entity_classes("Institution")
#: IRI kind (``id/{kind}/{slug}``) of each entity class. Kinds are coarse on purpose: a
#: re-typed entity (Forum → Initiative) keeps its IRI.
KIND_OF_CLASS: dict[str, str] = {
    **{c: "instrument" for c in INSTRUMENT_CLASSES},
    **{c: "institution" for c in INSTITUTION_CLASSES},
    "State": "state",
    "Person": "person",
}

SINGULAR = {k: definitions.KINDS[k].singular for k in KINDS}
EVIDENCE_FIELDS = frozenset(f.name for f in definitions.QUOTE_EVIDENCE)
DATASET_EVIDENCE_FIELDS = frozenset(datasets.DATASET_FIELDS)
LANGS = ("en", "zh")
#: Join keys a state may carry (``codes:``): the RDF property and the dataset column that
#: must back each value in the record's dataset evidence.
CODES: dict[str, tuple[URIRef, str, str]] = {
    "iso3166_alpha2": (RKG.iso3166Alpha2, "pycountry", "alpha_2"),
    "iso3166_alpha3": (RKG.iso3166Alpha3, "pycountry", "alpha_3"),
    "iso3166_numeric": (RKG.iso3166Numeric, "pycountry", "numeric"),
    "gleditsch_ward": (RKG.gleditschWardCode, "country_converter", "GWcode"),
}


# --------------------------------------------------------------------------- records


@dataclass
class Record:
    """One curated record with the place it came from, for error messages."""

    kind: str
    file: Path
    line: int
    data: dict[str, Any]

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(str(self.data.get(k, "")) for k in KEYS[self.kind])

    def where(self, root: Path | None = None) -> str:
        name = self.file.relative_to(root) if root and self.file.is_relative_to(root) else self.file
        ident = "/".join(k for k in self.key if k)  # an optional key left out is not shown
        return f"{name} line {self.line} ({SINGULAR[self.kind]} {ident})"

    def fail(self, message: str, root: Path | None = None) -> UserError:
        return UserError(f"{self.where(root)}: {message}")


@dataclass
class Curated:
    """All curated records, by kind, in file order."""

    root: Path
    records: dict[str, list[Record]] = field(default_factory=lambda: {k: [] for k in KINDS})

    @property
    def entities(self) -> dict[str, Record]:
        return {
            str(r.data["id"]): r for r in self.records["entities"] if r.data.get("id") is not None
        }

    def all(self) -> Iterator[Record]:
        for k in KINDS:
            yield from self.records[k]


def _files(project: Project, kind: str) -> list[Path]:
    folder = project.curated_dir / kind
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


#: The records parsed from curated files, by the files' bytes: each record's (line, data).
#: ``regimekg review accept`` reads the curated data four times (the gazetteer, the curated
#: facts, the accepted record's checks, the written file's checks), and parsing the YAML is
#: most of each read; bytes parsed before are not parsed again, wherever the file is (a copy
#: of the project has the same files). At most :data:`PARSED_FILES` entries, oldest dropped.
_PARSED: dict[bytes, list[tuple[int, dict[str, Any]]]] = {}
PARSED_FILES = 512
_PARSED_LOCK = threading.Lock()


def _read_records(path: Path, kind: str) -> list[Record]:
    raw = path.read_bytes()
    with _PARSED_LOCK:
        parsed = _PARSED.get(raw)
    if parsed is None:
        parsed = _parse_records(raw, path)
        with _PARSED_LOCK:
            _PARSED[raw] = parsed
            while len(_PARSED) > PARSED_FILES:
                del _PARSED[next(iter(_PARSED))]
    # copies: a caller may change a record's data, never what the next read returns
    return [Record(kind, path, line, copy.deepcopy(data)) for line, data in parsed]


def _parse_records(raw: bytes, path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Each record of a curated file's bytes *raw* with its line; a :class:`UserError` for a
    file that is not a YAML list of mappings."""
    text = decode_text(raw, str(path)) if raw else ""
    if not text.strip():
        return []
    # libyaml's parser (fast=True): the curated files are parsed on every build and the
    # pure-Python parser spends seconds on them.
    node, data = compose_yaml(text, str(path), fast=True)
    if data is None:
        return []
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise UserError(f"{path}: a curated file is a YAML list of records (`- key: value`).")
    out = []
    for item, item_node in zip(data, node.value, strict=True):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            raise UserError(f"{path} line {line}: each record must be a mapping of fields.")
        out.append((line, item))
    return out


def load(project: Project) -> Curated:
    """Read and check every curated file (structure, slugs, references, dates).

    Every file and every record is checked, and all problems are reported together (one
    :class:`UserError`, sorted by file and line): a file that cannot be read is reported once
    and the other files are still checked. Quotes are checked later, in :func:`to_graph`,
    because that needs the source texts.
    """
    cur = Curated(project.root)
    problems = Problems(project.root)
    # One spelling of the extension: a `.yml` file would otherwise be skipped without a word.
    for path in sorted(project.curated_dir.glob("**/*.yml")):
        problems.add(
            path,
            f"{path}: curated files must end in .yaml, and this one would be ignored; "
            f"rename it to {path.with_suffix('.yaml').name}.",
        )
    unread: set[str] = set()
    for kind in KINDS:
        for path in _files(project, kind):
            try:
                cur.records[kind].extend(_read_records(path, kind))
            except UserError as e:
                problems.add(path, e)
                unread.add(kind)
    for path in sorted(project.curated_dir.glob("**/*.yaml")):
        if path.is_file() and path.parent.name not in KINDS:
            problems.add(
                path,
                f"{path} is outside the curated folders: move it into one of "
                f"{', '.join(KINDS)} under {project.curated_dir}.",
            )
    _check(cur, project, problems, entities_complete="entities" not in unread)
    problems.raise_if_any("the curated records")
    return cur


def _check_fields(rec: Record, root: Path) -> None:
    kind = definitions.KINDS[rec.kind]
    allowed = set(kind.names)
    unknown = sorted(set(rec.data) - allowed)
    if unknown:
        raise rec.fail(
            f"unknown field {unknown[0]!r}; allowed fields are {', '.join(sorted(allowed))}.", root
        )
    missing = [k for k in kind.required if k != "evidence" and rec.data.get(k) in (None, "")]
    if missing:
        raise rec.fail(f"missing required field {missing[0]!r}.", root)
    ev = rec.data.get("evidence")
    if not ev or not isinstance(ev, list):
        raise rec.fail("has no evidence; add `evidence:` with at least one quote.", root)
    for n, item in enumerate(ev, 1):
        _check_evidence_item(rec, n, item, root)


def _check_evidence_item(rec: Record, n: int, item: Any, root: Path) -> None:
    if not isinstance(item, dict):
        raise rec.fail(f"evidence {n} must be a mapping with `source` or `url` and `quote`.", root)
    if "dataset" in item:
        _check_dataset_item(rec, n, item, root)
        return
    unknown = sorted(set(item) - EVIDENCE_FIELDS)
    if unknown:
        raise rec.fail(f"evidence {n} has unknown field {unknown[0]!r}.", root)
    if not isinstance(item.get("quote"), str) or not item["quote"].strip():
        raise rec.fail(f"evidence {n} has no quote; copy the supporting text verbatim.", root)
    if bool(item.get("source")) == bool(item.get("url")):
        raise rec.fail(
            f"evidence {n} must name exactly one of `source` (a bundled source id) or `url`.", root
        )
    if item.get("url"):
        if not str(item["url"]).startswith(("https://", "http://")):
            raise rec.fail(f"evidence {n} url must start with https:// or http://.", root)
        if not item.get("snapshot"):
            raise rec.fail(
                f"evidence {n} cites a URL without `snapshot:`; save the page text under "
                "data/sources/external/ and name it, so the build can verify the quote.",
                root,
            )
        if item.get("accessed"):
            _date(rec, item["accessed"], f"evidence {n} accessed", root)
    _check_published(rec, n, item, root)


def _check_published(rec: Record, n: int, item: dict[str, Any], root: Path) -> None:
    """A page's own date must come with the page's words for it, and only for a page.

    The date moves the day from which ``--as-of`` shows the statement (docs/time.md), so it
    is verified like a quote: ``published_quote`` must be in the snapshot (checked when the
    graph is made) and must contain the year written in ``published``.
    """
    published, words = item.get("published"), item.get("published_quote")
    if published in (None, "") and words in (None, ""):
        return
    if not item.get("url"):
        raise rec.fail(
            f"evidence {n} has `published:`, which only a web page (`url:`) takes; a bundled "
            "source's date is in sources.yaml.",
            root,
        )
    if published in (None, "") or not isinstance(words, str) or not words.strip():
        raise rec.fail(
            f"evidence {n} needs both `published:` (the page's date) and `published_quote:` "
            "(the page's text showing it, verbatim).",
            root,
        )
    year = str(_date(rec, published, f"evidence {n} published", root))[:4]
    if year not in words:
        raise rec.fail(
            f"evidence {n} published_quote {_short(words)!r} does not show the year {year} of "
            f"`published: {published}`; quote the page's dateline.",
            root,
        )


def _check_dataset_item(rec: Record, n: int, item: dict[str, Any], root: Path) -> None:
    """Shape of a dataset-row evidence item; its values are checked against the data later."""
    unknown = sorted(set(item) - DATASET_EVIDENCE_FIELDS)
    if unknown:
        raise rec.fail(
            f"evidence {n} cites a dataset and has unknown field {unknown[0]!r}; a dataset row "
            f"has {', '.join(datasets.DATASET_FIELDS)}.",
            root,
        )
    name = item.get("dataset")
    if name not in datasets.ROW_KEYS:
        raise rec.fail(
            f"evidence {n} dataset {name!r} is not one of {', '.join(datasets.ROW_KEYS)}.", root
        )
    if not isinstance(item.get("version"), str) or not item["version"].strip():
        raise rec.fail(
            f"evidence {n} needs `version:` (the {name} version the row was read from, quoted).",
            root,
        )
    try:
        datasets.parse_row(str(name), str(item.get("row", "")))
    except datasets.DatasetError as e:
        raise rec.fail(f"evidence {n} {e}.", root) from None
    fields = item.get("fields")
    if (
        not isinstance(fields, dict)
        or not fields
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items())
    ):
        raise rec.fail(
            f"evidence {n} needs `fields:` mapping each dataset column to its value as a "
            "(quoted) string.",
            root,
        )


def _dataset_values(rec: Record) -> set[tuple[str, str, str]]:
    """``(dataset, column, value)`` that the record's dataset evidence vouches for."""
    out: set[tuple[str, str, str]] = set()
    for item in rec.data.get("evidence") or ():
        if isinstance(item, dict) and "dataset" in item:
            name = str(item["dataset"])
            key, value = datasets.parse_row(name, str(item["row"]))
            out.add((name, key, value))
            out.update((name, str(k), str(v)) for k, v in (item.get("fields") or {}).items())
    return out


def _check_codes(rec: Record, root: Path) -> None:
    """Every code is a string backed by a dataset evidence item of the same record."""
    codes = rec.data.get("codes")
    if codes is None:
        return
    if not isinstance(codes, dict) or not set(codes) <= set(CODES):
        raise rec.fail(f"codes must map some of {', '.join(CODES)} to values.", root)
    vouched = _dataset_values(rec)
    for key, value in sorted(codes.items()):
        _, name, column = CODES[key]
        if not isinstance(value, str) or (name, column, value) not in vouched:
            raise rec.fail(
                f"codes.{key} {value!r} is not backed by a {name} evidence row with "
                f"{column}: {value!r}; add that field to the evidence or regenerate with "
                "`regimekg states`.",
                root,
            )


def _check_label_sources(rec: Record, root: Path) -> None:
    """A label taken from a dataset must be one of the values its dataset evidence vouches for."""
    vouched = _dataset_values(rec)
    for lang, src in sorted((rec.data.get("label_source") or {}).items()):
        if str(src) not in datasets.ROW_KEYS:
            continue
        label = rec.data["label"].get(lang)
        if not any(d == src and v == label for d, _, v in vouched):
            raise rec.fail(
                f"label.{lang} {label!r} comes from dataset {src} but no {src} evidence row of "
                "this record has that value; add the field to the evidence.",
                root,
            )


def _check_label_missing(rec: Record, root: Path) -> None:
    """A missing label is recorded with the reason no source gave it, never beside a label.

    The bilingual rule says a label no source supplies is missing, not invented; the reason
    (which sources were searched) lets the next curator pick up the search instead of
    repeating it, and lets ``regimekg stats`` report the gap.
    """
    for lang in sorted(rec.data.get("label_source") or {}):
        if lang not in rec.data["label"]:
            raise rec.fail(
                f"label_source.{lang} names a source for a label.{lang} that is not given; "
                "add the label or remove the source.",
                root,
            )
    missing = rec.data.get("label_missing") or {}
    for lang, reason in sorted(missing.items()):
        if lang in rec.data["label"]:
            raise rec.fail(
                f"label.{lang} is given, so label_missing.{lang} must go; remove one of them.",
                root,
            )
        if not isinstance(reason, str) or not reason.strip():
            raise rec.fail(
                f"label_missing.{lang} must say why the label is missing (which sources were "
                "searched), as one sentence.",
                root,
            )


def _date(rec: Record, value: Any, what: str, root: Path) -> Literal:
    try:
        return dates.to_literal(value)
    except dates.DateError as e:
        raise rec.fail(f"{what}: {e}.", root) from None


def _slug_ref(rec: Record, value: Any, what: str, entities: dict[str, Record], root: Path) -> str:
    s = str(value)
    if s not in entities:
        raise rec.fail(
            f"{what} {s!r} is not a curated entity; create it in data/curated/entities/ "
            "or fix the slug.",
            root,
        )
    return s


def _check_entity(rec: Record, seen: dict[str, Record], root: Path) -> None:
    """One entity record on its own (and its id against the ids *seen* before it)."""
    _check_fields(rec, root)
    d = rec.data
    slug = str(d["id"])
    if not is_slug(slug):
        raise rec.fail(f"id {slug!r} is not a lowercase hyphenated ASCII slug.", root)
    if slug in seen:
        raise rec.fail(f"duplicate id {slug!r}, first defined at {seen[slug].where(root)}.", root)
    seen[slug] = rec
    if d["type"] not in KIND_OF_CLASS:
        raise rec.fail(
            f"type {d['type']!r} is not an entity class; use one of "
            f"{', '.join(sorted(KIND_OF_CLASS))}.",
            root,
        )
    label = d["label"]
    if not isinstance(label, dict) or not set(label) <= set(LANGS) or not label:
        raise rec.fail("label must map `en` and/or `zh` to one string each.", root)
    for lang, text in label.items():
        if not isinstance(text, str) or not text.strip() or text != text.strip():
            raise rec.fail(f"label.{lang} must be a non-empty string without stray spaces.", root)
    for key in ("alt", "label_source", "label_missing"):
        val = d.get(key)
        if val is not None and (not isinstance(val, dict) or not set(val) <= set(LANGS)):
            raise rec.fail(f"{key} must map `en`/`zh` to values.", root)
    _check_label_missing(rec, root)
    for key in ("start", "end"):
        if d.get(key) is not None:
            _date(rec, d[key], key, root)
    _check_codes(rec, root)
    _check_label_sources(rec, root)


class _AnyEntity(dict[str, Record]):
    """Stands in for the entities when an entity file could not be read.

    Its records are unknown, so a reference to them cannot be judged: every slug passes,
    rather than burying the real problem (that file) under false "not a curated entity" ones.
    """

    def __contains__(self, key: object) -> bool:
        return True


def _check(
    cur: Curated, project: Project, problems: Problems, *, entities_complete: bool = True
) -> None:
    """Check every record, adding each bad record's first problem to *problems*."""
    root = project.root
    seen: dict[str, Record] = {}
    bad: set[int] = set()

    def attempt(rec: Record, check: Callable[[], object]) -> None:
        if id(rec) in bad:  # one problem per record: the first makes later checks moot
            return
        try:
            check()
        except UserError as e:
            bad.add(id(rec))
            problems.add(rec.file, e, rec.line)

    for rec in cur.records["entities"]:
        attempt(rec, lambda rec=rec: _check_entity(rec, seen, root))
    entities: dict[str, Record] = cur.entities if entities_complete else _AnyEntity()
    voc = vocab.load(project)
    for rec in cur.records["entities"]:
        for target in rec.data.get("issued_by") or ():
            attempt(rec, lambda rec=rec, t=target: _slug_ref(rec, t, "issued_by", entities, root))
    for kind in KINDS[1:]:
        keys: dict[tuple[str, ...], Record] = {}
        for rec in cur.records[kind]:
            attempt(rec, lambda rec=rec, keys=keys: _check_one(rec, keys, entities, voc, root))


def _check_one(
    rec: Record,
    keys: dict[tuple[str, ...], Record],
    entities: dict[str, Record],
    voc: vocab.Vocabulary,
    root: Path,
) -> None:
    """One record of a relation kind: its fields, its uniqueness, its references."""
    _check_fields(rec, root)
    if rec.key in keys:
        raise rec.fail(f"duplicate record, first at {keys[rec.key].where(root)}.", root)
    keys[rec.key] = rec
    _check_relation(rec, entities, voc, root)


def _not_one_of(
    rec: Record, what: str, value: Any, allowed: Iterable[str], file: str, root: Path
) -> UserError:
    return rec.fail(
        f"{what} {value!r} is not one of {', '.join(allowed)}; use one of them, or add it as a "
        f"concept to ontology/vocab/{file}.",
        root,
    )


def _check_membership(
    rec: Record, entities: dict[str, Record], voc: vocab.Vocabulary, root: Path
) -> None:
    d = rec.data
    _slug_ref(rec, d["organisation"], "organisation", entities, root)
    _slug_ref(rec, d["member"], "member", entities, root)
    if d["role"] not in voc.roles:
        raise _not_one_of(rec, "role", d["role"], voc.roles, "membership-role.ttl", root)
    if d.get("period") is not None and not is_slug(str(d["period"])):
        raise rec.fail(
            f"period {d['period']!r} must be a short key such as the year the period began "
            "(e.g. '2003').",
            root,
        )
    for key in ("start", "end"):
        if d.get(key) is not None:
            _date(rec, d[key], key, root)


def _check_relation(
    rec: Record, entities: dict[str, Record], voc: vocab.Vocabulary, root: Path
) -> None:
    d = rec.data
    if rec.kind == "memberships":
        _check_membership(rec, entities, voc, root)
    elif rec.kind == "links":
        _slug_ref(rec, d["source"], "source", entities, root)
        _slug_ref(rec, d["target"], "target", entities, root)
        if d["type"] not in voc.link_types:
            raise _not_one_of(rec, "type", d["type"], voc.link_types, "regime-link-type.ttl", root)
    elif rec.kind == "events":
        _slug_ref(rec, d["subject"], "subject", entities, root)
        if d["type"] not in voc.event_types:
            raise _not_one_of(rec, "type", d["type"], voc.event_types, "event-type.ttl", root)
        _date(rec, d["date"], "date", root)
    elif rec.kind == "classifications":
        _slug_ref(rec, d["subject"], "subject", entities, root)
        schemes = voc.classification_schemes
        if d["scheme"] not in schemes:
            raise rec.fail(
                f"scheme {d['scheme']!r} is not one of {', '.join(schemes)}; a classification "
                "scheme is a vocabulary in ontology/vocab/ with an rkg:shortcutProperty.",
                root,
            )
        allowed = schemes[d["scheme"]].concepts
        if d["concept"] not in allowed:
            raise rec.fail(
                f"concept {d['concept']!r} is not in scheme {d['scheme']} ({', '.join(allowed)}).",
                root,
            )
    elif rec.kind == "claims":
        _slug_ref(rec, d["subject"], "subject", entities, root)
        if not is_slug(str(d["about"])):
            raise rec.fail(f"about {d['about']!r} must be a short hyphenated key.", root)
    elif rec.kind in ("assertions", "quantities"):
        assertions.check_record(rec, entities, root)


# --------------------------------------------------------------------------- quotes

_WS = re.compile(r"\s+")


class QuoteIndex:
    """Finds whitespace-normalised quotes in a text and maps them back to exact offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        chars: list[str] = []
        pos: list[int] = []
        prev_space = True
        for i, ch in enumerate(text):
            if ch.isspace():
                if not prev_space:
                    chars.append(" ")
                    pos.append(i)
                prev_space = True
            else:
                chars.append(ch)
                pos.append(i)
                prev_space = False
        self.norm = "".join(chars)
        self.pos = pos

    def find(self, quote: str) -> tuple[int, int] | None:
        """Exact ``(start, end)`` of the first occurrence of *quote*, or None."""
        q = _WS.sub(" ", quote).strip()
        i = self.norm.find(q)
        if i < 0 or not q:
            return None
        return self.pos[i], self.pos[i + len(q) - 1] + 1


@dataclass(frozen=True)
class SegmentSpan:
    """A loader segment, as far as evidence needs it."""

    iri: URIRef
    start: int
    end: int


class SegmentLocator:
    """The innermost segment that contains a span (for ``rkg:inSegment``)."""

    def __init__(self, segments: Iterable[SegmentSpan]) -> None:
        self.segs = sorted(segments, key=lambda s: (s.start, -s.end))
        self.starts = [s.start for s in self.segs]

    def locate(self, start: int, end: int) -> URIRef | None:
        i = bisect.bisect_right(self.starts, start)
        best: SegmentSpan | None = None
        for s in reversed(self.segs[max(0, i - 64) : i]):
            if (
                s.start <= start
                and end <= s.end
                and (best is None or s.end - s.start < best.end - best.start)
            ):
                best = s
        return best.iri if best else None


# --------------------------------------------------------------------------- RDF


def entity_iri(slug: str, type_: str) -> URIRef:
    """IRI of a curated entity."""
    return iri(KIND_OF_CLASS[type_], slug)


@dataclass
class GraphContext:
    """What :func:`to_graph` needs besides the records."""

    texts: dict[str, str]
    langs: dict[str, str]
    segments: dict[str, Sequence[SegmentSpan]]
    external_dir: Path
    #: each source's loaded graph, to find the article, section and authors of a quote
    source_graphs: dict[str, Graph] = field(default_factory=dict)
    #: curated node → "file line N (record …)", filled by :func:`to_graph` for reports
    where: dict[URIRef, str] = field(default_factory=dict)
    #: quotes that failed verification, reported together at the end of :func:`to_graph`
    problems: Problems = field(default_factory=Problems)
    _index: dict[str, QuoteIndex] = field(default_factory=dict)
    _locators: dict[str, SegmentLocator] = field(default_factory=dict)

    def index(self, key: str, text: str) -> QuoteIndex:
        if key not in self._index:
            self._index[key] = QuoteIndex(text)
        return self._index[key]

    def locator(self, source_id: str) -> SegmentLocator:
        if source_id not in self._locators:
            self._locators[source_id] = SegmentLocator(self.segments.get(source_id, ()))
        return self._locators[source_id]


def _evidence(g: Graph, statement: URIRef, rec: Record, ctx: GraphContext, root: Path) -> None:
    """Verify and link each evidence item; a failing one is recorded in ``ctx.problems``."""
    for n, item in enumerate(rec.data["evidence"], 1):
        try:
            ev = _evidence_item(g, statement, rec, n, item, ctx, root)
        except UserError as e:
            ctx.problems.add(rec.file, e, rec.line)
            continue
        g.add((ev, RDF.type, RKG.Evidence))
        g.add((statement, RKG.hasEvidence, ev))
        ctx.where[ev] = ctx.where[statement] = rec.where(root)


def _evidence_item(
    g: Graph,
    statement: URIRef,
    rec: Record,
    n: int,
    item: dict[str, Any],
    ctx: GraphContext,
    root: Path,
) -> URIRef:
    """The evidence node of item *n*, its quote verified; a :class:`UserError` if it is not."""
    if "dataset" in item:
        return _dataset_evidence(g, statement, rec, n, item, root)
    quote = str(item["quote"])
    if item.get("source"):
        sid = str(item["source"])
        if sid not in ctx.texts:
            raise rec.fail(
                f"evidence {n} names source {sid!r}, which is not in sources.yaml.", root
            )
        span = ctx.index(sid, ctx.texts[sid]).find(quote)
        if span is None:
            raise rec.fail(
                f"evidence {n} quote {_short(quote)!r} is not in source {sid}; copy it "
                "verbatim from the text (only whitespace may differ).",
                root,
            )
        ev = iri("evidence", short_hash(str(statement), sid, quote))
        g.add((ev, RKG.fromSource, doc(sid)))
        g.add((ev, RKG.startOffset, Literal(span[0], datatype=XSD.integer)))
        g.add((ev, RKG.endOffset, Literal(span[1], datatype=XSD.integer)))
        seg = ctx.locator(sid).locate(*span)
        if seg is not None:
            g.add((ev, RKG.inSegment, seg))
        g.add((ev, RKG.quote, Literal(quote, lang=ctx.langs.get(sid))))
        return ev
    url = str(item["url"])
    snap = ctx.external_dir / str(item["snapshot"]).removeprefix("external/")
    if not snap.is_file():
        raise rec.fail(
            f"evidence {n} snapshot {item['snapshot']!r} is missing from data/sources/external/.",
            root,
        )
    page = ctx.index(str(snap), decode_text(snap.read_bytes(), str(snap)))
    shown = {"quote": (quote, "it")}
    if item.get("published"):
        shown["published_quote"] = (str(item["published_quote"]), "the page's dateline")
    for key, (words, what) in shown.items():
        if page.find(words) is None:
            raise rec.fail(
                f"evidence {n} {key} {_short(words)!r} is not in snapshot {snap.name}; "
                f"copy {what} verbatim from the page.",
                root,
            )
    ev = iri("evidence", short_hash(str(statement), url, quote))
    g.add((ev, RKG.sourceURL, Literal(url, datatype=XSD.anyURI)))
    g.add((ev, RKG.isExternal, Literal(True)))
    if item.get("accessed"):
        g.add((ev, RKG.accessedOn, dates.to_literal(item["accessed"])))
    if item.get("published"):
        g.add((ev, RKG.publishedOn, dates.to_literal(item["published"])))
    g.add((ev, RKG.quote, Literal(quote)))
    return ev


def _dataset_evidence(
    g: Graph, statement: URIRef, rec: Record, n: int, item: dict[str, Any], root: Path
) -> URIRef:
    """Verify a dataset-row evidence item against the installed dataset and model it in PROV.

    The evidence is derived (``rkg:fromDataset`` ⊑ ``prov:wasDerivedFrom``) from the release
    it was read from; its quote renders the row and values so that every evidence node reads
    the same way in query results.
    """
    try:
        datasets.verify(item)
    except datasets.DatasetError as e:
        raise rec.fail(f"evidence {n}: {e}.", root) from None
    release = datasets.Release(str(item["dataset"]), str(item["version"]))
    quote = datasets.quote_of(item)
    ev = iri("evidence", short_hash(str(statement), str(release.iri), quote))
    g.add((ev, RKG.fromDataset, release.add_to(g)))
    g.add((ev, RKG.datasetRow, Literal(str(item["row"]))))
    for name in sorted(item["fields"]):
        g.add((ev, RKG.datasetField, Literal(str(name))))
    g.add((ev, RKG.isExternal, Literal(True)))
    g.add((ev, RKG.quote, Literal(quote)))
    return ev


def _dataset_release(d: dict[str, Any], name: str) -> URIRef | None:
    """The release of dataset *name* that the entity's evidence cites (for label sources)."""
    for item in d.get("evidence") or ():
        if isinstance(item, dict) and item.get("dataset") == name:
            return datasets.Release(name, str(item["version"])).iri
    return None


def _short(s: str, n: int = 40) -> str:
    s = _WS.sub(" ", s).strip()
    return s if len(s) <= n else s[: n - 1] + "…"


def _label_source(value: str, texts: dict[str, str]) -> URIRef:
    """A bundled source's document IRI, or the web page's own IRI."""
    return doc(value) if value in texts else URIRef(value)


def _names(g: Graph, e: URIRef, d: dict[str, Any]) -> None:
    g.add((e, RDF.type, RKG[d["type"]]))
    for lang, text in sorted(d["label"].items()):
        g.add((e, RDFS.label, Literal(text, lang=lang)))
    for lang, aliases in sorted((d.get("alt") or {}).items()):
        for a in aliases or ():
            g.add((e, SKOS.altLabel, Literal(str(a), lang=lang)))
    for a in d.get("acronym") or ():
        g.add((e, RKG.acronym, Literal(str(a))))


def names_graph(cur: Curated) -> Graph:
    """Types, labels, aliases and acronyms of every entity: all the gazetteer needs.

    Loaders link mentions before the full curated graph can be built (evidence needs the
    loaders' segments), so this cheap subset is built first.
    """
    g = Graph()
    for rec in cur.records["entities"]:
        _names(g, entity_iri(rec.data["id"], rec.data["type"]), rec.data)
    return g


def _shortcut(g: Graph, s: URIRef, prop: URIRef | None, o: URIRef | Literal) -> None:
    """The binary shortcut beside an n-ary node, when the concept names one.

    A concept without ``rkg:shortcutProperty`` (a value just added to a vocabulary) still gets
    its n-ary node, so a new value is usable before its property is declared.
    """
    if prop is not None:
        g.add((s, prop, o))


def to_graph(cur: Curated, ctx: GraphContext) -> Graph:
    """The curated graph, with every quote verified and located in its source."""
    root = cur.root
    voc = vocab.load(Project(root))
    ctx.problems = Problems(root)
    g = Graph()
    ents = cur.entities
    iris = {slug: entity_iri(slug, rec.data["type"]) for slug, rec in ents.items()}
    # each record's node first, then its evidence (quotes verified, problems collected)
    for rec in cur.records["entities"]:
        _entity_triples(g, rec.data, iris, ctx)
        _evidence(g, iris[rec.data["id"]], rec, ctx, root)
    for rec in cur.records["memberships"]:
        _evidence(g, _membership_triples(g, rec.data, iris, ents, voc), rec, ctx, root)
    for rec in cur.records["links"]:
        _evidence(g, _link_triples(g, rec.data, iris, ents, voc), rec, ctx, root)
    for rec in cur.records["events"]:
        _evidence(g, _event_triples(g, rec.data, iris, voc), rec, ctx, root)
    for rec in cur.records["classifications"]:
        _evidence(g, _classification_triples(g, rec.data, iris, voc), rec, ctx, root)
    for rec in cur.records["claims"]:
        _evidence(g, _claim_triples(g, rec.data, iris), rec, ctx, root)
    assertions.add_to_graph(g, cur, iris, ctx, _evidence)
    ctx.problems.raise_if_any("the curated evidence")
    return g


def _entity_triples(
    g: Graph, d: dict[str, Any], iris: dict[str, URIRef], ctx: GraphContext
) -> None:
    """An entity's names, label provenance, codes, dates, issuers and editorial note."""
    e = iris[d["id"]]
    _names(g, e, d)
    _label_provenance(g, e, d, ctx)
    for key, value in sorted((d.get("codes") or {}).items()):
        prop = CODES[key][0]
        g.add((e, prop, Literal(str(value))))
    if d.get("start") is not None:
        g.add((e, RKG.startDate, dates.to_literal(d["start"])))
    if d.get("end") is not None:
        g.add((e, RKG.endDate, dates.to_literal(d["end"])))
    for issuer in d.get("issued_by") or ():
        g.add((e, RKG.issuedBy, iris[str(issuer)]))
    if d.get("note"):
        g.add((e, SKOS.editorialNote, Literal(str(d["note"]))))


def _label_provenance(g: Graph, e: URIRef, d: dict[str, Any], ctx: GraphContext) -> None:
    """Where each label came from (a source or a dataset release), or why a language has
    none: a label no source supplied is recorded as missing, never invented."""
    for lang, src in sorted((d.get("label_source") or {}).items()):
        node = iri("label-provenance", d["id"], lang)
        g.add((node, RDF.type, RKG.LabelProvenance))
        g.add((node, RKG.labelOf, e))
        g.add((node, RKG.labelLanguage, Literal(lang)))
        release = _dataset_release(d, str(src))
        g.add((node, RKG.labelSource, release or _label_source(str(src), ctx.texts)))
    for lang, reason in sorted((d.get("label_missing") or {}).items()):
        node = iri("label-provenance", d["id"], lang)
        g.add((node, RDF.type, RKG.LabelProvenance))
        g.add((node, RKG.labelOf, e))
        g.add((node, RKG.labelLanguage, Literal(lang)))
        g.add((node, RKG.labelMissingReason, Literal(str(reason), lang="en")))


def _membership_triples(
    g: Graph,
    d: dict[str, Any],
    iris: dict[str, URIRef],
    ents: dict[str, Record],
    voc: vocab.Vocabulary,
) -> URIRef:
    """A participation node, its ORG form when the body is an organisation, and the
    binary shortcut when the role makes a member; returns the node."""
    org, member, role = iris[d["organisation"]], iris[d["member"]], d["role"]
    # A later period of the same participation (a return after a withdrawal) is a node of its
    # own; the first period keeps the IRI it has always had.
    period = () if d.get("period") is None else (str(d["period"]),)
    m = iri("membership", d["organisation"], d["member"], role, *period)
    role_concept = concept("membership-role", role)
    g.add((m, RDF.type, RKG.Membership))
    g.add((m, RKG.participationIn, org))
    g.add((m, RKG.participant, member))
    g.add((m, RKG.participationRole, role_concept))
    if ents[d["organisation"]].data["type"] in INSTITUTION_CLASSES:
        # Only membership of an organisation is an org:Membership: ORG's org:organization
        # has range org:Organization, so an instrument there would become one (and an agent).
        g.add((m, RDF.type, RKG.OrganisationMembership))
        g.add((m, ORG.organization, org))
        g.add((m, ORG.member, member))
        g.add((m, ORG.role, role_concept))
    for key, prop in (("start", RKG.startDate), ("end", RKG.endDate)):
        if d.get(key) is not None:
            g.add((m, prop, dates.to_literal(d[key])))
    if role in voc.member_roles:
        g.add((member, RKG.isMemberOf, org))
        g.add((org, RKG.hasMember, member))
    return m


def _link_triples(
    g: Graph,
    d: dict[str, Any],
    iris: dict[str, URIRef],
    ents: dict[str, Record],
    voc: vocab.Vocabulary,
) -> URIRef:
    """A regime-link node and the shortcut its type names; returns the node."""
    s, t = iris[d["source"]], iris[d["target"]]
    link = iri("link", d["source"], d["type"], d["target"])
    g.add((link, RDF.type, RKG.RegimeLink))
    g.add((link, RKG.linkSource, s))
    g.add((link, RKG.linkTarget, t))
    g.add((link, RKG.linkType, concept("regime-link-type", d["type"])))
    _shortcut(g, s, voc.link_types[d["type"]].shortcut, t)
    if d["type"] == "part-of" and all(
        ents[d[end]].data["type"] in INSTITUTION_CLASSES for end in ("source", "target")
    ):
        g.add((s, RKG.isSubOrganisationOf, t))  # the ORG alignment, for organisations only
    return link


def _event_triples(
    g: Graph, d: dict[str, Any], iris: dict[str, URIRef], voc: vocab.Vocabulary
) -> URIRef:
    """A dated event node and the date shortcut its type names; returns the node."""
    subj = iris[d["subject"]]
    date = dates.to_literal(d["date"])
    ev = iri("event", d["subject"], d["type"], str(date))
    g.add((ev, RDF.type, RKG.DatedEvent))
    g.add((ev, RKG.eventOf, subj))
    g.add((ev, RKG.eventType, concept("event-type", d["type"])))
    g.add((ev, RKG.date, date))
    _shortcut(g, subj, voc.event_types[d["type"]].shortcut, date)
    return ev


def _classification_triples(
    g: Graph, d: dict[str, Any], iris: dict[str, URIRef], voc: vocab.Vocabulary
) -> URIRef:
    """A classification node and the scheme's shortcut; returns the node."""
    subj = iris[d["subject"]]
    c = concept(d["scheme"], d["concept"])
    node = iri("classification", d["subject"], d["scheme"], d["concept"])
    g.add((node, RDF.type, RKG.Classification))
    g.add((node, RKG.classifiedEntity, subj))
    g.add((node, RKG.classifiedAs, c))
    _shortcut(g, subj, voc.scheme(d["scheme"]).shortcut, c)
    return node


def _claim_triples(g: Graph, d: dict[str, Any], iris: dict[str, URIRef]) -> URIRef:
    """A claim node (one source's value, kept beside disagreeing ones); returns the node."""
    subj = iris[d["subject"]]
    value = str(d["value"])
    node = iri("claim", d["subject"], str(d["about"]), short_hash(value, length=8))
    g.add((node, RDF.type, RKG.Claim))
    g.add((node, RKG.claimSubject, subj))
    g.add((node, RKG.claimAbout, Literal(str(d["about"]))))
    g.add((node, RKG.claimValue, Literal(value)))
    return node


# --------------------------------------------------------------------------- canonical form


def _canonical_value(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _canonical_value(v[k]) for k in sorted(v)}
    if isinstance(v, list):
        return [_canonical_value(x) for x in v]
    return v


#: The first line of every curated file: editors with a YAML language server (VS Code's YAML
#: extension, JetBrains IDEs, Neovim) validate and complete the file against its kind's schema.
MODELINE = "# yaml-language-server: $schema=../{schema_dir}/{kind}.schema.json\n"


def modeline(kind: str) -> str:
    """The schema modeline of a file of *kind* (relative to ``data/curated/<kind>/``)."""
    return MODELINE.format(schema_dir=definitions.SCHEMA_DIR, kind=kind)


def canonical_record(record: dict[str, Any], kind: str) -> dict[str, Any]:
    """*record* with its fields in the kind's order (identifying keys first, evidence last).

    Nested mappings are sorted, except evidence items, which have their own order (where
    from, then the quote); keys the table does not know go after the known ones, sorted.
    """
    out: dict[str, Any] = {}
    for k in definitions.ordered(record, definitions.KINDS[kind].names):
        v = record[k]
        if k == "evidence" and isinstance(v, list):
            v = [
                {
                    f: _canonical_value(x[f])
                    for f in definitions.ordered(x, definitions.evidence_order(x))
                }
                if isinstance(x, dict)
                else _canonical_value(x)
                for x in v
            ]
        else:
            v = _canonical_value(v)
        out[k] = v
    return out


def canonical_text(records: list[dict[str, Any]], kind: str) -> str:
    """The canonical YAML of a curated file: the schema modeline, then the records sorted by
    their identifying keys, each record's fields in the order of its record definition
    (:mod:`regimekg.records`), UTF-8 with Chinese unescaped."""
    keys = KEYS[kind]
    ordered = sorted(records, key=lambda r: tuple(str(r.get(k, "")) for k in keys))
    return modeline(kind) + yaml.safe_dump(
        [canonical_record(r, kind) for r in ordered],
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
        indent=2,
    )


def lint(project: Project, *, fix: bool = False) -> list[Path]:
    """Curated files that are not in canonical form (rewritten when *fix*).

    A file that cannot be read is left alone here: :func:`load` reports it with the other
    problems of the records.
    """
    bad: list[Path] = []
    for kind in KINDS:
        for path in _files(project, kind):
            try:
                records = [r.data for r in _read_records(path, kind)]
            except UserError:
                continue
            want = canonical_text(records, kind) if records else ""
            have = path.read_text(encoding="utf-8")
            if have != want:
                bad.append(path)
                if fix:
                    files.write_text(path, want)
    return bad
