"""Named questions: ``queries/<slug>.rq`` files and their comment headers.

A question is a plain SPARQL 1.1 file, so it runs unchanged in any SPARQL tool; what the
query layer needs to know about it lives in ``#`` comment headers at the top::

    # title-en: Which AI-governance bodies does an actor belong to?
    # title-zh: 某一行为体参与了哪些人工智能治理机制？
    # description: Every membership of the actor, with role and period.
    # description-zh: 该行为体的全部成员身份，含角色与起止时间。
    # param actor: entity (default china) — the state or organisation to look up
    # column forum: en=Body zh=机制
    # example: --param actor=中国 --lang zh

``param`` types are ``entity`` (IRI, slug, or a label/alias/acronym in either language;
``entity:KIND`` accepts only IRIs ``id/KIND/…``, e.g. ``entity:bindingness``),
``entities`` (a comma-separated list of such names, e.g. ``g7, gpai, 经合组织人工智能原则``; an
``entities:KIND`` list qualifies like ``entity:KIND``), ``date`` (``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``, typed with its own precision), ``asof`` (the same forms, bound as the
``xsd:date`` of the last day they name, the day :func:`regimekg.asof.resolve` gives ``--as-of``,
for comparing with ``rkg:knownFrom`` / ``rkg:knownUntil``), ``string`` and ``integer``. A
parameter without ``(default …)`` is required.

An ``entities`` list reaches the query as one string literal holding the resolved IRIs, each in
angle brackets (``"<…/g7> <…/gpai>"``), so it is bound like any other value and never pasted
into the query text; the query tests membership with
``CONTAINS(?list, CONCAT("<", STR(?x), ">"))``, which is exact because an IRI cannot contain
``<``, ``>`` or a space. Names in a list's *default* that the graph does not hold are left out
(a default can name the full set a question is about while a small graph holds only part of
it); names a user gives must all resolve.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..namespaces import is_slug

PARAM_TYPES = ("entity", "entities", "date", "asof", "string", "integer")
LANGS = ("en", "zh")

_HEADER = re.compile(r"^#\s*([a-z][a-z-]*)(?:\s+([A-Za-z_][A-Za-z0-9_]*))?\s*:\s?(.*)$")
_PARAM = re.compile(
    r"^(?P<type>[a-z]+)(?::(?P<kind>[a-z0-9]+(?:-[a-z0-9]+)*))?"
    r"\s*(?:\((?:default\s+(?P<default>[^)]*)|(?P<required>required))\))?"
    r"\s*(?:(?:—|--|-|:)\s*(?P<doc>.*))?$"
)
_COLUMN = re.compile(r"(en|zh)=(.*?)(?=\s+(?:en|zh)=|$)")


@dataclass(frozen=True)
class Param:
    """One ``# param`` header."""

    name: str
    type: str
    default: str | None = None
    doc: str = ""
    kind: str | None = None
    """For ``entity:KIND``: only IRIs ``id/KIND/…`` qualify (e.g. ``entity:bindingness``), which
    keeps a vocabulary term apart from a glossary entry with the same name."""

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass
class NamedQuery:
    """A parsed ``.rq`` file."""

    name: str
    path: Path
    text: str
    title: dict[str, str]
    description: dict[str, str]
    params: list[Param] = field(default_factory=list)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    example: list[str] = field(default_factory=list)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def column_title(self, column: str, lang: str) -> str:
        """Header of *column* in *lang*, falling back to the other language, then its name."""
        titles = self.columns.get(column, {})
        other = "zh" if lang == "en" else "en"
        return titles.get(lang) or titles.get(other) or column

    def example_args(self) -> tuple[dict[str, str], str]:
        """Parameters and language of the ``# example:`` header (defaults when absent)."""
        params: dict[str, str] = {}
        lang = "en"
        args = list(self.example)
        while args:
            a = args.pop(0)
            if a == "--param" and args:
                k, _, v = args.pop(0).partition("=")
                params[k] = v
            elif a == "--lang" and args:
                lang = args.pop(0)
        return params, lang


def _param(where: str, arg: str, value: str) -> Param:
    """One ``# param NAME: TYPE (default VALUE) — text`` header, or a :class:`UserError`
    that shows the expected form."""
    pm = _PARAM.match(value)
    if not arg or not pm or pm.group("type") not in PARAM_TYPES:
        raise UserError(
            f"{where}: write `# param NAME: TYPE (default VALUE) — text` with TYPE one "
            f"of {', '.join(PARAM_TYPES)}."
        )
    if pm.group("kind") and pm.group("type") not in ("entity", "entities"):
        raise UserError(f"{where}: only entity and entities parameters take a kind (entity:KIND).")
    default = pm.group("default")
    return Param(
        arg,
        pm.group("type"),
        None if default is None else default.strip(),
        (pm.group("doc") or "").strip(),
        pm.group("kind"),
    )


def _headers(path: Path, text: str) -> Iterator[tuple[str, str, str, str]]:
    """``(key, argument, value, where)`` of each header in the leading comment block: the
    headers end at the first line that is neither blank nor a comment."""
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return
        m = _HEADER.match(stripped)
        if m:
            yield m.group(1), m.group(2), m.group(3).strip(), f"{path} line {n}"


def parse(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its headers; a malformed header is a :class:`UserError`."""
    name = path.stem
    if not is_slug(name):
        raise UserError(f"{path}: query file names are lowercase hyphenated slugs; rename it.")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"{path} cannot be read as UTF-8 ({e}); fix or remove it.") from None
    title: dict[str, str] = {}
    description: dict[str, str] = {}
    params: list[Param] = []
    columns: dict[str, dict[str, str]] = {}
    example: list[str] = []
    for key, arg, value, where in _headers(path, text):
        if key in ("title-en", "title-zh"):
            title[key[-2:]] = value
        elif key in ("description", "description-zh"):
            description["zh" if key.endswith("-zh") else "en"] = value
        elif key == "param":
            params.append(_param(where, arg, value))
        elif key == "column":
            if not arg:
                raise UserError(f"{where}: write `# column NAME: en=… zh=…`.")
            columns[arg] = {lang: v.strip() for lang, v in _COLUMN.findall(value)}
        elif key == "example":
            try:
                example = shlex.split(value)
            except ValueError as e:
                raise UserError(f"{where}: the example is not valid shell words ({e}).") from None
    for lang in LANGS:
        if not title.get(lang):
            raise UserError(f"{path}: add a `# title-{lang}:` header.")
    if not description.get("en"):
        raise UserError(f"{path}: add a `# description:` header saying what the query answers.")
    return NamedQuery(name, path, text, title, description, params, columns, example)


def load_dir(directory: Path) -> dict[str, NamedQuery]:
    """Every named query in *directory* (not its ``qc/`` sub-folder), by name."""
    if not directory.is_dir():
        raise UserError(f"No queries folder at {directory}: pass --root with a regimekg checkout.")
    return {p.stem: parse(p) for p in sorted(directory.glob("*.rq"))}
