"""Atomic writes (regimekg.files): a write is whole or absent, and nothing foreign is replaced.

A failure is injected where a kill would hurt most — after part of the new content was written,
or at the fsync/rename — and the target must still hold its previous bytes, with no temporary
file left beside it. ``lint --fix`` is checked the same way, as a writer of curated files.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from regimekg import files
from regimekg.curated import lint
from regimekg.errors import UserError
from regimekg.paths import Project
from tests.test_build import tree_digest


class Boom(Exception):
    """The injected failure."""


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(files.TMP_SUFFIX))


def test_write_text_replaces_whole_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "sources.yaml"
    target.write_text("old\n", "utf-8")
    target.chmod(0o640)
    files.write_text(target, "新\n")
    assert target.read_bytes() == "新\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_new_file_gets_the_mode_open_would_give(tmp_path: Path) -> None:
    files.write_bytes(tmp_path / "new.bin", b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.bin").stat().st_mode) == 0o666 & ~mask


def test_failure_mid_write_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "edges.csv"
    target.write_text("previous good export\n", "utf-8")
    with pytest.raises(Boom), files.atomic_open(target) as f:
        f.write("half of the new ")
        raise Boom
    assert target.read_text("utf-8") == "previous good export\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_failure_at_commit_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    target = tmp_path / "sources.yaml"
    target.write_text("- id: a\n", "utf-8")

    def fail(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, where, fail)
    with pytest.raises(OSError):
        files.write_text(target, "- id: a\n- id: b\n")
    monkeypatch.undo()
    assert target.read_text("utf-8") == "- id: a\n"
    assert _leftovers(tmp_path) == []


def test_copy_files_copies_all(tmp_path: Path) -> None:
    src = [tmp_path / f"in-{n}.md" for n in range(3)]
    for n, p in enumerate(src):
        p.write_text(f"document {n}\n", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "d-0.md").write_text("previous\n", "utf-8")
    files.copy_files([(p, out / f"d-{n}.md") for n, p in enumerate(src)])
    assert [(out / f"d-{n}.md").read_text("utf-8") for n in range(3)] == [
        "document 0\n",
        "document 1\n",
        "document 2\n",
    ]
    assert _leftovers(out) == []


@pytest.mark.parametrize("where", ["sync", "replace"])
def test_copy_files_failure_leaves_no_temporaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A failure before the renames (the sync) changes no target; at the renames, the caller
    undoes the targets already replaced, so only the temporaries are this function's to remove."""
    src = tmp_path / "in.md"
    src.write_text("new\n", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.md").write_text("previous\n", "utf-8")

    def fail(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, where, fail)
    with pytest.raises(OSError):
        files.copy_files([(src, out / "a.md"), (src, out / "b.md")])
    monkeypatch.undo()
    assert (out / "a.md").read_text("utf-8") == "previous\n"
    assert not (out / "b.md").exists()
    assert _leftovers(out) == []


def test_atomic_path_refuses_a_directory(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    with pytest.raises(UserError, match="is a directory"), files.atomic_path(tmp_path / "d"):
        pass


def _is_ours(path: Path) -> bool:
    return (path / "MARK").is_file()


def _fill(directory: Path, text: str) -> None:
    (directory / "MARK").write_text("", "utf-8")
    (directory / "a.csv").write_text(text, "utf-8")


def test_staged_dir_replaces_an_earlier_output_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with files.staged_dir(out, _is_ours, "test output") as d:
        _fill(d, "one")
    with files.staged_dir(out, _is_ours, "test output") as d:
        _fill(d, "two")
    assert (out / "a.csv").read_text("utf-8") == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"years of work")
    before = tree_digest(mine)
    with (
        pytest.raises(UserError, match="holds other files"),
        files.staged_dir(mine, _is_ours, "test output") as d,
    ):
        _fill(d, "x")  # pragma: no cover - refused before
    assert tree_digest(mine) == before
    (tmp_path / "file").write_text("keep", "utf-8")
    with (
        pytest.raises(UserError, match="not a directory"),
        files.staged_dir(tmp_path / "file", _is_ours, "t"),
    ):
        pass  # pragma: no cover - refused before
    assert (tmp_path / "file").read_text("utf-8") == "keep"


def test_staged_dir_failure_keeps_the_earlier_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with files.staged_dir(out, _is_ours, "test output") as d:
        _fill(d, "good")
    before = tree_digest(out)
    with pytest.raises(Boom), files.staged_dir(out, _is_ours, "test output") as d:
        _fill(d, "half")
        raise Boom
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_lint_fix_failing_midway_leaves_curated_files_whole(
    project_copy: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``lint --fix`` rewrites through the atomic writer: a failure (a full disk, a kill at
    the rename) leaves the curated file exactly as it was, never empty."""
    path = next(project_copy.curated_dir.rglob("*.yaml"))
    path.chmod(0o644)
    path.write_text(path.read_text("utf-8") + "\n\n", "utf-8")  # not canonical any more
    before = tree_digest(project_copy.root / "data")

    def fail(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError):
        lint(project_copy, fix=True)
    monkeypatch.undo()
    assert tree_digest(project_copy.root / "data") == before
    assert lint(project_copy, fix=True) == [path]
    assert lint(project_copy) == []
