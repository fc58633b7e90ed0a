"""``regimekg check``: passes on the project, and names the term when an edit breaks it.

Broken edits are made on a copy of ``ontology/`` and ``queries/`` in a temporary project, the
way an editor would make them, and ``regimekg.owl`` is regenerated so that only the intended
problems are present (except for the stale ``regimekg.owl`` edit). The edits that break
different terms and leave every step running share one project and one check (with HermiT):
a check costs seconds, most of it the same parsing, QC queries and SHACL whatever the edit.
The edits that only one step can name (the inconsistent individual: HermiT; the undeclared
annotation property: the OWL 2 DL lint) run that step alone on the ontology with the edit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph
from rdflib.namespace import SH

from regimekg import __version__
from regimekg.check import CheckReport, _hermit_step, lint_ontology, run_check, run_hermit
from regimekg.ontology import generate_owl, to_rdfxml
from regimekg.paths import Project

ROOT = Path(__file__).resolve().parents[1]
HAS_JAVA = shutil.which("java") is not None
PREFIXES = """@prefix rkg: <https://w3id.org/regimekg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
LABELLED = """rdfs:isDefinedBy <https://w3id.org/regimekg/ontology> ;
    skos:definition "Defined for the test."@en , "为测试而定义。"@zh"""


def copy_project(tmp_path: Path) -> Project:
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    return Project(tmp_path)


def edit(
    project: Project, old: str | None = None, new: str = "", *, regenerate: bool = True
) -> None:
    """Replace *old* by *new* in the copy's Turtle (or append *new*), then regenerate the OWL."""
    path = project.ontology_ttl
    text = path.read_text(encoding="utf-8")
    if old is None:
        text += "\n" + new + "\n"
    else:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    if regenerate:
        generate_owl(project)


def problems_naming(report: CheckReport, needle: str) -> list[str]:
    return [p for p in report.problems if needle in p]


# --------------------------------------------------------------------------------------------
# The project itself
# --------------------------------------------------------------------------------------------


def test_project_passes_every_step() -> None:
    report = run_check(Project(ROOT), reasoner=HAS_JAVA)
    assert report.ok, report.summary()
    names = [name for name, _ in report.steps]
    assert names[:2] == ["parse", "OWL 2 DL lint"]
    assert "QC queries" in names and "SHACL" in names
    if HAS_JAVA:
        hermit = dict(report.steps)["HermiT"]
        assert hermit.startswith("consistent, no unsatisfiable classes")
    assert "OK: no problems found" in report.summary()
    assert any("conflicting-claims" in n for n in report.notes)


# --------------------------------------------------------------------------------------------
# Broken edits
# --------------------------------------------------------------------------------------------


# Most broken edits are checked together: each breaks a different term or file and names it
# in its own problem, none stops a later step (a lint problem skips HermiT and a syntax error
# skips everything, so those cases run alone), so one project with every edit and one check
# (HermiT included) shows each case's problem as a project with that edit alone would — and
# every problem of that check must be one the cases expect, so no edit masks or adds one.
# Each case is its own test, named, asserting its own problem.

STATE_INSTITUTION = (
    PREFIXES
    + f"""rkg:StateInstitution a owl:Class ;
    rdfs:subClassOf rkg:State , rkg:Institution ;
    rdfs:label "state institution"@en , "国家机构混合体"@zh ;
    {LABELLED} ."""
)


