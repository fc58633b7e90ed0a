"""Bad input ends in one clear sentence, exit code 2, and nothing lost (DESIGN §9, issue 8).

Every case of ``tests/bad_inputs/cases.yaml`` breaks one input of a disposable copy of a
project (a GBK source, a truncated curated file, a CSV with an unterminated quote, a 50 MB
document, …), seeds the copy's ``build/`` with a real build, and runs the CLI exactly as a
user would (``regimekg --root COPY build`` or ``… ingest FILE``). The copy is of the small
project (``tests/smallproject.py``, with the session's :func:`small_built` build), which
refuses each input with the message the bundled project gives; a case marked ``project:
sources`` (it breaks a source or names an entity the small project leaves out) is of the
same cut with every bundled source instead (:func:`sources_project`). Each case must

* exit with code 2 and print exactly one ``regimekg: …`` line — no traceback — that contains
  the case's expected fragments (the file, line or record, and what to do);
* leave ``build/`` byte for byte as it was (hashed before and after) and leave no staging
  directory behind;
* leave the project — ``data/``, ``ontology/``, ``queries/`` and a ``.git`` made in the copy —
  byte for byte as it was, and any folder a case names in ``keep`` (the user's own files an
  ``--out`` or ``-o`` pointed at): a refused command copies, registers and replaces nothing.

``validate`` cases run ``… validate FILE`` on a file given from outside the project (RDF/XML,
JSON-LD). Every refusal is structurally bounded (docs/security.md): the check that refuses
runs before the step it protects (an alias before composing, an entity declaration before any
reference, JSON depth before decoding), so no case depends on a time limit, only on
:data:`HANG_SECONDS` to report a hang.

What it costs, and why it is cheap (docs/performance.md):

* the cases run on cut projects that refuse the input alike: a refused build reads
  everything before the check that refuses it (every source loaded and every curated record
  turned into RDF before a quote is found missing), which on the bundled project costs
  seconds per case (three to five for each of the two refused at quote verification, a
  fraction of that on :func:`sources_project`);
* the copy's ``build/`` is a tree of hard links to the small project's session build
  (:func:`small_built`), for the ``sources`` cases too: a refused ``build`` only checks
  that ``build/`` holds a build (its ``build-info.json``) before it would replace it and
  never reads it, so which project made it changes nothing, and the module does not wait
  for the session's full build. A refused command only ever renames or removes entries of the
  copy's folder, which leaves the shared files alone; a regression that wrote into a build
  file would change the session's build too, so :func:`test_the_session_build_is_untouched`
  hashes it again at the end;
* the copy's ``data/``, ``ontology/``, ``queries/`` and ``.git`` are hard links to one seed
  project too (a repository of each project, not copied per case): a case's setup
  makes each file it changes its own first (:func:`_own`), and a refused command that wrote
  into a shared file would change its inode's content and ctime, so the case's after-digest
  differs and the case fails (the cases hashed after it fail too: the seed is theirs as well);
* the digests behind "byte for byte" hash each file's content once: :func:`_file_digest`
  remembers a content hash under the file's inode, size, mtime and ctime, and any write to
  the file changes its ctime, so a changed file is always hashed again;
* the CLI runs in this process (``regimekg.cli.main`` with stdout/stderr captured and the
  case's working directory), saving a Python start-up and the imports per case. The cases
  that measure peak memory (``measure_memory``) run as real subprocesses, two at a time and
  alongside the others: they are what a user runs end to end, exit code and all.

This module runs the refused builds; ``tests/test_bad_inputs_commands.py`` runs the
``ingest``, ``export`` and ``validate`` cases with the same machinery (two modules, so
``--dist loadscope`` can give them two workers). ``docs/security.md`` lists the cases;
:func:`test_security_doc_lists_every_case` keeps that table in sync
(``python -m tests.test_bad_inputs`` rewrites it).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from regimekg.cli import main
from regimekg.paths import Project
from regimekg.sources import MAX_SOURCE_BYTES, sha256_of
from tests.bad_inputs.make_corpus import big_document, corpus
from tests.conftest import ROOT, small_copy
from tests.smallproject import ALWAYS, make_small_project
from tests.test_build import tree_digest

CORPUS = ROOT / "tests" / "bad_inputs"
FILES = CORPUS / "files"
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text("utf-8"))
SECURITY_DOC = ROOT / "docs" / "security.md"
TABLE_BEGIN = "<!-- bad-inputs table: generated from tests/bad_inputs/cases.yaml -->"
TABLE_END = "<!-- end of bad-inputs table -->"
#: A subprocess that runs longer than this has hung (a refused input takes a few seconds).
HANG_SECONDS = 300.0
BIG = 50 * 1024 * 1024


@dataclass
class Outcome:
    """What one case did: exit code, stderr, digests before/after, peak memory."""

    case: dict[str, Any]
    root: Path
    returncode: int
    stdout: str
    stderr: str
    before: dict[str, str]
    after: dict[str, str]
    peak_memory_mb: float | None

    @property
    def messages(self) -> list[str]:
        """The messages meant for the user (progress lines ``[  0.4s] …`` aside).

        A report of several problems is one message: its ``regimekg:`` line (with the count)
        and one indented line per problem.
        """
        out: list[str] = []
        for line in self.stderr.splitlines():
            if line.startswith("regimekg:"):
                out.append(line)
            elif out and line.startswith("  "):
                out[-1] += "\n" + line
        return out


# ------------------------------------------------------------------------------- setup


def _source_file(root: Path, source_id: str) -> tuple[Path, str]:
    """The file of *source_id* in the copy and the sha256 its entry in sources.yaml records."""
    entries = yaml.safe_load((root / "data" / "sources" / "sources.yaml").read_text("utf-8"))
    entry = next(e for e in entries if e["id"] == source_id)
    return root / "data" / "sources" / entry["file"], str(entry["sha256"])


def _rehash(root: Path, source_id: str, old_sha: str) -> None:
    """Record the source file's new sha256, as a curator who means the change would."""
    path, _ = _source_file(root, source_id)
    manifest = root / "data" / "sources" / "sources.yaml"
    _own(manifest)
    text = manifest.read_text("utf-8")
    assert old_sha in text
    manifest.write_text(text.replace(old_sha, sha256_of(path), 1), "utf-8")


