"""The user guides cannot rot: every command they show in a ``console`` block runs, and what
it prints is what the guide shows — counts, rows and numbers included.

The markup and the comparison live in :mod:`regimekg.guide`; ``regimekg.guide.regenerate``
brings stale outputs up to date. Each guide runs from the start in its own copy of the
project, and the quad counts its builds print are checked: the rebuild after the ingest
really runs, and the first build of the unchanged project is the session's build of the same
inputs, linked in with its printed report (``Runner.reuse_build``). A command ending in
`` &`` starts in the background (a server) until ``kill %1``; the port a guide uses is
replaced by a free one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from regimekg import guide as guides_run
from regimekg.guide import (
    Prebuilt,
    Runner,
    compare,
    normalise,
    numbers,
    parse_guide,
    refresh,
    run_each,
    stale,
)
from regimekg.paths import Project
from tests.conftest import ROOT, built_report
from tests.test_build import tree_digest

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
    tmp_path: Path, built: Path
) -> None:
    """Each guide's first ``regimekg build`` is of the unchanged project: the session's build
    of the same inputs is linked in and its report printed (:meth:`Runner.reuse_build`), so
    its counts are still those a real build prints; the rebuild after the ingest and the
    curated edit really runs."""
    before = tree_digest(built)
    prebuilt = Prebuilt(built, **built_report(built))
    runner = run_each(Project(ROOT), GUIDES, tmp_path, prebuilt=prebuilt)
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
    assert tree_digest(built) == before  # no step wrote through the linked files


def test_only_plain_regimekg_commands_run_in_process() -> None:
    assert guides_run.cli_argv('regimekg query e --param entity="Hiroshima AI Process"') == [
        "query",
        "e",
        "--param",
        "entity=Hiroshima AI Process",
    ]
    assert guides_run.cli_argv("regimekg sparql 'SELECT * WHERE { ?s ?p ?o }'") == [
        "sparql",
        "SELECT * WHERE { ?s ?p ?o }",
    ]
    for shell in (
        "mkdir -p exports",
        "regimekg build && regimekg stats",
        "regimekg query x > out.txt",
        "regimekg query x --param a=$HOME",
        'regimekg query x --param a="$HOME"',
        "regimekg export --format csv -o exports/*",
        "regimekg serve --port 7878 &",
        "regimekg",
    ):
        assert guides_run.cli_argv(shell) is None, shell


def test_a_command_in_process_prints_what_its_process_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same arguments, directory and environment rules as the reader's shell: a terminal
    width or project root from the environment must not reach the command; a failing command
    is reported with its exit code and message."""
    import subprocess
    import sys

    from tests.conftest import copy_project

    root = copy_project(tmp_path / "regimekg").root
    runner = Runner(root)
    text = "regimekg queries --lang zh"
    proc = subprocess.run(
        ["bash", "-c", text], cwd=root, env=runner.env, capture_output=True, text=True, check=True
    )
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("REGIMEKG_ROOT", str(tmp_path / "elsewhere"))
    cwd = Path.cwd()
    runner.run(text, "t", ("g", 1))
    assert not runner.failures, runner.failures
    assert runner.outputs["g", 1] == proc.stdout and proc.stdout.strip()
    assert Path.cwd() == cwd and sys.stdout is not None
    assert os.environ["COLUMNS"] == "40"  # the caller's environment is given back
    runner.run("regimekg query no-such-question", "guide.md line 9", ("g", 2))
    (failure,) = runner.failures
    assert failure.startswith("guide.md line 9") and "exited 2" in failure
    # one sentence, about the project in the guide's directory (not $REGIMEKG_ROOT)
    assert f"No build found at {root / 'build'}" in failure, failure
    assert "Traceback" not in failure


def test_a_later_guide_reuses_read_outputs_at_the_same_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reading command the first guide ran at the same state is not run again; after a
    state step, or once the guide departs from the first one's steps, it runs."""
    from regimekg import cli

    monkeypatch.setattr(guides_run, "STATE_STEPS", ("echo step",))
    calls: list[tuple[str, ...]] = []
    real = cli.main

    def counting(argv: list[str]) -> int:
        calls.append((Path.cwd().parent.name, *argv))
        return real(argv)

    monkeypatch.setattr(cli, "main", counting)
    project = copy_project_inputs(tmp_path / "project")
    docs = tmp_path / "docs"
    docs.mkdir()
    zh, en = "$ regimekg queries --lang zh\n…", "$ regimekg queries --lang en\n…"
    first = _write_guide(docs / "a.md", zh, f"$ {STEP}\n1", en)
    second = _write_guide(docs / "b.md", zh, f"$ {STEP}\n1", f"{zh}\n{en}", "$ regimekg queries\n…")
    runner = run_each(project, [first, second], tmp_path / "run")
    assert not runner.failures, runner.failures
    # the first guide's reads; the second's --lang zh at another state, and its new command
    assert calls == [
        ("0", "queries", "--lang", "zh"),
        ("0", "queries", "--lang", "en"),
        ("1", "queries", "--lang", "zh"),
        ("1", "queries"),
    ]
    printed = {
        c.text: runner.outputs["b.md", c.line] for b in parse_guide(second) for c in b.commands
    }
    en_line = parse_guide(first)[2].commands[0].line
    assert printed["regimekg queries --lang en"] == runner.outputs["a.md", en_line]
    assert stale([first, second], runner) == []
    calls.clear()
    third = _write_guide(docs / "c.md", zh, f"$ {STEP} && echo other\n1\nother", en)
    runner = run_each(project, [first, third], tmp_path / "run2")
    assert not runner.failures, runner.failures
    assert [c[0] for c in calls] == ["0", "0", "1"]  # departed from the first: its read ran


