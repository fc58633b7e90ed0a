"""The ontology and its vocabularies: what every other stage relies on them to say.

Covers: the Turtle parses and carries a complete header; the terms of the data model exist with
the right kinds and axioms; every term is bilingual; ``regimekg.owl`` is the deterministic
RDF/XML of the Turtle and loads in owlready2; HermiT finds it consistent; the SKOS schemes hold
the concepts the curated files use, each bilingual and sourced; every quote the vocabularies
cite really occurs in its bundled source.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib import namespace as rns
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from regimekg import __version__
from regimekg.errors import UserError
from regimekg.namespaces import ID, ONTOLOGY_IRI, ORG, PROV, RKG, concept, scheme
from regimekg.ontology import (
    generate_owl,
    load_ontology,
    load_schema,
    load_vocab,
    parse_turtle,
    terms,
    to_rdfxml,
)
from regimekg.paths import Project
from regimekg.sources import load_manifest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Project(ROOT)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_ontology(PROJECT)


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return load_vocab(PROJECT)


# --------------------------------------------------------------------------------------------
# Header and terms
# --------------------------------------------------------------------------------------------


def test_header_is_bilingual_licensed_and_versioned(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    for p in (DCTERMS.title, DCTERMS.description):
        langs = sorted(o.language for o in onto.objects(ONTOLOGY_IRI, p))
        assert langs == ["en", "zh"], p
    assert isinstance(onto.value(ONTOLOGY_IRI, DCTERMS.license), URIRef)
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{__version__}")
    assert str(onto.value(ONTOLOGY_IRI, OWL.versionInfo)) == __version__


#: Terms named in docs/architecture.md (the data model every stage relies on), by kind.
CLASSES = [
    "NamedEntity",
    "Actor",
    "State",
    "Person",
    "Institution",
    "Forum",
    "InternationalOrganisation",
    "Initiative",
    "Partnership",
    "SummitSeries",
    "Summit",
    "StandardsBody",
    "RegionalOrganisation",
    "Agency",
    "Company",
    "CivilSocietyOrganisation",
    "ResearchInstitute",
    "Instrument",
    "Law",
    "ExecutiveOrder",
    "Strategy",
    "Declaration",
    "Principles",
    "Recommendation",
    "Convention",
    "Standard",
    "CodeOfConduct",
    "Report",
    "Guideline",
    "LabelProvenance",
    "CuratedStatement",
    "Membership",
    "RegimeLink",
    "DatedEvent",
    "Classification",
    "Claim",
    "Evidence",
    "Document",
    "Source",
    "JournalIssue",
    "Article",
    "Section",
    "Segment",
    "Paragraph",
    "Heading",
    "Footnote",
    "Abstract",
    "TableRow",
    "FigureCaption",
    "Table",
    "TableCell",
    "CitedWork",
    "Mention",
    "Candidate",
]
OBJECT_PROPERTIES = [
    "issuedBy",
    "isMemberOf",
    "hasMember",
    "linkSource",
    "linkTarget",
    "linkType",
    "isNestedIn",
    "isNestedInTransitive",
    "isPartOf",
    "isHostedBy",
    "overlapsWith",
    "isParallelTo",
    "buildsOn",
    "endorses",
    "conflictsWith",
    "eventOf",
    "eventType",
    "classifiedEntity",
    "classifiedAs",
    "hasOrganisationalForm",
    "hasGovernancePath",
    "addressesRiskType",
    "hasGovernanceLayer",
    "hasBindingness",
    "claimSubject",
    "hasEvidence",
    "fromSource",
    "inSegment",
    "inDocument",
    "inSection",
    "citesWork",
    "mentionOf",
    "mentions",
    "labelSource",
]
DATATYPE_PROPERTIES = [
    "acronym",
    "startDate",
    "endDate",
    "dateProposed",
    "dateAdopted",
    "dateSigned",
    "datePublished",
    "dateInForce",
    "date",
    "claimAbout",
    "claimValue",
    "quote",
    "startOffset",
    "endOffset",
    "sourceURL",
    "accessedOn",
    "isExternal",
    "text",
    "order",
    "authors",
    "venue",
    "year",
    "pages",
    "url",
    "surfaceForm",
]


@pytest.mark.parametrize(
    ("names", "kind"),
    [
        (CLASSES, OWL.Class),
        (OBJECT_PROPERTIES, OWL.ObjectProperty),
        (DATATYPE_PROPERTIES, OWL.DatatypeProperty),
    ],
)
def test_data_model_terms_exist_with_their_kind(
    onto: Graph, names: list[str], kind: URIRef
) -> None:
    missing = [n for n in names if (RKG[n], RDF.type, kind) not in onto]
    assert missing == []


def test_every_rkg_term_has_one_label_and_definition_per_language(onto: Graph) -> None:
    found = terms(onto)
    assert len(found) > 100
    for t in found:
        assert set(t.labels) == {"en", "zh"}, t.curie
        assert set(t.definitions) == {"en", "zh"}, t.curie
        assert all(len(v) == 1 for v in t.labels.values()), t.curie
        assert all(len(v) == 1 for v in t.definitions.values()), t.curie
        assert HAN.search(t.labels["zh"][0]), f"{t.curie} Chinese label is not Chinese"
        assert not HAN.search(t.labels["en"][0]), f"{t.curie} English label has Chinese"
        assert list(onto.objects(t.iri, RDFS.isDefinedBy)) == [ONTOLOGY_IRI], t.curie


def test_terms_lists_each_declaration_once_sorted(onto: Graph) -> None:
    found = terms(onto)
    assert [t.iri for t in found] == sorted(t.iri for t in found)
    forum = next(t for t in found if t.iri == RKG.Forum)
    assert forum.kind == "class" and forum.labels == {"en": ("forum",), "zh": ("论坛",)}
    assert forum.curie == "rkg:Forum"
    assert all(str(t.iri).startswith(str(RKG)) for t in found)


def test_shortcut_and_alignment_axioms(onto: Graph) -> None:
    assert (RKG.isNestedIn, RDFS.subPropertyOf, RKG.isNestedInTransitive) in onto
    assert (RKG.isNestedInTransitive, RDF.type, OWL.TransitiveProperty) in onto
    for p in (RKG.overlapsWith, RKG.isParallelTo, RKG.conflictsWith):
        assert (p, RDF.type, OWL.SymmetricProperty) in onto
    assert (RKG.isMemberOf, OWL.inverseOf, RKG.hasMember) in onto
    # ORG alignments only where both ends are organisations (tests/test_alignment.py)
    assert (RKG.isMemberOf, RDFS.subPropertyOf, ORG.memberOf) not in onto
    assert (RKG.hasMember, RDFS.subPropertyOf, ORG.hasMember) not in onto
    assert (RKG.isPartOf, RDFS.subPropertyOf, DCTERMS.isPartOf) in onto
    assert (RKG.isSubOrganisationOf, RDFS.subPropertyOf, RKG.isPartOf) in onto
    assert (RKG.isSubOrganisationOf, RDFS.subPropertyOf, ORG.subOrganizationOf) in onto
    assert (RKG.buildsOn, RDFS.subPropertyOf, PROV.wasDerivedFrom) in onto
    assert (RKG.Membership, RDFS.subClassOf, ORG.Membership) not in onto
    assert (RKG.OrganisationMembership, RDFS.subClassOf, ORG.Membership) in onto
    assert (RKG.OrganisationMembership, RDFS.subClassOf, RKG.Membership) in onto
    assert (RKG.Institution, RDFS.subClassOf, ORG.Organization) in onto
    assert (RKG.Evidence, RDFS.subClassOf, PROV.Entity) in onto
    assert (RKG.Instrument, RDFS.subClassOf, PROV.Entity) in onto


def test_external_terms_are_declared_not_imported(onto: Graph) -> None:
    """Alignment targets are declared in the ontology itself, which keeps it DL and offline."""
    assert not list(onto.objects(ONTOLOGY_IRI, OWL.imports))
    declared = {
        s
        for k in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for s in onto.subjects(RDF.type, k)
    }
    for p in (RDFS.subClassOf, RDFS.subPropertyOf):
        for o in onto.objects(None, p):
            if isinstance(o, URIRef):
                assert o in declared, f"{o} is used in {p} but not declared"


def test_no_date_datatype_outside_the_owl2_datatype_map(onto: Graph) -> None:
    """HermiT rejects xsd:date/gYear/gYearMonth; date datatypes live in the SHACL shapes."""
    for dt in (rns.XSD.date, rns.XSD.gYear, rns.XSD.gYearMonth):
        assert (None, RDFS.range, dt) not in onto


# --------------------------------------------------------------------------------------------
# RDF/XML
# --------------------------------------------------------------------------------------------


def test_owl_file_is_up_to_date_with_the_turtle(onto: Graph) -> None:
    owl = Graph().parse(PROJECT.ontology_owl, format="xml")
    assert isomorphic(owl, onto), "run `regimekg generate` to regenerate regimekg.owl"
    assert PROJECT.ontology_owl.read_text(encoding="utf-8") == to_rdfxml(onto)


def test_rdfxml_is_byte_identical_across_processes(onto: Graph) -> None:
    """Hash randomisation must not change the generated file (stable diffs)."""
    code = (
        "from pathlib import Path; from regimekg.paths import Project; "
        "from regimekg.ontology import load_ontology, to_rdfxml; import sys; "
        f"sys.stdout.write(to_rdfxml(load_ontology(Project(Path({str(ROOT)!r})))))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env=env, check=True
    ).stdout.decode("utf-8")
    assert out == to_rdfxml(onto)


def test_rdfxml_writer_round_trips_awkward_graphs() -> None:
    ex = Namespace("http://example.org/x#")
    g = Graph()
    shared, a, b = BNode(), BNode(), BNode()
    g.add((ex.s, ex.p, Literal('a < b & "c"', lang="en")))
    g.add((ex.s, ex.p, Literal("3", datatype=rns.XSD.integer)))
    g.add((ex.s, ex.q, shared))
    g.add((ex.t, ex.q, shared))  # a blank node referenced twice needs an rdf:nodeID
    g.add((shared, ex.p, Literal("shared")))
    g.add((a, ex.p, b))  # a cycle of blank nodes
    g.add((b, ex.p, a))
    head = BNode()
    from rdflib.collection import Collection

    Collection(g, head, [Literal("one"), ex.two])  # a list holding a literal
    g.add((ex.s, ex.list, head))
    head2 = BNode()
    Collection(g, head2, [ex.c1, ex.c2])
    g.add((ex.u, OWL.unionOf, head2))
    text = to_rdfxml(g)
    assert 'rdf:parseType="Collection"' in text
    assert isomorphic(Graph().parse(data=text, format="xml"), g)


def test_generate_owl_rewrites_only_on_change(tmp_path: Path) -> None:
    copy = Project(tmp_path)
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    out = generate_owl(copy)
    before = out.stat().st_mtime_ns
    assert generate_owl(copy) == out and out.stat().st_mtime_ns == before
    ttl = copy.ontology_ttl.read_text(encoding="utf-8")
    copy.ontology_ttl.write_text(
        ttl.replace('"forum"@en', '"discussion forum"@en'), encoding="utf-8"
    )
    generate_owl(copy)
    assert "discussion forum" in out.read_text(encoding="utf-8")


def test_owl_loads_in_owlready2(onto: Graph) -> None:
    from owlready2 import World

    world = World()
    loaded = world.get_ontology(PROJECT.ontology_owl.as_uri()).load()
    iris = {c.iri for c in loaded.classes()}
    declared = {str(c) for c in onto.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    assert declared <= iris
    assert str(RKG.Membership) in iris
    props = {p.iri for p in loaded.properties()}
    assert {str(RKG.isNestedIn), str(RKG.quote), str(RKG.shortcutProperty)} <= props


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_hermit_finds_the_ontology_consistent_without_unsatisfiable_classes() -> None:
    from regimekg.check import run_hermit

    result = run_hermit(PROJECT.ontology_owl)
    assert result.error is None
    assert result.consistent
    assert result.unsatisfiable == []


def test_parse_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix rkg: <https://w3id.org/regimekg/ontology#> .\n\nrkg:A a ;\n", "utf-8")
    with pytest.raises(UserError) as e:
        parse_turtle(bad)
    assert "bad.ttl line 3" in str(e.value)


# --------------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------------

#: Concepts the curated files and docs/architecture.md rely on, by scheme.
SCHEMES = {
    "risk-type": ["ai-safety", "ai-security", "national-security", "geopolitical"],
    "governance-layer": ["technical", "ethical", "social-legal"],
    "governance-path": [
        "power-oriented",
        "security-regulation-oriented",
        "development-oriented",
    ],
    "organisational-form": [
        "multilateral",
        "multi-stakeholder",
        "international-organisation",
        "government-led",
    ],
    "membership-role": [
        "member",
        "founding-member",
        "observer",
        "adherent",
        "signatory",
        "endorser",
        "sponsor",
        "party",
    ],
    "regime-link-type": [
        # links of the regime-complex literature and the sources
        "nested-in",
        "part-of",
        "hosted-by",
        "overlaps-with",
        "parallel-to",
        "builds-on",
        "endorses",
        "conflicts-with",
        # precise relations, each meaning one thing
        "established-by",
        "launched-by",
        "proposed-at",
        "adopted-at",
        "annex-of",
        "component-of",
        "has-legal-basis",
        "implements",
        "successor-of",
        "merged-into",
        "led-by",
        "advises",
        "coordinates",
        "signed-by",
        "partner-of",
        "member-company-of",
        "headquartered-in",
        "contractor-of",
        "funded-by",
        "run-by",
        "edition-of",
    ],
    "bindingness": ["hard-law", "soft-law"],
    "fragmentation-type": ["synergistic", "cooperative", "conflictive"],
    "event-type": [
        "proposed",
        "adopted",
        "signed",
        "published",
        "entered-into-force",
        "applies-from",
        "founded",
        "launched",
        "held",
        "dissolved",
    ],
}


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_scheme_has_its_concepts(vocab: Graph, name: str) -> None:
    s = scheme(name)
    assert (s, RDF.type, SKOS.ConceptScheme) in vocab
    found = {c for c in vocab.subjects(SKOS.inScheme, s)}
    assert found == {concept(name, slug) for slug in SCHEMES[name]}
    assert set(vocab.objects(s, SKOS.hasTopConcept)) == found


def test_scheme_labels_match_the_sources(vocab: Graph) -> None:
    """Chinese labels are the documents' own terms (桂畅旒 section 三 and Table 2, 封帅 et al.)."""
    expected = {
        concept("risk-type", "ai-safety"): "内生安全",
        concept("risk-type", "ai-security"): "应用安全",
        concept("risk-type", "national-security"): "国家安全",
        concept("risk-type", "geopolitical"): "地缘政治",
        concept("organisational-form", "multilateral"): "多边",
        concept("organisational-form", "multi-stakeholder"): "多方",
        concept("organisational-form", "international-organisation"): "国际组织",
        concept("organisational-form", "government-led"): "政府引领",
        concept("bindingness", "hard-law"): "硬法",
        concept("bindingness", "soft-law"): "软法",
    }
    for c, zh in expected.items():
        assert vocab.value(c, SKOS.prefLabel, any=True) is not None
        labels = {str(o) for o in vocab.objects(c, SKOS.prefLabel) if o.language == "zh"}
        assert labels == {zh}


