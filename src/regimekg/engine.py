"""The query engine behind ``regimekg serve``: a worker process that talks over pipes only.

``regimekg serve`` used to run the Oxigraph server on an internal loopback port and proxy to
it. Any local process could reach that port directly, bypassing the guard, the result cap and
the timeout, and the Oxigraph server follows ``SERVICE`` out to the network. A worker here has
no socket at all: it reads requests from stdin and writes answers to stdout, so the only way to
a query engine is through the HTTP front end (:mod:`regimekg.serve`) and its guard.

Defence in depth: before it opens the store, a worker on Linux moves itself into a network
namespace of its own (``unshare(CLONE_NEWNET)``; without root, together with a new user
namespace), where not even loopback is up. Should the guard ever let a ``SERVICE`` through,
the engine still cannot reach anything. Where the platform refuses both, the worker carries on
and says so in its greeting, and the server logs it once.

The protocol is a frame stream: every frame is a 4-byte big-endian length and that many bytes.

* parent → worker, once: a JSON frame ``{"prefixes": {...}}`` (written into Turtle answers);
* worker → parent, once: a JSON greeting ``{"ok": true, "isolated": bool, "network": why}``
  or ``{"ok": false, "message": ...}`` when the store cannot be opened;
* then per request, a JSON frame ``{"op": "query", "query", "default_graphs", "named_graphs",
  "results_format", "graph_format", "cap"}`` answered by a JSON header frame and a body frame:
  ``{"ok": true, "media_type"}`` + the serialised answer, or ``{"ok": false, "error":
  "cap"|"syntax"|"failed", "unit", "message"}`` + an empty body. ``{"op": "probe", "port"}``
  tries a TCP connection to ``127.0.0.1:port`` and answers ``{"ok": true, "connected": bool}``
  (the server uses it to confirm a worker's isolation, the tests to prove it).

A worker answers one request at a time and never stops a query itself: the front end enforces
the timeout by killing the worker (and starting a fresh one), which is the only way to stop a
pyoxigraph query that is still computing.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import io
import json
import os
import socket
import struct
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

#: Largest frame either side accepts (a capped answer of long literals stays far below it).
MAX_FRAME = 1 << 30
#: Seconds a new worker may take to open the store and greet.
STARTUP_TIMEOUT = 60.0

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
_PR_SET_PDEATHSIG = 1
_HEADER = struct.Struct(">I")


class CapExceeded(Exception):
    """The answer has more rows or triples than the cap allows."""


class WorkerDied(Exception):
    """The worker process ended or broke the protocol."""


# --------------------------------------------------------------------------------------------
# Inside the worker


def drop_network() -> str | None:
    """Move this process into a network namespace of its own; ``None`` on success, else why not.

    Must run before any thread starts (a user namespace cannot be entered by a threaded process).
    In the new namespace only a loopback interface exists, and it is down, so every connect
    fails with "Network is unreachable" - including to the host's 127.0.0.1.
    """
    if not sys.platform.startswith("linux"):
        return f"network namespaces are a Linux feature (this is {sys.platform})"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as e:
        return f"libc not found ({e})"
    reasons = []
    for flags, what in (
        (_CLONE_NEWNET, "unshare(CLONE_NEWNET)"),
        (_CLONE_NEWUSER | _CLONE_NEWNET, "unshare(CLONE_NEWUSER|CLONE_NEWNET)"),
    ):
        if libc.unshare(flags) == 0:
            return None
        reasons.append(f"{what}: {os.strerror(ctypes.get_errno())}")
    return "; ".join(reasons)


def _die_with_parent() -> None:
    """Linux: have the kernel kill this worker when the server that started it goes away."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, 9)


def _write(out: BinaryIO, *payloads: bytes) -> None:
    """Write *payloads* as frames in one system call, so the server wakes up once per answer."""
    out.write(b"".join(_HEADER.pack(len(p)) + p for p in payloads))
    out.flush()


