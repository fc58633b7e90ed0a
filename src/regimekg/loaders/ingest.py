"""``regimekg ingest``: add a document (or a table with a column mapping) as a new source.

Ingesting copies the file into ``data/sources/``, adds or refreshes its entry in
``sources.yaml`` and runs its loader once to report what it found. It is idempotent: a file
whose content is already listed (same sha256) changes nothing. ``sources.yaml`` is edited
textually — new entries are appended, a changed file only has its hash line replaced — so
the curators' formatting and comments survive. The document is loaded from where it lies
*before* anything is copied or registered, so a file the loader refuses leaves the project
untouched; with several files, nothing is written until all of them loaded (:class:`_Batch`),
and every write is atomic (:mod:`regimekg.files`). A document's metadata header (YAML front
matter or leading ``# key: value`` lines, see :mod:`.header`) fills the entry's title,
language, url, date and retrieval date.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph
from rdflib.namespace import RDF

from .. import files
from ..errors import UserError
from ..namespaces import RKG, is_slug
from ..paths import Project
from ..sources import Source, check_size, decode_utf8, load_manifest, load_yaml
from . import Screen, load_source
from . import segment as seg
from .header import Header, read_header
from .mentions import Gazetteer

DOC_SUFFIXES = (".txt", ".md", ".markdown")
TABLE_SUFFIXES = (".csv", ".tsv", ".json")


def project_gazetteer(project: Project) -> Gazetteer:
    """The gazetteer a build would use: curated names plus the ontology's class tree."""
    from .. import curated

    names = curated.names_graph(curated.load(project))
    if project.ontology_ttl.is_file():
        onto = Graph()
        onto.parse(project.ontology_ttl, format="turtle")
        names += onto
    return Gazetteer.from_graph(names)


def _screen(project: Project) -> Screen:
    """The stop list and review decisions, so ingest reports only open proposals."""
    from ..review import screen

    return screen(project)


def _source_id(path: Path, sha: str, manifest: list[dict[str, Any]]) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    sid = stem if stem and stem[0].isalpha() and is_slug(stem) else f"doc-{sha[:8]}"
    taken = {str(r.get("id")): r for r in manifest}
    if sid in taken and taken[sid].get("file") != f"{sid}{path.suffix.lower()}":
        sid = f"{sid}-{sha[:6]}"
    return sid


def _title(text: str, suffix: str) -> str:
    if suffix in DOC_SUFFIXES:
        text = text[read_header(text).end :]
    for line in text.splitlines():
        t = line.strip()
        if not t:
            continue
        if suffix in TABLE_SUFFIXES:
            break
        t = seg.clean(re.sub(r"^#{1,6}\s+", "", t))
        return t if len(t) <= 100 else t[:99] + "…"
    return ""


