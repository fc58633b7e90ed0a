"""The test suite's network guard really stops off-machine traffic.

regimekg promises that building, validating and querying never fetch anything (DESIGN §9):
no JSON-LD remote context, no XML external entity, no ``SERVICE`` call. The whole suite runs
under pytest-socket, switched on in ``pyproject.toml`` (``--allow-hosts=127.0.0.1,::1
--allow-unix-socket``): ``socket.connect`` reaches loopback and Unix sockets only, so the local
servers of the endpoint tests work and anything else raises in the code that tried. Child
processes (the query engines of ``regimekg serve``, CLI subprocesses) are outside it; tests
that need the same promise for a child use an audit hook in the child (see
``tests/test_untrusted.py``) or, for the engines, their own network namespace (see
``tests/test_serve_attacks.py``).

Documentation addresses (RFC 5737 ``192.0.2.0/24``, RFC 3849 ``2001:db8::/32``) are used, so
even a guard that failed open would not reach a real host.
"""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.request
from pathlib import Path

import pytest
import pytest_socket
from pytest_socket import SocketConnectBlockedError

pytestmark = pytest.mark.filterwarnings("ignore:A test tried to use socket")


def test_the_suite_is_configured_for_loopback_only(pytestconfig: pytest.Config) -> None:
    allowed = pytestconfig.getoption("--allow-hosts")
    assert allowed is not None, "pyproject.toml's addopts lost --allow-hosts"
    assert set(allowed.split(",")) == {"127.0.0.1", "::1"}
    assert pytestconfig.getoption("--allow-unix-socket")
    assert not pytestconfig.getoption("--force-enable-socket")


def test_the_guard_is_active_in_a_test() -> None:
    assert socket.socket.connect is not pytest_socket._true_connect


def test_connections_off_the_machine_are_refused() -> None:
    with pytest.raises(SocketConnectBlockedError, match=r"192\.0\.2\.1"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(SocketConnectBlockedError, match=r"192\.0\.2\.7"):
        http.client.HTTPConnection("192.0.2.7", 8080, timeout=1).request("GET", "/")
    with pytest.raises(SocketConnectBlockedError, match=r"192\.0\.2\.9"):
        urllib.request.urlopen("http://192.0.2.9/context.jsonld", timeout=1)
    with (
        socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s6,
        pytest.raises(SocketConnectBlockedError, match="2001:db8::1"),
    ):
        s6.connect(("2001:db8::1", 80, 0, 0))


def test_loopback_still_works() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            accepted.append(conn.recv(16))

    t = threading.Thread(target=serve)
    t.start()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
        c.sendall(b"ping")
    t.join(timeout=5)
    server.close()
    assert accepted == [b"ping"]


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets here")
def test_unix_sockets_still_work(tmp_path: Path) -> None:
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen(1)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(path)
            conn, _ = server.accept()
            with conn:
                client.sendall(b"ping")
                assert conn.recv(16) == b"ping"
