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
from regimekg.sources import Source, load_manifest
from tests.conftest import small_copy
from tests.smallproject import read_records


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


def test_dump_is_sorted_so_rebuilds_diff_cleanly(small_built: Path) -> None:
    """The writer sorts whatever it writes: the small project's dump shows it as well."""
    lines = (small_built / "regimekg.nq").read_text("utf-8").splitlines()
    assert lines == sorted(lines)


METRICS = str(METRICS_GRAPH)


def test_store_and_dump_hold_the_same_quads(small_built: Path) -> None:
    """The writer fills both from one in-memory store: same quads, same blank node labels.

    The small project's build goes through the same writer, blank nodes and metrics included.
    """
    built = small_built
    st = store.open_store(built)
    dumped = st.dump(format=ox.RdfFormat.N_QUADS)
    del st
    assert dumped is not None
    assert sorted(dumped.decode("utf-8").splitlines()) == (
        (built / "regimekg.nq").read_text("utf-8").splitlines()
    )


def test_metrics_graph_is_what_the_analysis_computes_from_the_build(small_built: Path) -> None:
    """graph/metrics of the build equals :func:`analysis.metrics_ntriples` on the built store,
    for the slices build-info.json lists: the child process that writes it loses nothing.

    The small project's build has every slice year and every metric too (a smaller network),
    and the hand-over between the two processes is the same whatever its size.
    """
    built = small_built
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


def _instrument(proj: Project) -> str:
    """The slug of the first instrument among the project's curated entities."""
    from regimekg.curated import INSTRUMENT_CLASSES

    for path in sorted((proj.curated_dir / "entities").glob("*.yaml")):
        for rec in read_records(path):
            if rec["type"] in INSTRUMENT_CLASSES:
                return str(rec["id"])
    raise AssertionError("the project has no instrument to make a member of the G7")


def _break_membership(proj: Project) -> tuple[Path, str]:
    """A member that is an instrument: the curated checks pass it, SHACL does not."""
    path = proj.curated_dir / "memberships" / "g7.yaml"
    text = path.read_text("utf-8")
    slug = _instrument(proj)
    assert "  member: canada\n" in text, "the G7's first member changed; update this test"
    path.write_text(text.replace("  member: canada\n", f"  member: {slug}\n", 1), "utf-8")
    return path, slug


def _break_source_hash(proj: Project) -> Source:
    """A source whose file no longer has its recorded hash: the build's first check fails,
    so a test about what a failing build leaves behind need not assemble the graph."""
    src = load_manifest(proj)[0]
    with src.path.open("a", encoding="utf-8") as f:
        f.write("\n")
    return src


@pytest.mark.parametrize("breakage", ["quote", "ontology-syntax", "source-hash", "shacl"])
def test_failing_build_leaves_previous_build_untouched(
    small_built: Path, tmp_path: Path, breakage: str
) -> None:
    """Each failure leaves the last good build as it was, byte for byte, and says so.

    On the small project (``tests/smallproject.py``) with its build: the stages that fail
    (source hashes, Turtle parsing, quote verification, SHACL) and the swap that must not
    happen are the build's own, whatever the size of the data.
    """
    project_copy = small_copy(small_built, tmp_path / "proj", with_build=True)
    out = project_copy.root / "build"
    before = tree_digest(out)
    if breakage == "quote":
        broken = _break_quote(project_copy)
        expected = f"{broken.relative_to(project_copy.root)} line"
    elif breakage == "ontology-syntax":
        with project_copy.ontology_ttl.open("a", encoding="utf-8") as f:
            f.write('\nrkg:Broken a owl:Class ; rdfs:label "unterminated .\n')
        expected = "regimekg.ttl line"
    elif breakage == "shacl":
        broken, slug = _break_membership(project_copy)
        where = f"{broken.relative_to(project_copy.root)} line 2 (membership g7/{slug}/member)"
        expected = f"SHACL validation failed ({where}"
    else:
        src = _break_source_hash(project_copy)
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


# ----------------------------------------------- an interrupted swap (issue "Fail closed")

#: ``regimekg build`` whose swap is killed with SIGKILL right between its two renames: the
#: last good build has been renamed aside, the new one not yet renamed in. What it stages is a
#: copy of the finished build named first (``_build_into`` replaced): the swap is the same
#: whatever the staged files hold, and the session build and ``test_reproducible`` already
#: run the real assembly, so this process spends no core-minute assembling a graph to discard.
KILLED_BETWEEN_RENAMES = """
import os, shutil, signal, sys
from regimekg import build, store
from regimekg.cli import main
finished = sys.argv.pop(1)
def build_into(project, staging, build_dir, step):
    shutil.copytree(finished, staging, dirs_exist_ok=True)
    return build.BuildReport(out=staging, quads=store.read_info(staging)["quads"])
build._build_into = build_into
real, calls = store._rename, []
def rename(source, target):
    calls.append(target)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    real(source, target)
store._rename = rename
sys.exit(main(sys.argv[1:]))
"""


def _dot_build(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".build."))


def _half_swapped(built: Path, out: Path) -> str:
    """*out*'s parent as a swap killed between its renames leaves it; the build's digest."""
    shutil.copytree(built, out)
    digest = tree_digest(out)
    (out.parent / ".build.new-killed").mkdir()
    (out.parent / ".build.new-killed" / "regimekg.nq").write_text("half\n", "utf-8")
    out.rename(store.saved_path(out))
    return digest