def _mapping(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    data = load_yaml(Path(path))
    if not isinstance(data, dict) or not data.get("name"):
        raise UserError(
            f"{path}: a column mapping is a YAML mapping with at least `name: <column>` "
            "(optionally date, issuer, classification: {scheme, column})."
        )
    return data


def mapping_hash(mapping: dict[str, Any] | None) -> str:
    """A digest of a column mapping, so that a changed mapping re-reads an unchanged table."""
    if not mapping:
        return ""
    text = json.dumps(mapping, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replace_entry(text: str, sid: str, rec: dict[str, Any]) -> str:
    """*text* (``sources.yaml``) with the entry whose id is *sid* re-written as *rec*.

    Only that entry's lines change (a top-level ``- `` item up to the next one); comments
    and blank lines after it, and every other entry, are kept as they were.
    """
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("- ")] + [len(lines)]
    for a, b in itertools.pairwise(starts):
        block = lines[a:b]
        while len(block) > 1 and (not block[-1].strip() or block[-1].startswith("#")):
            block = block[:-1]
        data = yaml.safe_load("".join(block))
        if (
            isinstance(data, list)
            and data
            and isinstance(data[0], dict)
            and (str(data[0].get("id")) == sid)
        ):
            new = _append_record("", rec)
            return "".join(lines[:a]) + new + "".join(lines[a + len(block) :])
    return _append_record(text, rec)


def _trial_source(rec: dict[str, Any], path: Path) -> Source:
    """The :class:`Source` *rec* will describe once registered, reading *path* where it is."""
    return Source(
        id=str(rec["id"]),
        path=path,
        sha256=str(rec["sha256"]),
        lang=str(rec["lang"]),
        kind=str(rec["kind"]),
        loader=str(rec["loader"]),
        title=dict(rec.get("title") or {}),
        authors=tuple(rec.get("authors") or ()),
        mapping=rec.get("mapping"),
        date=None if rec.get("date") is None else str(rec["date"]),
        extra={k: rec[k] for k in ("url", "retrieved") if rec.get(k)},
    )


def _append_record(text: str, rec: dict[str, Any]) -> str:
    """*text* (``sources.yaml``) with *rec* appended as one more list item."""
    dumped = yaml.safe_dump(
        [rec], allow_unicode=True, sort_keys=True, default_flow_style=None, width=100
    )
    if text and not text.endswith("\n"):
        text += "\n"
    return text + dumped


@dataclass
class _Batch:
    """Everything one ``regimekg ingest`` run will write, held until every file has loaded.

    A batch is all or nothing: documents are only copied and ``sources.yaml`` only rewritten
    (once) after the last document of the command line loaded, so a bad third file leaves the
    first two unregistered, as if the command had not run.
    """

    yaml_path: Path
    original: str
    body: str
    records: list[dict[str, Any]] = field(default_factory=list)
    copies: dict[Path, Path] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    #: The sha256 that ``body`` now records for each entry this run refreshed.
    refreshed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, yaml_path: Path) -> _Batch:
        text = yaml_path.read_text(encoding="utf-8") if yaml_path.is_file() else ""
        return cls(yaml_path, text, text)

    def register(
        self, rec: dict[str, Any], previous: dict[str, Any] | None, mapping: dict[str, Any] | None
    ) -> str:
        """Put *rec* into the ``sources.yaml`` text, or refresh the *previous* entry of its
        id; the status to report (``added`` or ``refreshed``).

        An entry this run added is rendered again from its record (no curator has formatted
        it yet); one already in the file only has its hash line replaced (and, for a table
        read with another *mapping*, the entry rewritten), so comments and layout survive.
        """
        sid, sha = str(rec["id"]), str(rec["sha256"])
        if previous is None:
            self.body = _append_record(self.body, rec)
            self.records.append(rec)
            return "added"
        if any(r is previous for r in self.records):
            previous["sha256"] = sha  # an entry this run added, not yet written
            if mapping is not None:
                previous["mapping"] = mapping
            self.body = self.original
            for r in self.records:
                self.body = _append_record(self.body, r)
            return "refreshed"
        recorded = self.refreshed.get(sid, str(previous["sha256"]))
        self.body = self.body.replace(recorded, sha, 1)
        self.refreshed[sid] = sha
        if mapping is not None and mapping_hash(previous.get("mapping")) != mapping_hash(mapping):
            self.body = replace_entry(
                self.body, sid, {**previous, "sha256": sha, "mapping": mapping}
            )
        return "refreshed"

    def commit(self) -> None:
        """Copy the documents in, then write ``sources.yaml`` once (each write atomic).

        A failure part-way (a full disk) undoes the copies made so far: a copied document
        is removed, a refreshed one gets its previous bytes back. A ``kill -9`` between the
        copies and the manifest can leave a copied document that no entry lists yet (the
        next ``ingest`` of it registers it); the manifest itself is never half written.
        """
        created: list[Path] = []
        replaced: dict[Path, bytes] = {}
        try:
            for dest in self.copies:
                if dest.exists():
                    replaced[dest] = dest.read_bytes()
                else:
                    created.append(dest)
            # flushed to disk together: one fsync per document was seconds for a large batch
            files.copy_files((source, dest) for dest, source in self.copies.items())
            if self.body != self.original:
                files.write_text(self.yaml_path, self.body)
        except BaseException:
            for dest in created:
                dest.unlink(missing_ok=True)  # copied by this run
            for dest, data in replaced.items():
                files.write_bytes(dest, data)
            raise