def test_every_concept_and_scheme_is_bilingual_and_sourced(vocab: Graph) -> None:
    nodes = set(vocab.subjects(RDF.type, SKOS.Concept)) | set(
        vocab.subjects(RDF.type, SKOS.ConceptScheme)
    )
    assert len(nodes) > 80
    for n in nodes:
        for p in (SKOS.prefLabel, RDFS.label, SKOS.definition):
            langs = sorted(o.language for o in vocab.objects(n, p))
            assert langs == ["en", "zh"], (n, p)
        assert set(vocab.objects(n, SKOS.prefLabel)) == set(vocab.objects(n, RDFS.label)), n
        assert list(vocab.objects(n, DCTERMS.source)), f"{n} cites no source"


def test_membership_roles_are_org_roles(vocab: Graph) -> None:
    for slug in SCHEMES["membership-role"]:
        assert (concept("membership-role", slug), RDF.type, ORG.Role) in vocab


def test_link_and_event_types_name_declared_shortcut_properties(vocab: Graph) -> None:
    schema = load_schema(PROJECT)
    expected = {
        "nested-in": RKG.isNestedIn,
        "part-of": RKG.isPartOf,
        "hosted-by": RKG.isHostedBy,
        "overlaps-with": RKG.overlapsWith,
        "parallel-to": RKG.isParallelTo,
        "builds-on": RKG.buildsOn,
        "endorses": RKG.endorses,
        "conflicts-with": RKG.conflictsWith,
    }
    for slug, prop in expected.items():
        assert vocab.value(concept("regime-link-type", slug), RKG.shortcutProperty) == prop
    for slug in SCHEMES["event-type"]:
        prop = vocab.value(concept("event-type", slug), RKG.shortcutProperty)
        assert (prop, RDF.type, OWL.DatatypeProperty) in schema, slug
    assert vocab.value(concept("event-type", "entered-into-force"), RKG.shortcutProperty) == (
        RKG.dateInForce
    )
    assert vocab.value(scheme("risk-type"), RKG.shortcutProperty) == RKG.addressesRiskType


