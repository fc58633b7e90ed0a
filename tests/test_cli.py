"""The CLI contract: user mistakes end in one sentence and exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "regimekg.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_one_sentence_error(proc: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("regimekg: ")
    assert fragment in lines[-1]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--root", "/nonexistent-dir", "build"), "is not a regimekg project"),
        (("query", "anything", "--out", "/nonexistent-build"), "No build found at"),
        (("stats", "--out", "/nonexistent-build"), "No build found at"),
        (("sparql", "--out", "/nonexistent-build"), "Give either a query text or --file"),
        (("sparql", "--file", "/nonexistent.rq"), "Cannot read /nonexistent.rq"),
    ],
)
def test_user_mistakes_are_one_sentence(args: tuple[str, ...], fragment: str) -> None:
    assert_one_sentence_error(run(*args), fragment)


def test_bad_param_syntax_is_reported_by_argparse() -> None:
    proc = run("query", "x", "--param", "no-equals-sign")
    assert proc.returncode == 2
    assert "is not K=V" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_failed_build_names_the_problem(tmp_path: Path) -> None:
    from tests.conftest import copy_project

    proj = copy_project(tmp_path / "p")
    (proj.sources_dir / "sources.yaml").write_text("- id: [unclosed\n", "utf-8")
    proc = run("--root", str(proj.root), "build")
    assert_one_sentence_error(proc, "sources.yaml line 2: malformed YAML")
    assert not (proj.root / "build").exists()
