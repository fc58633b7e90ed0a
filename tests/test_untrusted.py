"""Untrusted input that could make regimekg fetch, read or change something (issue 8, item 3).

1. **Parsers never fetch.** ``regimekg validate FILE`` parses a file from anyone. RDF/XML with
   external entities or a remote DTD, entity-expansion bombs, and JSON-LD whose ``@context`` or
   ``@import`` names another document (``http:``, ``file:``, a relative name) are run in a CLI
   subprocess under an audit hook that records — and blocks — every socket, DNS lookup, URL
   request and every open of the "secret" files those documents point at. The record must be
   empty: nothing is fetched and nothing is read, whether the file is refused or accepted.
2. **Untrusted SPARQL is refused.** ``regimekg sparql`` and ``regimekg serve`` refuse
   ``SERVICE``, ``LOAD``, ``FROM``/``FROM NAMED`` outside the regimekg graphs (``file:``,
   ``http:``), and every SPARQL Update form, with one sentence; the store is unchanged
   afterwards, a loopback "SERVICE target" never hears from the server, and a runaway query is
   stopped by the CLI's ``--timeout``.

The whole module also runs under the suite's network guard (pytest-socket, configured in
``pyproject.toml``: loopback and Unix sockets only).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from regimekg import cli
from regimekg.serve import Endpoint, running
from regimekg.validate import load_graphs
from tests.conftest import ROOT

SECRET = "TOP-SECRET-7f3a91"
CLI = [sys.executable, "-m", "regimekg.cli", "--root", str(ROOT)]
#: RFC 5737 documentation address: never a real host, even if a guard failed open.
BLACKHOLE = "192.0.2.10"

RDF_HEAD = '<?xml version="1.0"?>\n'
RDF_BODY = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://w3id.org/regimekg/id/institution/g7">
    <rdfs:comment>{body}</rdfs:comment>
  </rdf:Description>
</rdf:RDF>
"""
G7 = "https://w3id.org/regimekg/id/institution/g7"


def _rdf(doctype: str, body: str) -> str:
    return RDF_HEAD + doctype + "\n" + RDF_BODY.format(body=body)


def _jsonld(context: object) -> str:
    return json.dumps({"@context": context, "@id": G7, "label": "Group of Seven"})


def parser_cases(secret_dir: Path) -> dict[str, tuple[str, str | None]]:
    """File name → (content, fragment of the refusal, or None when the file is accepted)."""
    secret_txt = (secret_dir / "secret.txt").as_uri()
    secret_ctx = (secret_dir / "context.jsonld").as_uri()
    rel_ctx = f"../{secret_dir.name}/context.jsonld"
    laughs = "".join(f'  <!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">\n' for i in range(1, 8))
    return {
        "xxe-file.rdf": (
            _rdf(f'<!DOCTYPE rdf:RDF [\n  <!ENTITY s SYSTEM "{secret_txt}">\n]>', "&s;"),
            "external entity 's'",
        ),
        "xxe-relative.rdf": (
            _rdf(
                f'<!DOCTYPE rdf:RDF [\n  <!ENTITY s SYSTEM "../{secret_dir.name}/secret.txt">\n]>',
                "&s;",
            ),
            "external entity 's'",
        ),
        "xxe-http.rdf": (
            _rdf(
                f'<!DOCTYPE rdf:RDF [\n  <!ENTITY r SYSTEM "http://{BLACKHOLE}/x.txt">\n]>', "&r;"
            ),
            "external entity 'r'",
        ),
        "xxe-parameter.rdf": (
            _rdf(
                f'<!DOCTYPE rdf:RDF [\n  <!ENTITY % d SYSTEM "http://{BLACKHOLE}/e.dtd">\n'
                "  %d;\n]>",
                "x",
            ),
            "parameter entity 'd'",
        ),
        "entity-bomb.rdf": (
            _rdf(f'<!DOCTYPE rdf:RDF [\n  <!ENTITY l0 "lol">\n{laughs}]>', "&l7;"),
            "never expands XML entities",
        ),
        "entity-bomb-nested-first.rdf": (
            _rdf(f"<!DOCTYPE rdf:RDF [\n{laughs}]>", "&l7;"),
            "expands other entities",
        ),
        # Refused since no entity is ever expanded: even a plain abbreviation could be one
        # large value referenced a million times (quadratic blow-up).
        "plain-entities.rdf": (
            _rdf(
                '<!DOCTYPE rdf:RDF [\n  <!ENTITY rkg "https://w3id.org/regimekg/ontology#">\n]>',
                "&rkg;Forum",
            ),
            "never expands XML entities",
        ),
        "context-http.jsonld": (_jsonld(f"http://{BLACKHOLE}/context.jsonld"), "names another"),
        "context-file.jsonld": (_jsonld(secret_ctx), "names another document"),
        "context-relative.jsonld": (_jsonld(rel_ctx), "names another document"),
        "context-list.jsonld": (
            _jsonld([{"label": "http://www.w3.org/2000/01/rdf-schema#label"}, secret_ctx]),
            "names another document",
        ),
        "context-import.jsonld": (
            _jsonld({"@import": f"http://{BLACKHOLE}/base.jsonld"}),
            "JSON-LD @import",
        ),
        "context-scoped.jsonld": (
            _jsonld({"member": {"@id": "http://www.w3.org/ns/org#member", "@context": rel_ctx}}),
            "names another document",
        ),
        # Accepted: nothing in them is fetched, and nothing needs to be refused.
        "doctype-system.rdf": (
            _rdf(f'<!DOCTYPE rdf:RDF SYSTEM "http://{BLACKHOLE}/rdf.dtd">', "plain"),
            None,
        ),
        "inline-context.jsonld": (
            _jsonld({"label": "http://www.w3.org/2000/01/rdf-schema#label"}),
            None,
        ),
        "owl-imports.ttl": (
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
            f"<{G7}> owl:imports <http://{BLACKHOLE}/ontology.ttl> , <{secret_txt}> .\n",
            None,
        ),
    }


