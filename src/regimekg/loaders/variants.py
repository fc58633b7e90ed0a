"""Tolerant matching: a name written a little differently, and how sure the match is.

Documents seldom spell a title exactly as the curated label: "Recommendation *on the*
Ethics of AI" for "Recommendation *on* Ethics of AI", "Declaration *for* X" for
"Declaration *on* X", "AI Action Summit *2025*", "President Trump" for Donald Trump. The
exact matcher (:mod:`.mentions`) misses them; this module gives both the name and the text
a *loose key* in which such differences vanish, and scores what had to vanish:

* case and full/half width (NFKC), punctuation and spacing;
* linking words (``for``/``on``/``of``/``in``/``to``/``about``/``regarding`` are one
  token), articles (``the``/``a``/``an``) and ``and``/``&``;
* "Artificial Intelligence" and "AI"; a hyphen inside a word ("Co-operation" and
  "Cooperation" both match a name written either way);
* a year (``2025``, ``2025年``) anywhere in the name, so "X Summit 2025" and
  "2025 X Summit" both meet "X Summit";
* an honorific before (English) or after/before (Chinese) a person's name or surname
  ("President Trump", "Prime Minister Sunak", 特朗普总统, 习近平主席).

Latin words stay separate tokens in the key ("open ai" ≠ "openai"), so a variant never
joins or splits words. Confidence (recorded on the mention as ``rkg:matchConfidence``):

=====================================  ==========
exact ``rdfs:label``                   1.0
exact alias (``skos:altLabel``, acronym)  0.9
variant of a label / of an alias       0.85 / 0.8, minus 0.1 for each further kind of
                                       difference (linking word, article, year, punctuation, "AI")
honorific + full name / + surname      0.85 / 0.8
=====================================  ==========

A match below :data:`THRESHOLD` is not a mention: it becomes a candidate proposed as an
alias of the entity (``near-miss``), for a reviewer to accept or reject.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

#: Matches below this confidence are proposals (candidates), not mentions.
THRESHOLD = 0.7

EXACT_LABEL = 1.0
EXACT_ALIAS = 0.9
VARIANT_LABEL = 0.85
VARIANT_ALIAS = 0.8
HONORIFIC_FULL = 0.85
HONORIFIC_SURNAME = 0.8
PER_EXTRA_KIND = 0.1

LINK_WORDS = frozenset({"for", "on", "of", "in", "to", "about", "regarding", "concerning"})
ARTICLES = frozenset({"the", "a", "an"})
AND_WORDS = frozenset({"and", "&"})
_YEAR = re.compile(r"(?:19|20)\d\d$")

#: Titles written before an English name ("President Trump"); multi-word ones as tuples.
HONORIFICS_EN: tuple[tuple[str, ...], ...] = tuple(
    tuple(h.split())
    for h in (
        "president",
        "vice president",
        "former president",
        "prime minister",
        "premier",
        "chancellor",
        "secretary-general",
        "secretary general",
        "secretary of state",
        "secretary",
        "minister",
        "chairman",
        "chair",
        "commissioner",
        "senator",
        "governor",
        "ambassador",
        "mr",
        "mrs",
        "ms",
        "dr",
        "professor",
        "prof",
    )
)
#: Chinese titles, written after a name (特朗普总统) and, in news style, before it (总统特朗普).
HONORIFICS_ZH = (
    "国家主席",
    "主席",
    "总统",
    "副总统",
    "总理",
    "首相",
    "秘书长",
    "国务卿",
    "部长",
    "总书记",
    "先生",
    "女士",
    "教授",
)

_CJK = re.compile(r"[\u3400-\u9fff]")
_STOPS = frozenset(".!?;。！？；")


@dataclass(frozen=True)
class Loose:
    """The loose key of a text and, per key character, the source span it came from.

    ``events`` lists what was dropped or folded, with the source offset where it happened
    (kind, token, offset): kinds ``link``, ``article``, ``and``, ``year``, ``punct``,
    ``abbrev``.
    """

    key: str
    starts: list[int]
    ends: list[int]
    token_start: list[bool]
    events: list[tuple[str, str, int]]


def _chars(text: str) -> list[tuple[str, int]]:
    out = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            out.append((c.casefold(), i))
    return out


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Words of the NFKC/case-folded text with source spans: Latin/digit runs, single CJK
    characters, and single punctuation marks (``kind`` implied by the first character)."""
    chars = _chars(text)
    toks: list[tuple[str, int, int]] = []
    i = 0
    while i < len(chars):
        c, p = chars[i]
        if c.isspace():
            i += 1
            continue
        if c.isascii() and c.isalnum():
            j = i
            while j < len(chars) and chars[j][0].isascii() and chars[j][0].isalnum():
                j += 1
            toks.append(("".join(ch for ch, _ in chars[i:j]), p, chars[j - 1][1] + 1))
            i = j
            continue
        toks.append((c, p, p + 1))
        i += 1
    return toks


