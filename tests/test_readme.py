"""The README's tour shows real answers: each ``regimekg query`` of its console block runs on
the session build and prints what the README shows, rows and numbers included.

The guides are held to their outputs by tests/test_guide.py; the README is the first page a
new user reads, so its answers (China's participations, the coverage figure) are held the
same way, with the same markup and comparison (:mod:`regimekg.guide`).
"""

from __future__ import annotations

import contextlib
import io
import shlex
from pathlib import Path

import pytest

from regimekg import cli
from regimekg.guide import Command, compare, parse_guide
from tests.conftest import ROOT

README = ROOT / "README.md"


def _queries() -> list[Command]:
    return [
        c
        for b in parse_guide(README)
        for c in b.commands
        if c.text.startswith("regimekg query ") and c.expected
    ]


def test_the_readme_tour_shows_queries() -> None:
    assert len(_queries()) >= 4, "the README's tour lost its query answers"


@pytest.mark.parametrize("command", _queries(), ids=lambda c: f"README.md:{c.line}")
def test_the_readme_answers_are_the_builds(
    built: Path, command: Command, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("COLUMNS", "LINES", "REGIMEKG_ROOT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main([*shlex.split(command.text)[1:], "--build", str(built)])
    assert code == 0
    problem = compare(command.expected, out.getvalue())
    assert problem is None, f"README.md line {command.line} `{command.text}`: {problem}"
