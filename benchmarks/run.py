"""The benchmark harness: build, load, validate and query at several sizes, side by side.

Run on demand, never as a test (it takes minutes and both cores):

    python -m benchmarks.run                        # seed build + 10k + 100k + 1m
    python -m benchmarks.run --sizes 10k,100k       # skip the million-triple graph
    python -m benchmarks.run --sizes 10k --no-seed --quick  # a smoke run in seconds

One run measures, for the seed project and each synthetic size (:mod:`benchmarks.generate`):

* **build**: the build machinery on the data — rdflib graphs per named graph (what the loaders
  hand over), SHACL with the project's shapes (as ``regimekg build`` runs it), and
  :func:`regimekg.store.write_store` (pyoxigraph store + sorted N-Quads dump) — in a child
  process, with its peak RSS from ``getrusage``; the seed build is ``regimekg.build.build``;
* **load**: pyoxigraph ``bulk_load`` of the N-Quads into an on-disk store (triples/s);
* **queries**: every named query (``queries/*.rq``, default parameters) through the query
  layer (``regimekg.query``, which adds parameter binding and labels) and as a raw pyoxigraph
  query of the same text and bindings — median and p95 after one warm-up run; the same text
  on rdflib (a forked child per query, killed at ``--rdflib-cap`` seconds and reported as
  "> cap"); and through ``regimekg serve`` over HTTP;
* the targets of issue 7, each reported met or not met with its numbers.

Results go between the ``results`` markers of ``docs/performance.md`` (the text around them is
kept), and as JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
CO_MEMBERSHIP = "co-members"

TARGETS = {
    "seed_query_ms": 100.0,
    "million_query_s": 2.0,
    "co_membership_speedup": 50.0,
    "layer_overhead": 0.10,
    "seed_build_s": 15.0,
    "million_build_s": 300.0,
    "million_build_rss_gb": 4.0,
}


# --------------------------------------------------------------------------------- helpers


def peak_rss_mb() -> float:
    """Peak resident set of this process or of any child it waited for (Linux: KiB).

    The build computes metrics in a child process while SHACL runs, so the largest single
    process is the relevant peak; the two run at once, so the machine needs up to their sum.
    This process's own peak is ``VmHWM`` rather than ``RUSAGE_SELF``: Linux carries a
    process's ``ru_maxrss`` over ``fork`` and ``exec``, so a measuring child started by a
    large harness would report the harness's size. A grandchild inherits at most this
    process's size, which ``max`` absorbs.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        own = int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def stats(samples: list[float]) -> dict[str, float]:
    """Median and nearest-rank p95 of *samples* (seconds)."""
    s = sorted(samples)
    p95 = s[min(len(s) - 1, max(0, round(0.95 * len(s) + 0.5) - 1))]
    return {"median": statistics.median(s), "p95": p95, "n": len(s)}


#: A query whose warm-up run takes longer than this is timed once, not *repeat* times.
SLOW_SINGLE_RUN = 15.0


