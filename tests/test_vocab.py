"""Controlled values live in one place, the SKOS vocabularies, and the code reads them there.

The guard has two halves: the modules that used to keep their own lists (curated, analysis,
export) and the shapes no longer do, and a link type planted in a copy of the vocabulary is
usable by curated data, accepted by SHACL and coloured by the exports without a code change.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from rdflib import Graph
from rdflib.namespace import SH

from regimekg import vocab
from regimekg.curated import canonical_text, load
from regimekg.errors import UserError
from regimekg.namespaces import RKG, concept, scheme
from regimekg.ontology import CONCEPTS_OF, load_ontology, load_shapes
from regimekg.paths import Project

from .conftest import small_copy

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "regimekg"

#: Names the code used for its own copies of controlled values.
RETIRED_LISTS = {
    "ROLES",
    "LINK_TYPES",
    "LINK_SHORTCUT",
    "EVENT_SHORTCUT",
    "SCHEMES",
    "ROLE_LABELS",
    "LINK_TYPE_LABELS",
    "LINK_COLOURS",
}
#: Schemes whose values the curated records use.
CONTROLLED = ("regime-link-type", "membership-role", "event-type")

PLANTED = """
regime-link-type:inspired-by
    a skos:Concept ;
    rdfs:label "inspired by"@en , "受……启发"@zh ;
    skos:prefLabel "inspired by"@en , "受……启发"@zh ;
    skos:definition "A test concept: the source was inspired by the target."@en ,
        "测试概念：源要素受目标要素启发。"@zh ;
    dcterms:source doc:jsdm-2024-03 ;
    skos:inScheme scheme:regime-link-type ;
    skos:topConceptOf scheme:regime-link-type ;
    rkg:displayColour "#123abc" ;
.
"""


@pytest.fixture(scope="module")
def voc() -> vocab.Vocabulary:
    return vocab.load(Project(ROOT))


def _assigned_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize(
    "module",
    [
        "curated.py",
        "export.py",
        *sorted(str(p.relative_to(SRC)) for p in SRC.glob("analysis/*.py")),
    ],
)
def test_modules_keep_no_copy_of_a_controlled_list(module: str) -> None:
    assert not _assigned_names(SRC / module) & RETIRED_LISTS


def test_no_module_spells_out_the_precise_relation_types(voc: vocab.Vocabulary) -> None:
    """The relation types added after the regime-complex ones appear in no Python file."""
    regime_complex = {
        "nested-in",
        "part-of",
        "hosted-by",
        "overlaps-with",
        "parallel-to",
        "builds-on",
        "endorses",
        "conflicts-with",
    }
    precise = set(voc.link_types) - regime_complex
    assert len(precise) >= 16
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found = sorted(s for s in precise if f'"{s}"' in text or f"'{s}'" in text)
        assert not found, f"{path.name} lists {found}; read them from regimekg.vocab instead"


def test_vocabulary_reads_labels_shortcuts_and_colours(voc: vocab.Vocabulary) -> None:
    schema = load_ontology(Project(ROOT))
    for name in CONTROLLED:
        assert voc.concepts(name), name
        for c in voc.concepts(name).values():
            assert set(c.labels) == {"en", "zh"}, c.iri
    for slug, c in voc.link_types.items():
        assert c.shortcut is not None, slug
        assert (c.shortcut, None, None) in schema, f"{c.shortcut} is not declared"
        assert c.colour and re.fullmatch(r"#[0-9a-f]{6}", c.colour), slug
    assert voc.link_types["established-by"].shortcut == RKG.establishedBy
    assert voc.member_roles == {
        "member",
        "founding-member",
        "adherent",
        "signatory",
        "endorser",
        "sponsor",
        "party",
    }
    assert "observer" in voc.roles and "observer" not in voc.member_roles


def test_shapes_list_the_concepts_of_the_vocabulary(voc: vocab.Vocabulary) -> None:
    """Every ``rkgsh:conceptsOf`` list is the scheme's concepts, read from the vocabulary."""
    shapes = load_shapes(Project(ROOT))
    for scheme_name in CONTROLLED:
        s = voc.scheme(scheme_name)
        shape = next(shapes.subjects(CONCEPTS_OF, s.iri))
        listed = set(shapes.items(shapes.value(shape, SH["in"])))
        assert listed == {c.iri for c in s.concepts.values()}
    written = Graph()
    for path in sorted((ROOT / "ontology" / "shapes").glob("*.ttl")):
        written.parse(path, format="turtle")
    for scheme_name in CONTROLLED:
        for shape in written.subjects(CONCEPTS_OF, voc.scheme(scheme_name).iri):
            assert written.value(shape, SH["in"]) is None, f"{shape} spells out {scheme_name}"


