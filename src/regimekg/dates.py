"""Dates with the precision the source gave.

Sources say "2024-08-01", "2016.10" or "2023". Rounding a month to its first day would
invent precision, so each date keeps its own XSD type (``xsd:date``, ``xsd:gYearMonth``,
``xsd:gYear``). Comparisons (``--as-of``) use :func:`bounds`: the first and last day a
partial date can mean.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from rdflib import Literal
from rdflib.namespace import XSD

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DOTTED = re.compile(r"^(\d{4})[.．/年](\d{1,2})(?:[.．/月](\d{1,2})日?)?月?$")


class DateError(ValueError):
    """A date string that is impossible, ambiguous or not in a supported form."""


def parse(value: str | int, *, dotted: bool = False) -> tuple[int, int | None, int | None]:
    """Split a date into (year, month, day), checking that it exists.

    ``dotted=True`` also accepts the sources' ``2016.10`` and ``2023年10月`` forms.
    """
    s = str(value).strip()
    m = _ISO.match(s) or (_DOTTED.match(s) if dotted else None)
    if not m:
        raise DateError(f"{s!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if year < 1:
        raise DateError(f"{s!r} has year {year}, which does not exist (the calendar starts at 1)")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"{s!r} has month {month}, which does not exist")
    if day is not None:
        assert month is not None
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise DateError(f"{s!r} has day {day}, but {year}-{month:02d} has {last} days")
    return year, month, day


def same_date(a: str | int, b: str | int) -> bool:
    """Whether two values are one date at two precisions (``1963`` and ``1963-12-16``).

    Sources that give a year and a day of that year do not disagree (docs/data.md, "Rules
    that keep conflicts real"); :data:`SPARQL_SAME_DATE` is the same test for the queries.
    Values that are not dates never agree this way.
    """
    try:
        (a0, a1), (b0, b1) = bounds(a), bounds(b)
    except DateError:
        return False
    return (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)


#: :func:`same_date` as a SPARQL expression over ``?value`` and ``?otherValue`` (canonical
#: ``YYYY[-MM[-DD]]`` strings: a coarser date is a prefix of a finer one). The conflict
#: queries (``queries/conflicting-claims.rq``, ``queries/qc/conflicting-claims.rq``) and
#: ``regimekg stats`` use it (the ``.rq`` files carry a copy, with the named query's
#: variable names); ``tests/test_datadoc.py`` checks that they, the stats and
#: :func:`regimekg.datadoc.conflicts` draw the line in the same place.
SPARQL_SAME_DATE = (
    'REGEX(STR(?value), "^[0-9]{4}(-[0-9]{2}){0,2}$") && '
    'REGEX(STR(?otherValue), "^[0-9]{4}(-[0-9]{2}){0,2}$") && '
    "(STRSTARTS(STR(?value), STR(?otherValue)) || STRSTARTS(STR(?otherValue), STR(?value)))"
)


def to_literal(value: str | int, *, dotted: bool = False) -> Literal:
    """The RDF literal of a date at its own precision."""
    year, month, day = parse(value, dotted=dotted)
    if month is None:
        return Literal(f"{year:04d}", datatype=XSD.gYear)
    if day is None:
        return Literal(f"{year:04d}-{month:02d}", datatype=XSD.gYearMonth)
    return Literal(f"{year:04d}-{month:02d}-{day:02d}", datatype=XSD.date)


def normalise(value: str | int, *, dotted: bool = False) -> str:
    """Canonical string form (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)."""
    return str(to_literal(value, dotted=dotted))


def bounds(value: str | int) -> tuple[dt.date, dt.date]:
    """First and last day a (possibly partial) date can mean."""
    year, month, day = parse(value)
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    d = dt.date(year, month, day)
    return d, d