def test_build_killed_between_the_renames_is_restored_by_the_next_build(
    small_built: Path, tmp_path: Path
) -> None:
    """The real thing: a build process killed (SIGKILL) between the two renames of its swap
    leaves no build/, only the saved copy; the next build — here one that fails at its first
    check, after the restore — restores the last good build first and leaves it as it was.
    (The small project's build: the swap and the restore move directories, whatever is in them.)
    """
    import subprocess
    import sys

    built = small_built
    project_copy = small_copy(built, tmp_path / "proj", with_build=True)
    out = project_copy.root / "build"
    before = tree_digest(out)
    killed = [sys.executable, "-c", KILLED_BETWEEN_RENAMES, str(built)]
    proc = subprocess.run(
        [*killed, "--root", str(project_copy.root), "build"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == -9, proc.stderr
    assert not out.exists()  # killed in the window the issue describes
    assert tree_digest(store.saved_path(out)) == before
    _break_source_hash(project_copy)
    progress: list[str] = []
    with pytest.raises(BuildError, match="previous build left untouched"):
        build(project_copy, out, progress=progress.append)
    assert any("restored the last good build" in m for m in progress), progress
    assert tree_digest(out) == before
    assert _dot_build(out.parent) == [".build.lock", ".build.swap.lock"]


def test_a_reader_restores_a_half_swapped_build(small_built: Path, tmp_path: Path) -> None:
    """A query after the kill finds the last good build, not "no build found"."""
    out = tmp_path / "build"
    before = _half_swapped(small_built, out)
    st = store.open_store(out)
    assert len(st) == store.read_info(out)["quads"]
    del st
    assert tree_digest(out) == before
    assert not store.saved_path(out).exists()


def test_kill_after_the_second_rename_keeps_the_new_build(
    small_built: Path, tmp_path: Path
) -> None:
    """Killed before the retired build was removed: the new build stays, the old one goes."""
    built = small_built
    out = tmp_path / "build"
    shutil.copytree(built, out)
    shutil.copytree(built, store.saved_path(out))
    (out / "marker-of-the-new-build").write_text("", "utf-8")
    before = tree_digest(out)
    assert store.recover(out) == "finished"
    assert tree_digest(out) == before
    assert not store.saved_path(out).exists()


def test_a_failing_build_never_deletes_the_saved_copy(small_built: Path, tmp_path: Path) -> None:
    """The attack of the issue, in the layout earlier versions left (``.build.old-*/build``):
    no build/, the last good build in the saved copy, then a failing build. It used to delete
    the saved copy while saying "previous build left untouched"; now it restores it."""
    project_copy = small_copy(small_built, tmp_path / "proj", with_build=True)
    out = project_copy.root / "build"
    before = tree_digest(out)
    legacy = out.parent / ".build.old-abc123"
    legacy.mkdir()
    out.rename(legacy / "build")
    _break_source_hash(project_copy)
    with pytest.raises(BuildError, match="previous build left untouched"):
        build(project_copy, out, progress=lambda _m: None)
    assert tree_digest(out) == before
    assert not legacy.exists()


def test_a_failed_second_rename_puts_the_last_good_build_back(
    small_built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rename that fails in-process (not a kill) is undone on the spot."""
    out = tmp_path / "build"
    shutil.copytree(small_built, out)
    before = tree_digest(out)
    staging = store.staging_dir(out)
    (staging / "regimekg.nq").write_text("new\n", "utf-8")
    real, calls = store._rename, []

    def rename(source: Path, target: Path) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        real(source, target)

    monkeypatch.setattr(store, "_rename", rename)
    with pytest.raises(OSError):
        store.swap_in(staging, out)
    assert tree_digest(out) == before
    assert not store.saved_path(out).exists()


def test_only_a_build_info_of_the_right_shape_marks_a_build(
    small_built: Path, tmp_path: Path
) -> None:
    assert store.is_build(small_built)
    fake = tmp_path / "fake"
    fake.mkdir()
    assert not store.is_build(fake)
    (fake / "build-info.json").write_text('{"version": "0.1.0"}\n', "utf-8")
    assert not store.is_build(fake)
    (fake / "build-info.json").write_text("[1, 2]\n", "utf-8")
    assert not store.is_build(fake)


def _records(proj: Project) -> dict[tuple[str, tuple[str, ...]], dict]:
    """Every curated record of *proj*, by kind and identifying values."""
    from regimekg.records import KINDS

    out = {}
    for kind, k in KINDS.items():
        for path in sorted((proj.curated_dir / kind).glob("*.yaml")):
            for rec in read_records(path):
                out[(kind, tuple(str(rec.get(f, "")) for f in k.key))] = rec
    return out


def test_the_small_project_is_a_subset_of_the_bundled_one(small_built: Path, repo: Project) -> None:
    """``tests/smallproject.py`` cuts its records from the current data, so it follows what
    curators add: it builds (the fixture), has records of every kind, and each of them is a
    bundled record, at most without the evidence items that quote a source it leaves out."""
    from regimekg.records import KINDS
    from tests.smallproject import ALWAYS, SOURCES

    small = Project(small_built.parent / "proj")
    assert [s.id for s in load_manifest(small)] == list(SOURCES)
    mine, theirs = _records(small), _records(repo)
    assert {kind for kind, _ in mine} == set(KINDS)
    assert {("entities", (slug,)) for slug in ALWAYS} <= set(mine)
    for key, rec in mine.items():
        full = theirs[key]
        assert {k: v for k, v in rec.items() if k != "evidence"} == {
            k: v for k, v in full.items() if k != "evidence"
        }, key
        assert rec["evidence"] and all(ev in full["evidence"] for ev in rec["evidence"]), key
    info = store.read_info(small_built)
    assert set(info["graphs"]) == {"ontology", "vocab", "curated", "time", "metrics", *SOURCES}
