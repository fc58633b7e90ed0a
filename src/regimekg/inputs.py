"""Bounded parsing of everything regimekg reads: text, YAML, JSON and XML (DESIGN §9).

Every reader (sources, curated files, column mappings, ingested documents and tables, files
given to ``regimekg validate``) goes through this module, so one place decides what a parser
may do with untrusted bytes. Each check refuses *before* the expensive step it protects:

* **Text** is strict UTF-8 without a byte-order mark, with no NUL byte anywhere in the file
  (binary content) and no C0/C1 control character other than tab, line feed and carriage
  return: such a character in a label would make the GraphML/GEXF exports invalid XML and,
  printed to a terminal, could rewrite the screen (ANSI escape sequences).
* **YAML** is read by a SafeLoader subclass that refuses anchors and aliases (no curated file,
  manifest or mapping uses them, and an alias "bomb" of a few hundred bytes expands into
  gigabytes), merge keys, duplicate keys (YAML would silently keep the last one) and control
  characters that arrive through escapes (``"\\e"``). Anchors and aliases are found in the
  event stream, before a node is composed, so a bomb is refused after reading its first
  alias.
* **JSON** is scanned without recursion for its nesting depth before it is decoded: a deeply
  nested document would otherwise end in a ``RecursionError``.
* **XML** is run through defusedxml's expat reader over the *whole* input (in whatever
  encoding expat decodes it), which refuses every DTD entity declaration at the point it is
  declared, so no entity is ever expanded and no external entity is ever fetched. rdflib's
  RDF/XML and TriX parsers use the same expat reader through ``xml.sax`` and expand internal
  entities themselves, so they run only on bytes this check has accepted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

import yaml

from .errors import UserError

# ------------------------------------------------------------------------------ text

#: C0 and C1 control characters and DEL, except tab, line feed and carriage return.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NEWLINE = b"\n"


def describe_char(ch: str) -> str:
    """``U+001B (ESCAPE)``: a character named the way a curator can search for it."""
    name = unicodedata.name(ch, "") or {
        "\x00": "NUL",
        "\x1b": "ESCAPE",
        "\x7f": "DELETE",
    }.get(ch, "control character")
    return f"U+{ord(ch):04X} ({name})"


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of *index* in *text*."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def check_controls(text: str, where: str) -> None:
    """Refuse *text* (a whole file) if it holds a control character, naming the line."""
    m = CONTROL.search(text)
    if m:
        line, col = _position(text, m.start())
        raise UserError(
            f"{where} line {line} column {col} contains the control character "
            f"{describe_char(m.group())}, which a label or document must not hold: remove it "
            "(it can hide terminal escape sequences and makes exports invalid)."
        )


def check_value(value: str, where: str) -> None:
    """Refuse one decoded value (a cell, a JSON string) holding a control character."""
    m = CONTROL.search(value)
    if m:
        raise UserError(
            f"{where} contains the control character {describe_char(m.group())}: remove it "
            "from the value (it can hide terminal escape sequences and makes exports invalid)."
        )


def decode_text(data: bytes, where: str) -> str:
    """Decode *data* as UTF-8 text or raise a :class:`UserError` naming *where* and the fix.

    The whole file is checked, not a prefix: a NUL byte anywhere means binary content (or
    UTF-16), and so does any other control character.
    """
    if not data.strip():
        raise UserError(f"{where} is empty: add the document's text or remove it from the list.")
    nul = data.find(b"\x00")
    if nul >= 0:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            hint = "it looks like UTF-16"
        else:
            hint = f"it is binary: a NUL byte on line {data.count(NEWLINE, 0, nul) + 1}"
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
    check_controls(text, where)
    return text


# ------------------------------------------------------------------------------ YAML

_MERGE_TAG = "tag:yaml.org,2002:merge"
#: Deepest nesting of YAML collections accepted (curated records are four levels deep).
MAX_YAML_DEPTH = 64


class _StrictConstructor:
    """Constructor overrides shared by the pure-Python and the libyaml loaders."""

    where: str = "The YAML file"

    def _line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1

    def construct_scalar(self, node: yaml.ScalarNode) -> Any:
        value = super().construct_scalar(node)  # type: ignore[misc]
        if isinstance(value, str):
            check_value(value, f"{self.where} line {self._line(node)}")
        return value

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                raise UserError(
                    f"{self.where} line {self._line(key_node)}: YAML merge keys (<<) are not "
                    "allowed; write the fields out in the record."
                )
        super().flatten_mapping(node)  # type: ignore[misc]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node)  # type: ignore[attr-defined]
            line = self._line(key_node)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the constructor itself reports it
                continue
            if first is not None:
                raise UserError(
                    f"{self.where} line {line}: the key {repr(key)[:80]} appears twice in one "
                    f"mapping (first at line {first}), and YAML would silently keep only the last; "
                    "remove or rename one of them."
                )
            seen[key] = line
        return super().construct_mapping(node, deep)  # type: ignore[misc]


class StrictSafeLoader(_StrictConstructor, yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader with the checks of :class:`_StrictConstructor`, and a
    nesting limit: its composer recurses once per level and would end in a RecursionError
    (libyaml stops at 1,000 levels by itself)."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise UserError(
                    f"{self.where} line {mark.line + 1}: YAML nested more than "
                    f"{MAX_YAML_DEPTH} levels deep is refused; flatten the structure."
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class StrictCSafeLoader(_StrictConstructor, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's SafeLoader (when PyYAML was built with it) with the same checks: the curated
    files are parsed on every build and the pure-Python parser spends seconds on them."""


