"""The build contract (DESIGN §6): outputs, named graphs, atomicity, locking."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from regimekg import store
from regimekg.build import build
from regimekg.errors import BuildError, UserError
from regimekg.namespaces import GRAPH
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


def _break_quote(proj: Project) -> Path:
    files = sorted((proj.curated_dir / "entities").glob("*.yaml"))
    assert files, "no curated entity files to break"
    path = files[0]
    text = path.read_text("utf-8")
    marker = "quote: "
    i = text.index(marker) + len(marker)
    path.write_text(text[:i] + "NOT-IN-ANY-SOURCE " + text[i:], "utf-8")
    return path


@pytest.mark.parametrize("breakage", ["quote", "ontology-syntax", "source-hash"])
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
