"""``regimekg generate [--check]`` (DESIGN §6), the version in one place, and ``--build DIR``."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL

from regimekg import __version__, cli, datadoc
from regimekg.generate import generate, stamped_ontology
from regimekg.namespaces import ONTOLOGY_IRI
from regimekg.paths import Project
from regimekg.query import docs as query_docs

from .conftest import ROOT, copy_project


def generated_copy(dest: Path, *, data_page: bool = True) -> Project:
    """A project copy with what the generators read and write: inputs, docs and the fixture.

    Without *data_page*, ``docs/data.md`` is left out and so is its step, whose figures count
    every curated record: for tests of the steps that do not read the curated data.
    """
    proj = copy_project(dest)
    shutil.copytree(ROOT / "docs", proj.root / "docs")
    if not data_page:
        (proj.root / datadoc.PAGE).unlink()
    (proj.root / query_docs.FIXTURE).parent.mkdir(parents=True)
    shutil.copy2(ROOT / query_docs.FIXTURE, proj.root / query_docs.FIXTURE)
    return proj


@pytest.fixture
def full_copy(tmp_path: Path) -> Project:
    return generated_copy(tmp_path / "proj")


@pytest.fixture
def docs_copy(tmp_path: Path) -> Project:
    """:func:`generated_copy` without ``docs/data.md`` (its step is tested on its own)."""
    return generated_copy(tmp_path / "proj", data_page=False)


def test_version_lives_only_in_the_package() -> None:
    """pyproject.toml takes the version from ``regimekg.__version__``; it types none itself."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "version" not in meta["project"]
    assert "version" in meta["project"]["dynamic"]
    assert meta["tool"]["hatch"]["version"]["path"] == "src/regimekg/__init__.py"


def test_repository_artefacts_are_current() -> None:
    result = generate(Project(ROOT), check=True)
    assert not result.changed, result.summary()


def test_ontology_header_carries_the_package_version() -> None:
    g = Graph().parse(ROOT / "ontology" / "regimekg.ttl", format="turtle")
    assert str(g.value(ONTOLOGY_IRI, OWL.versionInfo)) == __version__
    assert str(g.value(ONTOLOGY_IRI, OWL.versionIRI)) == f"{ONTOLOGY_IRI}/{__version__}"


def test_new_version_is_stamped_everywhere_it_appears(docs_copy: Project) -> None:
    check = generate(docs_copy, check=True, version="9.8.7")
    assert set(check.changed) >= {"ontology/regimekg.ttl", "ontology/catalog-v001.xml"}
    assert "9.8.7" not in docs_copy.ontology_ttl.read_text("utf-8")  # --check writes nothing

    generate(docs_copy, version="9.8.7")
    ttl = docs_copy.ontology_ttl.read_text("utf-8")
    assert f"owl:versionIRI <{ONTOLOGY_IRI}/9.8.7>" in ttl
    assert 'owl:versionInfo "9.8.7"' in ttl
    assert __version__ == "9.8.7" or f'"{__version__}"' not in ttl
    catalog = (docs_copy.ontology_dir / "catalog-v001.xml").read_text("utf-8")
    assert f'name="{ONTOLOGY_IRI}/9.8.7"' in catalog
    owl = Graph().parse(docs_copy.ontology_owl, format="xml")
    assert str(owl.value(ONTOLOGY_IRI, OWL.versionInfo)) == "9.8.7"
    assert "9.8.7" in (docs_copy.root / "docs" / "reference" / "README.md").read_text("utf-8")
    assert not generate(docs_copy, check=True, version="9.8.7").changed


