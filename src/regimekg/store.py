"""The build directory: the pyoxigraph store, the N-Quads dump, and how they are replaced.

A build is written into a fresh sibling directory and only renamed over ``build/`` once
everything succeeded, so a failing build never touches the last good one, and a reader that
already opened the old store keeps reading it. A lock file next to the build directory keeps
two builds from racing for the same swap, and a second one (``.build.swap.lock``) keeps a
reader from opening the store during the two renames of a swap: RocksDB opens a store file by
file, so an open that straddled the swap would find files missing, or mix two builds.
"""

from __future__ import annotations

import contextlib
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
from rdflib import BNode, Graph, Literal, URIRef

from .errors import UserError

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


def staging_dir(build_dir: Path) -> Path:
    """A new empty directory beside *build_dir*, on the same file system for an atomic rename.

    Called under the build lock, so any staging or retired directory left beside it is from a
    build that was killed (power loss, ``kill -9``): it is removed here, not left to pile up.
    """
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    for prefix in (f".{build_dir.name}.new-", f".{build_dir.name}.old-"):
        for stale in build_dir.parent.glob(prefix + "*"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f".{build_dir.name}.new-", dir=build_dir.parent))


def swap_in(staging: Path, build_dir: Path) -> None:
    """Replace *build_dir* by *staging*; the old build is removed only after the rename."""
    old: Path | None = None
    with _swap_guard(build_dir, exclusive=True):
        if build_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{build_dir.name}.old-", dir=build_dir.parent))
            os.replace(build_dir, old / build_dir.name)
        os.replace(staging, build_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def to_ox(term: URIRef | BNode | Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def quads(graphs: Iterable[tuple[URIRef, Graph]]) -> Iterator[ox.Quad]:
    """Every triple of every (graph name, graph) pair as pyoxigraph quads."""
    for name, g in graphs:
        gn = ox.NamedNode(str(name))
        for s, p, o in g:
            yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), gn)  # type: ignore[arg-type]


def write_store(directory: Path, graphs: list[tuple[URIRef, Graph]]) -> int:
    """Write the on-disk store under *directory*; return the number of quads."""
    store = ox.Store(str(directory / STORE_DIR))
    store.bulk_extend(quads(graphs))
    store.flush()
    n = len(store)
    del store
    return n


def add_ntriples(directory: Path, graph: URIRef, data: bytes) -> None:
    """Load N-Triples into one named graph of the store under *directory*."""
    store = ox.Store(str(directory / STORE_DIR))
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(graph)))
    store.flush()
    del store


def finish(directory: Path) -> int:
    """Compact the store and write the sorted N-Quads dump; return the number of quads."""
    store = ox.Store(str(directory / STORE_DIR))
    store.optimize()
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    n = len(store)
    del store
    assert data is not None
    lines = sorted(line + "\n" for line in data.decode("utf-8").splitlines() if line)
    (directory / NQ_FILE).write_text("".join(lines), encoding="utf-8")
    return n


def write_info(directory: Path, info: dict[str, object]) -> None:
    (directory / INFO_FILE).write_text(
        json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
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
    swapped in and the old directory is deleted (its files stay open).
    """
    with _swap_guard(path.parent, exclusive=False):
        if not path.is_dir():
            shown = path.parent if path.name == STORE_DIR else path
            raise UserError(f"No build found at {shown}: run `regimekg build` first.")
        try:
            return ox.Store.read_only(str(path))
        except OSError as e:
            raise UserError(f"The store at {path} cannot be opened ({e}); rebuild it.") from None
