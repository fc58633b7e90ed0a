"""CLI discovery: `regimekg queries`, `regimekg query NAME --help`, refused repeated
parameters, undeclared prefixes named in one sentence, and per-kind entity prefixes."""

from __future__ import annotations

import pytest

from regimekg.errors import UserError
from regimekg.namespaces import ID, PREFIXES
from regimekg.query import check_prefixes
from regimekg.query.catalog import load_dir
from regimekg.query.sparqltext import undeclared_prefixes
from tests.conftest import ROOT
from tests.test_cli import assert_one_sentence_error, run


def test_queries_lists_every_question_in_either_language() -> None:
    named = load_dir(ROOT / "queries")
    for lang in ("en", "zh"):
        proc = run("queries", "--lang", lang)
        assert proc.returncode == 0, proc.stderr
        for name, nq in named.items():
            line = next(x for x in proc.stdout.splitlines() if x.split(" ", 1)[0] == name)
            assert nq.title[lang] in line
            for p in nq.params:
                assert f"{p.name}=" in line


def test_query_name_help_describes_that_question() -> None:
    proc = run("query", "members-of-forum", "--help")
    assert proc.returncode == 0, proc.stderr
    nq = load_dir(ROOT / "queries")["members-of-forum"]
    assert nq.description["en"] in proc.stdout and nq.title["zh"] in proc.stdout
    assert "forum  entity, default g7" in proc.stdout
    generic = run("query", "--help")
    assert generic.returncode == 0 and "usage: regimekg query" in generic.stdout
    assert_one_sentence_error(run("query", "members-of-forums", "--help"), "members-of-forum")


def test_repeated_param_is_refused() -> None:
    proc = run("query", "members-of-forum", "--param", "forum=g7", "--param", "forum=gpai")
    assert_one_sentence_error(proc, "--param forum is given twice")


def test_undeclared_prefix_is_named() -> None:
    assert undeclared_prefixes('SELECT * { ?s foo:p "a:b" . ?s <x:y> _:b } # bar:x') == ["foo"]
    assert undeclared_prefixes("PREFIX foo: <http://e/> SELECT * { ?s foo:p ?o }") == []
    with pytest.raises(UserError, match=r"prefix foo: .*rkg:.*state:"):
        check_prefixes("SELECT * WHERE { ?s foo:p ?o }")
    check_prefixes("SELECT * WHERE { state:china ?p institution:g7 }")


def test_entity_prefixes_per_kind() -> None:
    assert PREFIXES["state"] == f"{ID}state/"
    assert PREFIXES["institution"] == f"{ID}institution/"
    assert len(set(PREFIXES.values())) == len(PREFIXES)
