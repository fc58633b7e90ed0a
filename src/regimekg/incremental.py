"""Adding ingested sources to an existing build without rebuilding it.

A new source only adds its own named graph: the gazetteer comes from the curated data, which
ingest does not change, so every other source graph, the curated graph and the evidence
quotes stay exactly as the last build made them. When the build is *current* — built from
the same curated data, ontology, shapes, vocabularies, stop list and review decisions
(:func:`inputs_digest`, recorded in ``build-info.json``) and the same versions of every
other source — ``regimekg ingest`` therefore:

1. reads the gazetteer the build saved (:data:`NAMES_FILE`) instead of re-reading and
   re-checking the curated YAML;
2. validates with SHACL only the new source graphs, together with the types of the nodes
   they point at (read from the built store) — the shapes that span graphs (a mention
   names a ``rkg:NamedEntity``, a proposal a concept) need nothing else;
3. meanwhile copies the build into a staging directory, replaces the named graphs of the
   changed sources in its store and in the sorted N-Quads dump, merges ``candidates.tsv``,
   and once SHACL passed swaps it in like a full build (:mod:`regimekg.store`), so a
   failure leaves the build as it was.

The metrics graph is read from curated memberships and links only, which ingest does not
change; it is kept and ``build-info.json`` says ``"metrics_from": "full build"``. A refreshed
source that curated evidence quotes, or anything else that makes the build not current,
falls back to the full ``regimekg build``.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import heapq
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from . import __version__, files, searchtext, store
from .errors import UserError
from .loaders import Candidate, LoadResult
from .loaders.mentions import Gazetteer
from .namespaces import graph_iri
from .paths import Project
from .sources import Source, load_manifest
from .terms import from_ox, to_ox, to_ox_graph_name

#: The gazetteer's input (curated names + ontology) as N-Triples, written by every build.
NAMES_FILE = "names.nt"


def inputs_digest(project: Project) -> str:
    """A digest of every input of a build except the sources themselves.

    Curated records, mapping sets, the ontology with its shapes and vocabularies, external
    snapshots that curated quotes are checked against, the stop list and the review
    decisions, and the package version: when none of these changed, adding a source changes
    no other graph.
    """
    h = hashlib.sha256(__version__.encode())
    roots = [
        project.curated_dir,
        project.mappings_dir,
        project.ontology_dir,
        project.sources_dir / "external",
        project.root / "data" / "review",
    ]
    paths = [p for r in roots if r.is_dir() for p in r.rglob("*") if p.is_file()]
    stop = project.root / "data" / "stoplist.txt"
    if stop.is_file():
        paths.append(stop)
    for p in sorted(paths):
        h.update(str(p.relative_to(project.root)).encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def write_names(directory: Path, names: Graph) -> None:
    """Save the gazetteer's input graph beside the build (see :func:`cached_gazetteer`)."""
    data = names.serialize(format="nt", encoding="utf-8")
    store.write_bytes_sorted(directory / NAMES_FILE, data)


def is_current(project: Project, build_dir: Path, digest: str | None = None) -> bool:
    """Whether *build_dir* was built from the project's present curated data and ontology."""
    if not store.is_build(build_dir) or not (build_dir / NAMES_FILE).is_file():
        return False
    info = store.read_info(build_dir)
    return info.get("inputs") == (digest or inputs_digest(project))


def cached_gazetteer(project: Project, build_dir: Path) -> Gazetteer | None:
    """The gazetteer of the current build, or ``None`` when the build is not current."""
    if not is_current(project, build_dir):
        return None
    from . import rdfread

    # pyoxigraph's parser: rdflib's took most of a second of every small ingest
    return Gazetteer.from_graph(rdfread.read(build_dir / NAMES_FILE, "nt"))


@dataclass
class Update:
    """What an incremental update did."""

    out: Path
    quads: int
    sources: list[str]
    seconds: float

    def summary(self) -> str:
        return (
            f"Added {', '.join(self.sources)} to the build in {self.seconds:.1f} s: "
            f"{self.quads} quads in {self.out} (validated the new graphs only; metrics are "
            "those of the last full build, which ingest does not change)."
        )


