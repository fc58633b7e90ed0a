"""The user guides' printed outputs, checked against and regenerated from real runs.

``docs/guide.md`` and ``docs/guide.zh.md`` say their outputs are real runs. They stay so
because :func:`run_guides` runs every command of their ``console`` blocks in a copy of the
project and :func:`compare` holds each shown output to what the command printed — the
numbers included (quad counts, row counts, members), not only the column titles — and
:func:`regenerate` rewrites the shown outputs from those runs when the data has changed.

The markup (tests/test_guide.py runs it):

- a fenced ``console`` block holds commands (lines starting with ``$ ``) and, under each, the
  output a reader should expect; a line ``…`` stands for lines left out;
- ``<!-- file: PATH -->`` before a fenced block means "the reader saves this text as PATH";
- other fenced blocks (``sh``, ``python``, …) are illustrations and are not run.

What differs from one machine or run to the next is masked before comparing: durations
(``42.2 s``), the directory the project is in (shown as ``/…/regimekg/``) and the server port.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .paths import Project

GUIDE_NAMES = ("guide.md", "guide.zh.md")
FENCE = re.compile(r"^```(\w*)\s*$")
FILE_MARKER = re.compile(r"^<!-- file: (\S+) -->\s*$")
ELISION = ("…", "...")
#: The directories a guide run copies into a scratch project (everything a build reads).
PROJECT_PARTS = ("data", "ontology", "queries", "pyproject.toml")

_DURATION = re.compile(r"\b\d+(?:\.\d+)? s\b")
_PATH = re.compile(r"(?<![\w/])/\S*?/regimekg/")
_PORT = re.compile(r"127\.0\.0\.1:\d+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
#: What a shell would act on outside quotes (and ``$`` / backquote inside double quotes): a
#: command with any of them runs in ``bash``, as the reader's shell would run it.
_SHELL_CHARS = frozenset("|&;<>()$`*?[]{}~!#\\\n")
#: The environment a guide command must not see: a project chosen by the environment instead
#: of the working directory, and a terminal size that would cut the tables the guides show
#: whole (the guides show output as printed to a file).
_UNSET_ENV = ("REGIMEKG_ROOT", "COLUMNS", "LINES")
#: Commands that only read the project and the build and write no file: what one prints
#: depends only on the project's state, so the guides after the first reuse it (:class:`Replay`).
READ_STEPS = (
    "regimekg stats",
    "regimekg queries",
    "regimekg query ",
    "regimekg sparql ",
    "regimekg metrics",
)
#: Commands that write only the file or folder their ``-o`` names (in the project) and print
#: what they wrote: at the same state the same command writes the same export, so the guides
#: after the first get a copy of what the first one's run wrote (kept aside when it was made)
#: and its printed lines instead of exporting again (:class:`Replay`).
WRITE_STEPS = ("regimekg export ",)


@dataclass
class Command:
    text: str
    line: int  # 1-based line of the command in the guide
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A console block (commands) or a file the reader writes."""

    guide: str
    line: int
    commands: list[Command] = field(default_factory=list)
    file: str | None = None
    content: str = ""

    def key(self) -> tuple:
        """Blocks with the same key do the same thing (the two guides share their steps)."""
        if self.file is not None:
            return ("file", self.file, self.content)
        return ("console", tuple(c.text for c in self.commands))


