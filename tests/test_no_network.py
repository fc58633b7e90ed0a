"""The test suite's network guard (tests/conftest_network.py) really stops off-machine traffic.

Documentation addresses (RFC 5737 ``192.0.2.0/24``, RFC 2606 ``.invalid``) are used, so even
a guard that failed open would not reach a real host.
"""

from __future__ import annotations

import http.client
import socket
import threading
import urllib.request

import pytest

from tests.conftest_network import (
    NetworkAccessError,
    NetworkGuard,
    is_loopback,
    no_network,  # noqa: F401 - autouse for this module
)


@pytest.mark.parametrize(
    "host, expected",
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("192.0.2.1", False),
        ("2001:db8::1", False),
        ("example.invalid", False),
        ("127.0.0.1.example.invalid", False),
        (None, False),
    ],
)
def test_only_loopback_counts_as_loopback(host: object, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_connections_off_the_machine_are_refused_and_recorded() -> None:
    guard = NetworkGuard()
    with guard.active():
        with pytest.raises(NetworkAccessError, match=r"192\.0\.2\.1"):
            socket.create_connection(("192.0.2.1", 80), timeout=1)
        with pytest.raises(NetworkAccessError, match="DNS lookup"):
            socket.getaddrinfo("regimekg-test.invalid", 80)
        with pytest.raises(NetworkAccessError):
            http.client.HTTPConnection("192.0.2.7", 8080, timeout=1).request("GET", "/")
        with pytest.raises(Exception) as e:  # urllib wraps the error in URLError
            urllib.request.urlopen("http://192.0.2.9/context.jsonld", timeout=1)
        assert "network access is not allowed" in str(e.value)
        with (
            socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s6,
            pytest.raises(NetworkAccessError),
        ):
            s6.connect_ex(("2001:db8::1", 80, 0, 0))
    assert len(guard.attempts) == 5, guard.attempts


def test_loopback_still_works_and_the_guard_uninstalls() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            accepted.append(conn.recv(16))

    t = threading.Thread(target=serve)
    t.start()
    before = vars(socket.socket).get("connect")  # the autouse guard's, in this module
    guard = NetworkGuard()
    with guard.active(), socket.create_connection(("localhost", port), timeout=5) as c:
        c.sendall(b"ping")
    t.join(timeout=5)
    server.close()
    assert accepted == [b"ping"]
    assert guard.attempts == []
    assert vars(socket.socket).get("connect") is before  # what was there is back


def test_the_autouse_guard_is_active_here(no_network: NetworkGuard) -> None:  # noqa: F811
    """The fixture guards this very test: an attempt is refused (the record is then cleared so
    the test itself can pass)."""
    with pytest.raises(NetworkAccessError):
        socket.create_connection(("192.0.2.3", 443), timeout=1)
    assert no_network.attempts
    no_network.attempts.clear()
