"""Entity resolution asks for the one name it needs, on every engine alike.

Over ``regimekg serve`` an answer may hold at most ``--result-cap`` rows, so resolution must
never download the label index: these tests serve graphs whose label index is larger than a
small cap (the shared fixture, and a synthetic 10 k graph from ``benchmarks/generate.py``) and
require every name to resolve — or fail with the same message — exactly as on the embedded
engines, with every query's answer within the cap. They also pin the per-KG cache of resolved
values (see ``KG.clear_cache``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef

from regimekg import query as q
from regimekg.errors import UserError
from regimekg.namespaces import PREFIXES
from regimekg.query.backends import EndpointBackend, OxigraphBackend, Raw
from regimekg.query.resolve import PAGE
from tests.conftest import ROOT
from tests.test_query_golden import FIXTURE

ID = "https://w3id.org/regimekg/id/"
#: The cap the test servers run with: far below either graph's label index.
CAP = PAGE

#: Added to the fixture: a candidate that shares names with real entities (never a match),
#: labels with full-width punctuation, doubled spaces and title marks, a typed string.
EXTRA = """
GRAPH <https://w3id.org/regimekg/graph/test-extra> {
  <https://w3id.org/regimekg/id/candidate/abc123>
      a <https://w3id.org/regimekg/ontology#Candidate> ;
      <http://www.w3.org/2000/01/rdf-schema#label> "七国集团"@zh , "Group of Seven"@en ,
          "Hiroshima Candidate"@en .
  <https://w3id.org/regimekg/id/institution/test-colon>
      <http://www.w3.org/2000/01/rdf-schema#label> "生成人工智能：儿童的风险与机遇"@zh ,
          "Generative AI:  Risks and Opportunities"@en .
  <https://w3id.org/regimekg/id/instrument/test-plan>
      <http://www.w3.org/2000/01/rdf-schema#label> "《新一代人工智能发展规划》"@zh .
  <https://w3id.org/regimekg/id/institution/test-typed>
      <https://w3id.org/regimekg/ontology#acronym>
          "XSTR"^^<http://www.w3.org/2001/XMLSchema#string> .
}
"""

#: (value, kind, expected slug or None for "refused with a message")
NAMES: list[tuple[str, str | None, str | None]] = [
    ("g7", None, "institution/g7"),
    ("institution/g7", None, "institution/g7"),
    (ID + "institution/g7", None, "institution/g7"),
    (f"<{ID}institution/g7>", None, "institution/g7"),
    ("七国集团", None, "institution/g7"),  # the candidate of the same name does not count
    ("Group of Seven", None, "institution/g7"),
    ("G7", None, "institution/g7"),  # acronym
    ("G-7", None, "institution/g7"),  # alias
    ("  group of seven ", None, "institution/g7"),  # loose
    ("GROUP OF SEVEN", None, "institution/g7"),
    ("Ｇ７", None, "institution/g7"),  # full-width
    ("经合组织", None, "institution/oecd"),
    ("《广岛进程国际行为准则》", None, "instrument/hiroshima-code-of-conduct"),
    ("新一代人工智能发展规划", None, "instrument/test-plan"),  # the label has the marks
    ("《新一代人工智能发展规划》", None, "instrument/test-plan"),
    ("生成人工智能:儿童的风险与机遇", None, "institution/test-colon"),  # half-width colon
    ("generative ai: risks and opportunities", None, "institution/test-colon"),
    ("XSTR", None, "institution/test-typed"),
    ("xstr", None, "institution/test-typed"),
    ("PRC", None, "state/china"),
    ("china", None, "state/china"),
    ("王芳", None, "person/wang-fang"),
    ("builds-on", None, "regime-link-type/builds-on"),
    ("软法", "bindingness", "bindingness/soft-law"),
    ("soft-law", "bindingness", "bindingness/soft-law"),
    ("G7", "bindingness", None),  # wrong kind
    (ID + "institution/g7", "bindingness", None),
    ("g7", "state", None),
    ("AI Principles", None, None),  # ambiguous
    ("Hiroshima", None, None),  # suggestions, never the candidate
    ("Grup of Sevn", None, None),  # difflib's suggestions
    ("zzzz qqqq", None, None),  # nothing to suggest
    ("candidate/abc123", None, None),  # candidates are not entities
    (ID + "candidate/abc123", None, "candidate/abc123"),  # … but their IRIs occur
    (ID + "institution/nowhere", None, None),
    ("\\u4e03国集团", None, None),  # a \u escape cannot reach an endpoint, nor match here
    ("《》", None, None),
]


class Recording:
    """Mixin: remember how many rows each query returned."""

    rows: list[int]

    def run(self, text: str, bindings: dict[str, URIRef | Literal], limit: int | None) -> Raw:
        raw = super().run(text, bindings, limit)  # type: ignore[misc]
        self.rows.append(len(raw.rows))
        return raw


class RecordingEndpoint(Recording, EndpointBackend):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.rows = []


class RecordingOxigraph(Recording, OxigraphBackend):
    def __init__(self, store: ox.Store) -> None:
        super().__init__(store)
        self.rows = []


def answer(kg: q.KG, value: str, kind: str | None) -> str:
    try:
        return str(kg.resolve(value, kind=kind))
    except UserError as e:
        return f"refused: {e}"


def load_store(path: Path, data: Path, fmt: ox.RdfFormat) -> Path:
    store = ox.Store(str(path))
    store.bulk_load(path=str(data), format=fmt)
    store.flush()
    del store
    return path


def label_rows(store: ox.Store) -> int:
    text = """SELECT (COUNT(*) AS ?n) WHERE {
      VALUES ?p { rdfs:label skos:prefLabel skos:altLabel rkg:acronym } ?e ?p ?l }"""
    res = store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
    return int(next(iter(res))[0].value)  # type: ignore[index]


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture plus :data:`EXTRA`, as TriG."""
    path = tmp_path_factory.mktemp("resolve") / "extended.trig"
    path.write_text(FIXTURE.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic 10 k-triple graph (thousands of labels) in an on-disk store."""
    from benchmarks import generate

    where = tmp_path_factory.mktemp("synthetic")
    generate.write(where / "g.nq", generate.SIZES["10k"])
    return load_store(where / "store", where / "g.nq", ox.RdfFormat.N_QUADS)


def served(store: Path) -> Iterator[str]:
    from regimekg.serve import running

    with running(store, result_cap=CAP) as ep:
        yield ep.url


@pytest.fixture(scope="module")
def extended_url(extended: Path) -> Iterator[str]:
    store = load_store(extended.parent / "store", extended, ox.RdfFormat.TRIG)
    yield from served(store)


@pytest.fixture(scope="module")
def synthetic_url(synthetic: Path) -> Iterator[str]:
    yield from served(synthetic)


# -------------------------------------------------------------------------------- tests


@pytest.mark.slow
def test_every_engine_resolves_every_name_alike(extended: Path, extended_url: str) -> None:
    dataset = rdflib.Dataset(default_union=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(extended, format="trig")
    oxigraph = q.open(ROOT, store=extended)
    assert label_rows(oxigraph._backend.store) > CAP  # the whole index would be refused
    endpoint = RecordingEndpoint(extended_url)
    engines = {
        "oxigraph": oxigraph,
        "rdflib": q.open(ROOT, dataset=dataset),
        "endpoint": q.KG(endpoint, ROOT / "queries"),
    }
    for value, kind, expected in NAMES:
        answers = {name: answer(kg, value, kind) for name, kg in engines.items()}
        assert answers["rdflib"] == answers["oxigraph"], (value, kind, answers)
        assert answers["endpoint"] == answers["oxigraph"], (value, kind, answers)
        if expected is None:
            assert answers["oxigraph"].startswith("refused: "), (value, answers)
        else:
            assert answers["oxigraph"] == ID + expected, (value, answers)
    assert endpoint.rows and max(endpoint.rows) <= CAP


def test_messages_keep_their_shape(extended: Path) -> None:
    kg = q.open(ROOT, store=extended)
    ambiguous = answer(kg, "AI Principles", None)
    assert "names 2 entities" in ambiguous and "经合组织人工智能原则" in ambiguous
    hiroshima = answer(kg, "Hiroshima", None)
    assert "no entity is called 'Hiroshima'; did you mean" in hiroshima
    assert "institution/hiroshima-ai-process" in hiroshima and "candidate/" not in hiroshima
    assert "did you mean" in answer(kg, "Grup of Sevn", None)  # close, not contained
    assert "institution/g7" in answer(kg, "Grup of Sevn", None)
    assert "label-search" in answer(kg, "zzzz qqqq", None)
    assert "no entity is called 'candidate/abc123'" in answer(kg, "candidate/abc123", None)
    assert "no state is called 'g7'" in answer(kg, "g7", "state")


@pytest.mark.slow
def test_resolution_over_a_capped_endpoint_on_a_large_graph(
    synthetic: Path, synthetic_url: str
) -> None:
    """A 10 k-triple graph has far more labels than the cap: the old approach (one query
    for the whole label index) was refused; every name now resolves as on the store."""
    local = q.open(ROOT, store=synthetic)
    assert label_rows(local._backend.store) > 5 * CAP
    names = sample_names(local._backend.store)
    endpoint = RecordingEndpoint(synthetic_url)
    remote = q.KG(endpoint, ROOT / "queries")
    for value in names:
        assert answer(remote, value, None) == answer(local, value, None), value
    assert max(endpoint.rows) <= CAP
    # the cap is real, and the refusal carries the server's reason
    with pytest.raises(
        UserError,
        match=rf"refused the query \(HTTP 413 Result Too Large: The query returns more than {CAP}",
    ):
        remote.sparql("SELECT ?e ?l WHERE { ?e rdfs:label ?l }")


def test_every_resolution_query_is_small(synthetic: Path) -> None:
    """The same on the embedded store, without a server: no query returns more than a page."""
    backend = RecordingOxigraph(ox.Store.read_only(str(synthetic)))
    kg = q.KG(backend, ROOT / "queries")
    names = sample_names(backend.store)
    for value in names:
        answer(kg, value, None)
    assert max(backend.rows) <= PAGE  # the label index has over 700 rows
    assert len(backend.rows) >= len(names)  # (asked name by name)
    assert answer(kg, "Global AI", None).startswith("refused: no entity is called")


def sample_names(store: ox.Store) -> list[str]:
    """Labels of the synthetic graph in several spellings, and names that match many."""
    text = """SELECT ?e ?l WHERE { ?e rdfs:label ?l
      FILTER(STRSTARTS(STR(?e), "https://w3id.org/regimekg/id/institution/synth-"))
    } ORDER BY ?e ?l LIMIT 6"""
    rows = list(store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES))
    names: list[str] = []
    for e, lit in rows:  # type: ignore[misc]
        label = lit.value
        names += [label, label.lower(), f"《{label}》", e.value.rsplit("/", 1)[1], e.value]
        names.append(label[:-1] + "x")  # a typo
    return [*names, "Global AI", "AI", "ai network", "g7", "七国集团", "Synthetic", "zzzz"]


# --------------------------------------------------------------------------------- cache


def test_resolved_values_are_cached_per_kg_and_kind() -> None:
    backend = RecordingOxigraph(OxigraphBackend.from_file(FIXTURE).store)
    kg = q.KG(backend, ROOT / "queries")
    assert kg.resolve("G7") == URIRef(ID + "institution/g7")
    asked = len(backend.rows)
    assert kg.resolve(" G7 ") == URIRef(ID + "institution/g7")
    assert len(backend.rows) == asked  # answered from the cache
    with pytest.raises(UserError, match="no bindingness is called 'G7'"):
        kg.resolve("G7", kind="bindingness")  # the kind is part of the key
    asked = len(backend.rows)
    with pytest.raises(UserError, match="no bindingness is called 'G7'"):
        kg.resolve("G7", kind="bindingness")  # errors are remembered too
    assert len(backend.rows) == asked
    for _ in range(3):
        kg.query("members-of-forum", params={"forum": "七国集团"})
    assert len(backend.rows) == asked + 1 + 3  # one resolution, then only the question


def test_clear_cache_forgets_what_a_changed_store_no_longer_says() -> None:
    """A KG trusts its store not to change; after changing an in-memory store, clear_cache()."""
    store = OxigraphBackend.from_file(FIXTURE).store
    kg = q.open(ROOT, oxigraph_store=store)
    with pytest.raises(UserError, match="no entity is called 'Gruppe der Sieben'"):
        kg.resolve("Gruppe der Sieben")
    g7 = ox.NamedNode(ID + "institution/g7")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
    graph = ox.NamedNode("https://w3id.org/regimekg/graph/curated")
    store.add(ox.Quad(g7, label, ox.Literal("Gruppe der Sieben", language="de"), graph))
    with pytest.raises(UserError):  # still the remembered answer …
        kg.resolve("Gruppe der Sieben")
    kg.clear_cache()
    assert kg.resolve("Gruppe der Sieben") == URIRef(ID + "institution/g7")  # … until cleared
    assert kg.labels([URIRef(ID + "institution/g7")])
