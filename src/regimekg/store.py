"""The build directory: the pyoxigraph store, the N-Quads dump, and how they are replaced.

A build is written into a fresh sibling directory and only renamed over ``build/`` once
everything succeeded, so a failing build never touches the last good one, and a reader that
already opened the old store keeps reading it. A lock file next to the build directory keeps
two builds from racing for the same swap, and a second one (``.build.swap.lock``) keeps a
reader from opening the store during the two renames of a swap: RocksDB opens a store file by
file, so an open that straddled the swap would find files missing, or mix two builds. Between
the two renames the last good build waits under a fixed name (``.build.prev``), so a swap
killed there is undone by the next build or reader (:func:`recover`), and only a directory that
is a build (:func:`is_build`) is ever replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from filelock import FileLock, Timeout

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]
from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from .errors import UserError
from .files import fsync_dir, write_bytes, write_text
from .terms import to_ox_graph_name, to_ox_quad

STORE_DIR = "store"
NQ_FILE = "regimekg.nq"
INFO_FILE = "build-info.json"


def lock_path(build_dir: Path) -> Path:
    return build_dir.parent / f".{build_dir.name}.lock"


@contextlib.contextmanager
def build_lock(build_dir: Path, wait: float = 0) -> Iterator[None]:
    """Hold the build lock for *build_dir*, or fail with one sentence after *wait* seconds."""
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(build_dir)))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise UserError(
            f"Another build of {build_dir} is running (lock {lock_path(build_dir).name}); wait "
            "for it to finish, or pass --wait SECONDS."
        ) from None
    try:
        yield
    finally:
        lock.release()


def swap_lock_path(build_dir: Path) -> Path:
    return build_dir.parent / f".{build_dir.name}.swap.lock"


@contextlib.contextmanager
def _swap_guard(build_dir: Path, *, exclusive: bool) -> Iterator[None]:
    """Shared for readers opening the store, exclusive for the swap: they never overlap.

    Both sides hold it for milliseconds (an open reads a few small files; a swap is two
    renames). Where the lock file cannot be created (a read-only location, no POSIX locks)
    nothing can be swapped either, so the guard is skipped.
    """
    try:
        f = swap_lock_path(build_dir).open("a+b") if fcntl is not None else None
    except OSError:
        f = None
    if f is None:
        yield
        return
    with f:
        fcntl.flock(f, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def saved_path(build_dir: Path) -> Path:
    """Where :func:`swap_in` keeps the last good build while the new one is renamed in."""
    return build_dir.parent / f".{build_dir.name}.prev"


#: What ``build-info.json`` holds in every build: how a directory is recognised as a build
#: (one that ``--out`` may replace) rather than someone else's folder.
INFO_KEYS = frozenset({"version", "built", "quads", "graphs", "sources"})


def is_build(path: Path) -> bool:
    """Whether *path* is a directory written by ``regimekg build`` (its ``build-info.json``)."""
    info = path / INFO_FILE
    if path.is_symlink() or not path.is_dir() or not info.is_file():
        return False
    try:
        data = json.loads(info.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return (
        isinstance(data, dict)
        and data.keys() >= INFO_KEYS
        and isinstance(data["quads"], int)
        and isinstance(data["graphs"], dict)
        and isinstance(data["sources"], dict)
    )


def recover(build_dir: Path) -> str | None:
    """Finish or undo a swap that a killed build left half done; say what was done.

    :func:`swap_in` renames the last good build to :func:`saved_path`, then the new build to
    *build_dir*, then removes the saved copy. Killed between the renames, it leaves no
    *build_dir* but the saved copy: that is renamed back (``"restored"``). Killed after the
    second rename, both are builds: the saved copy is the retired one and is removed
    (``"finished"``). Builds of earlier versions kept the old build in ``.NAME.old-*/NAME``;
    those are treated alike. Anything that is not a build is left where it is.
    """
    parent = build_dir.parent
    saved = [saved_path(build_dir)]
    saved += sorted(p / build_dir.name for p in parent.glob(f".{build_dir.name}.old-*"))
    if not any(p.exists() for p in saved):
        return None
    done: str | None = None
    with _swap_guard(build_dir, exclusive=True):
        for copy in saved:
            if not copy.exists():
                continue
            if not build_dir.exists() and not build_dir.is_symlink() and is_build(copy):
                os.replace(copy, build_dir)
                fsync_dir(parent)
                done = "restored"
            elif is_build(build_dir) and is_build(copy):
                shutil.rmtree(copy, ignore_errors=True)  # a build this program retired
                done = done or "finished"
        for legacy in parent.glob(f".{build_dir.name}.old-*"):
            with contextlib.suppress(OSError):
                legacy.rmdir()  # only once empty: the wrapper directory of an old build
    return done


def staging_dir(build_dir: Path) -> Path:
    """A new empty directory beside *build_dir*, on the same file system for an atomic rename.

    Called under the build lock, so a staging directory left beside it is from a build that
    was killed (power loss, ``kill -9``) before its swap: it is removed here, not left to pile
    up. A staging directory is never the last good build (:func:`recover` restores the saved
    copy, not a staged one), so nothing a user relies on is removed.
    """
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    for stale in build_dir.parent.glob(f".{build_dir.name}.new-*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f".{build_dir.name}.new-", dir=build_dir.parent))


def _rename(source: Path, target: Path) -> None:
    """One rename of a swap (a seam the tests use to stop a swap halfway, as a kill would)."""
    os.replace(source, target)


def swap_in(staging: Path, build_dir: Path) -> None:
    """Replace *build_dir* by *staging*, recoverably.

    The last good build is first renamed to :func:`saved_path`, then *staging* to
    *build_dir*; only then is the saved copy removed. Whatever stops the swap in between, the
    last good build exists under one of the two names, and :func:`recover` (run by the next
    build and by every reader that finds no build) puts it back. Must run after
    :func:`recover`, under the build lock, so no saved copy is in the way.
    """
    saved = saved_path(build_dir)
    with _swap_guard(build_dir, exclusive=True):
        had_build = build_dir.exists()
        if had_build:
            _rename(build_dir, saved)
        try:
            _rename(staging, build_dir)
        except BaseException:
            if had_build and not build_dir.exists():
                os.replace(saved, build_dir)  # the rename failed: the last good build goes back
            raise
        fsync_dir(build_dir.parent)
    if had_build:
        shutil.rmtree(saved, ignore_errors=True)  # the build this swap retired


def discard(staging: Path) -> None:
    """Remove a staging directory (created by :func:`staging_dir`, never swapped in)."""
    shutil.rmtree(staging, ignore_errors=True)


def canonical_triples(name: URIRef, g: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """The triples of *g*, each blank node labelled from its content: the same on every build.

    Parsers label blank nodes at random, so the dump of the same commit would differ from build
    to build (docs/decisions/20261207-reproducible-builds.md). rdflib's canonical labelling
    (:func:`rdflib.compare.to_canonical_graph`, the one ``longturtle`` uses) names each blank
    node by a hash of the triples around it. Only the triples that hold a blank node are
    relabelled: the rest cannot tell two blank nodes apart, and it keeps the cost to the few
    hundred triples of the evidence nodes (about 2.5 s on a busy 2-core machine). The graph
    name is hashed into each label, so equal structures in two graphs stay two nodes (N-Quads
    labels are shared across a whole file).
    """
    touching = Graph()
    for t in g:
        if isinstance(t[0], BNode) or isinstance(t[2], BNode):
            touching.add(t)
        else:
            yield t
    if not touching:
        return
    prefix = "g" + hashlib.sha256(str(name).encode("utf-8")).hexdigest()[:8]

    def label(term: Node) -> Node:
        return BNode(prefix + term) if isinstance(term, BNode) else term

    for s, p, o in to_canonical_graph(touching):
        yield label(s), p, label(o)


def quads(graphs: Iterable[tuple[URIRef, Graph]]) -> Iterator[ox.Quad]:
    """Every triple of every (graph name, graph) pair as pyoxigraph quads.

    Blank nodes get content labels (:func:`canonical_triples`), so the dump is the same bytes
    for the same inputs.
    """
    for name, g in graphs:
        gn = to_ox_graph_name(name)
        for s, p, o in canonical_triples(name, g):
            yield to_ox_quad(s, p, o, gn)  # type: ignore[arg-type]


def nquads(graphs: Iterable[tuple[URIRef, Graph]]) -> bytes:
    """The graphs as N-Quads, through pyoxigraph's terms (so checked as :func:`write_store` is)."""
    return ox.serialize(quads(graphs), format=ox.RdfFormat.N_QUADS)