def _read(inp: BinaryIO) -> bytes | None:
    """The next frame, or ``None`` at end of input (the server closed the pipe)."""
    head = inp.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (n,) = _HEADER.unpack(head)
    if n > MAX_FRAME:
        raise WorkerDied(f"frame of {n} bytes")
    data = inp.read(n)
    if len(data) < n:
        return None
    return data


class _LineCap(io.RawIOBase):
    """A sink for a line-based serialisation (TSV rows, N-Triples) that stops at *limit* lines.

    pyoxigraph pulls results lazily while it serialises, so raising here stops the query: the
    worker never reads more than the cap (plus one buffered chunk) of an answer.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines = 0
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self.lines += data.count(b"\n")
        if self.lines > self.limit:
            raise CapExceeded
        self.parts.append(data)
        return len(data)

    def value(self) -> bytes:
        return b"".join(self.parts)


def run_query(store: Any, req: dict[str, Any], prefixes: dict[str, str]) -> tuple[dict, bytes]:
    """Header and body for one query request (see the module docstring)."""
    import pyoxigraph as ox

    kwargs: dict[str, Any] = {}
    default_graphs = req.get("default_graphs") or []
    named_graphs = req.get("named_graphs") or []
    if default_graphs or named_graphs:
        # an explicit dataset, as SPARQL defines it: FROM alone means no named graphs, FROM
        # NAMED alone an empty default graph
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    cap = int(req["cap"])
    try:
        res = store.query(req["query"], **kwargs)
        if isinstance(res, ox.QueryBoolean):
            fmt = ox.QueryResultsFormat.from_media_type(req["results_format"])
            return {"ok": True, "media_type": fmt.media_type}, res.serialize(format=fmt) or b""
        if isinstance(res, ox.QuerySolutions):
            fmt = ox.QueryResultsFormat.from_media_type(req["results_format"])
            sink = _LineCap(cap + 1)  # TSV: a header line, then one line per row
            try:
                res.serialize(sink, format=ox.QueryResultsFormat.TSV)
            except CapExceeded:
                return {"ok": False, "error": "cap", "unit": "rows"}, b""
            tsv = sink.value()
            if fmt == ox.QueryResultsFormat.TSV:
                return {"ok": True, "media_type": fmt.media_type}, tsv
            parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
            return {"ok": True, "media_type": fmt.media_type}, parsed.serialize(format=fmt) or b""
        rdf_fmt = ox.RdfFormat.from_media_type(req["graph_format"])
        sink = _LineCap(cap)  # N-Triples: one line per triple
        try:
            ox.serialize(res, sink, format=ox.RdfFormat.N_TRIPLES)
        except CapExceeded:
            return {"ok": False, "error": "cap", "unit": "triples"}, b""
        nt = sink.value()
        if rdf_fmt == ox.RdfFormat.N_TRIPLES:
            return {"ok": True, "media_type": rdf_fmt.media_type}, nt
        triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
        body = ox.serialize(triples, format=rdf_fmt, prefixes=prefixes) or b""
        return {"ok": True, "media_type": rdf_fmt.media_type}, body
    except SyntaxError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else "syntax error"
        return {"ok": False, "error": "syntax", "message": first}, b""
    except (OSError, ValueError, RuntimeError) as e:
        return {"ok": False, "error": "failed", "message": f"{type(e).__name__}: {e}"}, b""


def _probe(port: int) -> dict[str, Any]:
    try:
        socket.create_connection(("127.0.0.1", int(port)), timeout=2).close()
    except OSError as e:
        return {"ok": True, "connected": False, "message": str(e)}
    return {"ok": True, "connected": True, "message": ""}


def worker_main(store_path: str) -> int:
    """The worker process: drop the network, open the store read-only, answer until EOF."""
    _die_with_parent()
    refused = drop_network()
    # the protocol owns the real stdout; anything printed by accident goes to stderr
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    config = _read(inp)
    if config is None:
        return 0
    prefixes = json.loads(config).get("prefixes", {})
    try:
        import pyoxigraph as ox

        store = ox.Store.read_only(store_path)
    except (OSError, ValueError, RuntimeError) as e:
        _write(out, json.dumps({"ok": False, "message": f"{type(e).__name__}: {e}"}).encode())
        return 1
    hello = {"ok": True, "isolated": refused is None, "network": refused or "own namespace"}
    _write(out, json.dumps(hello).encode())
    while True:
        frame = _read(inp)
        if frame is None:
            return 0
        req = json.loads(frame)
        if req.get("op") == "probe":
            header, body = _probe(req["port"]), b""
        else:
            header, body = run_query(store, req, prefixes)
        _write(out, json.dumps(header).encode(), body)


# --------------------------------------------------------------------------------------------
# In the server: one worker process seen from the parent


class Worker:
    """A running worker process and its pipes; one request at a time (the caller ensures it)."""

    def __init__(self, proc: asyncio.subprocess.Process, hello: dict[str, Any]) -> None:
        self.proc = proc
        self.hello = hello

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def isolated(self) -> bool:
        return bool(self.hello.get("isolated"))

    @classmethod
    async def spawn(
        cls,
        store: Path,
        prefixes: dict[str, str],
        on_stderr: Callable[[str], Any] | None = None,
    ) -> Worker:
        """Start a worker on *store* and wait for its greeting; :class:`WorkerDied` if it fails."""
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH", "")) if p
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "regimekg.engine",
            str(store),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,  # Ctrl-C reaches the server only; it stops the workers
            env=env,
        )
        tail: list[str] = []
        asyncio.get_running_loop().create_task(_drain(proc, tail, on_stderr))
        worker = cls(proc, {})
        try:
            await worker._send({"prefixes": prefixes})
            hello = json.loads(await asyncio.wait_for(worker._frame(), STARTUP_TIMEOUT))
        except (WorkerDied, TimeoutError, ValueError) as e:
            worker.kill()
            await asyncio.sleep(0.05)  # let the stderr reader catch the last words
            detail = " ".join(tail[-3:]) or str(e) or type(e).__name__
            raise WorkerDied(detail) from None
        if not hello.get("ok"):
            worker.kill()
            raise WorkerDied(str(hello.get("message")))
        worker.hello = hello
        return worker

    async def _send(self, obj: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        payload = json.dumps(obj).encode("utf-8")
        try:
            self.proc.stdin.write(_HEADER.pack(len(payload)) + payload)
            await self.proc.stdin.drain()
        except (ConnectionError, RuntimeError) as e:
            raise WorkerDied(f"cannot write to the worker ({e})") from None

    async def _frame(self) -> bytes:
        assert self.proc.stdout is not None
        try:
            (n,) = _HEADER.unpack(await self.proc.stdout.readexactly(_HEADER.size))
            if n > MAX_FRAME:
                raise WorkerDied(f"the worker sent a frame of {n} bytes")
            return await self.proc.stdout.readexactly(n)
        except (asyncio.IncompleteReadError, ConnectionError) as e:
            raise WorkerDied(f"the worker stopped answering ({type(e).__name__})") from None

    async def call(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """Send one request and return the worker's header and body."""
        await self._send(request)
        header = json.loads(await self._frame())
        body = await self._frame()
        return header, body

    def kill(self) -> None:
        """Stop the worker at once (SIGKILL: a query in progress cannot be stopped otherwise)."""
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()

    async def close(self) -> None:
        """Kill the worker and reap it."""
        self.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.proc.wait(), 10)


async def _drain(
    proc: asyncio.subprocess.Process, tail: list[str], on_line: Callable[[str], Any] | None
) -> None:
    """Read a worker's stderr so it never blocks; keep its last lines for error messages."""
    assert proc.stderr is not None
    while True:
        try:
            raw = await proc.stderr.readline()
        except (ValueError, ConnectionError):  # an overlong line: skip it
            continue
        if not raw:
            return
        line = raw.decode("utf-8", "replace").rstrip()
        if line:
            tail[:] = [*tail[-20:], line]
            if on_line is not None:
                on_line(line)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m regimekg.engine STORE (started by `regimekg serve`)")
        sys.exit(2)
    sys.exit(worker_main(sys.argv[1]))
