"""What running prose says without the bracket patterns of :mod:`.discovery`.

New documents (news, statements, briefings) rarely introduce a name with
``中文名（English Name, ACRONYM）``; they write it plainly. This module reads, per sentence:

* **names**: runs of capitalised words ("Hiroshima AI Process", "Council of Europe"), with
  instrument words marked ("the Bletchley Declaration", "Code of Conduct"), people introduced
  by a role ("Foreign Minister Wang Yi"), and Chinese quoted titles that end in an instrument
  word (“安全创新框架”);
* **dates** in both languages, by a documented rule set rather than a general date parser
  (dateparser is a large dependency whose guesses — "May" as a month in every sentence — a
  reviewer would then have to undo): ``2024年5月21日``, ``2024年5月``, ``21 May 2024``,
  ``May 21, 2024``, ``May 2024``, ``2024-05-21`` and a year after in/since/年;
* **relations** read off a few fixed phrasings ("adopted by", "launched at", "hosted by", …).

Nothing here is asserted: the loader turns these into candidates and ``rkg:Proposal`` nodes
that a curator accepts or rejects with ``regimekg review``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import vocab

#: Sentence ends: Western punctuation before a space or the end, or Chinese punctuation.
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(A-Z0-9\u3400-\u9fff])|(?<=[。！？；])")

_CAP_WORD = r"(?:[A-Z][\w'’\-]*[\w]|[A-Z]\d*(?![.\w])|\d+[A-Z][\w]*)"
_JOIN = r"(?:of|for|and|on|the|in|to|de|&)"
#: Two or more capitalised words, small joining words allowed inside (not at either end).
_CAP_RUN = re.compile(rf"\b{_CAP_WORD}(?:[ ](?:{_JOIN}[ ])*{_CAP_WORD})+\b(?![&\w])")
#: Words that start a sentence or clause and are not part of the name that follows.
_LEADING = {
    "The", "This", "That", "These", "Those", "A", "An", "In", "On", "At", "By", "For", "From",
    "With", "Under", "After", "Before", "During", "Since", "While", "When", "As", "Its", "Their",
    "Both", "Each", "Every", "All", "Some", "Many", "Several", "Our", "His", "Her", "And", "But",
    "Meanwhile", "However", "Also", "Then", "Today", "Yesterday", "Last", "Next", "Although",
    "Compared", "Focusing", "Former", "Building", "Beyond", "Thus", "Therefore", "First",
    "Second", "Third", "Finally", "Moreover", "Furthermore", "Specifically", "Consequently",
    "Despite", "Given", "Through", "Within", "Against", "Between", "Among", "Over", "Unlike",
    "Like", "Such", "Other", "If", "Because", "Once", "Where", "Whether", "Via", "To", "Of",
    "Is", "Are", "Was", "Were", "It", "We", "They", "He", "She", "There", "Here", "Why", "How",
    "What", "Which", "Who", "Across", "Around", "Until", "Either", "Neither",
}  # fmt: skip
_JOIN_WORDS = {"of", "for", "and", "on", "the", "in", "to", "de", "&"}
_INSTRUMENT_WORDS = (
    "Declaration", "Principles", "Code of Conduct", "Framework", "Convention", "Act",
    "Strategy", "Charter", "Treaty", "Agreement", "Recommendation", "Guidelines", "Process",
    "Partnership", "Initiative", "Action Plan", "Plan", "Statement", "Resolution", "Compact",
    "Summit", "Forum", "Network", "Council", "Commission", "Board", "Office", "Institute",
)  # fmt: skip
_ROLES = (
    "President", "Vice President", "Vice-President", "Prime Minister", "Foreign Minister",
    "Minister", "Secretary-General", "Secretary General", "Secretary", "Senator", "Chancellor",
    "Commissioner", "Chair", "Chairman", "Chairwoman", "Director-General", "Director General",
    "Director", "Ambassador", "Governor", "King", "Queen", "Premier", "Representative",
)  # fmt: skip
_PERSON = re.compile(
    r"\b(?:" + "|".join(re.escape(r) for r in sorted(_ROLES, key=len, reverse=True)) + r")"
    r"[ ]((?:[A-Z][a-zà-ÿ'’\-]+|[A-Z]\.)(?:[ ](?:(?:von|van|der|de|da|del|bin|al)[ ])*"
    r"(?:[A-Z][a-zà-ÿ'’\-]+|[A-Z]\.)){1,3})\b"
)
_ZH_TITLE_ENDS = (
    "框架", "宣言", "原则", "倡议", "战略", "法案", "公约", "计划", "进程", "峰会", "规划",
    "准则", "指南", "行动计划", "伙伴关系", "声明", "协定", "条约", "论坛", "机制",
)  # fmt: skip
_ZH_QUOTED = re.compile(r"“([\u3400-\u9fff0-9A-Za-z·]{2,30})”")

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip
_MON = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"  # noqa: E501
_DATE_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), "zh-ymd"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d)"), "zh-ym"),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON}\s+(\d{{4}})\b"), "en-dmy"),
    (re.compile(rf"\b{_MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"), "en-mdy"),
    (re.compile(rf"\b{_MON}\s+(\d{{4}})\b"), "en-my"),
    (re.compile(r"(?:\b(?:in|since|from|by)\s+|(?<![\d年]))((?:19|20)\d{2})(?:\s*年(?!\s*\d)|\b)"),
     "year"),
]  # fmt: skip
#: How sure each rule is that it found a date an event happened on.
DATE_CONFIDENCE = {
    "zh-ymd": 0.8, "iso": 0.8, "en-dmy": 0.8, "en-mdy": 0.8,
    "zh-ym": 0.6, "en-my": 0.6, "year": 0.4,
}  # fmt: skip

#: Event verbs → event type (ontology/vocab/event-type.ttl), English and Chinese.
EVENT_VERBS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\badopt(?:ed|s|ion)\b|通过|采纳"), "adopted"),
    (re.compile(r"\blaunch(?:ed|es)?\b|启动|发起"), "launched"),
    (re.compile(r"\bsign(?:ed|s|ing)\b|签署"), "signed"),
    (re.compile(r"\bpublish(?:ed|es)?\b|\breleased?\b|\bissued?\b|发布|印发|出台"), "published"),
    (re.compile(r"\bheld\b|\bconvened\b|\btook place\b|举行|举办|召开"), "held"),
    (re.compile(r"\bfounded\b|\bestablished\b|\bset up\b|\bcreated\b|成立|设立|建立"), "founded"),
    (re.compile(r"\bentered into force\b|\bin force\b|生效"), "entered-into-force"),
    (re.compile(r"\bproposed\b|提出"), "proposed"),
]

#: Relation phrasings "X <phrase> Y". A phrasing names the link type whose English label it
#: matches in full (ontology/vocab/regime-link-type.ttl: the vocabulary is the one place for
#: link types); one that matches no label ("launched at") leaves the type to the reviewer.
RELATION_PHRASES: list[re.Pattern[str]] = [
    re.compile(r"\badopted at\b"),
    re.compile(r"\bproposed at\b"),
    re.compile(r"\blaunched by\b"),
    re.compile(r"\bhosted by\b"),
    re.compile(r"\bsigned by\b"),
    re.compile(r"\bled by\b"),
    re.compile(r"\b(?:established|set up|founded) by\b"),
    re.compile(r"\bbuilds? on\b|\bbuilding on\b"),
    re.compile(r"\bimplements?\b"),
    re.compile(r"\blaunched at\b"),
    re.compile(r"\badopted by\b"),
]


def _link_type_of(rx: re.Pattern[str], voc: vocab.Vocabulary | None = None) -> str | None:
    """The link type whose English label *rx* matches in full (``None`` if none does)."""
    for slug, concept in (voc or vocab.current()).link_types.items():
        if rx.fullmatch(concept.label("en").casefold()):
            return slug
    return None


#: :data:`RELATION_PHRASES` with their link types, for the vocabulary they were worked out in.
_PHRASINGS: dict[int, tuple[vocab.Vocabulary, list[tuple[re.Pattern[str], str | None]]]] = {}


def _phrasings() -> list[tuple[re.Pattern[str], str | None]]:
    """Each relation phrasing with its link type, worked out once per vocabulary: asked for
    every paragraph, the lookup was a third of a 1,000-document ingest."""
    voc = vocab.current()
    hit = _PHRASINGS.get(id(voc))
    if hit is None or hit[0] is not voc:
        hit = (voc, [(rx, _link_type_of(rx, voc)) for rx in RELATION_PHRASES])
        _PHRASINGS.clear()
        _PHRASINGS[id(voc)] = hit
    return hit[1]


@dataclass(frozen=True)
class Span:
    """A name or date found at ``start:end`` (absolute offsets) and how it was found."""

    start: int
    end: int
    text: str
    pattern: str


@dataclass(frozen=True)
class DateSpan(Span):
    iso: str = ""


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, trimmed of surrounding whitespace."""
    out = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s >= 2:
            trimmed.append((s, e))
    return trimmed