def _yaml_syntax_error(where: str, e: yaml.YAMLError) -> UserError:
    mark = getattr(e, "problem_mark", None)
    place = f"{where} line {mark.line + 1}" if mark is not None else where
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    return UserError(f"{place}: malformed YAML ({problem}); fix the syntax there.")


#: Where an anchor (``&a``) or alias (``*a``) token can start; a superset, never a miss.
_ANCHOR_TOKEN = re.compile(r"(?:^|[\s\[{,:?])[&*]")


def _refuse_anchors(text: str, where: str, loader_class: type) -> None:
    """Refuse the first anchor (``&a``) or alias (``*a``), reading events only.

    An anchor or alias token is a ``&`` or ``*`` at the start of the text, after whitespace or
    after an indicator (``[``, ``{``, ``,``, ``:``, ``?``); a file without one ("R&D" in a
    quote does not count) skips this pass, as most curated files do. The events are read one
    at a time and nothing is composed, so an alias bomb stops at its first anchor.
    """
    if not _ANCHOR_TOKEN.search(text):
        return
    try:
        scanner = loader_class(text)
    except yaml.YAMLError as e:  # the reader refuses some characters up front
        raise _yaml_syntax_error(where, e) from None
    try:
        while scanner.check_event():
            event = scanner.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
                raise UserError(
                    f"{where} line {event.start_mark.line + 1}: YAML {kind}{event.anchor} is not "
                    "allowed (anchors and aliases can expand a small file into gigabytes); "
                    "write the value out in full."
                )
    except yaml.YAMLError as e:
        raise _yaml_syntax_error(where, e) from None
    finally:
        scanner.dispose()


def compose_yaml(text: str, where: str, *, fast: bool = False) -> tuple[yaml.Node | None, Any]:
    """The root node (for line numbers) and the data of one YAML document, checked.

    *fast* uses libyaml's parser when PyYAML has it. Errors name *where* and the line.
    """
    loader_class = StrictCSafeLoader if fast else StrictSafeLoader
    _refuse_anchors(text, where, loader_class)
    try:
        loader = loader_class(text)
    except yaml.YAMLError as e:  # the reader refuses some characters up front
        raise _yaml_syntax_error(where, e) from None
    loader.where = where
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        raise _yaml_syntax_error(where, e) from None
    except ValueError as e:  # an unquoted date that does not exist (2023-02-30)
        raise yaml_value_error(where, text, e) from None
    finally:
        loader.dispose()
    return node, data


