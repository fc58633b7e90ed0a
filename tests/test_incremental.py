"""Ingest into a current build adds the new graph only, and gives what a full build gives."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from regimekg import cli, store
from regimekg.build import build
from regimekg.paths import Project
from tests.conftest import small_copy

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "tests" / "fixtures" / "docs" / "seoul-briefing.md"


def _by_graph(nq: Path) -> dict[str, list[str]]:
    graphs: dict[str, list[str]] = defaultdict(list)
    for line in nq.read_text(encoding="utf-8").splitlines():
        graphs[line.rsplit(" ", 2)[-2]].append(line)
    return graphs


def _triples(lines: list[str]) -> str:
    """N-Quads lines of one graph as N-Triples (the graph name dropped)."""
    return "".join(line.rsplit(" ", 2)[0] + " .\n" for line in lines)


def _same_store_content(a: Path, b: Path) -> None:
    """The same quads in every graph; graphs with blank nodes compared by isomorphism."""
    ga, gb = _by_graph(a), _by_graph(b)
    assert set(ga) == set(gb)
    for name in ga:
        if any("_:" in line for line in ga[name] + gb[name]):
            one = Graph().parse(data=_triples(ga[name]), format="nt")
            two = Graph().parse(data=_triples(gb[name]), format="nt")
            assert isomorphic(one, two), name
        else:
            assert sorted(ga[name]) == sorted(gb[name]), name


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory: pytest.TempPathFactory, small_built: Path) -> Project:
    """A copy of the small project (``tests/smallproject.py``) with its current build: the
    shared build, copied (the same inputs made it, so ingest takes the incremental path as
    after the user's own ``regimekg build``).

    The comparison below needs both sides built from one project, and the small one has
    what the incremental path touches (the ontology and shapes, curated names for mentions,
    a source graph, graph/time, graph/metrics) at a fraction of a full build's cost.
    """
    return small_copy(small_built, tmp_path_factory.mktemp("incremental") / "proj", with_build=True)


def test_incremental_ingest_equals_a_full_build(
    built_copy: Project, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    proj = built_copy
    before = store.read_info(proj.build_dir())
    assert cli.main(["--root", str(proj.root), "ingest", str(DOC)]) == 0
    out = capsys.readouterr().out
    assert "Added seoul-briefing to the build" in out  # the incremental path, not a rebuild
    info = store.read_info(proj.build_dir())
    assert info["incremental"] == ["seoul-briefing"]
    assert info["graphs"]["metrics"] == before["graphs"]["metrics"]  # type: ignore[index]
    full = tmp_path / "full"
    build(proj, full, progress=lambda _m: None)
    _same_store_content(proj.build_dir() / store.NQ_FILE, full / store.NQ_FILE)
    assert (proj.build_dir() / "candidates.tsv").read_bytes() == (
        full / "candidates.tsv"
    ).read_bytes()
    # The store answers for the new graph as the dump says.
    st = store.open_store(proj.build_dir())
    assert len(st) == info["quads"]
    del st
    # Ingesting the same document again changes nothing and says so.
    assert cli.main(["--root", str(proj.root), "ingest", str(DOC)]) == 0
    assert "Nothing changed" in capsys.readouterr().out


def test_a_changed_curated_file_falls_back_to_a_full_build(
    built_copy: Project, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    proj = built_copy
    stop = proj.root / "data" / "stoplist.txt"
    stop.write_text(stop.read_text(encoding="utf-8") + "Frontier\n", encoding="utf-8")
    doc = tmp_path / "second-note.md"
    doc.write_text("The Paris AI Action Summit was held in February 2025.\n", "utf-8")
    assert cli.main(["--root", str(proj.root), "ingest", str(doc)]) == 0
    out = capsys.readouterr().out
    assert "Built " in out and "Added" not in out
    assert "incremental" not in store.read_info(proj.build_dir())
