"""``regimekg build``: sources + curated + ontology → validated store and dumps.

The stages run in a fixed order because each needs the one before: the gazetteer needs the
curated names, the curated evidence needs the loaders' segments, SHACL needs everything.
SHACL runs in this process while a second one computes the metrics and writes the store and
the dump (:func:`_writer`). Everything is written into a staging directory; only a fully
validated build is swapped in (see :mod:`regimekg.store`), so a failure leaves the previous
build exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from . import __version__, asof, curated, incremental, mappings, searchtext, store, validate
from . import ontology as schema
from .errors import BuildError, UserError
from .loaders import Candidate, load_source, write_candidates
from .loaders.mentions import Gazetteer
from .namespaces import (
    CURATED_GRAPH,
    METRICS_GRAPH,
    ONTOLOGY_GRAPH,
    TIME_GRAPH,
    VOCAB_GRAPH,
    graph_iri,
)
from .paths import Project
from .review import screen as review_screen
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
    check_out(project, build_dir, out)
    step = _Steps(progress)
    with store.build_lock(build_dir, wait=wait):
        if store.recover(build_dir) == "restored":
            step(f"restored the last good build into {build_dir} (a swap had been interrupted)")
        _check_replaceable(build_dir, out)  # again: a restored build is what gets replaced
        if store.saved_path(build_dir).exists():  # recover() left it: not a build, or no build
            raise UserError(
                f"{store.saved_path(build_dir)} is left from an interrupted build and cannot be "
                f"restored over {build_dir}; look into both and move the one you do not need "
                "away."
            )
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


def check_out(project: Project, build_dir: Path, shown: str | Path | None = None) -> None:
    """Refuse a build directory whose swap would replace something that is not a build.

    A build replaces its whole directory, so ``--out .`` would replace the project (``.git``
    included) and ``--out data`` the curated data (:meth:`Project.check_output`); an existing
    directory is replaced only when empty or an earlier build. Messages show *shown*, the
    ``--out`` as typed.
    """
    project.check_output(build_dir, "--out", whole_dir=True, shown=shown)
    _check_replaceable(build_dir, shown)


def _check_replaceable(build_dir: Path, shown: str | Path | None = None) -> None:
    """Refuse to replace anything but an empty directory or an earlier build.

    Recognised by the ``build-info.json`` every build writes last (:func:`store.is_build`).
    """
    out = shown if shown is not None else build_dir
    if build_dir.is_symlink() or (build_dir.exists() and not build_dir.is_dir()):
        raise UserError(
            f"--out {out} exists and is not a directory; give a new or empty directory, "
            "or an earlier build, to build into."
        )
    if build_dir.is_dir() and any(build_dir.iterdir()) and not store.is_build(build_dir):
        raise UserError(
            f"--out {out} holds files and is not a regimekg build (it has no valid "
            f"{store.INFO_FILE}), and a build replaces its whole directory; give a new or empty "
            "directory."
        )


#: The years whose metrics the build writes into ``graph/metrics`` (each slice is computed at
#: 31 December), besides the whole graph uncut (observations without ``rkg:asOf``): readers
#: ask about the recent complex.
FIRST_METRICS_YEAR = 2016
#: The parent's graphs, handed to the writer process as N-Quads (removed once it read them).
GRAPHS_FILE = "graphs.nq"


def metric_slices(time: Graph) -> list[str | None]:
    """``None`` (the whole graph, uncut) and every year from :data:`FIRST_METRICS_YEAR` to
    the last year anything in the data becomes known (``graph/time``).

    The years come from the data, not from the day the build runs, so two builds of the
    same commit on different days write the same slices (and the same bytes).
    """
    return [None, *(str(y) for y in asof.slice_years(time, FIRST_METRICS_YEAR))]


def built_at() -> str:
    """The ``built`` time of build-info.json: ``SOURCE_DATE_EPOCH`` when set, else now.

    ``SOURCE_DATE_EPOCH`` is the reproducible-builds.org convention for pinning a build's
    time; it is only read here, as nothing in the dump depends on the time.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            when = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise UserError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds since "
                "1970-01-01 UTC; set it to one (e.g. `git log -1 --format=%ct`) or unset it."
            ) from None
    else:
        when = dt.datetime.now(dt.UTC)
    return when.isoformat(timespec="seconds")