#: ``python -m regimekg.cli ARGS`` under an audit hook that records and blocks every network
#: operation and every open of a path inside the secret directory (first two arguments: the
#: JSON log to write and the secret directory).
AUDITED_CLI = """
import json, sys
log, secret = sys.argv.pop(1), sys.argv.pop(1)
events = []
NET = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"}
def hook(event, args):
    if event in NET:
        events.append([event, repr(args)[:200]])
        raise PermissionError("blocked " + event)
    if event == "open" and args and isinstance(args[0], str) and secret in args[0]:
        events.append([event, args[0]])
        raise PermissionError("blocked read of " + args[0])
sys.addaudithook(hook)
from regimekg.cli import main
try:
    rc = main(sys.argv[1:])
finally:
    with open(log, "w") as f:
        json.dump(events, f)
sys.exit(rc)
"""


@pytest.fixture(scope="module")
def untrusted_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    base = tmp_path_factory.mktemp("untrusted")
    secret_dir = base / "secret-area"
    secret_dir.mkdir()
    (secret_dir / "secret.txt").write_text(SECRET, "utf-8")
    (secret_dir / "context.jsonld").write_text(
        json.dumps({"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}}),
        "utf-8",
    )
    incoming = base / "incoming"
    incoming.mkdir()
    cases = parser_cases(secret_dir)
    for name, (content, _) in cases.items():
        (incoming / name).write_text(content, "utf-8")
    return incoming, secret_dir, cases


def _audited(args: list[str], workdir: Path, secret_dir: Path) -> tuple[int, str, list]:
    log = workdir / f"audit-{hashlib.sha1(' '.join(args).encode()).hexdigest()[:10]}.json"
    proc = subprocess.run(
        [sys.executable, "-c", AUDITED_CLI, str(log), str(secret_dir), "--root", str(ROOT), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=workdir,
    )
    events = json.loads(log.read_text()) if log.is_file() else ["(no audit log written)"]
    return proc.returncode, proc.stdout + proc.stderr, events


@pytest.fixture(scope="module")
def validated(untrusted_files: tuple[Path, Path, dict]) -> dict[str, tuple[int, str, list]]:
    """`regimekg validate` on every file: refused ones one by one, accepted ones together."""
    incoming, secret_dir, cases = untrusted_files
    refused = [n for n, (_, frag) in cases.items() if frag is not None]
    accepted = [n for n, (_, frag) in cases.items() if frag is None]
    runs = [[n] for n in refused] + [accepted]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outs = list(
            pool.map(
                lambda names: _audited(
                    ["validate", *(str(incoming / n) for n in names)], incoming, secret_dir
                ),
                runs,
            )
        )
    results: dict[str, tuple[int, str, list]] = {}
    for names, out in zip(runs, outs, strict=True):
        for n in names:
            results[n] = out
    return results


def _case_ids() -> list[str]:
    return sorted(parser_cases(Path("/nonexistent/secret-area")))


@pytest.mark.parametrize("name", _case_ids())
def test_parsers_never_fetch_or_read_referenced_files(
    name: str,
    untrusted_files: tuple[Path, Path, dict],
    validated: dict[str, tuple[int, str, list]],
) -> None:
    _, _, cases = untrusted_files
    rc, output, events = validated[name]
    assert events == [], f"{name}: the parser tried {events}"
    assert SECRET not in output
    assert "Traceback" not in output, output
    fragment = cases[name][1]
    if fragment is None:
        assert rc == 0, output
        assert "SHACL: conforms." in output
    else:
        assert rc == 2, output
        lines = [ln for ln in output.splitlines() if ln.startswith("regimekg:")]
        assert len(lines) == 1 and fragment in lines[0] and name in lines[0], output


def test_accepted_documents_do_not_carry_referenced_content(
    untrusted_files: tuple[Path, Path, dict],
) -> None:
    """In-process (under the network guard): what the parser builds holds no secret text,
    and the accepted documents' own statements are there."""
    incoming, _, cases = untrusted_files
    accepted = [incoming / n for n, (_, frag) in cases.items() if frag is None]
    g = load_graphs(accepted)
    texts = [str(o) for o in g.objects()]
    assert not any(SECRET in t for t in texts)
    assert "plain" in texts


def test_the_audit_harness_sees_a_real_fetch(untrusted_files: tuple[Path, Path, dict]) -> None:
    """Control: a command that does contact a host (a remote endpoint) is caught and blocked,
    so an empty record above means nothing was attempted."""
    incoming, secret_dir, _ = untrusted_files
    rc, output, events = _audited(
        ["sparql", "--endpoint", f"http://{BLACKHOLE}/sparql", "ASK {}"], incoming, secret_dir
    )
    assert rc == 2, output
    assert [e[0] for e in events][:1] in (["urllib.Request"], ["socket.connect"]), events
    assert "cannot be reached" in output


def test_pyoxigraph_refuses_remote_contexts_too(untrusted_files: tuple[Path, Path, dict]) -> None:
    """The store's own parser (used to load RDF files as stores) never loads a remote context."""
    incoming, _, _ = untrusted_files
    for name in ("context-http.jsonld", "context-file.jsonld", "context-relative.jsonld"):
        with pytest.raises(SyntaxError):
            list(ox.parse(path=str(incoming / name), format=ox.RdfFormat.JSON_LD))


# ------------------------------------------------------------------------------ SPARQL


def hostile_queries(target: str) -> dict[str, str]:
    """Query id → text, each one something the guard must refuse; *target* is a URL that
    must never be contacted."""
    g = "https://w3id.org/regimekg/graph/curated"
    return {
        "service": f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "service-silent-lowercase": (
            f"select * where {{ service silent <{target}> {{ ?s ?p ?o }} }}"
        ),
        "service-escaped": rf"SELECT * WHERE {{ \u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        "service-in-exists": (
            f"SELECT ?s WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}"
        ),
        "service-in-subquery": (
            f"SELECT ?s WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}"
        ),
        "from-file": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "from-named-file": (
            "SELECT * FROM NAMED <file:///etc/hostname> WHERE { GRAPH ?g { ?s ?p ?o } }"
        ),
        "from-http": f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
        "from-prefixed-file": "PREFIX f: <file:///etc/> SELECT * FROM f:passwd WHERE { ?s ?p ?o }",
        "from-relative-base": "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }",
        "load": f"LOAD <{target}>",
        "load-into": f"LOAD SILENT <file:///etc/passwd> INTO GRAPH <{g}>",
        "insert-data": f"INSERT DATA {{ GRAPH <{g}> {{ <urn:a> <urn:b> <urn:c> }} }}",
        "delete-data": f'DELETE DATA {{ GRAPH <{g}> {{ <urn:a> <urn:b> "c" }} }}',
        "delete-where": "DELETE WHERE { ?s ?p ?o }",
        "modify": "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "with-modify": f"WITH <{g}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        "using": f"INSERT {{ ?s a ?t }} USING <{g}> WHERE {{ ?s a ?t }}",
        "clear": "CLEAR ALL",
        "create": f"CREATE GRAPH <{g}-new>",
        "drop": "DROP SILENT DEFAULT",
        "copy": f"COPY DEFAULT TO <{g}>",
        "move": f"MOVE <{g}> TO DEFAULT",
        "add": f"ADD <{g}> TO DEFAULT",
        "query-then-update": "SELECT * WHERE { ?s ?p ?o } ;\nDROP ALL",
        "update-after-comment": "# just a question\nclear   all",
    }


def _store_state(store_dir: Path) -> tuple[int, str]:
    """Quad count and digest of the whole store's content."""
    store = ox.Store.read_only(str(store_dir))
    dump = ox.serialize(store, format=ox.RdfFormat.N_QUADS) or b""
    n = len(store)
    del store
    return n, hashlib.sha256(b"\n".join(sorted(dump.splitlines()))).hexdigest()


def test_cli_sparql_refuses_every_hostile_form(
    built: Path,
    listener: tuple[str, list[bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    target, seen = listener
    before = _store_state(built / "store")
    for qid, text in hostile_queries(target).items():
        rc = cli.main(
            ["--root", str(ROOT), "sparql", "--out", str(built), "--timeout", "120", text]
        )
        out, err = capsys.readouterr()
        assert rc == 2, (qid, out, err)
        assert out == "", qid
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("regimekg: "), (qid, err)
        assert "not allowed" in lines[0], (qid, lines[0])
    assert seen == []
    assert _store_state(built / "store") == before
    rc = cli.main(["--root", str(ROOT), "sparql", "--out", str(built), "ASK { ?s ?p ?o }"])
    assert rc == 0 and "yes" in capsys.readouterr().out.split()


def test_cli_sparql_stops_a_runaway_query(built: Path) -> None:
    """A query that would run for minutes ends with one sentence and exit 2 at --timeout."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    proc = subprocess.run(
        [*CLI, "sparql", "--out", str(built), "--timeout", "1.5", slow],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "regimekg: the query ran longer than the 1.5 s limit and was stopped: narrow it (more "
        "specific patterns, a LIMIT) or pass a larger --timeout."
    ]


def _http(url: str, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple:
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    conn.request(method, path, body, headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[Endpoint]:
    with running(built, timeout=5.0) as ep:
        yield ep


def test_serve_refuses_every_hostile_form(
    built: Path, served: Endpoint, listener: tuple[str, list[bytes]]
) -> None:
    target, seen = listener
    before = _store_state(built / "store")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for qid, text in hostile_queries(target).items():
        get = "/query?" + urllib.parse.urlencode({"query": text})
        for method, path, body, headers in (
            ("GET", get, b"", {}),
            ("POST", "/query", urllib.parse.urlencode({"query": text}).encode(), form),
            ("POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query"}),
        ):
            status, message = _http(served.url, method, path, body, headers)
            assert status in (400, 403), (qid, method, status, message)
            assert message.count("\n") == 1 and "not allowed" in message, (qid, message)
    for method, path, body, headers in (
        ("POST", "/update", b"update=DROP%20ALL", form),
        ("POST", "/query", b"update=CLEAR%20ALL", form),
        ("POST", "/query", b"DROP ALL", {"Content-Type": "application/sparql-update"}),
        ("PUT", "/store?default", b"<urn:a> <urn:b> <urn:c> .", {}),
        ("DELETE", "/store?default", b"", {}),
    ):
        status, message = _http(served.url, method, path, body, headers)
        assert status in (403, 405), (path, status, message)
    dataset = "/query?" + urllib.parse.urlencode(
        {"query": "ASK { ?s ?p ?o }", "default-graph-uri": "file:///etc/passwd"}
    )
    status, message = _http(served.url, "GET", dataset, b"", {})
    assert status == 400 and "not allowed" in message
    assert seen == []
    assert _store_state(built / "store") == before
    ok = "/query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    status, answer = _http(served.url, "GET", ok, b"", {})
    assert status == 200 and json.loads(answer)["boolean"] is True
