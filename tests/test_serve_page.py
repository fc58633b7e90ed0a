"""The query page's routes and the endpoint's CORS answers, over plain HTTP (no browser)."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from regimekg.errors import UserError
from regimekg.serve import Endpoint, check_cors_origin, running

from .conftest import ROOT, mini_store

pytestmark = pytest.mark.slow

ALLOWED = "http://localhost:8080"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mini_store(tmp_path_factory.mktemp("page-http") / "store")


@pytest.fixture(scope="module")
def endpoint(store: Path) -> Iterator[Endpoint]:
    with running(store, queries_dir=ROOT / "queries", cors_origins=[ALLOWED], result_cap=3) as ep:
        yield ep


def request(
    ep: Endpoint, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", ep.port, timeout=60)
    conn.request(method, path, body, headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def test_page_and_assets_have_types_and_csp(endpoint: Endpoint) -> None:
    expected = {
        "/": "text/html",
        "/ui/app.js": "text/javascript",
        "/ui/app.css": "text/css",
        "/ui/views.js": "text/javascript",
        "/ui/vendor/yasgui.min.js": "text/javascript",
        "/ui/vendor/yasgui.min.css": "text/css",
        "/ui/questions.json": "application/json",
    }
    for path, ctype in expected.items():
        status, headers, body = request(endpoint, "GET", path)
        assert status == 200 and headers["content-type"].startswith(ctype), path
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "default-src 'none'" in headers["content-security-policy"]
        assert body
    status, _, _ = request(endpoint, "GET", "/ui/../serve.py")
    assert status == 404
    status, _, _ = request(endpoint, "POST", "/ui/app.js")
    assert status == 405


def test_page_html_loads_nothing_from_elsewhere() -> None:
    html = (ROOT / "src" / "regimekg" / "webui" / "index.html").read_text("utf-8")
    js = (ROOT / "src" / "regimekg" / "webui" / "app.js").read_text("utf-8")
    views = (ROOT / "src" / "regimekg" / "webui" / "views.js").read_text("utf-8")
    views = views.replace('"http://www.w3.org/2000/svg"', "")  # a namespace name, not fetched
    for text in (html, js, views):
        assert "http://" not in text and "https://" not in text and "//cdn" not in text


def test_catalogue_lists_questions_ready_to_run(endpoint: Endpoint) -> None:
    _, _, body = request(endpoint, "GET", "/ui/questions.json")
    data = json.loads(body)
    names = [q["name"] for q in data["questions"]]
    assert names == sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    q = next(q for q in data["questions"] if q["name"] == "members-of-forum")
    assert q["title"]["zh"] and q["title"]["en"]
    assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in q["query"]
    assert "<https://w3id.org/regimekg/id/institution/g7>" in q["query"]
    prefixes = dict(data["prefixes"])
    assert prefixes["state"] == "https://w3id.org/regimekg/id/state/"
    names = [name for name, _ in data["prefixes"]]
    assert names.index("state") < names.index("id")  # results shorten to state:china
    # the text in the menu runs on the endpoint as it is
    query = urllib.parse.urlencode({"query": q["query"]})
    status, _, _ = request(endpoint, "GET", "/query?" + query)
    assert status in (200, 413)


def test_cors_preflight_and_answers(endpoint: Endpoint) -> None:
    status, headers, body = request(
        endpoint,
        "OPTIONS",
        "/query",
        {"Origin": ALLOWED, "Access-Control-Request-Method": "POST"},
    )
    assert status == 204 and body == b""
    assert headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in headers["access-control-allow-methods"]
    assert "content-type" in headers["access-control-allow-headers"].lower()
    status, headers, _ = request(endpoint, "GET", "/query?query=ASK%7B%7D", {"Origin": ALLOWED})
    assert status == 200 and headers["access-control-allow-origin"] == ALLOWED
    # errors carry the header too, so a page can read the cap message
    big = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
    status, headers, body = request(endpoint, "GET", "/query?" + big, {"Origin": ALLOWED})
    assert status == 413 and headers["access-control-allow-origin"] == ALLOWED
    assert b"result cap" in body
    # another origin gets no permission
    status, headers, _ = request(endpoint, "OPTIONS", "/query", {"Origin": "http://evil.test"})
    assert status == 204 and "access-control-allow-origin" not in headers


def test_no_cors_by_default(store: Path) -> None:
    with running(store) as ep:
        _, headers, _ = request(ep, "GET", "/query?query=ASK%7B%7D", {"Origin": ALLOWED})
        assert "access-control-allow-origin" not in headers
    with running(store, cors_origins=["*"]) as ep:
        _, headers, _ = request(ep, "GET", "/query?query=ASK%7B%7D", {"Origin": ALLOWED})
        assert headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("bad", ["localhost:8080", "http://localhost:8080/", "ftp://x", "http://"])
def test_bad_cors_origin_is_one_sentence(bad: str) -> None:
    with pytest.raises(UserError, match="--cors-origin") as e:
        check_cors_origin(bad)
    assert "\n" not in str(e.value)