def test_stamp_keeps_the_rest_of_the_turtle_as_written() -> None:
    text = (ROOT / "ontology" / "regimekg.ttl").read_text("utf-8")
    stamped = stamped_ontology(text, "regimekg.ttl", "2.0.0")
    changed = [
        (a, b) for a, b in zip(text.splitlines(), stamped.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 2 and all("2.0.0" in b for _, b in changed)


def test_stamp_without_a_version_line_names_the_file_and_the_fix() -> None:
    with pytest.raises(Exception, match=r"x\.ttl has no `owl:versionInfo`.*regimekg generate"):
        stamped_ontology(f"<{ONTOLOGY_IRI}> owl:versionIRI <{ONTOLOGY_IRI}/1> .", "x.ttl")


def test_check_exits_1_naming_the_stale_artefact(
    docs_copy: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = docs_copy.root / query_docs.DOC
    stale.write_text(stale.read_text("utf-8") + "\nhand edit\n", "utf-8")
    assert cli.main(["--root", str(docs_copy.root), "generate", "--check"]) == 1
    out = capsys.readouterr().out
    assert "docs/queries.md: stale" in out and "regimekg generate" in out
    assert "hand edit" in stale.read_text("utf-8")
    assert cli.main(["--root", str(docs_copy.root), "generate"]) == 0
    assert "hand edit" not in stale.read_text("utf-8")
    assert cli.main(["--root", str(docs_copy.root), "generate", "--check"]) == 0


def test_no_module_entry_points_left() -> None:
    """Every tool is a ``regimekg`` verb: no ``python -m regimekg.X`` in code or docs."""
    offenders = []
    for base in ("src", "docs", "README.md", "Makefile", "benchmarks"):
        paths = [ROOT / base] if (ROOT / base).is_file() else (ROOT / base).rglob("*")
        for path in paths:
            if path.suffix in {".py", ".md", ""} and path.is_file():
                text = path.read_text("utf-8", errors="replace")
                for needle in ("python -m regimekg.", "python3 -m regimekg."):
                    for line in text.splitlines():
                        # allowed: the engine worker `regimekg serve` starts, and the marker of
                        # reference pages written before `regimekg generate` (still recognised)
                        if needle in line and not any(
                            ok in line for ok in ("regimekg.engine", "<!-- Generated by")
                        ):
                            offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
    assert not (ROOT / "src" / "regimekg" / "query" / "__main__.py").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["metrics"],
        ["export", "--format", "nq", "-o", "{tmp}/x.nq"],
        ["serve", "--port", "0"],
        ["query", "forums-of-actor"],
        ["stats"],
    ],
)
def test_commands_read_the_build_given_by_build_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    """``--build DIR`` is read, never ``build/``: a missing one is named in the error."""
    missing = tmp_path / "elsewhere"
    argv = [a.format(tmp=tmp_path) for a in args]
    assert cli.main(["--root", str(ROOT), *argv, "--build", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err, err


def test_export_reads_the_given_build(small_built: Path, tmp_path: Path) -> None:
    """The build named by ``--build`` is the one exported: the small project's, whose dump
    differs from any build of the repository's own data."""
    out = tmp_path / "x.nq"
    args = ["export", "--format", "nq", "--build", str(small_built), "-o", str(out)]
    rc = cli.main(["--root", str(ROOT), *args])
    assert rc == 0 and out.read_bytes() == (small_built / "regimekg.nq").read_bytes()


def test_a_new_record_makes_the_data_page_stale_until_regenerated(full_copy: Project) -> None:
    """docs/data.md's figures follow the curated files: one more G20 member changes them."""
    page = full_copy.root / "docs" / "data.md"
    assert "| `g20` | 21 | member 21 | 21 |" in page.read_text("utf-8")
    (full_copy.curated_dir / "memberships" / "zz-added.yaml").write_text(
        "- organisation: g20\n  member: kenya\n  role: member\n  evidence:\n"
        "  - source: jsdm-2024-03\n    quote: G20\n",
        "utf-8",
    )
    check = generate(full_copy, check=True)
    assert "docs/data.md" in check.changed, check.summary()
    generate(full_copy)
    text = page.read_text("utf-8")
    assert "| `g20` | 22 | member 22 | 21 |" in text
    assert not generate(full_copy, check=True).changed


def test_artefacts_are_made_once_per_content(
    docs_copy: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The RDF/XML, the reference pages and a fixture's graph/time are remembered by the bytes
    of the files they are made from, and made again when any of those files changes (a
    vocabulary, a shape, the ontology, the fixture). What is made is counted, not made: the
    steps run with stand-ins."""
    from regimekg import asof, ontology, reference
    from regimekg import generate as gen

    made: list[str] = []
    monkeypatch.setattr(gen, "_MADE", type(gen._MADE)())  # nothing remembered yet
    monkeypatch.setattr(ontology, "load_ontology", lambda p: None)
    monkeypatch.setattr(ontology, "to_rdfxml", lambda g: made.append("owl") or "")
    monkeypatch.setattr(reference, "render", lambda p: made.append("reference") or {})
    monkeypatch.setattr(asof, "fixture_text", lambda p: made.append("fixture") or "")
    steps = {"ontology/regimekg.owl", "docs/reference/", query_docs.FIXTURE.as_posix()}

    def check() -> list[str]:
        for name, run in gen._steps(docs_copy, __version__):
            if name in steps:
                run(True)
        return made

    everything = ["owl", "reference", "fixture"]
    assert check() == everything
    assert check() == everything  # the same files: nothing made again
    first_shapes = sorted(docs_copy.shapes_dir.glob("*.ttl"))[0]
    for path, expected in (
        (docs_copy.vocab_dir / "bindingness.ttl", ["reference"]),
        (first_shapes, ["reference"]),
        (docs_copy.ontology_ttl, ["owl", "reference"]),
        (docs_copy.root / query_docs.FIXTURE, ["fixture"]),
    ):
        made.clear()
        path.write_text(path.read_text("utf-8") + "\n# an edit\n", "utf-8")
        assert check() == expected, path.name
