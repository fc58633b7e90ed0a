"""Chinese word boundaries for mention matching, from the ``jieba`` segmenter.

Chinese is written without spaces, so a name can sit inside a longer word: 中国 inside
发展中国家 ("developing countries"), 海地 ("Haiti") inside 沿海地区. A match is a mention only
when both of its ends fall on word boundaries wherever the text on either side is Chinese.
Boundaries come from jieba's dictionary-based segmentation (its own dictionary plus every
Chinese name of the gazetteer, so a long curated name is one word and never cut apart),
without jieba's HMM guesser, which would glue unknown characters onto a name.
See docs/decisions/20261207-chinese-word-boundaries.md for the measurements.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import re
import sqlite3
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from ..errors import UserError
from ..files import write_bytes
from .wordindex import WordIndex, build, index_path

if TYPE_CHECKING:
    import jieba

_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _base() -> jieba.Tokenizer:
    """jieba's own dictionary, loaded once per process (about a second).

    jieba itself is imported here, not with this module: with its dictionary it costs about
    half a second, which a document without Chinese text never needs.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


@lru_cache(maxsize=16)
def _with_words(words: tuple[str, ...]) -> jieba.Tokenizer:
    """jieba with *words* added, on a private copy of its dictionary (about 70 ms), so the
    names of one gazetteer never leak into another's segmentation; the same names share one
    copy."""
    import jieba

    base = _base()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = dict(base.FREQ), base.total, True
    for word in words:
        tok.add_word(word)
    return tok


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


class Segmenter:
    """Word boundaries of Chinese text, with the gazetteer's names as dictionary words.

    A few texts (one ingested document) are cut with only their own dictionary entries,
    read from the on-disk index (:mod:`.wordindex`); once more text than
    :data:`INDEX_BUDGET` characters has been cut (a build), or if the index cannot be
    used, the whole dictionary is loaded instead. Both give the same cuts.
    """

    def __init__(
        self, names: Iterable[str] = (), dictionary: Literal["auto", "index", "whole"] = "auto"
    ) -> None:
        """*dictionary* is ``"auto"`` (as above), ``"index"`` (always the index where it can
        be used) or ``"whole"`` (always the whole dictionary): the last two for tests."""
        self._names = sorted({n for n in names if _CJK.search(n)})
        self._tok: jieba.Tokenizer | None = None
        self._cut_chars = 0
        self._dictionary = dictionary

    def _tokenizer(self) -> jieba.Tokenizer:
        if self._tok is None:
            base = _base()
            missing = [n for n in self._names if not base.FREQ.get(n)]
            if not missing:
                self._tok = base  # every name is already one of jieba's words
                return base
            self._tok = _with_words(tuple(missing))
        return self._tok

    def tokenizer_for(self, text: str) -> jieba.Tokenizer:
        """The whole dictionary once it is loaded or worth loading, else *text*'s entries."""
        self._cut_chars += len(text)
        if self._dictionary == "index" or (
            self._dictionary == "auto"
            and self._tok is None
            and self._cut_chars <= INDEX_BUDGET
            and not _base.cache_info().currsize
        ):
            tok = _reduced(text, tuple(self._names))
            if tok is not None:
                return tok
        return self._tokenizer()

    def boundaries(self, text: str) -> set[int]:
        """Offsets in *text* where a word starts or ends (0 and ``len(text)`` included)."""
        out = {0, len(text)}
        if not _CJK.search(text):
            return out
        tok = self.tokenizer_for(text)
        for word, start, end in tok.tokenize(text, HMM=False):
            out.add(start)
            out.add(end)
            out.update(start + k for k in compound_cuts(word, tok.FREQ))
        return out

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """jieba's words of *text* with their offsets (for tests and measurements)."""
        return list(self._tokenizer().tokenize(text, HMM=False))


#: Characters of Chinese text one Segmenter cuts with the index before it loads the whole
#: dictionary instead (docs/performance.md, "Chinese documents: jieba's dictionary from an
#: index": the index costs about 8 µs a character more, loading the dictionary about 1.4 s).
INDEX_BUDGET = 20_000


