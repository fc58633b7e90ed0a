"""The source manifest (``data/sources/sources.yaml``) and the texts it names.

Offsets everywhere in the graph are code-point offsets into the text returned here, so the
text is decoded exactly once, strictly as UTF-8, and never rewritten: OCR debris stays in
the stored text and matching code normalises its own copies instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import UserError
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


def decode_utf8(data: bytes, where: str) -> str:
    """Decode *data* as UTF-8 or raise a :class:`UserError` naming *where* and the fix."""
    if not data.strip():
        raise UserError(f"{where} is empty: add the document's text or remove it from the list.")
    if b"\x00" in data[:4096]:
        hint = "it looks like UTF-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "it is binary"
        raise UserError(
            f"{where} is not UTF-8 text ({hint}): convert it to UTF-8, e.g. with `iconv -t UTF-8`."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        if e.reason == "unexpected end of data" and e.end == len(data):
            raise UserError(
                f"{where} line {line} ends in the middle of a character: the file looks "
                "truncated; restore the complete file (or re-download it)."
            ) from None
        raise UserError(
            f"{where} line {line} is not valid UTF-8 (byte 0x{data[e.start]:02x}; GBK or another "
            f"encoding?): convert the file to UTF-8, e.g. `iconv -f GBK -t UTF-8`."
        ) from None
    if text.startswith("\ufeff"):
        raise UserError(
            f"{where} starts with a byte-order mark: save it as UTF-8 without BOM "
            f"(offsets are counted from the first character)."
        )
    return text


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


def load_yaml(path: Path) -> Any:
    """Parse a YAML file, turning syntax errors into one sentence with the line number."""
    try:
        data = decode_utf8(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise UserError(f"{path} is missing.") from None
    try:
        return yaml.safe_load(data)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path} line {mark.line + 1}" if mark is not None else str(path)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise UserError(f"{where}: malformed YAML ({problem}); fix the syntax there.") from None
    except ValueError as e:
        raise yaml_value_error(path, data, e) from None


_UNQUOTED_DATE = re.compile(r"(?<![\w'\"\-.])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w'\"\-:])")


def yaml_value_error(path: Path, text: str, error: ValueError) -> UserError:
    """A YAML value that parsed but cannot be built, named by line.

    PyYAML turns an unquoted ``2023-02-30`` into a date object and fails with a bare
    ``ValueError`` ("day is out of range for month") that carries no position; the offending
    line is the first unquoted date that does not exist.
    """
    for n, line in enumerate(text.splitlines(), 1):
        for m in _UNQUOTED_DATE.finditer(line.split(" #", 1)[0]):
            try:
                dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return UserError(
                    f"{path} line {n}: {m.group(0)} is not a real date ({error}); fix the date "
                    "and write it in quotes, as 'YYYY-MM-DD'."
                )
    return UserError(f"{path}: a value cannot be read ({error}); fix it.")


def load_manifest(project: Project) -> list[Source]:
    """All sources listed in ``sources.yaml``, validated (but texts not yet read)."""
    path = project.sources_yaml
    records = load_yaml(path)
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