def _writer(conn: Connection, staging: str) -> None:
    """Child process: the metrics graph, the store and the dump, while the parent runs SHACL.

    Started once the inputs have passed their first checks (:func:`_assemble`'s *checked*),
    so that its imports (networkx, pyoxigraph, rdflib: about a second) overlap with the
    parent's loading of the sources, and a build refused at those checks starts no process.
    It then waits for the parent's graphs (as N-Quads in :data:`GRAPHS_FILE`), the metric
    slices and the project root (whose vocabulary the metrics read), loads the graphs into an
    in-memory store, computes the slices from it, adds them as ``graph/metrics`` and writes
    the on-disk store and the sorted dump (:func:`store.save`).
    It reports the number of quads, or the :class:`UserError` that stopped it, on *conn*; it
    exits as soon as the parent dies, so a killed build leaves nothing writing into its
    staging directory.
    """
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    import pyoxigraph as ox

    from . import vocab
    from .analysis import metrics_ntriples
    from .terms import to_ox_graph_name

    try:
        slices, root = conn.recv()
    except EOFError:  # the parent failed before handing anything over
        return
    graphs = Path(staging) / GRAPHS_FILE
    st = store.memory_store(graphs.read_bytes())
    graphs.unlink()
    try:
        # the project's vocabulary, pinned: the metrics ask it for every membership's role,
        # and finding it afresh each time (root, file stamps) cost most of the computation
        with vocab.using(Project(Path(root))):
            metrics = metrics_ntriples(st, slices)
    except UserError as e:
        conn.send(("error", str(e)))
        return
    st.bulk_load(metrics, format=ox.RdfFormat.N_TRIPLES, to_graph=to_ox_graph_name(METRICS_GRAPH))
    conn.send(("ok", store.save(Path(staging), st)))


def _exit_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()  # returns when the parent process has ended
        os._exit(1)


def check_only(project: Project, *, progress: Progress = stderr_progress) -> str:
    """``regimekg validate``: every check of a build (hashes, quotes, SHACL), writing nothing."""
    step = _Steps(progress)
    parts = _assemble(project, step)
    _validate(project, parts, step)
    n = sum(len(g) for _, g in parts.graphs)
    return f"Valid: {n} triples in {len(parts.graphs)} graphs conform."


