"""Where a regimekg project keeps its files.

A project directory holds ``data/``, ``ontology/`` and ``queries/`` (the repository
itself, or a copy of it). Commands find it from ``--root``, then ``$REGIMEKG_ROOT``, then by
walking up from the current directory, and finally fall back to the checkout the package
was installed from, so ``regimekg`` works from any directory of a development install.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import UserError

_MARKER = Path("data") / "sources" / "sources.yaml"


def _looks_like_root(p: Path) -> bool:
    return (p / _MARKER).is_file() and (p / "ontology").is_dir()


def find_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the project directory, or raise a :class:`UserError` that says how to set it."""
    if explicit is not None:
        p = Path(explicit).resolve()
        if not _looks_like_root(p):
            raise UserError(
                f"{p} is not a regimekg project: it has no {_MARKER}; "
                "pass the directory of a regimekg checkout with --root."
            )
        return p
    env = os.environ.get("REGIMEKG_ROOT")
    if env:
        return find_root(env)
    cwd = Path.cwd().resolve()
    for p in (cwd, *cwd.parents):
        if _looks_like_root(p):
            return p
    here = Path(__file__).resolve()
    for p in here.parents:
        if _looks_like_root(p):
            return p
    raise UserError(
        "No regimekg project found here: run the command inside a regimekg checkout, "
        "or pass --root DIR (or set REGIMEKG_ROOT)."
    )


def asset_dir(name: str) -> Path:
    """Directory of a packaged asset (``ontology``, ``queries``) for installs without a checkout."""
    return Path(str(resources.files("regimekg") / "_assets" / name))


@dataclass(frozen=True)
class Project:
    """The files of one project directory, named in one place."""

    root: Path

    @property
    def sources_dir(self) -> Path:
        return self.root / "data" / "sources"

    @property
    def sources_yaml(self) -> Path:
        return self.sources_dir / "sources.yaml"

    @property
    def curated_dir(self) -> Path:
        return self.root / "data" / "curated"

    @property
    def mappings_dir(self) -> Path:
        """SSSOM mapping sets to other identifier systems (``wikidata.sssom.tsv``)."""
        return self.root / "data" / "mappings"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def ontology_ttl(self) -> Path:
        return self.ontology_dir / "regimekg.ttl"

    @property
    def ontology_owl(self) -> Path:
        return self.ontology_dir / "regimekg.owl"

    @property
    def shapes_dir(self) -> Path:
        return self.ontology_dir / "shapes"

    @property
    def vocab_dir(self) -> Path:
        return self.ontology_dir / "vocab"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def qc_dir(self) -> Path:
        return self.queries_dir / "qc"

    def build_dir(self, out: str | os.PathLike[str] | None = None) -> Path:
        return Path(out).resolve() if out is not None else self.root / "build"

    @property
    def own_dirs(self) -> tuple[Path, ...]:
        """The folders that hold the project itself: no output replaces or is written into
        them (``.git`` included, so a mistyped path cannot take the history with it)."""
        root = self.root.resolve()
        return (root / "data", root / "ontology", root / "queries", root / ".git")

    def check_output(
        self, path: Path, option: str, *, whole_dir: bool, shown: object = None
    ) -> None:
        """Refuse an output *path* that would replace or write into the project's own files.

        *whole_dir* outputs (a build, a CSV export) replace their whole directory, so they
        may be neither the project directory nor above it, nor one of :attr:`own_dirs`, above
        or inside one; a single output file may not lie inside one of :attr:`own_dirs`.
        Compared on resolved paths, so a symbolic link to one of them is refused too; the
        message shows *shown* (the path as the user typed it) when given.
        """
        out = Path(path).resolve()
        path = shown if shown is not None else path
        root = self.root.resolve()
        fix = "give a path outside the project's data/, ontology/, queries/ and .git"
        if whole_dir and (out == root or out in root.parents):
            raise UserError(
                f"{option} {path} is the project directory {root} or one above it, and this "
                "output replaces its whole directory; give a directory of its own such as build/."
            )
        for folder in self.own_dirs:
            inside = out == folder or out.is_relative_to(folder)
            if inside or (whole_dir and folder.is_relative_to(out)):
                raise UserError(
                    f"{option} {path} is or overlaps the project folder {folder}, which no "
                    f"output may replace or be written into; {fix}."
                )


def project(root: str | os.PathLike[str] | None = None) -> Project:
    """The :class:`Project` for *root* (or the one found by :func:`find_root`)."""
    return Project(find_root(root))
