"""Bad input to ``ingest``, ``export`` and ``validate``: one clear sentence, exit code 2, and
nothing lost (DESIGN §9, issue 8).

The refused builds of the corpus are in ``tests/test_bad_inputs.py``, which describes the
corpus and how each case runs; this module runs the other commands' cases the same way, so
``--dist loadscope`` can put the two halves on two workers.
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
def session_build_digest(built: Path) -> str:
    """The session build's digest before any case ran (hashed afresh, not remembered)."""
    return tree_digest(built)


@pytest.fixture(scope="module")
def outcomes(
    built: Path, session_build_digest: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, corpus.Outcome]:
    return corpus.run_cases(corpus.COMMANDS, built, tmp_path_factory.mktemp("bad-commands"))


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
    outcomes: dict[str, corpus.Outcome], repo: Project
) -> None:
    """A refused ingest leaves sources.yaml loadable: the manifest lists exactly the sources
    it listed before (checked without a full build, by reading the manifest)."""
    before = [s.id for s in load_manifest(repo)]
    for o in outcomes.values():
        if o.case["command"] == "ingest":
            assert [s.id for s in load_manifest(Project(o.root))] == before, o.case["id"]


def test_the_session_build_is_untouched(
    outcomes: dict[str, corpus.Outcome], built: Path, session_build_digest: str
) -> None:
    """The cases' builds are hard links to the session's: no case wrote through them."""
    assert outcomes
    assert tree_digest(built) == session_build_digest