def _plant(proj: Project) -> tuple[Path, str]:
    """The planted concept, and a link of that type beside the project's first builds-on
    link (same ends, same evidence): the file changed and the link's source."""
    path = proj.vocab_dir / "regime-link-type.ttl"
    path.write_text(path.read_text(encoding="utf-8") + PLANTED, encoding="utf-8")
    for links in sorted((proj.curated_dir / "links").glob("*.yaml")):
        records = yaml.safe_load(links.read_text(encoding="utf-8"))
        base = next((r for r in records if r["type"] == "builds-on"), None)
        if base is not None:
            records.append({**base, "type": "inspired-by"})
            links.write_text(canonical_text(records, "links"), encoding="utf-8")
            return links, base["source"]
    raise AssertionError("the project has no builds-on link to copy")


def test_a_link_type_added_to_the_vocabulary_needs_no_code(
    small_built: Path, tmp_path: Path
) -> None:
    """Plant a concept in a copy's vocabulary: curated data, SHACL and exports take it.

    The copy is of the small project (``tests/smallproject.py``): its vocabularies, shapes
    and export code are the bundled ones, which is all the concept has to flow through.
    """
    from regimekg.build import build
    from regimekg.export import export

    proj = small_copy(small_built, tmp_path / "proj")
    originals = {p: p.read_text("utf-8") for p in (proj.curated_dir / "links").glob("*.yaml")}
    links, source = _plant(proj)
    original = originals[links]
    # without the concept the same record is refused, naming the vocabulary file to edit
    vocab_file = proj.vocab_dir / "regime-link-type.ttl"
    planted = vocab_file.read_text(encoding="utf-8")
    vocab_file.write_text(planted.replace(PLANTED, ""), encoding="utf-8")
    with pytest.raises(UserError, match=r"inspired-by.*regime-link-type\.ttl"):
        load(proj)
    vocab_file.write_text(planted, encoding="utf-8")
    assert links.read_text(encoding="utf-8") != original

    cur = load(proj)
    assert any(r.data["type"] == "inspired-by" for r in cur.records["links"])
    shapes = load_shapes(proj)
    link_shape = next(shapes.subjects(CONCEPTS_OF, scheme("regime-link-type")))
    assert concept("regime-link-type", "inspired-by") in set(
        shapes.items(shapes.value(link_shape, SH["in"]))
    )
    # the whole build, SHACL included: it fails on a link type the shapes do not accept
    build(proj, proj.build_dir(), progress=lambda _m: None)
    dot = export(proj, "dot", tmp_path / "g.dot")
    text = dot.read_text(encoding="utf-8")
    edge = next(ln for ln in text.splitlines() if f'/{source}" ->' in ln and "inspired by" in ln)
    assert 'color="#123abc"' in edge
    html = export(proj, "html", tmp_path / "g.html").read_text(encoding="utf-8")
    assert '"inspired-by":"#123abc"' in html.replace(" ", "")


def test_entity_classes_follow_the_ontology() -> None:
    """The classes a record may name are the ontology's, not a list kept beside it."""
    from rdflib.namespace import RDFS

    from regimekg.curated import INSTITUTION_CLASSES, INSTRUMENT_CLASSES, KIND_OF_CLASS

    schema = load_ontology(Project(ROOT))
    for parent, names in (("Instrument", INSTRUMENT_CLASSES), ("Institution", INSTITUTION_CLASSES)):
        found = schema.transitive_subjects(RDFS.subClassOf, RKG[parent])
        assert names == {str(c).removeprefix(str(RKG)) for c in found}
    # a class the ontology declared but the code's old copy of the list had missed
    assert KIND_OF_CLASS["Resolution"] == "instrument"