def loose(text: str) -> Loose:
    """The loose key of *text* (see the module docstring)."""
    key: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    tstart: list[bool] = []
    events: list[tuple[str, str, int]] = []
    toks = _tokens(text)
    prev_latin = False
    skip = 0
    for n, (tok, s, e) in enumerate(toks):
        if skip:
            skip -= 1
            continue
        latin = tok[0].isascii() and tok[0].isalnum()
        if tok == "artificial":
            # "Artificial Intelligence" (or "Artificial-Intelligence") and "AI" are one word
            # of this domain.
            nxt = [t for t, _, _ in toks[n + 1 : n + 3]]
            hop = 1 if nxt[:1] == ["intelligence"] else 2 if nxt == ["-", "intelligence"] else 0
            if hop:
                events.append(("abbrev", "ai", s))
                tok, e, skip = "ai", toks[n + hop][2], hop
        if latin and _YEAR.match(tok) and len(tok) == 4:
            events.append(("year", tok, s))
            continue
        if tok == "年" and n > 0 and _YEAR.match(toks[n - 1][0]) and toks[n - 1][2] == s:
            continue  # "2025年": the 年 goes with its year
        if tok in ARTICLES:
            events.append(("article", tok, s))
            continue
        if tok in AND_WORDS:
            events.append(("and", tok, s))
            continue
        if tok in LINK_WORDS:
            events.append(("link", tok, s))
            tok = "~"
        elif tok in _STOPS and (e >= len(text) or text[e].isspace() or tok in "。！？；"):
            # The end of a sentence is never inside a name: a hard break in the key.
            key.append("|")
            starts.append(s)
            ends.append(e)
            tstart.append(True)
            prev_latin = False
            continue
        elif not latin and not _CJK.match(tok) and not tok.isalnum():
            events.append(("punct", tok, s))
            continue  # a separator: "Artificial-Intelligence" is two words
        if (latin or tok == "~") and prev_latin and key:
            key.append(" ")
            starts.append(s)
            ends.append(s)
            tstart.append(False)
        for k, ch in enumerate(tok):
            key.append(ch)
            if len(tok) == e - s:  # one key character per source character
                starts.append(s + k)
                ends.append(s + k + 1)
            else:
                starts.append(s)
                ends.append(e)
            tstart.append(k == 0)
        prev_latin = latin or tok == "~"
    return Loose("".join(key), starts, ends, tstart, events)


def kinds_between(
    name_events: list[tuple[str, str, int]], span_events: list[tuple[str, str, int]]
) -> set[str]:
    """Kinds of difference between a name and a surface form, from their dropped tokens."""
    a = Counter((k, t) for k, t, _ in name_events)
    b = Counter((k, t) for k, t, _ in span_events)
    return {k for k, _ in (a - b) + (b - a)}


def variant_confidence(is_label: bool, kinds: set[str]) -> float:
    """Confidence of a variant match with *kinds* of difference (at least one assumed)."""
    base = VARIANT_LABEL if is_label else VARIANT_ALIAS
    return round(base - PER_EXTRA_KIND * max(0, len(kinds) - 1), 2)


def person_variants(name: str) -> list[tuple[str, float]]:
    """Honorific forms of a person's name, each with its confidence.

    English: every honorific before the full name and before the surname (every word but
    the first).
    Chinese: honorifics after and before the full name and the surname (the part after
    the last ``·``, only for transliterated names that have one).
    """
    out: list[tuple[str, float]] = []
    if _CJK.search(name):
        forms = [(name, HONORIFIC_FULL)]
        if "·" in name:
            forms.append((name.rsplit("·", 1)[1], HONORIFIC_SURNAME))
        for form, conf in forms:
            if len(form) < 2:
                continue
            for h in HONORIFICS_ZH:
                out.append((form + h, conf))
                out.append((h + form, conf))
        return out
    words = name.split()
    if len(words) < 2:
        return out
    # The surname is all but the given name: "Trump", "von der Leyen".
    forms = [(name, HONORIFIC_FULL), (" ".join(words[1:]), HONORIFIC_SURNAME)]
    for form, conf in forms:
        for h in HONORIFICS_EN:
            out.append((" ".join((*h, form)), conf))
    return out
