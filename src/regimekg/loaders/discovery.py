"""Discovery of names the curated data does not know yet.

The documents introduce names in a few fixed ways, and each yields an alias pair or a
candidate entity:

* ``中文名（English Name, ACRONYM）`` and ``中文名（ACRONYM）`` → the Chinese name paired with
  the English name and/or acronym;
* ``English Name (ACRONYM)`` → name + acronym;
* ``《书名》`` → a document or instrument title;
* a quoted English title in body text (“Title Case Words”).

A discovered name that equals a curated name is not a candidate; its partners that are not
yet names of that entity become candidates with ``alias_of`` set (proposed aliases).
Nothing here asserts an entity: candidates are typed ``rkg:Candidate`` and reviewed by hand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import URIRef

from ..namespaces import RKG, iri, short_hash
from .mentions import Gazetteer

_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_PAREN = re.compile(r"[（(]([^（）()\n]{1,160})[）)]")
_BOOK = re.compile(r"《([^《》\n]{2,80})》")
_QUOTED = re.compile(r"[“\"]([A-Z][^“”\"\n]{3,150}?)[”\"]")
_ACR = re.compile(r"^[A-Z][A-Za-z0-9&\-./]{1,14}$")
_EN_WORD = re.compile(r"[A-Za-z][\w'’&.\-]*")
_SMALL = {"of", "for", "and", "the", "on", "in", "to", "de", "a", "an", "at", "by", "&", "with"}
#: Characters that end a Chinese name when reading backwards from a parenthesis.
_ZH_STOP = set("的或在由为是了将对从向被把等所即如并于")
#: Words that end a Chinese name read backwards ("根据经合组织…" → "经合组织…").
_ZH_STOP_WORDS = (
    "根据",
    "通过",
    "包括",
    "例如",
    "推动",
    "成立",
    "设立",
    "建立",
    "发布",
    "提出",
    "加入",
    "参与",
    "属于",
    "以及",
    "作为",
    "按照",
    "针对",
)
_PUNCT_KEEP = set("·・-")

#: Name endings that hint at an instrument type, for reviewers (never asserted).
_TYPE_HINTS: list[tuple[tuple[str, ...], str]] = [
    (("法案", "法", "条例", "Act", "Regulation"), "Law"),
    (("行政令", "Executive Order"), "ExecutiveOrder"),
    (("战略", "规划", "计划", "构想", "Strategy", "Plan"), "Strategy"),
    (("宣言", "Declaration"), "Declaration"),
    (("原则", "Principles"), "Principles"),
    (("建议", "建议书", "Recommendation"), "Recommendation"),
    (("公约", "条约", "Convention", "Treaty"), "Convention"),
    (("指南", "指引", "准则", "Guidelines", "Guidance"), "Guideline"),
    (("报告", "白皮书", "Report", "White Paper"), "Report"),
    (("标准", "Standard"), "Standard"),
]


def norm_key(name: str) -> str:
    """Normalised form of a name: NFKC, case-folded, letters and digits only."""
    s = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in s if ch.isalnum())


def candidate_iri(name: str) -> URIRef:
    """``id/candidate/{short hash of normalised name}`` (same name → same candidate)."""
    return iri("candidate", short_hash(norm_key(name) or name))


def suggest_type(name: str) -> URIRef | None:
    """An instrument class the name's ending suggests (a hint for reviewers)."""
    for endings, cls in _TYPE_HINTS:
        if any(name.endswith(e) for e in endings):
            return RKG[cls]
    return None


@dataclass
class Found:
    """A discovered name and the names found paired with it."""

    name: str
    start: int
    end: int
    pattern: str
    partners: list[Found] = field(default_factory=list)


def _is_acronym(s: str) -> bool:
    s = s.strip()
    return bool(_ACR.match(s)) and sum(c.isupper() for c in s) >= 2 and " " not in s


def _english_name(s: str) -> bool:
    words = _EN_WORD.findall(s)
    return len(words) >= 2 and s[:1].isupper() and not _CJK_CHAR.search(s)


def _zh_name_before(text: str, pos: int) -> tuple[int, int] | None:
    """Span of the Chinese name that ends at *pos* (reading back to a stop character)."""
    i = pos
    while i > 0 and pos - i < 24:
        ch = text[i - 1]
        name_char = _CJK_CHAR.match(ch) and ch not in _ZH_STOP
        joiner = ch in _PUNCT_KEEP and i > 1 and _CJK_CHAR.match(text[i - 2])
        if name_char or joiner:
            i -= 1
        elif ch.isascii() and ch.isalnum() and i < pos:
            i -= 1  # names such as "G7广岛进程" or "AI治理"
        else:
            break
    for w in _ZH_STOP_WORDS:
        k = text.rfind(w, i, pos)
        if k >= 0:
            i = max(i, k + len(w))
    while i < pos and not _CJK_CHAR.match(text[i]):
        i += 1
    return (i, pos) if pos - i >= 2 else None


