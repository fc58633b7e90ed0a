"""Latency of a trivial query and throughput of a named question through ``regimekg serve``.

Starts the endpoint on a free loopback port over STORE (a build or store directory), then

* sends ``ASK {}`` N times, one request per fresh connection (as a script would), and reports
  the median and 95th percentile latency;
* runs a named question through the query layer (``regimekg.query`` over HTTP, labels and
  all) for a fixed number of seconds from C client threads and reports answers per second.

The server runs as its own process (``regimekg serve --build STORE --port N``), as a user
starts it, so the clients do not compete with it for this interpreter's lock.
It uses only that command line and the query layer, so the same script measures any version
of the server::

    PYTHONPATH=src python benchmarks/serve_latency.py build --requests 50 --query members-of-forum
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def trivial_latencies(url: str, n: int) -> list[float]:
    """Seconds per ``ASK {}`` request, each on a new connection."""
    u = urllib.parse.urlsplit(url)
    body = urllib.parse.urlencode({"query": "ASK {}"})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        conn.request("POST", u.path, body, headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        out.append(time.perf_counter() - t0)
        if resp.status != 200 or json.loads(data)["boolean"] is not True:
            raise SystemExit(f"unexpected answer {resp.status}: {data[:200]!r}")
    return out


def named_throughput(url: str, name: str, seconds: float, clients: int) -> tuple[int, float]:
    """Answers of the named question *name* completed in *seconds* by *clients* threads."""
    from regimekg.query import open as open_kg

    done = [0] * clients
    errors: list[str] = []
    stop = time.perf_counter() + seconds

    def client(i: int) -> None:
        kg = open_kg(ROOT, endpoint=url)
        rows = None
        while time.perf_counter() < stop:
            try:
                res = kg.query(name)
            except Exception as e:  # reported below
                errors.append(f"{type(e).__name__}: {e}")
                return
            if rows is None:
                rows = len(res.rows)
            elif len(res.rows) != rows:
                errors.append("a different number of rows")
                return
            done[i] += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"named query failed: {errors[0]}")
    return sum(done), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("store", help="build directory or store directory")
    p.add_argument("--requests", type=int, default=50, help="trivial requests (default 50)")
    p.add_argument("--query", default="members-of-forum", help="named question to repeat")
    p.add_argument("--seconds", type=float, default=10.0, help="throughput window")
    p.add_argument("--clients", type=int, default=4, help="threads asking the named question")
    args = p.parse_args(argv)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "regimekg.cli", "serve", "--build", args.store, "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert server.stdout is not None
        ready = server.stdout.readline()
        if "SPARQL endpoint at" not in ready:
            raise SystemExit(f"the server did not start: {ready}")
        started = time.perf_counter() - t0
        # the server logs every request: keep reading so it never blocks on a full pipe
        threading.Thread(target=server.stdout.read, daemon=True).start()
        url = f"http://127.0.0.1:{port}/query"
        trivial_latencies(url, 5)  # warm-up: the guard's parser, connections
        lat = sorted(trivial_latencies(url, args.requests))
        answers, elapsed = named_throughput(url, args.query, args.seconds, args.clients)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    p95 = lat[int(0.95 * (len(lat) - 1))]
    print(
        f"start {started:.2f} s; ASK {{}} x{len(lat)}: median {statistics.median(lat) * 1000:.1f}"
        f" ms, p95 {p95 * 1000:.1f} ms; {args.query} x{answers} in {elapsed:.1f} s from "
        f"{args.clients} clients: {answers / elapsed:.1f} answers/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
