"""Wikidata mappings (data/mappings/wikidata.sssom.tsv): the file, its load, its verification.

Q-ids in these tests are read from the installed dataset, never written in the test: the
point of the mapping set is that no Q-id is typed by hand.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from regimekg import curated, datasets, mappings
from regimekg.build import build
from regimekg.errors import UserError
from regimekg.export import export
from regimekg.namespaces import RKG, iri
from regimekg.paths import Project
from tests.conftest import small_copy

from .test_datasets import france, make

NE = datasets.NATURAL_EARTH


def qid(alpha3: str) -> str:
    """The Q-id the dataset gives the state whose Natural Earth row is ADM0_A3=*alpha3*."""
    return datasets.lookup(NE, f"ADM0_A3={alpha3}")["WIKIDATAID"]


def small(tmp_path: Path) -> Project:
    """A project with one state (France) and its generated mapping file."""
    project = make(tmp_path, france())
    report = mappings.generate(project, today="2026-01-01")
    assert report.rows == 1 and report.changed
    return project


def load(project: Project):
    return mappings.to_graph(project, curated.load(project))


def edit(project: Project, old: str, new: str) -> None:
    p = mappings.path(project)
    text = p.read_text(encoding="utf-8")
    assert old in text, old
    p.write_text(text.replace(old, new), encoding="utf-8")


def test_committed_file_is_what_the_dataset_gives(repo: Project) -> None:
    report = mappings.generate(repo, check=True)
    assert not report.changed, "run `regimekg mappings` and commit data/mappings/"
    assert report.rows > 0


def test_committed_file_is_sssom_tsv(repo: Project) -> None:
    text = mappings.path(repo).read_text(encoding="utf-8")
    meta, rows = mappings.parse(text, "wikidata.sssom.tsv")
    assert {"curie_map", "mapping_set_id", "license", "mapping_date"} <= set(meta)
    assert meta["curie_map"]["wikidata"] == "http://www.wikidata.org/entity/"
    assert set(mappings.COLUMNS) <= mappings.SSSOM_COLUMNS
    subjects = [r["subject_id"] for r in rows]
    assert len(subjects) == len(set(subjects))
    for r in rows:
        assert r["predicate_id"] == "skos:exactMatch"
        assert r["mapping_justification"] in mappings.JUSTIFICATIONS
        assert mappings.QID.match(r["object_id"].removeprefix("wikidata:")), r.line
    by_subject = {r["subject_id"]: r for r in rows}
    for slug, alpha3 in (("china", "CHN"), ("united-states", "USA")):
        assert by_subject[f"state:{slug}"]["object_id"] == f"wikidata:{qid(alpha3)}"


def test_generating_twice_changes_nothing_and_keeps_the_date(tmp_path: Path) -> None:
    project = small(tmp_path)
    before = mappings.path(project).read_text(encoding="utf-8")
    assert not mappings.generate(project, today="2030-01-01").changed
    assert mappings.path(project).read_text(encoding="utf-8") == before
    assert "# mapping_date: '2026-01-01'" in before


def test_mapping_loads_as_exact_match_with_dataset_evidence(tmp_path: Path) -> None:
    g = load(small(tmp_path))
    state = iri("state", "france")
    item = URIRef(mappings.WIKIDATA + qid("FRA"))
    assert (state, SKOS.exactMatch, item) in g
    release = datasets.Release(NE, datasets.installed_version(NE)).iri
    (ev,) = [e for e in g.objects(state, RKG.hasEvidence) if g.value(e, RKG.fromDataset)]
    assert g.value(ev, RKG.fromDataset) == release
    assert (release, RDF.type, RKG.DatasetRelease) in g
    assert (ev, RKG.datasetRow, Literal("ADM0_A3=FRA")) in g
    assert set(g.objects(ev, RKG.datasetField)) == {Literal("ISO_A3_EH"), Literal("WIKIDATAID")}
    assert qid("FRA") in str(g.value(ev, RKG.quote))


def test_no_mapping_file_adds_nothing(tmp_path: Path) -> None:
    assert len(load(make(tmp_path, france()))) == 0


def test_a_tampered_q_id_fails_naming_file_line_and_row(tmp_path: Path) -> None:
    project = small(tmp_path)
    real = qid("FRA")
    other = qid("DEU")
    edit(project, real, other)  # both the object and the cited field now say Germany's item
    with pytest.raises(UserError) as e:
        load(project)
    msg = str(e.value)
    assert "wikidata.sssom.tsv line 14 (state:france)" in msg
    assert "ADM0_A3=FRA" in msg and "WIKIDATAID" in msg and repr(real) in msg
    assert "regimekg mappings" in msg and "\n" not in msg


def test_a_dataset_that_moved_under_the_file_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = small(tmp_path)
    real = datasets.rows

    def moved(name: str):
        rows = dict(real(name))
        if name == NE:
            rows[("ADM0_A3", "FRA")] = {**rows[("ADM0_A3", "FRA")], "WIKIDATAID": "Q1"}
        return rows

    monkeypatch.setattr(datasets, "rows", moved)
    with pytest.raises(UserError, match=r"line 14 \(state:france\): .*WIKIDATAID has 'Q1'"):
        load(project)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("\tskos:exactMatch\t", "\towl:sameAs\t", "predicate_id must be skos:exactMatch"),
        ("semapv:MappingChaining", "semapv:Guessing", "is not SEMAPV"),
        ("state:france", "state:gaul", "names no curated entity"),
        ("\twikidata:Q", "\twikidata:P", "is not a Wikidata item"),
        ("field:ISO_A3_EH=FRA", "field:ISO_A3_EH=DEU", "joins on ISO_A3_EH=DEU"),
        ("|field:WIKIDATAID=", "|field:WIKIDATAID=Q", "must equal the object's Q-id"),
        ("\tcomment\t", "\tremark\t", "unknown SSSOM columns ['remark']"),
        ("# license:", "# licence:", "must give curie_map, mapping_set_id, license"),
    ],
)
def test_malformed_rows_are_one_sentence(tmp_path: Path, old: str, new: str, message: str) -> None:
    project = small(tmp_path)
    edit(project, old, new)
    with pytest.raises(UserError, match=re.escape(message)) as e:
        load(project)
    assert "wikidata.sssom.tsv" in str(e.value) and "\n" not in str(e.value)


def test_two_q_ids_for_one_entity_fail(tmp_path: Path) -> None:
    """Natural Earth has a second row with France's code (an overseas island of its own item):
    a row citing it is verified, but a second Q-id for one entity is refused."""
    project = small(tmp_path)
    p = mappings.path(project)
    text = p.read_text(encoding="utf-8")
    last = text.splitlines()[-1]
    p.write_text(text + last + "\n", encoding="utf-8")
    assert load(project)  # the same row twice is one mapping
    (island,) = [
        r
        for r in datasets.rows(NE).values()
        if r.get("ISO_A3_EH") == "FRA" and r["ADM0_A3"] != "FRA" and r.get("WIKIDATAID")
    ][:1]
    other = island["WIKIDATAID"]
    row = last.replace(qid("FRA"), other).replace("ADM0_A3=FRA", f"ADM0_A3={island['ADM0_A3']}")
    p.write_text(text + row + "\n", encoding="utf-8")
    with pytest.raises(UserError, match=rf"line 15 \(state:france\): a second Q-id {other}"):
        load(project)


def test_build_fails_on_a_tampered_row_and_names_it(small_built: Path, tmp_path: Path) -> None:
    """A whole build refuses the row; the small project (``tests/smallproject.py``) keeps the
    mapping rows of its states, France's among them (it always keeps France)."""
    project = small_copy(small_built, tmp_path / "proj")
    p = mappings.path(project)
    text = p.read_text(encoding="utf-8")
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("state:france\t"))
    assert text.count("row=ADM0_A3=FRA|") == 1
    p.write_text(text.replace("row=ADM0_A3=FRA|", "row=ADM0_A3=FRX|"), encoding="utf-8")
    with pytest.raises(UserError) as e:
        build(project, tmp_path / "out", progress=lambda _m: None)
    msg = str(e.value)
    assert f"data/mappings/wikidata.sssom.tsv line {line} (state:france)" in msg
    assert "has no row ADM0_A3=FRX" in msg


def test_csv_export_carries_the_q_ids(built: Path, repo: Project, tmp_path: Path) -> None:
    out = export(repo, "csv", tmp_path / "csv", build=built)
    with (out / "nodes.csv").open(encoding="utf-8") as f:
        nodes = {r["iri"]: r for r in csv.DictReader(f)}
    for slug, alpha3 in (("china", "CHN"), ("united-states", "USA")):
        assert nodes[str(iri("state", slug))]["wikidata"] == qid(alpha3)
    _, rows = mappings.parse(mappings.path(repo).read_text(encoding="utf-8"), "x")
    with_qid = {k for k, r in nodes.items() if r["wikidata"]}
    assert len(with_qid) == len(rows)
