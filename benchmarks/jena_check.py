"""Do the named queries run unchanged on Apache Jena (the engine inside Fuseki)?

Fuseki itself is not packaged for Debian, but Jena's ARQ query engine and TDB2 store are
(``apt-get install libapache-jena-java``, Jena 4.5). Fuseki answers queries with exactly
that engine, so running every named query through ``tdb2.tdbquery`` over a TDB2 database
loaded with ``tdb2.tdbloader`` checks what matters for a Fuseki deployment: the ``.rq`` files
are standard SPARQL 1.1 and give the same rows as pyoxigraph. Parameters are substituted the
way the query layer does it for any remote endpoint (:func:`regimekg.query.sparqltext.substitute`),
so the text Jena sees is the text a Fuseki endpoint would receive.

    python -m benchmarks.jena_check                         # on tests/fixtures/mini.trig
    python -m benchmarks.jena_check --data build/regimekg.nq

Debian's jena-core 4.5.0-2 relocates its embedded Xerces classes to ``xerces.*`` but leaves
their message bundles under ``org/apache/jena/ext/xerces``, so every command dies in
``XSDDatatype`` with "internal error"; the script puts copies of the bundles at the expected
path on the class path (nothing is installed or changed on the system).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
JAVA_DIR = Path("/usr/share/java")
JENA_MODULES = [
    "arq",
    "base",
    "cmds",
    "core",
    "dboe-base",
    "dboe-index",
    "dboe-storage",
    "dboe-trans-data",
    "dboe-transaction",
    "iri",
    "rdfconnection",
    "shacl",
    "shex",
    "tdb",
    "tdb2",
]
DEPENDENCIES = [
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpcore",
    "commons-logging",
    "jackson-core",
    "jackson-databind",
    "jackson-annotations",
    "jsonld-java",
    "jakarta.json-api",
    "protobuf",
    "slf4j-api",
    "slf4j-nop",
    "thrift",
    "titanium-json-ld",
]
JARS = [f"jena-{n}.jar" for n in JENA_MODULES] + [f"{n}.jar" for n in DEPENDENCIES]


def classpath(work: Path) -> str:
    """Jena's jars plus the relocated message bundles Debian's package misses."""
    missing = [j for j in JARS if not (JAVA_DIR / j).is_file()]
    if missing:
        raise SystemExit(
            f"Jena is not installed ({missing[0]} missing): apt-get install libapache-jena-java"
        )
    fix = work / "bundles"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as z:
        for name in z.namelist():
            prefix = "org/apache/jena/ext/xerces/"
            if name.startswith(prefix) and name.endswith(".properties"):
                target = fix / "xerces" / name[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(z.read(name))
    return ":".join([str(fix), *(str(JAVA_DIR / j) for j in JARS)])


def jena(cp: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["java", "-Xmx2g", "-cp", cp, *args], capture_output=True, text=True, timeout=600
    )


def _cell(b: dict[str, str] | None) -> str:
    """A result cell in a form both engines agree on (numbers by value, not lexical form)."""
    if b is None:
        return ""
    if b["type"] == "uri":
        return "<" + b["value"] + ">"
    if b["type"] == "bnode":
        return "_:"
    dt = b.get("datatype", "")
    if dt.endswith(("#integer", "#decimal", "#double", "#float", "#int", "#long")):
        return f"{float(b['value']):.6g}"
    lang = b.get("xml:lang", "")
    return json.dumps(b["value"], ensure_ascii=False) + (f"@{lang}" if lang else "")


def rows_of(data: dict[str, Any]) -> list[tuple[str, ...]]:
    if "boolean" in data:
        return [(str(data["boolean"]).lower(),)]
    names = data["head"]["vars"]
    return [tuple(_cell(b.get(n)) for n in names) for b in data["results"]["bindings"]]


def main(argv: list[str] | None = None) -> int:
    import pyoxigraph as ox

    from regimekg.errors import UserError
    from regimekg.namespaces import PREFIXES
    from regimekg.query import open as open_kg
    from regimekg.query import sparqltext

    p = argparse.ArgumentParser(prog="python -m benchmarks.jena_check", description=__doc__)
    p.add_argument("--data", default=str(ROOT / "tests" / "fixtures" / "mini.trig"))
    args = p.parse_args(argv)
    data = Path(args.data).resolve()

    with tempfile.TemporaryDirectory(prefix="jena-check-") as tmp:
        work = Path(tmp)
        cp = classpath(work)
        loc = work / "tdb2"
        load = jena(cp, "tdb2.tdbloader", "--loc", str(loc), str(data))
        if load.returncode != 0:
            print(load.stderr[-2000:], file=sys.stderr)
            return 1
        v = jena(cp, "tdb2.tdbquery", "--version")
        version = next((x for x in (v.stdout + v.stderr).split() if x[:1].isdigit()), "?")
        kg = open_kg(ROOT, store=data)
        store = ox.Store()
        fmt = ox.RdfFormat.from_extension(data.suffix.lstrip("."))
        store.load(path=str(data), format=fmt)

        same = differ = failed = 0
        lines = []
        for nq in kg.named_queries():
            params, _lang = nq.example_args()
            try:
                bindings = kg.bind(nq, params)
            except UserError:
                bindings = kg.bind(nq, {})
            declared = sparqltext.declared_prefixes(nq.text)
            prologue = "".join(
                f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items() if k not in declared
            )
            text = prologue + sparqltext.substitute(nq.text, bindings)
            qfile = work / f"{nq.name}.rq"
            qfile.write_text(text, encoding="utf-8")
            res = jena(
                cp,
                "tdb2.tdbquery",
                "--loc",
                str(loc),
                "--set",
                "tdb:unionDefaultGraph=true",
                "--results=json",
                "--query",
                str(qfile),
            )
            ours = store.query(text, use_default_graph_as_union=True)
            mine = json.loads(
                ours.serialize(format=ox.QueryResultsFormat.JSON) or b"{}"  # type: ignore[union-attr]
            )
            if res.returncode != 0:
                failed += 1
                err = (res.stderr.strip().splitlines() or ["?"])[0][:100]
                lines.append(f"| {nq.name} | {len(rows_of(mine))} | – | Jena error: {err} |")
                continue
            a, b = rows_of(mine), rows_of(json.loads(res.stdout))
            if Counter(a) == Counter(b):
                same += 1
                order = "same rows" + ("" if a == b else " (order of ties differs)")
            else:
                differ += 1
                only_ox = len(list((Counter(a) - Counter(b)).elements()))
                only_jena = len(list((Counter(b) - Counter(a)).elements()))
                order = f"**differ**: {only_ox} only in pyoxigraph, {only_jena} only in Jena"
            lines.append(f"| {nq.name} | {len(a)} | {len(b)} | {order} |")

    print(f"Jena {version} (ARQ + TDB2, union default graph); data: {data.name}")
    print()
    print("| query | rows (pyoxigraph) | rows (Jena) | result |")
    print("|---|---:|---:|---|")
    print("\n".join(lines))
    print()
    print(f"{same} same, {differ} differ, {failed} failed on Jena.")
    return 0 if differ == 0 and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
