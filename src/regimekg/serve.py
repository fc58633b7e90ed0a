"""A read-only SPARQL 1.1 Protocol endpoint over the built store, guarded and on loopback only.

``regimekg serve`` starts the Oxigraph server (``oxigraph serve-read-only``, from the PyPI
``oxigraph`` package) on an internal loopback port, and puts a thin guard of ours in front of
it on ``127.0.0.1:PORT``. The guard exists because the Oxigraph server alone

* follows ``SERVICE <http://…>`` clauses out to the network,
* answers ``200 OK`` and then streams results *before* its ``--timeout-s`` fires, so a slow
  query ends in a half-written, unparseable body ("The SPARQL operation has been cancelled"),
  and a query that streams rows keeps running as long as the client keeps reading,
* has no result-size cap.

So every request goes through :func:`regimekg.guard.inspect_query` (updates, ``SERVICE``,
``LOAD``, foreign ``FROM`` are refused with 400/403 and one sentence); the upstream answer is
read in a line-based format (TSV rows, N-Triples) with a deadline and a row count, and the
connection is dropped (which stops Oxigraph's work) as soon as the query runs past the
timeout (504) or past the cap (400); only a complete, parsed answer is re-serialised in the
format the client asked for. The default graph is the union of the named graphs
(``--union-default-graph``), as in :mod:`regimekg.query`, because every source lives in its
own named graph.

The endpoint speaks the SPARQL 1.1 Protocol: ``GET /query?query=…``, ``POST /query`` with a
form-encoded body or an ``application/sparql-query`` body (``/sparql`` is an alias), with the
protocol's ``default-graph-uri`` / ``named-graph-uri`` (regimekg graphs only), and content
negotiation by ``Accept``.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import UserError
from .guard import (
    DEFAULT_TIMEOUT,
    MAX_QUERY_CHARS,
    RESULT_CAP,
    QueryRefused,
    check_graph_iri,
    inspect_query,
)
from .namespaces import PREFIXES
from .paths import Project
from .store import STORE_DIR

#: Largest request body accepted (a form-encoded query of MAX_QUERY_CHARS is well below it).
MAX_BODY_BYTES = 4 * MAX_QUERY_CHARS
#: Requests answered at the same time; more wait (up to the timeout) for a free slot.
MAX_CONCURRENT = 16
#: Seconds to wait for the Oxigraph server to answer its first query.
STARTUP_TIMEOUT = 30.0
#: How long past the query timeout the guard waits for Oxigraph before cutting it off itself.
GRACE = 0.5

_CANCELLED = b"The SPARQL operation has been cancelled"


def _cancelled(data: bytes) -> bool:
    """True when Oxigraph broke off an answer at its own timeout (it appends this sentence;
    a literal with the same words would end in a quote or language tag instead)."""
    return data.rstrip().endswith(_CANCELLED)


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


class HttpError(Exception):
    """An answer other than 200: status code and the one-sentence message sent as the body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.query = ""


# --------------------------------------------------------------------------------------------
# Locating the store and the server binary


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


def oxigraph_binary() -> Path:
    """The ``oxigraph`` server binary: next to this Python (a virtualenv's bin/), else on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.is_file() and os.access(here, os.X_OK):
        return here
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise UserError(
        "The Oxigraph server binary `oxigraph` was not found next to Python or on PATH: "
        "install it with `pip install oxigraph`."
    )


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


def _free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


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
# The guard


@dataclass
class _Request:
    query: str
    default_graphs: list[str]
    named_graphs: list[str]


class _Upstream:
    """One ``oxigraph serve-read-only`` child process and the requests it is serving.

    Oxigraph does not stop a query whose client went away until the query next writes, and its
    ``--timeout-s`` does not stop one that is still iterating (measured: a four-way cross join
    with a huge OFFSET kept a core busy for minutes). So when the guard gives up on a query at
    its deadline, it *retires* the child that runs it: new requests go to a fresh child, and
    the retired one is stopped as soon as its other requests are done (each has its own
    deadline, so that is never later than one timeout).
    """

    def __init__(self, binary: Path, store: Path, timeout: float) -> None:
        self.port = _free_port()
        self.inflight = 0
        self.retired = False
        self.stderr_tail: list[str] = []
        args = [
            str(binary),
            "serve-read-only",
            "--location",
            str(store),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--union-default-graph",
            # Oxigraph takes whole seconds; the guard enforces the exact deadline itself
            "--timeout-s",
            str(max(1, math.ceil(timeout))),
        ]
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C reaches us only; we stop the child ourselves
            preexec_fn=_die_with_parent if _on_main_thread() else None,
        )
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                self.stderr_tail = [*self.stderr_tail[-20:], line]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self) -> bool:
        """True once the child answers a query; False if it died or stayed silent."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        probe = "/query?" + urllib.parse.urlencode({"query": "ASK {}"})
        while time.monotonic() < deadline:
            if not self.alive():
                time.sleep(0.05)  # let the stderr reader catch the message
                return False
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", probe, headers={"Accept": "application/sparql-results+json"})
                ok = conn.getresponse().status == 200
                conn.close()
                if ok:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        self.stderr_tail.append(f"no answer within {STARTUP_TIMEOUT:.0f} s")
        return False

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


