"""The user guides cannot rot: every command they show in a ``console`` block runs.

``docs/guide.md`` and ``docs/guide.zh.md`` mark what is tested:

- a fenced ``console`` block holds commands (lines starting with ``$ ``) and, under each, the
  output a reader should expect;
- ``<!-- file: PATH -->`` before a fenced block means "the reader saves this text as PATH";
- other fenced blocks (``sh``, ``python``, …) are illustrations and are not run.

Both guides run in order in one fresh copy of the project. The ``regimekg build`` they start with
is the build the test session shares (made by ``regimekg.build.build`` from the same inputs,
copied into the project), so the test builds only once more: after ``ingest`` and the curated
edit, which the guide's second ``regimekg build`` really runs.
A block of the Chinese guide that is identical to one already run for the English guide (the
same commands, or the same file) is not run twice: the two guides walk through the same steps,
and repeating a build would only double the time. Every command must exit 0, and when the guide
shows output, the actual output must start the same way: the same first word, or for tables
the same column titles. A command ending in `` &`` starts in the background (a server) until
``kill %1``; the port a guide uses is replaced by a free one.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project

GUIDES = (ROOT / "docs" / "guide.md", ROOT / "docs" / "guide.zh.md")
FENCE = re.compile(r"^```(\w*)\s*$")
FILE_MARKER = re.compile(r"^<!-- file: (\S+) -->\s*$")


@dataclass
class Command:
    text: str
    line: int
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _starts_like(expected: list[str], actual: str) -> str | None:
    """None when *actual* begins as the guide shows, else what differs."""
    shown = [x for x in expected if x.strip()]
    if not shown or shown[0].strip() in ("…", "..."):
        return None
    got = [x for x in actual.splitlines() if x.strip()]
    if not got:
        return f"no output, the guide shows {shown[0]!r}"
    is_table = len(shown) > 1 and set(shown[1].replace(" ", "")) == {"-"}
    want_tokens = shown[0].split() if is_table else shown[0].split()[:1]
    got_tokens = got[0].split()[: len(want_tokens)]
    if want_tokens != got_tokens:
        return f"output starts with {got[0]!r}, the guide shows {shown[0]!r}"
    return None


class Runner:
    """Runs guide blocks in one project directory, with `regimekg` on the PATH."""

    def __init__(self, root: Path) -> None:
        self.root = root
        bindir = str(Path(sys.executable).parent)
        self.env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
        self.env.pop("REGIMEKG_ROOT", None)
        self.background: list[subprocess.Popen[str]] = []
        self.failures: list[str] = []

    def run_block(self, block: Block) -> None:
        if block.file is not None:
            target = self.root / block.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.content, encoding="utf-8")
            return
        port = str(_free_port())
        try:
            for cmd in block.commands:
                text = cmd.text.replace("7878", port)
                where = f"{block.guide} line {cmd.line}: `{cmd.text}`"
                if text.startswith("kill %"):
                    self.stop()
                elif text.endswith("&"):
                    self.start(text[:-1].strip(), port, where)
                else:
                    self.run(text, cmd, where)
                if self.failures:
                    return
        finally:
            self.stop()

    def run(self, text: str, cmd: Command, where: str) -> None:
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
        problem = _starts_like(cmd.expected, proc.stdout)
        if problem:
            self.failures.append(f"{where}: {problem}")

    def start(self, text: str, port: str, where: str) -> None:
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
    state = ("regimekg build", "regimekg ingest", "regimekg lint")
    assert [b.key() for b in en if b.file or b.commands[0].text.startswith(state)] == [
        b.key() for b in zh if b.file or b.commands[0].text.startswith(state)
    ]


@pytest.mark.slow
def test_every_console_command_of_the_guides_runs(tmp_path: Path, built: Path) -> None:
    proj = copy_project(tmp_path / "regimekg")
    # The guides start with `regimekg build` on the unchanged project: that build is the one
    # the test session shares (`built`, the same inputs), copied in instead of made again.
    shutil.copytree(built, proj.root / "build")
    runner = Runner(proj.root)
    done: set[tuple] = {("console", ("regimekg build",))}
    try:
        for guide in GUIDES:
            for block in parse_guide(guide):
                if block.key() in done:
                    continue
                runner.run_block(block)
                assert not runner.failures, "\n".join(runner.failures)
                done.add(block.key())
    finally:
        runner.stop()
    # the guide's build and ingest really happened in the copy
    assert (proj.root / "build" / "regimekg.nq").is_file()
    assert (proj.sources_dir / "hiroshima-briefing.md").is_file()
    assert "hiroshima-briefing" in (proj.root / "build" / "regimekg.nq").read_text("utf-8")
