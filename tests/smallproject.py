"""A small project cut from the bundled one, for tests of build *mechanics*.

A full build of the bundled project assembles, validates and measures a quarter of a million
quads; a test that proves the atomic swap, the build lock, a killed or failing build, the
reproducibility of the byte stream or incremental == full needs a real build, not that much
of one. :func:`make_small_project` writes a consistent subset of the repository: the real
ontology, vocabularies, shapes and queries; one short bundled source (the English article
``eu-ai-strategy``); and a few curated records of each kind, chosen so that every evidence
item resolves (quotes from that source, saved web pages, dataset rows) and every entity a
record names is kept.
It is cut from the current data each time, so it follows what curators add; the tests in
``tests/test_build.py`` prove it builds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from regimekg.curated import canonical_text
from regimekg.paths import Project
from regimekg.records import KINDS

ROOT = Path(__file__).resolve().parents[1]

#: The bundled sources kept: the short English article. The journal issue (13 times longer) is
#: the most expensive source to load, and a Chinese one would add the word segmenter's start-up.
SOURCES = ("eu-ai-strategy",)
#: Records kept per curated file and per kind (after the filter): enough of every kind for
#: each stage of the build to have work, few enough for SHACL and the metrics to be quick.
PER_FILE = 6
PER_KIND = 30
#: Entities kept whatever the records name, because tests edit or name them: France's label
#: (test_concurrency), the G7's membership of Canada (test_build), the Seoul summit, its
#: declaration and the Frontier AI Safety Commitments (test_review's Seoul briefing).
ALWAYS = (
    "france",
    "g7",
    "canada",
    "ai-seoul-summit-2024",
    "seoul-declaration",
    "frontier-ai-safety-commitments",
)
#: Memberships always kept, so the files those tests edit keep the lines they edit.
ALWAYS_FILES = ("memberships/g7.yaml",)


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of a curated YAML file (libyaml: the pure-Python parser takes seconds)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or []


def _entity_refs(kind: str, rec: dict[str, Any]) -> Iterator[str]:
    """The entity slugs a record names (its ``entity``/``entities``/``object`` fields)."""
    for f in KINDS[kind].fields:
        value = rec.get(f.name)
        if value is None:
            continue
        if f.type == "entity":
            yield str(value)
        elif f.type == "entities":
            yield from (str(v) for v in value)
        elif f.type == "object" and "/" not in str(value):
            yield str(value)


class _Selector:
    """Which records of the bundled project the small one keeps."""

    def __init__(self, sources: set[str], kept: Iterable[str] = SOURCES) -> None:
        self.dropped_sources = sources - set(kept)
        self.entities: dict[str, tuple[str, dict[str, Any]]] = {}
        for path in sorted((ROOT / "data" / "curated" / "entities").glob("*.yaml")):
            for rec in read_records(path):
                self.entities[rec["id"]] = (path.name, rec)
        self._ok: dict[str, bool] = {}

    def usable(self, ev: dict[str, Any]) -> bool:
        return str(ev.get("source")) not in self.dropped_sources

    def evidence_ok(self, rec: dict[str, Any]) -> bool:
        """Some evidence item resolves without the dropped sources, and so do label sources."""
        labels = {str(v) for v in (rec.get("label_source") or {}).values()}
        return any(map(self.usable, rec["evidence"])) and not labels & self.dropped_sources

    def trimmed(self, rec: dict[str, Any]) -> dict[str, Any]:
        """*rec* without the evidence items that cite a dropped source."""
        return {**rec, "evidence": [ev for ev in rec["evidence"] if self.usable(ev)]}

    def entity_ok(self, slug: str) -> bool:
        if slug not in self._ok:
            self._ok[slug] = False  # a cycle of issuers resolves to "no" rather than recursing
            rec = self.entities.get(slug, (None, None))[1]
            self._ok[slug] = rec is not None and self.record_ok("entities", rec)
        return self._ok[slug]

    def record_ok(self, kind: str, rec: dict[str, Any]) -> bool:
        return self.evidence_ok(rec) and all(self.entity_ok(e) for e in _entity_refs(kind, rec))


def _closure(sel: _Selector, slugs: Iterable[str]) -> set[str]:
    keep: set[str] = set()
    todo = [s for s in slugs if sel.entity_ok(s)]
    while todo:
        slug = todo.pop()
        if slug not in keep:
            keep.add(slug)
            todo.extend(_entity_refs("entities", sel.entities[slug][1]))
    return keep


def _snapshots(records: Iterable[dict[str, Any]]) -> set[str]:
    return {ev["snapshot"] for r in records for ev in r.get("evidence", []) if "snapshot" in ev}


def make_small_project(
    dest: Path, *, sources: Iterable[str] = SOURCES, always: Iterable[str] = ALWAYS
) -> Project:
    """Write the small project into *dest* (which must not exist) and return it.

    *sources* and *always* replace :data:`SOURCES` and :data:`ALWAYS` (the bad-input corpus
    cuts one with every bundled source, for the cases that break one of them)."""
    keep = tuple(sources)
    dest.mkdir(parents=True)
    for name in ("ontology", "queries"):
        shutil.copytree(ROOT / name, dest / name)
    data, src_dir = dest / "data", dest / "data" / "sources"
    (src_dir / "external").mkdir(parents=True)
    for name in ("stoplist.txt", "mentions-sample.tsv"):
        if (ROOT / "data" / name).is_file():
            shutil.copy2(ROOT / "data" / name, data / name)
    manifest = read_records(ROOT / "data" / "sources" / "sources.yaml")
    kept_sources = [s for s in manifest if s["id"] in keep]
    for s in kept_sources:
        shutil.copy2(ROOT / "data" / "sources" / s["file"], src_dir)
    (src_dir / "sources.yaml").write_text(
        yaml.safe_dump(kept_sources, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )

    sel = _Selector({str(s["id"]) for s in manifest}, keep)
    chosen: dict[tuple[str, str], list[dict[str, Any]]] = {}
    named: list[str] = list(always)
    for kind in KINDS:
        if kind == "entities":
            continue
        taken = 0
        for path in sorted((ROOT / "data" / "curated" / kind).glob("*.yaml")):
            rel = f"{kind}/{path.name}"
            limit = None if rel in ALWAYS_FILES else max(0, min(PER_FILE, PER_KIND - taken))
            recs = [sel.trimmed(r) for r in read_records(path) if sel.record_ok(kind, r)][:limit]
            if recs:
                chosen[(kind, path.name)] = recs
                taken += len(recs)
                named.extend(e for r in recs for e in _entity_refs(kind, r))
    for slug in sorted(_closure(sel, named)):
        file, rec = sel.entities[slug]
        chosen.setdefault(("entities", file), []).append(sel.trimmed(rec))

    for (kind, file), recs in chosen.items():
        folder = data / "curated" / kind
        folder.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text(canonical_text(recs, kind), encoding="utf-8")
    shutil.copytree(ROOT / "data" / "curated" / "schema", data / "curated" / "schema")
    for snap in sorted(_snapshots(r for recs in chosen.values() for r in recs)):
        shutil.copy2(ROOT / "data" / "sources" / snap, src_dir / snap)
    kept = {r["id"] for (kind, _), recs in chosen.items() if kind == "entities" for r in recs}
    _write_mappings(dest, kept)
    return Project(dest)


def _write_mappings(dest: Path, kept: set[Any]) -> None:
    """The Wikidata mapping rows of the kept entities (the others would name missing ones)."""
    src = ROOT / "data" / "mappings" / "wikidata.sssom.tsv"
    if not src.is_file():
        return
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    head = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if not ln.startswith("#")]
    rows = [ln for ln in body[1:] if ln.split("\t", 1)[0].split(":", 1)[-1] in kept]
    (dest / "data" / "mappings").mkdir()
    (dest / "data" / "mappings" / "wikidata.sssom.tsv").write_text(
        "".join([*head, body[0], *rows]), encoding="utf-8"
    )
