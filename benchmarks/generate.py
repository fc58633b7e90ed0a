"""Synthetic regime-complex graphs with the shape of the real one, at any size.

The real graph is small (a few thousand curated facts and three documents), so scaling
questions — how fast is a named query at a million triples, how much memory does a build
take — need data that *looks like it* but is bigger. The generator starts from the shared
test fixture ``tests/fixtures/mini.trig`` (a bilingual mini regime complex laid out exactly as
a build lays out its graphs, with the entities every named query defaults to: China, Japan,
the G7, the OECD, GPAI, the EU, …) plus the project's own ontology and SKOS vocabularies,
and grows around it, keeping each node's shape:

* states and institutions of every ``rkg`` class, with ``rdfs:label`` in English and Chinese,
  aliases and acronyms, start dates at year / month / day precision, evidence;
* n-ary memberships (role, start, sometimes an end) with the ``isMemberOf`` / ``hasMember``
  shortcuts; member counts are heavy-tailed (a few near-universal bodies, many small clubs),
  and the fixture's states join synthetic bodies, so they stay hubs as the graph grows;
* regime links (nesting as a forest, builds-on chains among instruments, overlaps …) with
  their binary shortcuts; instruments with issuers, bindingness and dated events;
  classifications; a few conflicting claims;
* per-source named graphs: documents whose paragraphs are real text (offsets index the
  document, ``text[start:end]`` is the paragraph), mentions of entities at exact offsets,
  footnotes citing works; every evidence quote is a slice of a paragraph it points to.

Output is N-Quads (like ``build/regimekg.nq``), deterministic for a seed and size.

    python -m benchmarks.generate 100k -o /tmp/regimekg-bench/synthetic-100k.nq
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from regimekg import asof

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "tests" / "fixtures" / "mini.trig"
#: Named sizes (triples, approximate: the generator lands within a few percent).
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
VERSION = "3"  # bump when the output changes, so cached files are regenerated

B = "https://w3id.org/regimekg/"
ID = B + "id/"
RKG = B + "ontology#"
GRAPH = B + "graph/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CURATED = GRAPH + "curated"
TIME = GRAPH + "time"

INSTITUTION_KINDS = [  # class, English noun, Chinese noun, weight
    ("Forum", "Forum", "论坛", 5),
    ("InternationalOrganisation", "Organisation", "组织", 2),
    ("Initiative", "Process", "进程", 4),
    ("Partnership", "Partnership", "伙伴关系", 3),
    ("SummitSeries", "Summit", "峰会", 1),
    ("StandardsBody", "Standards Committee", "标准委员会", 1),
    ("RegionalOrganisation", "Union", "联盟", 1),
    ("Agency", "Office", "办公室", 2),
    ("ResearchInstitute", "Institute", "研究院", 1),
    ("CivilSocietyOrganisation", "Network", "网络", 1),
]
INSTRUMENT_KINDS = [
    ("Law", "Act", "法", "hard-law", 1),
    ("Strategy", "Strategy", "战略", "soft-law", 3),
    ("Declaration", "Declaration", "宣言", "soft-law", 3),
    ("Principles", "Principles", "原则", "soft-law", 2),
    ("Recommendation", "Recommendation", "建议", "soft-law", 1),
    ("Standard", "Standard", "标准", "soft-law", 1),
    ("CodeOfConduct", "Code of Conduct", "行为准则", "soft-law", 1),
    ("Report", "Report", "报告", "soft-law", 2),
    ("Guideline", "Guidelines", "指南", "soft-law", 1),
    ("Convention", "Convention", "公约", "hard-law", 1),
]
ADJ = [
    ("Global", "全球"),
    ("Open", "开放"),
    ("Trusted", "可信"),
    ("Responsible", "负责任"),
    ("Safe", "安全"),
    ("Inclusive", "包容"),
    ("Digital", "数字"),
    ("Frontier", "前沿"),
    ("Regional", "区域"),
    ("Joint", "联合"),
]
ROLES = [("member", 70), ("founding-member", 18), ("observer", 6), ("adherent", 4), ("party", 2)]
LINK_TYPES = {  # type slug → binary shortcut
    "nested-in": "isNestedIn",
    "part-of": "isPartOf",
    "hosted-by": "isHostedBy",
    "overlaps-with": "overlapsWith",
    "parallel-to": "isParallelTo",
    "endorses": "endorses",
    "conflicts-with": "conflictsWith",
}
FORMS = ["multilateral", "multi-stakeholder", "international-organisation", "government-led"]
PATHS = ["power-oriented", "security-regulation-oriented", "development-oriented"]


def _lit(value: str, lang: str | None = None, dtype: str | None = None) -> str:
    return str(ox.Literal(value, language=lang, datatype=ox.NamedNode(dtype) if dtype else None))


def _date(rng: random.Random, lo: int, hi: int) -> str:
    """A date literal at the precision sources give: year, year-month or full date."""
    year = rng.randint(lo, max(lo, hi))
    r = rng.random()
    if r < 0.5:
        return _lit(str(year), dtype=XSD + "gYear")
    month = rng.randint(1, 12)
    if r < 0.8:
        return _lit(f"{year}-{month:02d}", dtype=XSD + "gYearMonth")
    return _lit(f"{year}-{month:02d}-{rng.randint(1, 28):02d}", dtype=XSD + "date")


def _year(date_lit: str) -> int:
    return int(date_lit[1:5])


def _lexical(date_lit: str) -> str:
    """The lexical form of an N-Triples literal (``"2020-06"^^<…>`` → ``2020-06``)."""
    return date_lit.split('"')[1]


def _day(day: object) -> str:
    return f'"{day}"^^<{XSD}date>'


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def _hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:12]


@dataclass
class Entity:
    iri: str
    label_en: str | None
    label_zh: str | None
    start: int = 1990


@dataclass
class Paragraph:
    iri: str
    doc: str
    text: str
    start: int


@dataclass
class _Doc:
    slug: str
    lang: str
    parts: list[str] = field(default_factory=list)
    offset: int = 0


class Generator:
    """Writes one synthetic graph; *institutions* sets the scale (everything derives from it)."""

    def __init__(self, institutions: int, seed: int) -> None:
        self.n = institutions
        self.rng = random.Random(seed)
        self.lines: list[str] = []
        self.core_states: list[Entity] = []
        self.core_bodies: list[Entity] = []
        self.core_instruments: list[Entity] = []
        self.paragraphs: list[Paragraph] = []

    # ------------------------------------------------------------------ writing

    def q(self, s: str, p: str, o: str, g: str = CURATED) -> None:
        self.lines.append(f"<{s}> <{p}> {o} <{g}> .\n")

    def iri(self, value: str) -> str:
        return f"<{value}>"

    def evidence(self, subject: str, rng: random.Random) -> None:
        """One bundled evidence node: a quote that is a slice of a real paragraph."""
        para = rng.choice(self.paragraphs)
        a = rng.randrange(0, max(1, len(para.text) - 12))
        b = min(len(para.text), a + rng.randint(8, 40))
        quote = para.text[a:b]
        ev = ID + "evidence/" + _hash(subject, para.iri, str(a))
        lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in para.text) else "en"
        self.q(subject, RKG + "hasEvidence", self.iri(ev))
        self.q(ev, RDF_TYPE, self.iri(RKG + "Evidence"))
        self.q(ev, RKG + "quote", _lit(quote, lang))
        self.q(ev, RKG + "fromSource", self.iri(para.doc))
        self.q(ev, RKG + "inSegment", self.iri(para.iri))
        self.q(ev, RKG + "startOffset", _lit(str(para.start + a), dtype=XSD + "integer"))
        self.q(ev, RKG + "endOffset", _lit(str(para.start + b), dtype=XSD + "integer"))

    # ------------------------------------------------------------------ the core

    def load_core(self) -> None:
        """The fixture's curated and document graphs, with the project's real ontology and
        vocabularies in ``graph/ontology`` and ``graph/vocab`` (as a build stores them)."""
        store = ox.Store()
        store.load(path=str(CORE), format=ox.RdfFormat.TRIG)
        store.clear_graph(ox.NamedNode(GRAPH + "vocab"))
        for name, files in (
            ("ontology", [ROOT / "ontology" / "regimekg.ttl"]),
            ("vocab", sorted((ROOT / "ontology" / "vocab").glob("*.ttl"))),
        ):
            for f in files:
                store.load(
                    path=str(f), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(GRAPH + name)
                )
        data = ox.serialize(store, format=ox.RdfFormat.N_QUADS) or b""
        self.lines.extend(sorted(line + "\n" for line in data.decode().splitlines() if line))

        def entities(cls_filter: str) -> list[Entity]:
            rows = store.query(
                "SELECT ?e (SAMPLE(?en) AS ?l_en) (SAMPLE(?zh) AS ?l_zh) WHERE { ?e a ?c . "
                + cls_filter
                + " OPTIONAL { ?e <"
                + RDFS_LABEL
                + "> ?en FILTER(LANG(?en) = 'en') } OPTIONAL { ?e <"
                + RDFS_LABEL
                + "> ?zh FILTER(LANG(?zh) = 'zh') } } GROUP BY ?e ORDER BY ?e",
                use_default_graph_as_union=True,
            )
            out = []
            for r in rows:
                en, zh = r["l_en"], r["l_zh"]
                out.append(Entity(r["e"].value, en.value if en else None, zh.value if zh else None))
            return out

        self.core_states = entities(f"FILTER(?c = <{RKG}State>)")
        self.core_bodies = entities(f"FILTER(STRSTARTS(STR(?e), '{ID}institution/'))")
        self.core_instruments = entities(f"FILTER(STRSTARTS(STR(?e), '{ID}instrument/'))")

    # ------------------------------------------------------------------ synthetic part

    def generate(self) -> list[str]:
        rng = self.rng
        self.load_core()
        n = self.n
        n_states = max(30, int(1.2 * n))
        states = self._states(n_states)
        bodies = self._institutions(n)
        instruments = self._instrument_entities(n, bodies + states)
        all_entities = states + bodies + instruments + self.core_states + self.core_bodies
        self._documents(max(2, n // 15), all_entities)
        works = self._works(max(10, n // 2))
        self._footnotes(works)

        # entities (need paragraphs for their evidence, so written after documents)
        for e in states:
            self._entity(e, "State", "state")
            self.q(
                e.iri,
                RKG + "hasGovernancePath",
                self.iri(ID + "governance-path/" + rng.choice(PATHS)),
            )
        for e, cls in bodies_cls(bodies):
            self._entity(e, cls, "institution")
        self._memberships(bodies, states)
        self._links(bodies)
        self._instruments(instruments, bodies + states)
        self._classifications(bodies, states)
        self._claims(bodies)
        return self.lines

    def _states(self, count: int) -> list[Entity]:
        out = []
        for i in range(1, count + 1):
            e = Entity(ID + f"state/synth-state-{i}", f"Synthetic State {i}", f"合成国家{i}")
            e.start = 1945
            out.append(e)
        return out

    def _institutions(self, count: int) -> list[Entity]:
        rng = self.rng
        kinds = [k for k in INSTITUTION_KINDS for _ in range(k[3])]
        out = []
        for i in range(1, count + 1):
            cls, en, zh, _w = rng.choice(kinds)
            adj_en, adj_zh = rng.choice(ADJ)
            e = Entity(
                ID + f"institution/synth-body-{i}",
                f"{adj_en} AI {en} {i}",
                f"{adj_zh}人工智能{zh}{i}",
                start=rng.randint(1945, 2024),
            )
            e.cls = cls  # type: ignore[attr-defined]
            out.append(e)
        return out

    def _instrument_entities(self, count: int, issuers: list[Entity]) -> list[Entity]:
        rng = self.rng
        kinds = [k for k in INSTRUMENT_KINDS for _ in range(k[4])]
        out = []
        for i in range(1, count + 1):
            cls, en, zh, binding, _w = rng.choice(kinds)
            adj_en, adj_zh = rng.choice(ADJ)
            e = Entity(
                ID + f"instrument/synth-instrument-{i}",
                f"{adj_en} AI {en} {i}",
                f"{adj_zh}人工智能{zh}{i}",
                start=rng.randint(2016, 2025),
            )
            e.cls, e.binding = cls, binding  # type: ignore[attr-defined]
            out.append(e)
        return out

    def _entity(self, e: Entity, cls: str, kind: str) -> None:
        rng = self.rng
        self.q(e.iri, RDF_TYPE, self.iri(RKG + cls))
        if e.label_en:
            self.q(e.iri, RDFS_LABEL, _lit(e.label_en, "en"))
        if e.label_zh and rng.random() < 0.93:  # a few labels are missing, as in real data
            self.q(e.iri, RDFS_LABEL, _lit(e.label_zh, "zh"))
        if rng.random() < 0.3:
            self.q(e.iri, SKOS_ALT, _lit(f"The {e.label_en}", "en"))
        if rng.random() < 0.4:
            acronym = "".join(w[0] for w in (e.label_en or "X").split() if w[0].isupper())
            self.q(e.iri, RKG + "acronym", _lit(acronym + e.iri.rsplit("-", 1)[-1]))
        if kind != "state":
            start = _date(rng, e.start, e.start)
            self.q(e.iri, RKG + "startDate", start)
            self.q(e.iri, RKG + "knownFrom", _day(asof.started_by(_lexical(start))), TIME)
        self.evidence(e.iri, rng)

    def _memberships(self, bodies: list[Entity], states: list[Entity]) -> None:
        rng = self.rng
        roles = [r for r, w in ROLES for _ in range(w)]
        pool = states + self.core_states
        hubs = self.core_states  # the fixture's states join many bodies, as real big states do
        for body in bodies:
            k = min(len(pool), max(2, int(rng.paretovariate(1.3) * 5)))
            members = rng.sample(pool, k)
            members += [h for h in hubs if h not in members and rng.random() < 0.06]
            if rng.random() < 0.1:
                members.append(rng.choice(bodies + self.core_bodies))
            for m in members:
                if m.iri == body.iri:
                    continue
                role = rng.choice(roles)
                ms = (
                    ID + f"membership/{body.iri.rsplit('/', 1)[1]}/{m.iri.rsplit('/', 1)[1]}/{role}"
                )
                self.q(ms, RDF_TYPE, self.iri(RKG + "Membership"))
                self.q(ms, ORG + "member", self.iri(m.iri))
                self.q(ms, ORG + "organization", self.iri(body.iri))
                self.q(ms, ORG + "role", self.iri(ID + "membership-role/" + role))
                start = _date(rng, body.start, min(2025, body.start + 20))
                self.q(ms, RKG + "startDate", start)
                # graph/time as a build writes it (docs/time.md), so as-of queries find rows
                self.q(ms, RKG + "knownFrom", _day(asof.started_by(_lexical(start))), TIME)
                if rng.random() < 0.08:
                    end = _date(rng, _year(start) + 1, 2025)
                    self.q(ms, RKG + "endDate", end)
                    self.q(ms, RKG + "knownUntil", _day(asof.ended_from(_lexical(end))), TIME)
                self.q(m.iri, RKG + "isMemberOf", self.iri(body.iri))
                self.q(body.iri, RKG + "hasMember", self.iri(m.iri))
                self.evidence(ms, rng)

    def _link(self, src: str, ltype: str, dst: str, shortcut: str) -> None:
        s, t = src.rsplit("/", 1)[1], dst.rsplit("/", 1)[1]
        link = ID + f"link/{s}/{ltype}/{t}"
        self.q(link, RDF_TYPE, self.iri(RKG + "RegimeLink"))
        self.q(link, RKG + "linkSource", self.iri(src))
        self.q(link, RKG + "linkTarget", self.iri(dst))
        self.q(link, RKG + "linkType", self.iri(ID + "regime-link-type/" + ltype))
        self.q(src, RKG + shortcut, self.iri(dst))
        self.evidence(link, self.rng)

    def _links(self, bodies: list[Entity]) -> None:
        rng = self.rng
        types = list(LINK_TYPES.items())
        for i, body in enumerate(bodies):
            targets = bodies[:i] + self.core_bodies
            if not targets:
                continue
            if rng.random() < 0.35:  # nesting forms a forest: only into earlier bodies
                ltype = rng.choice(["nested-in", "part-of", "hosted-by"])
                self._link(body.iri, ltype, rng.choice(targets).iri, LINK_TYPES[ltype])
            for _ in range(int(rng.expovariate(1.0))):
                ltype, shortcut = rng.choice(types[3:])
                self._link(body.iri, ltype, rng.choice(targets).iri, shortcut)

    def _instruments(self, instruments: list[Entity], issuers: list[Entity]) -> None:
        rng = self.rng
        for i, e in enumerate(instruments):
            self._entity(e, e.cls, "instrument")  # type: ignore[attr-defined]
            issuer = rng.choice(issuers + self.core_bodies + self.core_states)
            self.q(e.iri, RKG + "issuedBy", self.iri(issuer.iri))
            self.q(
                e.iri,
                RKG + "hasBindingness",
                self.iri(ID + "bindingness/" + e.binding),  # type: ignore[attr-defined]
            )
            date = _date(rng, e.start, e.start)
            etype = rng.choice(["adopted", "published"])
            ev = ID + f"event/{_slug(e.iri)}/{etype}/{date.split(chr(34))[1]}"
            self.q(ev, RDF_TYPE, self.iri(RKG + "DatedEvent"))
            self.q(ev, RKG + "eventOf", self.iri(e.iri))
            self.q(ev, RKG + "eventType", self.iri(ID + "event-type/" + etype))
            self.q(ev, RKG + "date", date)
            self.q(e.iri, RKG + ("dateAdopted" if etype == "adopted" else "datePublished"), date)
            self.evidence(ev, rng)
            # builds-on chains: each instrument may derive from an earlier one (or a core one)
            earlier = instruments[:i] + self.core_instruments
            if earlier and rng.random() < 0.4:
                self._link(e.iri, "builds-on", rng.choice(earlier[-50:]).iri, "buildsOn")

    def _classifications(self, bodies: list[Entity], states: list[Entity]) -> None:
        rng = self.rng
        for body in bodies:
            if rng.random() < 0.7:
                form = rng.choice(FORMS)
                c = ID + f"classification/{body.iri.rsplit('/', 1)[1]}/organisational-form/{form}"
                self.q(c, RDF_TYPE, self.iri(RKG + "Classification"))
                self.q(c, RKG + "classifiedEntity", self.iri(body.iri))
                self.q(c, RKG + "classifiedAs", self.iri(ID + "organisational-form/" + form))
                self.q(
                    body.iri,
                    RKG + "hasOrganisationalForm",
                    self.iri(ID + "organisational-form/" + form),
                )
                self.evidence(c, rng)
        for st in states[: len(states) // 3]:
            path = rng.choice(PATHS)
            c = ID + f"classification/{st.iri.rsplit('/', 1)[1]}/governance-path/{path}"
            self.q(c, RDF_TYPE, self.iri(RKG + "Classification"))
            self.q(c, RKG + "classifiedEntity", self.iri(st.iri))
            self.q(c, RKG + "classifiedAs", self.iri(ID + "governance-path/" + path))
            self.evidence(c, rng)

    def _claims(self, bodies: list[Entity]) -> None:
        rng = self.rng
        for body in bodies:
            if rng.random() < 0.05:
                values = [str(rng.randint(5, 60))]
                if rng.random() < 0.3:  # disagreement is data: two sources, two counts
                    values.append(str(int(values[0]) + rng.randint(1, 9)))
                for v in values:
                    c = ID + f"claim/{body.iri.rsplit('/', 1)[1]}/member-count/{_hash(v)[:8]}"
                    self.q(c, RDF_TYPE, self.iri(RKG + "Claim"))
                    self.q(c, RKG + "claimSubject", self.iri(body.iri))
                    self.q(c, RKG + "claimAbout", _lit("member-count"))
                    self.q(c, RKG + "claimValue", _lit(v))
                    self.evidence(c, rng)

    # ------------------------------------------------------------------ documents

    def _documents(self, count: int, entities: list[Entity]) -> None:
        rng = self.rng
        named = [e for e in entities if e.label_en or e.label_zh]
        for d in range(1, count + 1):
            lang = "zh" if d % 2 else "en"
            doc = _Doc(f"synth-doc-{d}", lang)
            doc_iri = ID + f"doc/{doc.slug}"
            g = GRAPH + doc.slug
            self.q(doc_iri, RDF_TYPE, self.iri(RKG + "Source"), g)
            self.q(doc_iri, RDF_TYPE, self.iri(RKG + "Article"), g)
            self.q(doc_iri, DCT + "language", _lit(lang), g)
            self.q(doc_iri, DCT + "title", _lit(f"Synthetic article {d}", "en"), g)
            self.q(doc_iri, DCT + "title", _lit(f"合成文章{d}", "zh"), g)
            for order in range(60):
                picks = rng.sample(named, k=min(len(named), rng.randint(1, 4)))
                self._paragraph(doc, doc_iri, g, order, picks)

    def _paragraph(self, doc: _Doc, doc_iri: str, g: str, order: int, picks: list[Entity]) -> None:
        rng = self.rng
        zh = doc.lang == "zh"
        text = ""
        spans: list[tuple[int, int, Entity, str]] = []
        for i, e in enumerate(picks):
            name = (e.label_zh or e.label_en) if zh else (e.label_en or e.label_zh)
            assert name is not None
            if i:
                text += "、" if zh else ", "
            spans.append((len(text), len(text) + len(name), e, name))
            text += name
        year = rng.randint(1990, 2025)
        if zh:
            text += f"于{year}年共同参与了人工智能治理的讨论，并通过了新的合作安排。"
        else:
            text += f" took part in AI governance talks in {year} and agreed new arrangements."
        if doc.parts:
            doc.offset += 2  # the blank line between paragraphs
        start = doc.offset
        doc.parts.append(text)
        doc.offset += len(text)
        para = ID + f"doc/{doc.slug}/paragraph-{start}"
        self.q(para, RDF_TYPE, self.iri(RKG + "Paragraph"), g)
        self.q(para, RKG + "text", _lit(text, doc.lang), g)
        self.q(para, RKG + "startOffset", _lit(str(start), dtype=XSD + "integer"), g)
        self.q(para, RKG + "endOffset", _lit(str(start + len(text)), dtype=XSD + "integer"), g)
        self.q(para, RKG + "inDocument", self.iri(doc_iri), g)
        self.q(para, RKG + "order", _lit(str(order), dtype=XSD + "integer"), g)
        for a, b, e, name in spans:
            m = ID + f"mention/{doc.slug}-{start + a}-{start + b}-{e.iri.rsplit('/', 1)[1]}"
            self.q(m, RDF_TYPE, self.iri(RKG + "Mention"), g)
            self.q(m, RKG + "inSegment", self.iri(para), g)
            self.q(m, RKG + "mentionOf", self.iri(e.iri), g)
            self.q(m, RKG + "surfaceForm", _lit(name), g)
            self.q(m, RKG + "startOffset", _lit(str(start + a), dtype=XSD + "integer"), g)
            self.q(m, RKG + "endOffset", _lit(str(start + b), dtype=XSD + "integer"), g)
            self.q(para, RKG + "mentions", self.iri(e.iri), g)
        self.paragraphs.append(Paragraph(para, doc_iri, text, start))

    def _works(self, count: int) -> list[str]:
        rng = self.rng
        works = []
        for i in range(1, count + 1):
            w = ID + f"work/{_hash('work', str(i))}"
            author = f"Author{rng.randint(1, count)} A.; Author{rng.randint(1, count)} B."
            self.q(w, RDF_TYPE, self.iri(RKG + "CitedWork"))
            self.q(w, DCT + "title", _lit(f"Studies in AI governance {i}"))
            self.q(w, RKG + "authors", _lit(author))
            self.q(w, RKG + "venue", _lit(rng.choice(["Global Governance", "国际政治研究"])))
            self.q(w, RKG + "year", _lit(str(rng.randint(1990, 2025)), dtype=XSD + "gYear"))
            works.append(w)
        return works

    def _footnotes(self, works: list[str]) -> None:
        """One footnote per few paragraphs, citing works with a heavy-tailed popularity."""
        rng = self.rng
        for para in self.paragraphs[::4]:
            slug = para.doc.rsplit("/", 1)[1]
            g = GRAPH + slug
            start = para.start + len(para.text)  # footnotes sit after their paragraph
            fn = ID + f"doc/{slug}/footnote-{start}"
            work = works[min(len(works) - 1, int(rng.paretovariate(1.1)) - 1)]
            text = "①"
            self.q(fn, RDF_TYPE, self.iri(RKG + "Footnote"), g)
            self.q(fn, RKG + "citesWork", self.iri(work), g)
            self.q(fn, RKG + "inDocument", self.iri(para.doc), g)
            self.q(fn, RKG + "text", _lit(text, "zh"), g)
            self.q(fn, RKG + "startOffset", _lit(str(start), dtype=XSD + "integer"), g)
            self.q(fn, RKG + "endOffset", _lit(str(start + 1), dtype=XSD + "integer"), g)


def bodies_cls(bodies: list[Entity]) -> Iterator[tuple[Entity, str]]:
    for b in bodies:
        yield b, b.cls  # type: ignore[attr-defined]


def generate(triples: int, seed: int = 7) -> list[str]:
    """N-Quads lines of a graph of about *triples* quads (within 5 %).

    The size is set by the number of institutions; member counts are heavy-tailed, so the
    quads per institution are estimated, then corrected on the real output a few times.
    """
    core = len(Generator(0, seed).generate())
    units = 40
    lines = Generator(units, seed).generate()
    for _ in range(6):
        if abs(len(lines) - triples) <= 0.05 * triples:
            break
        per_unit = max(1.0, (len(lines) - core) / units)
        units = max(1, round(units + (triples - len(lines)) / per_unit))
        lines = Generator(units, seed).generate()
    return lines


def write(path: Path, triples: int, seed: int = 7) -> int:
    """Write the graph to *path* (N-Quads); return the number of quads."""
    lines = generate(triples, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.writelines(lines)
    tmp.replace(path)
    return len(lines)


def cached(size: str, directory: Path, seed: int = 7) -> Path:
    """The generated file for a named size, generating it once per generator version."""
    path = directory / f"synthetic-{size}-s{seed}-v{VERSION}.nq"
    if not path.is_file():
        write(path, SIZES[size], seed)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__)
    p.add_argument("size", help="10k, 100k, 1m or a number of triples")
    p.add_argument("-o", "--output", required=True, help="N-Quads file to write")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    triples = SIZES.get(args.size.lower()) or int(args.size)
    n = write(Path(args.output), triples, args.seed)
    print(f"{n} quads → {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
