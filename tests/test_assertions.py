"""Attributed assertions and quantities: record checks, quote verification, RDF, search text."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from regimekg import curated, searchtext
from regimekg.errors import UserError
from regimekg.namespaces import RKG, concept, doc, iri
from regimekg.paths import Project

ROOT = Path(__file__).resolve().parents[1]
TEXT = (
    "联合国应在人工智能全球治理中充当“伞”的角色。\n\n"
    "The AI Act sets fines of up to EUR 35 million or 7% of turnover."
)
ENTITIES = """\
- evidence:
  - {quote: 联合国, source: doc}
  id: united-nations
  label: {zh: 联合国}
  type: InternationalOrganisation
- evidence:
  - {quote: The AI Act, source: doc}
  id: eu-ai-act
  label: {en: AI Act}
  type: Law
"""
ASSERTION = """\
- subject: united-nations
  kind: characterisation
  object: source-typology/umbrella
  value: 充当“伞”的角色
  evidence:
  - {quote: "联合国应在人工智能全球治理中充当“伞”的角色", source: doc}
"""
QUANTITY = """\
- subject: eu-ai-act
  measure: maximum-fine-amount
  value: '35000000'
  unit: EUR
  qualifier: up-to
  date: 2024
  evidence:
  - {quote: "fines of up to EUR 35 million", source: doc}