def _english_before(text: str, pos: int, acronym: str) -> tuple[int, int] | None:
    """Span of the English name before ``(ACRONYM)`` that ends at *pos*.

    Reads back over space-separated words and keeps the longest tail that starts with a
    capitalised word beginning with the acronym's first letter.
    """
    j = pos
    while j > 0 and text[j - 1] == " ":
        j -= 1
    lo = max(0, j - 200)
    m = re.search(r"(?:[A-Za-z][\w'’&.\-]*[ ]){0,14}[A-Za-z][\w'’&.\-]*$", text[lo:j])
    if not m:
        return None
    toks = [(lo + m.start() + t.start(), t.group()) for t in _EN_WORD.finditer(m.group())]
    toks = toks[-(len(acronym) + 4) :]
    first = acronym[0].lower()
    for idx, (s, w) in enumerate(toks):
        if (
            w[0].isupper()
            and w[0].lower() == first
            and w.lower() not in _SMALL
            and len(toks) - idx >= 2
        ):
            return s, j
    return None


def _known_before(known: Gazetteer | None, text: str, lo: int, pos: int) -> tuple[int, int] | None:
    """Span of a curated name that ends exactly at *pos*, if any."""
    if known is None:
        return None
    hits = [m for m in known.find(text[lo:pos]) if lo + m.end == pos]
    return (lo + hits[-1].start, pos) if hits else None


#: Records a name found at ``(start, end)`` by a pattern, once per span (the first pattern
#: wins), and returns its :class:`Found`.
_Add = Callable[[int, int, str], Found]


def discover(
    text: str,
    start: int,
    end: int,
    *,
    titles: bool = True,
    known: Gazetteer | None = None,
) -> list[Found]:
    """Names introduced in ``text[start:end]`` (absolute offsets), in text order.

    With *known*, a Chinese name right before a parenthesis is taken as the curated name
    that ends there when there is one (美欧贸易和技术理事会（TTC）), else read back to a stop
    character.
    """
    span = text[start:end]
    found: dict[tuple[int, int], Found] = {}

    def add(s: int, e: int, pattern: str) -> Found:
        key = (s, e)
        if key not in found:
            found[key] = Found(text[s:e], s, e, pattern)
        return found[key]

    for m in _PAREN.finditer(span):
        parts = _parenthesised(m, start, add)
        if not parts:
            continue
        head = _head_before(text, start, start + m.start(), parts, known, add)
        if head is None:
            continue
        head.partners.extend(parts)
        for p in parts:
            p.partners.append(head)
            p.partners.extend(q for q in parts if q is not p)
    if titles:
        _titles(span, start, add)
    return sorted(found.values(), key=lambda f: (f.start, f.end))


def _parenthesised(m: re.Match[str], start: int, add: _Add) -> list[Found]:
    """The names inside one parenthesis: "English Name, ACRONYM", "ACRONYM" or "English
    Name" (nothing for Chinese or lowercase content, which introduces no alias)."""
    inner = m.group(1).strip()
    if _CJK_CHAR.search(inner) or not inner[:1].isalpha() or not inner[:1].isupper():
        return []
    i0 = start + m.start(1)
    comma = max(inner.rfind(", "), inner.rfind("，"))
    if comma > 0 and _is_acronym(inner[comma + 1 :].strip()):
        name, acr = inner[:comma].strip(), inner[comma + 1 :].strip()
        ns = i0 + m.group(1).index(name)
        as_ = i0 + m.group(1).rindex(acr)
        return [add(ns, ns + len(name), "zh-en-acronym"), add(as_, as_ + len(acr), "zh-en-acronym")]
    s = i0 + m.group(1).index(inner)
    if _is_acronym(inner):
        return [add(s, s + len(inner), "acronym")]
    if _english_name(inner) and len(inner) <= 120:
        return [add(s, s + len(inner), "zh-en")]
    return []


def _head_before(
    text: str, start: int, p0: int, parts: list[Found], known: Gazetteer | None, add: _Add
) -> Found | None:
    """The name the parenthesis at *p0* glosses: a 《title》, the Chinese name that ends there
    (a curated one first), or the English words an acronym abbreviates; ``None`` when the
    text before it names nothing (then the parenthesis pairs with nothing)."""
    before = text[p0 - 1] if p0 > 0 else ""
    if before == "》":
        b = text.rfind("《", max(start, p0 - 82), p0)
        return add(b + 1, p0 - 1, "zh-en") if b >= 0 else None
    if _CJK_CHAR.match(before or " "):
        zs = _known_before(known, text, max(start, p0 - 40), p0) or _zh_name_before(text, p0)
        return add(zs[0], zs[1], "zh-en") if zs and zs[0] >= start else None
    if before.isascii() and (before.isalnum() or before == " ") and len(parts) == 1:
        acr = parts[0].name
        es = _english_before(text, p0, acr) if _is_acronym(acr) else None
        if es and es[0] >= start:
            parts[0].pattern = "en-acronym"
            return add(es[0], es[1], "en-acronym")
    return None


def _titles(span: str, start: int, add: _Add) -> None:
    """《Book titles》 and quoted English titles ("Governing AI for Humanity") in *span*: names
    of documents, found without a partner."""
    for m in _BOOK.finditer(span):
        s = start + m.start(1)
        add(s, s + len(m.group(1)), "book-title")
    for m in _QUOTED.finditer(span):
        inner = m.group(1).strip().rstrip(",.;")
        words = [w for w in _EN_WORD.findall(inner) if w.lower() not in _SMALL]
        if len(words) < 2 or _CJK_CHAR.search(inner):
            continue
        if sum(w[0].isupper() for w in words) < 0.6 * len(words):
            continue
        s = start + m.start(1) + m.group(1).index(inner)
        add(s, s + len(inner), "quoted-title")
