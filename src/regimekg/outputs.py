"""Safe outputs in one place: spreadsheet cells, terminal text and XML export values.

Input checks (:mod:`regimekg.inputs`) keep control characters out of the graph, but text
reaches the outputs by other routes too (a SPARQL literal typed into a query, an endpoint's
answer, a name discovered in a document), and some harmless-looking text is dangerous only
in one output:

* **CSV/TSV cells** that a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+cmd|…``,
  ``-2+3``, ``@SUM(…)``, or any of these after a tab or carriage return) are prefixed with a
  ``'`` (the OWASP "CSV injection" rule), so Excel, LibreOffice and Google Sheets show them
  as text. Numbers such as ``-3.5`` or ``+1e3`` and dates keep their value.
* **Terminal text** (tables, Markdown, messages, progress lines) has every C0/C1 control
  character other than tab and line feed shown as a visible ``\\x1b``-style escape, so a
  document cannot move the cursor, recolour or clear the screen, or set the window title.
  Data formats written for programs (CSV, JSON) are left as they are.
* **XML exports** (GraphML, GEXF) are checked before writing: a value XML 1.0 cannot hold is
  refused with the node or edge that carries it, instead of a crash or an invalid file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

from .errors import UserError

if TYPE_CHECKING:  # networkx is imported only by the commands that export
    import networkx as nx

# ------------------------------------------------------------------------------ CSV / TSV

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START = tuple("=+-@\t\r")
#: A plain number (with sign, decimals, exponent): a value, never a formula.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """*value* as a spreadsheet will show it, not run it: ``'`` before a formula-like text."""
    formula_like = isinstance(value, str) and value[:1] in FORMULA_START
    return "'" + value if formula_like and not _NUMBER.fullmatch(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """:func:`csv_cell` on every value of a row, for ``csv.writer.writerow``."""
    return [csv_cell(v) for v in values]


# ------------------------------------------------------------------------------ terminal

#: C0 and C1 control characters and DEL, except tab and line feed (carriage return too:
#: a bare CR lets text overwrite the start of its own line).
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """*text* with every control character shown as ``\\xNN``, so nothing reaches the terminal
    as an escape sequence (ESC ``\\x1b``, CSI ``\\x9b``, BEL, backspace, carriage return)."""
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class TerminalStream(io.TextIOBase):
    """A text stream that writes :func:`terminal_safe` text into another stream.

    The CLI wraps ``sys.stdout`` (for human-readable formats) and ``sys.stderr`` in it, so every
    message, progress line and table passes one filter, whoever prints it.
    """

    def __init__(self, target: TextIO) -> None:
        super().__init__()
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", "utf-8")


# ------------------------------------------------------------------------------ XML exports

#: Characters XML 1.0 cannot carry at all (not even escaped).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_xml_values(g: nx.MultiDiGraph, fmt: str) -> None:
    """Refuse to write *g* as GraphML/GEXF if a node, edge or attribute holds a character XML
    1.0 cannot represent, naming where it is (networkx would crash or write invalid XML)."""
    from .inputs import describe_char

    items: list[tuple[str, Any, dict[str, Any]]] = [("graph", "", g.graph)]
    items += [("node", n, d) for n, d in g.nodes(data=True)]
    items += [("edge", (u, v, k), d) for u, v, k, d in g.edges(keys=True, data=True)]
    for kind, ident, data in items:
        names = [str(x) for x in (ident if isinstance(ident, tuple) else (ident,))]
        for key, value in [("id", n) for n in names] + list(data.items()):
            m = _NOT_XML.search(f"{key}{value}")
            if m:
                raise UserError(
                    f"The {fmt} export cannot be written: {kind} {terminal_safe(str(ident))!r} "
                    f"has {key} holding {describe_char(m.group())}, which XML cannot represent; "
                    "remove the character from the data it came from and rebuild."
                )
