"""First content of the offline viewer and the time to draw paper figures, on a real build.

    python -m benchmarks.viewer [--root PROJECT] [--runs 7]

Exports the viewer (``--format html``) from the project's build, opens it ``--runs`` times in
headless Chromium (Debian chromium, chromium-driver) and reports the median and worst
*first content* (Element Timing of the exported preview picture, ``data-first-content``) and
*interactive* (Cytoscape's first render, ``data-interactive``), both ``performance.now()``
milliseconds from navigation start; then times ``regimekg export`` of three figures as a user
runs them (a fresh process each, so start-up and reading the store are included). Reports
numbers; it asserts nothing (the tests never assert wall-clock time).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from regimekg.export import export
from regimekg.paths import Project, find_root

FIGURES = (
    ("png", ["--ego", "G7", "--lang", "zh"]),
    ("svg", ["--members-of", "G7"]),
    ("pdf", ["--top", "25", "--by", "betweenness"]),
)


def viewer_times(page: Path, runs: int) -> list[tuple[float, float]]:
    """``(first content, interactive)`` in ms for each opening of *page*."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.test_viewer import load, open_browser

    out = []
    driver = open_browser(1600, 1000)
    try:
        for _ in range(runs):
            load(driver, page)
            first = None
            for _ in range(50):
                first = driver.execute_script("return document.body.dataset.firstContent")
                if first:
                    break
                time.sleep(0.05)
            live = driver.execute_script("return document.body.dataset.interactive")
            out.append((float(first or "nan"), float(live or "nan")))
    finally:
        driver.quit()
    return out


def figure_times(root: Path, work: Path) -> list[tuple[str, float]]:
    """Wall-clock seconds of ``regimekg export`` for each of :data:`FIGURES`."""
    out = []
    for fmt, args in FIGURES:
        target = work / f"figure.{fmt}"
        cmd = ["regimekg", "--root", str(root), "export", "--format", fmt, *args, "-o", str(target)]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        out.append((" ".join(cmd[3:-2]), time.perf_counter() - start))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=None, help="project with a build")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    root = args.root or find_root(None)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        page = export(Project(root), "html", work / "viewer.html", lang="en")
        print(f"export --format html: {time.perf_counter() - start:.1f} s")
        times = viewer_times(page, args.runs)
        firsts, lives = [t[0] for t in times], [t[1] for t in times]
        print(
            f"viewer first content: median {statistics.median(firsts):.0f} ms, "
            f"worst {max(firsts):.0f} ms; interactive: median {statistics.median(lives):.0f} ms, "
            f"worst {max(lives):.0f} ms ({args.runs} openings)"
        )
        for what, secs in figure_times(root, work):
            print(f"{what}: {secs:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
