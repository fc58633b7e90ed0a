"""The editor's round trip: edit ``regimekg.owl`` with owlready2, import it, check, build.

What an ontology editor relies on (docs/editing.md): an edit saved as RDF/XML flows back into
the Turtle source without disturbing the rest of it; ``regimekg check`` then accepts a good edit
and names the term of a broken one; the build carries the new term. Every test works on a copy
of the project.

What costs is shared where the tests only read it: the project with a fresh ``regimekg.owl`` is
made once and copied; the imported good edit is made once and read by the import test and the
build test; and the good edit, the worked examples of docs/editing.md and the two broken edits
that leave every step running (a class without a Chinese label, an unsatisfiable class) go
through one check with HermiT, the way ``tests/test_check.py`` shares its broken edits: each
test still asserts its own term, and every problem of that check must name one of the broken
edits, so the good edit and the examples add none.
"""

from __future__ import annotations

import os
import re
import shutil
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, SKOS

from regimekg.check import CheckReport, _freshness_step, java_available, run_check
from regimekg.cli import main
from regimekg.errors import UserError
from regimekg.namespaces import ONTOLOGY_IRI, RKG
from regimekg.ontology import generate_owl, load_ontology
from regimekg.ontology_sync import Drift, ImportResult, import_owl, normalise, split_turtle, status
from regimekg.paths import Project
from tests.conftest import ROOT, copy_project, small_copy

SKOS_DEFINITION = str(SKOS.definition)

needs_java = pytest.mark.skipif(not java_available(), reason="HermiT needs Java")


def _fresh_owl(p: Project) -> Project:
    """*p* with regimekg.owl freshly generated from the Turtle, as after `regimekg generate`."""
    generate_owl(p)
    # the Turtle is older than the RDF/XML, as after `regimekg generate`
    os.utime(p.ontology_ttl, (1_000_000_000, 1_000_000_000))
    return p


