"""Ingested tables: nested JSON through JSONPath, more mapped columns, re-applied mappings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from regimekg.errors import UserError
from regimekg.loaders import ingest as ingest_mod
from regimekg.loaders import load_source
from regimekg.loaders.ingest import ingest, replace_entry
from regimekg.loaders.mentions import Gazetteer
from regimekg.namespaces import RKG
from regimekg.paths import Project
from regimekg.sources import load_manifest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "docs"
GAZ = Gazetteer.from_graph(Graph().parse(FIXTURES / "entities.ttl"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    root = tmp_path / "proj"
    # the page snapshots (external/) back curated records, which ingest never reads
    shutil.copytree(
        ROOT / "data" / "sources",
        root / "data" / "sources",
        ignore=shutil.ignore_patterns("external"),
    )
    (root / "data" / "curated").mkdir(parents=True)
    (root / "ontology").mkdir()
    monkeypatch.setattr(ingest_mod, "project_gazetteer", lambda project: GAZ)
    return Project(root)


def _graph(project: Project, sid: str) -> tuple[str, Graph]:
    src = next(s for s in load_manifest(project) if s.id == sid)
    text = src.read_text()
    return text, load_source(src, text, GAZ).graph


def _records(g: Graph) -> dict[str, URIRef]:
    return {str(g.value(r, RKG.recordName)): r for r in g.subjects(RDF.type, RKG.TableRecord)}


def test_nested_json_through_a_records_path(project: Project) -> None:
    ingest(project, [FIXTURES / "nested-table.json"], mapping=FIXTURES / "nested-mapping.yaml")
    text, g = _graph(project, "nested-table")
    recs = _records(g)
    assert set(recs) == {"Hiroshima AI Process", "Seoul Frontier Pledge"}
    hap = recs["Hiroshima AI Process"]
    assert str(g.value(hap, RKG.recordDate)) == "2023-05"  # from adopted.date
    assert g.value(hap, RKG.recordStatus) == Literal("active", lang="en")
    participants = {str(p).rsplit("/", 1)[-1] for p in g.objects(hap, RKG.recordParticipant)}
    assert participants == {"g7", "oecd"}  # from signatories[*].name, a list of objects
    # The record's evidence is the exact object in the file.
    ev = g.value(hap, RKG.hasEvidence)
    s, e = int(g.value(ev, RKG.startOffset)), int(g.value(ev, RKG.endOffset))
    assert text[s:e].startswith('{"title": "Hiroshima AI Process"') and text[s:e].endswith("}")
    # A participant the curated data does not know is a candidate, quoted where it stands.
    pledge = recs["Seoul Frontier Pledge"]
    (cand,) = g.objects(pledge, RKG.recordParticipant)
    assert (cand, RDF.type, RKG.Candidate) in g


def test_json_without_records_path_must_be_an_array(project: Project, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("name: title\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"records: \$\.data\.items\[\*\]"):
        ingest(project, [FIXTURES / "nested-table.json"], mapping=mapping)
    bad = tmp_path / "bad.yaml"
    bad.write_text("records: $.data.nothing[*]\nname: title\n", encoding="utf-8")
    with pytest.raises(UserError, match="selects nothing"):
        ingest(project, [FIXTURES / "nested-table.json"], mapping=bad)


def test_a_changed_mapping_on_an_unchanged_table_is_reapplied(
    project: Project, tmp_path: Path
) -> None:
    csv_path = tmp_path / "pledges.csv"
    csv_path.write_text(
        "name,state,status,signatories\nHiroshima AI Process,Japan,in force,Group of Seven; OECD\n",
        encoding="utf-8",
    )
    first = tmp_path / "first.yaml"
    first.write_text("name: name\n", encoding="utf-8")
    ingest(project, [csv_path], mapping=first)
    _, g = _graph(project, "pledges")
    (rec,) = _records(g).values()
    assert g.value(rec, RKG.recordStatus) is None
    second = tmp_path / "second.yaml"
    second.write_text(
        "name: name\nstatus: status\nparticipants: signatories\njurisdiction: state\n",
        encoding="utf-8",
    )
    lines = ingest(project, [csv_path], mapping=second)
    assert "(refreshed)" in lines[0]
    entry = next(
        r for r in yaml.safe_load(project.sources_yaml.read_text("utf-8")) if r["id"] == "pledges"
    )
    assert entry["mapping"]["status"] == "status"
    _, g = _graph(project, "pledges")
    (rec,) = _records(g).values()
    assert g.value(rec, RKG.recordStatus) == Literal("in force", lang="en")
    parts = {str(p).rsplit("/", 1)[-1] for p in g.objects(rec, RKG.recordParticipant)}
    assert parts == {"g7", "oecd"}
    # The same mapping again changes nothing.
    before = project.sources_yaml.read_bytes()
    assert "(unchanged)" in ingest(project, [csv_path], mapping=second)[0]
    assert project.sources_yaml.read_bytes() == before


def test_replace_entry_keeps_the_rest_of_the_file() -> None:
    text = (
        "# header comment\n- id: a\n  sha256: x\n# about b\n- id: b\n  mapping: {name: n}\n"
        "- id: c\n"
    )
    out = replace_entry(text, "b", {"id": "b", "mapping": {"name": "m"}})
    assert out.startswith("# header comment\n- id: a\n  sha256: x\n# about b\n")
    assert yaml.safe_load(out) == [
        {"id": "a", "sha256": "x"},
        {"id": "b", "mapping": {"name": "m"}},
        {"id": "c"},
    ]
