"""Dataset-row evidence: its shape, its verification against the installed dataset, its RDF."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import PROV, RDF, RDFS

from regimekg import curated, datasets
from regimekg.build import build
from regimekg.errors import UserError
from regimekg.namespaces import RKG, iri
from regimekg.paths import Project
from tests.conftest import small_copy

PC = datasets.installed_version("pycountry")
CC = datasets.installed_version("country_converter")


def france(alpha_2: str = "FR", *, version: str = PC, row: str = "alpha_3=FRA") -> str:
    """A state record whose codes and Chinese label come from pycountry and country_converter."""
    return f"""\
    - codes:
        gleditsch_ward: '220'
        iso3166_alpha2: {alpha_2}
        iso3166_alpha3: FRA
        iso3166_numeric: '250'
      evidence:
      - dataset: pycountry
        fields:
          alpha_2: {alpha_2}
          name@zh_CN: 法国
          numeric: '250'
        row: {row}
        version: '{version}'
      - dataset: country_converter
        fields:
          GWcode: '220'
        row: ISO3=FRA
        version: '{CC}'
      id: france
      label:
        en: France
        zh: 法国
      label_source:
        zh: pycountry
      type: State
    """


def make(tmp_path: Path, entities: str) -> Project:
    p = tmp_path / "data" / "curated" / "entities" / "states.yaml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(entities), encoding="utf-8")
    return Project(tmp_path)


def graph(project: Project):
    ctx = curated.GraphContext(texts={}, langs={}, segments={}, external_dir=Path("/nonexistent"))
    return curated.to_graph(curated.load(project), ctx)


def test_dataset_evidence_is_prov_derived_from_a_release(tmp_path: Path) -> None:
    g = graph(make(tmp_path, france()))
    state = iri("state", "france")
    assert (state, RKG.iso3166Alpha2, Literal("FR")) in g
    assert (state, RKG.iso3166Numeric, Literal("250")) in g
    assert (state, RKG.gleditschWardCode, Literal("220")) in g
    evidence = list(g.objects(state, RKG.hasEvidence))
    assert len(evidence) == 2
    releases = {g.value(ev, RKG.fromDataset) for ev in evidence}
    pc = datasets.Release("pycountry", PC).iri
    assert pc in releases
    assert (pc, RDF.type, RKG.DatasetRelease) in g
    assert (pc, RKG.datasetVersion, Literal(PC)) in g
    assert {lbl.language for lbl in g.objects(pc, RDFS.label)} == {"en", "zh"}
    ev = next(e for e in evidence if g.value(e, RKG.fromDataset) == pc)
    assert (ev, RKG.datasetRow, Literal("alpha_3=FRA")) in g
    assert set(g.objects(ev, RKG.datasetField)) == {
        Literal("alpha_2"),
        Literal("name@zh_CN"),
        Literal("numeric"),
    }
    # The label provenance points at the release the Chinese name was read from.
    prov = iri("label-provenance", "france", "zh")
    assert (prov, RKG.labelSource, pc) in g
    # rkg:fromDataset is PROV's derivation: declared so in the ontology.
    from regimekg.ontology import load_ontology

    onto = load_ontology(Project(Path(__file__).resolve().parents[1]))
    assert (RKG.fromDataset, RDFS.subPropertyOf, PROV.wasDerivedFrom) in onto


def test_a_value_the_dataset_no_longer_has_fails_naming_file_record_and_item(
    tmp_path: Path,
) -> None:
    project = make(tmp_path, france("FX"))
    with pytest.raises(UserError) as e:
        graph(project)
    msg = str(e.value)
    assert "states.yaml line 1 (entity france)" in msg
    assert "evidence 1" in msg and "alpha_3=FRA" in msg and "alpha_2" in msg
    assert "'FR'" in msg and "'FX'" in msg
    assert "\n" not in msg


def test_a_row_the_dataset_no_longer_has_fails(tmp_path: Path) -> None:
    project = make(
        tmp_path, france(row="alpha_3=FRX").replace("iso3166_alpha3: FRA", "iso3166_alpha3: FRX")
    )
    with pytest.raises(UserError, match=r"entity france\): evidence 1: .*has no row alpha_3=FRX"):
        graph(project)


def test_a_changed_dataset_fails_even_when_the_file_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed data moves under the record (a newer release renumbers a code)."""
    project = make(tmp_path, france())
    graph(project)  # holds today
    real = datasets.rows

    def moved(name: str):
        rows = dict(real(name))
        if name == "country_converter":
            rows[("ISO3", "FRA")] = {**rows[("ISO3", "FRA")], "GWcode": "221"}
        return rows

    monkeypatch.setattr(datasets, "rows", moved)
    with pytest.raises(UserError, match=r"evidence 2: .*GWcode has '221', not '220'"):
        graph(project)


def test_another_version_with_the_same_values_still_builds(tmp_path: Path) -> None:
    g = graph(make(tmp_path, france(version="0.0.1")))
    assert (datasets.Release("pycountry", "0.0.1").iri, RDF.type, RKG.DatasetRelease) in g


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("dataset: pycountry", "dataset: isocodes", "dataset 'isocodes' is not one of"),
        ("row: alpha_3=FRA", "row: FRA", "row 'FRA' must be one of alpha_3=…"),
        (f"version: '{PC}'", "version: ''", "needs `version:`"),
        ("numeric: '250'\n    row", "numeric: 250\n    row", "needs `fields:`"),
        ("iso3166_alpha2: FR", "iso3166_alpha2: FX", "codes.iso3166_alpha2 'FX' is not backed"),
        ("zh: 法国\n  label_source", "zh: 法兰西\n  label_source", "label.zh '法兰西' comes from"),
    ],
)
def test_malformed_dataset_evidence_is_one_sentence(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = textwrap.dedent(france())
    assert old in text, old
    project = make(tmp_path, text.replace(old, new, 1))
    with pytest.raises(UserError, match=message) as e:
        curated.load(project)
    assert "(entity france)" in str(e.value)


def test_build_of_a_planted_wrong_value_fails_and_keeps_the_last_build(
    small_built: Path, tmp_path: Path
) -> None:
    """A whole build refuses the record. The small project (``tests/smallproject.py``) runs
    the same stages as the full one up to this check, with one short source to load first."""
    project = small_copy(small_built, tmp_path / "proj")
    path = project.curated_dir / "entities" / "states.yaml"
    text = path.read_text(encoding="utf-8")
    good = "row: alpha_3=FRA\n"
    assert good in text
    # France's pycountry evidence, with its alpha-2 code changed in both places.
    for old, new in (("alpha_2: FR\n", "alpha_2: FX\n"), ("alpha2: FR\n", "alpha2: FX\n")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    # A previous build as `build --out` recognises one (by its build-info.json).
    info = {"version": "0", "built": "2026-01-01", "quads": 0, "graphs": {}, "sources": {}}
    (out / "build-info.json").write_text(json.dumps(info), encoding="utf-8")
    (out / "keep.txt").write_text("previous build", encoding="utf-8")
    with pytest.raises(UserError) as e:
        build(project, out, progress=lambda _m: None)
    msg = str(e.value)
    assert "data/curated/entities/states.yaml" in msg and "(entity france)" in msg
    assert "pycountry" in msg and "alpha_3=FRA" in msg and "'FX'" in msg
    assert (out / "keep.txt").read_text(encoding="utf-8") == "previous build"
