"""A read-only SPARQL 1.1 Protocol endpoint over the built store, guarded and on loopback only.

``regimekg serve`` is one process with one listening socket, ``127.0.0.1:PORT``; queries run in
engine worker processes (:mod:`regimekg.engine`) that open the store read-only with pyoxigraph
and talk to this front end over pipes only. Nothing but the front end can reach an engine, so
every query passes the guard, the timeout and the result cap:

* every request goes through :func:`regimekg.guard.inspect_query` (updates, ``SERVICE``,
  ``LOAD``, foreign ``FROM`` are refused with 400/403 and one sentence); the dataset the guard
  read from ``FROM`` / ``FROM NAMED`` (or the protocol's ``default-graph-uri`` /
  ``named-graph-uri``, which win) is handed to the engine explicitly, otherwise the default
  graph is the union of the named graphs, as in :mod:`regimekg.query`;
* the front end waits for a worker's answer until the timeout, then kills that worker (the only
  way to stop a pyoxigraph query mid-computation), starts a fresh one and answers 504;
* a worker stops reading results after ``RESULT_CAP`` rows or triples and the client gets 413
  ("Result Too Large") with the cap and the fix;
* the ``Host`` header must name loopback (``127.0.0.1``, ``localhost``, ``[::1]``, with or
  without this server's port): a browser page on another name that resolves to 127.0.0.1 (DNS
  rebinding) gets 421;
* the HTTP side is asyncio with h11: a stalled client (slow headers, a half-sent body, an idle
  keep-alive) holds a coroutine, not a thread, and is dropped at its read deadline; at most
  ``workers`` queries run at once and a bounded number wait.

The endpoint speaks the SPARQL 1.1 Protocol: ``GET /query?query=…``, ``POST /query`` with a
form-encoded body or an ``application/sparql-query`` body (``/sparql`` is an alias), with the
protocol's ``default-graph-uri`` / ``named-graph-uri`` (regimekg graphs only), and content
negotiation by ``Accept``.

``GET /`` is the query page (:mod:`regimekg.webui`: YASGUI and a menu of the named questions),
whose files are served from ``/ui/`` under a strict Content-Security-Policy. Cross-origin
pages may query the endpoint only from origins named with ``--cors-origin`` (none by default:
any web page the researcher visits could otherwise read the local graph and keep the engines
busy); ``OPTIONS`` answers the CORS preflight.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import math
import os
import signal
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import h11
import pyoxigraph as ox

from .engine import Worker, WorkerDied
from .errors import UserError
from .guard import (
    DEFAULT_TIMEOUT,
    MAX_QUERY_CHARS,
    RESULT_CAP,
    QueryInfo,
    QueryRefused,
    check_graph_iri,
    inspect_query,
)
from .namespaces import SPARQL_PREFIXES
from .paths import Project
from .store import STORE_DIR
from .webui import CATALOGUE_PATH, CSP
from .webui import asset as page_asset
from .webui import catalogue as page_catalogue

#: Largest request body accepted (a form-encoded query of MAX_QUERY_CHARS is well below it).
MAX_BODY_BYTES = 4 * MAX_QUERY_CHARS
#: Largest request head (request line and headers).
MAX_HEAD_BYTES = 16 * 1024
#: Engine workers, i.e. queries that run at the same time.
DEFAULT_WORKERS = 4
#: Queries that may wait for a free worker; more get 503 at once.
MAX_WAITING = 64
#: Open client connections; more are answered 503 and closed.
MAX_CONNECTIONS = 512
#: Seconds a client has to send a whole request (head and body) once the server waits for it;
#: also how long an idle keep-alive connection stays open.
READ_TIMEOUT = 10.0
#: Seconds a fresh worker may take to start, added to how long a query may wait for a worker.
WORKER_START_GRACE = 5.0
#: Accepted query texts whose guard verdict the front end remembers (oldest forgotten first).
ACCEPTED_CACHE = 1024
#: Host names a request may name (DNS-rebinding defence): loopback only.
ALLOWED_HOSTS = ("127.0.0.1", "localhost", "[::1]")

_SELECT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "text/n3": ox.RdfFormat.N3,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}

Log = Callable[[str], Any]

#: Methods and request headers a cross-origin page may use on /query (CORS preflight answer).
CORS_METHODS = "GET, POST, OPTIONS"
CORS_HEADERS = "Accept, Content-Type"
#: Seconds a browser may remember a preflight answer.
CORS_MAX_AGE = "600"


class HttpError(Exception):
    """An answer other than 200: status code and the one-sentence message sent as the body."""

    def __init__(self, status: int, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.query = ""


def check_timeout(value: float, option: str = "--timeout") -> float:
    """*value* as seconds if it is a finite positive number; a one-sentence error otherwise.

    ``nan`` compares false with everything and ``inf`` never fires, so both would slip past a
    plain ``<= 0`` test and end in a traceback (or a query that is never stopped).
    """
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise UserError(
            f"{option} {value} is not a finite positive number of seconds: give one such as "
            f"{option} {DEFAULT_TIMEOUT:g}."
        )
    return seconds


def check_cors_origin(value: str) -> str:
    """*value* as a CORS origin (``scheme://host[:port]`` or ``*``); one sentence otherwise.

    Browsers compare the ``Origin`` header byte for byte, so a trailing slash or a path would
    silently never match: refuse it instead.
    """
    origin = value.strip()
    if origin == "*":
        return origin
    parts = urllib.parse.urlsplit(origin)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.path
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        raise UserError(
            f"--cors-origin {value!r} is not an origin: write scheme://host[:port] with no path "
            "or trailing slash (e.g. --cors-origin http://localhost:8080), or * for any page."
        )
    return origin.lower()


# --------------------------------------------------------------------------------------------
# Locating the store


def store_path(root_or_store: Project | str | os.PathLike[str]) -> Path:
    """The on-disk store to serve: ``<project>/build/store``, a build directory's ``store/``,
    or a store directory given directly."""
    if isinstance(root_or_store, Project):
        path = root_or_store.build_dir() / STORE_DIR
    else:
        p = Path(root_or_store).resolve()
        candidates = (p / STORE_DIR, p / "build" / STORE_DIR, p)
        path = next((c for c in candidates if (c / "CURRENT").is_file()), candidates[0])
    if not (path / "CURRENT").is_file():
        raise UserError(f"No built store at {path}: run `regimekg build` first.")
    return path


def loopback_host(host: str) -> str:
    """*host* if it is a loopback address; the endpoint never listens on other interfaces."""
    name = "127.0.0.1" if host == "localhost" else host
    try:
        if ipaddress.ip_address(name).is_loopback:
            return name
    except ValueError:
        pass
    raise UserError(
        f"Refusing to listen on {host!r}: the endpoint binds to loopback only (127.0.0.1 or "
        "::1); put a reverse proxy in front of it to publish it."
    )


def host_allowed(value: str | None, port: int) -> bool:
    """True when a ``Host`` header names this loopback server (DNS-rebinding defence).

    A page on ``evil.example`` whose name its owner re-points at 127.0.0.1 reaches this port
    from the victim's browser, but its requests carry ``Host: evil.example``.
    """
    if not value:
        return False
    host = value.strip().lower()
    return any(host in (name, f"{name}:{port}") for name in ALLOWED_HOSTS)


# --------------------------------------------------------------------------------------------
# Content negotiation


def _accepted(accept: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, ties keep order)."""
    if not accept:
        return ["*/*"]
    items: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mtype = fields[0].lower()
        if not mtype:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                with contextlib.suppress(ValueError):
                    q = float(f[2:])
        if q > 0:
            items.append((-q, i, mtype))
    return [m for _, _, m in sorted(items)] or ["*/*"]


def _negotiate(accept: str | None, table: dict[str, Any], default: str) -> Any:
    """The format of *table* that best matches *accept* (*default* for ``*/*``)."""
    for mtype in _accepted(accept):
        if mtype in table:
            return table[mtype]
        if mtype in ("*/*", "*"):
            return table[default]
        if mtype.endswith("/*"):
            for known, fmt in table.items():
                if known.startswith(mtype[:-1]):
                    return fmt
    offered = ", ".join(sorted(set(table)))
    raise HttpError(
        406,
        f"None of the requested formats ({accept}) is available here; ask for one of {offered}.",
    )


# --------------------------------------------------------------------------------------------
# Engine workers


@dataclass
class _Request:
    query: str
    default_graphs: list[str]
    named_graphs: list[str]


class WorkerPool:
    """A fixed number of engine workers; a worker that runs past the timeout is replaced.

    Runs on the server's event loop. Free workers wait in a FIFO queue, so queries get workers
    in the order they came; a query waits at most the timeout plus the time a replacement
    worker needs to start (a worker that is killed is replaced at once).
    """

    def __init__(self, store: Path, size: int, timeout: float, log: Log) -> None:
        self.store = store
        self.size = size
        self.timeout = timeout
        self.restarts = 0
        self.failure: str | None = None
        self.isolated: bool | None = None
        self._log = log
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._live: set[Worker] = set()
        self._waiting = 0
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        """Start every worker; :class:`UserError` if the store cannot be served."""
        results = await asyncio.gather(
            *(self._spawn() for _ in range(self.size)), return_exceptions=True
        )
        failed = [r for r in results if isinstance(r, BaseException)]
        for r in results:
            if isinstance(r, Worker):
                self._add(r)
        if failed:
            await self.close()
            raise UserError(
                f"The query engine could not open {self.store} ({failed[0]}); check the store "
                "with `regimekg stats` or rebuild it."
            )
        first = next(iter(self._live))
        self.isolated = first.isolated
        if not first.isolated:
            self._log(
                "regimekg serve: this platform refused the query engine a network namespace of "
                f"its own ({first.hello.get('network')}); the guard still refuses SERVICE, but "
                "the engine processes share this machine's network."
            )

    async def _spawn(self) -> Worker:
        return await Worker.spawn(self.store, SPARQL_PREFIXES, on_stderr=self._engine_line)

    def _engine_line(self, line: str) -> None:
        self._log(f"regimekg serve: engine: {line}")

    def _add(self, worker: Worker) -> None:
        self._live.add(worker)
        self._idle.put_nowait(worker)

    def alive(self) -> bool:
        return self.failure is None

    def _replace(self, worker: Worker) -> None:
        """Kill *worker* and start a fresh one in the background."""
        self._live.discard(worker)
        task = asyncio.get_running_loop().create_task(self._respawn(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _respawn(self, old: Worker) -> None:
        await old.close()
        for attempt in range(3):
            try:
                self._add(await self._spawn())
                return
            except WorkerDied as e:
                self._log(f"regimekg serve: could not start a query engine ({e}).")
                await asyncio.sleep(0.5 * (attempt + 1))
        self.failure = f"the query engine could not be restarted on {self.store}"

    async def run(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """The answer of a free worker to *request*, or :class:`HttpError` (busy, timeout)."""
        if self._waiting >= MAX_WAITING:
            raise HttpError(503, "The server is busy with other queries; retry shortly.")
        self._waiting += 1
        try:
            async with asyncio.timeout(self.timeout + WORKER_START_GRACE):
                worker = await self._idle.get()
                while worker.proc.returncode is not None:  # died while idle (the OOM killer?)
                    self._replace(worker)
                    worker = await self._idle.get()
        except TimeoutError:
            raise HttpError(503, "The server is busy with other queries; retry shortly.") from None
        finally:
            self._waiting -= 1
        try:
            async with asyncio.timeout(self.timeout):
                header, body = await worker.call(request)
        except TimeoutError:
            self.restarts += 1
            self._replace(worker)
            self._log("regimekg serve: stopped a query past the timeout and restarted its engine.")
            raise self._timeout_error() from None
        except WorkerDied as e:
            self._replace(worker)
            raise HttpError(
                502, f"The query engine stopped while answering ({e}); retry the query."
            ) from None
        except BaseException:  # cancelled at shutdown: the worker's pipe is mid-answer
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return header, body

    def _timeout_error(self) -> HttpError:
        return HttpError(
            504,
            f"The query ran longer than the {self.timeout:g} s limit and was stopped: narrow it "
            "(more specific patterns, a LIMIT) or start the server with a larger --timeout.",
        )

    async def probe(self, port: int) -> bool:
        """Whether a worker can open a TCP connection to ``127.0.0.1:port`` (it should not)."""
        header, _ = await self.run({"op": "probe", "port": port})
        return bool(header.get("connected"))

    def pids(self) -> list[int]:
        return [w.pid for w in self._live]

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        workers, self._live = list(self._live), set()
        await asyncio.gather(*(w.close() for w in workers), return_exceptions=True)


# --------------------------------------------------------------------------------------------
# HTTP


def _parse_qs(text: str) -> dict[str, list[str]]:
    """URL-encoded parameters; malformed UTF-8 in them is the client's error (400)."""
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise HttpError(
            400, "The request parameters are not valid percent-encoded UTF-8: encode them."
        ) from None


class _Closed(Exception):
    """The client went away, broke the protocol or missed its read deadline."""


@dataclass
class _Incoming:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""


class Endpoint:
    """The HTTP front end and its engine workers, run on an event loop in a thread of its own.

    Use as a context manager (tests, benchmarks) or through :func:`serve` (the CLI). *port* 0
    picks a free port; :attr:`url` tells which.
    """

    def __init__(
        self,
        store: Path,
        *,
        port: int = 7878,
        host: str = "127.0.0.1",
        timeout: float = DEFAULT_TIMEOUT,
        result_cap: int = RESULT_CAP,
        workers: int = DEFAULT_WORKERS,
        read_timeout: float = READ_TIMEOUT,
        log: Log = print,
        cors_origins: Sequence[str] = (),
        queries_dir: Path | None = None,
    ) -> None:
        self.timeout = check_timeout(timeout)
        self.read_timeout = check_timeout(read_timeout, "read timeout")
        if result_cap <= 0:
            raise UserError(f"The result cap {result_cap} must be a positive number of rows.")
        if not 0 <= port <= 65535:
            raise UserError(f"--port {port} is not a TCP port (0-65535).")
        if workers < 1:
            raise UserError(f"The number of query engines {workers} must be at least 1.")
        self.store = store
        self.host = loopback_host(host)
        self.port = port
        self.result_cap = int(result_cap)
        self.workers = int(workers)
        self._log = log
        self._log_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        # stop() may come before the loop exists (Ctrl-C while start() waits): the request is
        # kept here, under a lock shared with the loop's set-up, so it is never lost.
        self._stop_lock = threading.Lock()
        self._stop_requested = False
        self._pool: WorkerPool | None = None
        self._connections: set[asyncio.Task[Any]] = set()
        self._accepted: dict[str, QueryInfo] = {}
        self.cors_origins = tuple(dict.fromkeys(check_cors_origin(o) for o in cors_origins))
        self.queries_dir = queries_dir
        self._catalogue: bytes | None = None

    # ---------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """The query URL clients use."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/query"

    @property
    def restarts(self) -> int:
        """Workers killed and replaced because a query ran past the timeout."""
        return self._pool.restarts if self._pool else 0

    @property
    def isolated(self) -> bool | None:
        """Whether the engine workers run without a network of their own (None before start)."""
        return self._pool.isolated if self._pool else None

    def worker_pids(self) -> list[int]:
        """Process ids of the live engine workers."""
        return self._call(self._pool.pids) if self._pool else []

    def log(self, line: str) -> None:
        with self._log_lock:
            self._log(line)

    def start(self) -> Endpoint:
        """Listen, start the engine workers, and return once queries can be answered."""
        self._stop_requested = False
        self._thread = threading.Thread(target=self._run, name="regimekg-serve", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            self._thread.join(30)
            raise self._startup_error
        return self

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        with self._stop_lock:
            self._loop = asyncio.get_running_loop()
            self._stopping = asyncio.Event()
            if self._stop_requested:
                self._stopping.set()
        pool = WorkerPool(self.store, self.workers, self.timeout, self.log)
        server: asyncio.Server | None = None
        try:
            try:
                server = await asyncio.start_server(
                    self._accept,
                    self.host,
                    self.port,
                    reuse_address=True,
                    backlog=128,
                    limit=MAX_HEAD_BYTES,
                    start_serving=False,
                )
            except OSError as e:
                raise UserError(
                    f"Cannot listen on {self.host}:{self.port} ({e.strerror or e}): pick another "
                    "port with --port."
                ) from None
            self.port = int(server.sockets[0].getsockname()[1])
            await pool.start()
            self._pool = pool
            await server.start_serving()
        except BaseException as e:
            self._startup_error = e
            if server is not None:
                server.close()
            await pool.close()
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)
            await pool.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 5)

    def _call(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run *func* on the server's loop and return its result (coroutines are awaited)."""
        assert self._loop is not None

        async def wrapper() -> Any:
            value = func(*args)
            if asyncio.iscoroutine(value):
                value = await value
            return value

        return asyncio.run_coroutine_threadsafe(wrapper(), self._loop).result(60)

    def probe(self, port: int) -> bool:
        """Whether an engine worker can connect to ``127.0.0.1:port`` (see :mod:`.engine`)."""
        assert self._pool is not None
        return bool(self._call(self._pool.probe, port))

    def running(self) -> bool:
        """True while the endpoint serves and its engines can be (re)started."""
        return (
            self._thread is not None
            and self._thread.is_alive()
            and self._pool is not None
            and self._pool.alive()
        )

    def failure(self) -> str:
        return (self._pool.failure if self._pool else None) or "the server thread ended"

    def stop(self) -> None:
        """Stop listening, close connections and stop every worker; safe to call twice."""
        with self._stop_lock:
            self._stop_requested = True
            loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            if self._thread.ident is not None:  # (Ctrl-C can come before it was started)
                self._thread.join(30)
            self._thread = None

    def __enter__(self) -> Endpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- connections

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        if len(self._connections) >= MAX_CONNECTIONS:
            with contextlib.suppress(Exception):
                text = b"Too many open connections: retry in a moment.\n"
                writer.write(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                    b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(text), text)
                )
                await asyncio.wait_for(writer.drain(), 1)
            writer.close()
            return
        self._connections.add(task)
        try:
            await self._connection(reader, writer)
        except (_Closed, ConnectionError, TimeoutError, h11.ProtocolError):
            pass
        except asyncio.CancelledError:
            pass  # the server is stopping; ending quietly keeps asyncio from logging it
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 1)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD_BYTES)
        while True:
            deadline = time.monotonic() + self.read_timeout
            try:
                event = await self._next(conn, reader, deadline)
            except h11.RemoteProtocolError as e:
                await self._reply_error(
                    conn,
                    writer,
                    e.error_status_hint,
                    "The request is not valid HTTP/1.1: send a well-formed request.",
                )
                return
            if isinstance(event, h11.ConnectionClosed):
                return
            if not isinstance(event, h11.Request):
                return
            keep_open = await self._request(conn, reader, writer, event, deadline)
            if not keep_open or conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                return
            conn.start_next_cycle()

    async def _next(
        self, conn: h11.Connection, reader: asyncio.StreamReader, deadline: float
    ) -> Any:
        """The next h11 event, reading from the client until *deadline* (then :class:`_Closed`)."""
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Closed("read deadline")
            try:
                async with asyncio.timeout(remaining):
                    data = await reader.read(65536)
            except TimeoutError:
                raise _Closed("read deadline") from None
            conn.receive_data(data)

    async def _request(
        self,
        conn: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        head: h11.Request,
        deadline: float,
    ) -> bool:
        """Read the body, answer the request; False when the connection must close."""
        started = time.perf_counter()
        method = head.method.decode("ascii", "replace")
        target = head.target.decode("utf-8", "replace")
        headers: dict[str, str] = {}
        for name, value in head.headers:
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        path = target.partition("?")[0]
        query_text = ""
        extra: list[tuple[str, str]] = []
        try:
            if not host_allowed(headers.get("host"), self.port):
                raise HttpError(
                    421,
                    f"Host {headers.get('host', '(none)')!r} is not this server: the endpoint "
                    f"answers only requests for 127.0.0.1, localhost or [::1] (port {self.port}).",
                )
            length = headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
                raise HttpError(
                    413, f"The request body is over {MAX_BODY_BYTES} bytes: shorten the query."
                )
            try:
                body = await self._body(conn, reader, deadline)
            except h11.RemoteProtocolError:
                raise HttpError(
                    400, "The request body is not valid HTTP/1.1 framing: send a well-formed body."
                ) from None
            incoming = _Incoming(method, target, headers, body)
            status, ctype, payload, query_text = await self._answer(incoming)
            reason = None
            if path == "/" or path.startswith("/ui/"):
                extra = [("Content-Security-Policy", CSP), ("Referrer-Policy", "no-referrer")]
        except HttpError as e:
            status, ctype, reason = e.status, "text/plain; charset=utf-8", e.reason
            payload = (e.message + "\n").encode("utf-8")
            query_text = e.query or e.message
        except _Closed:
            raise
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a bug: answer 500, keep serving
            status, ctype, reason = 500, "text/plain; charset=utf-8", None
            payload = f"Internal error ({type(e).__name__}: {e}).\n".encode()
            query_text = payload.decode()
        # logged before sending, so a client that has its answer also finds the line
        ms = (time.perf_counter() - started) * 1000
        self.log(f"{method} {path} {status} {ms:.0f} ms {' '.join(query_text.split())[:80]}")
        close = conn.their_state is not h11.DONE  # body unread (an early refusal)
        if path in ("/query", "/sparql"):
            extra += self._cors_headers(headers.get("origin"), preflight=method == "OPTIONS")
        await self._send(
            conn, writer, status, ctype, payload, reason, close, method == "HEAD", extra
        )
        return not close

    def _cors_headers(self, origin: str | None, *, preflight: bool) -> list[tuple[str, str]]:
        """``Access-Control-*`` headers for a request from *origin* (none if it is not allowed).

        Errors carry them too, so a page on an allowed origin can read why a query failed (the
        413 result cap, a 400 syntax error) instead of seeing an opaque network error.
        """
        out = [("Vary", "Origin")] if self.cors_origins and "*" not in self.cors_origins else []
        if not origin or not self.cors_origins:
            return out
        if "*" in self.cors_origins:
            allowed = "*"
        elif origin.strip().lower() in self.cors_origins:
            allowed = origin.strip()
        else:
            return out
        out.append(("Access-Control-Allow-Origin", allowed))
        if preflight:
            out += [
                ("Access-Control-Allow-Methods", CORS_METHODS),
                ("Access-Control-Allow-Headers", CORS_HEADERS),
                ("Access-Control-Max-Age", CORS_MAX_AGE),
            ]
        else:
            out.append(("Access-Control-Expose-Headers", "Content-Type"))
        return out

    async def _body(
        self, conn: h11.Connection, reader: asyncio.StreamReader, deadline: float
    ) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            event = await self._next(conn, reader, deadline)
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > MAX_BODY_BYTES:
                    raise HttpError(
                        413, f"The request body is over {MAX_BODY_BYTES} bytes: shorten the query."
                    )
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                return b"".join(chunks)
            else:
                raise _Closed("unexpected event")

    async def _send(
        self,
        conn: h11.Connection,
        writer: asyncio.StreamWriter,
        status: int,
        ctype: str,
        payload: bytes,
        reason: str | None,
        close: bool,
        head_only: bool,
        extra: Sequence[tuple[str, str]] = (),
    ) -> None:
        headers = [
            ("Content-Type", ctype),
            ("Content-Length", str(len(payload))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("Server", "regimekg-serve"),
            *extra,
        ]
        if close:
            headers.append(("Connection", "close"))
        phrase = reason or _phrase(status)
        data = conn.send(h11.Response(status_code=status, headers=headers, reason=phrase))
        if not head_only:
            data = (data or b"") + (conn.send(h11.Data(data=payload)) or b"")
        data = (data or b"") + (conn.send(h11.EndOfMessage()) or b"")
        writer.write(data)
        if writer.transport.get_write_buffer_size():  # the client reads slowly: give it a deadline
            async with asyncio.timeout(self.read_timeout):
                await writer.drain()

    async def _reply_error(
        self, conn: h11.Connection, writer: asyncio.StreamWriter, status: int, message: str
    ) -> None:
        if conn.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        with contextlib.suppress(Exception):
            payload = (message + "\n").encode()
            await self._send(
                conn, writer, status, "text/plain; charset=utf-8", payload, None, True, False
            )

    # ---------------------------------------------------------------- answering

    async def _answer(self, incoming: _Incoming) -> tuple[int, str, bytes, str]:
        """Status, content type, body and query text for this request (or HttpError)."""
        method = incoming.method
        path, _, qs = incoming.target.partition("?")
        if path in ("/update", "/store") or path.startswith("/store/"):
            raise HttpError(
                403,
                "This endpoint is read-only: updates and graph-store writes are "
                "refused; change data through data/ and `regimekg build`.",
            )
        if path == "/" or path.startswith("/ui/"):
            return await self._page(method, path)
        if path not in ("/query", "/sparql"):
            raise HttpError(404, f"No such resource {path}: send queries to /query.")
        if method == "OPTIONS":  # CORS preflight (or a client asking what is allowed)
            return 204, "text/plain; charset=utf-8", b"", ""
        if method not in ("GET", "POST"):
            raise HttpError(405, f"{method} is not supported: use GET or POST on /query.")
        req = _parse(method, qs, incoming)
        try:
            ctype, body = await self.answer(req, incoming.headers.get("accept"))
        except HttpError as e:
            e.query = req.query  # for the log line
            raise
        return 200, ctype, body, req.query

    async def _page(self, method: str, path: str) -> tuple[int, str, bytes, str]:
        """The query page and its files (GET or HEAD only)."""
        if method not in ("GET", "HEAD"):
            raise HttpError(405, f"{method} is not supported on {path}: the page is read with GET.")
        if path == CATALOGUE_PATH:
            if self._catalogue is None:
                # reads queries/*.rq and resolves default parameters once, off the event loop
                self._catalogue = await asyncio.to_thread(
                    page_catalogue, self.queries_dir, self.store
                )
            return 200, "application/json; charset=utf-8", self._catalogue, ""
        found = page_asset(path)
        if found is None:
            raise HttpError(404, f"No such resource {path}: the query page is at /.")
        return 200, found[0], found[1], ""

    async def answer(self, req: _Request, accept: str | None) -> tuple[str, bytes]:
        """Content type and body for a query request, or :class:`HttpError`."""
        try:
            info = self._accepted.get(req.query)
            if info is None:
                # rdflib's parse in the guard can take a second on a long text: off the event
                # loop, so other clients are served meanwhile; accepted texts are remembered
                info = await asyncio.to_thread(inspect_query, req.query)
                self._accepted[req.query] = info
                if len(self._accepted) > ACCEPTED_CACHE:
                    self._accepted.pop(next(iter(self._accepted)))
            for g in req.default_graphs:
                check_graph_iri(g, "default-graph-uri")
            for g in req.named_graphs:
                check_graph_iri(g, "named-graph-uri")
        except QueryRefused as e:
            raise HttpError(400, str(e)) from None
        form = info.form or "SELECT"
        # the protocol's dataset wins over the query's own FROM / FROM NAMED
        if req.default_graphs or req.named_graphs:
            default_graphs, named_graphs = req.default_graphs, req.named_graphs
        else:
            default_graphs, named_graphs = list(info.default_graphs), list(info.named_graphs)
        request: dict[str, Any] = {
            "op": "query",
            "query": req.query,
            "default_graphs": default_graphs,
            "named_graphs": named_graphs,
            "cap": self.result_cap,
            "results_format": "application/sparql-results+json",
            "graph_format": "application/n-triples",
        }
        if form in ("CONSTRUCT", "DESCRIBE"):
            request["graph_format"] = _negotiate(accept, _GRAPH_FORMATS, "text/turtle").media_type
        else:
            fmt = _negotiate(accept, _SELECT_FORMATS, "application/sparql-results+json")
            request["results_format"] = fmt.media_type
        assert self._pool is not None
        header, body = await self._pool.run(request)
        if header.get("ok"):
            return str(header["media_type"]), body
        error = header.get("error")
        if error == "cap":
            unit = header.get("unit", "rows")
            raise HttpError(
                413,
                f"The query returns more than {self.result_cap} {unit}, this endpoint's result "
                f"cap: add LIMIT {self.result_cap} (and OFFSET to page) or narrow the query.",
                reason="Result Too Large",
            )
        if error == "syntax":
            raise HttpError(
                400, f"The query is not valid SPARQL ({header.get('message')}); fix it."
            )
        raise HttpError(500, f"The query failed in the engine ({header.get('message')}).")


def _phrase(status: int) -> str:
    with contextlib.suppress(ValueError):
        return HTTPStatus(status).phrase
    return "Error"


def _parse(method: str, qs: str, incoming: _Incoming) -> _Request:
    """The query and dataset of a SPARQL 1.1 Protocol request (GET, form or direct POST)."""
    params = _parse_qs(qs)
    query: list[str] = list(params.get("query", []))
    if method == "POST":
        ctype = (incoming.headers.get("content-type") or "").split(";")[0].strip().lower()
        try:
            text = incoming.body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "The request body is not UTF-8: send UTF-8.") from None
        if ctype == "application/x-www-form-urlencoded":
            form = _parse_qs(text)
            if "update" in form:
                raise HttpError(403, "This endpoint is read-only: SPARQL updates are refused.")
            query += form.get("query", [])
            for k in ("default-graph-uri", "named-graph-uri"):
                params.setdefault(k, []).extend(form.get(k, []))
        elif ctype == "application/sparql-query":
            query.append(text)
        elif ctype == "application/sparql-update":
            raise HttpError(403, "This endpoint is read-only: SPARQL updates are refused.")
        else:
            raise HttpError(
                415,
                f"POST body type {ctype or '(none)'} is not supported: send "
                "application/x-www-form-urlencoded or application/sparql-query.",
            )
    if "update" in params:
        raise HttpError(403, "This endpoint is read-only: SPARQL updates are refused.")
    if len(query) != 1:
        raise HttpError(
            400,
            "Send exactly one `query` parameter (SPARQL 1.1 Protocol), e.g. "
            "/query?query=ASK%20%7B%7D.",
        )
    if len(query[0]) > MAX_QUERY_CHARS:
        raise HttpError(400, f"The query is over {MAX_QUERY_CHARS} characters: shorten it.")
    return _Request(
        query[0], params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    )


# --------------------------------------------------------------------------------------------
# Entry point


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def serve(
    root_or_store: Project | str | os.PathLike[str],
    *,
    port: int | None = 7878,
    timeout: float | None = DEFAULT_TIMEOUT,
    result_cap: int = RESULT_CAP,
    log: Log = print,
    host: str = "127.0.0.1",
    workers: int = DEFAULT_WORKERS,
    cors_origins: Sequence[str] = (),
) -> None:
    """Serve the built store until Ctrl-C or SIGTERM; then stop the workers and return.

    *root_or_store* is a :class:`~regimekg.paths.Project` (serves its ``build/store``, and its
    ``queries/`` on the query page), a build directory, or a store directory (the query page
    then lists the packaged questions).
    """
    endpoint = Endpoint(
        store_path(root_or_store),
        port=7878 if port is None else port,
        host=host,
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        result_cap=result_cap,
        workers=workers,
        log=log,
        cors_origins=cors_origins,
        queries_dir=queries_dir(root_or_store),
    )
    previous: dict[signal.Signals, Any] = {}
    if _on_main_thread():
        # SIGINT too: a process started in the background by a non-interactive shell (a
        # script's `regimekg serve &`, a CI step) inherits SIGINT *ignored*, and Python then
        # installs no KeyboardInterrupt handler, so Ctrl-C / `kill -INT` would be lost.
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, _raise_interrupt)
    try:
        started = time.perf_counter()
        endpoint.start()
        log(
            f"regimekg serve: query page at {endpoint.url.removesuffix('query')}, "
            f"SPARQL endpoint at {endpoint.url} (read-only; timeout "
            f"{endpoint.timeout:g} s; at most {endpoint.result_cap} results; "
            f"{endpoint.workers} query engines) over {endpoint.store}, ready in "
            f"{time.perf_counter() - started:.1f} s; Ctrl-C stops it."
        )
        while endpoint.running():
            time.sleep(0.5)
        raise UserError(f"The endpoint stopped unexpectedly ({endpoint.failure()}); restart it.")
    except KeyboardInterrupt:
        log("regimekg serve: stopping.")
    finally:
        endpoint.stop()
        for signum, handler in previous.items():
            if handler is not None:  # None: set outside Python, nothing to put back
                signal.signal(signum, handler)


def queries_dir(root_or_store: Project | str | os.PathLike[str]) -> Path | None:
    """The named questions the query page offers: the project's, else the packaged ones."""
    if isinstance(root_or_store, Project):
        return root_or_store.root / "queries"
    from .query import _queries_dir

    return _queries_dir(None)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def running(root_or_store: Project | str | os.PathLike[str], **kwargs: Any) -> Iterator[Endpoint]:
    """An :class:`Endpoint` on a free port (unless *port* is given) for the ``with`` block."""
    kwargs.setdefault("port", 0)
    kwargs.setdefault("log", lambda _line: None)
    kwargs.setdefault("queries_dir", queries_dir(root_or_store))
    with Endpoint(store_path(root_or_store), **kwargs) as ep:
        yield ep
