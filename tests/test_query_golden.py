"""Golden answers: every named query on the shared fixture gives the hand-written rows.

``tests/fixtures/mini-expected/<query>.yaml`` holds, per query, cases of parameters and the rows
expected on ``tests/fixtures/mini.trig`` (see the README there). They were written from the
fixture's facts, so a query that drifts (a changed filter, a lost DISTINCT, a wrong date
comparison) fails here with the first differing row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import BNode, Literal, URIRef

from regimekg import query as q
from regimekg.namespaces import ID, PREFIXES
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "mini.trig"
EXPECTED = ROOT / "tests" / "fixtures" / "mini-expected"
QUERIES = ROOT / "queries"

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBERS = {URIRef(_XSD + t) for t in ("decimal", "double", "float")}
_BOOLEAN, _INTEGER = URIRef(_XSD + "boolean"), URIRef(_XSD + "integer")


def cell(value: Any) -> Any:
    """A result cell in the notation of the golden files."""
    if value is None:
        return None
    if isinstance(value, URIRef):
        s = str(value)
        if s.startswith(str(ID)):
            return s[len(str(ID)) :]
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if s.startswith(ns) and prefix not in ("id", "graph"):
                return f"{prefix}:{s[len(ns) :]}"
        return s
    if isinstance(value, BNode):
        return f"_:{value}"
    if isinstance(value, Literal):
        if value.datatype == _BOOLEAN:
            return value.toPython() is True
        if value.datatype == _INTEGER:
            return int(str(value))
        if value.datatype in _NUMBERS:
            return round(float(str(value)), 3)
        return str(value)
    return value


def rows_of(result: q.Result) -> list[dict[str, Any]]:
    return [{c: cell(r.get(c)) for c in result.columns} for r in result.rows]


def golden_cases() -> list[Any]:
    out = []
    for path in sorted(EXPECTED.glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            params = {k: str(v) for k, v in (case.get("params") or {}).items()}
            out.append(pytest.param(path.stem, params, case["rows"], id=f"{path.stem}-{i}"))
    return out


@pytest.fixture(scope="module")
def kg() -> q.KG:
    return q.open(ROOT, store=FIXTURE)


def test_every_named_query_has_golden_answers() -> None:
    queries = {p.stem for p in QUERIES.glob("*.rq")}
    goldens = {p.stem for p in EXPECTED.glob("*.yaml")}
    assert queries == goldens, (
        f"without golden answers: {sorted(queries - goldens)}; "
        f"golden answers for no query: {sorted(goldens - queries)}"
    )


@pytest.mark.parametrize(("name", "params", "expected"), golden_cases())
def test_golden(
    kg: q.KG, name: str, params: dict[str, str], expected: list[dict[str, Any]]
) -> None:
    result = kg.query(name, params=params)
    got = rows_of(result)
    if expected:
        assert result.columns == list(expected[0]), "columns differ from the golden file"
    assert got == expected


def test_golden_answers_do_not_depend_on_the_label_language(kg: q.KG) -> None:
    """--lang changes names and headers, never which rows come back."""
    for name in ("forums-of-actor", "overlapping-forums", "timeline"):
        en, zh = kg.query(name, lang="en"), kg.query(name, lang="zh")
        assert rows_of(en) == rows_of(zh)
        assert en.format("csv").splitlines()[0] != zh.format("csv").splitlines()[0]


def test_fixture_is_the_one_described(kg: q.KG) -> None:
    """The fixture's deliberate features are really there (other tests rely on them)."""
    r = kg.sparql(
        """SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g {
             <https://w3id.org/regimekg/id/work/4db751a330b8> ?p ?o } }""",
        untrusted=False,
    )
    # the cited work's triples sit in both source graphs (union duplicates)
    assert int(str(r.rows[0]["n"])) == 2 * 6
    assert Path(FIXTURE).read_text(encoding="utf-8").startswith("# tests/fixtures/mini.trig")


def test_fixture_offsets_index_the_source_texts(kg: q.KG) -> None:
    """Segments laid out at their offsets rebuild each source text; every mention's surface
    form and every evidence quote is exactly the text at its offsets, inside its segment."""
    segs = kg.sparql(
        """SELECT ?seg ?doc ?text ?start ?end WHERE {
             ?seg rkg:inDocument ?doc ; rkg:text ?text ; rkg:startOffset ?start ;
                  rkg:endOffset ?end }""",
        untrusted=False,
    ).rows
    texts: dict[str, list[str]] = {}
    spans: dict[str, tuple[int, int]] = {}
    for r in segs:
        start, end, text = int(str(r["start"])), int(str(r["end"])), str(r["text"])
        assert end - start == len(text), r["seg"]
        chars = texts.setdefault(str(r["doc"]), [])
        chars.extend(" " * max(0, end - len(chars)))
        for i, ch in enumerate(text):
            assert chars[start + i] in (" ", ch), f"{r['seg']} overlaps another segment"
            chars[start + i] = ch
        spans[str(r["seg"])] = (start, end)
    source = {doc: "".join(chars) for doc, chars in texts.items()}

    mentions = kg.sparql(
        """SELECT ?seg ?doc ?surface ?start ?end WHERE {
             ?m rkg:inSegment ?seg ; rkg:surfaceForm ?surface ; rkg:startOffset ?start ;
                rkg:endOffset ?end . ?seg rkg:inDocument ?doc }""",
        untrusted=False,
    ).rows
    evidence = kg.sparql(
        """SELECT ?seg ?doc ?surface ?start ?end WHERE {
             ?e rkg:quote ?surface ; rkg:fromSource ?doc ; rkg:inSegment ?seg ;
                rkg:startOffset ?start ; rkg:endOffset ?end }""",
        untrusted=False,
    ).rows
    assert len(mentions) == 92 and len(evidence) == 118
    for r in mentions + evidence:
        start, end = int(str(r["start"])), int(str(r["end"]))
        assert source[str(r["doc"])][start:end] == str(r["surface"]), r
        seg_start, seg_end = spans[str(r["seg"])]
        assert seg_start <= start and end <= seg_end, r
