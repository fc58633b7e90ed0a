"""The bilingual gazetteer, and mention linking measured on the hand-labelled sample."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from regimekg.loaders.mentions import Gazetteer
from regimekg.loaders.segment import has_cjk
from regimekg.loaders.wordseg import compound_cuts, default_freq, default_words, is_cjk
from regimekg.namespaces import RKG, iri
from regimekg.paths import Project
from regimekg.sources import load_manifest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "docs"
SAMPLE = ROOT / "data" / "mentions-sample.tsv"
EX = Namespace("https://example.org/")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_graph(Graph().parse(FIXTURES / "entities.ttl"))


def found(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    out = []
    for m in gaz.find(text):
        assert text[m.start : m.end] == m.surface
        out.append((m.surface, m.slug))
    return out


def test_chinese_longest_match_without_word_boundaries(gaz: Gazetteer) -> None:
    assert found(gaz, "欧盟委员会发布了欧盟人工智能战略。") == [
        ("欧盟委员会", "european-commission"),
        ("欧盟人工智能战略", "artificial-intelligence-for-europe"),
    ]
    assert found(gaz, "联合国高级别人工智能咨询机构与联合国教科文组织") == [
        ("联合国高级别人工智能咨询机构", "un-high-level-advisory-body-on-ai"),
        ("联合国教科文组织", "unesco"),
    ]
    # Full-width and half-width punctuation inside a name are the same name.
    assert found(gaz, "《赢得竞争:美国人工智能行动计划》") == [
        ("赢得竞争:美国人工智能行动计划", "us-ai-action-plan")
    ]


def test_english_survives_ocr_dropped_spaces_and_digit_confusion(gaz: Gazetteer) -> None:
    assert found(gaz, "unveiledadraftfortheEUArtificial Intelligence Act, establishing") == [
        ("EUArtificial Intelligence Act", "eu-ai-act")
    ]
    assert found(gaz, "releasedtheWhitePaperonArtificial Intelligence,proposing") == [
        ("WhitePaperonArtificial Intelligence", "white-paper-on-ai")
    ]
    assert found(gaz, "platforms like theUN and G2O to promote") == [
        ("UN", "united-nations"),
        ("G2O", "g20"),
    ]
    # Width and case: full-width letters are matched, the stored text is not rewritten.
    text = "ＯＥＣＤ与european commission"
    assert found(gaz, text) == [
        ("ＯＥＣＤ", "oecd"),
        ("european commission", "european-commission"),
    ]


def test_acronyms_are_case_sensitive_and_need_edges(gaz: Gazetteer) -> None:
    assert found(gaz, "the un and the Un") == []
    assert found(gaz, "UNESCO and UNICEF") == [("UNESCO", "unesco")]
    assert found(gaz, "EUROPE and G77 and AIAction Summit") == []
    assert found(gaz, "theEUiscurrently") == [("EU", "european-union")]


def test_words_inside_other_words_are_not_mentions(gaz: Gazetteer) -> None:
    assert found(gaz, "Chinatown and Chinaware") == []
    assert found(gaz, "the Paris AIAction Summit") == []  # "AI Act" inside "AIAction"


def test_names_inside_urls_and_common_words_are_not_mentions(gaz: Gazetteer) -> None:
    text = "美国白宫发布(https://www.whitehouse.gov/wp-content/uploads/plan.pdf)"
    assert found(gaz, text) == [("美国白宫", "white-house")]
    g = Graph()
    g.add((EX.haiti, RDF.type, RKG.State))
    g.add((EX.haiti, RDFS.label, Literal("海地", lang="zh")))
    g.add((EX.chile, RDF.type, RKG.State))
    g.add((EX.chile, RDFS.label, Literal("智利", lang="zh")))
    small = Gazetteer.from_graph(g)
    assert small.find("中国东部沿海地区与人工智能利用") == []
    assert [m.slug for m in small.find("智利、海地和阿根廷")] == ["chile", "haiti"]


def test_ambiguous_and_too_short_names_are_not_linked() -> None:
    g = Graph()
    for slug, label in (("a", "人工智能联盟"), ("b", "人工智能联盟"), ("c", "美"), ("d", "AB")):
        e = EX[slug]
        g.add((e, RDF.type, RKG.Forum))
        g.add((e, RDFS.label, Literal(label, lang="zh" if slug != "d" else "en")))
    gaz = Gazetteer.from_graph(g)
    assert gaz.find("人工智能联盟与美方") == []
    assert gaz.lookup("人工智能联盟") == {EX.a, EX.b}
    assert [m.slug for m in gaz.find("AB and ab")] == ["d"]  # all-caps → acronym rules


def test_entity_classes_come_from_the_ontology_subclass_tree() -> None:
    g = Graph()
    g.add((EX.Regime, RDFS.subClassOf, EX.Mid))
    g.add((EX.Mid, RDFS.subClassOf, RKG.Institution))
    g.add((EX.x, RDF.type, EX.Regime))
    g.add((EX.x, SKOS.altLabel, Literal("机制复合体论坛", lang="zh")))
    g.add((EX.y, RDF.type, RKG.Paragraph))  # not a named entity
    g.add((EX.y, RDFS.label, Literal("段落标签", lang="zh")))
    gaz = Gazetteer.from_graph(g)
    assert [m.entity for m in gaz.find("机制复合体论坛和段落标签")] == [EX.x]


def test_offsets_map_back_through_normalisation(gaz: Gazetteer) -> None:
    text = "前言 ＧＰＡＩ，\n人工智能全球\n伙伴关系 and Hiroshima\u3000AI Process"
    ms = gaz.find(text)
    assert [(text[m.start : m.end], m.entity) for m in ms] == [
        ("ＧＰＡＩ", iri("institution", "gpai")),
        ("人工智能全球\n伙伴关系", iri("institution", "gpai")),
        ("Hiroshima\u3000AI Process", iri("institution", "hiroshima-ai-process")),
    ]


# ---------------------------------------------------------------------- evaluation


def _sample() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_sample_is_labelled_from_the_text() -> None:
    rows = _sample()
    texts = {s.id: s.read_text() for s in load_manifest(Project(ROOT))}
    assert len(rows) >= 60
    langs = {("zh" if any("\u4e00" <= c <= "\u9fff" for c in r["surface"]) else "en") for r in rows}
    assert langs == {"zh", "en"}
    for r in rows:
        s, e = int(r["start"]), int(r["end"])
        assert texts[r["source_id"]][s:e] == r["surface"]
        assert int(r["passage_start"]) <= s < e <= int(r["passage_end"])
    assert len({r["source_id"] for r in rows}) == 3


def measure(gaz: Gazetteer) -> tuple[float, float, set, set]:
    texts = {s.id: s.read_text() for s in load_manifest(Project(ROOT))}
    gold: set[tuple[str, int, int, str]] = set()
    passages: set[tuple[str, int, int]] = set()
    for r in _sample():
        gold.add((r["source_id"], int(r["start"]), int(r["end"]), r["entity"]))
        passages.add((r["source_id"], int(r["passage_start"]), int(r["passage_end"])))
    pred = set()
    for sid, ps, pe in passages:
        for m in gaz.find(texts[sid][ps:pe]):
            pred.add((sid, ps + m.start, ps + m.end, m.slug))
    tp = gold & pred
    return len(tp) / len(pred), len(tp) / len(gold), pred - gold, gold - pred


def test_mention_linking_precision_and_recall(gaz: Gazetteer) -> None:
    precision, recall, false_pos, false_neg = measure(gaz)
    # Measured 0.993 / 0.972 (0.993 / 0.965 before word boundaries and variants): a change
    # that loses precision or recall fails here.
    assert precision >= 0.99, sorted(false_pos)
    assert recall >= 0.97, sorted(false_neg)
    # The known misses stay visible: names written differently from every curated form.
    assert ("jsdm-2024-03", 40537, 40545, "oecd") in false_neg  # 经济合作发展组织


def test_every_linked_entity_in_the_sample_is_a_fixture_entity(gaz: Gazetteer) -> None:
    slugs = {str(e).rsplit("/", 1)[-1] for e in gaz.entities}
    assert {r["entity"] for r in _sample()} <= slugs
    assert URIRef(iri("state", "china")) in gaz.entities


# ---------------------------------------------------------------------- word boundaries


def test_a_chinese_name_never_matches_inside_a_longer_word(gaz: Gazetteer) -> None:
    assert found(gaz, "中国作为最大的发展中国家，倾听发展中国家的关切。") == [("中国", "china")]
    assert found(gaz, "在发展中国家中国的作用") == [("中国", "china")]
    # Curated names are dictionary words, so a long name is never cut apart.
    assert found(gaz, "联合国高级别人工智能咨询机构发布报告") == [
        ("联合国高级别人工智能咨询机构", "un-high-level-advisory-body-on-ai")
    ]


def test_one_word_brand_names_keep_their_capitalisation_and_their_word(gaz: Gazetteer) -> None:
    assert found(gaz, "focusing on open AI models and Open AI tools") == []
    assert found(gaz, "openai") == []
    assert found(gaz, "OpenAI and DeepSeek") == [("OpenAI", "openai"), ("DeepSeek", "deepseek")]
    assert found(gaz, "china and porcelain") == []


def false_mentions(text: str, start: int, end: int, names: set[str]) -> str | None:
    """Why the mention ``text[start:end]`` is false, or None.

    *Inside a longer Chinese word*: jieba's own dictionary (without the gazetteer's names, an
    oracle independent of the matcher's additions) has a word around the mention that is
    longer than it, is no name of the entity, and is not a compound with the mention as one
    of its whole parts (中国 in 发展中国家 is false; 美国 in 美国政府 is the US). *Across an English
    token boundary*: the mention starts or ends inside a lower-case word ("openai" in
    "reopenaid"), or spans more space-separated words than any name of its entity
    ("open AI" for OpenAI).
    """
    surface = text[start:end]
    lo, hi = max(0, start - 12), min(len(text), end + 12)
    if is_cjk(surface[0]) or is_cjk(surface[-1]):
        for word, ws, we in default_words(text[lo:hi]):
            ws, we = lo + ws, lo + we
            if ws <= start and end <= we and we - ws > end - start and word not in names:
                cuts = compound_cuts(word, default_freq()) | {0, len(word)}
                if start - ws not in cuts or end - ws not in cuts:
                    return f"inside the word {word}"
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before.isascii() and before.islower() and surface[0].islower():
        return "starts inside a word"
    if after.isascii() and after.islower() and surface[-1].islower():
        return "ends inside a word"
    words = len(surface.split())
    latin_names = [n for n in names if not has_cjk(n)]
    if words > 1 and not has_cjk(surface) and all(len(n.split()) < words for n in latin_names):
        return "joins words the name does not have"
    return None


@pytest.fixture(scope="module")
def bundled() -> list[tuple[str, str, int, int, str]]:
    """Every mention the build makes in the bundled sources (same gazetteer, same loader)."""
    from regimekg.loaders import load_source
    from regimekg.loaders.ingest import project_gazetteer

    project = Project(ROOT)
    gazetteer = project_gazetteer(project)
    out = []
    for src in load_manifest(project):
        text = src.read_text()
        g = load_source(src, text, gazetteer).graph
        for m in g.subjects(RDF.type, RKG.Mention):
            s, e = int(g.value(m, RKG.startOffset)), int(g.value(m, RKG.endOffset))
            entity = g.value(m, RKG.mentionOf)
            why = false_mentions(text, s, e, gazetteer.names[entity])
            out.append((src.id, text[s:e], s, e, why or ""))
    return out


def test_no_false_mention_inside_a_word_in_the_bundled_sources(bundled: list) -> None:
    assert len(bundled) > 500  # the sources were really read
    false = [m for m in bundled if m[4]]
    assert len(false) == 0, false


def test_the_false_mention_oracle_can_fail() -> None:
    text = "中国作为最大的发展中国家。focusing on open AI models"
    at = text.index("中国家") - 1
    assert false_mentions(text, at + 1, at + 3, {"中国", "China"}) == "inside the word 发展中国家"
    assert false_mentions(text, 0, 2, {"中国", "China"}) is None
    s = text.index("open AI")
    assert false_mentions(text, s, s + 7, {"OpenAI"}) == "joins words the name does not have"


# ---------------------------------------------------------------------- tolerant matching


def test_near_miss_variants_of_a_title_match_with_a_confidence(gaz: Gazetteer) -> None:
    exact = gaz.find("the White Paper on Artificial Intelligence")[0]
    assert (exact.slug, exact.confidence, exact.rule) == ("white-paper-on-ai", 1.0, "label")
    alias = gaz.find("欧委会")[0]
    assert (alias.slug, alias.confidence, alias.rule) == ("european-commission", 0.9, "alias")
    for text, surface in (
        (
            "the White Paper for Artificial Intelligence was",
            "White Paper for Artificial Intelligence",
        ),
        ("Ethics Guidelines on Trustworthy AI (2019)", "Ethics Guidelines on Trustworthy AI"),
        (
            "the Global Partnership of Artificial-Intelligence",
            "Global Partnership of Artificial-Intelligence",
        ),
        (
            "at the 2024 Global Partnership of Artificial Intelligence summit",
            "2024 Global Partnership of Artificial Intelligence",
        ),
    ):
        (m,) = gaz.find(text)
        assert m.surface == surface and text[m.start : m.end] == surface
        assert m.rule == "variant" and 0.7 <= m.confidence < 1.0, m
    # Two kinds of difference cost more than one.
    (one,) = gaz.find("Ethics Guidelines on Trustworthy AI")
    (two,) = gaz.find("Ethics Guidelines on the Trustworthy AI")
    assert two.confidence < one.confidence


def test_a_weak_variant_is_a_proposal_not_a_mention(gaz: Gazetteer) -> None:
    text = "the White Paper for the Artificial-Intelligence 2020"
    assert gaz.find(text) == []
    (m,) = gaz.match(text)
    assert m.slug == "white-paper-on-ai" and m.confidence < 0.7


def test_an_honorific_and_a_name_match_the_person() -> None:
    g = Graph()
    g.add((EX.trump, RDF.type, RKG.Person))
    g.add((EX.trump, RDFS.label, Literal("Donald Trump", lang="en")))
    g.add((EX.trump, RDFS.label, Literal("唐纳德·特朗普", lang="zh")))
    g.add((EX.guterres, RDF.type, RKG.Person))
    g.add((EX.guterres, RDFS.label, Literal("António Guterres", lang="en")))
    gaz = Gazetteer.from_graph(g)
    got = [
        (m.surface, m.slug, m.rule)
        for m in gaz.find(
            "President Trump met Secretary-General Guterres; 特朗普总统与总统唐纳德·特朗普。"
        )
    ]
    assert got == [
        ("President Trump", "trump", "honorific"),
        ("Secretary-General Guterres", "guterres", "honorific"),
        ("特朗普总统", "trump", "honorific"),
        ("唐纳德·特朗普", "trump", "label"),
    ]
    assert all(m.confidence < 1.0 for m in gaz.find("President Trump"))
    assert gaz.find("Trump Tower") == []  # a surname alone is no name


# ---------------------------------------------------------------------- real documents


def _key_entities() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    with (FIXTURES / "real-key-entities.tsv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out.setdefault(row["file"], set()).add(row["entity"])
    return out


@pytest.mark.parametrize("name", sorted(_key_entities()))
def test_real_documents_link_their_key_entities_and_nothing_false(name: str) -> None:
    """Public documents saved with a provenance header (benchmarks/ingest_report.py)."""
    from regimekg.loaders import load_source
    from regimekg.loaders.header import read_header
    from regimekg.loaders.ingest import project_gazetteer
    from regimekg.sources import Source

    path = FIXTURES / name
    text = path.read_text(encoding="utf-8")
    header = read_header(text)
    assert (header.get("url") or "").startswith("http")
    assert header.get("retrieved") == "2026-12-07"
    gazetteer = project_gazetteer(Project(ROOT))
    src = Source(path.stem, path, "", "en", "Article", "article", {})
    g = load_source(src, text, gazetteer).graph
    linked = {str(o).rsplit("/", 1)[-1] for o in g.objects(None, RKG.mentionOf)}
    assert _key_entities()[name] <= linked
    assert "openai" not in linked  # "open AI models"
    for m in g.subjects(RDF.type, RKG.Mention):
        s, e = int(g.value(m, RKG.startOffset)), int(g.value(m, RKG.endOffset))
        assert s >= header.end
        assert false_mentions(text, s, e, gazetteer.names[g.value(m, RKG.mentionOf)]) is None