def timed(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> dict[str, float]:
    """Median and p95 of *repeat* runs after *warmup*; a very slow query is timed once."""
    samples = []
    for _ in range(warmup):
        t0 = time.perf_counter()
        fn()
        first = time.perf_counter() - t0
        if first > SLOW_SINGLE_RUN:
            return {**stats([first]), "single": True}
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return stats(samples)


def timed_pair(
    a: Callable[[], Any], b: Callable[[], Any], repeat: int
) -> tuple[dict[str, float], dict[str, float]]:
    """:func:`timed` for two functions whose runs alternate (a, b, a, b …) after one warm-up
    each, so that a burst of load from other work on the machine hits both alike."""
    first = []
    for fn in (a, b):
        t0 = time.perf_counter()
        fn()
        first.append(time.perf_counter() - t0)
    slow = [f > SLOW_SINGLE_RUN for f in first]
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for i, fn in enumerate((a, b)):
            if not slow[i]:
                t0 = time.perf_counter()
                fn()
                samples[i].append(time.perf_counter() - t0)
    out = [{**stats([first[i]]), "single": True} if slow[i] else stats(samples[i]) for i in (0, 1)]
    return out[0], out[1]


def run_child(args: list[str], timeout: float | None = None) -> dict[str, Any]:
    """Run this module as a child (fresh interpreter, own peak RSS); return its JSON line."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--child", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": tail[:300]}
    return json.loads(lines[-1])


def machine() -> dict[str, str]:
    def sh(cmd: str) -> str:
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"

    cpu = sh("grep -m1 'model name' /proc/cpuinfo").split(":", 1)[-1].strip()
    import pyoxigraph
    import pyshacl
    import rdflib

    return {
        "nproc": sh("nproc"),
        "cpu": cpu or platform.processor(),
        "free": sh("free -h"),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "pyshacl": pyshacl.__version__,
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


# ----------------------------------------------------------------------------- child tasks


def child_seed_build(out: str) -> dict[str, Any]:
    from regimekg.build import build
    from regimekg.paths import Project

    steps: list[tuple[float, str]] = []
    t0 = time.perf_counter()
    report = build(
        Project(ROOT), out, progress=lambda m: steps.append((time.perf_counter() - t0, m))
    )
    total = time.perf_counter() - t0
    shacl = _phase(steps, "SHACL")
    return {
        "seconds": total,
        "quads": report.quads,
        "shacl_s": shacl,
        "rss_mb": peak_rss_mb(),
    }


def _phase(steps: list[tuple[float, str]], word: str) -> float | None:
    """Seconds from the first progress step mentioning *word* to the next step that does not."""
    start = next((i for i, (_, m) in enumerate(steps) if word in m), None)
    if start is None:
        return None
    end = next((t for t, m in steps[start + 1 :] if word not in m), None)
    return None if end is None else end - steps[start][0]


def child_synthetic_build(nq: str, out: str, shacl: bool) -> dict[str, Any]:
    """The build's own stages on synthetic data: rdflib graphs → store → SHACL → dump.

    The seed build also computes the network metrics (in parallel with SHACL); that stage
    needs the curated project, so synthetic builds leave it out.
    """
    import inspect

    from rdflib import Dataset, Graph

    from regimekg import store, validate
    from regimekg.namespaces import ONTOLOGY_GRAPH
    from regimekg.paths import Project

    try:  # where the build loads shapes and ontology from (moved between modules over time)
        from regimekg import ontology as schema
    except ImportError:
        schema = validate  # type: ignore[assignment]

    t0 = time.perf_counter()
    ds = Dataset()
    ds.parse(nq, format="nquads")
    graphs = [(g.identifier, g) for g in ds.graphs() if len(g)]
    t_parse = time.perf_counter() - t0
    t2 = time.perf_counter()
    Path(out).mkdir(parents=True, exist_ok=True)
    store.write_store(Path(out), graphs)  # type: ignore[arg-type]
    t_store = time.perf_counter() - t2
    t_shacl = None
    violations = None
    if shacl:
        t1 = time.perf_counter()
        project = Project(ROOT)
        data = Graph()
        for name, g in graphs:
            if name != ONTOLOGY_GRAPH:
                data += g
        extra = (
            {"inplace": True}
            if "inplace" in inspect.signature(validate.validate_graph).parameters
            else {}
        )
        report = validate.validate_graph(
            data, schema.load_shapes(project), schema.load_ontology(project), **extra
        )
        violations = sum(1 for v in report.violations if v.severity == "Violation")
        t_shacl = time.perf_counter() - t1
    t3 = time.perf_counter()
    finish = getattr(store, "finish", None)  # compaction + sorted N-Quads dump
    n = finish(Path(out)) if finish else _count(Path(out) / store.STORE_DIR)
    t_store += time.perf_counter() - t3
    return {
        "seconds": time.perf_counter() - t0,
        "parse_s": t_parse,
        "shacl_s": t_shacl,
        "shacl_violations": violations,
        "store_s": t_store,
        "quads": n,
        "rss_mb": peak_rss_mb(),
    }


def child_load(nq: str, out: str) -> dict[str, Any]:
    import pyoxigraph as ox

    t0 = time.perf_counter()
    st = ox.Store(out)
    st.bulk_load(path=nq, format=ox.RdfFormat.N_QUADS)
    st.flush()
    st.optimize()
    n = len(st)
    del st
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "quads": n, "per_s": n / seconds, "rss_mb": peak_rss_mb()}


def child_rdflib(nq: str, plan: str, cap: float, repeat: int) -> dict[str, Any]:
    """Run each query of *plan* on rdflib in a forked child, killed after *cap* seconds."""
    from rdflib import Dataset

    from regimekg.namespaces import PREFIXES

    t0 = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(nq, format="nquads")
    load_s = time.perf_counter() - t0
    queries = json.loads(Path(plan).read_text(encoding="utf-8"))
    results: dict[str, Any] = {}
    for name, spec in queries.items():
        bindings = _rdflib_bindings(spec["bindings"])
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: time the query, report, exit without cleanup
            os.close(r)
            samples = []
            deadline = time.perf_counter() + cap
            for _ in range(repeat):
                t = time.perf_counter()
                list(ds.query(spec["text"], initNs=PREFIXES, initBindings=bindings or None))
                samples.append(time.perf_counter() - t)
                if time.perf_counter() > deadline:
                    break
            os.write(w, json.dumps(samples).encode())
            os._exit(0)
        os.close(w)
        ready, _, _ = select.select([r], [], [], cap)
        if ready:
            data = b""
            while chunk := os.read(r, 65536):
                data += chunk
            os.waitpid(pid, 0)
            results[name] = stats(json.loads(data)) if data else {"error": "no result"}
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            results[name] = {"capped": cap}
        os.close(r)
    return {"load_s": load_s, "queries": results, "rss_mb": peak_rss_mb()}


def _rdflib_bindings(spec: dict[str, list[str]]) -> dict[str, Any]:
    from rdflib import Literal, URIRef

    out: dict[str, Any] = {}
    for k, (kind, value, extra) in spec.items():
        if kind == "iri":
            out[k] = URIRef(value)
        elif extra.startswith("@"):
            out[k] = Literal(value, lang=extra[1:])
        else:
            out[k] = Literal(value, datatype=URIRef(extra) if extra else None)
    return out


def _binding_spec(bindings: dict[str, Any]) -> dict[str, list[str]]:
    from rdflib import URIRef

    spec = {}
    for k, v in bindings.items():
        if isinstance(v, URIRef):
            spec[k] = ["iri", str(v), ""]
        elif v.language:
            spec[k] = ["literal", str(v), "@" + v.language]
        else:
            spec[k] = ["literal", str(v), str(v.datatype) if v.datatype else ""]
    return spec


# ----------------------------------------------------------------------------- measurements


def query_plan(store_path: Path) -> dict[str, Any]:
    """Every named query with its default parameters bound (resolution done once, here)."""
    from regimekg.errors import UserError
    from regimekg.query import open as open_kg

    kg = open_kg(ROOT, store=store_path)
    plan: dict[str, Any] = {}
    for nq in kg.named_queries():
        try:
            bindings = kg.bind(nq, {})
        except UserError as e:
            plan[nq.name] = {"text": nq.text, "error": str(e)}
            continue
        plan[nq.name] = {"text": nq.text, "bindings": _binding_spec(bindings)}
    kg.close()
    return plan


def embedded_queries(store_path: Path, plan: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Query layer vs raw pyoxigraph on the same store, per named query: the first call on a
    fresh ``KG`` (nothing cached: names, labels, terms), then warm runs of both, alternating."""
    import pyoxigraph as ox

    from regimekg.query import open as open_kg
    from regimekg.terms import to_ox

    kg = open_kg(ROOT, store=store_path)
    raw_store = ox.Store.read_only(str(store_path))
    from regimekg.namespaces import PREFIXES

    out: dict[str, Any] = {}
    for name, spec in plan.items():
        if "error" in spec:
            out[name] = {"error": spec["error"]}
            continue
        bindings = _rdflib_bindings(spec["bindings"])
        subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()} or None

        def raw(text: str = spec["text"], subs: Any = subs) -> int:
            res = raw_store.query(
                text, use_default_graph_as_union=True, prefixes=PREFIXES, substitutions=subs
            )
            return sum(1 for _ in res) if not isinstance(res, ox.QueryBoolean) else 1

        def layer(name: str = name) -> int:
            return len(kg.query(name).rows)

        t0 = time.perf_counter()
        fresh = open_kg(ROOT, store=store_path)
        t1 = time.perf_counter()
        rows = len(fresh.query(name).rows)
        first_call = time.perf_counter() - t1
        fresh.close()
        raw_t, layer_t = timed_pair(raw, layer, repeat)
        out[name] = {"rows": rows, "raw": raw_t, "layer": layer_t, "first_call": first_call}
        print(
            f"    {name}: {rows} rows, raw {out[name]['raw']['median']:.3f} s "
            f"({time.perf_counter() - t0:.0f} s in all)",
            file=sys.stderr,
            flush=True,
        )
    kg.close()
    return out


