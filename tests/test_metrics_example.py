"""docs/metrics.md's worked example (2019 against 2025) is the bundled build's own numbers.

The table names each row's metric, network and key, so a reader can recompute it with
``regimekg metrics --as-of``; this test does so on the session build, and fails naming the
row to rewrite when the data or the as-of rule moved it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from regimekg import analysis, store
from tests.conftest import ROOT

DOC = ROOT / "docs" / "metrics.md"
#: A row: "| what it is · `metric` (network[, k=K | category=C]) | 2019 value | 2025 value |".
ROW = re.compile(
    r"^\| [^|`]*`(?P<metric>[a-z-]+)` \((?P<network>[a-z-]+)"
    r"(?:, (?P<key>k|category)=(?P<keyval>[a-z0-9-]+))?\) \| (?P<a>[^|]+) \| (?P<b>[^|]+) \|$"
)
YEARS = ("2019", "2025")


def _rows() -> list[re.Match[str]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("## Worked example", 1)[1].split("**Reading.**", 1)[0]
    return [m for line in table.splitlines() if (m := ROW.match(line))]


def _shown(value: float | int | None) -> str:
    """How the table writes a value: integers as they are, shares to three decimals."""
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}"


def test_the_worked_example_names_its_metrics() -> None:
    assert len(_rows()) >= 15, "docs/metrics.md's worked example lost its metric rows"


def test_the_worked_example_is_the_bundled_builds(built: Path) -> None:
    select = analysis.oxigraph_select(store.open_read_only(built / "store"))
    slices = {year: analysis.metrics_at(select, year) for year in YEARS}
    wrong = []
    for row in _rows():
        extra = {}
        if row["key"] == "k":
            extra["k"] = int(row["keyval"])
        elif row["key"] == "category":
            extra["category"] = row["keyval"]
        got = [_shown(slices[y].value(row["metric"], row["network"], **extra)) for y in YEARS]
        said = [row["a"].strip(), row["b"].strip()]
        if got != said:
            wrong.append(f"{row['metric']} ({row['network']}, {extra}): docs {said}, build {got}")
    assert not wrong, "docs/metrics.md's worked example is stale:\n" + "\n".join(wrong)


@pytest.mark.parametrize("value,shown", [(15, "15"), (0.2231, "0.223"), (None, "–"), (3.0, "3")])
def test_values_are_written_as_the_table_writes_them(value: float | None, shown: str) -> None:
    assert _shown(value) == shown