def memory_store(data: bytes) -> ox.Store:
    """An in-memory store holding the N-Quads *data*.

    Parsed with :func:`pyoxigraph.parse`, which keeps blank node labels (``bulk_load`` would
    rename them), so the dump and the store written by :func:`save` use the labels of *data*.
    """
    st = ox.Store()
    st.bulk_extend(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    return st


def save(directory: Path, st: ox.Store) -> int:
    """Write the in-memory store *st* as the build's store and sorted dump; return the quads.

    Dumping an on-disk store looks every term up in RocksDB (about 1.5 s for the 180 k quads
    of the seed build); the in-memory store dumps the same lines in a tenth of that. The
    on-disk store is then filled from the in-memory one in a single bulk load, which leaves
    nothing for compaction to do.
    """
    _write_sorted(directory / NQ_FILE, st.dump(format=ox.RdfFormat.N_QUADS))
    disk = ox.Store(str(directory / STORE_DIR))
    disk.bulk_extend(st)
    disk.flush()
    disk.optimize()
    n = len(disk)
    del disk
    return n


def _write_sorted(path: Path, data: bytes) -> None:
    """Write the lines of *data* sorted, one per line: the deterministic dump.

    Sorted as bytes, without decoding: UTF-8 byte order is code point order, so this is the
    order of sorting the decoded lines, at half the cost. Split at ``\\n`` only: N-Quads
    escapes line feeds in literals, but Oxigraph writes U+2028 or U+0085 as they are, and
    ``str.splitlines`` would cut such a quad in two.
    """
    lines = data.split(b"\n")
    lines.sort()
    write_bytes(path, b"".join(line + b"\n" for line in lines if line))


def write_bytes_sorted(path: Path, data: bytes) -> None:
    """Write the lines of *data* sorted (see :func:`_write_sorted`): for N-Triples and
    N-Quads files that other steps rewrite in part."""
    _write_sorted(path, data)


def write_store(directory: Path, graphs: list[tuple[URIRef, Graph]]) -> int:
    """Write the on-disk store under *directory*; return the number of quads."""
    store = ox.Store(str(directory / STORE_DIR))
    store.bulk_extend(quads(graphs))
    store.flush()
    n = len(store)
    del store
    return n


def finish(directory: Path) -> int:
    """Compact the store and write the sorted N-Quads dump; return the number of quads."""
    store = ox.Store(str(directory / STORE_DIR))
    store.optimize()
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    n = len(store)
    del store
    assert data is not None
    _write_sorted(directory / NQ_FILE, data)
    return n


def write_info(directory: Path, info: dict[str, object]) -> None:
    write_text(
        directory / INFO_FILE, json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )


def read_info(build_dir: Path) -> dict[str, object]:
    path = build_dir / INFO_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def open_store(build_dir: Path) -> ox.Store:
    """The built store, opened read-only, or a :class:`UserError` saying to build first."""
    return open_read_only(build_dir / STORE_DIR)


def open_read_only(path: Path) -> ox.Store:
    """The store directory *path* (``…/build/store``) opened read-only, never mid-swap.

    Once open, the store keeps reading the build it opened even after a newer build is
    swapped in and the old directory is deleted (its files stay open). A build that a killed
    swap left under its saved name is put back first (:func:`recover`), so a reader never
    reports "no build" while the last good one is still on disk.
    """
    if not path.is_dir():
        with contextlib.suppress(OSError):  # a read-only location: nothing to restore there
            recover(path.parent)
    with _swap_guard(path.parent, exclusive=False):
        if not path.is_dir():
            shown = path.parent if path.name == STORE_DIR else path
            raise UserError(f"No build found at {shown}: run `regimekg build` first.")
        try:
            return ox.Store.read_only(str(path))
        except OSError as e:
            raise UserError(f"The store at {path} cannot be opened ({e}); rebuild it.") from None