def http_queries(store_path: Path, plan: dict[str, Any], repeat: int) -> dict[str, Any]:
    """The query layer against ``regimekg serve`` (guarded front end, engine workers) over HTTP."""
    from regimekg.errors import UserError
    from regimekg.query import open as open_kg
    from regimekg.serve import running

    out: dict[str, Any] = {}
    with running(store_path, timeout=30.0) as ep:
        kg = open_kg(ROOT, endpoint=ep.url)
        for name, spec in plan.items():
            if "error" in spec:
                continue

            def call(name: str = name) -> int:
                return len(kg.query(name).rows)

            try:
                out[name] = timed(call, repeat)
            except UserError as e:
                out[name] = {"error": str(e)[:200]}
        out["_restarts"] = ep.restarts
    return out


def guard_costs(plan: dict[str, Any]) -> dict[str, float]:
    """Seconds :func:`regimekg.guard.inspect_query` takes on each named query's endpoint text
    the first time it sees it (``serve`` caches verdicts by text, so repeats cost nothing)."""
    from regimekg.guard import inspect_query
    from regimekg.namespaces import PREFIXES
    from regimekg.query import sparqltext

    out: dict[str, float] = {}
    for name, spec in plan.items():
        if "error" in spec:
            continue
        bindings = _rdflib_bindings(spec["bindings"])
        declared = sparqltext.declared_prefixes(spec["text"])
        prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items() if k not in declared)
        text = prologue + sparqltext.substitute(spec["text"], bindings)
        t0 = time.perf_counter()
        inspect_query.__wrapped__(text)  # type: ignore[attr-defined]
        out[name] = time.perf_counter() - t0
    return out


