"""Footnotes → cited works (authors, title, venue, year, pages, URL).

Two citation styles occur, often in one footnote:

* Chinese: ``作者：《标题》，载《期刊》2023年第8期，第47-70页。`` (books: ``…出版社2021年版``;
  news: ``《标题》，环球时报，2023年12月22日，URL``);
* English: ``Author and Author, “Title”, *Venue*, Vol. 9, No. 1, 2011, pp. 7-23.`` (books:
  ``Author, *Title* (Publisher, 1980)``).

Several works in one footnote are separated by ``；`` / ``;``; ``参见：`` and similar lead-ins
are dropped; ``同上`` / ``Ibid`` repeat the previous footnote's works. A work's identity is
its normalised title and year (author strings vary with OCR: "Butcher, J., and Beridze,
IJames Butcher…"), or its URL when it has no title, so the same work cited in several
articles becomes one ``rkg:CitedWork``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from ..namespaces import RKG, iri, short_hash
from .discovery import norm_key

_URL_MD = re.compile(r"\[(?:[^\]]*)\]\((https?://[^)\s]+(?:\([^)\s]*\)[^)\s]*)*)\)")
_URL_ANGLE = re.compile(r"<(https?://[^>\s]+)>")
_URL_BARE = re.compile(r"https?://[^\s<>\]）)，。；]+")
_LEAD_IN = re.compile(r"^.{0,40}?见[：:]\s*")
_IBID = re.compile(r"^\s*(同上|Ibid\.?|ibid\.?)\s*[。.]?\s*$")
_TITLE = re.compile(r"《([^《》]{2,120})》|“([^“”]{2,400})”|\"([^\"]{2,400})\"|\*([^*]{2,300})\*")
_AFTER_TITLE = re.compile(r"^\s*(?:$|[，,。.：:；;（(<*\[》”]|载)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_PAGES = re.compile(r"第\s*([\d\-–、,，]+)\s*页|\b[Pp]{1,2}\.\s*([\d]+(?:\s*[-–]\s*\d+)?)")
_ITALIC = re.compile(r"\*([^*]{2,200})\*")
_ZAI = re.compile(r"载\s*《([^《》]{2,80})》")
_PUBLISHER = re.compile(r"([\u3400-\u9fff]{2,20}出版社)")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Work:
    """A cited work as far as the footnote says."""

    title: str | None
    authors: str | None
    venue: str | None
    year: str | None
    pages: str | None
    url: str | None

    @property
    def key(self) -> str | None:
        """Identity for de-duplication: normalised title + year, or the URL."""
        if self.title:
            return f"{norm_key(self.title)}|{self.year or ''}"
        if self.url:
            return "url|" + self.url.rstrip("/.")
        return None

    @property
    def iri(self) -> URIRef:
        return iri("work", short_hash(self.key or ""))

    @property
    def lang(self) -> str:
        return "zh" if self.title and _CJK.search(self.title) else "en"


def _urls(text: str) -> tuple[str, list[str]]:
    """Replace Markdown/angle-bracket links by a placeholder; return the URLs found."""
    urls: list[str] = []

    def keep_url(url: str) -> str:
        urls.append(url.replace("\\_", "_").replace("\\", ""))
        return " \x00 "

    text = _URL_MD.sub(lambda m: keep_url(m.group(1)), text)
    text = _URL_ANGLE.sub(lambda m: keep_url(m.group(1)), text)
    text = _URL_BARE.sub(lambda m: keep_url(m.group(0)), text)
    return text, urls


def _split_items(text: str) -> list[str]:
    return [p for p in re.split(r"[；;]\s*", text) if p.strip()]


def parse_item(item: str, urls: list[str]) -> Work | None:
    """One citation out of a footnote fragment, or None when it cites nothing."""
    url = urls.pop(0) if "\x00" in item and urls else None
    item = item.replace("\x00", " ")
    title_m = None
    for m in _TITLE.finditer(item):
        before = item[: m.start()].rstrip()
        if before.endswith("载"):
            continue
        inner = next(g for g in m.groups() if g).rstrip()
        # “Title,” p.185 / “Title?” Venue: punctuation inside the quotes ends the title too.
        if not _AFTER_TITLE.match(item[m.end() :]) and inner[-1:] not in ",，.?？!":
            continue
        title_m = m
        break
    if title_m is None:
        if url:
            return Work(None, None, None, _first_year(item), None, url)
        return None
    title = next(g for g in title_m.groups() if g).strip().rstrip(",，")
    title = re.sub(r"\s+", " ", title)
    before = item[: title_m.start()]
    after = item[title_m.end() :]
    # Authors: what precedes the title, after the last sentence break.
    authors = re.split(r"[。；;：:]", before.rstrip(" ，,：:"))[-1].strip(" ，,：:")
    authors = re.sub(r"^参见\s*", "", authors)
    if not authors or len(authors) > (30 if _CJK.search(authors) else 90):
        authors = None
    venue = None
    zai = _ZAI.search(after)
    if zai:
        venue = zai.group(1)
    else:
        ital = _ITALIC.search(after) if title_m.group(4) is None else None
        pub = _PUBLISHER.search(after)
        if ital:
            venue = ital.group(1)
        elif pub:
            venue = pub.group(1)
        else:
            field = re.split(r"[，,。(（]", after.strip(" ，,.。"), maxsplit=1)[0].strip()
            field = re.split(r"\s+(?:Vol|No|Issue)\b", field)[0].strip()
            if field and not _YEAR.search(field) and len(field) <= 80 and "\x00" not in field:
                venue = field.strip("*").strip()
        if title_m.group(4) is not None:  # *Book Title* (Publisher, 1980)
            m = re.match(r"\s*[（(]([^,，)）]+)[,，]", after)
            if m:
                venue = m.group(1).strip()
    year = _first_year(after) or _first_year(before)
    pages_m = _PAGES.search(after)
    pages = None
    if pages_m:
        pages = (pages_m.group(1) or pages_m.group(2) or "").strip(" ,，")
    return Work(title, authors, venue or None, year, pages or None, url)


def _first_year(text: str) -> str | None:
    m = _YEAR.search(text)
    return m.group(1) if m else None


def parse_footnote(text: str, previous: list[Work] | None = None) -> list[Work]:
    """Works cited by one footnote's text (markers already removed)."""
    if _IBID.match(text):
        return list(previous or [])
    body, urls = _urls(text)
    body = _LEAD_IN.sub("", body, count=1)
    works: list[Work] = []
    for item in _split_items(body):
        n = item.count("\x00")
        mine, urls = urls[:n], urls[n:]
        w = parse_item(item, list(mine))
        if w is not None and w.key:
            works.append(w)
    return works


def add_work(g: Graph, w: Work) -> URIRef:
    """The ``rkg:CitedWork`` node of *w* (idempotent: same work → same node)."""
    node = w.iri
    g.add((node, RDF.type, RKG.CitedWork))
    if (node, DCTERMS.title, None) not in g:
        if w.title:
            g.add((node, DCTERMS.title, Literal(w.title, lang=w.lang)))
        elif w.url:  # a page cited by its address only: the address is all the title we have
            g.add((node, DCTERMS.title, Literal(w.url)))
    for prop, value in ((RKG.authors, w.authors), (RKG.venue, w.venue), (RKG.pages, w.pages)):
        if value and (node, prop, None) not in g:
            g.add((node, prop, Literal(value)))
    if w.year and (node, RKG.year, None) not in g:
        g.add((node, RKG.year, Literal(w.year, datatype=XSD.gYear)))
    if w.url:
        g.add((node, RKG.url, Literal(w.url, datatype=XSD.anyURI)))
    return node
