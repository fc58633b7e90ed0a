"""Reading RDF through pyoxigraph gives rdflib the same triples as rdflib's own parser.

The fast reader (:mod:`regimekg.rdfread`) feeds SHACL on the incremental ingest path and the
vocabulary; if it differed from rdflib's parser — a plain literal typed ``xsd:string``, a
relative IRI resolved elsewhere — validation and the controlled values would drift from a
full build's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic

from regimekg import rdfread
from regimekg.errors import UserError
from regimekg.ontology import parse_turtle

ROOT = Path(__file__).resolve().parents[1]
TURTLE = sorted((ROOT / "ontology").rglob("*.ttl"))


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_triples_as_rdflib(path: Path) -> None:
    slow = Graph().parse(path, format="turtle")
    fast = parse_turtle(path, fast=True)
    assert len(fast) == len(slow)
    # blank nodes are relabelled; every triple without one must be equal
    assert _ground(fast) == _ground(slow)


def _ground(g: Graph) -> set[tuple[object, object, object]]:
    return {t for t in g if not any(isinstance(n, BNode) for n in t)}


def test_literals_and_relative_iris(tmp_path: Path) -> None:
    src = tmp_path / "t.ttl"
    src.write_text(
        "@prefix ex: <http://example.org/> .\n"
        'ex:a ex:p "plain", "en"@en, "3"^^<http://www.w3.org/2001/XMLSchema#integer> ;\n'
        '  ex:q <rel> , [ ex:r "中文"@zh ] .\n',
        encoding="utf-8",
    )
    slow = Graph().parse(src, format="turtle")
    fast = rdfread.read(src)
    assert isomorphic(fast, slow)
    assert Literal("plain") in set(fast.objects())  # untyped, as rdflib parses it
    nt = tmp_path / "t.nt"
    nt.write_bytes(slow.serialize(format="nt", encoding="utf-8"))
    assert isomorphic(rdfread.read(nt, "nt"), slow)


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:p .\n", "utf-8")
    g = Graph()
    with pytest.raises(UserError, match=r"bad\.ttl line 3"):
        parse_turtle(bad, g, fast=True)
    assert len(g) == 0


def test_jieba_only_when_needed() -> None:
    """Matching mentions in English text never imports jieba (half a second of start-up)."""
    code = (
        "import sys\n"
        "from regimekg.loaders.mentions import Gazetteer\n"
        "from rdflib import URIRef\n"
        "g = Gazetteer([(URIRef('http://example.org/e'), 'European Union', False)])\n"
        "assert g.find('The European Union said so.', 'en')\n"
        "print('jieba' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"