def _copy(src: Project, dest: Path) -> Project:
    """A copy of *src*'s inputs at *dest*, its Turtle older than its RDF/XML as in *src*."""
    for name in ("data", "ontology", "queries"):
        shutil.copytree(src.root / name, dest / name)
    p = Project(dest)
    os.utime(p.ontology_ttl, (1_000_000_000, 1_000_000_000))
    return p


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The project with regimekg.owl freshly generated, made once; tests change copies of it."""
    return _fresh_owl(copy_project(tmp_path_factory.mktemp("pristine") / "proj"))


@pytest.fixture
def proj(pristine: Project, tmp_path: Path) -> Project:
    """A copy of the project whose regimekg.owl is freshly generated from the Turtle."""
    return _copy(pristine, tmp_path / "proj")


def edit_owl(project: Project, change: Callable) -> None:
    """Open regimekg.owl in a fresh owlready2 world, apply *change*, save RDF/XML in place."""
    from owlready2 import World

    world = World()
    onto = world.get_ontology(project.ontology_owl.as_uri()).load()
    with onto:
        change(world, onto)
    onto.save(file=str(project.ontology_owl), format="rdfxml")
    world.close()


def new_class(
    name: str, parents: tuple[str, ...], labels: dict[str, str], definitions: dict[str, str]
) -> Callable:
    """An owlready2 edit adding class rkg:*name* with labels, definitions and isDefinedBy."""

    def change(world, onto) -> None:
        from owlready2 import locstr

        definition = world[SKOS_DEFINITION]
        cls = types.new_class(name, tuple(getattr(onto, p) for p in parents))
        cls.label = [locstr(text, lang) for lang, text in labels.items()]
        definition[cls] = [locstr(text, lang) for lang, text in definitions.items()]
        cls.isDefinedBy = [onto]

    return change


NETWORK = new_class(
    "DigitalPolicyNetwork",
    ("Institution",),
    {"en": "digital policy network", "zh": "数字政策网络"},
    {
        "en": "A standing network of government offices that coordinate digital policy.",
        "zh": "由各国政府部门组成、协调数字政策的常设网络。",
    },
)


@dataclass
class Imported:
    """The good edit (:data:`NETWORK`) made with owlready2 and imported into the Turtle."""

    project: Project
    before: str  # the Turtle before the import
    drift: Drift  # what `status` said before the import
    result: ImportResult


@pytest.fixture(scope="module")
def imported(pristine: Project, tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """One import of the good edit, read (never changed) by the tests that use it."""
    proj = _copy(pristine, tmp_path_factory.mktemp("imported") / "proj")
    before = proj.ontology_ttl.read_text(encoding="utf-8")
    edit_owl(proj, NETWORK)
    drift = status(proj)
    return Imported(proj, before, drift, import_owl(proj))


def test_owlready2_edit_is_imported_into_turtle_without_touching_the_rest(
    imported: Imported,
) -> None:
    proj, before, drift = imported.project, imported.before, imported.drift
    assert [str(n) for n in drift.added] == [str(RKG.DigitalPolicyNetwork)]
    assert not drift.changed and not drift.removed

    assert imported.result.written
    after = proj.ontology_ttl.read_text(encoding="utf-8")

    g = load_ontology(proj)
    c = RKG.DigitalPolicyNetwork
    assert Literal("digital policy network", lang="en") in set(g.objects(c, RDFS.label))
    assert Literal("数字政策网络", lang="zh") in set(g.objects(c, RDFS.label))
    assert (c, RDFS.subClassOf, RKG.Institution) in g
    assert (c, RDFS.isDefinedBy, ONTOLOGY_IRI) in g
    assert {o.language for o in g.objects(c, SKOS.definition)} == {"en", "zh"}

    # every original statement (with its comments) is still there, byte for byte
    chunks, _ = split_turtle(before)
    for chunk in chunks:
        assert chunk.trivia + chunk.text in after
    assert after.startswith(before.split("\n@prefix", 1)[0])  # header comment kept
    # the new class sits right after one of its siblings (another rkg:Institution subclass)
    new_chunks, _ = split_turtle(after)
    i = next(k for k, c in enumerate(new_chunks) if c.text.startswith("rkg:DigitalPolicyNetwork"))
    previous = URIRef(str(RKG) + new_chunks[i - 1].text.split()[0].removeprefix("rkg:"))
    assert (previous, RDFS.subClassOf, RKG.Institution) in g, new_chunks[i - 1].text[:80]

    # the RDF/XML is regenerated from the Turtle, so both agree and a second import is a no-op
    owl = normalise(Graph().parse(proj.ontology_owl, format="xml"))
    assert isomorphic(owl, normalise(g))
    again = import_owl(proj)
    assert again.drift.empty and not again.written


# --- one check with HermiT for the good edit and the broken ones that leave every step running

#: A class without its Chinese label: the QC queries name it, HermiT still runs.
NO_ZH_LABEL = new_class(
    "TechnicalCommunity",
    ("Institution",),
    {"en": "technical community"},
    {
        "en": "Engineers and researchers who build AI.",
        "zh": "构建人工智能的工程师与研究人员。",
    },
)
#: A class under two disjoint parents (State and Institution): HermiT finds it unsatisfiable.
UNSATISFIABLE = new_class(
    "StateAgency",
    ("State", "Agency"),
    {"en": "state agency", "zh": "国家机关"},
    {"en": "A state that is also an agency.", "zh": "既是国家又是政府机构者。"},
)
#: What the problems of the shared check may name: one of the broken edits each.
BROKEN_TERMS = ("rkg:TechnicalCommunity", "rkg:StateAgency")


@pytest.fixture(scope="module")
def checked_project(imported: Imported, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The imported good edit, then the worked examples of docs/editing.md written into the
    Turtle and the glossary (and the RDF/XML regenerated, as `regimekg generate` does), then
    the two broken edits made with owlready2 and imported."""
    proj = _copy(imported.project, tmp_path_factory.mktemp("checked") / "proj")
    for rel, snippet in worked_examples():
        f = proj.root / rel
        f.write_text(f.read_text(encoding="utf-8") + "\n" + snippet, encoding="utf-8")
    generate_owl(proj)
    for change in (NO_ZH_LABEL, UNSATISFIABLE):
        edit_owl(proj, change)
    import_owl(proj)
    return proj


@pytest.fixture(scope="module")
def checked(checked_project: Project) -> CheckReport:
    """``regimekg check`` of :func:`checked_project` (with HermiT when Java is here)."""
    return run_check(checked_project)


