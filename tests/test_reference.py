"""The bilingual ontology reference in docs/reference/: complete, current, and regenerated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from regimekg.namespaces import RKG
from regimekg.ontology import load_ontology, load_vocab
from regimekg.paths import Project
from regimekg.reference import MARKER, Reference, _cell, default_out, render, stale, write
from tests.conftest import ROOT, copy_project

KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def pages(repo: Project) -> dict[str, str]:
    return render(repo)


@pytest.fixture(scope="module")
def schema(repo: Project) -> tuple[Graph, Graph]:
    """The repository's ontology and vocabularies, read once for the tests that walk them."""
    return load_ontology(repo), load_vocab(repo)


def test_checked_in_reference_is_up_to_date(repo: Project, pages: dict[str, str]) -> None:
    problems = stale(repo, pages=pages)
    assert not problems, (
        f"docs/reference/ is stale ({'; '.join(problems)}): run `regimekg generate`."
    )


def _terms(onto: Graph, vocab: Graph) -> list[tuple[URIRef, str, Graph]]:
    """Every rkg term (page classes.md / properties.md), concept and scheme (vocab/*.md)."""
    out = []
    for kind in KINDS:
        page = "classes.md" if kind == OWL.Class else "properties.md"
        for s in set(onto.subjects(RDF.type, kind)):
            if str(s).startswith(str(RKG)):
                out.append((s, page, onto))
    for scheme in set(vocab.subjects(RDF.type, SKOS.ConceptScheme)):
        page = f"vocab/{str(scheme).rsplit('/', 1)[1]}.md"
        out.append((scheme, page, vocab))
        for c in set(vocab.subjects(SKOS.inScheme, scheme)):
            out.append((c, page, vocab))
    return sorted(out, key=lambda t: str(t[0]))


def test_every_term_has_both_labels_and_definitions_on_its_page(
    schema: tuple[Graph, Graph], pages: dict[str, str]
) -> None:
    missing = []
    terms = _terms(*schema)
    assert len(terms) > 200  # 130 rkg terms, 10 schemes, 87 concepts at the time of writing
    for iri, page, graph in terms:
        text = pages[page]
        local = str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        anchor = "scheme" if (iri, RDF.type, SKOS.ConceptScheme) in graph else local
        if f'<a id="{anchor}"></a>' not in text or f"IRI: `{iri}`" not in text:
            missing.append(f"{iri}: no section in {page}")
            continue
        section = text.split(f"IRI: `{iri}`", 1)[1].split("\n#", 1)[0]
        for pred in (RDFS.label, SKOS.definition):
            for lit in graph.objects(iri, pred):
                if isinstance(lit, Literal) and _cell(str(lit)) not in section:
                    missing.append(f"{iri}: {pred.n3()} {lit.language} not shown")
    assert not missing, "\n".join(missing)


def test_index_lists_every_class_in_the_tree_and_every_scheme(
    schema: tuple[Graph, Graph], pages: dict[str, str]
) -> None:
    index = pages["README.md"]
    onto = schema[0]
    for c in onto.subjects(RDF.type, OWL.Class):
        if str(c).startswith(str(RKG)):
            local = str(c).rsplit("#", 1)[1]
            assert f"(classes.md#{local})" in index, c
    for p in [p for p in pages if p.startswith("vocab/")]:
        assert f"]({p})" in index


def test_axioms_are_rendered_with_links(pages: dict[str, str]) -> None:
    classes, props = pages["classes.md"], pages["properties.md"]
    membership = classes.split('<a id="Membership"></a>', 1)[1].split("\n### ", 1)[0]
    assert "exactly 1 [rkg:Actor](#Actor)" in membership  # qualified cardinality restriction
    assert "Disjoint with · 互不相交: [rkg:Claim](#Claim)" in membership
    mentions = props.split('<a id="mentions"></a>', 1)[1].split("\n### ", 1)[0]
    assert "inverse([rkg:inSegment](#inSegment)) o [rkg:mentionOf](#mentionOf)" in mentions
    nested = props.split('<a id="isNestedInTransitive"></a>', 1)[1].split("\n### ", 1)[0]
    assert "transitive · 传递性" in nested
    assert "Sub-properties · 子属性: [rkg:isNestedIn](#isNestedIn)" in nested


def test_generated_pages_are_deterministic(repo: Project, pages: dict[str, str]) -> None:
    assert render(repo) == pages


def _mini(ttl: str) -> Reference:
    head = (
        "@prefix rkg: <https://w3id.org/regimekg/ontology#> . "
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . "
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . "
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    )
    return Reference(Graph().parse(data=head + ttl, format="turtle"), Graph(), Graph())


def test_missing_chinese_label_is_flagged_and_table_cells_stay_intact() -> None:
    ref = _mini(
        'rkg:Hub a owl:Class ; rdfs:label "hub"@en ; '
        'skos:definition "A node | with a pipe and <angle> brackets."@en , "枢纽｜节点。"@zh .'
    )
    page = ref.render()["classes.md"]
    section = page.split('<a id="Hub"></a>', 1)[1]
    label_row = next(line for line in section.splitlines() if line.startswith("| label"))
    assert label_row == "| label · 标签 | hub | *(missing · 缺失)* |"
    def_row = next(line for line in section.splitlines() if line.startswith("| definition"))
    # three cells: the escaped pipe does not split the row; full-width ｜ is left alone
    assert def_row.replace("\\|", "").count("|") == 4
    assert "A node \\| with a pipe and &lt;angle> brackets." in def_row
    assert "枢纽｜节点。" in def_row


def test_write_regenerates_and_removes_pages_of_deleted_schemes(tmp_path: Path) -> None:
    """Starts from the checked-in pages (current: the first test of this module), one of them
    deleted, so one run of each function sees a missing, a stale and an orphaned page."""
    proj = copy_project(tmp_path / "p")
    out = default_out(proj)
    shutil.copytree(ROOT / "docs" / "reference", out)
    (out / "properties.md").unlink()
    (out / "notes.md").write_text("hand-written, kept\n", encoding="utf-8")

    # an ontology edit makes the pages stale until regenerated
    ttl = proj.ontology_ttl.read_text(encoding="utf-8")
    proj.ontology_ttl.write_text(
        ttl + "\nrkg:Observatory a owl:Class ; rdfs:subClassOf rkg:Institution ; rdfs:label "
        '"observatory"@en , "观察站"@zh ; skos:definition "A body that monitors AI."@en , '
        '"监测人工智能的机构。"@zh ; rdfs:isDefinedBy <https://w3id.org/regimekg/ontology> .\n',
        encoding="utf-8",
    )
    (proj.vocab_dir / "bindingness.ttl").unlink()
    problems = stale(proj, out)
    assert "properties.md is missing" in problems
    assert "classes.md is out of date" in problems
    assert "vocab/bindingness.md is no longer generated" in problems

    write(proj, out)
    assert stale(proj, out) == []
    assert not (out / "vocab" / "bindingness.md").exists()
    assert (out / "properties.md").read_text(encoding="utf-8").startswith(MARKER)
    assert (out / "notes.md").read_text(encoding="utf-8") == "hand-written, kept\n"
    classes = (out / "classes.md").read_text(encoding="utf-8")
    assert classes.startswith(MARKER)
    assert "rkg:Observatory — observatory · 观察站" in classes
    assert "监测人工智能的机构。" in classes