def _check_destination(dest: Path, source: Path, previous: dict[str, Any] | None) -> bool:
    """Whether *source* must be copied to *dest*; refuse to replace a file nobody registered.

    *dest* may be replaced only when it is the file of the entry being refreshed; a file that
    already lies there with other content and no entry is someone's own and stays.
    """
    if dest.resolve() == source.resolve():
        return False
    if not dest.exists():
        return True
    if previous is not None and previous.get("file") == dest.name:
        return True
    if dest.is_file() and dest.read_bytes() == source.read_bytes():
        return False
    raise UserError(
        f"{dest} already exists and no entry of sources.yaml lists it, so ingesting "
        f"{source.name} would replace it; move that file away or rename {source.name}."
    )


def _read_input(path: Path, mapping_data: dict[str, Any] | None) -> tuple[str, str, str, bool]:
    """``(text, sha256, suffix, is_table)`` of one file given to ingest.

    Every check a user's file can fail (missing, wrong type, too large, not UTF-8, a table
    without a mapping) happens here, before the manifest is read or anything is loaded, so
    the error names the file and nothing else has been touched.
    """
    if not path.is_file():
        raise UserError(
            f"{path} does not exist: give the path of a .txt, .md, .csv, .tsv or .json file."
        )
    suffix = path.suffix.lower()
    if suffix not in DOC_SUFFIXES + TABLE_SUFFIXES:
        raise UserError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; ingest takes plain "
            "text or Markdown (.txt, .md) and tables (.csv, .tsv, .json with --mapping)."
        )
    check_size(path, str(path))
    data = path.read_bytes()
    text = decode_utf8(data, str(path))
    is_table = suffix in TABLE_SUFFIXES
    if is_table and mapping_data is None:
        raise UserError(
            f"{path.name} is a table: pass --mapping FILE naming its columns "
            "(name, date, issuer, classification; see docs/loaders.md)."
        )
    return text, hashlib.sha256(data).hexdigest(), suffix, is_table


def _new_entry(
    path: Path,
    text: str,
    ids: tuple[str, str, str],
    lang: str,
    mapping: dict[str, Any] | None,
) -> dict[str, Any]:
    """The ``sources.yaml`` entry of a new file, *ids* being ``(id, file name, sha256)`` and
    *mapping* a table's column mapping (``None`` for a document).

    A document's metadata header describes the source (see :mod:`.header`): its title,
    language, where it was published, when, and when it was retrieved; it names the language
    only when *lang* is ``auto``. A table has no header.
    """
    sid, file_name, sha = ids
    suffix = path.suffix.lower()
    is_table = mapping is not None
    header = read_header(text) if not is_table else Header()
    body = text[header.end :]
    doc_lang = lang if lang != "auto" else header.lang or seg.detect_lang(body)
    rec: dict[str, Any] = {
        "id": sid,
        "file": file_name,
        "sha256": sha,
        "lang": doc_lang,
        "kind": "Dataset" if is_table else "Article",
        "loader": "table" if is_table else "article",
        "title": {doc_lang: header.get("title") or _title(text, suffix) or path.stem},
        "authors": [],
        "note": f"Ingested from {path.name}.",
    }
    origin = header.get("url") or ""
    if re.match(r"https?://\S+$", origin):
        rec["url"] = origin
    elif origin:  # "# source: China News Service" names, but does not locate, it
        rec["note"] = f"Ingested from {path.name}; source: {origin}."
    for key, value in (("date", header.date), ("retrieved", header.get("retrieved"))):
        if value:
            rec[key] = value
    if is_table:
        rec["mapping"] = mapping
    return rec


