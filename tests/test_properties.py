"""Properties that must hold for *any* input, checked with hypothesis (issue 8, item 2).

* The segmenter and the document loaders: every segment, mention and candidate points at an
  exact span of the source text (``text[start:end]`` is what the graph stores), on arbitrary
  Chinese, English and mixed text with full-width punctuation, Markdown and numbered
  headings, footnote markers, page breaks, table rows and Windows line ends; and no loader
  fails on such text with anything but a :class:`~regimekg.errors.UserError`.
* The gazetteer matcher: spans are inside the text, never overlap, come in order, and each
  span's text normalises to a name registered for the entity it reports.
* Dates: every existing date round-trips through :mod:`regimekg.dates` at its precision;
  every impossible one raises :class:`~regimekg.dates.DateError`, and nothing else is raised.

Example counts stay modest (``max_examples`` ≤ 200) so the module runs in seconds;
``HYPOTHESIS_PROFILE=deep`` multiplies them (docs/performance.md).
"""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from regimekg import dates
from regimekg.errors import UserError
from regimekg.loaders import load_source
from regimekg.loaders import segment as seg
from regimekg.loaders.mentions import Gazetteer, normalise
from regimekg.loaders.variants import loose
from regimekg.namespaces import RKG, iri
from regimekg.sources import Source
from tests.conftest import examples