def unexplained(report: CheckReport) -> list[str]:
    """The problems of the shared check that name none of its broken edits."""
    return [p for p in report.problems if not any(t in p for t in BROKEN_TERMS)]


@needs_java
def test_imported_edit_passes_check(checked: CheckReport) -> None:
    assert not [p for p in checked.problems if "DigitalPolicyNetwork" in p], checked.summary()
    assert unexplained(checked) == [], checked.summary()
    # HermiT reasoned over the imported class (only the broken class is unsatisfiable)
    assert dict(checked.steps)["HermiT"] == "consistent, 1 unsatisfiable class(es)"


def test_check_fails_while_the_owl_edit_is_not_imported(proj: Project) -> None:
    """The check's step that compares regimekg.owl with the Turtle, on an owlready2 edit not
    yet imported (``tests/test_check.py`` runs that step inside the whole check)."""
    edit_owl(proj, NETWORK)
    report = CheckReport()
    _freshness_step(proj, load_ontology(proj), "ontology/regimekg.ttl", report)
    assert not report.ok
    assert any("regimekg.owl" in p for p in report.problems), report.summary()


def test_changed_and_removed_terms_are_rewritten_in_place(proj: Project) -> None:
    def change(world, onto) -> None:
        from owlready2 import destroy_entity, locstr

        onto.Forum.comment = [locstr("G7 and G20 are the typical forums.", "en")]
        destroy_entity(onto.FigureCaption)

    edit_owl(proj, change)
    drift = status(proj)
    assert RKG.Forum in drift.changed
    assert RKG.FigureCaption in drift.removed
    import_owl(proj)
    g = load_ontology(proj)
    assert Literal("G7 and G20 are the typical forums.", lang="en") in set(
        g.objects(RKG.Forum, RDFS.comment)
    )
    assert not set(g.predicate_objects(RKG.FigureCaption))
    assert "rkg:FigureCaption" not in proj.ontology_ttl.read_text(encoding="utf-8")


def test_dry_run_writes_nothing(proj: Project) -> None:
    edit_owl(proj, NETWORK)
    before = proj.ontology_ttl.read_bytes()
    result = import_owl(proj, dry_run=True)
    assert not result.written
    assert "rkg:DigitalPolicyNetwork" in result.summary()
    assert proj.ontology_ttl.read_bytes() == before


def test_import_refuses_to_undo_newer_turtle_edits(proj: Project) -> None:
    edit_owl(proj, NETWORK)
    # the Turtle was saved after the RDF/XML; set explicitly, since two saves within one tick
    # of the file system's clock get the same mtime
    later = proj.ontology_owl.stat().st_mtime_ns + 2_000_000_000
    os.utime(proj.ontology_ttl, ns=(later, later))
    with pytest.raises(UserError, match=r"modified after regimekg\.owl"):
        import_owl(proj)
    assert import_owl(proj, force=True).written


def test_unreadable_owl_names_file_and_line(proj: Project) -> None:
    text = proj.ontology_owl.read_text(encoding="utf-8").splitlines()
    text[5] = "<rdf:Description"  # broken XML on line 6
    proj.ontology_owl.write_text("\n".join(text), encoding="utf-8")
    with pytest.raises(UserError, match=r"regimekg\.owl line \d+: malformed RDF/XML"):
        import_owl(proj)


def test_status_command_exit_codes(proj: Project, capsys: pytest.CaptureFixture[str]) -> None:
    root = ["--root", str(proj.root), "ontology"]
    assert main([*root, "status"]) == 0
    edit_owl(proj, NETWORK)
    assert main([*root, "status"]) == 1
    assert "added: rkg:DigitalPolicyNetwork" in capsys.readouterr().out
    assert main([*root, "import-owl"]) == 0
    assert main([*root, "status"]) == 0


# --- edits that break something: `regimekg check` names the term ---------------------------


def test_missing_chinese_label_is_named(checked: CheckReport) -> None:
    assert not checked.ok
    hits = [p for p in checked.problems if "rkg:TechnicalCommunity" in p]
    assert hits, checked.summary()


