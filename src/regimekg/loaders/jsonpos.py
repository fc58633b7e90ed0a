"""JSON with the character span of every value, and JSONPath over it.

An ingested JSON table is evidence, so each value the mapping reads needs its exact offsets
in the file (the row segment and the cells are quoted from it). :func:`parse` returns the
decoded data together with a span for every object, array and member; :func:`select` runs a
JSONPath expression (``jsonpath-ng``) on the data and gives back each match with its span,
found from the match's parent container and key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from jsonpath_ng import Fields, Index
from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
from jsonpath_ng.ext import parse as parse_path

from ..errors import UserError

_WS = " \t\r\n"


@dataclass
class Spans:
    """Where each container and each member of a parsed JSON text lies.

    ``containers`` maps ``id()`` of each dict/list to its (start, end); ``members`` maps
    (``id()`` of the container, key or index) to the (start, end) of that value.
    """

    containers: dict[int, tuple[int, int]]
    members: dict[tuple[int, Any], tuple[int, int]]


def parse(text: str) -> tuple[Any, Spans]:
    """Decode *text* (already checked for depth and validity) recording value spans."""
    dec = json.JSONDecoder()
    spans = Spans({}, {})

    def ws(k: int) -> int:
        while k < len(text) and text[k] in _WS:
            k += 1
        return k

    def value(k: int) -> tuple[Any, int]:
        k = ws(k)
        ch = text[k]
        if ch == "{":
            obj: dict[str, Any] = {}
            start, k = k, ws(k + 1)
            while text[k] != "}":
                key, k = dec.raw_decode(text, k)
                k = ws(ws(k) + 1)  # ':'
                vs = k
                v, k = value(k)
                obj[key] = v
                spans.members[(id(obj), key)] = (vs, k)
                k = ws(k)
                if text[k] == ",":
                    k = ws(k + 1)
            spans.containers[id(obj)] = (start, k + 1)
            return obj, k + 1
        if ch == "[":
            arr: list[Any] = []
            start, k = k, ws(k + 1)
            while text[k] != "]":
                vs = k
                v, k = value(k)
                spans.members[(id(arr), len(arr))] = (vs, k)
                arr.append(v)
                k = ws(k)
                if text[k] == ",":
                    k = ws(k + 1)
            spans.containers[id(arr)] = (start, k + 1)
            return arr, k + 1
        return dec.raw_decode(text, k)

    data, _ = value(0)
    return data, spans


def compile_path(expr: str, where: str) -> Any:
    """A JSONPath expression, or one sentence saying what is wrong with it."""
    try:
        return parse_path(expr)
    except (JsonPathLexerError, JsonPathParserError, Exception) as e:
        raise UserError(
            f"{where}: {expr!r} is not a JSONPath expression ({str(e).splitlines()[0]}); "
            "write it like $.data.items[*] or signatories[*].name."
        ) from None


@dataclass
class Hit:
    value: Any
    start: int
    end: int


def select(path: Any, data: Any, spans: Spans) -> list[Hit]:
    """Matches of a compiled *path* in *data*, each with its span in the text."""
    hits = []
    for m in path.find(data):
        span = None
        if m.context is not None:
            parent = m.context.value
            step = m.path
            key = step.fields[0] if isinstance(step, Fields) and step.fields else None
            if isinstance(step, Index) and len(step.indices) == 1:
                i = step.indices[0]
                key = i if i >= 0 else len(parent) + i
            span = spans.members.get((id(parent), key))
        if span is None:
            span = spans.containers.get(id(m.value))
        if span is None:
            continue  # a computed value (len(), a filter's result): nothing to quote
        hits.append(Hit(m.value, span[0], span[1]))
    return hits
