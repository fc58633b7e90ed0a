"""The build contract (DESIGN §6): outputs, named graphs, atomicity, locking."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from regimekg import analysis, store
from regimekg.build import build, metric_slices
from regimekg.errors import BuildError, UserError
from regimekg.namespaces import GRAPH, METRICS_GRAPH, RKG, TIME_GRAPH
from regimekg.paths import Project
from regimekg.sources import load_manifest


def tree_digest(path: Path) -> str:
    """Hash of every file name and content under *path*: equal digests mean byte-for-byte equal."""
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        h.update(str(p.relative_to(path)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def test_build_writes_store_dump_and_one_graph_per_source(built: Path, repo: Project) -> None:
    assert (built / "store").is_dir()
    nq = (built / "regimekg.nq").read_text("utf-8")
    graphs = {line.rsplit(" ", 2)[-2] for line in nq.splitlines()}
    for src in load_manifest(repo):
        assert f"<{GRAPH[src.id]}>" in graphs
    for name in ("ontology", "vocab", "curated"):
        assert f"<{GRAPH[name]}>" in graphs
    info = json.loads((built / "build-info.json").read_text("utf-8"))
    assert info["quads"] == len(nq.splitlines())
    s = store.open_store(built)
    assert len(s) == info["quads"]
    assert (built / "candidates.tsv").is_file()


def test_dump_is_sorted_so_rebuilds_diff_cleanly(built: Path) -> None:
    lines = (built / "regimekg.nq").read_text("utf-8").splitlines()
    assert lines == sorted(lines)


METRICS = str(METRICS_GRAPH)


def test_store_and_dump_hold_the_same_quads(built: Path) -> None:
    """The writer fills both from one in-memory store: same quads, same blank node labels."""
    st = store.open_store(built)
    dumped = st.dump(format=ox.RdfFormat.N_QUADS)
    del st
    assert dumped is not None
    assert sorted(dumped.decode("utf-8").splitlines()) == (
        (built / "regimekg.nq").read_text("utf-8").splitlines()
    )


def test_metrics_graph_is_what_the_analysis_computes_from_the_build(built: Path) -> None:
    """graph/metrics of the build equals :func:`analysis.metrics_ntriples` on the built store,
    for the slices build-info.json lists: the child process that writes it loses nothing."""
    info = json.loads((built / "build-info.json").read_text("utf-8"))
    slices = [None if s == "whole graph" else s for s in info["metrics_as_of"]]
    # the years come from the data (graph/time), not from the day the build ran
    time = Graph()
    for line in (built / "regimekg.nq").read_text("utf-8").splitlines():
        if line.endswith(f"<{TIME_GRAPH}> ."):
            time.parse(data=line.rsplit(" <", 1)[0] + " .", format="nt")
    assert slices == metric_slices(time)
    last_known = max(str(o)[:4] for o in time.objects(None, RKG.knownFrom))
    assert slices[-1] == last_known
    st = store.open_store(built)
    metrics = analysis.metrics_ntriples(st, slices)  # graph/metrics adds nothing it reads
    del st
    expected = ox.Store()
    expected.bulk_load(metrics, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(METRICS))
    dumped = expected.dump(format=ox.RdfFormat.N_QUADS)
    assert dumped is not None
    graph = f"<{METRICS}> ."
    lines = (built / "regimekg.nq").read_text("utf-8").splitlines()
    assert [ln for ln in lines if ln.endswith(graph)] == sorted(dumped.decode().splitlines())
    assert info["graphs"]["metrics"] == len(dumped.decode().splitlines())


def test_dump_has_one_quad_per_line_whatever_the_literals(tmp_path: Path) -> None:
    """Oxigraph writes U+2028 and U+0085 unescaped: they must not split a quad in two."""
    text = "a\u2028b\u0085c\rd\ne\u3000f"
    st = ox.Store()
    quad = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal(text))
    st.add(quad)
    st.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x")))
    assert store.save(tmp_path, st) == 2
    data = (tmp_path / "regimekg.nq").read_bytes()
    assert data.count(b"\n") == 2
    assert set(ox.parse(data, format=ox.RdfFormat.N_QUADS)) == set(st)
    assert len(store.open_read_only(tmp_path / "store")) == 2


def _break_quote(proj: Project) -> Path:
    files = sorted((proj.curated_dir / "entities").glob("*.yaml"))
    assert files, "no curated entity files to break"
    path = files[0]
    text = path.read_text("utf-8")
    marker = "quote: "
    i = text.index(marker) + len(marker)
    path.write_text(text[:i] + "NOT-IN-ANY-SOURCE " + text[i:], "utf-8")
    return path


def _break_membership(proj: Project) -> Path:
    """A member that is an instrument: the curated checks pass it, SHACL does not."""
    path = proj.curated_dir / "memberships" / "g7.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("  member: canada\n", "  member: eu-ai-act\n", 1), "utf-8")
    return path


@pytest.mark.parametrize("breakage", ["quote", "ontology-syntax", "source-hash", "shacl"])
def test_failing_build_leaves_previous_build_untouched(
    built: Path, project_copy: Project, breakage: str
) -> None:
    out = project_copy.root / "build"
    shutil.copytree(built, out)
    before = tree_digest(out)
    if breakage == "quote":
        broken = _break_quote(project_copy)
        expected = f"{broken.relative_to(project_copy.root)} line"
    elif breakage == "ontology-syntax":
        with project_copy.ontology_ttl.open("a", encoding="utf-8") as f:
            f.write('\nrkg:Broken a owl:Class ; rdfs:label "unterminated .\n')
        expected = "regimekg.ttl line"
    elif breakage == "shacl":
        broken = _break_membership(project_copy)
        where = f"{broken.relative_to(project_copy.root)} line 1 (membership g7/eu-ai-act/member)"
        expected = f"SHACL validation failed ({where}"
    else:
        src = load_manifest(project_copy)[0]
        with src.path.open("a", encoding="utf-8") as f:
            f.write("\n")
        expected = f"Source {src.id!r}: {src.path.name} has sha256"
    with pytest.raises(BuildError) as e:
        build(project_copy, out, progress=lambda _m: None)
    message = str(e.value)
    assert expected in message
    assert "previous build left untouched" in message
    assert tree_digest(out) == before
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".build.")]
    assert leftovers == [".build.lock"] or leftovers == []


def test_second_concurrent_build_fails_clearly(tmp_path: Path, repo: Project) -> None:
    out = tmp_path / "build"
    with store.build_lock(out), pytest.raises(UserError, match=r"Another build of .* is running"):
        build(repo, out, progress=lambda _m: None)
    assert not out.exists()
