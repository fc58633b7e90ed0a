"""The source manifest (``data/sources/sources.yaml``) and the texts it names.

Offsets everywhere in the graph are code-point offsets into the text returned here, so the
text is decoded exactly once, strictly as UTF-8, and never rewritten: OCR debris stays in
the stored text and matching code normalises its own copies instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UserError
from .inputs import decode_text as decode_utf8
from .inputs import load_yaml
from .namespaces import is_slug
from .paths import Project

REQUIRED = ("id", "file", "sha256", "lang", "kind", "loader", "title")
LANGS = ("en", "zh")
LOADERS = ("journal", "article", "table")

#: Largest source document accepted (bytes). The loaders keep several per-character copies of
#: a text and take about 8 s per MB, so a larger file would hold a build for minutes and use
#: gigabytes; it is refused before it is read instead. The bundled journal issue is 0.3 MB.
MAX_SOURCE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """One document listed in ``sources.yaml``."""

    id: str
    path: Path
    sha256: str
    lang: str
    kind: str
    loader: str
    title: dict[str, str]
    authors: tuple[dict[str, str], ...] = ()
    date: str | None = None
    publication: dict[str, str] | None = None
    issue: str | None = None
    note: str | None = None
    mapping: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def read_text(self) -> str:
        """The document's text, checked against the manifest's hash."""
        return read_checked(self.path, self.sha256, self.id)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_size(path: Path, where: str) -> None:
    """Refuse a document over :data:`MAX_SOURCE_BYTES` before reading it (bounded memory)."""
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise UserError(
            f"{where} is {size / 2**20:.1f} MB, over the {MAX_SOURCE_BYTES / 2**20:.0f} MB limit "
            "for one document: split it into several documents (e.g. one per chapter) and list "
            "each one."
        )


def read_checked(path: Path, sha256: str | None, source_id: str) -> str:
    """Read a source file, verifying existence, size, hash and encoding."""
    if not path.is_file():
        raise UserError(
            f"Source {source_id!r}: file {path} is missing; restore it or remove the entry "
            f"from sources.yaml."
        )
    check_size(path, f"Source {source_id!r} ({path.name})")
    data = path.read_bytes()
    if sha256 is not None:
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise UserError(
                f"Source {source_id!r}: {path.name} has sha256 {actual[:12]}… but sources.yaml "
                f"says {sha256[:12]}…; if the change is intended, update its sha256."
            )
    return decode_utf8(data, f"Source {source_id!r} ({path.name})")


def load_manifest(project: Project) -> list[Source]:
    """All sources listed in ``sources.yaml``, validated (but texts not yet read)."""
    path = project.sources_yaml
    records = load_yaml(path, fast=True)
    if not isinstance(records, list):
        raise UserError(f"{path} must be a YAML list of sources, one per document.")
    seen: set[str] = set()
    out: list[Source] = []
    for n, rec in enumerate(records, 1):
        where = f"{path} record {n}"
        if not isinstance(rec, dict):
            raise UserError(f"{where} is not a mapping: each source is `- id: …` with its fields.")
        missing = [k for k in REQUIRED if not rec.get(k)]
        if missing:
            raise UserError(f"{where} ({rec.get('id', '?')}) lacks {', '.join(missing)}.")
        sid = str(rec["id"])
        if not is_slug(sid):
            raise UserError(f"{where}: id {sid!r} is not a lowercase hyphenated slug.")
        if sid in seen:
            raise UserError(f"{where}: duplicate source id {sid!r}; ids must be unique.")
        seen.add(sid)
        if rec["lang"] not in LANGS:
            raise UserError(f"{where} ({sid}): lang must be one of {', '.join(LANGS)}.")
        if rec["loader"] not in LOADERS:
            raise UserError(f"{where} ({sid}): loader must be one of {', '.join(LOADERS)}.")
        known = {f for f in Source.__dataclass_fields__ if f not in ("path", "extra")} | {"file"}
        out.append(
            Source(
                id=sid,
                path=project.sources_dir / str(rec["file"]),
                sha256=str(rec["sha256"]),
                lang=str(rec["lang"]),
                kind=str(rec["kind"]),
                loader=str(rec["loader"]),
                title=dict(rec["title"]),
                authors=tuple(rec.get("authors") or ()),
                date=None if rec.get("date") is None else str(rec["date"]),
                publication=rec.get("publication"),
                issue=rec.get("issue"),
                note=rec.get("note"),
                mapping=rec.get("mapping"),
                extra={k: v for k, v in rec.items() if k not in known},
            )
        )
    return out


def load_texts(sources: list[Source]) -> dict[str, str]:
    """Read every source's text (verifying hashes), keyed by source id."""
    return {s.id: s.read_text() for s in sources}
