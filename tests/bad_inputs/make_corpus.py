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


def corpus() -> dict[str, bytes]:
    """File name → exact bytes of every generated corpus file."""
    utf8 = EXCERPT.encode("utf-8")
    # cut one byte into a character of the last line, as an interrupted download would
    cut = len(EXCERPT[: EXCERPT.index("本文")].encode("utf-8")) + 1
    return {
        "zh-excerpt-gbk.txt": EXCERPT.encode("gbk"),
        "zh-excerpt-utf16.txt": EXCERPT.encode("utf-16"),  # with BOM, as Windows Notepad saves
        "zh-excerpt-bom.txt": b"\xef\xbb\xbf" + utf8,
        "zh-excerpt-truncated.txt": utf8[:cut],
        "empty.txt": b"",
        "image-named.txt": png_bytes(),
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