def test_fragmentation_types_cite_biermann_2009(vocab: Graph) -> None:
    doi = URIRef("https://doi.org/10.1162/glep.2009.9.4.14")
    for slug in SCHEMES["fragmentation-type"]:
        assert (concept("fragmentation-type", slug), DCTERMS.source, doi) in vocab


GLOSSARY_ZH = [
    "机制复合体",
    "机制复杂性",
    "选择法院",
    "条约拥堵",
    "敏捷治理",
    "软法",
    "硬法",
    "布鲁塞尔效应",
    "小多边主义",
    "碎片化",
    "嵌套",
    "机制重叠",
]


def test_glossary_has_the_regime_complex_terms_with_usage(vocab: Graph) -> None:
    g = scheme("glossary")
    members = set(vocab.subjects(SKOS.inScheme, g))
    assert len(members) >= 25
    zh = {str(o) for c in members for o in vocab.objects(c, SKOS.prefLabel) if o.language == "zh"}
    alt = {str(o) for c in members for o in vocab.objects(c, SKOS.altLabel) if o.language == "zh"}
    assert set(GLOSSARY_ZH) <= zh
    assert "少边主义" in alt
    for c in members:
        quotes = [vocab.value(e, RKG.quote) for e in vocab.objects(c, RKG.hasEvidence)]
        assert quotes and all(quotes), f"{c} has no usage quote"


