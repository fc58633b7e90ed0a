"""Regenerate the encoded and binary files of the bad-input corpus from readable text.

The files under ``tests/bad_inputs/files/`` that cannot be edited as UTF-8 text (GBK, UTF-16,
a byte-order mark, a character cut in half, a PNG named ``.txt``) are written by this script,
so their content can be reviewed here and rebuilt exactly::

    python tests/bad_inputs/make_corpus.py

The text is the opening of the bundled article ``002_0a8524c0562f45e9.txt`` (寿步, 2025), so
the corpus carries real prose, only in the wrong bytes. The 50 MB document is *not* stored: the
tests generate it in a temporary directory (:func:`big_document`).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"

#: The first lines of 寿步《中美两份最新AI行动计划的博弈论》 (data/sources/002_…txt).
EXCERPT = (
    "寿步 | 中美两份最新AI行动计划的博弈论\n"
    "\n"
    "一、中美两份AI行动计划的要点和比较\n"
    "\n"
    "二、美中之间关于《中国行动计划》的破解与反破解的博弈\n"
    "\n"
    "时隔三天,7月26日,在上海召开的2025世界人工智能大会暨人工智能全球治理高级别会议发表了由"
    "中国倡导的《人工智能全球治理行动计划》。本文将从中美两份AI行动计划分析中美两国在人工智能"
    "(AI)治理方面的博弈。\n"
)


def png_bytes() -> bytes:
    """A valid 1×1 grey PNG: binary content (with NUL bytes) that no text decoder accepts."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


#: Past the first 64 KiB, where a prefix-only check would stop looking.
PAST_64K = 70 * 1024

#: Nested entities (each expands the previous one ten times): 10**7 copies of "lol".
LAUGHS = '  <!ENTITY l0 "lol">\n' + "".join(
    f'  <!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">\n' for i in range(1, 8)
)

RDF_BODY = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://w3id.org/regimekg/id/institution/g7">
    <rdfs:comment>&l7;</rdfs:comment>
  </rdf:Description>
</rdf:RDF>
"""


def rdf_bomb(padding: str = "", in_dtd: str = "", encoding: str = "UTF-8") -> str:
    """An RDF/XML "billion laughs" document; *padding* (a comment) comes before the DTD,
    *in_dtd* (comments) before the entities inside it."""
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n{padding}'
        f"<!DOCTYPE rdf:RDF [\n{in_dtd}{LAUGHS}]>\n{RDF_BODY}"
    )


def comment_block(size: int) -> str:
    """XML comments of about *size* characters (harmless filler, 80-character lines)."""
    line = "<!-- " + "regimekg bad-input corpus: filler before the entity declarations " + "-->\n"
    return line * (size // len(line) + 1)


def deep_json(depth: int, inner: str = "1") -> str:
    """*depth* nested arrays around *inner*."""
    return "[" * depth + inner + "]" * depth


def corpus() -> dict[str, bytes]:
    """File name → exact bytes of every generated corpus file."""
    utf8 = EXCERPT.encode("utf-8")
    # cut one byte into a character of the last line, as an interrupted download would
    cut = len(EXCERPT[: EXCERPT.index("本文")].encode("utf-8")) + 1
    # real prose, then binary content after the first 4 KiB
    prose = (EXCERPT * (5000 // len(utf8) + 2)).encode("utf-8")
    first_line, rest = EXCERPT.split("\n", 1)
    return {
        "zh-excerpt-gbk.txt": EXCERPT.encode("gbk"),
        "zh-excerpt-utf16.txt": EXCERPT.encode("utf-16"),  # with BOM, as Windows Notepad saves
        "zh-excerpt-bom.txt": b"\xef\xbb\xbf" + utf8,
        "zh-excerpt-truncated.txt": utf8[:cut],
        "empty.txt": b"",
        "image-named.txt": png_bytes(),
        # --- binary or control characters past the first 4 KiB / in a title
        "zh-binary-after-4k.txt": prose + png_bytes() + utf8,
        "zh-nul-after-4k.txt": prose + b"\x00" + utf8,
        "zh-ansi-title.txt": (f"\x1b]0;pwned\x07\x1b[2J{first_line}\x1b[0m\n{rest}").encode(),
        "zh-c1-csi.txt": (f"{first_line}\n\u009b31m{rest}").encode(),
        # --- XML entity bombs a 64 KiB prefix check cannot see
        "bomb-after-64k.rdf": rdf_bomb(padding=comment_block(PAST_64K)).encode("utf-8"),
        "bomb-late-in-dtd.rdf": rdf_bomb(in_dtd=comment_block(PAST_64K)).encode("utf-8"),
        "bomb-utf16.rdf": rdf_bomb(encoding="UTF-16").encode("utf-16"),
        "bomb-utf16-after-64k.rdf": rdf_bomb(comment_block(PAST_64K), encoding="UTF-16").encode(
            "utf-16"
        ),
        # --- JSON nested far deeper than Python's decoder recursion limit
        "deep.jsonld": (
            '{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"},\n'
            '"@id": "https://w3id.org/regimekg/id/institution/g7",\n'
            f'"label": {deep_json(5000, chr(34) + "G7" + chr(34))}}}\n'
        ).encode(),
        "table-deep.json": (
            f'[\n  {{"时间": "2016.10", "颁布机构": "白宫", "文件名称": {deep_json(5000)}}}\n]\n'
        ).encode(),
        "table-mapping-deep.yaml": (
            "# A column mapping nested 5000 levels deep in an unused key.\n"
            f"name: 文件名称\nx: {deep_json(5000)}\n"
        ).encode(),
        "table-control-escape.json": (
            '[\n  {"时间": "2016.10", "颁布机构": "白宫", '
            '"文件名称": "\\u001b[2J\\u001b]0;pwned\\u0007国家人工智能研究与发展战略规划"}\n]\n'
        ).encode(),
        "entities-control-label.yaml": (
            "# An entity label with a raw ESC sequence (clears a terminal).\n"
            "- evidence:\n  - quote: 七国集团\n    source: jsdm-2024-03\n  id: zz-ansi\n"
            '  label:\n    en: "Group \x1b[2Jof Seven"\n    zh: 七国集团\n  type: Forum\n'
        ).encode(),
    }


def big_document(path: Path, size: int = 50 * 1024 * 1024) -> Path:
    """Write a *size*-byte UTF-8 document of real sentences (the excerpt, repeated)."""
    block = EXCERPT.encode("utf-8")
    with path.open("wb") as f:
        written = 0
        while written + len(block) <= size:
            f.write(block)
            written += len(block)
        f.write(b"\n" * (size - written))
    return path


def main() -> None:
    FILES.mkdir(exist_ok=True)
    for name, data in corpus().items():
        (FILES / name).write_bytes(data)
        print(f"wrote {FILES / name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
