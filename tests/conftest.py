"""Shared fixtures: the repository as a project, a disposable copy of it, and one full build."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from regimekg.paths import Project
from tests.conftest_network import no_network  # noqa: F401  (autouse: loopback-only sockets)

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full build of the bundled project, shared by every test that only reads it."""
    from regimekg.build import build

    out = tmp_path_factory.mktemp("build") / "build"
    build(Project(ROOT), out, progress=lambda _m: None)
    return out


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback socket that records any connection: a target that must never be contacted."""
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
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", seen
    stop.set()
    t.join(2)
    sock.close()
