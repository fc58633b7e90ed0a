"""The participation map: the Advisory Body's coverage figure reproduced from a build, and its gaps.

*Governing AI for Humanity* (2024) counted how many UN member states take part in all and in
none of seven non-UN AI-governance initiatives. :func:`figure` asks a build the same question
(through :func:`regimekg.analysis.participation_coverage`, the function behind the metric
``states-in-exactly-k-initiatives``) and sets the published numbers beside it, read from the
curated claims on ``governing-ai-for-humanity``. :func:`gaps` lists, for every body or
instrument in which states take part by signing, endorsing, adhering or sponsoring (and for the
sample), what the graph still lacks: participants a published count says exist, start dates,
the Chinese label.

``regimekg coverage`` prints both as the Markdown that docs/data.md ("Coverage")
quotes between its ``coverage:begin`` and ``coverage:end`` markers; ``--check docs/data.md``
fails when the page says something else, so the numbers in the documentation are always the
numbers of the build.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from . import analysis, mdblocks, vocab
from .namespaces import RKG, slug_of

#: The report whose figure is reproduced, and the claim keys that hold its numbers.
REPORT = "governing-ai-for-humanity"
CLAIM_ALL = "states-in-all-sampled-initiatives"
CLAIM_NONE = "states-in-no-sampled-initiative"
CLAIM_ALL_NAMED = "states-in-all-sampled-initiatives-named"
#: Claim keys that give a published number of participants.
COUNT_KEYS = ("member-count", "signatory-count", "participant-count", "sponsor-count")

BEGIN = mdblocks.begin_marker("coverage", "regimekg coverage")
END = mdblocks.end_marker("coverage")

_Q_CLAIMS = f"""
SELECT DISTINCT ?s ?about ?value WHERE {{
  ?c a <{RKG.Claim}> ; <{RKG.claimSubject}> ?s ; <{RKG.claimAbout}> ?about ;
     <{RKG.claimValue}> ?value .
}}"""


@dataclass
class Figure:
    """The coverage figure of one build beside the published one."""

    initiatives: list[str]  # slugs, in the sample's order
    counts: list[int]  # states in exactly k initiatives, k = 0 … n
    in_all: list[str]  # slugs of the states in every initiative
    in_none: list[str]  # slugs of the states in none
    published: dict[str, str]  # claim key → value, on the report


@dataclass
class Gap:
    """What one body or instrument lacks for the participation map."""

    slug: str
    roles: str  # the roles states hold, e.g. "signatory"
    states: int  # UN member states recorded as taking part
    published: list[str]  # the published participant counts (claims), as given
    undated: int  # participation records of states without a start date
    zh_label: bool


def _claims(select: analysis.Select) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for row in select(_Q_CLAIMS):
        about = row["about"][0] if isinstance(row["about"], tuple) else row["about"]
        value = row["value"][0] if isinstance(row["value"], tuple) else row["value"]
        out.setdefault(slug_of(row["s"]), {}).setdefault(str(about), []).append(str(value))
    for per in out.values():
        for values in per.values():
            values.sort(key=lambda v: (len(v), v))
    return out


def figure(data: analysis.RegimeData, select: analysis.Select) -> Figure:
    """The sample's coverage on *data* and the report's published numbers."""
    chosen, counts, none = analysis.participation_coverage(data)
    in_all: list[str] = []
    if counts:
        wanted = set(chosen)
        taken: dict[str, set[str]] = {}
        for m in data.memberships:
            if m.counts and m.end is None and m.organisation in wanted:
                taken.setdefault(m.member, set()).add(m.organisation)
        by_slug = {slug_of(e): e for e in data.entities}
        pop = by_slug.get(analysis.COVERAGE_POPULATION)
        members = {
            m.member for m in data.memberships if m.organisation == pop and m.counts and not m.end
        }
        in_all = sorted(
            slug_of(s) for s in members if len(taken.get(s, ())) == len(chosen) and chosen
        )
    claims = _claims(select).get(REPORT, {})
    keys = (CLAIM_ALL, CLAIM_NONE, CLAIM_ALL_NAMED)
    published = {k: v[0] for k, v in claims.items() if k in keys}
    return Figure(
        [slug_of(c) for c in chosen], counts, in_all, [slug_of(s) for s in none], published
    )


def gaps(data: analysis.RegimeData, select: analysis.Select) -> list[Gap]:
    """Every instrument states take part in, and every body of the sample, with its gaps."""
    by_slug = {slug_of(e): e for e in data.entities}
    pop = by_slug.get(analysis.COVERAGE_POPULATION)
    un = {m.member for m in data.memberships if m.organisation == pop and m.counts and not m.end}
    claims = _claims(select)
    # which roles mean taking part in an instrument is the vocabulary's instrument-roles
    # collection (ontology/vocab/membership-role.ttl), not a list here
    instrument_roles = vocab.current().instrument_roles
    orgs = {m.organisation for m in data.memberships if m.role in instrument_roles}
    orgs |= {by_slug[s] for s in analysis.COVERAGE_INITIATIVES if s in by_slug}
    out = []
    for org in sorted(orgs, key=slug_of):
        recs = [
            m
            for m in data.memberships
            if m.organisation == org and m.counts and data.entities[m.member].cls == "State"
        ]
        roles = sorted({m.role for m in recs})
        published = [
            f"{v} ({k})" for k in COUNT_KEYS for v in claims.get(slug_of(org), {}).get(k, [])
        ]
        out.append(
            Gap(
                slug_of(org),
                ", ".join(roles),
                len({m.member for m in recs if m.end is None} & un),
                published,
                sum(1 for m in recs if m.start is None),
                "zh" in data.entities[org].labels,
            )
        )
    return out


def markdown(fig: Figure, gap_rows: list[Gap]) -> str:
    """The block docs/data.md quotes: the figure beside the published one, then the gaps."""
    n = len(fig.initiatives)
    total = sum(fig.counts)
    lines = [
        BEGIN,
        "",
        f"Sample (n = {n}): " + ", ".join(f"`{s}`" for s in fig.initiatives) + ".",
        "",
        "| | published (2024 report) | this graph |",
        "|---|---|---|",
        f"| UN member states counted | — | {total} |",
        f"| in all {n} initiatives | {fig.published.get(CLAIM_ALL, '—')} "
        f"| {fig.counts[-1] if fig.counts else '—'} |",
        f"| in none | {fig.published.get(CLAIM_NONE, '—')} "
        f"| {fig.counts[0] if fig.counts else '—'} |",
        "",
        "States in exactly k of the sample (k = 0 … n): "
        + ", ".join(f"{k}: {c}" for k, c in enumerate(fig.counts))
        + ".",
        "",
        "States in all of them, published (as a news page names them): "
        + ", ".join(f"`{s}`" for s in fig.published.get(CLAIM_ALL_NAMED, "").split())
        + "; in this graph: "
        + (", ".join(f"`{s}`" for s in fig.in_all) or "none")
        + ".",
        "",
        "| Body or instrument | Roles of states | UN member states recorded | Published counts "
        "| Records without start date | Chinese label |",
        "|---|---|---|---|---|---|",
    ]
    for g in gap_rows:
        lines.append(
            f"| `{g.slug}` | {g.roles or '—'} | {g.states} | {'; '.join(g.published) or '—'} "
            f"| {g.undated} | {'yes' if g.zh_label else '**missing**'} |"
        )
    lines += ["", END]
    return "\n".join(lines) + "\n"


def generated(build_dir: Path) -> str:
    """The Markdown block for the build in *build_dir*."""
    from . import store

    st = store.open_read_only(build_dir / "store")
    select = analysis.oxigraph_select(st)
    data = analysis.read_graph(select)
    return markdown(figure(data, select), gaps(data, select))


def quoted(page: Path) -> str:
    """The block between the markers of *page* (with the markers), or a :class:`UserError`."""
    return mdblocks.quoted(page.read_text(encoding="utf-8"), BEGIN, END, str(page))


def run(build_dir: Path, *, check: Path | None = None, write: Path | None = None) -> int:
    """``regimekg coverage``: print the block, compare it with *check*'s, or replace *write*'s."""
    from . import files

    block = generated(build_dir)
    if check is not None:
        if quoted(check) != block:
            print(
                f"{check}: the coverage block differs from build {build_dir}; run "
                f"`regimekg coverage --build {build_dir} --write {check}`.",
                file=sys.stderr,
            )
            return 1
        return 0
    if write is not None:
        text = write.read_text(encoding="utf-8")
        files.write_text(write, mdblocks.replaced(text, BEGIN, END, block, str(write)))
        return 0
    sys.stdout.write(block)
    return 0
