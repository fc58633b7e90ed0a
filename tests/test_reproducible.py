"""Reproducible builds (DESIGN §6): the same commit gives the same ``regimekg.nq`` on any day.

Two sources of difference are covered: blank node labels (parsers draw them at random) and
anything read from the clock. The clock is faked for a whole second build, child processes
included, by a ``sitecustomize`` module on its ``PYTHONPATH``: that moves ``time.time``,
``date.today`` and ``datetime.now`` forward by years, so a value taken from the clock anywhere
in the build shows up as a difference in the dump.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from regimekg import store
from regimekg.build import FIRST_METRICS_YEAR, built_at, metric_slices
from regimekg.errors import UserError
from regimekg.namespaces import RKG

ROOT = Path(__file__).resolve().parents[1]

#: Shifts every clock reading of the process by about five years and three months, so both
#: the year and the day differ from the real ones.
FAKE_CLOCK = """
import datetime as _dt
import time as _time

# pandas' C extensions (country_converter's tables) hang on subclassed date types: let them
# bind the real ones first. date.today() still moves, as it reads time.time().
import pandas

_SHIFT = 5 * 365 * 86400 + 97 * 86400
_real_time, _real_time_ns = _time.time, _time.time_ns
_time.time = lambda: _real_time() + _SHIFT
_time.time_ns = lambda: _real_time_ns() + _SHIFT * 10**9


class date(_dt.date):
    @classmethod
    def today(cls):
        return cls.fromtimestamp(_time.time())


class datetime(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return cls.fromtimestamp(_time.time(), tz)

    @classmethod
    def today(cls):
        return cls.fromtimestamp(_time.time())

    @classmethod
    def utcnow(cls):
        return cls.fromtimestamp(_time.time(), _dt.UTC).replace(tzinfo=None)


_dt.date, _dt.datetime = date, datetime
"""

TURTLE = """
@prefix ex: <http://example.org/> .
ex:a ex:evidence [ ex:quote "one" ; ex:page 1 ] , [ ex:quote "two" ] .
ex:b ex:evidence [ ex:quote "one" ; ex:page 1 ] .
ex:a ex:label "A" .
"""


def _labels(data: bytes) -> set[str]:
    return {w for line in data.decode().splitlines() for w in line.split() if w.startswith("_:")}


def test_blank_nodes_get_the_same_labels_from_every_parse() -> None:
    name = URIRef("https://w3id.org/regimekg/graph/vocab")
    first = store.nquads([(name, Graph().parse(data=TURTLE, format="turtle"))])
    second = store.nquads([(name, Graph().parse(data=TURTLE, format="turtle"))])
    assert sorted(first.splitlines()) == sorted(second.splitlines())  # the dump sorts lines
    assert len(_labels(first)) == 3  # equal-looking evidence of two subjects stays two nodes
    parsed = Graph().parse(data=first.replace(f" <{name}> .".encode(), b" ."), format="nt")
    assert isomorphic(parsed, Graph().parse(data=TURTLE, format="turtle"))


def test_blank_node_labels_differ_between_graphs() -> None:
    """N-Quads labels span the whole file: the same structure in two graphs is two nodes."""
    g = Graph().parse(data=TURTLE, format="turtle")
    data = store.nquads(
        [(URIRef("http://example.org/g1"), g), (URIRef("http://example.org/g2"), g)]
    )
    assert len(_labels(data)) == 6


def test_graph_without_blank_nodes_is_unchanged() -> None:
    g = Graph().parse(data='<http://e/s> <http://e/p> "x" .', format="nt")
    triples = list(store.canonical_triples(URIRef("http://e/g"), g))
    assert triples == list(g)
    assert not any(isinstance(t, BNode) for tr in triples for t in tr)


def test_metric_years_come_from_the_data_not_the_clock() -> None:
    """The yearly slices end at the last year anything in graph/time becomes known."""
    time = Graph()
    for day in ("2019-05-31", "2021-12-31"):
        time.add((URIRef("urn:x:" + day), RKG.knownFrom, Literal(day, datatype=XSD.date)))
    assert metric_slices(time) == [None, *map(str, range(FIRST_METRICS_YEAR, 2022))]
    assert metric_slices(Graph()) == [None]


def test_built_time_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert built_at() == "2023-11-14T22:13:20+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(UserError, match="SOURCE_DATE_EPOCH"):
        built_at()


def test_two_builds_on_different_days_write_the_same_dump(
    small_built: Path, tmp_path: Path
) -> None:
    """A second build of the same project, years later by its clock, dumps the same bytes.

    The project is the small one (``tests/smallproject.py``): every stage that could read
    the clock or draw blank node labels (loaders, curated evidence, graph/time, the metric
    slices, the writer) runs on it as on the full one, so a difference would show here too.
    """
    built = small_built
    fake = tmp_path / "fakeclock"
    fake.mkdir()
    (fake / "sitecustomize.py").write_text(FAKE_CLOCK, "utf-8")
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    env["PYTHONPATH"] = os.pathsep.join([str(fake), str(ROOT / "src"), str(ROOT)])
    out = tmp_path / "later"
    cli = "from regimekg.cli import main; raise SystemExit(main())"
    root = built.parent / "proj"
    proc = subprocess.run(
        [sys.executable, "-c", cli, "--root", str(root), "build", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    first = json.loads((built / store.INFO_FILE).read_text("utf-8"))
    later = json.loads((out / store.INFO_FILE).read_text("utf-8"))
    assert later["built"][:4] > first["built"][:4], "the clock was not faked"
    a, b = (built / store.NQ_FILE).read_bytes(), (out / store.NQ_FILE).read_bytes()
    assert _labels(a), "the build has no blank nodes left to check"
    assert a == b