def _collapse(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def test_every_vocabulary_quote_occurs_in_its_source(vocab: Graph) -> None:
    """Citations are checked like curated evidence: the quote must be in the stored text."""
    texts = {URIRef(f"{ID}doc/{s.id}"): _collapse(s.read_text()) for s in load_manifest(PROJECT)}
    n = 0
    for ev in vocab.subjects(RDF.type, RKG.Evidence):
        src = vocab.value(ev, RKG.fromSource)
        quote = str(vocab.value(ev, RKG.quote))
        assert src in texts, f"unknown source {src}"
        assert _collapse(quote) in texts[src], f"quote not found in {src}: {quote!r}"
        n += 1
    assert n >= 100


# --------------------------------------------------------------------------------------------
# Terms the loaders and the metrics add to docs/architecture.md's data model
# --------------------------------------------------------------------------------------------

SEGMENT_KINDS = [
    "Paragraph",
    "Heading",
    "Footnote",
    "Abstract",
    "TableRow",
    "TableCell",
    "FigureCaption",
    "KeywordList",
    "AuthorLine",
    "AffiliationNote",
    "TocEntry",
    "TableCaption",
    "SourceNote",
]


def _disjoint_sets(onto: Graph) -> list[set[URIRef]]:
    from rdflib.collection import Collection

    return [
        set(Collection(onto, onto.value(d, OWL.members)))
        for d in onto.subjects(RDF.type, OWL.AllDisjointClasses)
    ]


def test_every_segment_kind_is_a_segment_and_disjoint_from_the_others(onto: Graph) -> None:
    """A segment is of exactly one kind, so the loaders' new kinds join the disjointness."""
    kinds = {RKG[k] for k in SEGMENT_KINDS}
    for k in kinds:
        assert (k, RDFS.subClassOf, RKG.Segment) in onto, k
    assert any(kinds <= s for s in _disjoint_sets(onto))


def test_node_kinds_of_loaders_and_metrics_are_disjoint_from_the_others(onto: Graph) -> None:
    top = {
        RKG[k]
        for k in (
            "NamedEntity",
            "Segment",
            "Mention",
            "Candidate",
            "CandidateOccurrence",
            "TableRecord",
            "MetricObservation",
            "Network",
        )
    }
    assert any(top <= s for s in _disjoint_sets(onto))
    assert (RKG.Dataset, RDFS.subClassOf, RKG.Document) in onto


def test_metric_terms_align_with_data_cube_and_type_their_values(onto: Graph) -> None:
    qb = Namespace("http://purl.org/linked-data/cube#")
    assert (RKG.MetricObservation, RDFS.subClassOf, qb.Observation) in onto
    assert (qb.Observation, RDF.type, OWL.Class) in onto
    value_range = onto.value(RKG.value, RDFS.range)
    from rdflib.collection import Collection

    members = set(Collection(onto, onto.value(value_range, OWL.unionOf)))
    assert members == {rns.XSD.integer, rns.XSD.double}
    for p in (RKG.metric, RKG.network, RKG.subject, RKG.relatedSubject, RKG.value, RKG.asOf):
        assert (p, RDF.type, OWL.FunctionalProperty) in onto, p
        assert onto.value(p, RDFS.domain) == RKG.MetricObservation, p
    # a hint for reviewers whose value is a class IRI: an annotation, not an assertion
    assert (RKG.suggestedType, RDF.type, OWL.AnnotationProperty) in onto


def _observations_of_every_metric():
    from regimekg import analysis, vocab

    slugs = vocab.load(PROJECT).slugs("metric")
    empty = analysis.RegimeData(entities={}, memberships=[], links=[])
    observations = [analysis.Observation(metric=s, network="membership", value=0) for s in slugs]
    return slugs, analysis.Metrics(empty, observations)


def test_every_metric_concept_is_complete_in_both_languages() -> None:
    """vocab/metric.ttl is the one definition of the metrics: each concept has both labels,
    both definitions, its literature and its place in the scheme."""
    g = parse_turtle(PROJECT.vocab_dir / "metric.ttl")
    s = scheme("metric")
    concepts = set(g.subjects(SKOS.inScheme, s))
    assert len(concepts) >= 30
    assert set(g.objects(s, SKOS.hasTopConcept)) == concepts
    for c in concepts:
        for p in (SKOS.prefLabel, RDFS.label, SKOS.definition):
            assert {o.language for o in g.objects(c, p)} == {"en", "zh"}, (c, p)
        assert list(g.objects(c, DCTERMS.source)), c
        assert (c, SKOS.topConceptOf, s) in g


def test_graph_metrics_copies_the_vocabulary_concepts() -> None:
    """What a build's graph/metrics says about a metric is what vocab/metric.ttl says (the
    top-concept links aside), so the two cannot drift apart."""
    from regimekg import analysis

    slugs, metrics = _observations_of_every_metric()
    written = analysis.to_rdf(metrics)
    vocabulary = parse_turtle(PROJECT.vocab_dir / "metric.ttl")
    for slug in slugs:
        c = concept("metric", slug)
        want = {
            (p, o)
            for p, o in vocabulary.predicate_objects(c)
            if p not in (SKOS.topConceptOf, SKOS.hasTopConcept)
        }
        assert set(written.predicate_objects(c)) == want, slug


def test_a_label_edited_in_metric_ttl_is_what_the_report_prints(tmp_path: Path) -> None:
    from regimekg import analysis, vocab
    from tests.conftest import copy_project

    project = copy_project(tmp_path)
    path = project.vocab_dir / "metric.ttl"
    text = path.read_text(encoding="utf-8")
    assert '"中介中心性"@zh' in text
    path.write_text(text.replace('"中介中心性"@zh', '"中间中心度"@zh'), encoding="utf-8")
    with vocab.using(project):
        assert analysis.metric_label("betweenness-centrality", "zh") == "中间中心度"
    assert analysis.metric_label("betweenness-centrality", "zh") == "中介中心性"


def test_a_computed_metric_without_a_concept_is_refused_in_one_sentence() -> None:
    from regimekg import analysis

    empty = analysis.RegimeData(entities={}, memberships=[], links=[])
    bad = analysis.Metrics(empty, [analysis.Observation("no-such-metric", "membership", 0)])
    with pytest.raises(UserError, match="'no-such-metric' is computed but ontology/vocab/metric"):
        analysis.to_rdf(bad)