def load_yaml(path: Path, *, fast: bool = False) -> Any:
    """Read and parse a YAML file with every check of this module.

    *fast* parses with libyaml (``sources.yaml`` after a 1,000-document ingest took seconds
    in the pure-Python parser); a file it refuses is parsed again by the pure-Python one, so
    the error message is the same either way.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path} is missing.") from None
    text = decode_text(raw, str(path))
    if fast:
        with contextlib.suppress(UserError):
            return compose_yaml(text, str(path), fast=True)[1]
    return compose_yaml(text, str(path))[1]


_UNQUOTED_DATE = re.compile(r"(?<![\w'\"\-.])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w'\"\-:])")


def yaml_value_error(where: str | Path, text: str, error: ValueError) -> UserError:
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
                    f"{where} line {n}: {m.group(0)} is not a real date ({error}); fix the date "
                    "and write it in quotes, as 'YYYY-MM-DD'."
                )
    return UserError(f"{where}: a value cannot be read ({error}); fix it.")


# ------------------------------------------------------------------------------ JSON

#: Deepest nesting of arrays and objects accepted. regimekg's own tables are two levels
#: deep and JSON-LD documents rarely pass ten; Python's decoder fails at about a thousand.
MAX_JSON_DEPTH = 64

#: A JSON string (unrolled so that it never backtracks) or one bracket.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


def check_json_depth(text: str, where: str, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than *limit*, counting brackets outside strings (no recursion)."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        if tok in "[{":
            depth += 1
            if depth > limit:
                line, col = _position(text, m.start())
                raise UserError(
                    f"{where} line {line} column {col}: JSON nested more than {limit} levels "
                    "deep is refused; flatten the structure."
                )
        elif tok in "]}":
            depth -= 1


def parse_json(text: str, where: str) -> Any:
    """Decode JSON after :func:`check_json_depth`; a syntax error names line and column."""
    check_json_depth(text, where)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UserError(
            f"{where} line {e.lineno} column {e.colno}: malformed JSON ({e.msg}); fix the file."
        ) from None


# ------------------------------------------------------------------------------ XML


class _Refusal(Exception):
    """Carries a finished message out of the expat callbacks."""


@cache
def _guard_parser_class() -> type:
    """The guard parser class, built on first use (defusedxml is imported only for XML)."""
    from defusedxml.expatreader import DefusedExpatParser

    class _GuardParser(DefusedExpatParser):
        """defusedxml's expat reader, refusing every entity declaration with a precise message."""

        def __init__(self, where: str) -> None:
            super().__init__(forbid_dtd=False, forbid_entities=True, forbid_external=True)
            self.where = where

        def defused_entity_decl(
            self,
            name: str,
            is_parameter_entity: bool,
            value: str | None,
            base: str | None,
            sysid: str | None,
            pubid: str | None,
            notation_name: str | None,
        ) -> None:
            place = f"{self.where} line {self.getLineNumber()}"
            if is_parameter_entity or sysid or pubid:
                kind = "parameter" if is_parameter_entity else "external"
                raise _Refusal(
                    f"{place}: the DTD declares the {kind} entity {name!r}, which regimekg never "
                    "loads; remove the entity (and write its text where it is used)."
                )
            if value is not None and ("&" in value or "%" in value):
                raise _Refusal(
                    f"{place}: the DTD entity {name!r} expands other entities (an entity-expansion "
                    "bomb); write the text out instead of nesting entities."
                )
            raise _Refusal(
                f"{place}: the DTD declares the entity {name!r}, and regimekg never expands XML "
                f"entities; write its text out where &{name}; is used (or save the file as Turtle)."
            )

        def defused_unparsed_entity_decl(self, name: str, *args: Any) -> None:
            self.defused_entity_decl(name, False, None, None, "unparsed", None, None)

        def defused_external_entity_ref_handler(self, *args: Any) -> int:
            """Skip an external DTD subset (``<!DOCTYPE r SYSTEM "…">``) without reading it.

            Only the external subset gets here: every external entity was refused where it was
            declared. Returning 1 tells expat to carry on without loading anything.
            """
            return 1

    return _GuardParser


def check_xml(data: bytes, where: str) -> None:
    """Parse the whole of *data* with expat, refusing any DTD entity; nothing is expanded.

    Expat reads the encoding from the byte-order mark or XML declaration (UTF-8, UTF-16, …),
    exactly as it will when rdflib parses the same bytes afterwards.
    """
    from defusedxml import DefusedXmlException

    parser = _guard_parser_class()(where)
    parser.setContentHandler(ContentHandler())
    try:
        parser.parse(io.BytesIO(data))
    except _Refusal as e:
        raise UserError(str(e)) from None
    except SAXParseException as e:
        raise UserError(
            f"{where} line {e.getLineNumber()}: cannot be parsed as XML ({e.getMessage()}); "
            "fix the file."
        ) from None
    except DefusedXmlException as e:  # pragma: no cover - every kind is handled above
        raise UserError(f"{where}: refused ({e}); remove the DTD.") from None
