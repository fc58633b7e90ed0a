"""Ingest timings: one document, a no-op, and a batch, against a full rebuild.

    python -m benchmarks.ingest [--docs 1000] [--repeat 7] [--work DIR] [--doc docs/performance.md]

Works on a copy of the project (data, ontology, queries) in ``--work``; every step runs the
real ``regimekg`` command in a child process and is timed wall-clock, start to exit:

1. a full ``regimekg build`` (the baseline);
2. ``regimekg ingest`` of one small generated document into that current build (the
   incremental path: new graph validated and swapped in), ``--repeat`` times with a fresh
   document each time (median and range);
3. the last ``ingest`` again (nothing changed);
4. one ``ingest`` of ``--docs`` generated documents (English and Chinese, deterministic);
5. a full ``regimekg build`` with all of them, for the ratio.

With ``--doc`` the table replaces the block between the ``ingest:start`` / ``ingest:end``
markers of that file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- ingest:start -->", "<!-- ingest:end -->"

_KNOWN_EN = ["OECD", "G7", "AI Seoul Summit", "Council of Europe", "UNESCO", "European Union"]
_KNOWN_ZH = ["经合组织", "七国集团", "联合国教科文组织", "欧盟", "二十国集团"]
_MONTHS = ["January", "March", "May", "June", "September", "November"]
_ROLES = ["President", "Foreign Minister", "Secretary-General", "Commissioner"]
_GIVEN = ["Anna", "Kenji", "Maria", "Omar", "Li", "Sofia", "David", "Amara"]
_FAMILY = ["Keller", "Tanaka", "Silva", "Haddad", "Moreau", "Okafor", "Lindqvist"]
_PLACES = ["Pacific", "Nordic", "Andean", "Sahel", "Baltic", "Mekong", "Alpine", "Caspian"]
_KINDS = ["Compact", "Charter", "Declaration", "Framework", "Partnership", "Initiative"]


def document(n: int, rng: random.Random) -> str:
    """Generated document *n*: a heading and a few sentences that name, date and relate."""
    place, kind = rng.choice(_PLACES), rng.choice(_KINDS)
    name = f"{place} AI Safety {kind} {n}"
    day, month, year = rng.randint(1, 28), rng.choice(_MONTHS), rng.randint(2019, 2025)
    person = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
    if n % 3 == 2:
        zh = rng.choice(_KNOWN_ZH)
        return (
            f"# 简报 {n}\n\n{year}年{rng.randint(1, 12)}月{day}日，{zh}发布了“{place}人工智能"
            f"安全框架{n}”。该框架由{rng.choice(_KNOWN_ZH)}共同推动。\n"
        )
    return (
        f"# Briefing {n}\n\n"
        f"The {name} was adopted at the {rng.choice(_KNOWN_EN)} on {day} {month} {year}. "
        f"{rng.choice(_ROLES)} {person} said the {name} builds on the work of the "
        f"{rng.choice(_KNOWN_EN)}.\n\nSMEs and AI developers welcomed it in {month} {year}.\n"
    )


def run(root: Path, *args: str) -> tuple[float, str]:
    """Wall-clock seconds of ``regimekg --root ROOT ARGS`` and its last output line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "regimekg.cli", "--root", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"regimekg {' '.join(args[:2])} failed: {proc.stderr.strip()[-500:]}")
    lines = proc.stdout.strip().splitlines()
    return seconds, lines[-1] if lines else ""


