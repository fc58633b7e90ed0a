"""What ingesting a few real documents links, proposes and misses (docs/loaders.md).

``python -m benchmarks.ingest_report`` loads every ``tests/fixtures/docs/real-*.md`` the way
``regimekg ingest`` would (article loader, the project's curated gazetteer) and compares the
result with the hand-labelled key entities of ``tests/fixtures/docs/real-key-entities.tsv``:

* linked — a mention of the entity (confidence at least the threshold);
* proposed — no mention, but a candidate proposed as its alias;
* missed — neither.

It also counts what must be zero: segments, mentions or candidates inside the metadata header
(leading ``# key: value`` lines), mentions inside a longer Chinese word (jieba's own
dictionary as the judge) and mentions of an entity that is not in the text (OpenAI for
"open AI models"). It uses only APIs that older versions of regimekg also have, so the same
command measures the code before a change.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from pathlib import Path

import jieba
from rdflib import URIRef
from rdflib.namespace import RDF

from regimekg.loaders import load_source
from regimekg.loaders.ingest import project_gazetteer
from regimekg.loaders.segment import detect_lang
from regimekg.namespaces import RKG
from regimekg.paths import Project
from regimekg.sources import Source

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "tests" / "fixtures" / "docs"
_HEADER = re.compile(r"(?:#[ \t]*[a-z][a-z0-9_-]*[ \t]*:[^\n]*\n)+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _slug(iri: URIRef | str) -> str:
    return str(iri).rsplit("/", 1)[-1]


def _compound_cuts(word: str, freq: dict[str, int]) -> set[int]:
    """Joints of a compound of whole words (美国|政府), as in ``loaders.wordseg``; repeated
    here so that the same judge measures versions of regimekg that predate that module."""
    n = len(word)
    ahead, behind = {0}, {n}
    for b in range(2, n + 1):
        if any(a in ahead and b - a >= 2 and freq.get(word[a:b], 0) for a in range(b - 1)):
            ahead.add(b)
    for a in range(n - 2, -1, -1):
        if any(b in behind and b - a >= 2 and freq.get(word[a:b], 0) for b in range(a + 2, n + 1)):
            behind.add(a)
    return {k for k in ahead & behind if 0 < k < n} if n >= 4 and 0 in behind else set()


def main() -> None:
    jieba.setLogLevel(60)
    tok = jieba.Tokenizer()
    tok.initialize()
    key: dict[str, list[str]] = defaultdict(list)
    with (DOCS / "real-key-entities.tsv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            key[row["file"]].append(row["entity"])
    gaz = project_gazetteer(Project(ROOT))
    print(
        "| document | linked | proposed | missed | other entities linked | header leaks |"
        " inside a longer word | matched below 0.9 (confidence) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for path in sorted(DOCS.glob("real-*.md")):
        text = path.read_text(encoding="utf-8")
        src = Source(
            id=re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-"),
            path=path,
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            lang=detect_lang(text),
            kind="Article",
            loader="article",
            title={},
        )
        res = load_source(src, text, gaz)
        g = res.graph
        header = _HEADER.match(text)
        body = header.end() if header else 0
        mentions = []
        weak = []
        for m in g.subjects(RDF.type, RKG.Mention):
            s, e = int(g.value(m, RKG.startOffset)), int(g.value(m, RKG.endOffset))
            mentions.append((s, e, _slug(g.value(m, RKG.mentionOf))))
            conf = g.value(m, RKG.matchConfidence)  # absent before confidences existed
            if conf is not None and float(conf) < 0.9:
                weak.append(f"{text[s:e]} ({float(conf):.2f})")
        linked = {slug for _, _, slug in mentions}
        proposed = {c.alias_of for c in res.candidates if c.alias_of}
        leaks = sum(1 for r in res.segments if r.start < body)
        leaks += sum(1 for s, _, _ in mentions if s < body)
        leaks += sum(1 for c in res.candidates if c.start < body)
        inside = 0
        for s, e, _ in mentions:
            if not (_CJK.match(text[s]) or _CJK.match(text[e - 1])):
                continue
            lo = max(0, s - 12)
            for w, ws, we in tok.tokenize(text[lo : e + 12], HMM=False):
                ws, we = lo + ws, lo + we
                if ws <= s and e <= we and we - ws > e - s:
                    cuts = _compound_cuts(w, tok.FREQ) | {0, len(w)}
                    inside += s - ws not in cuts or e - ws not in cuts
                    break
        want = key[path.name]
        got = [k for k in want if k in linked]
        prop = [k for k in want if k not in linked and k in proposed]
        miss = [k for k in want if k not in linked and k not in proposed]
        other = sorted(linked - set(want))
        print(
            f"| {path.name} | {len(got)}/{len(want)} | {', '.join(prop) or '–'} | "
            f"{', '.join(miss) or '–'} | {', '.join(other) or '–'} | {leaks} | {inside} | "
            f"{'; '.join(sorted(set(weak))) or '–'} |"
        )


if __name__ == "__main__":
    main()
