"""The user guides cannot rot: every command they show in a ``console`` block runs, and what
it prints is what the guide shows — counts, rows and numbers included.

The markup and the comparison live in :mod:`regimekg.guide`; ``regimekg.guide.regenerate``
brings stale outputs up to date. Each guide runs from the start in its own copy of the
project (every build really runs, so the quad counts are checked). A command ending in
`` &`` starts in the background (a server) until ``kill %1``; the port a guide uses is
replaced by a free one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from regimekg import guide as guides_run
from regimekg.guide import compare, normalise, numbers, parse_guide, refresh, run_each, stale
from regimekg.paths import Project
from tests.conftest import ROOT

GUIDES = (ROOT / "docs" / "guide.md", ROOT / "docs" / "guide.zh.md")


TABLE = """\
Body                 Role             Since
-------------------  ---------------  ----------
United Nations       founding member  1945-10-24
Group of Seven       founding member  1975
9 rows
"""


def test_compare_accepts_the_same_output_with_other_widths_paths_and_durations() -> None:
    shown = ["Built 58445 quads in 42.2 s into /…/regimekg/build (curated 23215)"]
    run = "Built 58445 quads in 61.0 s into /tmp/pytest-7/x/regimekg/build (curated 23215)\n"
    assert compare(shown, run) is None
    wider = TABLE.replace("United Nations       ", "United Nations         ")
    assert compare(TABLE.splitlines(), wider) is None


def test_compare_reports_a_changed_number() -> None:
    shown = TABLE.splitlines()
    assert "9 rows" in (compare(shown, TABLE.replace("9 rows", "10 rows")) or "")
    assert compare(shown, TABLE.replace("1975", "1976")) is not None
    shown = ["Built 58445 quads in 42.2 s into /…/regimekg/build"]
    assert compare(shown, "Built 58660 quads in 1.0 s into /…/regimekg/build") is not None


def test_an_output_shown_whole_must_be_whole() -> None:
    assert compare(TABLE.splitlines(), TABLE + "Council of Europe  founding member  1949\n")
    assert refresh(TABLE.splitlines()[:3], TABLE) == TABLE.splitlines()


def test_compare_follows_elisions() -> None:
    shown = ["Body   Role   Since", "…", "Group of Seven  founding member  1975", "…"]
    assert compare(shown, TABLE) is None
    assert compare(shown, TABLE.replace("Group of Seven", "Group of Eight")) is not None
    assert compare(["…"], "anything") is None


def test_numbers_leave_out_durations_and_ports() -> None:
    line = "ready in 0.4 s at http://127.0.0.1:40123/query; 58445 quads, 4 engines"
    assert numbers(line) == ["127.0.0.1", "58445", "4"]
    assert normalise("a   b") == "a b"


def test_refresh_rewrites_the_shown_lines_and_keeps_elisions() -> None:
    shown = ["Body Role Since", "-----  ----  ---", "United Nations  founding member  1944", "…"]
    new = refresh(shown, TABLE)
    assert new[:3] == TABLE.splitlines()[:3] and new[-1] == "…"
    assert compare(new, TABLE) is None


def test_guides_mark_the_same_steps() -> None:
    """Both guides test the workflow: build, questions, SPARQL, exports, serve, ingest, facts."""
    for guide in GUIDES:
        blocks = parse_guide(guide)
        commands = [c.text for b in blocks for c in b.commands]
        files = [b.file for b in blocks if b.file]
        for needed in (
            "regimekg build",
            "regimekg query ",
            "regimekg sparql ",
            "regimekg sparql --file ",
            "regimekg export ",
            "regimekg serve ",
            "regimekg ingest ",
            "regimekg lint",
        ):
            assert any(c.startswith(needed) for c in commands), f"{guide.name}: no {needed!r}"
        assert any(f.startswith("data/curated/") for f in files), guide.name
        assert commands.count("regimekg build") == 2, guide.name  # fresh build, then rebuild
    en, zh = (parse_guide(g) for g in GUIDES)
    # the state-changing steps are the same in both languages, so they run once
    # (which is also what lets the Chinese guide's run reuse the English one's builds)
    assert [b.key() for b in en if guides_run.changes_state(b)] == [
        b.key() for b in zh if guides_run.changes_state(b)
    ]


STEP = "echo step >> state.txt && echo ran >> ../../ran.txt && wc -l < state.txt"


def _write_guide(path: Path, *blocks: str) -> Path:
    path.write_text("".join(f"```console\n{b}\n```\n\ntext\n\n" for b in blocks), "utf-8")
    return path


def test_a_later_guide_reuses_the_state_steps_of_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second guide's state-changing steps are restored from the first guide's run, its
    reading commands run; a guide whose steps depart from the first runs its own from there."""
    monkeypatch.setattr(guides_run, "STATE_STEPS", ("echo step",))
    project = tmp_path / "project"
    project.mkdir()
    docs = tmp_path / "docs"
    docs.mkdir()
    first = _write_guide(docs / "a.md", f"$ {STEP}\n1", "$ cat state.txt", f"$ {STEP} # 2\n2")
    second = _write_guide(docs / "b.md", f"$ {STEP}\n1", "$ wc -c < state.txt", f"$ {STEP} # 2\n2")
    runner = run_each(Project(project), [first, second], tmp_path / "run")
    assert not runner.failures, runner.failures
    assert (tmp_path / "run" / "ran.txt").read_text().count("ran") == 2  # not 4
    printed = [
        runner.outputs["b.md", c.line].strip() for b in parse_guide(second) for c in b.commands
    ]
    assert printed == ["1", "5", "2"]  # "5": read after the restored first step
    assert (tmp_path / "run" / "1" / "regimekg" / "state.txt").read_text() == "step\nstep\n"
    assert stale([first, second], runner) == []
    # departing at its second step: that step and every later one run
    third = _write_guide(
        docs / "c.md", f"$ {STEP}\n1", f"$ {STEP} && echo other\n2\nother", f"$ {STEP} # 2\n3"
    )
    runner = run_each(Project(project), [first, third], tmp_path / "run2")
    assert not runner.failures, runner.failures
    assert (tmp_path / "run2" / "ran.txt").read_text().count("ran") == 2 + 2
    assert stale([third], runner) == []


@pytest.mark.slow
def test_every_console_command_of_the_guides_runs_and_prints_what_they_show(
    tmp_path: Path,
) -> None:
    runner = run_each(Project(ROOT), GUIDES, tmp_path)
    assert not runner.failures, "\n".join(runner.failures)
    problems = stale(GUIDES, runner)
    assert not problems, (
        "The guides show outputs the commands no longer print; run "
        "`python -c 'from regimekg.guide import regenerate; from regimekg.paths import "
        "project; print(regenerate(project()))'` and review the diff:\n" + "\n".join(problems)
    )
    # each guide's build and ingest really happened in its copy
    for n in range(len(GUIDES)):
        proj = Project(tmp_path / str(n) / "regimekg")
        assert (proj.sources_dir / "hiroshima-briefing.md").is_file()
        assert "hiroshima-briefing" in (proj.root / "build" / "regimekg.nq").read_text("utf-8")
