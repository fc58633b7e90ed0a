"""jieba's prefix dictionary as an on-disk index, so a short text is cut without loading it.

jieba keeps its dictionary as one dict (``Tokenizer.FREQ``: about 350 k words and, with
frequency 0, every prefix of a word — half a million keys) and unmarshals all of it from its
cache before the first cut, about a second. Its cutting consults that dict only for
substrings of the text being cut: ``frag in FREQ`` while the DAG scans forward from each
character (stopping at the first fragment that is not a key), ``FREQ.get`` for the route,
and ``total`` for the logarithms. A tokenizer whose ``FREQ`` holds exactly the keys that are
substrings of the text, with the real ``total``, therefore cuts that text exactly as the full
one does (``tests/test_wordindex.py`` checks it on every bundled and fixture document).

This module keeps the dictionary in an SQLite table (standard library, one B-tree lookup per
key, nothing loaded up front) in the user cache directory, and finds a text's keys the way
jieba's DAG does: every character, then every key extended by one character, until nothing
extends. The file's name carries jieba's version and a hash of its ``dict.txt``, so another
jieba gets another file; it is built on first use (a few seconds, once per machine) and
written atomically, so two processes building it at once both end with a whole file.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from ..files import atomic_path

#: Keys per ``IN (...)`` query: well under SQLite's oldest limit of 999 bound parameters.
_CHUNK = 900
#: Environment variable naming the directory for the index (tests use a temporary one).
CACHE_ENV = "REGIMEKG_CACHE_DIR"


def cache_dir() -> Path:
    """Where the index lives: ``$REGIMEKG_CACHE_DIR``, else the user cache directory."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("regimekg", appauthor=False))


def _dict_file() -> Path:
    import jieba

    return Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)


@lru_cache(maxsize=1)
def index_path() -> Path:
    """The index file for the installed jieba: its version and its ``dict.txt``'s hash."""
    import jieba

    digest = hashlib.sha256(_dict_file().read_bytes()).hexdigest()[:16]
    return cache_dir() / f"jieba-{jieba.__version__}-{digest}.sqlite3"


def build(target: Path) -> None:
    """Write jieba's prefix dictionary (``gen_pfdict`` of its ``dict.txt``) to *target*."""
    import jieba

    with _dict_file().open("rb") as fh:
        freq, total = jieba.Tokenizer.gen_pfdict(fh)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        con = sqlite3.connect(tmp)
        try:
            con.execute(
                "CREATE TABLE freq (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID"
            )
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
            con.executemany("INSERT INTO freq VALUES (?, ?)", sorted(freq.items()))
            con.execute("INSERT INTO meta VALUES ('total', ?)", (total,))
            con.commit()
        finally:
            con.close()


class WordIndex:
    """Read-only lookups in the index (built first if it is missing)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = (path or index_path()).resolve()
        if not self.path.is_file():
            build(self.path)
        # Read-only, and shareable between threads (SQLite is built serialised: threadsafety 3).
        self._con = sqlite3.connect(
            f"{self.path.as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        (self.total,) = self._con.execute("SELECT value FROM meta WHERE key = 'total'").fetchone()

    def get(self, words: Iterable[str]) -> dict[str, int]:
        """The entries among *words* (word → frequency, 0 for a prefix only)."""
        words = list(words)
        out: dict[str, int] = {}
        for i in range(0, len(words), _CHUNK):
            chunk = words[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            out.update(
                self._con.execute(f"SELECT word, n FROM freq WHERE word IN ({marks})", chunk)
            )
        return out

    def entries_in(
        self, texts: Iterable[str], extra: Mapping[str, int] | None = None
    ) -> dict[str, int]:
        """Every entry of the dictionary (plus *extra*, which wins) that is a substring of
        one of *texts*: the keys jieba's DAG and route would look up, and nothing more.

        Breadth first, like the DAG's scan: every character, then every fragment that is a
        key extended by one character; one query per round for all texts at once.
        """
        extra = extra or {}
        texts = list(texts)
        found: dict[str, int] = {}
        frontier = {(t, k, k + 1) for t, text in enumerate(texts) for k in range(len(text))}
        while frontier:
            frags = {texts[t][s:e] for t, s, e in frontier}
            new = self.get(f for f in frags if f not in extra)
            new.update((f, extra[f]) for f in frags if f in extra)
            found.update(new)
            frontier = {
                (t, s, e + 1) for t, s, e in frontier if e < len(texts[t]) and texts[t][s:e] in new
            }
        return found

    def close(self) -> None:
        self._con.close()
