"""The build directory: the pyoxigraph store, the N-Quads dump, and how they are replaced.

A build is written into a fresh sibling directory and only renamed over ``build/`` once
everything succeeded, so a failing build never touches the last good one, and a reader that
already opened the old store keeps reading it. A lock file next to the build directory keeps
two builds from racing for the same swap.
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


def staging_dir(build_dir: Path) -> Path:
    """A new empty directory beside *build_dir*, on the same file system for an atomic rename."""
    build_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{build_dir.name}.new-", dir=build_dir.parent))


def swap_in(staging: Path, build_dir: Path) -> None:
    """Replace *build_dir* by *staging*; the old build is removed only after the rename."""
    old: Path | None = None
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
    path = build_dir / STORE_DIR
    if not path.is_dir():
        raise UserError(f"No build found at {build_dir}: run `regimekg build` first.")
    try:
        return ox.Store.read_only(str(path))
    except OSError as e:
        raise UserError(f"The store at {path} cannot be opened ({e}); rebuild it.") from None
