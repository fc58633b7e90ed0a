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

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba

_CJK = re.compile(r"[\u3400-\u9fff]")
jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _base() -> jieba.Tokenizer:
    """jieba's own dictionary, loaded once per process (about a second)."""
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


class Segmenter:
    """Word boundaries of Chinese text, with the gazetteer's names as dictionary words."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._names = sorted({n for n in names if _CJK.search(n)})
        self._tok: jieba.Tokenizer | None = None

    def _tokenizer(self) -> jieba.Tokenizer:
        if self._tok is None:
            base = _base()
            tok = jieba.Tokenizer()
            # A private copy of the dictionary: the names of one gazetteer never leak into
            # another's segmentation.
            tok.FREQ, tok.total, tok.initialized = dict(base.FREQ), base.total, True
            for name in self._names:
                tok.add_word(name)
            self._tok = tok
        return self._tok

    def boundaries(self, text: str) -> set[int]:
        """Offsets in *text* where a word starts or ends (0 and ``len(text)`` included)."""
        out = {0, len(text)}
        if not _CJK.search(text):
            return out
        for _word, start, end in self._tokenizer().tokenize(text, HMM=False):
            out.add(start)
            out.add(end)
        return out

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """jieba's words of *text* with their offsets (for tests and measurements)."""
        return list(self._tokenizer().tokenize(text, HMM=False))


def default_words(text: str) -> list[tuple[str, int, int]]:
    """Words of *text* by jieba's own dictionary alone (no gazetteer names): an oracle that
    does not share the matcher's additions, used to count names found inside longer words."""
    return list(_base().tokenize(text, HMM=False))