def names(text: str, start: int, end: int, stop: Callable[[str], bool] | None = None) -> list[Span]:
    """Names written plainly in ``text[start:end]``: people with roles, then capitalised runs.

    *stop* tells a stop-listed name; a run joined by "and" with a stop-listed part is dropped
    whole, since the remaining part alone is rarely a name.
    """
    found: list[Span] = []

    def free(s: int, e: int) -> bool:
        return all(e <= f.start or s >= f.end for f in found)

    for m in _PERSON.finditer(text, start, end):
        found.append(Span(m.start(1), m.end(1), m.group(1), "person-role"))
    for m in _CAP_RUN.finditer(text, start, end):
        s, e = m.start(), m.end()
        words = m.group().split(" ")
        while words and (words[0] in _LEADING or words[0] in _JOIN_WORDS):
            s += len(words[0]) + 1
            words = words[1:]
        if len(words) < 2 or not free(s, e):
            continue
        name = text[s:e]
        if _not_a_name(name, words):
            continue
        if stop is not None and any(stop(part) for part in re.split(r" (?:and|&) ", name)):
            continue  # "SMEs and Startups": two things joined, one of them a stop word
        pattern = "instrument-name" if name.endswith(_INSTRUMENT_WORDS) else "capitalised-name"
        if pattern == "capitalised-name" and re.search(r" (?:and|&) ", name):
            continue  # "Germany and France", "EU and China": two things, not one name
        found.append(Span(s, e, name, pattern))
    for m in _ZH_QUOTED.finditer(text, start, end):
        if m.group(1).endswith(_ZH_TITLE_ENDS) and free(m.start(1), m.end(1)):
            found.append(Span(m.start(1), m.end(1), m.group(1), "zh-quoted-title"))
    return sorted(found, key=lambda f: (f.start, f.end))


