"""What a reader sees: names in the chosen language, never blank, and four tidy formats."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Literal, URIRef

from regimekg import query as q
from regimekg.errors import UserError
from regimekg.query.result import Result, fallback_name
from regimekg.texttable import width as display_width
from tests.conftest import ROOT
from tests.test_query_golden import FIXTURE

ID = "https://w3id.org/regimekg/id/"


@pytest.fixture(scope="module")
def kg() -> q.KG:
    return q.open(ROOT, store=FIXTURE)


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("G7") == 2
    assert display_width("七国集团") == 8
    assert display_width("Ｇ７") == 4  # full-width forms
    assert display_width("e\u0301") == 1  # combining accent takes no column
    assert display_width("广岛AI进程") == 10


def _columns_start(line: str, cells: list[str]) -> list[int]:
    """Display column at which each cell starts in a rendered table line."""
    starts, pos = [], 0
    for cell in cells:
        i = line.index(cell, pos)
        starts.append(display_width(line[:i]))
        pos = i + len(cell)
    return starts


def test_chinese_table_columns_line_up(kg: q.KG) -> None:
    result = kg.query("forums-of-actor", lang="zh", params={"actor": "united-kingdom"})
    lines = result.format("table", "zh").splitlines()
    assert lines[0].split() == ["机制", "角色", "起始", "结束"]
    body = lines[2:-1]
    rows = result.table_rows("zh")
    starts = {
        tuple(_columns_start(line, [c for c in row if c][:3]))
        for line, row in zip(body, rows, strict=True)
    }
    assert len(starts) == 1, f"columns do not line up: {starts}"
    assert lines[-1] == "共 7 行"
    # the rule under each header is as wide as the widest cell of its column
    widths = [len(dash) for dash in lines[1].split()]
    assert widths[0] == max(display_width(r[0]) for r in rows)


def test_labels_fall_back_to_the_other_language_then_the_slug(kg: q.KG) -> None:
    text = f"""SELECT ?x WHERE {{ VALUES ?x {{
        <{ID}institution/waic> <{ID}institution/frontier-model-forum>
        <{ID}institution/not-in-the-graph> <{ID}doc/mini-notes/paragraph-242>
        <https://w3id.org/regimekg/ontology#Forum> }} }}"""
    en = [row[0] for row in kg.sparql(text, lang="en").table_rows("en")]
    zh = [row[0] for row in kg.sparql(text, lang="zh").table_rows("zh")]
    assert en == [
        "世界人工智能大会",  # zh-only entity shown in English output
        "Frontier Model Forum",
        "not-in-the-graph",  # no label at all: its slug
        "mini-notes/paragraph-242",
        "Forum",
    ]
    assert zh[:2] == ["世界人工智能大会", "Frontier Model Forum"]  # en-only shown in zh
    assert zh[2:] == en[2:]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_answer_shows_a_blank_name(kg: q.KG, lang: str) -> None:
    for nq in kg.named_queries():
        result = kg.query(nq.name, lang=lang)
        for row in result.rows:
            for column, value in row.items():
                if isinstance(value, URIRef):
                    assert result.text(value, lang).strip(), (nq.name, column, value)


def test_column_headers_follow_the_language(kg: q.KG) -> None:
    en = kg.query("members-of-forum", lang="en")
    zh = kg.query("members-of-forum", lang="zh")
    assert en.format("csv").splitlines()[0] == "Member,Role,Since,Until"
    assert zh.format("csv").splitlines()[0] == "成员,角色,起始,结束"
    assert zh.format("csv").splitlines()[1] == "欧洲联盟,成员,1977,"


def test_csv_round_trips(kg: q.KG) -> None:
    result = kg.query("conflicting-claims", lang="zh")
    parsed = list(csv.reader(io.StringIO(result.format("csv", "zh"))))
    assert parsed[0][0] == "实体"
    assert parsed[1][:3] == ["广岛人工智能进程之友小组", "member-count", "49"]
    assert parsed[1][7] == "the Hiroshima AI Process Friends Group counted 56 members"


def test_json_keeps_iris_labels_and_types(kg: q.KG) -> None:
    doc = json.loads(kg.query("forum-overlap", lang="zh").format("json", "zh"))
    assert doc["query"] == "forum-overlap"
    assert doc["params"]["forum1"] == {"iri": ID + "institution/g7", "label": "七国集团"}
    assert doc["columns"][0] == {"name": "shared", "title": "共同成员数"}
    assert doc["rows"] == [{"shared": 6, "size1": 6, "size2": 7, "jaccard": 0.857, "overlap": 1.0}]
    nested = json.loads(kg.query("nested-in").format("json"))
    assert nested["rows"][0]["direct"] is False
    assert nested["rows"][0]["body"]["iri"] == ID + "institution/hap-friends-group"


def test_booleans_and_numbers_read_naturally(kg: q.KG) -> None:
    en = kg.query("containers-of").format("table", "en")
    zh = kg.query("containers-of", lang="zh").format("table", "zh")
    assert "European Commission  yes" in en and "European Union       no" in en
    assert "是" in zh and "否" in zh
    assert "0.857" in kg.query("forum-overlap").format("table")


def test_markdown_escapes_pipes_and_newlines() -> None:
    r = Result(columns=["a"], rows=[{"a": Literal("x|y\nz")}])
    assert r.format("md").splitlines()[2] == "| x\\|y z |"


def test_long_cells_are_cut_in_tables_only(kg: q.KG) -> None:
    result = kg.query("paragraphs-mentioning-both")
    table = result.format("table")
    assert "…" in table
    assert all(display_width(line) <= 200 for line in table.splitlines())
    assert result.format("csv").count("国际组织，广岛人工智能进程由政府引领。") == 1


def test_empty_answers_say_so(kg: q.KG) -> None:
    r = kg.query("label-search", params={"q": "no such name"})
    assert r.format("table", "en") == "No results."
    assert r.format("table", "zh") == "没有结果。"
    assert r.format("csv", "zh") == "实体,匹配名称,语言"


def test_unknown_format_or_language_is_a_user_error(kg: q.KG) -> None:
    r = kg.query("timeline")
    with pytest.raises(UserError, match="Format 'xml'"):
        r.format("xml")
    with pytest.raises(UserError, match="--lang en or --lang zh"):
        r.format("table", "fr")
    with pytest.raises(UserError, match="--lang en or --lang zh"):
        kg.query("timeline", lang="de")


def test_fallback_name_shapes() -> None:
    assert fallback_name(URIRef(ID + "state/china")) == "china"
    assert fallback_name(URIRef(ID + "membership/g7/france/member")) == "g7/france/member"
    assert fallback_name(URIRef("https://w3id.org/regimekg/ontology#Forum")) == "Forum"
    assert fallback_name(URIRef("http://example.org/a/b/")) == "b"


# -- the result cap is reported in every format ---------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_capped_answer_says_so_in_every_format(
    kg: q.KG, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("regimekg.guard.RESULT_CAP", 3)
    capped = kg.sparql("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", lang=lang)
    assert capped.truncated and len(capped.rows) == 3
    note = capped.truncation_note()
    assert "3" in note and "LIMIT" in note and "OFFSET" in note
    assert note in capped.format("table")
    md = capped.format("md").splitlines()
    assert md[-1] == f"*{note}*" and md[-2] == ""
    doc = json.loads(capped.format("json"))
    assert doc["truncated"] is True and doc["note"] == note and len(doc["rows"]) == 3
    # CSV stays pure CSV: a header and the three rows, nothing else (the CLI notes on stderr)
    rows = list(csv.reader(io.StringIO(capped.format("csv"))))
    assert len(rows) == 4 and all(len(r) == 3 for r in rows)
    full = kg.sparql("SELECT ?s WHERE { ?s ?p ?o } LIMIT 2", lang=lang)
    assert not full.truncated and full.truncation_note() == ""
    assert "LIMIT" not in full.format("md") and "note" not in json.loads(full.format("json"))


def test_cli_sparql_notes_the_cap_on_stderr_for_csv(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from regimekg import cli

    monkeypatch.setattr("regimekg.guard.RESULT_CAP", 3)
    monkeypatch.setattr(cli, "_open", lambda args: q.open(ROOT, store=FIXTURE))
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    assert cli.main(["sparql", "--format", "csv", text]) == 0
    out, err = capsys.readouterr()
    assert len(list(csv.reader(io.StringIO(out)))) == 4  # header + 3 rows, machine-readable
    assert err.startswith("regimekg: note: (first 3 rows only: the result cap")
    assert cli.main(["sparql", "--format", "csv", text + " LIMIT 2"]) == 0
    assert capsys.readouterr().err == ""
    for fmt in ("table", "md", "json"):
        assert cli.main(["sparql", "--format", fmt, text]) == 0
        out, err = capsys.readouterr()
        assert "first 3 rows only" in out and err == "", fmt


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1", "NaN"])
@pytest.mark.parametrize("command", ["sparql", "serve"])
def test_cli_refuses_a_timeout_that_is_not_finite_and_positive(
    command: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from regimekg import cli

    args = [command, f"--timeout={value}"] + (["ASK {}"] if command == "sparql" else ["--port=0"])
    assert cli.main(["--root", str(ROOT), *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"regimekg: --timeout {float(value):g} is not a finite positive")