def test_a_later_guide_gets_a_copy_of_an_export_made_at_the_same_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export the first guide ran at the same state is not run again: the later guide's
    project gets a copy of the file it wrote and the later guide its printed line. A new
    export, one at another state and one writing outside the project run."""
    from regimekg import cli

    monkeypatch.setattr(guides_run, "STATE_STEPS", ("echo step",))
    calls: list[tuple[str, ...]] = []

    def export(argv: list[str]) -> int:
        run = Path.cwd().parent.name
        calls.append((run, argv[-1]))
        out = Path(argv[-1])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(f"made in {run}\n", "utf-8")
        print(f"Wrote {argv[-1]}")
        return 0

    monkeypatch.setattr(cli, "main", export)
    project = tmp_path / "project"
    project.mkdir()
    docs = tmp_path / "docs"
    docs.mkdir()
    outside = tmp_path / "outside.csv"

    def ex(path: str | Path) -> str:
        return f"$ regimekg export --format csv -o {path}\nWrote {path}"

    first = _write_guide(
        docs / "a.md", ex("exports/a.csv"), ex(outside), f"$ {STEP}\n1", ex("exports/b.csv")
    )
    second = _write_guide(
        docs / "b.md",
        ex("exports/a.csv"),
        ex(outside),
        f"$ {STEP}\n1",
        ex("exports/b.csv"),
        ex("exports/c.csv"),
    )
    runner = run_each(Project(project), [first, second], tmp_path / "run")
    assert not runner.failures, runner.failures
    assert calls == [
        ("0", "exports/a.csv"),
        ("0", str(outside)),
        ("0", "exports/b.csv"),
        ("1", str(outside)),
        ("1", "exports/c.csv"),
    ]
    made = tmp_path / "run" / "1" / "regimekg" / "exports"
    assert {p.name: p.read_text("utf-8") for p in made.iterdir()} == {
        "a.csv": "made in 0\n",
        "b.csv": "made in 0\n",
        "c.csv": "made in 1\n",
    }
    assert stale([first, second], runner) == []


def copy_project_inputs(dest: Path) -> Project:
    from tests.conftest import copy_project

    return copy_project(dest)


def _fake_build(dest: Path, inputs: tuple[object, object, object]) -> Path:
    """A directory that records *inputs* as a build's ``build-info.json`` does."""
    from regimekg import store

    version, sources, digest = inputs
    dest.mkdir(parents=True)
    (dest / "regimekg.nq").write_text("<urn:a> <urn:b> <urn:c> .\n", "utf-8")
    info = {"version": version, "built": "x", "quads": 1, "graphs": {"g": 1}}
    store.write_info(dest, {**info, "sources": sources, "inputs": digest})
    return dest


def test_a_build_of_the_same_inputs_is_linked_in_and_its_report_printed(tmp_path: Path) -> None:
    """A plain ``regimekg build`` in a project without a build, whose inputs are those a
    prebuilt build recorded, links that build in and prints its report with the project's
    path; a changed input (here a curated file), an existing build or another command
    line runs the real build instead."""
    from tests.conftest import copy_project

    root = copy_project(tmp_path / "a" / "regimekg").root
    pre = Prebuilt(_fake_build(tmp_path / "pre", guides_run.build_inputs(root)), 7, {"g": 7}, 3)
    runner = Runner(root, prebuilt=pre)
    runner.run("regimekg build", "t", ("g", 1))
    assert not runner.failures, runner.failures
    out = runner.outputs["g", 1]
    assert out.startswith(f"Built 7 quads in 0.0 s into {root / 'build'} (g 7); 3 candidate")
    linked, original = root / "build" / "regimekg.nq", tmp_path / "pre" / "regimekg.nq"
    assert linked.stat().st_ino == original.stat().st_ino
    assert not runner.reuse_build("regimekg build", ("g", 2))  # a build is there now
    other = copy_project(tmp_path / "b" / "regimekg").root
    assert not Runner(other, prebuilt=pre).reuse_build("regimekg build --out b2", ("g", 3))
    entities = sorted((other / "data" / "curated" / "entities").glob("*.yaml"))[0]
    entities.write_text(entities.read_text("utf-8") + "\n", "utf-8")
    assert not Runner(other, prebuilt=pre).reuse_build("regimekg build", ("g", 4))
    assert not (other / "build").exists()
