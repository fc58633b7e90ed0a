"""Groupings and wordings the code acts on come from the vocabularies, not from Python lists.

Which membership roles mean taking part in an *instrument* is the ``skos:Collection``
``collection:instrument-roles`` of ``ontology/vocab/membership-role.ttl``; the names of the
Biermann fragmentation types in the metrics report are the concepts' preferred labels in
``fragmentation-type.ttl``. A vocabulary copy that changes either changes what the code does,
without a code change. No test here builds the graph: the readers run on the loaded vocabulary
and on small in-memory data.
"""

from __future__ import annotations

import ast
import datetime as dt
import shutil
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph

from regimekg import analysis, coverage, vocab
from regimekg.errors import UserError
from regimekg.ontology import load_shapes
from regimekg.paths import Project

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/regimekg/id/"
METRICS_FIXTURE = ROOT / "tests" / "fixtures" / "metrics" / "regime.trig"

#: A role planted in a vocabulary copy, in the instrument collection, counted as taking part.
PLANTED_ROLE = """
membership-role:test-acceder
    a skos:Concept , org:Role ;
    rdfs:label "test acceder"@en , "测试加入方"@zh ;
    skos:prefLabel "test acceder"@en , "测试加入方"@zh ;
    skos:definition "A test role: the actor acceded to an instrument."@en ,
        "测试身份：行为体加入了某一文书。"@zh ;
    dcterms:source doc:jsdm-2024-03 ;
    skos:inScheme scheme:membership-role ;
    skos:topConceptOf scheme:membership-role ;
    rkg:shortcutProperty rkg:isMemberOf ;
.

collection:instrument-roles skos:member membership-role:test-acceder .
"""


def test_no_module_keeps_the_retired_lists() -> None:
    """The lists this module's readers replaced are assigned nowhere in the package again."""
    retired = {"FRAGMENTATION_LABELS", "INSTRUMENT_ROLES"}
    for path in sorted((ROOT / "src" / "regimekg").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            t.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(t, ast.Name)
        }
        assert not names & retired, f"{path.name} keeps {sorted(names & retired)}"


def _vocab_copy(root: Path) -> Project:
    """A project directory holding only a copy of the bundled vocabularies."""
    shutil.copytree(ROOT / "ontology" / "vocab", root / "ontology" / "vocab")
    return Project(root)


def test_instrument_roles_are_the_vocabulary_collection() -> None:
    voc = vocab.load(Project(ROOT))
    assert voc.instrument_roles == {"adherent", "endorser", "party", "signatory", "sponsor"}
    # a seat in a body is not taking part in an instrument, and every such role counts
    assert not voc.instrument_roles & {"member", "founding-member", "observer"}
    assert voc.instrument_roles <= voc.member_roles


def test_a_missing_collection_is_one_sentence() -> None:
    voc = vocab.load(Project(ROOT))
    with pytest.raises(UserError, match=r"collection 'no-such-roles' is missing"):
        voc.collection("no-such-roles")


def _memberships() -> analysis.RegimeData:
    """A state that accedes to instrument A and holds a seat in body B."""
    known = dt.date(2020, 1, 1)

    def ent(slug: str, cls: str) -> analysis.Entity:
        return analysis.Entity(f"{ID}{slug}", cls, {"en": slug}, known_from=known)

    ents = {
        e.iri: e
        for e in (
            ent("instrument/a", "Declaration"),
            ent("institution/b", "Forum"),
            ent("state/x", "State"),
        )
    }
    mems = [
        analysis.Membership(f"{ID}membership/a/x", f"{ID}state/x", f"{ID}instrument/a", role)
        for role in ("test-acceder",)
    ]
    mems.append(
        analysis.Membership(f"{ID}membership/b/x", f"{ID}state/x", f"{ID}institution/b", "member")
    )
    return analysis.RegimeData(ents, mems, [])


def test_a_role_added_to_the_instrument_collection_is_counted_without_code(
    tmp_path: Path,
) -> None:
    def no_claims(_query: str) -> list[analysis.Row]:
        return []

    data = _memberships()
    with vocab.using(Project(ROOT)):
        before = [g.slug for g in coverage.gaps(data, no_claims)]
    project = _vocab_copy(tmp_path / "proj")
    path = project.vocab_dir / "membership-role.ttl"
    path.write_text(path.read_text(encoding="utf-8") + PLANTED_ROLE, encoding="utf-8")
    with vocab.using(project) as voc:
        assert "test-acceder" in voc.instrument_roles
        after = {g.slug: g for g in coverage.gaps(data, no_claims)}
    assert "a" not in before  # the bundled vocabulary has no such role
    assert after["a"].roles == "test-acceder" and after["a"].states == 0
    assert "b" not in after  # a seat in a body is not participation in an instrument


def test_the_shapes_accept_the_collection_and_reject_a_bare_one() -> None:
    shapes = load_shapes(Project(ROOT))
    voc = vocab.load(Project(ROOT)).graph
    ok, _, text = pyshacl.validate(voc, shacl_graph=shapes, inference="none")
    assert ok, text
    bare = Graph().parse(
        data="""
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://w3id.org/regimekg/id/collection/bare> a skos:Collection ;
            skos:prefLabel "bare"@en ;
            skos:member <https://w3id.org/regimekg/id/membership-role/nothing> .
        """,
        format="turtle",
    )
    ok, report, _ = pyshacl.validate(bare, shacl_graph=shapes, inference="none")
    assert not ok
    text = report.serialize(format="turtle")
    for message in ("in Chinese", "skos:definition in English", "dcterms:source", "skos:member"):
        assert message in text, message


def _report(lang: str) -> str:
    st = ox.Store()
    st.load(path=str(METRICS_FIXTURE), format=ox.RdfFormat.TRIG)
    data = analysis.read_graph(analysis.oxigraph_select(st))
    return analysis.report(analysis.compute(data.at(dt.date(2025, 12, 31))), fmt="md", lang=lang)


def test_the_report_names_fragmentation_types_by_their_vocabulary_labels(
    tmp_path: Path,
) -> None:
    with vocab.using(Project(ROOT)) as voc:
        labels = voc.labels("fragmentation-type")
        en, zh = _report("en"), _report("zh")
    assert f"| {labels['synergistic'][0]} |" in en and labels["synergistic"][0].endswith(
        "fragmentation"
    )
    assert f"| {labels['synergistic'][1]} |" in zh
    # a label edited in the vocabulary is the label the report prints
    project = _vocab_copy(tmp_path / "proj")
    path = project.vocab_dir / "fragmentation-type.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"协同型碎片化"@zh', '"测试协同型"@zh'), encoding="utf-8")
    with vocab.using(project):
        assert "| 测试协同型 |" in _report("zh")
