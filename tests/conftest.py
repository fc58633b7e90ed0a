"""Shared fixtures: the repository as a project, a disposable copy of it, and one full build."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from regimekg.paths import Project

ROOT = Path(__file__).resolve().parents[1]

#: ``HYPOTHESIS_PROFILE=deep`` runs every property and fuzz test with DEEP_FACTOR times the
#: example count it names (docs/performance.md): ``make test`` keeps the named counts, enough
#: to catch a regression in seconds, while a deep run hunts for rarer inputs.
DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
DEEP_FACTOR = 20
if DEEP:
    settings.register_profile("deep", print_blob=True)
    settings.load_profile("deep")


def examples(n: int) -> int:
    """How many hypothesis examples a test that names *n* runs (see :data:`DEEP`)."""
    return n * DEEP_FACTOR if DEEP else n


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The on-disk jieba dictionary index (``loaders/wordindex.py``) goes to the run's
    temporary directory, shared by the xdist workers (it is written atomically), never to
    the user's cache directory; child processes inherit the setting."""
    base = tmp_path_factory.getbasetemp()
    cache = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REGIMEKG_CACHE_DIR", str(cache))
        yield


#: JVM options for every Java process the tests start (HermiT through owlready2, the OWL API
#: profile check): each runs for about a second, so the C2 compiler and the parallel garbage
#: collector spend more CPU warming up than they save; C1 alone and the serial collector halve
#: the CPU of a HermiT run (docs/performance.md). What Java computes is the same.
JAVA_TEST_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@pytest.fixture(scope="session", autouse=True)
def _short_lived_jvms() -> Iterator[None]:
    """Java started by a test (a child process) reads :data:`JAVA_TEST_OPTIONS` from
    ``JAVA_TOOL_OPTIONS``, after any options the environment already sets."""
    current = os.environ.get("JAVA_TOOL_OPTIONS", "")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JAVA_TOOL_OPTIONS", f"{JAVA_TEST_OPTIONS} {current}".strip())
        yield


@pytest.fixture(scope="session")
def repo() -> Project:
    """The checkout itself (read-only use)."""
    return Project(ROOT)


def copy_project(dest: Path) -> Project:
    """A copy of the project's inputs (data, ontology, queries) that a test may break."""
    for name in ("data", "ontology", "queries"):
        shutil.copytree(ROOT / name, dest / name)
    return Project(dest)


@pytest.fixture
def project_copy(tmp_path: Path) -> Project:
    return copy_project(tmp_path / "proj")


MINI = ROOT / "tests" / "fixtures" / "mini.trig"


def mini_store(path: Path) -> Path:
    """The shared query fixture (``tests/fixtures/mini.trig``) as an on-disk pyoxigraph store
    at *path*, closed again so a server can open it read-only."""
    import pyoxigraph as ox

    st = ox.Store(str(path))
    st.bulk_load(path=str(MINI), format=ox.RdfFormat.TRIG)
    st.flush()
    del st
    return path


#: Beside the :func:`built` build: the counts its :class:`~regimekg.build.BuildReport` printed.
BUILD_REPORT = "build-report.json"


def built_report(built: Path) -> dict[str, Any]:
    """The :class:`~regimekg.build.BuildReport` fields (quads, graphs, candidates, seconds)
    of the :func:`built` build: what ``regimekg build`` printed when it made it."""
    return dict(json.loads((built.parent / BUILD_REPORT).read_text("utf-8")))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full build of the bundled project, shared by every test that only reads it.

    Under pytest-xdist (``make test`` runs ``pytest -n``) the workers share one build too:
    the first to get here builds it under the run's common temporary directory while the
    others wait on a lock, instead of each worker spending a core-minute on its own copy.
    Tests only read it (those that change a build copy it first), so sharing is safe.
    """
    from filelock import FileLock

    from regimekg import store
    from regimekg.build import build

    def build_and_report(out: Path) -> None:
        report = build(Project(ROOT), out, progress=lambda _m: None)
        fields = {k: getattr(report, k) for k in ("quads", "graphs", "candidates", "seconds")}
        (out.parent / BUILD_REPORT).write_text(json.dumps(fields), "utf-8")

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        out = tmp_path_factory.mktemp("build") / "build"
        build_and_report(out)
        return out
    shared = tmp_path_factory.getbasetemp().parent / "shared-build"
    shared.mkdir(exist_ok=True)
    out = shared / "build"
    with FileLock(str(shared / "fixture.lock")):
        if not store.is_build(out):
            build_and_report(out)
    return out


def _shared(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A directory every xdist worker of the run sees (the worker's own one without xdist)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return tmp_path_factory.mktemp(name)
    shared = tmp_path_factory.getbasetemp().parent / name
    shared.mkdir(exist_ok=True)
    return shared


@pytest.fixture(scope="session")
def small_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build of the small project (``tests/smallproject.py``), shared like :func:`built`.

    For tests of build mechanics (swap, locks, killed and failing builds, incremental ==
    full, byte-for-byte reproducibility): the same code paths as a full build, on a few
    hundred curated records and one short source. Its project is ``small_built.parent /
    "proj"``, which tests only read; :func:`small_copy` gives one a test may change.
    """
    from filelock import FileLock

    from regimekg import store
    from regimekg.build import build
    from tests.smallproject import make_small_project

    shared = _shared(tmp_path_factory, "small-build")
    out = shared / "build"
    with FileLock(str(shared / "fixture.lock")):
        if not store.is_build(out):
            shutil.rmtree(shared / "proj", ignore_errors=True)
            build(make_small_project(shared / "proj"), out, progress=lambda _m: None)
    return out


def small_copy(small_built: Path, dest: Path, *, with_build: bool = False) -> Project:
    """A copy of the small project at *dest* that a test may break; with its current build
    in ``build/`` when *with_build* (the same inputs made it, as after ``regimekg build``)."""
    for name in ("data", "ontology", "queries"):
        shutil.copytree(small_built.parent / "proj" / name, dest / name)
    if with_build:
        shutil.copytree(small_built, dest / "build")
    return Project(dest)


@contextlib.contextmanager
def listening() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback socket that records any connection (what it received, then closes it).

    A client that sends a request and waits for the answer returns only after the close, so
    the record is complete by the time such a client is done.
    """
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                seen.append(conn.recv(1024))

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", seen
    finally:
        stop.set()
        t.join(2)
        sock.close()


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback target that must never be contacted: its URL and what reached it."""
    with listening() as target:
        yield target