def _edit_file(path: Path, old: str | None, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old is None:
        text += new
    else:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def _clone_risk_type(project: Project) -> None:
    """A copy of an existing concept under a new slug (labels changed to stay unique)."""
    path = project.vocab_dir / "risk-type.ttl"
    text = path.read_text(encoding="utf-8")
    start = text.index("risk-type:geopolitical\n")
    block = text[start : text.index("\n.\n", start) + 3]
    clone = block.replace("risk-type:geopolitical", "risk-type:cyber-conflict")
    clone = clone.replace('"geopolitical', '"cyber-conflict').replace("地缘政治", "网络冲突")
    path.write_text(text + "\n" + clone, encoding="utf-8")


def _broken_edits(project: Project) -> None:
    """Every edit of :data:`BROKEN`, in this order, then the RDF/XML regenerated (as each
    edit did alone) except for the last edit, which makes it stale."""
    person = 'rdfs:label "person"@en , "个人"@zh ;'
    edit(project, person, 'rdfs:label "person"@en ;', regenerate=False)
    edit(project, '"论坛"@zh', '"forum"@zh', regenerate=False)
    edit(project, f'owl:versionInfo "{__version__}"', 'owl:versionInfo "0.0.9"', regenerate=False)
    edit(project, f"ontology/{__version__}>", "ontology/0.0.9>", regenerate=False)
    edit(project, None, STATE_INSTITUTION, regenerate=False)
    _clone_risk_type(project)  # a concept that must join the closed lists: no problem
    _edit_file(project.vocab_dir / "risk-type.ttl", "    skos:inScheme scheme:risk-type ;\n", "")
    old = "    rkgsh:conceptsOf scheme:bindingness ;"
    new = "    sh:in ( bindingness:hard-law bindingness:soft-law bindingness:mixed ) ;\n" + old
    _edit_file(project.shapes_dir / "entities.ttl", old, new)
    (project.qc_dir / "broken-violation.rq").write_text("SELECT ?x WHERE { ?x", encoding="utf-8")
    generate_owl(project)
    edit(project, '"forum"@en', '"discussion forum"@en', regenerate=False)


#: (case, what its problem names): each edit of :func:`_broken_edits` and the problem it
#: must cause. Several problems may name one case (the version edits are both reported as
#: the version and as the catalog); every problem must name one.
BROKEN = {
    "class missing its Chinese label": "qc/term-without-zh-label-violation: rkg:Person",
    "Chinese label in Latin script": "qc/label-wrong-script-violation: rkg:Forum",
    "version stamp other than the package's": "owl:versionInfo is 0.0.9",
    "catalog not mapping the version IRI": "does not map https://w3id.org/regimekg/ontology/0.0.9",
    "unsatisfiable class": "HermiT: class rkg:StateInstitution",
    "concept without its scheme": "qc/concept-without-scheme-violation: id:risk-type/",
    "closed list naming an unknown concept": "id:bindingness/mixed",
    "broken QC query": "broken-violation.rq: SPARQL syntax error",
    "stale regimekg.owl": "regimekg.owl is missing or out of date",
}
#: Problems the version edits cause besides their own (the versionIRI goes with them).
ALSO_EXPECTED = ("owl:versionIRI is https://w3id.org/regimekg/ontology/0.0.9",)


@pytest.fixture(scope="module")
def broken_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = copy_project(tmp_path_factory.mktemp("broken"))
    _broken_edits(project)
    return project


@pytest.fixture(scope="module")
def broken(broken_project: Project) -> CheckReport:
    """The check of the project with every edit of :data:`BROKEN` (HermiT when Java is here)."""
    return run_check(broken_project, reasoner=HAS_JAVA)


def test_broken_edits_cause_only_the_problems_they_name(broken: CheckReport) -> None:
    assert not broken.ok
    unexplained = [
        p for p in broken.problems if not any(n in p for n in (*BROKEN.values(), *ALSO_EXPECTED))
    ]
    assert unexplained == [], broken.summary()
    assert "FAILED" in broken.summary() and "rkg:Person" in broken.summary()


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_edit_fails_naming_what_broke(broken: CheckReport, case: str) -> None:
    if case == "unsatisfiable class" and not HAS_JAVA:
        pytest.skip("HermiT needs Java")
    assert problems_naming(broken, BROKEN[case]), broken.summary()


@pytest.mark.skipif(not HAS_JAVA, reason="HermiT needs Java")
def test_unsatisfiable_class_fails_naming_the_class(broken: CheckReport) -> None:
    (hit,) = problems_naming(broken, "rkg:StateInstitution")
    assert "unsatisfiable" in hit
    assert "state institution" in hit  # the label is shown next to the IRI
    assert dict(broken.steps)["HermiT"] == "consistent, 1 unsatisfiable class(es)"


def test_stale_owl_file_names_the_fix(broken: CheckReport) -> None:
    (hit,) = problems_naming(broken, "regimekg.owl is missing or out of date")
    assert "regimekg generate" in hit


def _with(snippet: str) -> Graph:
    """The project's ontology with the Turtle *snippet* added, as a new graph."""
    g = Graph().parse(ROOT / "ontology" / "regimekg.ttl", format="turtle")
    return g.parse(data=PREFIXES + snippet, format="turtle")


@pytest.mark.skipif(not HAS_JAVA, reason="HermiT needs Java")
def test_inconsistent_ontology_fails(tmp_path: Path) -> None:
    """HermiT finds the contradiction and the check fails saying so.

    The reasoner step alone (what ``run_check`` runs on the RDF/XML of the Turtle once the
    earlier steps pass): the other steps have nothing to say about an individual.
    """
    owl = tmp_path / "regimekg.owl"
    individual = "rkg:france-and-g7 a owl:NamedIndividual , rkg:State , rkg:Institution ."
    owl.write_text(to_rdfxml(_with(individual)), encoding="utf-8")
    result = run_hermit(owl)
    assert not result.consistent
    report = CheckReport()
    _hermit_step(result, "ontology/regimekg.ttl", report)
    assert problems_naming(report, "is inconsistent"), report.summary()
    assert dict(report.steps)["HermiT"] == "inconsistent"


def test_undeclared_annotation_property_fails_naming_it() -> None:
    """The OWL 2 DL lint of the edited ontology (the check's step that names it; the wiring
    of lint problems into the check is ``test_editing``'s undeclared annotation property)."""
    g = _with('rkg:Forum rkg:editorNote "check the G20 case"@en .')
    hits = [p for p in lint_ontology(g) if "rkg:editorNote" in p]
    assert hits and "never declared" in hits[0] and "owl:AnnotationProperty" in hits[0]


def test_owl_file_is_current_when_it_holds_the_turtles_triples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A regimekg.owl with the very text of the generated RDF/XML (which the check makes for
    HermiT anyway) is current without comparing graphs; any other file is compared by its
    triples, so another tool's RDF/XML of the same triples is current and a stale one not."""
    from regimekg import check

    project = Project(tmp_path)
    project.ontology_ttl.parent.mkdir(parents=True)
    ttl = PREFIXES + (
        "rkg:A a owl:Class ; rdfs:subClassOf [ a owl:Restriction ; "
        "owl:onProperty rkg:p ; owl:someValuesFrom rkg:B ] ."
    )
    project.ontology_ttl.write_text(ttl, encoding="utf-8")
    g = Graph().parse(data=ttl, format="turtle")
    generated = to_rdfxml(g)
    project.ontology_owl.write_text(generated, encoding="utf-8")
    with monkeypatch.context() as mp:
        mp.setattr(check, "owl_is_current", lambda _p: pytest.fail("graphs were compared"))
        assert check._owl_current(project, generated)
    project.ontology_owl.write_text(g.serialize(format="xml"), encoding="utf-8")
    assert project.ontology_owl.read_text(encoding="utf-8") != generated
    assert check._owl_current(project, generated) and check._owl_current(project, None)
    stale = Graph().parse(data=PREFIXES + "rkg:A a owl:Class .", format="turtle")
    project.ontology_owl.write_text(to_rdfxml(stale), encoding="utf-8")
    assert not check._owl_current(project, generated) and not check._owl_current(project, None)


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    text = project.ontology_ttl.read_text(encoding="utf-8")
    line = text.splitlines().index("rkg:Forum a owl:Class ;") + 1
    edit(project, "rkg:Forum a owl:Class ;", "rkg:Forum a owk:Class ;", regenerate=False)
    report = run_check(project, reasoner=False)
    assert not report.ok
    assert any(f"regimekg.ttl line {line}" in p for p in report.problems), report.problems


def test_concept_added_to_a_vocabulary_joins_the_closed_lists_in_the_shapes(
    broken: CheckReport, broken_project: Project
) -> None:
    """The shapes' sh:in lists are generated from the vocabularies: one file to edit."""
    from regimekg.namespaces import concept, scheme
    from regimekg.ontology import CONCEPTS_OF, load_shapes

    assert not problems_naming(broken, "cyber-conflict"), broken.summary()
    shapes = load_shapes(broken_project)
    new = concept("risk-type", "cyber-conflict")
    listing = {
        s
        for s in shapes.subjects(CONCEPTS_OF, scheme("risk-type"))
        if new in set(shapes.items(shapes.value(s, SH["in"])))
    }
    assert len(listing) == 3  # entity shortcut, classification, table record


def test_closed_list_naming_an_unknown_concept_fails(broken: CheckReport) -> None:
    """A list still written out in a shape file must match its scheme."""
    (hit,) = problems_naming(broken, "id:bindingness/mixed")
    assert hit.startswith("shapes rkgsh:Instrument-bindingness:") and "not a concept" in hit


# --------------------------------------------------------------------------------------------
# The OWL 2 DL lint on small graphs
# --------------------------------------------------------------------------------------------


def lint(ttl: str) -> list[str]:
    return lint_ontology(Graph().parse(data=PREFIXES + ttl, format="turtle"), "t.ttl")


def test_lint_passes_a_clean_fragment() -> None:
    assert lint("rkg:A a owl:Class . rkg:B a owl:Class ; rdfs:subClassOf rkg:A .") == []


def test_lint_undeclared_class_in_axiom() -> None:
    (p,) = lint("rkg:A a owl:Class ; rdfs:subClassOf rkg:Instituion .")
    assert "rkg:Instituion is used as a class" in p


def test_lint_property_declared_as_object_and_datatype_property() -> None:
    (p,) = lint("rkg:p a owl:ObjectProperty , owl:DatatypeProperty .")
    assert "rkg:p is declared as datatype property and object property" in p


def test_lint_date_datatype_outside_the_owl2_map() -> None:
    (p,) = lint("rkg:d a owl:DatatypeProperty ; rdfs:range xsd:date .")
    assert "xsd:date" in p and "SHACL" in p


def test_lint_transitive_property_in_cardinality_restriction() -> None:
    problems = lint(
        """rkg:t a owl:ObjectProperty , owl:TransitiveProperty .
        rkg:A a owl:Class ; rdfs:subClassOf [ a owl:Restriction ; owl:onProperty rkg:t ;
            owl:maxCardinality "1"^^xsd:nonNegativeInteger ] ."""
    )
    assert len(problems) == 1 and "rkg:t" in problems[0] and "non-simple" in problems[0]


def test_lint_sub_property_of_a_transitive_one_is_simple_but_its_super_is_not() -> None:
    assert (
        lint(
            """rkg:direct a owl:ObjectProperty , owl:FunctionalProperty ;
                rdfs:subPropertyOf rkg:closure .
            rkg:closure a owl:ObjectProperty , owl:TransitiveProperty ."""
        )
        == []
    )
    (p,) = lint(
        """rkg:direct a owl:ObjectProperty , owl:TransitiveProperty ; rdfs:subPropertyOf rkg:up .
        rkg:up a owl:ObjectProperty , owl:FunctionalProperty ."""
    )
    assert "rkg:up" in p and "declared functional" in p


def test_lint_mixed_property_kinds_in_sub_property() -> None:
    (p,) = lint(
        """rkg:issuer a owl:ObjectProperty ; rdfs:subPropertyOf <http://purl.org/dc/terms/creator> .
        <http://purl.org/dc/terms/creator> a owl:AnnotationProperty ."""
    )
    assert "mixes property kinds" in p


def test_lint_object_property_used_with_a_literal() -> None:
    (p,) = lint('rkg:p a owl:ObjectProperty . rkg:A a owl:Class ; rkg:p "a value" .')
    assert "rkg:p is used as an object property with a literal value (on rkg:A)" in p


def test_lint_class_and_property_punning_in_rkg() -> None:
    (p,) = lint("rkg:member a owl:Class , owl:ObjectProperty .")
    assert "rkg:member" in p and "punning" in p


# --------------------------------------------------------------------------------------------
# Build store, reporting, missing Java
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def without_java() -> CheckReport:
    """The check of the project with a small build store and without Java: the build-store
    test and the missing-Java test read the one run (its non-reasoner steps cost a second)."""
    import owlready2

    store = pyoxigraph.Store()
    data = """
    @prefix rkg: <https://w3id.org/regimekg/ontology#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <https://w3id.org/regimekg/id/institution/gpai> a rkg:Partnership ;
        rdfs:label "Global Partnership on Artificial Intelligence"@en , "人工智能全球伙伴关系"@zh .
    <https://w3id.org/regimekg/id/claim/a1> a rkg:Claim ;
        rkg:hasEvidence <https://w3id.org/regimekg/id/evidence/e1> ;
        rkg:claimSubject <https://w3id.org/regimekg/id/institution/gpai> ;
        rkg:claimAbout "founding-date" ; rkg:claimValue "2020" .
    <https://w3id.org/regimekg/id/claim/a2> a rkg:Claim ;
        rkg:hasEvidence <https://w3id.org/regimekg/id/evidence/e1> ;
        rkg:claimSubject <https://w3id.org/regimekg/id/institution/gpai> ;
        rkg:claimAbout "founding-date" ; rkg:claimValue "2019" .
    """
    g = Graph().parse(data=data, format="turtle")
    store.load(
        g.serialize(format="nt").encode(),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
        to_graph=pyoxigraph.NamedNode("https://w3id.org/regimekg/graph/curated"),
    )
    # The store's ontology graph provides the subclass chain the query follows.
    onto = Graph().parse(ROOT / "ontology" / "regimekg.ttl", format="turtle")
    store.load(
        onto.serialize(format="nt").encode(),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
        to_graph=pyoxigraph.NamedNode("https://w3id.org/regimekg/graph/ontology"),
    )
    # Java is missing for this run only (the other tests of the module reason with it).
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
        return run_check(Project(ROOT), store=store)


#: What the build store of :func:`without_java` makes the check report (and nothing else).
STORE_PROBLEM = "qc/named-entity-without-evidence-violation: id:institution/gpai, rkg:Partnership"


def test_qc_queries_also_run_on_a_build_store(without_java: CheckReport) -> None:
    report = without_java
    assert problems_naming(report, STORE_PROBLEM), report.summary()
    assert "qc/conflicting-claims: 1 row(s) (informational)" in report.notes
    assert "+ build store" in dict(report.steps)["QC queries"]


@pytest.mark.skipif(not HAS_JAVA or shutil.which("javac") is None, reason="needs a JDK")
def test_dl_profile_program_is_compiled_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OWL API profile program is compiled into the cache directory and then only run:
    its verdict is the OWL API's, and Java's single-file launch (which compiles it on every
    run) is not used while the compiled class runs. The run's cache directory (conftest) is
    used, so a check of the module that ran before may have compiled it already."""
    from regimekg import check
    from regimekg.loaders.wordindex import cache_dir

    owl = tmp_path / "t.owl"
    ttl = "<https://w3id.org/regimekg/ontology> a owl:Ontology . rkg:A a owl:Class ; "
    ttl += "rdfs:subClassOf rkg:Undeclared ."
    owl.write_text(to_rdfxml(Graph().parse(data=PREFIXES + ttl, format="turtle")), "utf-8")
    commands: list[list[str]] = []
    run = check._dl_profile_violations
    monkeypatch.setattr(check, "_dl_profile_violations", lambda c: commands.append(c) or run(c))

    assert check.run_owlapi_profile(owl) == [
        "Use of undeclared class: <https://w3id.org/regimekg/ontology#Undeclared>"
    ]
    (compiled,) = cache_dir().glob("dlprofile-*/DLProfile.class")
    assert [c[-2:] for c in commands] == [["DLProfile", str(owl)]]  # the class, no .java
    # found again without compiling
    monkeypatch.setattr(check.subprocess, "run", lambda *a, **k: pytest.fail("compiled again"))
    jar = check.owlapi_jar()
    assert jar is not None
    java = shutil.which("java")
    assert java is not None
    assert check._compiled_dl_profile(java, jar) == compiled.parent


def test_summary_is_a_numbered_list() -> None:
    report = CheckReport(problems=["first problem", "second problem"], notes=["a note"])
    report.steps.append(("parse", "ok"))
    text = report.summary()
    assert not report.ok
    assert "  1. first problem" in text and "  2. second problem" in text
    assert "FAILED: 2 problem(s)" in text and "a note" in text


def test_missing_java_is_said_in_one_sentence(without_java: CheckReport) -> None:
    report = without_java
    # missing Java fails nothing: the only problem is the one the build store holds
    assert [p for p in report.problems if STORE_PROBLEM not in p] == [], report.summary()
    assert dict(report.steps)["HermiT"] == "skipped: no Java"
    (note,) = [n for n in report.notes if "HermiT" in n]
    assert note.startswith("HermiT was not run because Java is not installed")
    assert note.count(". ") == 0 and note.endswith(".")
