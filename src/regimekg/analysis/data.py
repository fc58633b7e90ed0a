"""What the networks are made of: entities, memberships and regime links, cut at a date.

:class:`RegimeData` is the one in-memory form of a build that the metrics, the exports and the
coverage figure share; :meth:`RegimeData.at` applies the as-of rule of :mod:`regimekg.asof`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from .. import asof, vocab
from ..curated import KIND_OF_CLASS
from ..namespaces import slug_of


@dataclass
class Entity:
    """A named entity as far as the networks need it."""

    iri: str
    cls: str
    labels: dict[str, str] = field(default_factory=dict)
    alt: dict[str, list[str]] = field(default_factory=dict)
    acronyms: list[str] = field(default_factory=list)
    start: list[str] = field(default_factory=list)
    end: list[str] = field(default_factory=list)
    #: adoption, signature, publication or entry-into-force dates (instruments)
    issued: list[str] = field(default_factory=list)
    #: when the entity is known to exist (``rkg:knownFrom`` / ``rkg:knownUntil``, regimekg.asof)
    known_from: dt.date | None = None
    known_until: dt.date | None = None

    @property
    def kind(self) -> str:
        return KIND_OF_CLASS.get(self.cls, "entity")

    def label(self, lang: str = "en") -> str:
        """The label in *lang*, else the other language, else an acronym, else the slug.

        A view never shows a blank name (DESIGN §7); the fallback is for display only and is
        never written back as a label.
        """
        other = "zh" if lang == "en" else "en"
        return (
            self.labels.get(lang)
            or self.labels.get(other)
            or (self.acronyms[0] if self.acronyms else "")
            or slug_of(self.iri)
        )


@dataclass(frozen=True)
class Membership:
    """One ``rkg:Membership`` node."""

    iri: str
    member: str
    organisation: str
    role: str
    start: str | None = None
    end: str | None = None
    known_from: dt.date | None = None
    known_until: dt.date | None = None

    @property
    def counts(self) -> bool:
        """Whether the role makes the actor a member (everything but observer): the roles
        whose vocabulary concept has the ``rkg:isMemberOf`` shortcut."""
        return self.role in vocab.current().member_roles


@dataclass(frozen=True)
class Link:
    """One ``rkg:RegimeLink`` node."""

    iri: str
    source: str
    target: str
    type: str
    known_from: dt.date | None = None
    known_until: dt.date | None = None


@dataclass
class RegimeData:
    """The entities, memberships and regime links of a build, optionally cut at a date."""

    entities: dict[str, Entity]
    memberships: list[Membership]
    links: list[Link]
    as_of: dt.date | None = None

    def at(self, day: dt.date | None) -> RegimeData:
        """The graph as known on *day* (:func:`regimekg.asof.present` on the values the
        build materialised); ``None`` keeps everything."""
        if day is None:
            return self
        ents = {
            k: e for k, e in self.entities.items() if asof.present(e.known_from, e.known_until, day)
        }
        mems = [
            m
            for m in self.memberships
            if asof.present(m.known_from, m.known_until, day)
            and m.member in ents
            and m.organisation in ents
        ]
        links = [
            lk
            for lk in self.links
            if asof.present(lk.known_from, lk.known_until, day)
            and lk.source in ents
            and lk.target in ents
        ]
        return RegimeData(ents, mems, links, day)

    def label(self, node: str, lang: str = "en") -> str:
        e = self.entities.get(node)
        return e.label(lang) if e else slug_of(node)


#: ``--as-of`` values are resolved by the module that owns the rule.
resolve_as_of = asof.resolve


def iter_years(data: RegimeData, last: dt.date) -> Iterator[int]:
    """Every year from the earliest day anything is known from up to *last*."""
    firsts = [e.known_from for e in data.entities.values()]
    firsts += [m.known_from for m in data.memberships]
    firsts += [lk.known_from for lk in data.links]
    years = [d.year for d in firsts if d is not None]
    if not years:
        return iter(())
    return iter(range(min(years), last.year + 1))