"""


def make(tmp_path: Path, files: dict[str, str]) -> Project:
    shutil.copytree(ROOT / "ontology" / "vocab", tmp_path / "ontology" / "vocab")
    for rel, content in files.items():
        p = tmp_path / "data" / "curated" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(content), encoding="utf-8")
    return Project(tmp_path)


def build(project: Project) -> Graph:
    cur = curated.load(project)
    ctx = curated.GraphContext(
        texts={"doc": TEXT},
        langs={"doc": "zh"},
        segments={"doc": []},
        external_dir=Path("/nonexistent"),
    )
    return curated.to_graph(cur, ctx)


def test_assertion_and_quantity_become_attributed_nodes(tmp_path: Path) -> None:
    g = build(
        make(
            tmp_path,
            {
                "entities/e.yaml": ENTITIES,
                "assertions/a.yaml": ASSERTION,
                "quantities/q.yaml": QUANTITY,
            },
        )
    )
    un = iri("institution", "united-nations")
    (a,) = g.subjects(RKG.assertionSubject, un)
    assert (a, RDF.type, RKG.AttributedAssertion) in g
    assert g.value(a, RKG.assertionObject) == concept("source-typology", "umbrella")
    assert g.value(a, RKG.assertionKind) == concept("assertion-kind", "characterisation")
    assert g.value(a, RKG.assertedIn) == doc("doc")
    assert g.value(g.value(a, RKG.hasEvidence), RKG.startOffset) == Literal(0, datatype=XSD.integer)
    # an attributed assertion is not a fact regimekg asserts: no shortcut triple on the subject
    assert not list(g.predicate_objects(un)) or all(
        p in (RDF.type, RKG.hasEvidence) or str(p).endswith("label")
        for p, _ in g.predicate_objects(un)
    )
    (q,) = g.subjects(RDF.type, RKG.Quantity)
    assert g.value(q, RKG.numericValue) == Literal("35000000", datatype=XSD.decimal)
    assert g.value(q, RKG.currencyCode) == Literal("EUR")
    assert g.value(q, RKG.valueQualifier) == Literal("up-to")
    figure = g.value(None, RKG.assertsQuantity, q)
    assert g.value(figure, RKG.assertionKind) == concept("assertion-kind", "figure")


def test_assertion_whose_quote_is_not_in_its_source_fails_the_build(tmp_path: Path) -> None:
    bad = ASSERTION.replace("在人工智能全球治理中", "在网络空间治理中")
    project = make(tmp_path, {"entities/e.yaml": ENTITIES, "assertions/a.yaml": bad})
    with pytest.raises(UserError, match=r"assertions/a\.yaml line 1 .*is not in source doc"):
        build(project)


def test_quantity_whose_quote_is_not_in_its_source_fails_the_build(tmp_path: Path) -> None:
    bad = QUANTITY.replace("EUR 35 million", "EUR 36 million")
    project = make(tmp_path, {"entities/e.yaml": ENTITIES, "quantities/q.yaml": bad})
    with pytest.raises(UserError, match=r"quantities/q\.yaml line 1 .*is not in source doc"):
        build(project)


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (
            "assertions",
            ASSERTION.replace("kind: characterisation", "kind: opinion"),
            "kind 'opinion'",
        ),
        ("assertions", ASSERTION.replace("kind: characterisation", "kind: figure"), "figures are"),
        (
            "assertions",
            ASSERTION.replace("source-typology/umbrella", "source-typology/nope"),
            "not a concept",
        ),
        (
            "assertions",
            ASSERTION.replace("object: source-typology/umbrella", "object: nobody"),
            "not a curated entity",
        ),
        (
            "assertions",
            ASSERTION.replace("value: 充当“伞”的角色", "value: 核心"),
            "words of the source",
        ),
        (
            "assertions",
            ASSERTION.replace("  value:", "  to: eu-ai-act\n  value:"),
            "only for kind proposal",
        ),
        ("quantities", QUANTITY.replace("unit: EUR", "unit: EURO"), "ISO 4217"),
        ("quantities", QUANTITY.replace("unit: EUR", "unit: XYZ"), "ISO 4217"),
        ("quantities", QUANTITY.replace("'35000000'", "35 million"), "plain decimal"),
        ("quantities", QUANTITY.replace("'35000000'", "'nan'"), "plain decimal"),
        ("quantities", QUANTITY.replace("qualifier: up-to", "qualifier: roughly"), "qualifier"),
    ],
)
def test_bad_records_are_named(tmp_path: Path, kind: str, text: str, message: str) -> None:
    project = make(tmp_path, {"entities/e.yaml": ENTITIES, f"{kind}/x.yaml": text})
    with pytest.raises(UserError, match=re.escape(message)) as e:
        curated.load(project)
    assert f"{kind}/x.yaml line 1" in str(e.value)


def test_canonical_form_puts_identifying_keys_first_and_evidence_last() -> None:
    import yaml

    text = curated.canonical_text(yaml.safe_load(QUANTITY), "quantities")
    keys = re.findall(r"^(?:- |  )([a-z]+):", text, re.M)
    assert keys[:4] == ["subject", "measure", "value", "unit"]
    assert keys[-1] == "evidence"


def test_search_text_folds_ocr_damage_in_english_and_chinese() -> None:
    n = searchtext.normalise
    assert n("the EU Artificial Intelligence Act") in n("In 2O24 theEUArtificial Intelligence Act")
    assert n("2024") in n("In 2O24 theEUArtificial")
    assert n("R&D investment") in n("strengthening Ramp;D investment".replace("Ramp;", "R&amp;"))
    assert n("机制复合体中充当伞的角色") in n("联合国应在机制复合 体中充当“伞”的角色。")
    assert n("表2") == n("表 2：")[:2]
    assert n("人工智能法案") not in n("人工智能法")


@pytest.mark.parametrize("name", ["passage-search", "table-contents"])
def test_queries_fold_the_needle_with_the_build_s_character_class(name: str) -> None:
    """The .rq files repeat searchtext.DROPPED (SPARQL has no NFKC); the two must agree."""
    text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    m = re.search(r'REPLACE\(LCASE\(STR\(\?\w+\)\), "(.*?)", ""\)', text)
    assert m, "the query no longer folds its needle"
    assert m.group(1).replace("\\\\", "\\").replace('\\"', '"') == searchtext.DROPPED


def test_annotate_adds_a_search_text_to_every_segment() -> None:
    g = Graph()
    seg = URIRef("https://w3id.org/regimekg/id/doc/x/paragraph-0")
    g.add((seg, RDF.type, RKG.Segment))
    g.add((seg, RKG.text, Literal("theEUArtificial Intelligence Act", lang="en")))
    assert searchtext.annotate(g) == 1
    assert g.value(seg, RKG.searchText) == Literal("theeuartificialintelligenceact")


def test_bundled_curation_has_depth() -> None:
    cur = curated.load(Project(ROOT))
    assertions = cur.records["assertions"]
    kinds = {r.data["kind"] for r in assertions}
    sources = {e["source"] for r in assertions for e in r.data["evidence"]}
    assert len(assertions) >= 150
    assert len(cur.records["quantities"]) >= 40
    assert kinds == {"characterisation", "typology", "proposal", "comparison"}
    assert sources == {"jsdm-2024-03", "eu-ai-strategy", "shou-bu-2025"}


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        (
            "000_3c1fc1c040050cfa.txt",
            "a draft for the EU Artificial Intelligence Act",
        ),  # OCR run-on
        ("000_3c1fc1c040050cfa.txt", "in 2023, total AI venture capital"),  # "in 2O23,total"
        ("001_9e0c01eff3da6ce1.txt", "联合国人权理事会NET决议"),  # "理事会 NET 决议"
        ("001_9e0c01eff3da6ce1.txt", "全球互联网反恐论坛Hash共享数据库"),  # "“Hash 共享数据库”"
    ],
)
def test_bundled_ocr_damage_is_searchable(source: str, needle: str) -> None:
    text = (ROOT / "data" / "sources" / source).read_text(encoding="utf-8")
    assert needle not in text
    assert searchtext.normalise(needle) in searchtext.normalise(text)


def test_shape_and_code_agree_on_value_qualifiers() -> None:
    """The qualifier list lives in assertions.QUALIFIERS and in the shape's sh:in; keep equal."""
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    from regimekg import assertions

    g = Graph().parse(ROOT / "ontology" / "shapes" / "assertions.ttl")
    shape = URIRef("https://w3id.org/regimekg/shapes#Quantity-qualifier")
    listed = [str(x) for x in Collection(g, g.value(shape, SH["in"]))]
    assert sorted(listed) == sorted(assertions.QUALIFIERS)
