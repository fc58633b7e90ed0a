"""A network guard for the test suite: a test that opens a connection off this machine fails.

regimekg promises that building, validating and querying never fetch anything (DESIGN §9):
no JSON-LD remote context, no XML external entity, no ``SERVICE`` call. The autouse fixture
:func:`no_network` holds every test to that: ``socket.socket.connect`` / ``connect_ex`` (which
``socket.create_connection``, ``http.client`` and ``urllib`` all go through) may only reach
loopback addresses or Unix sockets, and ``socket.getaddrinfo`` may only resolve loopback
names, so a stray lookup cannot wait for a DNS timeout either. A refused attempt raises
:class:`NetworkAccessError` in the code that tried, *and* fails the test at teardown, because
libraries often catch the error and carry on (rdflib turns it into a parse error).

Child processes (the query engines of ``regimekg serve``, CLI subprocesses) are outside this
guard; tests that need the same promise for a child use an audit hook in the child (see
``tests/test_untrusted.py``) or, for the engines, their own network namespace (see
``tests/test_serve_attacks.py``).

Enable it for the whole suite from ``tests/conftest.py``::

    from tests.conftest_network import no_network  # noqa: F401  (autouse network guard)
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
_INHERITED = object()


class NetworkAccessError(AssertionError):
    """A test (or the code under test) tried to reach a host other than this machine."""


def is_loopback(host: Any) -> bool:
    """True for loopback addresses and names (``127.0.0.0/8``, ``::1``, ``localhost``)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class NetworkGuard:
    """Patches the socket module so that only loopback connections go through."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self._saved: list[tuple[Any, str, Any]] = []

    def _refuse(self, what: str) -> NetworkAccessError:
        self.attempts.append(what)
        return NetworkAccessError(
            f"network access is not allowed in tests ({what}); only loopback may be used"
        )

    def _allowed(self, sock: socket.socket, address: Any) -> bool:
        if getattr(socket, "AF_UNIX", None) is not None and sock.family == socket.AF_UNIX:
            return True
        host = address[0] if isinstance(address, tuple) and address else address
        return is_loopback(host)

    def install(self) -> None:
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_getaddrinfo = socket.getaddrinfo
        guard = self

        def connect(sock: socket.socket, address: Any) -> None:
            if not guard._allowed(sock, address):
                raise guard._refuse(f"connect to {address!r}")
            return real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            if not guard._allowed(sock, address):
                raise guard._refuse(f"connect_ex to {address!r}")
            return real_connect_ex(sock, address)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if host is not None and host != "" and not is_loopback(host):
                try:
                    ipaddress.ip_address(str(host).strip("[]"))
                except ValueError:  # a name that needs DNS
                    raise guard._refuse(f"DNS lookup of {host!r}") from None
            return real_getaddrinfo(host, *args, **kwargs)

        for owner, name, value in (
            (socket.socket, "connect", connect),
            (socket.socket, "connect_ex", connect_ex),
            (socket, "getaddrinfo", getaddrinfo),
        ):
            self._saved.append((owner, name, vars(owner).get(name, _INHERITED)))
            setattr(owner, name, value)

    def uninstall(self) -> None:
        while self._saved:
            owner, name, value = self._saved.pop()
            if value is _INHERITED:
                delattr(owner, name)  # socket.socket inherits connect from _socket.socket
            else:
                setattr(owner, name, value)

    @contextlib.contextmanager
    def active(self) -> Iterator[NetworkGuard]:
        self.install()
        try:
            yield self
        finally:
            self.uninstall()


@pytest.fixture(autouse=True)
def no_network() -> Iterator[NetworkGuard]:
    """Fail the test if anything in it tried to reach a host other than this machine."""
    guard = NetworkGuard()
    with guard.active():
        yield guard
    if guard.attempts:
        pytest.fail(
            "the test tried to use the network: " + "; ".join(guard.attempts), pytrace=False
        )
