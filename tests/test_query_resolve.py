"""Entity parameters: an IRI, a slug or any name in either language finds the same entity."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from regimekg import query as q
from regimekg.errors import UserError
from regimekg.query.backends import OxigraphBackend
from tests.conftest import ROOT
from tests.test_query_golden import FIXTURE

ID = "https://w3id.org/regimekg/id/"


@pytest.fixture(scope="module")
def kg() -> q.KG:
    return q.open(ROOT, store=FIXTURE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("g7", "institution/g7"),  # slug
        ("institution/g7", "institution/g7"),  # kind/slug
        (ID + "institution/g7", "institution/g7"),  # IRI
        (f"<{ID}institution/g7>", "institution/g7"),  # IRI in angle brackets
        ("七国集团", "institution/g7"),  # Chinese label
        ("Group of Seven", "institution/g7"),  # English label
        ("G7", "institution/g7"),  # acronym
        ("G-7", "institution/g7"),  # alias
        ("  group of seven ", "institution/g7"),  # case and spaces do not matter
        ("Ｇ７", "institution/g7"),  # full-width input
        ("经合组织", "institution/oecd"),  # Chinese alias
        ("《广岛进程国际行为准则》", "instrument/hiroshima-code-of-conduct"),  # title marks
        ("欧盟", "institution/european-union"),
        ("PRC", "state/china"),
        ("世界人工智能大会", "institution/waic"),  # zh-only entity
        ("Frontier Model Forum", "institution/frontier-model-forum"),  # en-only entity
        ("软法", "bindingness/soft-law"),  # concept, by its Chinese label
        ("builds-on", "regime-link-type/builds-on"),  # concept slug
        ("王芳", "person/wang-fang"),
    ],
)
def test_resolve(kg: q.KG, value: str, expected: str) -> None:
    assert kg.resolve(value) == URIRef(ID + expected)


def test_ambiguous_names_list_the_candidates(kg: q.KG) -> None:
    with pytest.raises(UserError) as e:
        kg.resolve("AI Principles")
    msg = str(e.value)
    assert "names 2 entities" in msg
    assert "instrument/oecd-ai-principles" in msg and "instrument/g20-ai-principles" in msg
    assert "经合组织人工智能原则" in msg  # both languages shown


def test_unknown_names_suggest_close_ones(kg: q.KG) -> None:
    with pytest.raises(UserError, match="no entity is called 'Hiroshima'; did you mean") as e:
        kg.resolve("Hiroshima")
    assert "institution/hiroshima-ai-process" in str(e.value)
    with pytest.raises(UserError, match="label-search"):
        kg.resolve("zzzz qqqq")


def test_iris_must_be_in_the_graph(kg: q.KG) -> None:
    with pytest.raises(UserError, match="does not occur in the graph"):
        kg.resolve(ID + "institution/nowhere")
    with pytest.raises(UserError, match="not a valid IRI"):
        kg.resolve("https://w3id.org/a b")
    with pytest.raises(UserError, match="empty"):
        kg.resolve("   ")


def test_parameter_errors_name_the_parameter_and_the_query(kg: q.KG) -> None:
    with pytest.raises(UserError, match=r"--param forum='Nowhere' \(query members-of-forum\)"):
        kg.query("members-of-forum", params={"forum": "Nowhere"})
    with pytest.raises(UserError, match="has no parameter 'club'; its parameters are: forum"):
        kg.query("members-of-forum", params={"club": "g7"})
    with pytest.raises(UserError, match="did you mean members-of-forum"):
        kg.query("members-of-forums")
    with pytest.raises(UserError, match="has day 30, but 2019-02 has 28 days"):
        kg.query("as-of", params={"date": "2019-02-30"})


def test_required_parameters_and_integers(tmp_path: Path) -> None:
    (tmp_path / "need-actor.rq").write_text(
        "# title-en: Test\n# title-zh: 测试\n# description: needs an actor\n"
        "# param actor: entity — who\n# param n: integer (default 2) — how many\n"
        "PREFIX rkg: <https://w3id.org/regimekg/ontology#>\n"
        "SELECT ?actor ?n ?forum WHERE { ?m rkg:participant ?actor ; rkg:participationIn ?forum }"
        " ORDER BY ?forum",
        encoding="utf-8",
    )
    kg = q.KG(OxigraphBackend.from_file(FIXTURE), tmp_path)
    with pytest.raises(UserError, match=r"needs --param actor=… \(entity: who\)"):
        kg.query("need-actor")
    with pytest.raises(UserError, match="not a whole number"):
        kg.query("need-actor", params={"actor": "china", "n": "2; DROP"})
    r = kg.query("need-actor", params={"actor": "中国", "n": "5"})
    assert r.columns == ["forum"] and len(r.rows) == 3


def test_malformed_headers_are_user_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.rq").write_text("# title-en: x\nSELECT ?x WHERE {}", encoding="utf-8")
    kg = q.KG(OxigraphBackend.from_file(FIXTURE), tmp_path)
    with pytest.raises(UserError, match="add a `# title-zh:` header"):
        kg.named_queries()
    (tmp_path / "bad.rq").write_text(
        "# title-en: x\n# title-zh: x\n# description: x\n# param a: colour (default red)\n",
        encoding="utf-8",
    )
    kg = q.KG(OxigraphBackend.from_file(FIXTURE), tmp_path)
    with pytest.raises(UserError, match=r"bad.rq line 4: write `# param NAME: TYPE"):
        kg.named_queries()


def test_open_reads_a_built_store_read_only(tmp_path: Path) -> None:
    import pyoxigraph as ox

    build = tmp_path / "build"
    build.mkdir()
    store = ox.Store(str(build / "store"))
    store.bulk_load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    for where in (build, build / "store"):
        with q.open(ROOT, store=where) as kg:
            assert kg.backend == "oxigraph"
            assert len(kg.query("members-of-forum").rows) == 6
            with pytest.raises(UserError):
                kg.sparql("DROP ALL")


def test_open_without_a_build_says_to_build(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=f"No build found at {tmp_path / 'nothing'}: run"):
        q.open(ROOT, store=tmp_path / "nothing" / "store")
    with pytest.raises(UserError, match="only one of"):
        q.open(ROOT, store=FIXTURE, endpoint="http://127.0.0.1:1/query")


def test_a_kind_keeps_vocabularies_apart(kg: q.KG) -> None:
    """`entity:bindingness` parameters only accept terms of that scheme (a glossary entry
    called "soft law" must not be taken for the bindingness concept)."""
    assert kg.resolve("软法", kind="bindingness") == URIRef(ID + "bindingness/soft-law")
    with pytest.raises(UserError, match="no bindingness is called 'G7'"):
        kg.resolve("G7", kind="bindingness")
    with pytest.raises(UserError, match="is not a bindingness"):
        kg.resolve(ID + "institution/g7", kind="bindingness")
    with pytest.raises(UserError, match="no regime-link-type is called"):
        kg.query("links-of-type", params={"type": "七国集团"})
