"""``regimekg build``: sources + curated + ontology → validated store and dumps.

The stages run in a fixed order because each needs the one before: the gazetteer needs the
curated names, the curated evidence needs the loaders' segments, SHACL needs everything.
Everything is written into a staging directory; only a fully validated build is swapped in
(see :mod:`regimekg.store`), so a failure leaves the previous build exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from . import __version__, curated, store, validate
from . import ontology as schema
from .errors import BuildError, UserError
from .loaders import Candidate, load_source, write_candidates
from .loaders.mentions import Gazetteer
from .namespaces import CURATED_GRAPH, METRICS_GRAPH, ONTOLOGY_GRAPH, VOCAB_GRAPH, graph_iri
from .paths import Project
from .sources import Source, load_manifest

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class BuildReport:
    """What a successful build produced."""

    out: Path
    quads: int
    graphs: dict[str, int] = field(default_factory=dict)
    candidates: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        per = ", ".join(f"{k} {v}" for k, v in sorted(self.graphs.items()))
        return (
            f"Built {self.quads} quads in {self.seconds:.1f} s into {self.out} "
            f"({per}); {self.candidates} candidate names in {self.out / 'candidates.tsv'}."
        )


class _Steps:
    """Prints each step with its duration, so long builds show where they are."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.t0 = time.perf_counter()
        self.last = self.t0

    def __call__(self, message: str) -> None:
        now = time.perf_counter()
        self.progress(f"[{now - self.t0:5.1f}s] {message}")
        self.last = now


def build(
    project: Project,
    out: str | Path | None = None,
    *,
    progress: Progress = stderr_progress,
    wait: float = 0,
) -> BuildReport:
    """Build the graph into *out* (default ``build/``); raise :class:`BuildError` on failure."""
    build_dir = project.build_dir(out)
    step = _Steps(progress)
    with store.build_lock(build_dir, wait=wait):
        staging = store.staging_dir(build_dir)
        try:
            report = _build_into(project, staging, build_dir, step)
        except UserError as e:
            store.discard(staging)
            raise BuildError(f"Build failed, previous build left untouched: {e}") from None
        except BaseException:
            store.discard(staging)
            raise
        store.swap_in(staging, build_dir)
        report.out = build_dir
        report.seconds = time.perf_counter() - step.t0
        step(f"done: {build_dir}")
        return report


#: The years whose metrics the build writes into ``graph/metrics`` (each slice is computed at
#: 31 December), besides the build date itself: readers ask about the recent complex.
FIRST_METRICS_YEAR = 2016
#: Child processes computing metrics slices beside SHACL validation.
METRICS_WORKERS = 2


def metric_slices(today: dt.date | None = None) -> list[str | None]:
    """``None`` (the build date) and every year from :data:`FIRST_METRICS_YEAR` to last year."""
    year = (today or dt.date.today()).year
    return [None, *(str(y) for y in range(FIRST_METRICS_YEAR, year))]


def _metrics_child(store_dir: str, slices: list[str | None], out: str) -> None:
    """Child process: metrics of the staged store as N-Triples in *out*.

    Runs in its own process so that the networkx work overlaps with SHACL validation on the
    second core; the staged store is closed by the parent and opened read-only here.
    """
    import pyoxigraph as ox

    from .analysis import metrics_graph_slices

    st = ox.Store.read_only(store_dir)
    Path(out).write_bytes(metrics_graph_slices(st, slices).serialize(format="nt", encoding="utf-8"))


def check_only(project: Project, *, progress: Progress = stderr_progress) -> str:
    """``regimekg validate``: every check of a build (hashes, quotes, SHACL), writing nothing."""
    step = _Steps(progress)
    parts = _assemble(project, step)
    _validate(project, parts, step)
    n = sum(len(g) for _, g in parts.graphs)
    return f"Valid: {n} triples in {len(parts.graphs)} graphs conform."