def _not_a_name(name: str, words: list[str]) -> bool:
    """Runs that are capitalised for another reason than being a name."""
    if not any(c.islower() for c in name) and max(len(w) for w in words) > 6:
        return True  # an upper-case heading ("THE CORE PILLARS OF …"), not an acronym run
    if any(w.endswith(("'s", "’s")) for w in words):
        return True  # a possessive ("the EU's AI strategy") qualifies what follows
    if words[-1] in _ROLES or " ".join(words[-2:]) in _ROLES:
        return True  # "European Commission President": the person's name follows
    return any(len(w) > 16 for w in words)  # words run together by OCR


def _iso(rule: str, groups: tuple[str, ...]) -> str | None:
    try:
        if rule in ("zh-ymd", "iso"):
            y, mo, d = int(groups[0]), int(groups[1]), int(groups[2])
        elif rule == "zh-ym":
            y, mo, d = int(groups[0]), int(groups[1]), 0
        elif rule == "en-dmy":
            d, mo, y = int(groups[0]), _MONTHS[groups[1].lower()], int(groups[2])
        elif rule == "en-mdy":
            mo, d, y = _MONTHS[groups[0].lower()], int(groups[1]), int(groups[2])
        elif rule == "en-my":
            mo, y, d = _MONTHS[groups[0].lower()], int(groups[1]), 0
        else:
            return groups[0]
    except (KeyError, ValueError):
        return None
    from .. import dates

    iso = f"{y:04d}-{mo:02d}" + (f"-{d:02d}" if d else "")
    try:
        return dates.normalise(iso)
    except dates.DateError:
        return None  # 2024年2月30日: not a date, so not proposed


def find_dates(text: str, start: int, end: int) -> list[DateSpan]:
    """Dates in ``text[start:end]``; a more precise rule wins over a less precise overlap."""
    found: list[DateSpan] = []
    taken: list[tuple[int, int]] = []  # an impossible date blocks its less precise readings
    for rx, rule in _DATE_RULES:
        for m in rx.finditer(text, start, end):
            s, e = (m.start(1), m.end()) if rule == "year" else (m.start(), m.end())
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            iso = _iso(rule, m.groups())
            if iso:
                found.append(DateSpan(s, e, text[s:e], rule, iso))
    return sorted(found, key=lambda f: f.start)


def event_type(sentence: str) -> str | None:
    """The event type a sentence's verb suggests, if any."""
    for rx, slug in EVENT_VERBS:
        if rx.search(sentence):
            return slug
    return None


def relation_phrases(text: str, start: int, end: int) -> list[tuple[int, int, str, str | None]]:
    """(start, end, phrase, link type or None) for each relation phrasing in the span."""
    out = []
    for rx, link in _phrasings():
        for m in rx.finditer(text, start, end):
            out.append((m.start(), m.end(), m.group(), link))
    return sorted(out)