def test_undeclared_annotation_property_is_named(proj: Project) -> None:
    ttl = proj.ontology_ttl.read_text(encoding="utf-8")
    proj.ontology_ttl.write_text(
        ttl + '\nrkg:Forum skos:scopeNote "Use for G7 and G20."@en .\n', encoding="utf-8"
    )
    report = run_check(proj, reasoner=False)
    hits = [p for p in report.problems if "skos:scopeNote" in p and "rkg:Forum" in p]
    assert hits, report.summary()
    assert "owl:AnnotationProperty" in hits[0]  # the message says how to fix it


@needs_java
def test_unsatisfiable_class_is_named(checked: CheckReport) -> None:
    hits = [p for p in checked.problems if "rkg:StateAgency" in p and "unsatisfiable" in p]
    assert hits, checked.summary()


# --- the build picks the edit up -----------------------------------------------------------


def test_build_carries_the_imported_class(
    small_built: Path, imported: Imported, tmp_path: Path
) -> None:
    """The imported class reaches the build's graph/ontology and the dump.

    Built from the small project (``tests/smallproject.py``): its ontology is the bundled
    one, and that is all the edit touches, so it takes the ontology of the imported edit;
    the curated data around it plays no part.
    """
    import pyoxigraph

    from regimekg.build import build
    from regimekg.namespaces import ONTOLOGY_GRAPH

    proj = small_copy(small_built, tmp_path / "proj")
    shutil.rmtree(proj.root / "ontology")
    shutil.copytree(imported.project.root / "ontology", proj.root / "ontology")
    out = tmp_path / "build"
    build(proj, out, progress=lambda _m: None)
    store = pyoxigraph.Store.read_only(str(out / "store"))
    # constants of the test, not user input: written into the query text directly
    rows = store.query(
        f"SELECT ?label WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> "
        f"{{ <{RKG.DigitalPolicyNetwork}> <{RDFS.label}> ?label }} }}"
    )
    labels = {(r["label"].value, r["label"].language) for r in rows}
    assert labels == {("digital policy network", "en"), ("数字政策网络", "zh")}
    assert str(URIRef(RKG.DigitalPolicyNetwork)) in (out / "regimekg.nq").read_text("utf-8")


# --- the worked examples of docs/editing.md ------------------------------------------------

APPLY = re.compile(r"<!-- apply: (\S+) -->\n```turtle\n(.*?)```", re.DOTALL)


def worked_examples() -> list[tuple[str, str]]:
    """The ``<!-- apply: FILE -->`` Turtle blocks of docs/editing.md: (file, snippet)."""
    return APPLY.findall((ROOT / "docs" / "editing.md").read_text(encoding="utf-8"))


def test_worked_examples_of_the_editing_guide_pass_check(
    checked_project: Project, checked: CheckReport
) -> None:
    """The guide's examples, applied in :func:`checked_project`, add no problem to its check
    and reach the ontology, the glossary and the reference pages."""
    from regimekg.ontology import load_vocab
    from regimekg.reference import render
    from regimekg.sources import load_manifest

    assert [rel for rel, _ in worked_examples()] == [
        "ontology/regimekg.ttl",
        "ontology/regimekg.ttl",
        "ontology/vocab/glossary.ttl",
    ]
    assert unexplained(checked) == [], checked.summary()

    proj = checked_project
    onto, vocab = load_ontology(proj), load_vocab(proj)
    for term in (RKG.Observatory, RKG.monitors):
        assert {o.language for o in onto.objects(term, RDFS.label)} == {"en", "zh"}
    concept = URIRef("https://w3id.org/regimekg/id/glossary/digital-divide")
    texts = {f"https://w3id.org/regimekg/id/doc/{s.id}": s.read_text() for s in load_manifest(proj)}
    quotes = [
        (str(vocab.value(ev, RKG.fromSource)), str(vocab.value(ev, RKG.quote)))
        for ev in vocab.objects(concept, RKG.hasEvidence)
    ]
    assert len(quotes) == 2
    for source, quote in quotes:
        assert quote in texts[source], f"{quote!r} is not in {source}"

    pages = render(proj)
    assert "rkg:Observatory — observatory · 观察站" in pages["classes.md"]
    assert "rkg:monitors — monitors · 监测" in pages["properties.md"]
    assert "glossary:digital-divide — digital divide · 数字鸿沟" in pages["vocab/glossary.md"]
