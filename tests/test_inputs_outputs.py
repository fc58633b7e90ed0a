"""Bounded parsing (``regimekg.inputs``) and safe outputs (``regimekg.outputs``), unit by unit.

The end-to-end attacks (a bomb in a curated file, a UTF-16 entity bomb given to ``validate``,
…) are cases of ``tests/bad_inputs/cases.yaml``; this module pins down each check's edges and
shows, for XML and JSON-LD, what rdflib would do without the guard (a control that proves the
guard is what stops it).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph

from regimekg import cli
from regimekg import query as q
from regimekg.errors import UserError
from regimekg.export import _csv_text, write_gexf, write_graphml
from regimekg.inputs import (
    MAX_JSON_DEPTH,
    MAX_YAML_DEPTH,
    check_json_depth,
    check_xml,
    compose_yaml,
    decode_text,
    parse_json,
)
from regimekg.loaders import write_candidates
from regimekg.loaders.model import Candidate
from regimekg.outputs import csv_cell, terminal_safe
from regimekg.validate import load_graphs
from tests.bad_inputs.make_corpus import deep_json, rdf_bomb
from tests.conftest import ROOT, examples
from tests.test_query_golden import FIXTURE

# ------------------------------------------------------------------------------ YAML


@pytest.mark.parametrize("fast", [False, True], ids=["python", "libyaml"])
def test_yaml_alias_bomb_is_refused_at_its_first_anchor(fast: bool) -> None:
    """Thirty levels of nine aliases (9**30 strings if expanded) stop at the first anchor."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 30)]
    with pytest.raises(UserError, match=r"^bomb\.yaml line 1: YAML anchor &l0 is not allowed"):
        compose_yaml("\n".join(lines) + "\n", "bomb.yaml", fast=fast)


@pytest.mark.parametrize("fast", [False, True], ids=["python", "libyaml"])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: 1\nb: 2\na: 3\n",
            "line 3: the key 'a' appears twice in one mapping (first at line 1)",
        ),
        ("- {x: 1, x: 2}\n", "line 1: the key 'x' appears twice"),
        ("r:\n  label:\n    en: A\n    en: B\n", "line 4: the key 'en' appears twice"),
        ("1: a\n0x1: b\n", "line 2: the key 1 appears twice"),  # same int, two spellings
        ("a: *x\n", "line 1: YAML alias *x is not allowed"),
        ("[&x 1, *x]\n", "line 1: YAML anchor &x is not allowed"),
        ("{?&x a: 1}\n", "line 1: YAML anchor &x is not allowed"),
        ("a:\n- !!str &x 1\n", "line 2: YAML anchor &x is not allowed"),
        ("x: {<<: {a: 1}, b: 2}\n", "line 1: YAML merge keys (<<) are not allowed"),
        ('x: "G7\\e[2J"\n', "line 1 contains the control character U+001B (ESCAPE)"),
        ('x: "\\x9b31m"\n', "line 1 contains the control character U+009B"),
        ('"a\\0": 1\n', "line 1 contains the control character U+0000 (NUL)"),
    ],
)
def test_yaml_refusals_name_the_line(fast: bool, text: str, message: str) -> None:
    with pytest.raises(UserError) as e:
        compose_yaml(text, "f.yaml", fast=fast)
    assert str(e.value).startswith("f.yaml " + message), str(e.value)


@pytest.mark.parametrize("fast", [False, True], ids=["python", "libyaml"])
def test_deep_yaml_is_refused_in_one_sentence(fast: bool) -> None:
    assert compose_yaml(deep_json(MAX_YAML_DEPTH), "f.yaml", fast=fast)[1] is not None
    # the pure-Python composer recurses per level; libyaml stops at 1,000 by itself
    message = "nested more than 64 levels" if not fast else "exceeded maximum nesting depth"
    for text in (deep_json(5000), "".join("  " * i + "-\n" for i in range(3000))):
        with pytest.raises(UserError, match=message):
            compose_yaml(text, "f.yaml", fast=fast)