def measure(docs: int, work: Path, repeat: int = 7) -> dict[str, object]:
    proj = work / "proj"
    if proj.exists():
        shutil.rmtree(proj)
    for name in ("data", "ontology", "queries"):
        shutil.copytree(ROOT / name, proj / name)
    gen = work / "docs"
    if gen.exists():
        shutil.rmtree(gen)
    gen.mkdir(parents=True)
    rng = random.Random(7)
    paths = []
    for n in range(docs + repeat):
        p = gen / f"briefing-{n:05d}.md"
        p.write_text(document(n, rng), encoding="utf-8")
        paths.append(str(p))
    res: dict[str, object] = {"docs": docs, "repeat": repeat, "load_before": os.getloadavg()}
    res["full_build"], _ = run(proj, "build")
    ones = []
    for p in paths[:repeat]:  # a fresh one-paragraph document each time
        seconds, res["ingest_one_said"] = run(proj, "ingest", p)
        ones.append(seconds)
    res["ingest_one_runs"] = ones
    res["ingest_one"] = statistics.median(ones)
    # Chinese documents (every n % 3 == 2) cost more: jieba segments them.
    res["ingest_one_zh_runs"] = [t for n, t in enumerate(ones) if n % 3 == 2]
    res["ingest_noop"], res["ingest_noop_said"] = run(proj, "ingest", paths[repeat - 1])
    res["ingest_batch"], said = run(proj, "ingest", *paths[repeat:])
    cut = said.find(" to the build in ")  # the list of 1,000 ids says little; keep the time
    res["ingest_batch_said"] = said if cut < 80 else said[:60] + " …" + said[cut:]
    res["full_build_after"], _ = run(proj, "build")
    res["load_after"] = os.getloadavg()
    return res


def render(r: dict[str, object]) -> str:
    def s(key: str) -> str:
        return f"{float(r[key]):.1f} s"  # type: ignore[arg-type]

    ones = [float(x) for x in r["ingest_one_runs"]]  # type: ignore[attr-defined]
    ratio = float(r["ingest_one"]) / float(r["full_build"])  # type: ignore[arg-type]
    batch_ratio = float(r["ingest_batch"]) / float(r["full_build_after"])  # type: ignore[arg-type]
    return "\n".join(
        [
            START,
            "",
            "| step (wall clock, `regimekg` in a child process) | time | vs. full build |",
            "|---|---|---|",
            f"| full `regimekg build` of the bundled project | {s('full_build')} | 1 |",
            f"| `ingest` one small document into that build (incremental; median of "
            f"{len(ones)}, range {min(ones):.1f}–{max(ones):.1f} s) | {s('ingest_one')} "
            f"| {ratio:.2f} |",
            *_zh_row(r),
            f"| the same `ingest` again (nothing changed) | {s('ingest_noop')} | "
            f"{float(r['ingest_noop']) / float(r['full_build']):.2f} |",  # type: ignore[arg-type]
            f"| one `ingest` of {r['docs']} generated documents (incremental) | "
            f"{s('ingest_batch')} | {batch_ratio:.2f} of the rebuild below |",
            f"| full `regimekg build` with those {r['docs']} documents | {s('full_build_after')} "
            "| 1 |",
            "",
            f"Command: `python -m benchmarks.ingest --docs {r['docs']} --repeat "
            f"{len(ones)}`. Load average (1, 5, 15 min) {_load(r['load_before'])} before, "
            f"{_load(r['load_after'])} after; machine load varies (two CPUs shared): compare "
            "ratios rather than seconds.",
            "",
            END,
        ]
    )


def _zh_row(r: dict[str, object]) -> list[str]:
    """The Chinese documents among the one-document ingests, as a row of their own."""
    zh = [float(x) for x in r.get("ingest_one_zh_runs") or []]  # type: ignore[attr-defined]
    if not zh:
        return []
    ratio = statistics.median(zh) / float(r["full_build"])  # type: ignore[arg-type]
    return [
        f"| of those, the Chinese documents (median of {len(zh)}, range "
        f"{min(zh):.1f}–{max(zh):.1f} s) | {statistics.median(zh):.1f} s | {ratio:.2f} |"
    ]


def _load(avg: object) -> str:
    return " / ".join(f"{x:.1f}" for x in avg)  # type: ignore[attr-defined]


def write_doc(text: str, path: Path) -> None:
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if START in old and END in old:
        new = old[: old.index(START)] + text + old[old.index(END) + len(END) :]
    else:
        new = old.rstrip() + "\n\n" + text + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.ingest", description=__doc__)
    p.add_argument("--docs", type=int, default=1000, help="documents in the batch ingest")
    p.add_argument("--repeat", type=int, default=7, help="one-document ingests to time")
    p.add_argument("--work", help="work directory (default: a temporary one)")
    p.add_argument("--doc", help="markdown file whose ingest block to replace")
    args = p.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="regimekg-ingest-bench-"))
    res = measure(args.docs, work, max(1, args.repeat))
    print(json.dumps(res, indent=2, ensure_ascii=False))
    text = render(res)
    print(text)
    if args.doc:
        write_doc(text, Path(args.doc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
