"""Document loaders on the three bundled sources.

Counts below were verified by hand against the files (grep for headings, circled-number
footnote lines, ``表``/``图`` captions and tab-separated rows in each article's line range).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from regimekg.loaders import Candidate, LoadResult, load_source, write_candidates
from regimekg.loaders.mentions import Gazetteer
from regimekg.namespaces import PREFIXES, RKG, iri
from regimekg.paths import Project
from regimekg.sources import Source, load_manifest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "docs"


def ent(kind: str, slug: str) -> URIRef:
    return iri(kind, slug)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_graph(Graph().parse(FIXTURES / "entities.ttl"))


@pytest.fixture(scope="module")
def sources() -> dict[str, Source]:
    return {s.id: s for s in load_manifest(Project(ROOT))}


@pytest.fixture(scope="module")
def loaded(sources: dict[str, Source], gazetteer: Gazetteer) -> dict[str, tuple[str, LoadResult]]:
    out = {}
    for sid, s in sources.items():
        text = s.read_text()
        out[sid] = (text, load_source(s, text, gazetteer))
    return out


@pytest.fixture(scope="module")
def journal(loaded: dict[str, tuple[str, LoadResult]]) -> tuple[str, Graph]:
    text, res = loaded["jsdm-2024-03"]
    return text, res.graph


def articles(g: Graph) -> list[URIRef]:
    return sorted(g.subjects(RDF.type, RKG.Article), key=lambda a: int(g.value(a, RKG.order) or 0))


def in_doc(g: Graph, doc: URIRef, cls: URIRef) -> list[URIRef]:
    return [s for s in g.subjects(RKG.inDocument, doc) if (s, RDF.type, cls) in g]


def sparql(g: Graph, query: str, **bindings: object):
    prefixes = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    return list(g.query(prefixes + query, initBindings=bindings))


# ---------------------------------------------------------------------- positions


def test_every_position_is_exact(loaded: dict[str, tuple[str, LoadResult]]) -> None:
    """text[start:end] equals the stored text of every segment, cell, mention, quote, candidate."""
    for sid, (text, res) in loaded.items():
        g = res.graph
        checked = 0
        for node in set(g.subjects(RKG.startOffset, None)):
            s = int(g.value(node, RKG.startOffset))
            e = int(g.value(node, RKG.endOffset))
            assert 0 <= s < e <= len(text), (sid, node)
            stored = (
                g.value(node, RKG.text)
                or g.value(node, RKG.surfaceForm)
                or g.value(node, RKG.quote)
            )
            assert stored is not None, (sid, node)
            assert text[s:e] == str(stored), (sid, node)
            checked += 1
        for ref in res.segments:
            assert str(g.value(ref.iri, RKG.text)) == text[ref.start : ref.end]
            assert int(g.value(ref.iri, RKG.startOffset)) == ref.start
        for c in res.candidates:
            assert c.source_id == sid and 0 <= c.start < c.end <= len(text)
        assert checked > len(res.segments)  # cells, mentions, evidence too


def test_rebuilding_gives_the_same_graph(
    sources: dict[str, Source], gazetteer: Gazetteer, loaded: dict[str, tuple[str, LoadResult]]
) -> None:
    for sid in ("jsdm-2024-03", "shou-bu-2025", "eu-ai-strategy"):
        text, first = loaded[sid]
        again = load_source(sources[sid], text, gazetteer)
        assert {r.iri for r in again.segments} == {r.iri for r in first.segments}
        assert isomorphic(again.graph, first.graph), sid
        assert again.candidates == first.candidates


# ---------------------------------------------------------------------- the journal issue


def test_journal_articles_sections_footnotes_tables(journal: tuple[str, Graph]) -> None:
    _, g = journal
    arts = articles(g)
    assert len(arts) == 5
    counts = []
    for a in arts:
        notes = in_doc(g, a, RKG.Footnote)
        marked = [f for f in notes if (f, RKG.footnoteMarker, None) in g]
        tables = in_doc(g, a, RKG.Table)
        rows = sorted(
            int(g.value(t, RKG.headerRowCount)) + int(g.value(t, RKG.rowCount)) for t in tables
        )
        counts.append(
            (
                len(in_doc(g, a, RKG.Section)),
                len(marked),
                len(notes) - len(marked),
                len(tables),
                rows,
                len(in_doc(g, a, RKG.FigureCaption)),
            )
        )
    assert counts == [
        (16, 27, 1, 0, [], 3),
        (9, 33, 1, 0, [], 5),
        (16, 87, 1, 2, [3, 4], 0),
        (20, 54, 1, 2, [5, 5], 1),
        (11, 36, 1, 3, [9, 10, 23], 4),
    ]
    assert len(set(g.subjects(RDF.type, RKG.TableRow))) == 59


def test_journal_titles_abstracts_keywords_pages(journal: tuple[str, Graph]) -> None:
    _, g = journal
    a = articles(g)[3]
    assert g.value(a, DCTERMS.isPartOf) == iri("doc", "jsdm-2024-03")
    titles = {t.language: str(t) for t in g.objects(a, DCTERMS.title)}
    assert titles == {
        "zh": "人工智能全球治理机制复合体构建探析",
        "en": "An Analysis of the Construction of Artificial Intelligence Global Governance "
        "Regime Complex",
    }
    abstracts = {t.language: str(t) for t in g.objects(a, DCTERMS.abstract)}
    assert abstracts["zh"].startswith(
        "人工智能具有内生安全、应用安全、国家安全以及地缘政治安全风险"
    )
    # The English abstract continues after a page break: "…modular dynamic" / "governance based…"
    assert "implement modular dynamic governance based on stratification" in abstracts["en"]
    kws = {(str(k), k.language) for k in g.objects(a, RKG.keyword)}
    assert ("机制复合体", "zh") in kws and ("Regime Complex", "en") in kws
    assert len(kws) == 9
    assert str(g.value(a, URIRef("http://purl.org/ontology/bibo/pageStart"))) == "66"
    sections = {str(x) for x in g.objects(a, RKG.journalSection)}
    assert sections == {"全球与区域治理", "Global Governance and Regional Governance"}


def test_journal_sections_nest_by_numbering(journal: tuple[str, Graph]) -> None:
    """Heading levels in the OCR are inconsistent (## （二） vs ### （一）); numbering decides."""
    _, g = journal
    a = articles(g)[0]
    by_title = {str(g.value(s, DCTERMS.title)): s for s in in_doc(g, a, RKG.Section)}
    top = by_title["二、新质生产力赋能共建“一带一路” 高质量发展的作用机制"]
    sub = by_title["（二）以数字经济合作赋能“一带一路”数字化发展"]  # a "##" heading in the OCR
    subsub = by_title["2. “产业转移—数字化发展”循环"]
    assert g.value(sub, DCTERMS.isPartOf) == top
    assert int(g.value(top, RKG.level)) == 1 and int(g.value(sub, RKG.level)) == 2
    assert int(g.value(subsub, RKG.level)) == 3
    assert str(g.value(subsub, RKG.sectionNumber)) == "2."
    parent = g.value(subsub, DCTERMS.isPartOf)
    assert str(g.value(parent, DCTERMS.title)).startswith("（二）发展新质生产力与共建")


def test_authors_link_chinese_and_romanised_names(journal: tuple[str, Graph]) -> None:
    _text, g = journal
    a5 = articles(g)[4]
    creators = set(g.objects(a5, DCTERMS.creator))
    assert creators == {ent("person", s) for s in ("feng-shuai", "xue-shikun", "ma-yiruo")}
    xue = ent("person", "xue-shikun")
    assert {(str(x), x.language) for x in g.objects(xue, RDFS.label)} == {
        ("薛世锷", "zh"),
        ("Xue Shikun", "en"),
    }
    # The table of contents spells the name differently (OCR): kept as an alias, not merged.
    assert Literal("薛世锐", lang="zh") in set(g.objects(xue, SKOS.altLabel))
    # "成 昊" (a space inside the name) is one person, evidenced by both author lines.
    cheng = ent("person", "cheng-hao")
    assert Literal("成昊", lang="zh") in set(g.objects(cheng, RDFS.label))
    quotes = {str(g.value(ev, RKG.quote)) for ev in g.objects(cheng, RKG.hasEvidence)}
    assert quotes == {"成 昊", "Cheng Hao"}
    affs = {(str(x), x.language) for x in g.objects(ent("person", "gui-changni"), RKG.affiliation)}
    assert affs == {
        ("中国信息安全测评中心高级工程师", "zh"),
        ("Senior Engineer, China Information Technology Security Evaluation Center", "en"),
    }
    assert len(set(g.subjects(RDF.type, RKG.Person))) == 11


def test_footnote_markers_restart_per_page(journal: tuple[str, Graph]) -> None:
    _text, g = journal
    fn = next(
        f
        for f in g.subjects(RDF.type, RKG.Footnote)
        if str(g.value(f, RKG.text)).startswith("Robert O. Keohane and David G. Victor")
    )
    assert str(g.value(fn, RKG.footnoteMarker)) == "⑤"
    para = g.value(None, RKG.referencesFootnote, fn)
    assert "不确定性和制度联系。<sup>⑤</sup>" in str(g.value(para, RKG.text))
    # ① occurs on many pages; each footnote ① links to a different paragraph.
    ones = [f for f in g.subjects(RKG.footnoteMarker, Literal("①"))]
    linked = {g.value(None, RKG.referencesFootnote, f) for f in ones} - {None}
    assert len(ones) > 40 and len(linked) > 40


def test_page_break_split_paragraph_is_joined(journal: tuple[str, Graph]) -> None:
    _text, g = journal
    head = next(
        p
        for p in g.subjects(RDF.type, RKG.Paragraph)
        if str(g.value(p, RKG.text)).startswith("目前，全球格局正处于复杂动荡的变革期")
    )
    tail = g.value(None, RKG.continues, head)
    assert str(g.value(tail, RKG.text)).startswith("现，全球各国外源风险水平不断提高")
    joined = str(g.value(head, RKG.joinedText))
    assert "霸权主义思潮再度涌现，全球各国外源风险水平" in joined
    # The funding note between the two fragments is an unnumbered author note, not body text.
    note = next(
        f
        for f in g.subjects(RKG.isAuthorNote, Literal(True))
        if "21&ZD074" in str(g.value(f, RKG.text))
    )
    assert "本文系" not in joined and (note, RKG.inDocument, articles(g)[0]) in g


def test_editor_note_belongs_to_the_issue(journal: tuple[str, Graph]) -> None:
    _, g = journal
    note = next(
        p
        for p in g.subjects(RDF.type, RKG.Paragraph)
        if str(g.value(p, RKG.text)).startswith("人工智能技术在全球范围内的飞速发展")
    )
    assert g.value(note, RKG.inDocument) == iri("doc", "jsdm-2024-03")


# ---------------------------------------------------------------------- citations


def test_cited_works_are_parsed_and_deduplicated(journal: tuple[str, Graph]) -> None:
    _, g = journal
    works = list(g.subjects(RDF.type, RKG.CitedWork))
    kv = [w for w in works if "Keohane" in str(g.value(w, RKG.authors))]
    assert len(kv) == 1
    w = kv[0]
    assert str(g.value(w, DCTERMS.title)) == "The Regime Complex for Climate Change"
    assert str(g.value(w, RKG.venue)) == "Perspectives on Politics"
    assert g.value(w, RKG.year) == Literal("2011", datatype=XSD.gYear)
    assert str(g.value(w, RKG.pages)) == "7-23"
    # Cited in three footnotes of one article → one work.
    schmitt = next(
        w for w in works if str(g.value(w, DCTERMS.title)).startswith("Mapping Global AI")
    )
    citing = [f for f in g.subjects(RKG.citesWork, schmitt) if (f, RDF.type, RKG.Footnote) in g]
    assert len(citing) == 3
    # Cited by two articles (桂畅旒 and 封帅 et al.) → one work, two citing articles.
    allen = next(
        w
        for w in works
        if str(g.value(w, DCTERMS.title)) == "Artificial Intelligence and National Security"
    )
    arts = {a for a in g.subjects(RKG.citesWork, allen) if (a, RDF.type, RKG.Article) in g}
    assert arts == {articles(g)[3], articles(g)[4]}
    cn = next(
        w for w in works if str(g.value(w, DCTERMS.title)) == "论新质生产力：内涵特征与重要着力点"
    )
    assert (str(g.value(cn, RKG.authors)), str(g.value(cn, RKG.venue))) == ("周文、许凌云", "改革")
    assert str(g.value(cn, RKG.pages)) == "1-13"
    # 同上 (ibid.) repeats the previous footnote's work.
    ibid = [
        f
        for f in g.subjects(RDF.type, RKG.Footnote)
        if str(g.value(f, RKG.text)) == "同上。" and (f, RKG.citesWork, None) in g
    ]
    assert len(ibid) >= 5


def test_sparql_footnotes_citing_a_work(journal: tuple[str, Graph]) -> None:
    _, g = journal
    rows = sparql(
        g,
        """SELECT ?fn ?article WHERE {
             ?w a rkg:CitedWork ; rkg:authors ?au ; rkg:year ?y .
             FILTER(CONTAINS(?au, ?author) && STR(?y) = ?year)
             ?fn a rkg:Footnote ; rkg:citesWork ?w ; rkg:inDocument ?article .
           }""",
        author=Literal("Keohane"),
        year=Literal("2011"),
    )
    assert len(rows) == 1
    assert rows[0][1] == articles(g)[3]


def test_sparql_english_abstract_of_a_chinese_article(journal: tuple[str, Graph]) -> None:
    _, g = journal
    rows = sparql(
        g,
        """SELECT ?abs WHERE {
             ?a a rkg:Article ; dcterms:title ?t ; dcterms:abstract ?abs .
             FILTER(STR(?t) = ?title && LANG(?abs) = "en")
           }""",
        title=Literal("欧美人工智能治理模式比较及启示"),
    )
    assert len(rows) == 1
    assert str(rows[0][0]).startswith("With the extension of global competition, artificial")


def test_sparql_paragraphs_mentioning_the_eu_and_china(
    loaded: dict[str, tuple[str, LoadResult]],
) -> None:
    g = Graph()
    for _, res in loaded.values():
        g += res.graph
    rows = sparql(
        g,
        """SELECT DISTINCT ?p ?text WHERE {
             ?p a rkg:Paragraph ; rkg:mentions ?eu, ?cn ; rkg:text ?text .
           }""",
        eu=ent("institution", "european-union"),
        cn=ent("state", "china"),
    )
    texts = [str(t) for _, t in rows]
    assert any(t.startswith("Third, strengthening cooperation") for t in texts)  # English
    assert any(
        t.startswith("在人工智能治理上，中国面临着与美国类似的困境") for t in texts
    )  # Chinese
    assert len(rows) >= 10


# ---------------------------------------------------------------------- tables


def _records(g: Graph, name: str) -> list[URIRef]:
    return [r for r in g.subjects(RKG.recordName, None) if str(g.value(r, RKG.recordName)) == name]


def test_document_tables_load_instruments_dates_issuers(journal: tuple[str, Graph]) -> None:
    _, g = journal
    (rec,) = _records(g, "国家人工智能研究与发展战略规划")
    assert g.value(rec, RKG.recordDate) == Literal("2016-10", datatype=XSD.gYearMonth)
    assert str(g.value(rec, RKG.recordPeriod)) == "奥巴马政府"
    assert g.value(rec, RKG.recordJurisdiction) == ent("state", "united-states")
    issuers = set(g.objects(rec, RKG.recordIssuer))
    assert ent("institution", "white-house") in issuers  # curated: linked
    cands = [i for i in issuers if (i, RDF.type, RKG.Candidate) in g]
    assert [str(g.value(c, RDFS.label)) for c in cands] == ["国家科学技术委员会"]
    subj = g.value(rec, RKG.recordSubject)
    assert (subj, RDF.type, RKG.Candidate) in g  # not curated: a candidate, never an entity
    assert (subj, RDF.type, RKG.Strategy) not in g
    # A curated instrument's record links to it; the row's date stays on
    # the record (the curated layer dates the instrument itself, so no claim is repeated here).
    (plan,) = _records(g, "新一代人工智能发展规划")
    instrument = ent("instrument", "new-generation-ai-development-plan")
    assert g.value(plan, RKG.recordSubject) == instrument
    assert g.value(plan, RKG.recordDate) == Literal("2017-07", datatype=XSD.gYearMonth)
    assert g.value(None, RKG.claimSubject, instrument) is None
    # "2021-2024 … 制定《人工智能法案》各项工作": a period, and the instrument inside 《》.
    (act,) = _records(g, "制定《人工智能法案》各项工作")
    assert g.value(act, RKG.recordSubject) == ent("instrument", "eu-ai-act")
    assert g.value(act, RKG.recordDate) == Literal("2021", datatype=XSD.gYear)
    assert g.value(act, RKG.recordEndDate) == Literal("2024", datatype=XSD.gYear)


def test_initiatives_table_classifies_organisational_form(journal: tuple[str, Graph]) -> None:
    _, g = journal
    hlab = ent("institution", "un-high-level-advisory-body-on-ai")
    forms = set(g.objects(hlab, RKG.hasOrganisationalForm))
    # Listed under both 多边 and 国际组织: both kept (disagreement is data).
    assert forms == {
        iri("organisational-form", "multilateral"),
        iri("organisational-form", "international-organisation"),
    }
    for c in g.subjects(RKG.classifiedEntity, hlab):
        assert (
            str(g.value(g.value(c, RKG.hasEvidence), RKG.quote)) == "联合国高级别人工智能咨询机构"
        )
    fmf = _records(g, "Anthropic、谷歌、微软和 OpenAI 发起的前沿模型论坛")
    assert g.value(fmf[0], RKG.recordClassification) == iri(
        "organisational-form", "multi-stakeholder"
    )
    assert (g.value(fmf[0], RKG.recordSubject), RDF.type, RKG.Candidate) in g
    assert len(set(g.subjects(RKG.recordClassification, None))) == 36


def test_comparison_table_records(journal: tuple[str, Graph]) -> None:
    _, g = journal
    recs = [
        r
        for r in g.subjects(RKG.recordAttribute, None)
        if str(g.value(r, RKG.recordAttribute)) == "政策传统 / 监管强度"
    ]
    values = {(g.value(r, RKG.recordSubject), str(g.value(r, RKG.recordValue))) for r in recs}
    assert values == {
        (ent("institution", "european-union"), "强"),
        (ent("state", "united-states"), "弱"),
    }


# ---------------------------------------------------------------------- standalone articles


def test_english_article_structure(loaded: dict[str, tuple[str, LoadResult]]) -> None:
    _text, res = loaded["eu-ai-strategy"]
    g = res.graph
    doc = iri("doc", "eu-ai-strategy")
    assert (doc, RDF.type, RKG.Article) in g
    secs = sorted(in_doc(g, doc, RKG.Section), key=lambda s: int(g.value(s, RKG.order)))
    assert [str(g.value(s, DCTERMS.title)) for s in secs] == [
        "THECOREPILLARSOFTHEEU'SAI STRATEGY",
        "THEIMBALANCEDILEMMAOFTHE EU'SAI STRATEGY",
        "POTENTIAL ANDCONSTRAINTSOF CHINA-EUCOOPERATIONUNDERAI STRATEGICTRANSFORMATION",
        "PATHWAYSFORCHINA-EU AIGOVERNANCECOOPERATION",
    ]
    paras = in_doc(g, doc, RKG.Paragraph)
    assert len(paras) == 24
    # "…forAI products" lacks its full stop, but the next paragraph starts a new one.
    assert not any((p, RKG.continues, None) in g for p in paras)
    # Dropped spaces and the letter O for zero do not hide the names.
    mentioned = {str(g.value(m, RKG.surfaceForm)) for m in g.subjects(RDF.type, RKG.Mention)}
    assert {
        "EUArtificial Intelligence Act",
        "G2O",
        "WhitePaperonArtificial Intelligence",
    } <= mentioned


def test_chinese_article_structure(loaded: dict[str, tuple[str, LoadResult]]) -> None:
    _text, res = loaded["shou-bu-2025"]
    g = res.graph
    doc = iri("doc", "shou-bu-2025")
    secs = in_doc(g, doc, RKG.Section)
    levels = sorted(int(g.value(s, RKG.level)) for s in secs)
    assert (levels.count(1), levels.count(2), levels.count(3)) == (4, 10, 33)
    assert len(in_doc(g, doc, RKG.Paragraph)) == 89
    assert len(in_doc(g, doc, RKG.TocEntry)) == 4
    shou = ent("person", "shou-bu")
    assert (doc, DCTERMS.creator, shou) in g
    quotes = {str(g.value(e, RKG.quote)) for e in g.objects(shou, RKG.hasEvidence)}
    assert quotes == {"寿步"}
    # The text never romanises the name: the English label's provenance is the manifest.
    (prov,) = g.objects(shou, RKG.hasLabelProvenance)
    assert (str(g.value(prov, RKG.labelLanguage)), g.value(prov, RKG.labelSource)) == ("en", doc)
    sub = next(s for s in secs if str(g.value(s, DCTERMS.title)) == "(2)全力构建压倒性AI基础设施")
    parent = g.value(sub, DCTERMS.isPartOf)
    assert str(g.value(parent, DCTERMS.title)) == "2.《美国行动计划》的要点"


# ---------------------------------------------------------------------- candidates


def test_candidates_are_never_entities_and_tsv_is_stable(
    loaded: dict[str, tuple[str, LoadResult]], tmp_path: Path
) -> None:
    text, res = loaded["jsdm-2024-03"]
    g = res.graph
    names = {(c.name, c.pattern) for c in res.candidates}
    assert ("Center for Security and Emerging Technology", "en-acronym") in names
    assert ("CSET", "acronym") in names
    assert ("欧洲电信标准化协会", "zh-en") in names
    # Names the gazetteer knows are not candidates, but their new aliases are (alias_of).
    assert not any(c.name == "全球人工智能治理倡议" for c in res.candidates)
    alias = [c for c in res.candidates if c.name == "White Paper on Artificial Intelligence"]
    assert alias == [] or alias[0].alias_of is None
    guide = [c for c in res.candidates if c.name == "Ethics Guidelines for Trustworthy"]
    assert guide and {c.alias_of for c in guide} == {None}
    for c in g.subjects(RDF.type, RKG.Candidate):
        assert (c, RDF.type, RKG.NamedEntity) not in g
        assert not any(
            (c, RDF.type, t) in g for t in (RKG.Law, RKG.Strategy, RKG.Forum, RKG.Initiative)
        )
    a, b = tmp_path / "a.tsv", tmp_path / "b.tsv"
    write_candidates(a, res.candidates)
    write_candidates(b, list(reversed(res.candidates)))
    assert a.read_bytes() == b.read_bytes()
    lines = a.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == [
        "name", "lang", "alias_of", "source_id", "start", "end", "pattern", "context",
    ]  # fmt: skip
    rows = [ln.split("\t") for ln in lines[1:]]
    assert rows == sorted(rows, key=lambda r: (r[3], int(r[4]), int(r[5]), r[0], r[6]))
    for r in rows:
        assert text[int(r[4]) : int(r[5])].strip() == r[0] or r[6].startswith("table")


def test_alias_pairs_point_to_curated_entities(loaded: dict[str, tuple[str, LoadResult]]) -> None:
    _, res = loaded["jsdm-2024-03"]
    pairs = {(c.name, c.alias_of) for c in res.candidates if c.alias_of}
    # 美国国防部高级研究计划局（DARPA）: the acronym is curated, the Chinese form is new.
    assert ("美国国防部高级研究计划局", "darpa") in pairs
    # 美欧贸易和技术理事会（TTC): a curated name ending at the bracket is taken whole, so no
    # truncated "技术理事会" candidate appears.
    _, shou = loaded["shou-bu-2025"]
    assert not any(c.name.endswith("技术理事会") for c in shou.candidates)


def test_write_candidates_escapes_tabs(tmp_path: Path) -> None:
    c = Candidate("A\tB", "en", None, "s", 1, 4, "x\ny", "quoted-title")
    write_candidates(tmp_path / "c.tsv", [c, c])
    lines = (tmp_path / "c.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[1:] == ["A B\ten\t\ts\t1\t4\tquoted-title\tx y"]