@pytest.mark.parametrize("fast", [False, True], ids=["python", "libyaml"])
def test_yaml_text_with_ampersands_and_stars_is_fine(fast: bool) -> None:
    text = 'a: "R&D * 3"\nb: [x & y, "*"]\nc: "tab\\tnewline\\n"\n'
    assert compose_yaml(text, "f.yaml", fast=fast)[1] == {
        "a": "R&D * 3",
        "b": ["x & y", "*"],
        "c": "tab\tnewline\n",
    }


def test_no_project_yaml_uses_anchors() -> None:
    """The rule "no anchors or aliases" costs nothing: none of the data uses them."""
    from regimekg.inputs import load_yaml

    files = [ROOT / "data/sources/sources.yaml", *sorted((ROOT / "data/curated").rglob("*.yaml"))]
    assert len(files) > 10
    for path in files:
        load_yaml(path)  # raises on an anchor, alias, duplicate key or control character


# ------------------------------------------------------------------------------ text


def test_binary_content_anywhere_is_refused() -> None:
    text = ("一行中文 and English\n" * 400).encode()
    assert len(text) > 8192
    with pytest.raises(
        UserError, match=r"f\.txt is not UTF-8 text \(it is binary: a NUL byte on line 401\)"
    ):
        decode_text(text + b"\x00\x01\x02", "f.txt")


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x1b", "U+001B (ESCAPE)"),
        ("\x07", "U+0007"),
        ("\x85", "U+0085"),
        ("\x7f", "U+007F (DELETE)"),
    ],
)
def test_control_characters_in_text_are_refused(char: str, name: str) -> None:
    data = f"title\nsecond {char}line\n".encode()
    with pytest.raises(
        UserError,
        match=rf"^f\.txt line 2 column 8 contains the control character {re.escape(name)}",
    ):
        decode_text(data, "f.txt")


def test_tab_newline_and_carriage_return_are_text() -> None:
    assert decode_text(b"a\tb\r\nc\n", "f.txt") == "a\tb\r\nc\n"


# ------------------------------------------------------------------------------ JSON


def test_json_depth_limit_is_exact_and_ignores_brackets_in_strings() -> None:
    assert parse_json(deep_json(MAX_JSON_DEPTH), "t.json") is not None
    with pytest.raises(UserError, match=r"t\.json line 1 column 65: JSON nested more than 64"):
        parse_json(deep_json(MAX_JSON_DEPTH + 1), "t.json")
    fake = json.dumps({"a": "[" * 500 + '\\"{{{', "b": ["]]]" * 100]})
    check_json_depth(fake, "t.json")  # brackets inside strings (and escaped quotes) do not count


def test_deep_json_never_reaches_the_decoder() -> None:
    """Far past Python's recursion limit: refused by the count, not by a RecursionError."""
    with pytest.raises(UserError, match="nested more than 64 levels"):
        parse_json(deep_json(200_000), "t.json")


# ------------------------------------------------------------------------------ XML

PLAIN = rdf_bomb().split("<!DOCTYPE")[0] + (
    '<!DOCTYPE rdf:RDF [\n  <!ENTITY rkg "https://w3id.org/regimekg/ontology#">\n]>\n'
    + rdf_bomb().split("]>\n", 1)[1].replace("&l7;", "&rkg;Forum")
)


def test_rdflib_alone_expands_entities() -> None:
    """Control: rdflib's RDF/XML parser (xml.sax + expat) expands internal entities, so the
    guard must refuse them before rdflib runs."""
    g = Graph().parse(data=PLAIN, format="xml")
    assert "https://w3id.org/regimekg/ontology#Forum" in {str(o) for o in g.objects()}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le"])
