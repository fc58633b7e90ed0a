"""``regimekg metrics``: compute on a build at a date, write the CSV files, return the report."""

from __future__ import annotations

from pathlib import Path

from .. import asof, dates, store, vocab
from ..errors import UserError
from ..paths import Project
from .dictionary import FORMATS
from .measures import metrics_at
from .read import oxigraph_select
from .reporting import report
from .tabular import write_csv


def csv_dir_for(build_dir: Path, as_of: str | None) -> Path:
    """``build/metrics/`` for the whole graph, ``build/metrics/<as_of>/`` for a slice."""
    base = build_dir / "metrics"
    return base if as_of is None else base / dates.normalise(as_of)


def run(
    project: Project,
    *,
    as_of: str | None = None,
    fmt: str = "table",
    lang: str = "en",
    build: str | Path | None = None,
) -> str:
    """``regimekg metrics``: compute on the build at *as_of*, write CSV, return the report.

    *build* is the build directory to read (default ``build/``), as ``--build`` gives it.
    """
    if fmt not in FORMATS:
        raise UserError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    asof.resolve(as_of)  # fail on a bad date before opening anything
    build_dir = project.build_dir(build)
    st = store.open_store(build_dir)
    try:
        with vocab.using(project):
            m = metrics_at(oxigraph_select(st), as_of)
    finally:
        del st
    out = csv_dir_for(build_dir, as_of)
    try:
        write_csv(m, out)
    except OSError as e:
        raise UserError(
            f"Cannot write the metrics CSV files into {out}: {e.strerror or e}; check that the "
            "build directory is writable."
        ) from None
    with vocab.using(project):
        return report(m, fmt=fmt, lang=lang, info=store.read_info(build_dir), csv_dir=out)