SETTINGS = settings(
    max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
LOADER_SETTINGS = settings(
    max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# ------------------------------------------------------------------------------- text

#: Names of the kind the curated data holds, in both languages, with an acronym that is also an
#: English word fragment and two names where one contains the other (longest match matters).
NAMES: list[tuple[str, str, bool]] = [
    ("g7", "七国集团", False),
    ("g7", "Group of Seven", False),
    ("g7", "G7", True),
    ("g20", "二十国集团", False),
    ("g20", "G20", True),
    ("oecd", "经济合作与发展组织", False),
    ("oecd", "经合组织", False),
    ("oecd", "OECD", True),
    ("un", "联合国", False),
    ("un", "United Nations", False),
    ("unesco", "联合国教科文组织", False),
    ("unesco", "UNESCO", True),
    ("eu-ai-act", "《人工智能法案》", False),
    ("eu-ai-act", "Artificial Intelligence Act", False),
    ("eu-ai-act", "AI Act", True),
    ("gpai", "全球人工智能伙伴关系", False),
    ("gpai", "GPAI", True),
    ("china", "中国", False),
    ("chile", "智利", False),
]

CJK = "中国美欧盟联合国人工智能治理机制复合体论坛七国集团二十国伙伴关系全球安全发展规范标准"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789O"
FULLWIDTH = "，。、；：？！“”‘’（）《》〈〉【】「」…—　ＡＢＣ１２３"
MARKERS = seg.CIRCLED[:6]

fragments = st.sampled_from(
    [
        # headings of every style the loaders know
        "# ",
        "## ",
        "### **",
        "**",
        "一、",
        "（二）",
        "(三)",
        "1. ",
        "2．",
        "(4) ",
        "INTRODUCTION AND BACKGROUND",
        "目次",
        "作者：",
        "**摘 要：**",
        "**关键词：**",
        "Abstract: ",
        # footnotes, superscripts, page breaks, tables, line ends
        "①",
        "<sup>②</sup>",
        "<sup>",
        "</sup>",
        "\n---\n",
        "\n***\n",
        "\t",
        "\n",
        "\n\n",
        "  \n",
        "\r\n",
        "\u3000",
        " | ",
        "图1：",
        "表 2:",
        "资料来源：",
        "https://www.oecd.org/ai/",
        # names (so mentions and discovery run) and the patterns discovery looks for
        *[n for _, n, _ in NAMES],
        "七国集团（Group of Seven, G7）",
        "Global Partnership on AI (GPAI)",
        "《全球数字契约》",
        "theEUArtificial Intelligence Act",
        "2O23",
        "&amp;",
    ]
)
runs = st.text(alphabet=CJK + LATIN + FULLWIDTH + MARKERS + " .,;:()\"'-", min_size=1, max_size=30)
documents = st.lists(st.one_of(fragments, runs), max_size=40).map("".join)


def _gazetteer() -> Gazetteer:
    return Gazetteer((iri("institution", slug), name, acronym) for slug, name, acronym in NAMES)


GAZETTEER = _gazetteer()


def _source(loader: str, lang: str, suffix: str = ".txt") -> Source:
    return Source(
        id="prop-doc",
        path=Path(f"prop-doc{suffix}"),
        sha256="0" * 64,
        lang=lang,
        kind="Article",
        loader=loader,
        title={lang: "property test"},
    )


# ------------------------------------------------------------------------------- segmenter


@SETTINGS
@given(documents, st.booleans())
@example("寿步 | 中美两份最新AI行动计划的博弈论\r\n\r\n一、要点\r\n", True)
@example("①\n---\n\t\n  \n", False)
def test_blocks_are_exact_ordered_and_cover_all_text(text: str, plain_headings: bool) -> None:
    blocks = seg.blocks(text, plain_headings=plain_headings)
    last_end = 0
    covered = [False] * len(text)
    for b in blocks:
        assert last_end <= b.start < b.end <= len(text), b
        assert b.start <= b.cstart <= b.cend <= b.end, b
        assert b.text == text[b.start : b.end]
        assert b.content == text[b.cstart : b.cend]
        assert not b.text[0].isspace() or b.kind == "table-row", b
        for i in range(b.start, b.end):
            covered[i] = True
        last_end = b.end
    lost = [ch for ch, c in zip(text, covered, strict=True) if not c and not ch.isspace()]
    assert not lost, f"characters outside every block: {lost!r}"


def _check_offsets(text: str, graph: Graph) -> int:
    """Every node with offsets stores exactly ``text[start:end]``; returns how many."""
    checked = 0
    for node in set(graph.subjects(RKG.startOffset, None)):
        start = int(graph.value(node, RKG.startOffset))
        end = int(graph.value(node, RKG.endOffset))
        assert 0 <= start < end <= len(text), (node, start, end)
        stored = graph.value(node, RKG.text)
        if stored is not None:
            assert str(stored) == text[start:end], node
        surface = graph.value(node, RKG.surfaceForm)
        if surface is not None:
            assert str(surface) == text[start:end], node
        checked += 1
    return checked


@LOADER_SETTINGS
@given(documents, st.sampled_from(["en", "zh"]))
@example("七国集团（Group of Seven, G7）①\n---\n<sup>①</sup>见 https://g7.example/", "zh")
@example("作者：张三\u3000李四\n\n正文。", "zh")  # found by hypothesis: crashed the loader
def test_article_loader_offsets_round_trip(text: str, lang: str) -> None:
    assume(text.strip())
    res = load_source(_source("article", lang), text, GAZETTEER)
    _check_offsets(text, res.graph)
    for s in res.segments:
        assert 0 <= s.start < s.end <= len(text)
    for c in res.candidates:
        assert 0 <= c.start < c.end <= len(text)
        assert c.name.strip(), c


@LOADER_SETTINGS
@given(documents)
@example("**摘 要：**\n人工智能治理。")  # found by hypothesis: an empty segment crashed it
@example("①\n---\n<sup>②</sup>")
def test_journal_loader_never_crashes_and_keeps_offsets(text: str) -> None:
    """The journal loader expects an issue's structure; on anything else it may refuse with a
    UserError, but never crash and never store a span that is not in the text."""
    assume(text.strip())
    try:
        res = load_source(_source("journal", "zh"), text, GAZETTEER)
    except UserError:
        return
    _check_offsets(text, res.graph)


csv_cells = st.text(alphabet=CJK + LATIN + FULLWIDTH + ' ,"\n.', max_size=12)


@LOADER_SETTINGS
@given(st.lists(st.tuples(csv_cells, csv_cells, csv_cells), min_size=1, max_size=8))
def test_csv_tables_keep_offsets_or_refuse_clearly(rows: list[tuple[str, str, str]]) -> None:
    """Any CSV text: the table loader either refuses it with a UserError or stores rows and
    cells whose offsets are exact."""
    text = "时间,颁布机构,文件名称\n" + "\n".join(",".join(r) for r in rows) + "\n"
    src = _source("table", "zh", ".csv")
    src = Source(**{**src.__dict__, "mapping": {"name": "文件名称", "issuer": "颁布机构"}})
    try:
        res = load_source(src, text, GAZETTEER)
    except UserError as e:
        assert "prop-doc.csv" in str(e)
        return
    _check_offsets(text, res.graph)


# ------------------------------------------------------------------------------- gazetteer

name_pool = st.sampled_from(NAMES)
noise = st.text(alphabet=CJK + LATIN + FULLWIDTH + " \n", max_size=8)
haystacks = st.lists(
    st.one_of(name_pool.map(lambda n: n[1]), noise, st.sampled_from(["2O23", "OO7", " ", "　"])),
    max_size=25,
).map("".join)


@SETTINGS
@given(
    st.lists(name_pool, min_size=1, max_size=len(NAMES), unique=True),
    haystacks,
)
@example([("g7", "G7", True), ("g20", "G20", True)], "G20G7 g7 G２0")
@example(
    [("un", "联合国", False), ("unesco", "联合国教科文组织", False)], "联合国教科文组织和联合国"
)
def test_gazetteer_spans_are_in_range_disjoint_and_real_names(
    names: list[tuple[str, str, bool]], text: str
) -> None:
    gaz = Gazetteer((iri("institution", s), n, a) for s, n, a in names)
    matches = gaz.find(text)
    prev_end = 0
    for m in matches:
        assert prev_end <= m.start < m.end <= len(text), (m, prev_end)
        assert m.surface == text[m.start : m.end]
        registered = [n for s, n, _ in names if iri("institution", s) == m.entity]
        if m.rule in ("label", "alias"):  # an exact name
            assert m.entity in gaz.lookup(m.surface), m
            norm = normalise(m.surface)[0]
            assert any(normalise(n)[0] == norm for n in registered), (m, registered)
        else:  # a variant: the same loose key as a registered name
            keys = {loose(f).key for n in registered for f in (n, n.replace("-", ""))}
            assert loose(m.surface).key in keys, (m, registered)
        prev_end = m.end


@SETTINGS
@given(st.text(max_size=60))
@example("ß㏠")  # casefolding and NFKC both expand one character into several
@example("STRASSE Straße 中国㏠")
def test_gazetteer_survives_any_text(text: str) -> None:
    for m in GAZETTEER.find(text):
        assert 0 <= m.start < m.end <= len(text)
        assert m.surface == text[m.start : m.end]


# ------------------------------------------------------------------------------- dates

real_dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


@SETTINGS
@given(real_dates)
def test_every_real_date_round_trips_at_each_precision(d: dt.date) -> None:
    full = f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    assert dates.normalise(full) == full
    assert dates.to_literal(full) == Literal(full, datatype=XSD.date)
    assert dates.bounds(full) == (d, d)
    month = full[:7]
    assert dates.to_literal(month) == Literal(month, datatype=XSD.gYearMonth)
    last = calendar.monthrange(d.year, d.month)[1]
    assert dates.bounds(month) == (d.replace(day=1), d.replace(day=last))
    year = full[:4]
    assert dates.to_literal(year) == Literal(year, datatype=XSD.gYear)
    assert dates.bounds(year) == (dt.date(d.year, 1, 1), dt.date(d.year, 12, 31))
    # the sources' own spellings mean the same dates
    y = full[:4]
    assert dates.normalise(f"{y}.{d.month}", dotted=True) == month
    assert dates.normalise(f"{y}年{d.month}月", dotted=True) == month
    assert dates.normalise(f"{y}年{d.month}月{d.day}日", dotted=True) == full
    # a normalised date parses back to itself
    assert dates.normalise(str(dates.to_literal(full))) == full


@SETTINGS
@given(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 99))
@example(2023, 2, 30)
@example(2024, 2, 30)
@example(2023, 4, 31)
def test_impossible_days_raise_date_error(year: int, month: int, day: int) -> None:
    assume(day > calendar.monthrange(year, month)[1])
    for text in (f"{year:04d}-{month:02d}-{day:02d}", f"{year:04d}年{month}月{day}日"):
        try:
            dates.parse(text, dotted=True)
        except dates.DateError as e:
            assert f"day {day}" in str(e)
        else:
            raise AssertionError(f"{text} was accepted")


@SETTINGS
@given(st.integers(0, 9999), st.integers(13, 99) | st.just(0))
@example(2016, 13)
def test_impossible_months_raise_date_error(year: int, month: int) -> None:
    for text in (f"{year:04d}-{month:02d}", f"{year:04d}.{month}"):
        try:
            dates.parse(text, dotted=True)
        except dates.DateError:
            pass
        else:
            raise AssertionError(f"{text} was accepted")


@SETTINGS
@given(st.text(max_size=16))
@example("0000")
@example("0000-02-29")
@example("2016.10")
@example("2023-02-30")
@example("２０２３-01-01")
def test_any_string_is_a_date_or_a_date_error(text: str) -> None:
    """Nothing but DateError escapes: a user's --as-of or a curator's date never crashes."""
    for dotted in (False, True):
        try:
            y, m, d = dates.parse(text, dotted=dotted)
        except dates.DateError:
            continue
        lo, hi = dates.bounds(dates.normalise(text, dotted=dotted))
        assert lo <= hi
        assert lo.year == y and (m is None or lo.month == m) and (d is None or lo.day == d)


def test_undotted_parsing_refuses_the_sources_ambiguous_form() -> None:
    """Curated data and query parameters are ISO only: ``2016.10`` there is refused, because
    YAML or a spreadsheet may already have turned it into 2016.1."""
    for text in ("2016.10", "2016.1", "2016年10月"):
        try:
            dates.parse(text)
        except dates.DateError as e:
            assert "YYYY-MM" in str(e)
        else:
            raise AssertionError(text)