def _build_into(project: Project, staging: Path, build_dir: Path, step: _Steps) -> BuildReport:
    parts = _assemble(project, step)
    step("writing store")
    store.write_store(staging, parts.graphs)
    step("validating with SHACL while metrics are computed in parallel")
    # Two children share the slices: SHACL takes a few seconds, the slices longer, so the
    # second core stays busy in both phases.
    slices = metric_slices()
    outputs = [staging / f"metrics-{i}.nt" for i in range(METRICS_WORKERS)]
    ctx = multiprocessing.get_context("spawn")
    children = [
        ctx.Process(
            target=_metrics_child,
            args=(str(staging / store.STORE_DIR), slices[i::METRICS_WORKERS], str(out)),
            daemon=True,
        )
        for i, out in enumerate(outputs)
    ]
    for child in children:
        child.start()
    try:
        _validate(project, parts, step)
        for child in children:
            child.join()
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
                child.join()
    for child, out in zip(children, outputs, strict=True):
        if child.exitcode != 0 or not out.is_file():
            raise RuntimeError(f"computing the metrics graph failed (exit code {child.exitcode})")
        store.add_ntriples(staging, METRICS_GRAPH, out.read_bytes())
        out.unlink()
    step("writing N-Quads dump")
    n = store.finish(staging)
    write_candidates(staging / "candidates.tsv", parts.candidates)
    counts = {str(name).rsplit("/", 1)[-1]: len(g) for name, g in parts.graphs}
    counts["metrics"] = n - sum(counts.values())
    store.write_info(
        staging,
        {
            "version": __version__,
            "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "quads": n,
            "graphs": counts,
            "metrics_as_of": [s or "build date" for s in metric_slices()],
            "sources": {s.id: s.sha256 for s in parts.sources},
        },
    )
    return BuildReport(out=build_dir, quads=n, graphs=counts, candidates=len(parts.candidates))


@dataclass
class _Parts:
    """Everything a build assembles before validation."""

    graphs: list[tuple[URIRef, Graph]]
    candidates: list[Candidate]
    sources: list[Source]
    ontology: Graph
    where: dict[URIRef, str]


def _assemble(project: Project, step: _Steps) -> _Parts:
    """Every named graph of the build; raises :class:`UserError` on any problem in the inputs."""
    step("reading sources.yaml and checking source hashes")
    sources = load_manifest(project)
    texts = {s.id: s.read_text() for s in sources}

    step("loading ontology and vocabularies")
    ontology = schema.load_ontology(project)
    vocab = schema.load_vocab(project)

    step("reading curated records")
    cur = curated.load(project)
    step(f"  {sum(len(v) for v in cur.records.values())} curated records")
    gazetteer = Gazetteer.from_graph(curated.names_graph(cur) + ontology)

    graphs: list[tuple[URIRef, Graph]] = [(ONTOLOGY_GRAPH, ontology), (VOCAB_GRAPH, vocab)]
    segments: dict[str, list[curated.SegmentSpan]] = {}
    candidates: list[Candidate] = []
    for src in sources:
        step(f"loading source {src.id} ({src.path.name})")
        res = load_source(src, texts[src.id], gazetteer)
        graphs.append((graph_iri(src.id), res.graph))
        segments[src.id] = [curated.SegmentSpan(s.iri, s.start, s.end) for s in res.segments]
        candidates.extend(res.candidates)

    step("verifying evidence quotes and building the curated graph")
    ctx = curated.GraphContext(
        texts=texts,
        langs={s.id: s.lang for s in sources},
        segments=segments,
        external_dir=project.sources_dir / "external",
    )
    graphs.append((CURATED_GRAPH, curated.to_graph(cur, ctx)))
    return _Parts(graphs, candidates, sources, ontology, ctx.where)


def _validate(project: Project, parts: _Parts, step: _Steps) -> None:
    step("validating with SHACL")
    data = Graph()
    for name, g in parts.graphs:
        if name != ONTOLOGY_GRAPH:
            data += g
    shapes = schema.load_shapes(project)
    report = validate.validate_graph(data, shapes, parts.ontology, parts.where, inplace=True)
    if not report.conforms:
        first = next(v for v in report.violations if v.severity == "Violation")
        step(report.summary())
        raise UserError(f"SHACL validation failed ({first.line()})")