class Endpoint:
    """The Oxigraph server child process plus the guard in front of it.

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
        log: Log = print,
    ) -> None:
        if timeout <= 0:
            raise UserError(f"--timeout {timeout} must be a positive number of seconds.")
        if result_cap <= 0:
            raise UserError(f"The result cap {result_cap} must be a positive number of rows.")
        if not 0 <= port <= 65535:
            raise UserError(f"--port {port} is not a TCP port (0-65535).")
        self.store = store
        self.host = loopback_host(host)
        self.port = port
        self.timeout = float(timeout)
        self.result_cap = int(result_cap)
        self.restarts = 0
        self._log = log
        self._log_lock = threading.Lock()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_CONCURRENT)
        self._binary: Path | None = None
        self._current: _Upstream | None = None
        self._retired: list[_Upstream] = []
        self.httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """The query URL clients use."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/query"

    def log(self, line: str) -> None:
        with self._log_lock:
            self._log(line)

    def start(self) -> Endpoint:
        """Start Oxigraph, wait until it answers, then listen; return once ready."""
        try:
            self._binary = oxigraph_binary()
            self._current = self._spawn()
            self._bind()
        except BaseException:
            self.stop()
            raise
        assert self.httpd is not None
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, name="regimekg-serve", daemon=True
        )
        self._thread.start()
        return self

    def _spawn(self) -> _Upstream:
        """A new, answering Oxigraph child (retrying a lost race for its port)."""
        assert self._binary is not None
        for _attempt in range(3):
            up = _Upstream(self._binary, self.store, self.timeout)
            if up.wait_ready():
                return up
            up.stop()
            tail = " ".join(up.stderr_tail[-3:]).strip()
            if "address" not in tail.lower():  # anything but a port race is final
                raise UserError(
                    f"The Oxigraph server could not serve {self.store} ({tail or 'no message'}); "
                    "check the store with `regimekg stats` or rebuild it."
                )
        raise UserError("The Oxigraph server could not get a free loopback port; try again.")

    def _bind(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET

        class Server(ThreadingHTTPServer):
            address_family = family
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 64

        try:
            self.httpd = Server((self.host, self.port), _handler_for(self))
        except OSError as e:
            raise UserError(
                f"Cannot listen on {self.host}:{self.port} ({e.strerror or e}): pick another "
                "port with --port."
            ) from None
        self.port = int(self.httpd.server_address[1])

    def stop(self) -> None:
        """Stop listening and stop every Oxigraph child; safe to call twice."""
        if self.httpd is not None:
            if self._thread is not None and self._thread.is_alive():
                self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
        with self._lock:
            children = [*self._retired, *([self._current] if self._current else [])]
            self._retired, self._current = [], None
        for up in children:
            up.stop()

    def upstream_alive(self) -> bool:
        """False once the serving Oxigraph child has died (not when it was retired on purpose)."""
        with self._lock:
            return self._current is not None and self._current.alive()

    def stderr_tail(self) -> str:
        with self._lock:
            return " ".join(self._current.stderr_tail[-2:]) if self._current else ""

    def _lease(self) -> _Upstream:
        with self._lock:
            if self._current is None:
                raise HttpError(503, "The server is stopping; retry later.")
            self._current.inflight += 1
            return self._current

    def _release(self, up: _Upstream) -> None:
        with self._lock:
            up.inflight -= 1
            done = up.retired and up.inflight == 0
            if done:
                self._retired.remove(up)
        if done:
            up.stop()

    def _retire(self, up: _Upstream) -> None:
        """Replace *up* (still busy with a query we gave up on) by a fresh child."""
        with self._lock:
            if up.retired or up is not self._current:
                return
            up.retired = True
            self._retired.append(up)
            try:
                self._current = self._spawn()
            except UserError as e:
                self._current = None
                self.log(f"regimekg serve: could not restart the Oxigraph server: {e}")
                return
            self.restarts += 1
        self.log("regimekg serve: restarted the Oxigraph server to stop a query past the timeout.")

    def __enter__(self) -> Endpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- answering

    def answer(self, req: _Request, accept: str | None) -> tuple[str, bytes]:
        """Content type and body for a query request, or :class:`HttpError`."""
        try:
            info = inspect_query(req.query)
            for g in req.default_graphs:
                check_graph_iri(g, "default-graph-uri")
            for g in req.named_graphs:
                check_graph_iri(g, "named-graph-uri")
        except QueryRefused as e:
            raise HttpError(400, str(e)) from None
        form = info.form or "SELECT"
        if form in ("CONSTRUCT", "DESCRIBE"):
            rdf_fmt = _negotiate(accept, _GRAPH_FORMATS, "text/turtle")
            data = self._upstream(req, "application/n-triples", unit="triples")
            triples: Any = None
            try:
                triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
                body = ox.serialize(triples, format=rdf_fmt, prefixes=PREFIXES) or b""
            except (SyntaxError, ValueError) as e:
                raise self._bad_upstream(data, e) from None
            finally:
                del triples
            return rdf_fmt.media_type, body
        res_fmt = _negotiate(accept, _SELECT_FORMATS, "application/sparql-results+json")
        upstream_type = "text/tab-separated-values" if form == "SELECT" else _ASK_TYPE
        data = self._upstream(req, upstream_type, unit="rows" if form == "SELECT" else None)
        in_fmt = ox.QueryResultsFormat.TSV if form == "SELECT" else ox.QueryResultsFormat.JSON
        return res_fmt.media_type, self._reserialize(data, in_fmt, res_fmt)

    def _reserialize(
        self, data: bytes, in_fmt: ox.QueryResultsFormat, out_fmt: ox.QueryResultsFormat
    ) -> bytes:
        """*data* parsed and written in *out_fmt*, all in this thread.

        pyoxigraph result objects are bound to the thread that made them, so none may outlive
        this call (or be collected later on another thread).
        """
        if in_fmt == out_fmt and in_fmt == ox.QueryResultsFormat.TSV:
            return data
        results: Any = None
        try:
            results = ox.parse_query_results(data, format=in_fmt)
            return results.serialize(format=out_fmt) or b""
        except (SyntaxError, ValueError) as e:
            raise self._bad_upstream(data, e) from None
        finally:
            del results

    def _bad_upstream(self, data: bytes, e: Exception) -> HttpError:
        if _cancelled(data):
            return self._timeout_error()
        return HttpError(502, f"The Oxigraph server sent an answer that does not parse ({e}).")

    def _timeout_error(self) -> HttpError:
        return HttpError(
            504,
            f"The query ran longer than the {self.timeout:g} s limit and was stopped: narrow it "
            "(more specific patterns, a LIMIT) or start the server with a larger --timeout.",
        )

    def _upstream(self, req: _Request, accept: str, *, unit: str | None) -> bytes:
        """The upstream answer, read with a deadline; with *unit* (``rows`` of TSV after its
        header line, or N-Triples ``triples``) it is read line by line and capped."""
        up = self._lease()
        try:
            return self._ask(up, req, accept, unit)
        except _DeadlineExceeded:
            self._retire(up)
            raise self._timeout_error() from None
        finally:
            self._release(up)

    def _ask(self, up: _Upstream, req: _Request, accept: str, unit: str | None) -> bytes:
        deadline = time.monotonic() + self.timeout + GRACE
        fields = [("query", req.query)]
        fields += [("default-graph-uri", g) for g in req.default_graphs]
        fields += [("named-graph-uri", g) for g in req.named_graphs]
        body = urllib.parse.urlencode(fields).encode("utf-8")
        conn = http.client.HTTPConnection("127.0.0.1", up.port, timeout=self.timeout + GRACE)
        try:
            try:
                conn.request(
                    "POST",
                    "/query",
                    body,
                    {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
                )
                resp = conn.getresponse()
            except TimeoutError:
                raise _DeadlineExceeded from None
            except OSError as e:
                raise HttpError(
                    502, f"The Oxigraph server did not answer ({e}); restart `regimekg serve`."
                ) from None
            if resp.status != 200:
                text = resp.read(65536).decode("utf-8", "replace").strip()
                first = text.splitlines()[0] if text else resp.reason
                if resp.status == 400:
                    raise HttpError(400, f"The query is not valid SPARQL ({first}); fix it.")
                if _cancelled(text.encode()):
                    raise self._timeout_error()
                raise HttpError(502, f"The Oxigraph server failed ({resp.status}: {first}).")
            return self._read_capped(conn, resp, deadline, unit)
        finally:
            conn.close()  # dropping the connection makes Oxigraph stop a streaming query

    def _read_capped(
        self,
        conn: http.client.HTTPConnection,
        resp: http.client.HTTPResponse,
        deadline: float,
        unit: str | None,
    ) -> bytes:
        chunks: list[bytes] = []
        lines = 0
        line_based = unit is not None
        limit = self.result_cap + (1 if unit == "rows" else 0)  # TSV has a header line
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _DeadlineExceeded
                if conn.sock is not None:
                    conn.sock.settimeout(remaining)
                chunk = resp.readline() if line_based else resp.read(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
                if line_based and chunk.endswith(b"\n"):
                    lines += 1
                    if lines > limit:
                        raise HttpError(
                            400,
                            f"The query returns more than {self.result_cap} {unit}, this "
                            f"endpoint's cap: add LIMIT {self.result_cap} (and OFFSET to page) "
                            "or narrow the query.",
                        )
        except TimeoutError:
            raise _DeadlineExceeded from None
        except (http.client.IncompleteRead, ConnectionError) as e:
            data = b"".join(chunks)
            if _cancelled(data):
                raise self._timeout_error() from None
            raise HttpError(502, f"The Oxigraph server broke off its answer ({e}).") from None
        data = b"".join(chunks)
        if _cancelled(data):
            raise self._timeout_error()
        return data


_ASK_TYPE = "application/sparql-results+json"


class _DeadlineExceeded(Exception):
    """The guard's own deadline passed while Oxigraph was still working on the query."""


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: have the kernel stop the Oxigraph child if this process dies without cleanup."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


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


_HELP = (
    "regimekg SPARQL endpoint (read-only) · regimekg SPARQL 查询端点（只读）\n\n"
    "GET  /query?query=...            SPARQL 1.1 Protocol query via GET\n"
    "POST /query  (form: query=...)   or a body of type application/sparql-query\n"
    "Updates, SERVICE, LOAD and FROM outside https://w3id.org/regimekg/graph/ are refused.\n"
    "不接受更新、SERVICE、LOAD，以及 regimekg 图之外的 FROM。\n"
)


def _handler_for(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "regimekg-serve"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            """Silenced: every request is logged once, by :meth:`_finish`."""

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PUT(self) -> None:
            self._handle("PUT")

        def do_DELETE(self) -> None:
            self._handle("DELETE")

        def do_PATCH(self) -> None:
            self._handle("PATCH")

        def do_HEAD(self) -> None:
            self._handle("HEAD")

        def _handle(self, method: str) -> None:
            started = time.perf_counter()
            try:
                status, ctype, body, query = self._answer(method)
            except HttpError as e:
                status, ctype = e.status, "text/plain; charset=utf-8"
                body = (e.message + "\n").encode("utf-8")
                query = e.query or e.message
            except Exception as e:  # a bug: answer 500, keep serving
                status, ctype = 500, "text/plain; charset=utf-8"
                body = f"Internal error ({type(e).__name__}: {e}).\n".encode()
                query = body.decode()
            # logged before sending, so a client that has its answer also finds the line
            ms = (time.perf_counter() - started) * 1000
            snippet = " ".join(query.split())[:80]
            endpoint.log(f"{method} {self.path.partition('?')[0]} {status} {ms:.0f} ms {snippet}")
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(status, ctype, body)

        def _answer(self, method: str) -> tuple[int, str, bytes, str]:
            """Status, content type, body and query text for this request (or HttpError)."""
            path, _, qs = self.path.partition("?")
            if path in ("/update", "/store") or path.startswith("/store/"):
                raise HttpError(
                    403,
                    "This endpoint is read-only: updates and graph-store writes are "
                    "refused; change data through data/ and `regimekg build`.",
                )
            if path == "/" and method == "GET":
                return 200, "text/plain; charset=utf-8", _HELP.encode("utf-8"), ""
            if path not in ("/query", "/sparql"):
                raise HttpError(404, f"No such resource {path}: send queries to /query.")
            if method not in ("GET", "POST"):
                raise HttpError(405, f"{method} is not supported: use GET or POST on /query.")
            req = self._parse(method, qs)
            if not endpoint._slots.acquire(timeout=endpoint.timeout):
                raise HttpError(503, "The server is busy with other queries; retry shortly.")
            try:
                try:
                    ctype, body = endpoint.answer(req, self.headers.get("Accept"))
                except HttpError as e:
                    e.query = req.query  # for the log line
                    raise
            finally:
                endpoint._slots.release()
            return 200, ctype, body, req.query

        def _parse(self, method: str, qs: str) -> _Request:
            params = _parse_qs(qs)
            query: list[str] = list(params.get("query", []))
            if method == "POST":
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    raise HttpError(400, "The Content-Length header is not a number.") from None
                if length > MAX_BODY_BYTES:
                    raise HttpError(
                        413, f"The request body is over {MAX_BODY_BYTES} bytes: shorten the query."
                    )
                raw = self.rfile.read(length) if length > 0 else b""
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise HttpError(400, "The request body is not UTF-8: send UTF-8.") from None
                if ctype == "application/x-www-form-urlencoded":
                    form = _parse_qs(text)
                    if "update" in form:
                        raise HttpError(
                            403, "This endpoint is read-only: SPARQL updates are refused."
                        )
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

        def _send(self, status: int, ctype: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    return Handler


# --------------------------------------------------------------------------------------------
# Entry point


def serve(
    root_or_store: Project | str | os.PathLike[str],
    *,
    port: int | None = 7878,
    timeout: float | None = DEFAULT_TIMEOUT,
    result_cap: int = RESULT_CAP,
    log: Log = print,
    host: str = "127.0.0.1",
) -> None:
    """Serve the built store until Ctrl-C or SIGTERM; then stop the Oxigraph child and return.

    *root_or_store* is a :class:`~regimekg.paths.Project` (serves its ``build/store``), a build
    directory, or a store directory.
    """
    endpoint = Endpoint(
        store_path(root_or_store),
        port=7878 if port is None else port,
        host=host,
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        result_cap=result_cap,
        log=log,
    )
    previous = None
    if _on_main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        started = time.perf_counter()
        endpoint.start()
        log(
            f"regimekg serve: SPARQL endpoint at {endpoint.url} (read-only; timeout "
            f"{endpoint.timeout:g} s; at most {endpoint.result_cap} results) over "
            f"{endpoint.store}, ready in {time.perf_counter() - started:.1f} s; Ctrl-C stops it."
        )
        while endpoint.upstream_alive():
            time.sleep(0.5)
        raise UserError(
            f"The Oxigraph server stopped unexpectedly ({endpoint.stderr_tail() or 'no message'})"
            "; restart `regimekg serve`."
        )
    except KeyboardInterrupt:
        log("regimekg serve: stopping.")
    finally:
        endpoint.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def running(root_or_store: Project | str | os.PathLike[str], **kwargs: Any) -> Iterator[Endpoint]:
    """An :class:`Endpoint` on a free port (unless *port* is given) for the ``with`` block."""
    kwargs.setdefault("port", 0)
    kwargs.setdefault("log", lambda _line: None)
    with Endpoint(store_path(root_or_store), **kwargs) as ep:
        yield ep


def main(argv: list[str] | None = None) -> int:
    """``python -m regimekg.serve STORE [--port N] [--timeout S]`` (the CLI's ``serve`` verb
    for scripts that have a store but no project)."""
    import argparse

    p = argparse.ArgumentParser(prog="python -m regimekg.serve")
    p.add_argument("store", help="build directory or store directory")
    p.add_argument("--port", type=int, default=7878)
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    p.add_argument("--result-cap", type=int, default=RESULT_CAP)
    args = p.parse_args(argv)
    try:
        serve(
            args.store,
            port=args.port,
            timeout=args.timeout,
            result_cap=args.result_cap,
            log=lambda line: print(line, flush=True),
        )
    except UserError as e:
        print(f"regimekg: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
