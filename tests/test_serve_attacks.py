"""Attacks on ``regimekg serve`` itself, each kept as data: the engine behind the guard must be
unreachable except through it, must reach nothing itself, and stalled or misdirected clients
must not get in the way of everyone else.

* No reachable engine: the engine workers hold no socket; the server listens on exactly one
  (the public port). The old design ran an Oxigraph server on a second loopback port that any
  local process could query without guard, cap or timeout.
* No network path out: a worker cannot open a TCP connection, not even to 127.0.0.1, and a
  ``SERVICE`` query handed straight to a worker (bypassing the guard) contacts nothing. Skipped
  where the platform refuses the worker a network namespace.
* DNS rebinding: a ``Host`` that is not loopback is refused.
* Slow clients: slow headers, half-sent bodies, idle connections and queries that run into the
  timeout do not stop a trivial query from being answered.
* The dataset the guard inspected (``FROM`` / ``FROM NAMED``, or the protocol's parameters,
  which win) is the dataset the engine uses.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from regimekg.engine import Worker
from regimekg.namespaces import PREFIXES
from regimekg.serve import _GRAPH_FORMATS, _SELECT_FORMATS, Endpoint, running

from .conftest import ROOT

pytestmark = pytest.mark.slow

MINI = ROOT / "tests" / "fixtures" / "mini.trig"
G = "https://w3id.org/regimekg/graph/"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("attacks") / "store"
    store = ox.Store(str(path))
    store.bulk_load(path=str(MINI), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    return path


@pytest.fixture(scope="module")
def endpoint(store_dir: Path) -> Iterator[Endpoint]:
    with running(store_dir, timeout=5.0, workers=2) as ep:
        yield ep


def post(url: str, query: str, headers: dict[str, str] | None = None, **extra: str) -> tuple:
    """Status and body of one form-encoded POST."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    try:
        body = urllib.parse.urlencode({"query": query, **extra})
        conn.request("POST", "/query", body, {**FORM, **(headers or {})})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def raw_exchange(port: int, request: bytes) -> bytes:
    """Send *request* bytes as they are and return everything the server answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


# ------------------------------------------------------------------------ no reachable engine


def _listening_inodes() -> dict[int, int]:
    """Socket inode -> port of every TCP socket in LISTEN state in this network namespace."""
    out: dict[int, int] = {}
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                out[int(fields[9])] = int(fields[1].rsplit(":", 1)[1], 16)
    return out


def _socket_inodes(pid: int | str) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().as_posix()
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def _listening_ports_of_this_process() -> set[int]:
    listening = _listening_inodes()
    return {listening[i] for i in _socket_inodes("self") if i in listening}


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads sockets from /proc")
def test_only_the_public_port_listens_and_engines_hold_no_socket(store_dir: Path) -> None:
    before = _listening_ports_of_this_process()
    with running(store_dir, workers=2) as ep:
        during = _listening_ports_of_this_process()
        pids = ep.worker_pids()
        assert len(pids) == 2
        for pid in pids:
            assert _socket_inodes(pid) == set(), f"engine worker {pid} holds a socket"
        status, body = post(ep.url, "ASK {}")
        assert status == 200 and json.loads(body)["boolean"] is True
    assert during - before == {ep.port}


# ----------------------------------------------------------------------- no network path out


def test_a_worker_cannot_connect_even_to_loopback(
    endpoint: Endpoint, listener: tuple[str, list[bytes]]
) -> None:
    if not endpoint.isolated:
        pytest.skip("this platform refuses the engine workers a network namespace")
    target, seen = listener
    port = urllib.parse.urlsplit(target).port
    assert port is not None
    assert endpoint.probe(port) is False
    assert endpoint.probe(endpoint.port) is False  # not even the server's own public port
    time.sleep(0.3)  # a connection, had there been one, would be recorded by now
    assert seen == []


def _wait_for(seen: list[bytes], limit: float = 5.0) -> None:
    deadline = time.monotonic() + limit
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)


def test_service_sent_straight_to_a_worker_reaches_nothing(
    store_dir: Path, listener: tuple[str, list[bytes]]
) -> None:
    """The guard is bypassed on purpose: the worker API gets a SERVICE query to a listener."""
    target, seen = listener
    query = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
    request = {
        "op": "query",
        "query": query,
        "default_graphs": [],
        "named_graphs": [],
        "cap": 10,
        "results_format": "application/sparql-results+json",
        "graph_format": "application/n-triples",
    }

    async def ask() -> tuple[bool, dict]:
        worker = await Worker.spawn(store_dir, PREFIXES)
        try:
            header, _ = await asyncio.wait_for(worker.call(request), 60)
            return worker.isolated, header
        finally:
            await worker.close()

    isolated, header = asyncio.run(ask())
    if not isolated:
        pytest.skip("this platform refuses the engine workers a network namespace")
    assert header["ok"] is False and header["error"] == "failed", header
    time.sleep(0.3)
    assert seen == []
    # Control: the same query on a store in this (not isolated) process does reach the
    # listener, so the empty record above means the worker really reached nothing.
    with pytest.raises(OSError):
        list(ox.Store().query(query))
    _wait_for(seen)
    assert seen and seen[0].startswith(b"POST ")


# ------------------------------------------------------------------------------ DNS rebinding

#: Host headers a DNS-rebinding page (or a misdirected proxy) would send: all refused.
REFUSED_HOSTS = [
    "evil.example",
    "evil.example:{port}",
    "127.0.0.1.nip.io:{port}",
    "localhost.evil.example",
    "127.0.0.1:{other}",
    "localhost:{other}",
    "127.0.0.2:{port}",
    "0.0.0.0:{port}",
    "[::ffff:127.0.0.1]:{port}",
    "127.0.0.1:{port}@evil.example",
    "",
]
ACCEPTED_HOSTS = [
    "127.0.0.1",
    "127.0.0.1:{port}",
    "localhost",
    "LOCALHOST:{port}",
    "[::1]",
    "[::1]:{port}",
]


def _get_with_host(port: int, host: str | None, version: str = "1.1") -> tuple[int, bytes]:
    target = "/query?" + urllib.parse.urlencode({"query": "ASK {}"})
    lines = [f"GET {target} HTTP/{version}"]
    if host is not None:
        lines.append(f"Host: {host}")
    lines += ["Connection: close", "", ""]
    answer = raw_exchange(port, "\r\n".join(lines).encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_foreign_host_headers_are_refused(endpoint: Endpoint, host: str) -> None:
    value = host.format(port=endpoint.port, other=endpoint.port + 1)
    status, body = _get_with_host(endpoint.port, value)
    assert status in (400, 421), body
    if status == 421:
        message = body.decode().strip()
        assert "Host" in message and "\n" not in message and message.endswith(".")


def test_a_request_without_host_is_refused(endpoint: Endpoint) -> None:
    status, body = _get_with_host(endpoint.port, None, version="1.0")
    assert status == 421 and b"Host" in body


@pytest.mark.parametrize("host", ACCEPTED_HOSTS)
def test_loopback_host_headers_are_answered(endpoint: Endpoint, host: str) -> None:
    status, body = _get_with_host(endpoint.port, host.format(port=endpoint.port))
    assert status == 200, body
    assert json.loads(body)["boolean"] is True


# ------------------------------------------------------------------------------ slow clients


def _stalled_connections(port: int, n: int) -> list[socket.socket]:
    """*n* each of: a request head that never ends, a body that stops half-way, silence."""
    conns = []
    for _ in range(n):
        slow_head = socket.create_connection(("127.0.0.1", port), timeout=10)
        slow_head.sendall(b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
        half_body = socket.create_connection(("127.0.0.1", port), timeout=10)
        half_body.sendall(
            b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n"
            b"query=SELECT%20*%20WHERE%20%7B"
        )
        idle = socket.create_connection(("127.0.0.1", port), timeout=10)
        conns += [slow_head, half_body, idle]
    return conns


def test_stalled_clients_and_slow_queries_do_not_block_a_trivial_query(store_dir: Path) -> None:
    timeout = 2.0
    with running(store_dir, timeout=timeout, workers=2, read_timeout=120) as ep:
        stalled = _stalled_connections(ep.port, 40)
        slow_answers: list[int] = []

        def slow_client() -> None:
            status, _ = post(ep.url, SLOW)
            slow_answers.append(status)

        slow = [threading.Thread(target=slow_client) for _ in range(3)]
        try:
            for t in slow:
                t.start()
            time.sleep(0.5)  # the slow queries hold both engines and one waits
            started = time.monotonic()
            status, body = post(ep.url, "ASK {}")
            elapsed = time.monotonic() - started
            for t in slow:
                t.join(60)
        finally:
            for s in stalled:
                s.close()
        # Answered while the 40 stalled connections were still open (they close only after
        # it): a server they blocked would never answer, and the request would fail at its
        # client timeout. How fast it came is not asserted: that measures the machine's load.
        assert status == 200 and json.loads(body)["boolean"] is True, (status, elapsed)
        assert slow_answers == [504, 504, 504]
        status, _ = post(ep.url, "ASK {}")
        assert status == 200


def test_stalled_and_idle_connections_are_closed_at_the_read_deadline(store_dir: Path) -> None:
    with running(store_dir, workers=1, read_timeout=1.0) as ep:
        stalled = _stalled_connections(ep.port, 2)
        # and a keep-alive connection that goes quiet after one answered request
        keep = socket.create_connection(("127.0.0.1", ep.port), timeout=10)
        keep.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        stalled.append(keep)
        try:
            for s in stalled:
                s.settimeout(15)  # bounded: a connection never closed fails the test
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                assert data == b"" or data.startswith(b"HTTP/1.1 200"), data[:80]
        finally:
            for s in stalled:
                s.close()


def test_oversized_request_heads_and_bodies_are_refused(endpoint: Endpoint) -> None:
    big_header = b"X-Filler: " + b"a" * 40_000 + b"\r\n"
    answer = raw_exchange(
        endpoint.port, b"GET /query?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n" + big_header
    )
    assert answer == b"" or answer.split()[1] in (b"400", b"431"), answer[:80]
    answer = raw_exchange(
        endpoint.port,
        b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 999999999\r\n\r\nASK {}",
    )
    assert answer.split()[1] == b"413", answer[:80]


def test_a_broken_chunked_body_is_a_clean_400(endpoint: Endpoint) -> None:
    answer = raw_exchange(
        endpoint.port,
        b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\nASK {}\r\n0\r\n\r\n",
    )
    assert answer.split()[1] == b"400", answer[:120]
    assert b"well-formed body" in answer


def test_connections_over_the_limit_are_turned_away(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("regimekg.serve.MAX_CONNECTIONS", 3)
    with running(store_dir, workers=1, read_timeout=60) as ep:
        held = [socket.create_connection(("127.0.0.1", ep.port), timeout=10) for _ in range(3)]
        try:
            time.sleep(0.3)  # let the server accept them
            answer = raw_exchange(ep.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert answer.split()[1] == b"503" and b"Too many open connections" in answer
        finally:
            for s in held:
                s.close()
        time.sleep(0.3)  # the server notices they are gone
        status, _ = post(ep.url, "ASK {}")
        assert status == 200


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="watches the worker in /proc")
def test_an_engine_killed_while_idle_is_replaced_before_a_query_needs_it(store_dir: Path) -> None:
    with running(store_dir, workers=1) as ep:
        (pid,) = ep.worker_pids()
        os.kill(pid, signal.SIGKILL)  # as the OOM killer would
        for _ in range(100):  # bounded: until the server has reaped it
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.05)
        time.sleep(0.2)
        status, body = post(ep.url, "ASK {}")
        assert status == 200, body
        assert pid not in ep.worker_pids()


# ------------------------------------------------------------------ the inspected dataset


def _count(url: str, query: str, **extra: str) -> int:
    status, body = post(url, query, **extra)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def _graphs(url: str, query: str, **extra: str) -> set[str]:
    status, body = post(url, query, **extra)
    assert status == 200, body
    return {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]}


def test_the_engine_uses_the_dataset_the_guard_inspected(
    endpoint: Endpoint, store_dir: Path
) -> None:
    embedded = ox.Store.read_only(str(store_dir))
    sizes = {
        str(g.value): len(list(embedded.quads_for_pattern(None, None, None, g)))
        for g in embedded.named_graphs()
    }
    del embedded
    curated, vocab = G + "curated", G + "vocab"
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
    assert _count(endpoint.url, count.format("")) == sum(sizes.values())  # union by default
    assert _count(endpoint.url, count.format(f"FROM <{curated}>")) == sizes[curated]
    both = f"FROM <{curated}> FROM <{vocab}>"
    assert _count(endpoint.url, count.format(both)) == sizes[curated] + sizes[vocab]
    # the protocol's default-graph-uri wins over the query's FROM
    assert (
        _count(endpoint.url, count.format(f"FROM <{curated}>"), **{"default-graph-uri": vocab})
        == sizes[vocab]
    )
    named = "SELECT DISTINCT ?g {} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert _graphs(endpoint.url, named.format("")) == set(sizes)
    assert _graphs(endpoint.url, named.format(f"FROM NAMED <{vocab}>")) == {vocab}
    assert _graphs(endpoint.url, named.format(f"FROM <{vocab}>")) == set()  # FROM alone
    assert _graphs(
        endpoint.url, named.format(f"FROM NAMED <{vocab}>"), **{"named-graph-uri": curated}
    ) == {curated}


# ------------------------------------------------------------- every format, re-serialised


@pytest.mark.parametrize("accept", sorted(_GRAPH_FORMATS))
def test_construct_answers_in_every_negotiated_rdf_format(endpoint: Endpoint, accept: str) -> None:
    status, body = post(endpoint.url, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", {"Accept": accept})
    assert status == 200, body
    fmt = _GRAPH_FORMATS[accept]
    assert len(list(ox.parse(body, format=fmt))) == 3


@pytest.mark.parametrize("accept", sorted(_SELECT_FORMATS))
def test_select_and_ask_answer_in_every_negotiated_results_format(
    endpoint: Endpoint, accept: str
) -> None:
    fmt = _SELECT_FORMATS[accept]
    status, body = post(endpoint.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 3", {"Accept": accept})
    assert status == 200, body
    if fmt == ox.QueryResultsFormat.CSV:  # lossy: pyoxigraph does not read it back
        assert len(body.decode().strip().splitlines()) == 1 + 3
    else:
        assert len(list(ox.parse_query_results(body, format=fmt))) == 3
    status, body = post(endpoint.url, "ASK { ?s ?p ?o }", {"Accept": accept})
    assert status == 200, body
    if fmt in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML):
        assert bool(ox.parse_query_results(body, format=fmt)) is True
    else:
        assert body.strip() == b"true"