def _build_into(project: Project, staging: Path, build_dir: Path, step: _Steps) -> BuildReport:
    # The writer process does everything but SHACL once the graphs are assembled; the two
    # take about as long, so both cores stay busy (docs/decisions/20261123-one-writer-process-
    # beside-shacl.md). Started once the manifest, the source files, the ontology and the
    # curated records have passed their checks (where most bad input is refused, so a refused
    # build starts no process), it imports its modules while the sources are loaded.
    built = built_at()  # first: a bad SOURCE_DATE_EPOCH fails before any work
    ctx = multiprocessing.get_context("spawn")
    conn, child_conn = ctx.Pipe()
    writer = ctx.Process(target=_writer, args=(child_conn, str(staging)), daemon=True)

    def start_writer() -> None:
        writer.start()
        child_conn.close()

    try:
        parts = _assemble(project, step, checked=start_writer)
        slices = metric_slices(dict(parts.graphs)[TIME_GRAPH])
        step("writing store, metrics graph and N-Quads dump in a second process")
        (staging / GRAPHS_FILE).write_bytes(store.nquads(parts.graphs))
        conn.send((slices, str(project.root)))
        _validate(project, parts, step)
        step("waiting for the store, metrics graph and N-Quads dump")
        try:
            status, value = conn.recv()
        except EOFError:
            writer.join()
            raise RuntimeError(
                f"writing the store and the metrics graph failed (exit code {writer.exitcode})"
            ) from None
        writer.join()
    finally:
        if writer.is_alive():
            writer.terminate()
            writer.join()
        conn.close()
        child_conn.close()  # when the writer never started
    if status != "ok":
        raise UserError(value)
    n = value
    write_candidates(staging / "candidates.tsv", parts.candidates)
    incremental.write_names(staging, parts.names)
    # build-info.json last: it is what marks the directory as a finished build (store.is_build)
    counts = {str(name).rsplit("/", 1)[-1]: len(g) for name, g in parts.graphs}
    counts["metrics"] = n - sum(counts.values())
    store.write_info(
        staging,
        {
            "version": __version__,
            "built": built,
            "quads": n,
            "graphs": counts,
            "metrics_as_of": [s or "whole graph" for s in slices],
            "sources": {s.id: s.sha256 for s in parts.sources},
            "inputs": parts.inputs,
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
    #: The gazetteer's input (curated names + ontology), saved for incremental ingest.
    names: Graph = field(default_factory=Graph)
    #: :func:`incremental.inputs_digest` of the inputs this build read.
    inputs: str = ""


def _assemble(project: Project, step: _Steps, checked: Callable[[], None] = lambda: None) -> _Parts:
    """Every named graph of the build; raises :class:`UserError` on any problem in the inputs.

    *checked* is called once the manifest, the source files, the ontology and the curated
    records have been read and checked, before the sources are loaded (the longer part).
    """
    inputs = incremental.inputs_digest(project)  # before reading: a later edit makes it stale
    step("reading sources.yaml and checking source hashes")
    sources = load_manifest(project)
    texts = {s.id: s.read_text() for s in sources}

    step("loading ontology and vocabularies")
    ontology = schema.load_ontology(project)
    vocab = schema.load_vocab(project)

    step("reading curated records")
    cur = curated.load(project)
    step(f"  {sum(len(v) for v in cur.records.values())} curated records")
    checked()
    names = curated.names_graph(cur) + ontology
    gazetteer = Gazetteer.from_graph(names)

    graphs: list[tuple[URIRef, Graph]] = [(ONTOLOGY_GRAPH, ontology), (VOCAB_GRAPH, vocab)]
    segments: dict[str, list[curated.SegmentSpan]] = {}
    candidates: list[Candidate] = []
    screen = review_screen(project)  # the stop list and the reviewers' decisions
    for src in sources:
        step(f"loading source {src.id} ({src.path.name})")
        res = load_source(src, texts[src.id], gazetteer, screen)
        searchtext.annotate(res.graph)
        graphs.append((graph_iri(src.id), res.graph))
        segments[src.id] = [curated.SegmentSpan(s.iri, s.start, s.end) for s in res.segments]
        candidates.extend(res.candidates)

    step("verifying evidence quotes and building the curated graph")
    ctx = curated.GraphContext(
        texts=texts,
        langs={s.id: s.lang for s in sources},
        segments=segments,
        external_dir=project.sources_dir / "external",
        source_graphs={src.id: g for src, (_, g) in zip(sources, graphs[2:], strict=True)},
    )
    statements = curated.to_graph(cur, ctx)
    step("verifying Wikidata mappings against their dataset")
    statements += mappings.to_graph(project, cur)
    graphs.append((CURATED_GRAPH, statements))

    step("dating participations, regime links and entities (graph/time)")
    dated = Graph()
    dated += statements
    for name, g in graphs:
        if name not in (ONTOLOGY_GRAPH, VOCAB_GRAPH, CURATED_GRAPH):
            dated += g.triples((None, DCTERMS.date, None))
    dated += vocab.triples((None, SKOS.member, None))  # which link types are of origin
    graphs.append((TIME_GRAPH, asof.materialise(dated)))
    return _Parts(graphs, candidates, sources, ontology, ctx.where, names, inputs)


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
