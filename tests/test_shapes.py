"""SHACL shapes, tested as data: one valid and one invalid fixture per rule.

Each folder under ``tests/fixtures/shapes/`` holds ``valid.ttl`` (must conform), ``invalid.ttl``
(must violate the rule) and ``expected.ttl`` (the exact violations, as partial
``sh:ValidationResult`` nodes: focus node, constraint component, path). Fixtures share the valid
context in ``base.ttl``; validation goes through ``regimekg.ontology.shacl_validate``, which adds
the ontology and vocabularies as the build does, so subclass targeting and scheme checks work as
in production.

All valid fixtures are validated together in one run, and all invalid ones in another; each
invalid fixture's results are then picked out by their focus nodes (every fixture has its own
IRI namespace). That keeps the suite to two pySHACL runs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from regimekg.ontology import load_meta_shapes, load_shapes, shacl_validate
from regimekg.paths import Project

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
RULES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())

Result = tuple[URIRef, URIRef, URIRef | None]


def _parse(*paths: Path) -> Graph:
    g = Graph()
    for p in paths:
        g.parse(p, format="turtle")
    return g


@cache
def _validate(kind: str) -> Graph:
    project = Project(ROOT)
    data = _parse(FIXTURES / "base.ttl", *(FIXTURES / r / f"{kind}.ttl" for r in RULES))
    shapes = load_shapes(project) + load_meta_shapes(project)
    _, report, _ = shacl_validate(project, data, shapes=shapes)
    return report


def _results(report: Graph) -> set[Result]:
    """Top-level violations (nested sh:detail results of sh:node are not counted)."""
    out: set[Result] = set()
    tops = list(report.objects(None, SH.result)) or list(
        report.subjects(RDF.type, SH.ValidationResult)
    )
    for r in tops:
        if report.value(r, SH.resultSeverity) != SH.Violation:
            continue
        path = report.value(r, SH.resultPath)
        out.add(
            (
                report.value(r, SH.focusNode),
                report.value(r, SH.sourceConstraintComponent),
                path if isinstance(path, URIRef) else None,
            )
        )
    return out


def _fixture_nodes(rule: str) -> set[URIRef]:
    ns = f"http://example.org/fixture/{rule}/"
    g = _parse(FIXTURES / rule / "invalid.ttl")
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}


def test_every_rule_has_valid_invalid_and_expected() -> None:
    assert len(RULES) >= 30
    for rule in RULES:
        for name in ("valid.ttl", "invalid.ttl", "expected.ttl"):
            assert (FIXTURES / rule / name).is_file(), f"{rule}/{name} is missing"


def test_all_valid_fixtures_conform() -> None:
    problems = sorted(_results(_validate("valid")), key=str)
    assert problems == [], problems


@pytest.mark.parametrize("rule", RULES)
def test_invalid_fixture_raises_exactly_the_expected_violations(rule: str) -> None:
    expected = _results(_parse(FIXTURES / rule / "expected.ttl"))
    assert expected, f"{rule}/expected.ttl lists no violation"
    nodes = _fixture_nodes(rule)
    actual = {r for r in _results(_validate("invalid")) if r[0] in nodes}
    assert actual == expected


def test_invalid_fixtures_raise_nothing_outside_their_own_nodes() -> None:
    """Base context, ontology and vocabularies stay clean while the invalid fixtures fail."""
    mine = set().union(*(_fixture_nodes(r) for r in RULES))
    stray = sorted((r for r in _results(_validate("invalid")) if r[0] not in mine), key=str)
    assert stray == []


def test_subclass_instances_are_targeted_through_the_ontology() -> None:
    """An rkg:InternationalOrganisation meets the rkg:NamedEntity shape only via the ontology."""
    project = Project(ROOT)
    data = _parse(FIXTURES / "named-entity-evidence" / "invalid.ttl")
    with_ontology, _, _ = shacl_validate(project, data)
    without_ontology, _, _ = pyshacl.validate(
        data, shacl_graph=load_shapes(project), inference="none"
    )
    assert not with_ontology
    assert without_ontology


def test_shapes_use_core_constraints_only() -> None:
    """The CI path runs pySHACL without SHACL-SPARQL: no sh:sparql or SPARQL-based targets."""
    shapes = load_shapes(Project(ROOT)) + load_meta_shapes(Project(ROOT))
    for p in (SH.sparql, SH.select, SH.ask, SH.target):
        assert not list(shapes.subject_objects(p)), f"shapes use {p}"


def test_shape_messages_are_bilingual() -> None:
    shapes = load_shapes(Project(ROOT)) + load_meta_shapes(Project(ROOT))
    for s in set(shapes.subjects(SH.message, None)):
        langs = {m.language for m in shapes.objects(s, SH.message)}
        assert langs == {"en", "zh"}, f"{s} has messages in {langs}"


def test_data_shapes_work_with_the_ontology_as_ont_graph() -> None:
    """The build's way: vocabularies in the data graph, the ontology as pySHACL's ont_graph."""
    from regimekg.ontology import load_ontology, load_vocab

    project = Project(ROOT)
    shapes = load_shapes(project)
    for kind, expect in (("valid", True), ("invalid", False)):
        data = _parse(FIXTURES / "membership-role" / f"{kind}.ttl", FIXTURES / "base.ttl")
        conforms, _, text = pyshacl.validate(
            data + load_vocab(project),
            shacl_graph=shapes,
            ont_graph=load_ontology(project),
            inference="none",
        )
        assert conforms is expect, text


def test_closed_concept_lists_name_exactly_the_concepts_of_their_schemes() -> None:
    """sh:in replaced nested concept shapes for speed; the lists must follow the vocabularies."""
    from regimekg.check import CONCEPTS_OF, concept_list_problems
    from regimekg.ontology import load_schema

    project = Project(ROOT)
    shapes = load_shapes(project)
    assert len(set(shapes.subjects(CONCEPTS_OF, None))) >= 12
    assert concept_list_problems(shapes, load_schema(project)) == []


def test_no_shape_is_reached_only_through_sh_node_or_sh_property() -> None:
    """pySHACL re-runs a nested shape once per focus node (tens of thousands of times on a
    build); every property shape carries its own target instead. Only datatype and class
    choices (sh:or of blank shapes) stay nested."""
    shapes = load_shapes(Project(ROOT)) + load_meta_shapes(Project(ROOT))
    assert not list(shapes.subject_objects(SH.node))
    assert not list(shapes.subject_objects(SH.property))
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    for ps in set(shapes.subjects(RDF.type, SH.PropertyShape)):
        assert any(shapes.value(ps, t) is not None for t in targets), f"{ps} has no target"


def test_metric_networks_in_the_shapes_are_the_analysis_networks() -> None:
    from rdflib.collection import Collection

    from regimekg.analysis import NETWORKS, network_iri

    shapes = load_shapes(Project(ROOT))
    shape = URIRef("https://w3id.org/regimekg/shapes#MetricObservation-network")
    listed = set(Collection(shapes, shapes.value(shape, SH["in"])))
    assert listed == {network_iri(n) for n in NETWORKS}
