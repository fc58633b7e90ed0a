"""Bad input to ``ingest``, ``export`` and ``validate``: one clear sentence, exit code 2, and
nothing lost (DESIGN §9, issue 8).

The refused builds of the corpus are in ``tests/test_bad_inputs.py``, which describes the
corpus and how each case runs; this module runs the other commands' cases the same way, so
``--dist loadscope`` can put the two halves on two workers.

These cases run on the small project (``tests/smallproject.py``, the :func:`small_built`
build in ``build/``; none may be marked ``project: sources``, since they read that build):
each is refused by a check of its own input or its own output path, which the size of the
project does not change, while what a command reads before that check (``ingest`` reads the
build's gazetteer, ``export`` opens the build) costs a fraction of the full project's. The
build is current for the copy, as after ``regimekg build``, so the commands take the same
path as on the bundled project.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tests.test_bad_inputs as corpus
from regimekg.paths import Project
from regimekg.sources import load_manifest
from tests.test_build import tree_digest


@pytest.fixture(scope="module")
def session_build_digest(small_built: Path) -> str:
    """The small build's digest before any case ran (hashed afresh, not remembered)."""
    return tree_digest(small_built)


@pytest.fixture(scope="module")
def outcomes(
    small_built: Path, session_build_digest: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, corpus.Outcome]:
    return corpus.run_cases(corpus.COMMANDS, small_built, tmp_path_factory.mktemp("bad-commands"))


@pytest.mark.parametrize("case", corpus.COMMANDS, ids=[c["id"] for c in corpus.COMMANDS])
def test_bad_input_is_refused_clearly_and_loses_nothing(
    case: dict[str, Any], outcomes: dict[str, corpus.Outcome]
) -> None:
    corpus.check_refused(outcomes[case["id"]])


def test_big_documents_are_refused_in_bounded_memory(
    outcomes: dict[str, corpus.Outcome],
) -> None:
    corpus.check_bounded_memory(outcomes["ingest-50mb"], outcomes["ingest-gbk"])


def test_the_project_still_builds_after_a_refused_ingest(
    outcomes: dict[str, corpus.Outcome], small_built: Path
) -> None:
    """A refused ingest leaves sources.yaml loadable: the manifest lists exactly the sources
    it listed before (checked without a full build, by reading the manifest)."""
    before = [s.id for s in load_manifest(Project(small_built.parent / "proj"))]
    assert before
    for o in outcomes.values():
        if o.case["command"] == "ingest":
            assert [s.id for s in load_manifest(Project(o.root))] == before, o.case["id"]


def test_the_session_build_is_untouched(
    outcomes: dict[str, corpus.Outcome], small_built: Path, session_build_digest: str
) -> None:
    """The cases' builds are hard links to the small build: no case wrote through them."""
    assert outcomes
    assert tree_digest(small_built) == session_build_digest