def registered(
    project: Project,
    build_dir: Path,
    changed: dict[str, tuple[Source, LoadResult]],
    gazetteer: Gazetteer,
) -> dict[str, LoadResult]:
    """The load results of every source the build lacks, as registered in ``sources.yaml``:
    those this ingest changed, and any an earlier ingest registered without building.

    Ingest loads a document from where it lies, before registering it; when the registered
    entry describes it differently (metadata read into the entry), it is loaded again from
    its registered copy so the graph is the one a full build would make.
    """
    from .loaders import load_source
    from .review import screen

    reg = {s.id: s for s in load_manifest(project)}
    built = dict(store.read_info(build_dir).get("sources") or {})  # type: ignore[call-overload]
    out: dict[str, LoadResult] = {}
    sc = screen(project)
    for sid, src in reg.items():
        trial, res = changed.get(sid, (None, None))
        # `note` is for curators and never reaches the graph; every other field may
        same = trial is not None and dataclasses.replace(trial, path=src.path, note=src.note)
        if trial is not None and same == src:
            out[sid] = res  # type: ignore[assignment]
        elif trial is not None or built.get(sid) != src.sha256:
            # registered by an earlier ingest whose build did not finish, or described
            # differently once registered: load it as the full build would
            out[sid] = load_source(src, src.read_text(), gazetteer, sc)
    return out


def _cited(project: Project, sid: str) -> bool:
    """Whether any curated file quotes source *sid* (its evidence must then be re-checked)."""
    rx = re.compile(rf"^\s*-?\s*source:\s*['\"]?{re.escape(sid)}['\"]?\s*$", re.M)
    return any(
        rx.search(p.read_text(encoding="utf-8")) for p in project.curated_dir.rglob("*.yaml")
    )


def update(
    project: Project, build_dir: Path, changed: dict[str, LoadResult], *, digest: str
) -> Update | None:
    """Put the graphs of the *changed* sources into the build; ``None`` if it cannot.

    *digest* is :func:`inputs_digest` as it was when the gazetteer was read, so a curated
    file edited meanwhile sends the caller to a full build.
    """
    t0 = time.perf_counter()
    with store.build_lock(build_dir):
        store.recover(build_dir)
        if not is_current(project, build_dir, digest) or inputs_digest(project) != digest:
            return None
        info = store.read_info(build_dir)
        built = dict(info.get("sources") or {})  # type: ignore[call-overload]
        manifest = {s.id: s.sha256 for s in load_manifest(project)}
        others = {k: v for k, v in manifest.items() if k not in changed}
        if {k: v for k, v in built.items() if k not in changed} != others:
            return None  # another source changed since the build
        if any(sid in built and _cited(project, sid) for sid in changed):
            return None  # curated evidence quotes a refreshed source: re-check everything
        for res in changed.values():  # as the full build does (passage search reads it)
            searchtext.annotate(res.graph)
        staging = store.staging_dir(build_dir)
        try:
            # The staged copy is written while SHACL runs (file copies and the store's bulk
            # load leave the interpreter free); it is swapped in only if SHACL passes.
            with ThreadPoolExecutor(max_workers=1) as pool:
                writing = pool.submit(_write, build_dir, staging, changed)
                try:
                    _validate(project, build_dir, changed)
                finally:
                    n = writing.result()
            info = {
                **info,
                "built": _built_at(),
                "quads": n,
                "sources": {k: manifest[k] for k in sorted(manifest)},
                "graphs": {
                    **dict(info.get("graphs") or {}),  # type: ignore[call-overload]
                    **{sid: len(res.graph) for sid, res in changed.items()},
                },
                "incremental": sorted(changed),
                "metrics_from": "full build",
            }
            store.write_info(staging, info)
        except BaseException:
            store.discard(staging)
            raise
        store.swap_in(staging, build_dir)
    return Update(build_dir, n, sorted(changed), time.perf_counter() - t0)


def _built_at() -> str:
    from .build import built_at  # build imports this module

    return built_at()


