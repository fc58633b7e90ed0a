"""jieba's dictionary read from the on-disk index cuts text exactly as the whole dictionary.

The index (``loaders/wordindex.py``) saves loading jieba's whole dictionary for a short
text; these tests compare its cuts with the whole dictionary's, with the project's
gazetteer names added, on every bundled source and every real fixture document.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from regimekg.loaders import wordindex, wordseg
from regimekg.loaders.mentions import normalise
from regimekg.paths import Project

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted((ROOT / "data" / "sources").glob("*.txt")) + sorted(
    (ROOT / "tests" / "fixtures" / "docs").glob("*.md")
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> wordindex.WordIndex:
    """An index built from jieba's dict.txt in a private directory (never the user's)."""
    return wordindex.WordIndex(tmp_path_factory.mktemp("cache") / "jieba.sqlite3")


@pytest.fixture(scope="module")
def names() -> list[str]:
    from regimekg.loaders.ingest import project_gazetteer

    return sorted(project_gazetteer(Project(ROOT))._cjk_names)


def _paragraphs() -> list[tuple[str, str]]:
    """Every paragraph with Chinese text, normalised as the matcher cuts it."""
    out = []
    for path in TEXTS:
        for para in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            if wordseg._CJK.search(para):
                out.append((path.name, normalise(para)[0]))
    return out


def test_index_holds_jiebas_prefix_dictionary(index: wordindex.WordIndex) -> None:
    whole = wordseg.default_freq()
    assert index.total == wordseg._base().total
    sample = ["中国", "发展中国家", "发展中", "发展中国", "人工智能", "国", "不是词语的串"]
    assert index.get(sample) == {w: whole[w] for w in sample if w in whole}
    assert index.get(["发展中国"]) == {"发展中国": 0}  # a prefix only: frequency 0


def test_entries_in_are_the_whole_dictionarys_keys_inside_the_text(
    index: wordindex.WordIndex,
) -> None:
    text = "发展中国家的人工智能治理，G20与OECD。"
    whole = wordseg.default_freq()
    inside = {
        text[s:e]: whole[text[s:e]]
        for s in range(len(text))
        for e in range(s + 1, len(text) + 1)
        if text[s:e] in whole
    }
    assert index.entries_in([text]) == inside
    assert index.entries_in([text], {"人工智能": 7})["人工智能"] == 7  # extra entries win


def test_the_index_cuts_every_document_as_the_whole_dictionary(
    index: wordindex.WordIndex, names: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wordseg, "_index", lambda: index)
    wordseg._overlay.cache_clear()
    try:
        reduced = wordseg.Segmenter(names, dictionary="index")
        whole = wordseg.Segmenter(names, dictionary="whole")
        paragraphs = _paragraphs()
        assert len({name for name, _ in paragraphs}) >= 6  # sources and real documents read
        for name, text in paragraphs:
            assert len(reduced.tokenizer_for(text).FREQ) < 20 * len(text) + 10_000  # reduced
            assert reduced.boundaries(text) == whole.boundaries(text), (name, text[:40])
    finally:
        wordseg._overlay.cache_clear()


def test_the_added_names_are_the_same_words_with_the_index(
    index: wordindex.WordIndex, names: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gazetteer's names, replayed on the index, get jieba's own frequencies."""
    monkeypatch.setattr(wordseg, "_index", lambda: index)
    wordseg._overlay.cache_clear()
    try:
        extra, total = wordseg._overlay(tuple(names))
        tok = wordseg.Segmenter(names, dictionary="whole")._tokenizer()
        assert total == tok.total
        assert {w: tok.FREQ[w] for w in extra} == extra
        long_names = [n for n in names if len(n) >= 8 and not wordseg.default_freq().get(n)]
        assert long_names and all(extra[n] > 0 for n in long_names)
    finally:
        wordseg._overlay.cache_clear()


def test_an_unusable_index_falls_back_to_the_whole_dictionary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache directory that cannot be written costs time, never a wrong cut or an error."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(wordindex.CACHE_ENV, str(blocker / "cache"))
    wordindex.index_path.cache_clear()
    wordseg._index.cache_clear()
    wordseg._overlay.cache_clear()
    try:
        assert wordseg._index() is None
        seg = wordseg.Segmenter(["发展中国家"], dictionary="index")
        assert seg.tokenizer_for("发展中国家") is seg._tokenizer()
        whole = wordseg.Segmenter(["发展中国家"], dictionary="whole")
        assert seg.boundaries("发展中国家的人") == whole.boundaries("发展中国家的人")
    finally:
        wordindex.index_path.cache_clear()
        wordseg._index.cache_clear()
        wordseg._overlay.cache_clear()


def test_a_damaged_index_is_not_read_as_a_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "jieba.sqlite3"
    path.write_bytes(b"this is not an SQLite database" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        wordindex.WordIndex(path)


def test_the_index_file_is_named_by_jieba_version_and_dictionary_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jieba

    monkeypatch.setenv(wordindex.CACHE_ENV, str(tmp_path))
    wordindex.index_path.cache_clear()
    try:
        path = wordindex.index_path()
    finally:
        wordindex.index_path.cache_clear()
    assert path.parent == tmp_path
    assert re.fullmatch(rf"jieba-{re.escape(jieba.__version__)}-[0-9a-f]{{16}}\.sqlite3", path.name)


def test_the_names_entries_are_kept_for_the_same_names_only(
    index: wordindex.WordIndex, names: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wordseg, "_index", lambda: index)
    saved = index.path.with_suffix(".names.marshal")
    wordseg._overlay.cache_clear()
    try:
        first = wordseg._overlay(tuple(names))
        assert saved.is_file()
        wordseg._overlay.cache_clear()
        assert wordseg._overlay(tuple(names)) == first  # read back
        wordseg._overlay.cache_clear()
        fewer = tuple(n for n in names if n != max(names, key=len))
        assert wordseg._overlay(fewer) != first  # other names: worked out again
        saved.write_bytes(b"damaged")
        wordseg._overlay.cache_clear()
        assert wordseg._overlay(tuple(names)) == first
    finally:
        wordseg._overlay.cache_clear()


def test_a_damaged_index_in_the_cache_is_built_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(wordindex.CACHE_ENV, str(tmp_path))
    wordindex.index_path.cache_clear()
    wordseg._index.cache_clear()
    try:
        wordindex.index_path().write_bytes(b"not SQLite" * 100)
        index = wordseg._index()
        assert index is not None and index.total == wordseg._base().total
    finally:
        wordindex.index_path.cache_clear()
        wordseg._index.cache_clear()