def parse_guide(path: Path) -> list[Block]:
    """The tested blocks of a guide, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending_file: str | None = None
    i = 0
    while i < len(lines):
        m = FILE_MARKER.match(lines[i])
        if m:
            pending_file = m.group(1)
            i += 1
            continue
        fence = FENCE.match(lines[i])
        if not fence:
            if lines[i].strip():
                pending_file = None
            i += 1
            continue
        lang, start = fence.group(1), i + 1
        end = next(j for j in range(start, len(lines)) if lines[j].startswith("```"))
        body = lines[start:end]
        if pending_file is not None:
            content = "\n".join(body) + "\n"
            blocks.append(Block(path.name, start, file=pending_file, content=content))
        elif lang == "console":
            block = Block(path.name, start)
            for k, line in enumerate(body):
                if line.startswith("$ "):
                    block.commands.append(Command(line[2:].strip(), start + k + 1))
                elif block.commands:
                    block.commands[-1].expected.append(line)
            blocks.append(block)
        pending_file = None
        i = end + 1
    return blocks


# --------------------------------------------------------------------------- comparing


def normalise(line: str) -> str:
    """*line* without what varies between runs and machines, spaces collapsed (table
    columns widen and narrow with their content, and so do their ``----`` rules)."""
    if line.strip() and set(line.replace(" ", "")) <= {"-"}:
        return "---"
    line = _PATH.sub("/…/regimekg/", line)
    line = _DURATION.sub("N s", line)
    line = _PORT.sub("127.0.0.1:PORT", line)
    return " ".join(line.split())


def numbers(line: str) -> list[str]:
    """The numbers of *line* after :func:`normalise`, in order."""
    return _NUMBER.findall(normalise(line))


def _segments(expected: list[str]) -> list[list[str]]:
    """The shown output split at ``…`` lines: the first segment is the start of the output,
    each later one a run of lines further down."""
    out: list[list[str]] = [[]]
    for line in expected:
        if not line.strip():
            continue
        if line.strip() in ELISION:
            out.append([])
        else:
            out[-1].append(line)
    return out


def compare(expected: list[str], actual: str) -> str | None:
    """None when *actual* is what the guide shows, else what differs.

    The first shown lines must be the first lines printed, and every later run of shown
    lines (after a ``…``) must appear further down in order; an output that does not end in
    ``…`` is shown whole, so nothing may follow it. Lines compare by their normalised text,
    so a changed count, date or name is reported, a wider column is not.
    """
    got = [normalise(x) for x in actual.splitlines() if x.strip()]
    segments = _segments(expected)
    if not any(segments):
        return None
    pos = 0
    for n, seg in enumerate(segments):
        want = [normalise(x) for x in seg]
        if not want:
            continue
        if n == 0:
            found = 0 if got[: len(want)] == want else -1
        else:
            found = next(
                (i for i in range(pos, len(got) - len(want) + 1) if got[i : i + len(want)] == want),
                -1,
            )
        if found < 0:
            near = got[pos : pos + len(want)] if n == 0 else got[pos:]
            for w in want:
                if w not in near:
                    m = next((g for g in near if g.split()[:1] == w.split()[:1]), None)
                    was = f"; the run printed {m!r}" if m else ""
                    return f"the guide shows {w!r}{was}"
            return f"the guide shows {want[0]!r} … in another order than the run"
        pos = found + len(want)
    if segments[-1] and pos < len(got):
        return f"the run printed more lines than the guide shows, from {got[pos]!r}"
    return None


def refresh(expected: list[str], actual: str) -> list[str]:
    """The shown output of a command updated from *actual* (paths masked as the guide
    shows them): an output shown whole is replaced whole; otherwise the first run of lines
    is replaced by as many printed lines, and later runs after ``…`` are kept when they
    still appear and otherwise replaced by the printed line that starts with the same word.
    """
    raw = [x for x in actual.splitlines() if x.strip()]
    shown = [_PATH.sub("/…/regimekg/", x) for x in raw]
    if not any(x.strip() in ELISION for x in expected):
        return shown  # shown whole before, so shown whole again
    out: list[str] = []
    first = True
    for seg in _segments(expected):
        if not first:
            out.append("…")
        if first:
            out.extend(shown[: len(seg)])
        else:
            got = {normalise(x): x for x in shown}
            for line in seg:
                if normalise(line) in got:
                    out.append(line)
                else:
                    word = line.split()[:1]
                    out.append(next((x for x in shown if x.split()[:1] == word), line))
        first = False
    if expected and expected[-1].strip() in ELISION and (not out or out[-1] != "…"):
        out.append("…")
    return out


# --------------------------------------------------------------------------- running


def _pipe() -> io.TextIOWrapper:
    """A text stream like a process's stdout into a pipe: UTF-8, with a byte ``buffer``."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    raw = stream.buffer.getvalue()  # type: ignore[attr-defined]
    return raw.decode("utf-8", "replace").replace("\r\n", "\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli_argv(text: str) -> list[str] | None:
    """The arguments after ``regimekg`` of a plain ``regimekg …`` command, which can run in
    this process; None for anything the shell must run (another program, a pipe, a
    redirection, a variable, a glob, a background job).

    A ``regimekg`` process spends a second or more starting Python and importing before it
    does anything; a guide check runs dozens of them. In this process the command runs the
    same :func:`regimekg.cli.main` on the same arguments, in the same directory and
    environment (:meth:`Runner.run_cli`).
    """
    quote = ""
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
            elif quote == '"' and ch in "$`\\":
                return None
        elif ch in "'\"":
            quote = ch
        elif ch in _SHELL_CHARS:
            return None
    try:
        argv = shlex.split(text)
    except ValueError:
        return None
    if len(argv) < 2 or argv[0] != "regimekg":
        return None
    return argv[1:]


@dataclass(frozen=True)
class Prebuilt:
    """A finished build and the counts its ``regimekg build`` printed (a
    :class:`~regimekg.build.BuildReport`'s fields), for :meth:`Runner.reuse_build`."""

    build_dir: Path
    quads: int
    graphs: dict[str, int]
    candidates: int
    seconds: float = 0.0

    def inputs(self) -> tuple[object, object, object]:
        """What the build was made from: version, source hashes, digest of the other inputs."""
        from . import store

        info = store.read_info(self.build_dir)
        return info.get("version"), info.get("sources"), info.get("inputs")


def build_inputs(root: Path) -> tuple[object, object, object]:
    """What ``regimekg build`` would read in the project at *root*, as :meth:`Prebuilt.inputs`
    records it: the package version, each source's sha256 from ``sources.yaml`` (a build
    refuses a file that does not match it) and :func:`regimekg.incremental.inputs_digest` of
    the curated data, ontology, shapes, vocabularies, snapshots, stop list and decisions."""
    from . import __version__
    from .incremental import inputs_digest
    from .sources import load_manifest

    project = Project(root)
    sources = {s.id: s.sha256 for s in load_manifest(project)}
    return __version__, sources, inputs_digest(project)


class Runner:
    """Runs guide blocks in one project directory, with `regimekg` on the PATH.

    ``regimekg`` commands that only read or export (all but :data:`STATE_STEPS` and
    ``serve``) run in this process (:func:`cli_argv`); builds, ingests, lints, servers and
    other programs run as the reader's shell would run them. With *reuse*, a
    :data:`READ_STEPS` command already run at the same state (:class:`Replay`) is not run
    again: it would print the same. With *exports* too, neither is a :data:`WRITE_STEPS`
    command: a copy of the output it wrote then is put where it would write it.
    """

    def __init__(
        self,
        root: Path,
        reuse: dict[tuple[int, str], str] | None = None,
        prebuilt: Prebuilt | None = None,
        exports: Exports | None = None,
    ) -> None:
        self.root = root
        #: a build of the same inputs as a plain ``regimekg build`` here (:meth:`reuse_build`)
        self.prebuilt = prebuilt
        bindir = str(Path(sys.executable).parent)
        self.env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
        for name in _UNSET_ENV:
            self.env.pop(name, None)
        self.background: list[subprocess.Popen[str]] = []
        self.failures: list[str] = []
        #: what each command printed, by (guide, line)
        self.outputs: dict[tuple[str, int], str] = {}
        #: read-only outputs by (state, command) shared between guides; None: no sharing
        self.reuse = reuse
        #: what WRITE_STEPS commands wrote, by the same keys (used only beside *reuse*)
        self.exports = exports
        #: how many state-changing steps the project has been through (the key of *reuse*)
        self.state = 0

    def run_block(self, block: Block) -> None:
        if block.file is not None:
            target = self.root / block.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.content, encoding="utf-8")
            return
        port = str(_free_port())
        # with a server of the block's own running, a command's output is not the state's alone
        shared = not any(c.text.endswith("&") for c in block.commands)
        try:
            for cmd in block.commands:
                text = cmd.text.replace("7878", port)
                where = f"{block.guide} line {cmd.line}: `{cmd.text}`"
                key = (block.guide, cmd.line)
                if text.startswith("kill %"):
                    self.stop()
                elif text.endswith("&"):
                    self.start(text[:-1].strip(), port, where, key)
                elif shared and self._reused(text, key):
                    pass
                else:
                    self.run(text, where, key)
                    if shared and key in self.outputs:
                        self._share(text, self.outputs[key])
                    # after a build in the block, the project is past the state it is keyed by
                    shared = shared and not text.startswith(STATE_STEPS)
                if self.failures:
                    return
        finally:
            self.stop()

    def _reusable(self, text: str) -> bool:
        argv = cli_argv(text)
        if self.reuse is None or argv is None:
            return False
        if text.startswith(WRITE_STEPS):
            return self.exports is not None and self._written(argv) is not None
        return text.startswith(READ_STEPS) and not {"-o", "--output"} & set(argv)

    def _written(self, argv: list[str]) -> Path | None:
        """The file or folder a :data:`WRITE_STEPS` command writes (its one ``-o``/``--output``),
        relative to the project; None if that is not one plain path inside it."""
        named = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a in ("-o", "--output")]
        named += [a.split("=", 1)[1] for a in argv if a.startswith("--output=")]
        if len(named) != 1:
            return None
        rel = Path(named[0])
        if rel.is_absolute() or ".." in rel.parts or rel == Path("."):
            return None
        return rel

    def _reused(self, text: str, key: tuple[str, int]) -> bool:
        """Whether the same command printed at the same state is recorded (and now is for
        *key*); for an export, whether what it wrote then is now copied in."""
        if not self._reusable(text) or (self.state, text) not in (self.reuse or {}):
            return False
        if text.startswith(WRITE_STEPS):
            rel = self._written(cli_argv(text) or [])
            if rel is None or self.exports is None:
                return False
            if not self.exports.restore((self.state, text), self.root / rel):
                return False
        self.outputs[key] = (self.reuse or {})[self.state, text]
        return True

    def _share(self, text: str, printed: str) -> None:
        if not self._reusable(text) or self.reuse is None:
            return
        if text.startswith(WRITE_STEPS):
            rel = self._written(cli_argv(text) or [])
            if rel is None or self.exports is None:
                return
            if not self.exports.keep((self.state, text), self.root / rel):
                return
        self.reuse.setdefault((self.state, text), printed)

    def reuse_build(self, text: str, key: tuple[str, int]) -> bool:
        """Whether ``regimekg build`` (*text*) was answered from :attr:`prebuilt`.

        Builds are byte-reproducible (tests/test_reproducible.py): a build of the same inputs
        by the same code writes the same files and reports the same counts. So when the
        project has no build yet and its inputs (:func:`build_inputs`) are those the prebuilt
        build recorded, its files are hard-linked into ``build/`` (a later build replaces the
        directory by renaming, never writing through a file) and its report is printed with
        this project's path. Anything else, and a failure to link, runs the real build.
        """
        pre = self.prebuilt
        target = self.root / "build"
        if pre is None or text != "regimekg build" or target.exists():
            return False
        try:
            if pre.inputs() != build_inputs(self.root):
                return False
            shutil.copytree(pre.build_dir, target, copy_function=os.link)
        except (OSError, ValueError, UserError):
            shutil.rmtree(target, ignore_errors=True)
            return False
        from .build import BuildReport

        report = BuildReport(target, pre.quads, dict(pre.graphs), pre.candidates, pre.seconds)
        self.outputs[key] = report.summary() + "\n"
        return True

    def run(self, text: str, where: str, key: tuple[str, int]) -> None:
        if self.reuse_build(text, key):
            return
        argv = cli_argv(text)
        if argv is not None and not text.startswith((*STATE_STEPS, "regimekg serve")):
            self.run_cli(argv, where, key)
            return
        proc = subprocess.run(
            ["bash", "-c", text],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            self.failures.append(f"{where} exited {proc.returncode}: {' | '.join(tail)}")
            return
        self.outputs[key] = proc.stdout

    def run_cli(self, argv: list[str], where: str, key: tuple[str, int]) -> None:
        """``regimekg *argv*`` in this process, as the shell would run it: in the project's
        directory, without :data:`_UNSET_ENV`, stdout and stderr captured as from a pipe (no
        terminal, so tables are not fitted to one), the exit code checked."""
        from .cli import main

        out, err = _pipe(), _pipe()
        saved = {name: os.environ.pop(name) for name in _UNSET_ENV if name in os.environ}
        cwd = os.getcwd()
        try:
            os.chdir(self.root)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as e:  # argparse: a usage error, or --help
                    code = e.code if isinstance(e.code, int) else int(e.code is not None)
                except Exception as e:  # a crash: a traceback in a real process
                    print(f"{type(e).__name__}: {e}", file=sys.stderr)
                    code = 1
        finally:
            os.chdir(cwd)
            os.environ.update(saved)
        stdout, stderr = _text(out), _text(err)
        if code != 0:
            tail = (stderr or stdout).strip().splitlines()[-3:]
            self.failures.append(f"{where} exited {code}: {' | '.join(tail)}")
            return
        self.outputs[key] = stdout

    def start(self, text: str, port: str, where: str, key: tuple[str, int]) -> None:
        proc = subprocess.Popen(
            ["bash", "-c", f"exec {text}"],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.background.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                out = proc.stdout.read() if proc.stdout else ""
                self.failures.append(f"{where} stopped at once: {out.strip()[-300:]}")
                return
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", int(port))) == 0:
                    if proc.stdout is not None:
                        self.outputs[key] = proc.stdout.readline()
                    return
            time.sleep(0.2)
        self.failures.append(f"{where}: nothing listens on port {port} after 60 s")

    def stop(self) -> None:
        while self.background:
            proc = self.background.pop()
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()


class Exports:
    """Copies of what :data:`WRITE_STEPS` commands wrote, kept aside under *aside* by (state,
    command): a later guide at the same state gets a copy in its project instead of running
    the export again (the export's file or folder is all it changes)."""

    def __init__(self, aside: Path) -> None:
        self.aside = aside
        self.kept: dict[tuple[int, str], Path] = {}

    def keep(self, key: tuple[int, str], written: Path) -> bool:
        """Keep a copy of *written*; whether there is one (it exists and was copied)."""
        if key in self.kept:
            return True
        target = self.aside / str(len(self.kept)) / written.name
        try:
            _copy_path(written, target)
        except OSError:
            shutil.rmtree(target.parent, ignore_errors=True)
            return False
        self.kept[key] = target
        return True

    def restore(self, key: tuple[int, str], dest: Path) -> bool:
        """Copy what was kept under *key* to *dest*; whether it was (else: run the command)."""
        kept = self.kept.get(key)
        if kept is None or dest.exists() or dest.is_symlink():
            return False
        try:
            _copy_path(kept, dest)
        except OSError:
            return False
        return True


def _copy_path(src: Path, dest: Path) -> None:
    """Copy the file or folder *src* to *dest* (whose parent is made if missing)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dest, symlinks=True)
    else:
        shutil.copy2(src, dest)


def copy_project(src: Project, dest: Path) -> Project:
    """A scratch copy of the project's inputs at *dest* (named ``regimekg``, so paths in
    outputs read ``/…/regimekg/``), for a guide run that builds and ingests."""
    dest.mkdir(parents=True)
    for name in PROJECT_PARTS:
        path = src.root / name
        if path.is_dir():
            shutil.copytree(path, dest / name)
        elif path.is_file():
            shutil.copy2(path, dest / name)
    return Project(dest)


#: Console steps that change the project (the others only read it or write exports).
STATE_STEPS = ("regimekg build", "regimekg ingest", "regimekg lint")


def changes_state(block: Block) -> bool:
    """Whether *block* changes what later commands see: a file the reader writes, a build,
    an ingest or a lint (which rewrites generated files)."""
    return block.file is not None or block.commands[0].text.startswith(STATE_STEPS)


@dataclass
class Step:
    """A state-changing block as an earlier guide ran it: what it printed and, for a console
    block, a copy of the project right after it."""

    key: tuple
    printed: list[str | None]
    snapshot: Path | None


class Replay:
    """The state-changing steps of the first guide run, for the guides after it.

    The guides walk through the same state-changing steps in the same order
    (tests/test_guide.py checks it), and builds are reproducible, so the second guide's
    build at step *k* would print what the first guide's printed, from the same project.
    Such a console step is restored from the copy taken after the first run instead of run
    again — half the builds of a guide check — for as long as the second guide's steps so far
    are the first one's; a guide that departs from them runs every step itself from there on.
    """

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.steps: list[Step] = []
        self.recording = True
        #: what the :data:`READ_STEPS` and :data:`WRITE_STEPS` commands printed, by
        #: (state-changing steps before them, command): a later guide at the same state reads
        #: the same project and build
        self.reads: dict[tuple[int, str], str] = {}
        #: what the WRITE_STEPS commands wrote, by the same keys
        self.exports = Exports(scratch / ".exports")

    @property
    def matching(self) -> bool:
        """Whether the project is where the first guide's run had it after as many steps
        (recording that run, or replaying it and not departed from it)."""
        return self.recording or bool(self.steps)

    def record(self, block: Block, root: Path, printed: list[str | None]) -> None:
        if not self.recording:
            return
        snapshot = None
        if block.file is None:
            snapshot = self.scratch / ".steps" / str(len(self.steps))
            shutil.copytree(root, snapshot, symlinks=True)
        self.steps.append(Step(block.key(), printed, snapshot))

    def restore(self, index: int, block: Block, root: Path) -> list[str | None] | None:
        """What step *index* printed, with *root* as it left the project; None to run it."""
        if self.recording:
            return None
        if index >= len(self.steps) or self.steps[index].key != block.key():
            self.steps.clear()  # departed from the recorded steps: run everything from here
            return None
        step = self.steps[index]
        if step.snapshot is None:
            return None  # a file the reader writes: writing it is all it takes
        shutil.rmtree(root)
        shutil.copytree(step.snapshot, root, symlinks=True)
        return step.printed


def run_guides(
    guides: Iterable[Path],
    root: Path,
    *,
    progress: Callable[[str], None] = lambda _m: None,
    replay: Replay | None = None,
    prebuilt: Prebuilt | None = None,
) -> Runner:
    """Run every block of *guides* in order in the project at *root*.

    A block identical to one already run (the Chinese guide repeats the English one's
    builds, ingest and edits) runs once; what it printed is recorded for both. Every build
    really runs (or, with *prebuilt*, is a build of the same inputs), so the quad counts the
    guides show are checked too. With *replay*, the state-changing steps are recorded (the
    first guide) or, while they match the recorded ones, restored instead of run
    (:class:`Replay`). With *prebuilt*, a first build of the same inputs is linked in
    instead of run (:meth:`Runner.reuse_build`).
    """
    runner = Runner(root, prebuilt=prebuilt)
    done: dict[tuple, list[str | None]] = {}
    steps = 0  # state-changing blocks met so far
    try:
        for guide in guides:
            for block in parse_guide(guide):
                stateful = replay is not None and changes_state(block)
                runner.state = steps
                runner.reuse = replay.reads if replay is not None and replay.matching else None
                runner.exports = replay.exports if runner.reuse is not None else None
                if block.key() not in done:
                    progress(f"{guide.name} line {block.line}")
                    restored = replay.restore(steps, block, root) if replay and stateful else None
                    if restored is None:
                        runner.run_block(block)
                        if runner.failures:
                            return runner
                        restored = [
                            runner.outputs.get((guide.name, c.line)) for c in block.commands
                        ]
                    done[block.key()] = restored
                if replay and stateful:
                    replay.record(block, root, done[block.key()])
                    steps += 1
                for cmd, out in zip(block.commands, done[block.key()], strict=True):
                    if out is not None:
                        runner.outputs[guide.name, cmd.line] = out
    finally:
        runner.stop()
    return runner


def run_each(
    project: Project,
    guides: Iterable[Path],
    scratch: Path,
    *,
    progress: Callable[[str], None] = lambda _m: None,
    prebuilt: Prebuilt | None = None,
) -> Runner:
    """Run each guide from the start in its own copy of *project* under *scratch*, so each
    shows what a reader who follows only that guide sees (the Chinese guide's statistics
    come before its ingest, as in the English one); the outputs of all runs, merged.

    The first guide's builds, ingest and lint are reused by the guides after it where they
    take the same steps (:class:`Replay`), and so is what a reading command printed, or an
    export printed and wrote, at the same state; every other command runs in every guide.
    *prebuilt*: see :meth:`Runner.reuse_build`."""
    merged = Runner(scratch)
    replay = Replay(scratch)
    for n, guide in enumerate(guides):
        proj = copy_project(project, scratch / str(n) / "regimekg")
        runner = run_guides([guide], proj.root, progress=progress, replay=replay, prebuilt=prebuilt)
        replay.recording = False
        merged.outputs.update(runner.outputs)
        merged.failures.extend(runner.failures)
        if runner.failures:
            break
    return merged


def stale(guides: Iterable[Path], runner: Runner) -> list[str]:
    """Every shown output of *guides* that differs from what *runner* recorded."""
    problems = []
    for guide in guides:
        for block in parse_guide(guide):
            for cmd in block.commands:
                out = runner.outputs.get((guide.name, cmd.line))
                if out is None:
                    continue
                problem = compare(cmd.expected, out)
                if problem:
                    problems.append(f"{guide.name} line {cmd.line}: `{cmd.text}`: {problem}")
    return problems


def rewrite(guide: Path, runner: Runner) -> bool:
    """Replace the shown outputs of *guide* by :func:`refresh` of the recorded runs;
    whether the file changed."""
    lines = guide.read_text(encoding="utf-8").splitlines()
    edits = []
    for block in parse_guide(guide):
        for cmd in block.commands:
            out = runner.outputs.get((guide.name, cmd.line))
            if out is None or not cmd.expected or compare(cmd.expected, out) is None:
                continue
            n = len(cmd.expected)
            while n and not cmd.expected[n - 1].strip():
                n -= 1  # keep trailing blank lines of the block as they are
            edits.append((cmd.line, n, refresh(cmd.expected[:n], out)))
    for line, n, new in sorted(edits, reverse=True):
        lines[line : line + n] = new
    text = "\n".join(lines) + "\n"
    if text == guide.read_text(encoding="utf-8"):
        return False
    guide.write_text(text, encoding="utf-8")
    return True


def regenerate(
    project: Project,
    *,
    check: bool = False,
    scratch: Path | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> list[str]:
    """Run both guides in a scratch copy of *project* and bring their shown outputs up to
    date (``check``: only report). Returns the stale outputs found, or the command that
    failed (empty: the guides are up to date, or now are).
    """
    import tempfile

    guides = [project.root / "docs" / name for name in GUIDE_NAMES]
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        runner = run_each(project, guides, Path(tmp), progress=progress)
        if runner.failures:
            return runner.failures
        problems = stale(guides, runner)
        if problems and not check:
            for guide in guides:
                rewrite(guide, runner)
    return problems


__all__ = [
    "Block",
    "Command",
    "Prebuilt",
    "Runner",
    "compare",
    "parse_guide",
    "refresh",
    "regenerate",
    "run_each",
    "run_guides",
    "stale",
]
