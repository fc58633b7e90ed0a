"""The one table renderer (regimekg.texttable): display widths, cutting, fitting, layouts."""

from __future__ import annotations

from regimekg import texttable
from regimekg.texttable import cut, fit, markdown, pad, plain, width


def test_width_counts_terminal_columns() -> None:
    assert width("G7") == 2
    assert width("七国集团") == 8
    assert width("Ｇ７") == 4  # full-width forms
    assert width("e\u0301") == 1  # a combining accent takes no column
    assert width("a\u200bb") == 2  # nor does a zero-width space
    assert width("广岛AI进程") == 10
    assert width("") == 0


def test_cut_keeps_within_the_limit_and_marks_the_cut() -> None:
    assert cut("short", 10) == "short"
    assert cut("exactly10!", 10) == "exactly10!"
    assert cut("one more char", 10) == "one more …"
    # a wide character that would straddle the limit is left out whole
    assert cut("七国集团峰会", 6) == "七国…"
    assert width(cut("七国集团峰会", 7)) <= 7


def test_pad_fills_display_columns() -> None:
    assert pad("中", 4) == "中  "
    assert pad("12", 4, right=True) == "  12"


def test_fit_narrows_only_the_widest_columns() -> None:
    widths = [4, 30, 50]
    assert fit(widths, 60, minimum=8)
    assert widths[0] == 4 and sum(widths) + 4 <= 60
    assert widths[1] == widths[2] or abs(widths[1] - widths[2]) <= 1
    assert not fit([3, 3], 10, minimum=8)
    tight = [20, 20]
    fit(tight, 5, minimum=8)
    assert tight == [8, 8]  # never below the minimum


def test_plain_aligns_mixed_scripts_without_trailing_blanks() -> None:
    lines = plain(["name", "n"], [["七国集团", "7"], ["OECD", "38"]], right=[False, True])
    assert lines == [
        "name      n",
        "--------  --",
        "七国集团   7",
        "OECD      38",
    ]
    starts = [width(line[: line.index(c)]) for line, c in zip(lines[2:], "73", strict=True)]
    assert starts == [11, 10]  # the numbers end in the same column
    assert all(line == line.rstrip() for line in lines)
    assert plain(["a", "b"], [["x", ""]], rule=False) == ["a  b", "x"]


def test_plain_cuts_cells_to_given_widths() -> None:
    lines = plain(["text"], [["a long piece of text"]], widths=[8])
    assert lines[2] == "a long …"


def test_markdown_escapes_what_breaks_a_cell() -> None:
    lines = markdown(["a|b", "c"], [["x\\y", "two\nlines"]])
    assert lines == ["| a\\|b | c |", "|---|---|", "| x\\\\y | two lines |"]
    assert texttable.md_cell("  padded  ") == "padded"
