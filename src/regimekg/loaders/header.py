"""A document's metadata header: YAML front matter or leading ``# key: value`` lines.

Documents saved from the web start with where they came from (``# source: URL``,
``# retrieved: 2026-12-07``) or with YAML front matter between ``---`` lines. That is
metadata about the document, not its content: read as text it would become the title
("source: https://…"), headings, mentions and junk candidates. This module finds where the
header ends, so loaders start reading the body there, and turns its fields into the
source's metadata. The stored text is never rewritten: offsets of the body stay exact.

A ``# key: value`` line counts as header only in an unbroken run at the very start of the
file and only with a lowercase key (``source``, ``retrieved-via``), because a Markdown
heading such as ``# Introduction: why AI`` is content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from ..dates import DateError
from ..dates import normalise as normalise_date

_HASH_LINE = re.compile(r"#[ \t]*([a-z][a-z0-9_-]{0,30})[ \t]*:([^\r\n]*)(?:\r?\n|\Z)")
_FENCE = re.compile(r"---[ \t]*\r?\n")
_FENCE_END = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.M)

#: Header keys and the source field each one fills (first key present wins).
FIELDS: dict[str, tuple[str, ...]] = {
    "url": ("url", "source", "source-url", "link"),
    "title": ("title",),
    "date": ("date", "published", "issued"),
    "retrieved": ("retrieved", "accessed", "retrieved-on"),
    "lang": ("lang", "language"),
    "author": ("author", "authors", "creator"),
}


@dataclass(frozen=True)
class Header:
    """The header's fields (keys lowercased, values as strings) and where the body starts."""

    end: int = 0
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        """The value for a source field (``url``, ``title``, ``date`` …), from any synonym."""
        for key in FIELDS.get(name, (name,)):
            value = self.fields.get(key)
            if value:
                return value
        return None

    @property
    def lang(self) -> str | None:
        """``en`` or ``zh`` when the header names one of them (``zh-CN`` → ``zh``)."""
        value = (self.get("lang") or "").lower()
        for lang in ("en", "zh"):
            if value == lang or value.startswith(lang + "-"):
                return lang
        return None

    @property
    def date(self) -> str | None:
        """The document's own date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), if valid."""
        value = self.get("date")
        if not value:
            return None
        try:
            return normalise_date(value)
        except DateError:
            return None


def read_header(text: str) -> Header:
    """The metadata header at the start of *text* (an empty header when there is none)."""
    fence = _FENCE.match(text)
    if fence is not None:
        close = _FENCE_END.search(text, fence.end())
        if close is not None:
            try:
                data = yaml.safe_load(text[fence.end() : close.start()])
            except yaml.YAMLError:
                data = None
            if isinstance(data, dict):
                return Header(close.end(), _stringify(data))
    pos = 0
    fields: dict[str, str] = {}
    while pos < len(text):
        m = _HASH_LINE.match(text, pos)
        value = m.group(2).strip() if m is not None else ""
        if m is None or not value:
            break
        fields.setdefault(m.group(1), value)
        pos = m.end()
    return Header(pos, fields) if fields else Header()


def _stringify(data: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        out[str(key).strip().lower()] = str(value).strip()
    return out