def _validate(project: Project, build_dir: Path, changed: dict[str, LoadResult]) -> None:
    """SHACL on the new graphs plus the types of the nodes they point at."""
    from . import ontology as schema
    from . import validate

    data = Graph()
    # One addN over every new triple: ``data += graph`` per source was several times slower
    # and most of a 1,000-document update.
    data.addN((s, p, o, data) for res in changed.values() for s, p, o in res.graph)
    subjects = set(data.subjects())
    targets = {o for o in data.objects() if isinstance(o, URIRef) and o not in subjects}
    st = store.open_store(build_dir)
    for o in sorted(targets):
        for q in st.quads_for_pattern(to_ox(o), to_ox(RDF.type), None):
            if isinstance(q.object, ox.NamedNode):
                data.add((o, RDF.type, from_ox(q.object)))
    del st
    # The build is current, so these files parsed there; only their triples are needed.
    ontology = schema.load_ontology(project, fast=True)
    shapes = schema.load_shapes(project, fast=True)
    report = validate.validate_graph(data, shapes, ontology, {}, inplace=True)
    # Only the new graphs' own nodes are judged: a node they point at was validated by the
    # build that made it, and here only its types are present to satisfy sh:class.
    mine = {validate._short(s) for s in subjects}
    errors = [v for v in report.violations if v.severity == "Violation" and v.focus in mine]
    if errors:
        raise UserError(f"SHACL validation of the new source failed ({errors[0].line()})")


def _write(build_dir: Path, staging: Path, changed: dict[str, LoadResult]) -> int:
    """The staging copy of the build with the changed graphs replaced; returns its quads."""
    # The dump is rewritten below, not copied; RocksDB never rewrites an .sst file in place
    # (it writes new ones and deletes old ones), so the staging store may share them.
    shutil.copytree(
        build_dir,
        staging,
        dirs_exist_ok=True,  # staging_dir() made it
        ignore=lambda d, names: [store.NQ_FILE] if Path(d) == build_dir else [],
        copy_function=_link_or_copy,
    )
    names = [to_ox_graph_name(graph_iri(sid)) for sid in changed]
    new = [(graph_iri(sid), res.graph) for sid, res in changed.items()]
    st = ox.Store(str(staging / store.STORE_DIR))
    for gn in names:
        st.clear_graph(gn)
    st.bulk_extend(store.quads(new))
    st.flush()
    n = len(st)
    del st
    ends = tuple(f" <{gn.value}> .".encode() for gn in names)
    old = (build_dir / store.NQ_FILE).read_bytes().split(b"\n")
    kept = [line for line in old if line and not line.endswith(ends)]
    # Dumped through a store, as the full build's writer does, so literals come out in the
    # same canonical form ("0.50"^^xsd:decimal is written "0.5").
    mem = ox.Store()
    mem.bulk_extend(store.quads(new))
    dumped = mem.dump(format=ox.RdfFormat.N_QUADS) or b""
    added = sorted(line for line in dumped.split(b"\n") if line)
    # Both runs are sorted: merging them gives the full build's order (store._write_sorted).
    merged = heapq.merge(kept, added)
    files.write_bytes(staging / store.NQ_FILE, b"".join(line + b"\n" for line in merged))
    _merge_candidates(staging / "candidates.tsv", changed)
    return n


def _link_or_copy(src: str, dst: str) -> None:
    if src.endswith(".sst"):
        try:
            os.link(src, dst)
            return
        except OSError:  # another file system, or no hard links: copy instead
            pass
    shutil.copy2(src, dst)


def _merge_candidates(path: Path, changed: dict[str, LoadResult]) -> None:
    """``candidates.tsv`` with the rows of the changed sources replaced, sorted as a build
    writes it (:func:`regimekg.loaders.write_candidates`)."""
    from .loaders import COLUMNS, write_candidates

    rows: list[Candidate] = []
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as f:
            for r in list(csv.reader(f, delimiter="\t"))[1:]:
                rec = dict(zip(COLUMNS, r, strict=False))
                if rec["source_id"] in changed:
                    continue
                rows.append(
                    Candidate(
                        name=_unescape(rec["name"]),
                        lang=rec["lang"],
                        alias_of=rec["alias_of"] or None,
                        source_id=rec["source_id"],
                        start=int(rec["start"]),
                        end=int(rec["end"]),
                        context=_unescape(rec["context"]),
                        pattern=rec["pattern"],
                    )
                )
    for res in changed.values():
        rows.extend(res.candidates)
    write_candidates(path, rows)


def _unescape(cell: str) -> str:
    """Undo the formula guard of :func:`regimekg.outputs.csv_row` on a cell read back."""
    from .outputs import csv_cell

    return cell[1:] if cell.startswith("'") and csv_cell(cell[1:]) == cell else cell


__all__ = ["Update", "cached_gazetteer", "inputs_digest", "is_current", "update"]