@lru_cache(maxsize=1)
def _index() -> WordIndex | None:
    """The on-disk dictionary index, or None where it cannot be built or read (a read-only
    cache directory, say): the whole dictionary is then loaded, as before. A damaged file
    is built anew once."""
    for attempt in range(2):
        try:
            return WordIndex()
        except sqlite3.DatabaseError as exc:
            logging.getLogger(__name__).debug("jieba dictionary index unreadable: %s", exc)
            if attempt:
                return None
            with contextlib.suppress(OSError, UserError, sqlite3.Error):
                build(index_path())
        except (OSError, UserError, sqlite3.Error) as exc:
            logging.getLogger(__name__).debug("jieba dictionary index unavailable: %s", exc)
            return None
    return None


@lru_cache(maxsize=16)
def _overlay(names: tuple[str, ...]) -> tuple[dict[str, int], int] | None:
    """The entries the gazetteer's *names* add to jieba's dictionary, and its new total.

    Replays :func:`_with_words` (which adds every name not already a word, in order, with
    jieba's ``suggest_freq``) on the index entries inside the names: ``add_word`` consults
    only substrings of the word it adds, so the result is what the full dictionary gets.
    Kept beside the index for the last gazetteer (a tenth of a second to work out again).
    """
    index = _index()
    if index is None:
        return None
    key = hashlib.sha256("\n".join(names).encode()).hexdigest()
    saved = index.path.with_suffix(".names.marshal")
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        got_key, extra, total = marshal.loads(saved.read_bytes())
        if got_key == key:
            return extra, total
    import jieba

    tok = jieba.Tokenizer()
    tok.FREQ = index.entries_in(names)
    tok.total, tok.initialized = index.total, True
    for name in [n for n in names if not tok.FREQ.get(n)]:
        tok.add_word(name)
    with contextlib.suppress(OSError, UserError):
        write_bytes(saved, marshal.dumps((key, tok.FREQ, tok.total)))
    return tok.FREQ, tok.total


def _reduced(text: str, names: tuple[str, ...]) -> jieba.Tokenizer | None:
    """A tokenizer holding only the dictionary entries inside *text*: it cuts *text*
    exactly as the whole dictionary with *names* added does."""
    overlay = _overlay(names)
    if overlay is None:
        return None
    import jieba

    extra, total = overlay
    tok = jieba.Tokenizer()
    tok.FREQ = _index().entries_in([text], extra)  # type: ignore[union-attr]
    tok.total, tok.initialized = total, True
    return tok


def compound_cuts(word: str, freq: dict[str, int]) -> set[int]:
    """Inner boundaries of a compound: where *word* can be cut into dictionary words of two
    or more characters each (美国|政府, 国防|部门, 发展中|国家), so a name that is one of
    those parts (美国 in 美国政府, "the US government") is still a mention, while one that
    cuts across them (中国 in 发展中|国家) is not. Words that do not split that way whole
    have no inner boundaries."""
    n = len(word)
    if n < 4:
        return set()

    def is_word(a: int, b: int) -> bool:
        return b - a >= 2 and freq.get(word[a:b], 0) > 0

    ahead = {0}  # reachable from the start by whole parts
    for b in range(2, n + 1):
        if any(a in ahead and is_word(a, b) for a in range(b - 1)):
            ahead.add(b)
    behind = {n}  # the end is reachable from here by whole parts
    for a in range(n - 2, -1, -1):
        if any(b in behind and is_word(a, b) for b in range(a + 2, n + 1)):
            behind.add(a)
    if 0 not in behind:
        return set()
    return {k for k in ahead & behind if 0 < k < n}


def default_words(text: str) -> list[tuple[str, int, int]]:
    """Words of *text* by jieba's own dictionary alone (no gazetteer names): an oracle that
    does not share the matcher's additions, used to count names found inside longer words."""
    return list(_base().tokenize(text, HMM=False))


def default_freq() -> dict[str, int]:
    """jieba's own dictionary (word → frequency)."""
    return _base().FREQ
