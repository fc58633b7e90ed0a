"""``regimekg review``: accept a proposal into ``data/curated/`` or reject it for good.

The proposals are recomputed from the registered sources each time (they are a function of
the source text, the curated names, the stop list and earlier decisions), so the list can
never disagree with the documents. Accepting writes one curated record — a new entity, an
alias on an existing one, a dated event or a link — whose evidence is the proposal's
sentence quoted verbatim with its source id, so the next ``regimekg build`` verifies the
quote like any other. The curated file is rewritten in canonical form
(:func:`curated.canonical_text`) atomically, and re-read before anything is kept: a record
the curated checks refuse is rolled back and the reason given in one sentence. Every decision
is recorded by the proposal's key (``data/review/accepted.tsv``, ``rejected.tsv``), so it is
never proposed again.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path
from typing import Any

from . import curated, files, texttable
from .errors import UserError
from .loaders import Proposal, Screen, load_source
from .loaders.proposals import REJECTED, REJECTED_COLUMNS
from .paths import Project
from .sources import load_manifest

ACCEPTED = Path("data") / "review" / "accepted.tsv"
ACCEPTED_COLUMNS = ("key", "kind", "text", "source", "record")
#: The curated file each accepted proposal kind is written to (one per kind, canonical).
REVIEWED_FILE = "reviewed.yaml"
KINDS = ("entity", "alias", "date", "relation")


def screen(project: Project) -> Screen:
    """The stop list and every decision taken so far (accepted or rejected keys)."""
    s = Screen.load(project.root)
    return Screen(s.stop, s.rejected | _keys(project.root / ACCEPTED))


def _keys(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8", newline="") as f:
        return {r[0] for r in list(csv.reader(f, delimiter="\t"))[1:] if r}


def proposals(project: Project, source: str | None = None) -> list[Proposal]:
    """Open proposals of the ingested sources (or of *source*), best first within a source.

    The bundled journal issue is curated by hand from its tables and bracket patterns; its
    loader makes no proposals (:func:`regimekg.loaders.load_source`), so it is not read.
    """
    from .loaders.ingest import project_gazetteer

    sources = load_manifest(project)
    if source is not None:
        sources = [s for s in sources if s.id == source]
        if not sources:
            raise UserError(
                f"--source {source!r} is not an id in {project.sources_yaml}; "
                "`regimekg review list` shows the proposals of every ingested source."
            )
    else:
        sources = [s for s in sources if s.loader != "journal"]
    from .incremental import cached_gazetteer

    # The current build's saved gazetteer when there is one (no YAML to re-read and check).
    gazetteer = cached_gazetteer(project, project.build_dir()) or project_gazetteer(project)
    sc = screen(project)
    known = _curated_facts(curated.load(project))
    out: list[Proposal] = []
    for src in sources:
        res = load_source(src, src.read_text(), gazetteer, sc)
        fresh = [p for p in res.proposals if not _already_curated(p, known)]
        out.extend(sorted(fresh, key=lambda p: (-p.confidence, p.start)))
    return out


def _curated_facts(cur: curated.Curated) -> set[tuple[str, ...]]:
    """(subject, date) of every curated event and (source, target) of every link, with and
    without their type, so a proposal the curated data already states is not listed."""
    facts: set[tuple[str, ...]] = set()
    for r in cur.records["events"]:
        d = r.data
        facts.add(("date", str(d["subject"]), str(d["date"])))
    for r in cur.records["links"]:
        d = r.data
        facts.add(("relation", str(d["source"]), str(d["type"]), str(d["target"])))
        facts.add(("relation", str(d["source"]), "", str(d["target"])))
    return facts


def _already_curated(p: Proposal, facts: set[tuple[str, ...]]) -> bool:
    if p.kind == "date" and p.subject_curated:
        return ("date", str(p.subject), str(p.date)) in facts
    if p.kind == "relation" and p.subject_curated and p.object_curated:
        return ("relation", str(p.subject), p.link_type or "", str(p.object)) in facts
    return False


def _excerpt(s: str, n: int) -> str:
    """*s* on one line, cut to *n* terminal columns (a Chinese character takes two)."""
    return texttable.cut(" ".join(s.split()), n)


def listing(
    items: list[Proposal], kind: str | None = None, min_confidence: float = 0.0
) -> list[str]:
    """The review table: id, type, confidence, document, text, quote excerpt."""
    if kind is not None and kind not in KINDS:
        raise UserError(f"--type {kind!r} is not one of {', '.join(KINDS)}.")
    rows = [p for p in items if (kind is None or p.kind == kind) and p.confidence >= min_confidence]
    if not rows:
        return ["No open proposals. / 没有待审提议。"]
    head = ("ID", "TYPE", "CONF", "DOCUMENT", "TEXT", "QUOTE")
    table = [
        (
            p.id,
            p.kind,
            f"{p.confidence:.2f}",
            p.source_id,
            _excerpt(_shown(p), 48),
            _excerpt(p.quote, 70),
        )
        for p in rows
    ]
    lines = texttable.plain(head, table, rule=False)
    lines.append(
        f"{len(rows)} proposals; accept with `regimekg review accept ID`, reject with "
        f"`regimekg review reject ID`. / 共 {len(rows)} 条提议。"
    )
    return lines


def _shown(p: Proposal) -> str:
    if p.kind == "alias":
        return f"{p.text} = {p.alias_of}"
    if p.kind == "date":
        what = p.event_type or "?"
        return f"{p.subject} {what} {p.date}"
    if p.kind == "relation":
        return f"{p.subject} {p.link_type or p.extra.get('phrase', '?')} {p.object}"
    return p.text


def find(project: Project, pid: str, source: str | None = None) -> Proposal:
    """The open proposal *pid* (of *source*, if given: faster with many documents), or one
    sentence saying how to find the right id."""
    for p in proposals(project, source):
        if p.id == pid:
            return p
    raise UserError(
        f"No open proposal has id {pid!r} (it may have been decided already); run "
        "`regimekg review list` for the current ids."
    )


# --------------------------------------------------------------------------- decisions


def _append_row(path: Path, columns: tuple[str, ...], row: list[str]) -> None:
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n")
    if not old:
        w.writerow(columns)
    w.writerow([" ".join(c.split()) for c in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_text(path, old + buf.getvalue())


def reject(project: Project, pid: str, reason: str = "", source: str | None = None) -> str:
    """Record proposal *pid* as rejected, so that it is never proposed again."""
    p = find(project, pid, source)
    _append_row(
        project.root / REJECTED, REJECTED_COLUMNS, [p.key, p.kind, p.text, p.source_id, reason]
    )
    return f"Rejected {p.id} ({p.kind} {_shown(p)!r}); it will not be proposed again."


def _slugify(name: str) -> str:
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def _evidence(p: Proposal) -> list[dict[str, str]]:
    return [{"quote": " ".join(p.quote.split()), "source": p.source_id}]


def accept(
    project: Project,
    pid: str,
    *,
    as_: str | None = None,
    type_: str | None = None,
    slug: str | None = None,
    subject: str | None = None,
    target: str | None = None,
    source: str | None = None,
) -> str:
    """Write the curated record proposal *pid* stands for; see the module docstring."""
    p = find(project, pid, source)
    cur = curated.load(project)
    entities = cur.entities
    alias_of = None
    if as_ is not None and as_ != "new":
        m = re.fullmatch(r"alias-of[ =:]?(.*)", as_)
        if m is None:
            raise UserError(f"--as {as_!r} is not `new` or `alias-of SLUG`.")
        alias_of = m.group(1).strip() or None
        if alias_of is None:
            raise UserError("--as alias-of needs the slug of the entity, as in --as alias-of oecd.")
    if p.kind == "alias" and as_ != "new":
        alias_of = alias_of or p.alias_of
    if p.kind in ("entity", "alias") and alias_of is not None:
        if alias_of not in entities:
            raise UserError(
                f"--as alias-of {alias_of}: no curated entity has id {alias_of!r}; "
                "give the id of an existing entity (see data/curated/entities/)."
            )
        written = _add_alias(project, entities[alias_of], p)
    elif p.kind in ("entity", "alias"):
        written = _new_entity(project, p, entities, type_, slug)
    elif p.kind == "date":
        subj = subject or (p.subject if p.subject_curated else None)
        if subj is None:
            raise UserError(
                f"{p.id}: the date is about {p.subject!r}, which is not a curated entity yet; "
                "accept that entity first, or pass --subject SLUG."
            )
        etype = type_ or p.event_type
        if etype is None:
            raise UserError(
                f"{p.id}: the sentence does not say what happened on {p.date}; pass --type "
                "with an event type (adopted, launched, signed, published, held, founded, …)."
            )
        rec = {"date": p.date, "evidence": _evidence(p), "subject": subj, "type": etype}
        written = _add_record(project, "events", rec)
    else:
        src = subject or (p.subject if p.subject_curated else None)
        tgt = target or (p.object if p.object_curated else None)
        ltype = type_ or p.link_type
        missing = [
            f"{what} {name!r} is not a curated entity yet (pass {flag} SLUG)"
            for what, name, val, flag in (
                ("the subject", p.subject, src, "--subject"),
                ("the object", p.object, tgt, "--target"),
            )
            if val is None
        ]
        if missing:
            raise UserError(f"{p.id}: {'; '.join(missing)}; or accept those entities first.")
        if ltype is None:
            raise UserError(
                f"{p.id}: {p.extra.get('phrase')!r} matches no link type; pass --type with one "
                "(see ontology/vocab/regime-link-type.ttl), e.g. --type adopted-at."
            )
        rec = {"evidence": _evidence(p), "source": src, "target": tgt, "type": ltype}
        written = _add_record(project, "links", rec)
    _append_row(
        project.root / ACCEPTED, ACCEPTED_COLUMNS, [p.key, p.kind, p.text, p.source_id, written]
    )
    return f"Accepted {p.id} ({p.kind} {_shown(p)!r}) into {written}; run `regimekg build`."


def _new_entity(
    project: Project,
    p: Proposal,
    entities: dict[str, curated.Record],
    type_: str | None,
    slug: str | None,
) -> str:
    from .loaders.discovery import suggest_type

    hint = suggest_type(p.text)
    etype = type_ or (str(hint).rsplit("#", 1)[-1] if hint is not None else None)
    if etype is None:
        raise UserError(
            f"{p.id}: say what {p.text!r} is with --type CLASS (for example Organisation, "
            "Forum, Initiative, Declaration, Person, State); the classes are listed in "
            "docs/editing.md."
        )
    sid = slug or _slugify(p.text)
    if not sid:
        raise UserError(
            f"{p.id}: {p.text!r} gives no ASCII id; pass --id with a lowercase hyphenated id."
        )
    if sid in entities:
        raise UserError(
            f"{p.id}: id {sid!r} is already taken by {entities[sid].where(project.root)}; "
            f"pass --id with another id, or --as alias-of {sid} if it is the same thing."
        )
    rec: dict[str, Any] = {
        "evidence": _evidence(p),
        "id": sid,
        "label": {p.lang: p.text},
        "type": etype,
    }
    return _add_record(project, "entities", rec)


def _add_alias(project: Project, rec: curated.Record, p: Proposal) -> str:
    """Add *p*'s name to ``alt`` of the entity *rec*, with the sentence as evidence."""
    path = rec.file
    records = [r.data for r in curated._read_records(path, "entities")]
    data = next(r for r in records if r.get("id") == rec.data["id"])
    alt = data.setdefault("alt", {})
    names = alt.setdefault(p.lang, [])
    if p.text not in names:
        names.append(p.text)
    ev = _evidence(p)[0]
    if ev not in data["evidence"]:
        data["evidence"].append(ev)
    _write_checked(project, path, records, "entities")
    return str(path.relative_to(project.root))


def _add_record(project: Project, kind: str, rec: dict[str, Any]) -> str:
    path = project.curated_dir / kind / REVIEWED_FILE
    records: list[dict[str, Any]] = []
    if path.is_file():
        records = [r.data for r in curated._read_records(path, kind)]
    records.append(rec)
    _write_checked(project, path, records, kind)
    return str(path.relative_to(project.root))


def _write_checked(project: Project, path: Path, records: list[dict[str, Any]], kind: str) -> None:
    """Write *records* canonically to *path*, keeping it only if the curated checks pass."""
    before = path.read_bytes() if path.is_file() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_text(path, curated.canonical_text(records, kind))
    try:
        curated.load(project)
    except UserError as e:
        if before is None:
            path.unlink()
        else:
            files.write_bytes(path, before)
        raise UserError(f"Not accepted, the curated data would be invalid: {e}") from None


__all__ = ["accept", "listing", "proposals", "reject", "screen"]