def ingest(
    project: Project,
    paths: list[Path],
    lang: str = "auto",
    mapping: Path | None = None,
    *,
    gazetteer: Gazetteer | None = None,
    changed: dict[str, tuple[Source, Any]] | None = None,
) -> list[str]:
    """Add or refresh each document as a source and report what its loader found.

    *gazetteer* is the one to link mentions with (default: read from the curated data);
    *changed*, when given, receives the source and load result of every added or refreshed
    source, so the caller can put just those into the build (:mod:`regimekg.incremental`).
    """
    if lang not in ("auto", "en", "zh"):
        raise UserError(f"--lang {lang!r} is not one of en, zh, auto.")
    mapping_data = _mapping(mapping)
    lines: list[str] = []
    trials: dict[str, Source] = {}
    listed: list[Any] | None = None
    registered: dict[str, Source] | None = None
    screen = _screen(project)
    batch = _Batch.start(project.sources_yaml)
    for raw in paths:
        path = Path(raw)
        text, sha, suffix, is_table = _read_input(path, mapping_data)
        table_mapping = mapping_data if is_table else None
        if listed is None:  # read once: nothing writes sources.yaml before batch.commit()
            listed = _listed(project)
        manifest = [*listed, *batch.records]  # with the entries this run adds
        if gazetteer is None:
            gazetteer = project_gazetteer(project)
        same = next((r for r in manifest if r.get("sha256") == sha), None)
        remap = None
        if (
            same is not None
            and is_table
            and mapping_hash(same.get("mapping")) != mapping_hash(mapping_data)
        ):
            same, remap = None, same  # the same table read with another mapping
        if same is not None:
            sid, status = str(same["id"]), "unchanged"
            if sid in batch.results:  # the same content twice in one run
                res = batch.results[sid]
            else:
                if registered is None:
                    registered = {s.id: s for s in load_manifest(project)}
                source = registered[sid]
                res = load_source(source, source.read_text(), gazetteer, screen)
        else:
            sid = str(remap["id"]) if remap is not None else _source_id(path, sha, manifest)
            file_name = str(remap["file"]) if remap is not None else f"{sid}{suffix}"
            previous = next((r for r in manifest if r.get("id") == sid), None)
            rec = _new_entry(path, text, (sid, file_name, sha), lang, table_mapping)
            # Load the document from where it is *before* copying or registering anything, so a
            # file the loader refuses (a malformed table, an impossible date) leaves the project
            # exactly as it was.
            trial = {**rec, **(previous or {}), "sha256": sha}
            if is_table:
                trial["mapping"] = mapping_data
            trials[sid] = _trial_source(trial, path)
            res = load_source(trials[sid], text, gazetteer, screen)
            # Nothing is written yet: the batch is committed once every file has loaded.
            dest = project.sources_dir / file_name
            if _check_destination(dest, path, previous):
                batch.copies[dest] = path
            status = batch.register(rec, previous, table_mapping)
            batch.results[sid] = res
        lines.extend(_report(sid, status, res, gazetteer))
    batch.commit()
    if changed is not None:
        changed.update({sid: (trials[sid], batch.results[sid]) for sid in trials})
    return lines


def _listed(project: Project) -> list[Any]:
    """The entries of ``sources.yaml`` (none when it is missing or empty)."""
    listed = load_yaml(project.sources_yaml, fast=True) or []
    if not isinstance(listed, list):
        raise UserError(f"{project.sources_yaml} must be a YAML list of sources.")
    return listed


_STATUS_ZH = {"added": "新增", "refreshed": "已更新", "unchanged": "未变化"}


def _report(sid: str, status: str, res: Any, gazetteer: Gazetteer) -> list[str]:
    g = res.graph
    mentions = list(g.subjects(RDF.type, RKG.Mention))
    entities = sorted({o for _, o in g.subject_objects(RKG.mentions)}, key=str)
    names = sorted({c.name for c in res.candidates})
    out = [
        f"{sid} ({status}): {len(res.segments)} segments, {len(mentions)} mentions of "
        f"{len(entities)} known entities, {len(names)} candidate names / "
        f"{sid}（{_STATUS_ZH[status]}）：{len(res.segments)} 个片段，{len(mentions)} 处提及"
        f"（{len(entities)} 个已知实体），{len(names)} 个候选名称"
    ]
    if entities:
        labels = []
        for e in entities[:12]:
            lab = gazetteer.labels.get(e, {})
            labels.append(lab.get("en") or lab.get("zh") or str(e).rsplit("/", 1)[-1])
        out.append("  mentions / 提及: " + ", ".join(labels))
    if names:
        out.append(
            "  candidates / 候选: " + ", ".join(names[:12]) + (" …" if len(names) > 12 else "")
        )
    kinds = {k: sum(p.kind == k for p in res.proposals) for k in ("entity", "alias", "date")}
    kinds["relation"] = len(res.proposals) - sum(kinds.values())
    if res.proposals:
        out.append(
            "  proposals / 提议: "
            + ", ".join(f"{n} {k}" for k, n in kinds.items() if n)
            + f" — `regimekg review list --source {sid}`"
        )
    return out