def _own(path: Path) -> None:
    """Make *path* the copy's own file before a case's setup writes it: the copy's project is
    hard links to the seed's (see :func:`_prepare`), and a write through one would change the
    seed, and so every case. The private file is a copy of the same bytes, writable."""
    if path.is_file():
        private = path.with_name(path.name + ".own")
        shutil.copyfile(path, private)
        private.chmod(0o644)
        os.replace(private, path)


def _apply(root: Path, step: dict[str, Any]) -> None:
    op = step["op"]
    if op in ("replace-source", "big-source"):
        path, sha = _source_file(root, step["source"])
        _own(path)
        if op == "big-source":
            big_document(path, BIG)
        else:
            shutil.copyfile(FILES / step["with"], path)
        if step.get("rehash"):
            _rehash(root, step["source"], sha)
    elif op == "write":
        path = root / step["path"]
        _own(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FILES / step["with"], path)
    elif op == "text":
        path = root / step["path"]
        _own(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(step["text"], "utf-8")
    elif op == "symlink":
        (root / step["path"]).symlink_to(root / step["to"], target_is_directory=True)
    elif op == "append":
        path = root / step["path"]
        _own(path)
        with path.open("a", encoding="utf-8") as f:
            f.write(step["text"])
    elif op == "truncate":
        path = root / step["path"]
        _own(path)
        sha = _source_file(root, step["rehash"])[1] if step.get("rehash") else ""
        text = path.read_text("utf-8")
        at = text.index(step["at"]) + len(step["at"])
        path.write_text(text[:at], "utf-8")
        if step.get("rehash"):
            _rehash(root, step["rehash"], sha)
    else:  # pragma: no cover - a typo in cases.yaml
        raise AssertionError(f"unknown op {op!r} in cases.yaml")


#: ``python -m regimekg.cli ARGS`` that also writes the process's peak resident memory (VmHWM)
#: to the file named first. ``getrusage`` cannot tell: a child inherits the high-water mark of
#: the pytest process that forked it; /proc/self/status counts from the exec.
MEASURED_CLI = """
import re, sys
from regimekg.cli import main
out = sys.argv.pop(1)
try:
    rc = main(sys.argv[1:])
finally:
    status = open("/proc/self/status", encoding="ascii").read()
    open(out, "w").write(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
sys.exit(rc)
"""


def _logs(case: dict[str, Any], root: Path) -> Path:
    """Where a case's output is kept: beside its folder, out of reach of an ``--out ..``."""
    logs = root.parent.parent / f"{case['id']}.logs"
    logs.mkdir(exist_ok=True)
    return logs


def _command(case: dict[str, Any], root: Path) -> list[str]:
    """The arguments after ``regimekg`` that the case runs."""
    base = ["--root", str(root)]
    if case["command"] in ("build", "export"):
        return [*base, case["command"], *(a.format(root=root) for a in case.get("args", ()))]
    if case["command"] == "validate":
        target = root.parent / "incoming" / case["validate"]["file"]
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(FILES / case["validate"]["file"], target)
        return [*base, "validate", str(target)]
    spec = case["ingest"]
    docs: list[Path] = []
    if "big" in spec:
        docs.append(big_document(root.parent / spec["big"], BIG))
    for name in spec.get("files", [spec["file"]] if "file" in spec else []):
        doc = root.parent / "incoming" / name
        doc.parent.mkdir(exist_ok=True)
        shutil.copyfile(FILES / name, doc)
        docs.append(doc)
    args = [*base, "ingest", *map(str, docs)]
    if spec.get("mapping"):
        args += ["--mapping", str(FILES / spec["mapping"])]
    return args


def _run(argv: list[str], cwd: Path, logs: Path) -> tuple[int, str, str, float | None]:
    """Run ``regimekg ARGV`` as a process in *cwd*, measuring its peak memory; return exit
    code, stdout, stderr and the peak in MB (the output is kept in *logs*)."""
    out, err, hwm = logs / "stdout.txt", logs / "stderr.txt", logs / "vmhwm-kb.txt"
    args = [sys.executable, "-c", MEASURED_CLI, str(hwm), *argv]
    with out.open("wb") as fo, err.open("wb") as fe:
        proc = subprocess.run(
            args, cwd=cwd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, timeout=HANG_SECONDS
        )
    return (
        proc.returncode,
        out.read_text("utf-8", "replace"),
        err.read_text("utf-8", "replace"),
        int(hwm.read_text()) / 1024 if hwm.is_file() else None,
    )


def _run_in_process(argv: list[str], cwd: Path) -> tuple[int, str, str, None]:
    """Run ``regimekg ARGV`` in this process from *cwd*, as ``python -m regimekg.cli`` would:
    return its exit code, stdout and stderr (an error that escapes :func:`main` is printed
    with its traceback and exits 1, as the interpreter would). Only from the main thread:
    the working directory is the process's."""
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = main(argv)
            except SystemExit as e:  # argparse's usage errors
                rc = e.code if isinstance(e.code, int) else 1
            except Exception:
                traceback.print_exc()
                rc = 1
    finally:
        os.chdir(here)
    return rc, out.getvalue(), err.getvalue(), None


#: What no refused command may change: the build, the project's folders and its history.
TREES = ("build", "data", "ontology", "queries", ".git")


def _git_init(root: Path) -> None:
    """A real repository of the seed project in *root* (made once, see :func:`_prepare`)."""
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "PATH": "/usr/bin:/bin",
    }
    for args in (["init", "-q"], ["add", "data", "queries"], ["commit", "-qm", "seed"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


#: A file's sha256 by (device, inode, size, mtime, ctime): a write to the file changes its
#: ctime (which no user-level call can set back), so a hit means the same bytes.
_DIGESTS: dict[tuple[int, ...], str] = {}


def _file_digest(path: Path) -> str:
    st = path.stat()
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if key not in _DIGESTS:
        _DIGESTS[key] = sha256_of(path)
    return _DIGESTS[key]


def _digest(path: Path) -> str:
    """A folder's hash of every name and content under it (as :func:`tree_digest`), a file's
    sha256, or "missing"; contents hashed once per :func:`_file_digest`."""
    if path.is_file():
        return _file_digest(path)
    if not path.is_dir():
        return "missing"
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        h.update(str(p.relative_to(path)).encode())
        if p.is_file():
            h.update(_file_digest(p).encode())
    return h.hexdigest()


def _digests(case: dict[str, Any], root: Path) -> dict[str, str]:
    return {name: _digest(root / name) for name in (*TREES, *case.get("keep", ()))}


def _prepare(case: dict[str, Any], base: Path, built: Path, seed: Path) -> tuple[Path, list[str]]:
    """The case's project copy: the *seed* project and its repository (a real one, so an
    ``--out`` that would replace it is caught; every case starts from the same commit) and
    the session build, all as trees of hard links, then the case's own changes (each file
    it changes made its own first, :func:`_own`)."""
    root = base / case["id"] / "proj"
    for name in ("data", "ontology", "queries", ".git"):
        shutil.copytree(seed / name, root / name, symlinks=True, copy_function=os.link)
    shutil.copytree(built, root / "build", copy_function=os.link)
    for step in case.get("setup", ()):
        _apply(root, step)
    return root, _command(case, root)


#: The corpus in two modules, so ``--dist loadscope`` can run them on two workers: the
#: refused builds here, the refused ``ingest``, ``export`` and ``validate`` runs in
#: ``tests/test_bad_inputs_commands.py``.
BUILDS = [c for c in CASES if c["command"] == "build"]
COMMANDS = [c for c in CASES if c["command"] != "build"]


#: The projects a case can be run on (its ``project`` in cases.yaml; the small one unless told).
PROJECTS = ("small", "sources")
#: Entities :func:`sources_project` keeps besides the small project's: those the ``sources``
#: cases' records are about, and an action plan whose evidence quotes shou-bu-2025 (the
#: quotes that ``source-truncated-at-line`` cuts away).
SOURCES_ENTITIES = (
    "eu-ai-act",
    "ai-automation-and-the-economy",
    "global-ai-governance-action-plan",
)


def project_of(case: dict[str, Any]) -> str:
    """Which project *case* breaks a copy of: ``small`` or ``sources``."""
    return str(case.get("project", "small"))


def sources_project(dest: Path) -> Project:
    """The small project cut again with every bundled source and :data:`SOURCES_ENTITIES`."""
    manifest = yaml.safe_load((ROOT / "data" / "sources" / "sources.yaml").read_text("utf-8"))
    return make_small_project(
        dest, sources=[s["id"] for s in manifest], always=(*ALWAYS, *SOURCES_ENTITIES)
    )


def run_cases(cases: list[dict[str, Any]], small_built: Path, base: Path) -> dict[str, Outcome]:
    """Every case run once: the measured ones as subprocesses (two at a time, in threads),
    the others meanwhile in this process, one after the other. Each case's project is a copy
    of the small project (``small_built.parent / "proj"``) or, for a ``project: sources``
    case, of :func:`sources_project`, with *small_built* in ``build/`` (see the module's
    docstring)."""
    copies: dict[str, Callable[[Path], Project]] = {
        "small": lambda dest: small_copy(small_built, dest),
        "sources": sources_project,
    }
    seeds: dict[str, Path] = {}
    for kind in sorted({project_of(c) for c in cases}):
        seeds[kind] = copies[kind](base / f"seed-{kind}").root
        _git_init(seeds[kind])
    prepared = {c["id"]: _prepare(c, base, small_built, seeds[project_of(c)]) for c in cases}
    # hashed after every link is made: a new link changes the shared files' ctime
    before = {c["id"]: _digests(c, prepared[c["id"]][0]) for c in cases}

    def run(case: dict[str, Any]) -> Outcome:
        root, argv = prepared[case["id"]]
        cwd = root if case.get("cwd") == "project" else root.parent
        if case.get("measure_memory"):
            rc, stdout, stderr, rss = _run(argv, cwd, _logs(case, root))
        else:
            rc, stdout, stderr, rss = _run_in_process(argv, cwd)
        after = _digests(case, root)
        return Outcome(case, root, rc, stdout, stderr, before[case["id"]], after, rss)

    measured = [c for c in cases if c.get("measure_memory")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        processes = pool.map(run, measured)
        results = [run(c) for c in cases if not c.get("measure_memory")]
        results += list(processes)
    return {o.case["id"]: o for o in results}


def check_refused(o: Outcome) -> None:
    """One clear sentence, exit code 2, nothing changed and nothing left behind."""
    shown = f"exit {o.returncode}\nstderr:\n{o.stderr}\nstdout:\n{o.stdout}"
    assert o.returncode == 2, shown
    assert "Traceback" not in o.stderr, shown
    # whatever the input held, nothing reaches the terminal as a control sequence
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", o.stderr), repr(o.stderr)
    assert len(o.messages) == 1, shown
    message = o.messages[0]
    for fragment in o.case["expect"]:
        assert fragment in message, f"{fragment!r} missing from: {message}"
    assert message.rstrip().endswith((".", "。")), message
    changed = [name for name in o.before if o.after[name] != o.before[name]]
    assert changed == [], f"changed by a refused command: {changed}"
    leftovers = [p.name for p in o.root.iterdir() if p.name.startswith(".build.")]
    if o.case["command"] == "export":  # a reader's shared lock on the swap, nothing else
        assert leftovers in ([], [".build.swap.lock"]), leftovers
    else:
        assert leftovers in ([], [".build.lock"]), leftovers


def check_bounded_memory(big: Outcome, small: Outcome) -> None:
    """A 50 MB document is refused without being read: the process's peak memory is that of
    the same command refusing a 300-byte file, give or take far less than the document."""
    assert big.peak_memory_mb is not None and small.peak_memory_mb is not None
    assert big.peak_memory_mb < small.peak_memory_mb + BIG / 2**20 / 4, (
        big.case["id"],
        big.peak_memory_mb,
        small.peak_memory_mb,
    )


@pytest.fixture(scope="module")
def session_build_digest(small_built: Path) -> str:
    """The small build's digest before any case ran (hashed afresh, not remembered)."""
    return tree_digest(small_built)


@pytest.fixture(scope="module")
def outcomes(
    small_built: Path, session_build_digest: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Outcome]:
    return run_cases(BUILDS, small_built, tmp_path_factory.mktemp("bad-builds"))


# ------------------------------------------------------------------------------- tests


def test_corpus_files_are_the_generated_ones() -> None:
    """The encoded/binary corpus files are exactly what make_corpus.py writes (reviewable)."""
    for name, data in corpus().items():
        assert (FILES / name).read_bytes() == data, (
            f"{name} differs: run python tests/bad_inputs/make_corpus.py"
        )


def test_cases_are_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    for c in CASES:
        assert c["command"] in ("build", "ingest", "export", "validate"), c["id"]
        assert project_of(c) in PROJECTS, c["id"]
        # the other commands read build/, which is the small project's build
        assert project_of(c) == "small" or c["command"] == "build", c["id"]
        assert c["expect"] and c["outcome"] and c["what"]["en"] and c["what"]["zh"], c["id"]
        for step in c.get("setup", ()):
            if "with" in step:
                assert (FILES / step["with"]).is_file(), (c["id"], step["with"])
        ingest = c.get("ingest") or {}
        names = [*ingest.get("files", ()), *(v for k, v in ingest.items() if k != "files")]
        for name in names:
            assert ingest.get("big") == name or (FILES / name).is_file(), (c["id"], name)
        if c["command"] == "validate":
            assert (FILES / c["validate"]["file"]).is_file(), c["id"]


def test_the_50mb_document_is_over_the_limit() -> None:
    """The size cases test the limit, not a file that happens to be small enough."""
    assert MAX_SOURCE_BYTES < BIG


@pytest.mark.parametrize("case", BUILDS, ids=[c["id"] for c in BUILDS])
def test_bad_input_is_refused_clearly_and_loses_nothing(
    case: dict[str, Any], outcomes: dict[str, Outcome]
) -> None:
    check_refused(outcomes[case["id"]])


def test_big_documents_are_refused_in_bounded_memory(outcomes: dict[str, Outcome]) -> None:
    check_bounded_memory(outcomes["source-50mb"], outcomes["source-gbk"])


def test_the_session_build_is_untouched(
    outcomes: dict[str, Outcome], small_built: Path, session_build_digest: str
) -> None:
    """The cases' builds are hard links to the small build: no case wrote through them."""
    assert outcomes
    assert tree_digest(small_built) == session_build_digest


class _WriterStarted(Exception):
    """Raised in place of starting the build's writer process (the build stops there)."""


def test_a_build_refused_at_its_first_checks_starts_no_process(
    small_built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's writer process starts once the manifest, sources, ontology and curated
    records have passed their checks, so the cases above refused there (most of them) cost
    no process start; a build that gets past them starts it (here the start is recorded and
    stops the build)."""
    import multiprocessing.context

    from regimekg.build import build
    from regimekg.errors import BuildError
    from regimekg.paths import Project

    started: list[object] = []

    def start(process: object) -> None:
        started.append(process)
        raise _WriterStarted

    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", start)
    root = small_copy(small_built, tmp_path / "proj").root
    entities = sorted((root / "data" / "curated" / "entities").glob("*.yaml"))[0]
    good = entities.read_text("utf-8")
    entities.write_text(good + "- id: [unclosed\n", "utf-8")
    with pytest.raises(BuildError, match="malformed YAML"):
        build(Project(root), progress=lambda _m: None)
    assert started == []
    entities.write_text(good, "utf-8")
    with pytest.raises(_WriterStarted):
        build(Project(root), progress=lambda _m: None)
    assert len(started) == 1


# ------------------------------------------------------------------------------- docs table


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def security_table(cases: list[dict[str, Any]] = CASES) -> str:
    """The Markdown table of ``docs/security.md`` listing every bad-input case."""
    lines = [
        "| # | case | 情形 | command | "
        "outcome (exit 2; build/, data/, ontology/, queries/, .git unchanged) |",
        "|---|---|---|---|---|",
    ]
    for n, c in enumerate(cases, 1):
        lines.append(
            f"| {n} | `{c['id']}`: {_cell(c['what']['en'])} | {_cell(c['what']['zh'])} | "
            f"`{c['command']}` | {_cell(c['outcome'])} |"
        )
    return "\n".join(lines)


def _doc_parts(text: str) -> tuple[str, str, str]:
    """(text up to the table, the table, text from the end marker on)."""
    m = re.search(re.escape(TABLE_BEGIN) + r"\n(.*?)" + re.escape(TABLE_END), text, re.S)
    assert m, f"{SECURITY_DOC} lacks the table markers {TABLE_BEGIN!r} … {TABLE_END!r}"
    return text[: m.start(1)], m.group(1).rstrip("\n"), text[m.end(1) :]


def test_security_doc_lists_every_case() -> None:
    _, table, _ = _doc_parts(SECURITY_DOC.read_text("utf-8"))
    assert table == security_table(), (
        "docs/security.md's bad-input table is out of date: run python -m tests.test_bad_inputs"
    )


def write_security_table() -> None:
    before, _, after = _doc_parts(SECURITY_DOC.read_text("utf-8"))
    SECURITY_DOC.write_text(before + security_table() + "\n" + after, "utf-8")


if __name__ == "__main__":
    write_security_table()
    print(f"rewrote the bad-inputs table in {SECURITY_DOC}")