# ------------------------------------------------------------------------------------ report


def fmt_s(st: dict[str, Any] | None, key: str = "median") -> str:
    if not st:
        return "–"
    if "capped" in st:
        return f"> {st['capped']:g} s"
    if "error" in st:
        return "failed¹" if key == "median" else "–"
    v = st[key]
    text = f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"
    return text + (" (1 run)" if st.get("single") and key == "median" else "")


def ratio(slow: dict[str, Any] | None, fast: dict[str, Any] | None) -> str:
    if not slow or not fast or "median" not in fast:
        return "–"
    if "capped" in slow:
        return f"> {slow['capped'] / fast['median']:.0f}×"
    if "median" not in slow:
        return "–"
    return f"{slow['median'] / fast['median']:.0f}×"


def overhead(entry: dict[str, Any]) -> float | None:
    if "layer" not in entry:
        return None
    return entry["layer"]["median"] / entry["raw"]["median"] - 1


def render(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [
        START,
        "",
        f"Run of {res['date']}, command:",
        "",
        "```",
        res["command"],
        "```",
        "",
        f"Machine: {m['nproc']} CPU cores ({m['cpu']}), kernel {m['kernel']}, Python "
        f"{m['python']}, pyoxigraph {m['pyoxigraph']}, {m['oxigraph']}, rdflib {m['rdflib']}, "
        f"pySHACL {m['pyshacl']}; load average at the start {m.get('load', '?')}. `free -h`:",
        "",
        "```",
        m["free"],
        "```",
        "",
        "### Targets",
        "",
        "| target | measured | met? |",
        "|---|---|---|",
    ]
    for t in res["targets"]:
        lines.append(f"| {t['target']} | {t['measured']} | {t['verdict']} |")
    lines += [
        "",
        "### Build, validation and load",
        "",
        "| graph | quads | build total | rdflib graphs | SHACL | store + dump | peak RSS "
        "| bulk load | load rate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, g in res["graphs"].items():
        b = g.get("build", {})
        ld = g.get("load", {})
        if "error" in b:
            build_cells = ["failed: " + b["error"][:80].replace("|", "/")] + ["–"] * 4
        else:
            shacl = "–" if b.get("shacl_s") is None else f"{b['shacl_s']:.1f} s"
            if b.get("shacl_violations"):
                shacl += f" ({b['shacl_violations']} violations)"
            build_cells = [
                f"{b['seconds']:.1f} s" if b else "–",
                f"{b['parse_s']:.1f} s" if b.get("parse_s") is not None else "–",
                shacl,
                f"{b['store_s']:.1f} s" if b.get("store_s") is not None else "–",
                f"{b['rss_mb'] / 1024:.2f} GB" if b else "–",
            ]
        load_cells = (
            [f"{ld['seconds']:.1f} s", f"{ld['per_s'] / 1000:.0f} k/s"]
            if "seconds" in ld
            else ["–", "–"]
        )
        lines.append(
            f"| {label} | {g.get('quads', '–'):,} | " + " | ".join(build_cells + load_cells) + " |"
        )
    for label, g in res["graphs"].items():
        q = g.get("queries")
        if not q:
            continue
        rd = g.get("rdflib", {}).get("queries", {})
        http = g.get("http", {})
        lines += [
            "",
            f"### Named queries on {label} ({g.get('quads', 0):,} quads)",
            "",
            "Medians (p95) over the repeats; *layer* = `regimekg.query` (binding + labels), "
            "*raw* = the same text and bindings on pyoxigraph; rdflib is the raw text on an "
            "rdflib `Dataset`.",
            "",
            "| query | rows | layer | raw pyoxigraph | overhead | rdflib | rdflib ÷ raw | HTTP |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, e in sorted(q.items()):
            if "error" in e:
                lines.append(f"| {name} | n/a: {e['error'][:60]} | | | | | | |")
                continue
            ov = overhead(e)
            lines.append(
                f"| {name} | {e['rows']} | {fmt_s(e['layer'])} ({fmt_s(e['layer'], 'p95')}) | "
                f"{fmt_s(e['raw'])} ({fmt_s(e['raw'], 'p95')}) | "
                f"{'–' if ov is None else f'{ov * 100:+.0f} %'} | "
                f"{fmt_s(rd.get(name))} | {ratio(rd.get(name), e['raw'])} | "
                f"{fmt_s(http.get(name))} ({fmt_s(http.get(name), 'p95')}) |"
            )
        firsts = {n: e["first_call"] for n, e in q.items() if "first_call" in e}
        if firsts:
            slowest = max(firsts, key=firsts.__getitem__)
            median_ms = statistics.median(firsts.values()) * 1000
            lines += [
                "",
                "First call of each query on a freshly opened `KG` (nothing cached: catalogue, "
                "names, labels, terms; the table's *layer* is warm): median "
                f"{median_ms:.1f} ms, slowest {slowest} "
                f"{firsts[slowest] * 1000:.1f} ms.",
            ]
        if g.get("rdflib", {}).get("load_s") is not None:
            lines.append("")
            lines.append(f"rdflib load of this graph: {g['rdflib']['load_s']:.1f} s.")
        elif q:
            lines += ["", "rdflib was not run at this size (`--rdflib-sizes`)."]
        failed = sorted({v["error"] for v in http.values() if isinstance(v, dict) and "error" in v})
        if failed:
            n = sum(1 for v in http.values() if isinstance(v, dict) and "error" in v)
            lines += [
                "",
                f"¹ {n} queries failed over HTTP; the distinct messages were: "
                + "; ".join(f"“{m[:160]}”" for m in failed[:3]),
            ]
        if http.get("_restarts"):
            lines.append(f"The HTTP run restarted Oxigraph {http['_restarts']} time(s).")
    guard = res.get("guard")
    if guard:
        vals = sorted(guard.values())
        slow = max(guard.items(), key=lambda kv: kv[1])
        lines += [
            "",
            "### The SPARQL guard",
            "",
            f"`regimekg.guard.inspect_query` on each named query's endpoint text, first sight "
            f"(uncached): median {statistics.median(vals) * 1000:.0f} ms, slowest {slow[0]} "
            f"{slow[1] * 1000:.0f} ms. `serve` caches verdicts by text, so the HTTP timings "
            "above (after a warm-up run) do not include it.",
        ]
    lines += ["", END]
    return "\n".join(lines)


def evaluate(res: dict[str, Any]) -> list[dict[str, str]]:
    """Each issue-7 target with the measured value and met / not met."""
    out: list[dict[str, str]] = []

    def add(target: str, measured: str, ok: bool | None) -> None:
        verdict = "not measured" if ok is None else ("met" if ok else "**not met**")
        out.append({"target": target, "measured": measured, "verdict": verdict})

    graphs = res["graphs"]
    seed = graphs.get("seed", {})
    b = seed.get("build", {})
    if "seconds" in b:
        add("full seed build ≤ 15 s", f"{b['seconds']:.1f} s", b["seconds"] <= 15)
    else:
        add("full seed build ≤ 15 s", b.get("error", "not run")[:120], None)

    def worst(label: str) -> tuple[str, float] | None:
        q = graphs.get(label, {}).get("queries", {})
        meds = [(n, e["layer"]["median"]) for n, e in q.items() if "layer" in e]
        return max(meds, key=lambda x: x[1]) if meds else None

    w = worst("seed")
    if w:
        add(
            "every named query ≤ 100 ms median on the seed graph (query layer)",
            f"slowest {w[0]}: {w[1] * 1000:.1f} ms",
            w[1] <= 0.1,
        )
    else:
        add("every named query ≤ 100 ms median on the seed graph", "not run", None)
    w = worst("1m")
    if w:
        add(
            "every named query ≤ 2 s median on 1 M triples (query layer)",
            f"slowest {w[0]}: {w[1]:.2f} s",
            w[1] <= 2,
        )
    else:
        add("every named query ≤ 2 s median on 1 M triples", "not run", None)

    g10 = graphs.get("10k", {})
    ox_e = g10.get("queries", {}).get(CO_MEMBERSHIP, {})
    rd_e = g10.get("rdflib", {}).get("queries", {}).get(CO_MEMBERSHIP)
    if "raw" in ox_e and rd_e and ("median" in rd_e or "capped" in rd_e):
        fast = ox_e["raw"]["median"]
        slow = rd_e.get("median", rd_e.get("capped"))
        bound = "> " if "capped" in rd_e else ""
        add(
            f"co-membership query (`{CO_MEMBERSHIP}`) ≥ 50× faster than rdflib at 10 k",
            f"{bound}{slow / fast:.0f}× ({fmt_s(rd_e)} vs {fmt_s(ox_e['raw'])})",
            slow / fast >= 50,
        )
    else:
        add("co-membership query ≥ 50× faster than rdflib at 10 k", "not run", None)

    for label in ("seed", "10k", "100k", "1m"):
        q = graphs.get(label, {}).get("queries", {})
        pairs = [(e["layer"]["median"], e["raw"]["median"]) for e in q.values() if "layer" in e]
        if not pairs:
            continue
        total = sum(a for a, _ in pairs) / sum(b for _, b in pairs) - 1
        per = sorted(a / b - 1 for a, b in pairs)
        add(
            f"query-layer overhead ≤ 10 % over raw pyoxigraph ({label})",
            f"total {total * 100:+.0f} %, per-query median {statistics.median(per) * 100:+.0f} %",
            total <= TARGETS["layer_overhead"],
        )

    b = graphs.get("1m", {}).get("build", {})
    if "seconds" in b:
        gb = b["rss_mb"] / 1024
        add(
            "1 M-triple build ≤ 5 min and ≤ 4 GB peak RSS",
            f"{b['seconds']:.0f} s, {gb:.2f} GB",
            b["seconds"] <= 300 and gb <= 4,
        )
    else:
        add("1 M-triple build ≤ 5 min and ≤ 4 GB peak RSS", b.get("error", "not run"), None)
    return out


def write_doc(text: str, path: Path = DOC) -> None:
    """Replace the results block of *path*, keeping the hand-written text around it."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if START in old and END in old:
        new = old[: old.index(START)] + text + old[old.index(END) + len(END) :]
    else:
        new = (old.rstrip() + "\n\n" if old else "# Performance\n\n") + text + "\n"
    path.write_text(new, encoding="utf-8")


# -------------------------------------------------------------------------------------- main


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks import generate

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "command": "python -m benchmarks.run " + " ".join(args.argv),
        "machine": machine(),
        "graphs": {},
    }

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    runs: list[tuple[str, Path | None]] = []
    if args.seed:
        runs.append(("seed", None))
    for size in [s for s in args.sizes.split(",") if s]:
        log(f"generating {size}")
        runs.append((size, generate.cached(size, work / "data")))

    for label, nq in runs:
        g: dict[str, Any] = {}
        res["graphs"][label] = g
        out = Path(tempfile.mkdtemp(prefix=f"build-{label}-", dir=work))
        try:
            if nq is None:
                log("seed: regimekg build")
                g["build"] = run_child(["seed-build", str(out / "build")])
                store_path = out / "build" / "store"
                if not (store_path / "CURRENT").is_file() and args.seed_store:
                    store_path = Path(args.seed_store)
                if not (store_path / "CURRENT").is_file():
                    continue
                g["quads"] = g["build"].get("quads") or _count(store_path)
                nq_path = None
            else:
                shacl = label in args.shacl_sizes.split(",")
                if label in args.build_sizes.split(","):
                    log(f"{label}: build stages (SHACL: {shacl})")
                    g["build"] = run_child(
                        ["synthetic-build", str(nq), str(out / "build"), str(int(shacl))]
                    )
                log(f"{label}: bulk load")
                store_path = out / "store"
                g["load"] = run_child(["load", str(nq), str(store_path)])
                g["quads"] = g["load"].get("quads", 0)
                nq_path = nq
            log(f"{label}: named queries, embedded")
            plan = query_plan(store_path)
            repeat = args.repeat if label != "1m" else max(3, args.repeat // 2)
            g["queries"] = embedded_queries(store_path, plan, repeat)
            if label in args.rdflib_sizes.split(",") and (
                nq_path or store_path.parent.joinpath("regimekg.nq").is_file()
            ):
                src = nq_path or (store_path.parent / "regimekg.nq")
                plan_file = out / "plan.json"
                plan_file.write_text(json.dumps(plan), encoding="utf-8")
                log(f"{label}: named queries, rdflib (cap {args.rdflib_cap:g} s)")
                g["rdflib"] = run_child(
                    ["rdflib", str(src), str(plan_file), str(args.rdflib_cap), "3"]
                )
            if label in args.http_sizes.split(","):
                if "guard" not in res:
                    log("guard cost per named query (uncached)")
                    res["guard"] = guard_costs(plan)
                log(f"{label}: named queries over HTTP")
                g["http"] = http_queries(store_path, plan, repeat)
        finally:
            if not args.keep:
                shutil.rmtree(out, ignore_errors=True)
    res["targets"] = evaluate(res)
    return res


def _count(store_path: Path) -> int:
    import pyoxigraph as ox

    st = ox.Store.read_only(str(store_path))
    n = len(st)
    del st
    return n


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--child":
        task, rest = argv[1], argv[2:]
        if task == "seed-build":
            out = child_seed_build(rest[0])
        elif task == "synthetic-build":
            out = child_synthetic_build(rest[0], rest[1], rest[2] == "1")
        elif task == "load":
            out = child_load(rest[0], rest[1])
        elif task == "rdflib":
            out = child_rdflib(rest[0], rest[1], float(rest[2]), int(rest[3]))
        else:
            raise SystemExit(f"unknown child task {task}")
        print(json.dumps(out))
        return 0

    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    p.add_argument("--sizes", default="10k,100k,1m", help="synthetic sizes (10k,100k,1m)")
    p.add_argument("--no-seed", dest="seed", action="store_false", help="skip the seed build")
    p.add_argument("--seed-store", help="store to query when the seed build fails")
    p.add_argument("--build-sizes", default="10k,100k,1m", help="sizes to run the build on")
    p.add_argument("--shacl-sizes", default="10k,100k,1m", help="sizes whose build runs SHACL")
    p.add_argument("--rdflib-sizes", default="seed,10k,100k", help="sizes to run rdflib on")
    p.add_argument("--http-sizes", default="seed,10k,100k,1m", help="sizes to query over HTTP")
    p.add_argument("--rdflib-cap", type=float, default=10.0, help="seconds per rdflib query")
    p.add_argument("--repeat", type=int, default=7, help="timed runs per query")
    p.add_argument("--quick", action="store_true", help="3 repeats, 5 s rdflib cap")
    p.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "regimekg-bench"))
    p.add_argument("--keep", action="store_true", help="keep the built stores in --work")
    p.add_argument("--doc", default=str(DOC), help="Markdown file to update")
    p.add_argument("--json", help="also write the raw results here")
    args = p.parse_args(argv)
    args.argv = argv
    if args.quick:
        args.repeat, args.rdflib_cap = 3, 5.0
    res = measure(args)
    text = render(res)
    write_doc(text, Path(args.doc))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1, ensure_ascii=False), "utf-8")
    for t in res["targets"]:
        print(f"{t['verdict']:>14}  {t['target']}: {t['measured']}")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