def test_every_entity_declaration_is_refused_in_any_encoding(encoding: str, tmp_path: Path) -> None:
    label = {"utf-8": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16"}[encoding]
    text = PLAIN.replace('encoding="UTF-8"', f'encoding="{label}"')
    data = (b"\xff\xfe" if encoding == "utf-16-le" else b"") + text.encode(encoding)
    with pytest.raises(UserError, match=r"p\.rdf line 3: the DTD declares the entity 'rkg'"):
        check_xml(data, "p.rdf")
    path = tmp_path / "p.rdf"
    path.write_bytes(data)
    with pytest.raises(UserError, match="never expands XML entities"):
        load_graphs([path])


def test_an_external_dtd_subset_is_neither_fetched_nor_refused(
    listener: tuple[str, list[bytes]], tmp_path: Path
) -> None:
    url, seen = listener
    doc = rdf_bomb().split("<!DOCTYPE")[0] + f'<!DOCTYPE rdf:RDF SYSTEM "{url}">\n'
    doc += rdf_bomb().split("]>\n", 1)[1].replace("&l7;", "plain")
    path = tmp_path / "d.rdf"
    path.write_text(doc, "utf-8")
    assert "plain" in {str(o) for o in load_graphs([path]).objects()}
    assert seen == []


def test_jsonld_remote_context_is_never_fetched(
    listener: tuple[str, list[bytes]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``regimekg validate`` refuses a context URL on a loopback listener, which hears
    nothing; rdflib on its own does contact it (the control)."""
    url, seen = listener
    context = url.replace("/sparql", "/context.jsonld")
    nested = {"@context": {"m": {"@id": "http://www.w3.org/ns/org#member", "@context": context}}}
    for n, doc in enumerate(
        [{"@context": context}, {"@context": [{"a": "http://x/a"}, context]}, nested]
    ):
        path = tmp_path / f"c{n}.jsonld"
        path.write_text(json.dumps({**doc, "@id": "https://w3id.org/regimekg/id/institution/g7"}))
        assert cli.main(["--root", str(ROOT), "validate", str(path)]) == 2
        assert "names another document, which regimekg never fetches" in capsys.readouterr().err
    assert seen == [], "validate contacted the context URL"
    with pytest.raises(Exception):  # noqa: B017 - the listener answers no HTTP
        Graph().parse(data=json.dumps({"@context": context, "@id": "urn:x"}), format="json-ld")
    assert seen, "control: rdflib alone fetches remote contexts, so the listener must see it"


# ------------------------------------------------------------------------------ CSV / TSV


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('=HYPERLINK("http://x","G7")', '\'=HYPERLINK("http://x","G7")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("-3.5", "-3.5"),
        ("+1e3", "+1e3"),
        ("-0044", "-0044"),
        ("2023-02-28", "2023-02-28"),
        ("G7 = Group of Seven", "G7 = Group of Seven"),
        ("", ""),
        (7, 7),
        (None, None),
    ],
)
def test_csv_cell_escapes_formulas_only(value: object, shown: object) -> None:
    assert csv_cell(value) == shown


def _read_csv(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_export_csv_round_trips_formula_labels_as_text() -> None:
    rows = [["id/x", "=1+1", "-3.5", "@cmd"]]
    back = _read_csv(_csv_text(["iri", "label", "value", "note"], rows))
    assert back == [["iri", "label", "value", "note"], ["id/x", "'=1+1", "-3.5", "'@cmd"]]


def test_candidates_tsv_round_trips_formula_names_as_text(tmp_path: Path) -> None:
    name = '=HYPERLINK("http://evil")'
    cand = Candidate(name, "en", None, "src", 0, len(name), f"see {name} here", "book-title")
    out = tmp_path / "candidates.tsv"
    write_candidates(out, [cand, Candidate("-2+3", "en", None, "src", 40, 44, "+x", "acronym")])
    back = _read_csv(out.read_text("utf-8"), "\t")
    assert back[1][0] == "'" + name and back[1][-1] == f"see {name} here"
    assert back[2][0] == "'-2+3" and back[2][-1] == "'+x"


@pytest.fixture(scope="module")
def kg() -> q.KG:
    return q.open(ROOT, store=FIXTURE)


HOSTILE = 'SELECT ?x WHERE { VALUES ?x { "=1+1" "\\u001B]0;pwned\\u0007\\u001B[2J" } } ORDER BY ?x'


def test_query_csv_escapes_formulas_and_json_keeps_data(kg: q.KG) -> None:
    res = kg.sparql(HOSTILE)
    cells = [r[0] for r in _read_csv(res.format("csv"))[1:]]
    assert "'=1+1" in cells
    values = [r["x"] for r in json.loads(res.format("json"))["rows"]]
    assert "=1+1" in values and "\x1b]0;pwned\x07\x1b[2J" in values  # data stays data


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_table_and_markdown_show_escapes_visibly(kg: q.KG, fmt: str) -> None:
    text = kg.sparql(HOSTILE).format(fmt)
    assert "\x1b" not in text and "\x07" not in text
    shown = "\\x1b]0;pwned\\x07\\x1b[2J"
    # Markdown doubles the backslash so that the rendered page shows it once
    assert (shown if fmt == "table" else shown.replace("\\", "\\\\")) in text


# ------------------------------------------------------------------------------ terminal


def test_terminal_safe_keeps_text_and_shows_controls() -> None:
    assert terminal_safe("七国集团\tG7\n") == "七国集团\tG7\n"
    assert terminal_safe("a\x1b[31mb\x9b2Jc\rd\x00") == "a\\x1b[31mb\\x9b2Jc\\x0dd\\x00"


def test_cli_messages_show_escape_sequences_visibly(capsys: pytest.CaptureFixture[str]) -> None:
    """An error quoting user text (here a file name) cannot drive the terminal."""
    bad = "/nonexistent/\x1b]0;pwned\x07\x1b[2Jq.rq"
    assert cli.main(["--root", str(ROOT), "sparql", "--file", bad]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b]0;pwned\\x07\\x1b[2Jq.rq" in err


# ------------------------------------------------------------------------------ XML exports


def _graph(label: str) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(
        title="t", generator="g", build_version="v", build_date="d", as_of="", lang="en"
    )
    g.add_node("id/a", label=label, start="", end="", start_day="", end_day="")
    return g


@pytest.mark.parametrize("writer", [write_graphml, write_gexf], ids=["graphml", "gexf"])
def test_xml_exports_refuse_characters_xml_cannot_hold(writer, tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    with pytest.raises(UserError, match=r"node 'id/a' has label holding U\+0000 \(NUL\)"):
        writer(_graph("G\x007"), out)
    assert not out.exists()
    writer(_graph("七国集团 & <G7>"), out)  # ordinary text is escaped, not refused
    assert "七国集团 &amp; &lt;G7&gt;" in out.read_text("utf-8")


# ------------------------------------------------------------------------------ any input

ANY = settings(max_examples=examples(150), deadline=None)
#: text biased towards the characters the parsers care about
TRICKY = st.text(alphabet=st.sampled_from(list("[]{}&*:-?,'\"\\#!<>=+@ \t\r\n\x00\x1b\x9ba1七")))


@ANY
@given(st.one_of(TRICKY, st.text()))
def test_any_text_is_parsed_or_refused_in_one_sentence(text: str) -> None:
    """No input makes the parsers raise anything but a UserError (no RecursionError, no
    TypeError, no parser-specific exception)."""
    for parse in (
        lambda: compose_yaml(text, "f.yaml", fast=False),
        lambda: compose_yaml(text, "f.yaml", fast=True),
        lambda: parse_json(text, "f.json"),
        lambda: check_xml(text.encode("utf-8", "surrogatepass"), "f.rdf"),
        lambda: decode_text(text.encode("utf-8", "surrogatepass"), "f.txt"),
    ):
        try:
            parse()
        except UserError as e:
            assert str(e).count("\n") == 0


@ANY
@given(st.one_of(TRICKY, st.text()))
def test_outputs_never_carry_a_control_sequence_or_a_formula(text: str) -> None:
    shown = terminal_safe(text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown)
    cell = csv_cell(text)
    assert cell in (text, "'" + text)
    if cell == text and text:
        assert text[0] not in "=+-@\t\r" or float(text) is not None  # only numbers pass
