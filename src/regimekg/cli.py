"""Command line (DESIGN §6, a contract): argument parsing only.

Every command calls one function of the stage module that does the work, imported lazily
so ``regimekg --help`` stays fast. User mistakes surface as one sentence (exit 2), never a
traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from . import __version__
from .errors import UserError
from .outputs import TerminalStream
from .paths import project

FORMATS = ("table", "csv", "json", "md")
EXPORT_FORMATS = (
    "graphml", "gexf", "cyjs", "d3", "csv", "ttl", "nq", "dot", "svg", "png", "html",
)  # fmt: skip


def _param(value: str) -> tuple[str, str]:
    key, sep, val = value.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{value!r} is not K=V (e.g. --param forum=G7)")
    return key.strip(), val


def _open(args: argparse.Namespace):  # -> query.KG
    from .query import open as open_kg

    if getattr(args, "endpoint", None):
        return open_kg(endpoint=args.endpoint)
    proj = project(args.root)
    return open_kg(proj.root, store=proj.build_dir(getattr(args, "out", None)) / "store")


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    report = build(project(args.root), args.out, wait=args.wait)
    print(report.summary())
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    proj = project(args.root)
    if args.paths:
        from .validate import validate_paths

        report = validate_paths(proj, [Path(p) for p in args.paths])
        print(report.summary())
        return 0 if report.conforms else 1
    from .build import check_only

    print(check_only(proj))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import run_check

    proj = project(args.root)
    built = proj.build_dir(args.out) / "store"
    report = run_check(proj, store=built if built.is_dir() else None)
    print(report.summary())
    return 0 if report.ok else 1


def cmd_ontology(args: argparse.Namespace) -> int:
    proj = project(args.root)
    if args.action == "status":
        from .ontology_sync import status

        drift = status(proj)
        print(drift.summary())
        return 0 if drift.empty else 1
    if args.action == "import-owl":
        from .ontology_sync import import_owl

        print(import_owl(proj, dry_run=args.dry_run, force=args.force).summary())
        return 0
    if args.action == "export-owl":
        from .ontology import generate_owl

        print(f"Wrote {generate_owl(proj)}")
        return 0
    from . import reference

    if args.check:
        problems = reference.stale(proj)
        for p in problems:
            print(p)
        if problems:
            print("Run `regimekg ontology reference` to regenerate docs/reference/.")
            return 1
        print(f"{reference.default_out(proj)} is up to date.")
        return 0
    print(f"Wrote {len(reference.write(proj))} pages into {reference.default_out(proj)}.")
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    from .curated import lint

    proj = project(args.root)
    bad = lint(proj, fix=args.fix)
    for p in bad:
        state = "rewritten" if args.fix else "not canonical"
        print(f"{p.relative_to(proj.root)}: {state}")
    if bad and not args.fix:
        print("Run `regimekg lint --fix` to rewrite these files canonically.", file=sys.stderr)
        return 1
    if not bad:
        print("All curated files are canonical.")
    return 0


def cmd_states(args: argparse.Namespace) -> int:
    from .states import generate

    report = generate(project(args.root), check=args.check)
    print(report.summary())
    if args.check and report.changed:
        print("Run `regimekg states` to regenerate these files.", file=sys.stderr)
        return 1
    return 0


def _seconds(value: float) -> float:
    """``--timeout`` as a finite positive number of seconds (nan, inf, 0 and less are refused)."""
    if not math.isfinite(value) or value <= 0:
        raise UserError(
            f"--timeout {value:g} is not a finite positive number of seconds: give one such as "
            "--timeout 10."
        )
    return value


def _print_result(result, fmt: str, lang: str) -> None:  # result: query.Result
    """Print *result*; when the result cap cut it, say so without breaking machine formats.

    Table and Markdown carry the note in their own text and JSON has a ``truncated`` field;
    CSV stays pure CSV on stdout and the note goes to stderr.
    """
    print(result.format(fmt, lang=lang))
    if result.truncated and fmt == "csv":
        print(f"regimekg: note: {result.truncation_note(lang)}", file=sys.stderr)


def cmd_query(args: argparse.Namespace) -> int:
    kg = _open(args)
    try:
        result = kg.query(args.name, lang=args.lang, params=dict(args.param or ()))
        _print_result(result, args.format, args.lang)
    finally:
        kg.close()
    return 0


def cmd_sparql(args: argparse.Namespace) -> int:
    if (args.query is None) == (args.file is None):
        raise UserError("Give either a query text or --file F.rq, not both or neither.")
    if args.file is not None:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise UserError(f"Cannot read {args.file}: {e}.") from None
    else:
        text = args.query
    seconds = _seconds(args.timeout)
    kg = _open(args)
    try:
        with _deadline(seconds):
            _print_result(kg.sparql(text, lang=args.lang), args.format, args.lang)
    finally:
        kg.close()
    return 0


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """End the command with a clear message once an untrusted query runs past *seconds*.

    The embedded engine cannot be interrupted from Python, but it releases the GIL while it
    works, so a timer thread can still stop the process (the store is open read-only, so
    nothing is left half-written).
    """

    def expire() -> None:
        print(
            f"regimekg: the query ran longer than the {seconds:g} s limit and was stopped: "
            "narrow it (more specific patterns, a LIMIT) or pass a larger --timeout.",
            file=sys.stderr,
            flush=True,
        )
        os._exit(2)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def cmd_stats(args: argparse.Namespace) -> int:
    from .stats import stats

    kg = _open(args)
    try:
        print(stats(kg, lang=args.lang))
    finally:
        kg.close()
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    from .analysis import run as run_metrics

    print(run_metrics(project(args.root), as_of=args.as_of, fmt=args.format, lang=args.lang))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export

    path = export(
        project(args.root),
        args.format,
        Path(args.output),
        as_of=args.as_of,
        lang=args.lang,
        network=args.network,
    )
    print(f"Wrote {path}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from . import incremental
    from .loaders.ingest import ingest

    proj = project(args.root)
    mapping = Path(args.mapping) if args.mapping else None
    build_dir = proj.build_dir()
    # With a current build, its saved gazetteer links the mentions and only the new source
    # graphs are validated and added to it (docs/performance.md); otherwise a full build.
    digest = incremental.inputs_digest(proj)
    gazetteer = None if args.no_build else incremental.cached_gazetteer(proj, build_dir)
    changed: dict = {}
    paths = [Path(p) for p in args.paths]
    lines = ingest(proj, paths, args.lang, mapping, gazetteer=gazetteer, changed=changed)
    for line in lines:
        print(line)
    if args.no_build:
        return 0
    if gazetteer is not None:
        results = incremental.registered(proj, build_dir, changed, gazetteer)
        if not results:
            print(f"Nothing changed; the build in {build_dir} is current.")
            return 0
        done = incremental.update(proj, build_dir, results, digest=digest)
        if done is not None:
            print(done.summary())
            return 0
    from .build import build

    print(build(proj).summary())
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from . import review

    proj = project(args.root)
    if args.action == "list":
        items = review.proposals(proj, args.source)
        for line in review.listing(items, args.type, args.min_confidence):
            print(line)
    elif args.action == "accept":
        print(
            review.accept(
                proj,
                args.id,
                as_=" ".join(args.as_) if args.as_ else None,
                type_=args.type,
                slug=args.new_id,
                subject=args.subject,
                target=args.target,
                source=args.source,
            )
        )
    else:
        print(review.reject(proj, args.id, args.reason or "", args.source))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    serve(project(args.root), port=args.port, timeout=_seconds(args.timeout))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="regimekg",
        description="Bilingual knowledge graph of the global AI-governance regime complex "
        "(全球人工智能治理机制复合体知识图谱).",
    )
    p.add_argument("--version", action="version", version=f"regimekg {__version__}")
    p.add_argument("--root", help="project directory (default: found from the current directory)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str):
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.set_defaults(func=func)
        return sp

    def lang(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--lang", choices=("en", "zh"), default="en", help="label language")

    def fmt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--format", choices=FORMATS, default="table")

    def endpoint(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--endpoint", help="query a SPARQL 1.1 endpoint instead of the build")
        sp.add_argument("--out", help="build directory to read (default: build/)")

    sp = add("build", cmd_build, "build sources + curated + ontology into a validated store")
    sp.add_argument("--out", help="build directory (default: build/)")
    sp.add_argument("--wait", type=float, default=0, help="seconds to wait for a running build")

    sp = add("validate", cmd_validate, "SHACL and quote checks on the project or on given files")
    sp.add_argument("paths", nargs="*", help="RDF files to validate (default: the whole project)")

    sp = add("check", cmd_check, "ontology QC: OWL 2 DL lint, HermiT, QC queries, bilingual labels")
    sp.add_argument("--out", help="build directory whose store the QC queries also check")

    sp = add(
        "ontology",
        cmd_ontology,
        "ontology editing: status / import-owl (RDF/XML edits → Turtle) / export-owl / reference",
    )
    sp.add_argument("action", choices=("status", "import-owl", "export-owl", "reference"))
    sp.add_argument("--dry-run", action="store_true", help="import-owl: show, write nothing")
    sp.add_argument("--force", action="store_true", help="import-owl: even if the Turtle is newer")
    sp.add_argument("--check", action="store_true", help="reference: only report staleness")

    sp = add("lint", cmd_lint, "check (or --fix) the canonical form of curated files")
    sp.add_argument("--fix", action="store_true", help="rewrite files canonically")

    sp = add(
        "states",
        cmd_states,
        "regenerate state codes, labels and dataset memberships from pycountry and "
        "country_converter",
    )
    sp.add_argument("--check", action="store_true", help="only report files that would change")

    sp = add("query", cmd_query, "run a named question from queries/")
    sp.add_argument("name", help="query name (file name in queries/ without .rq)")
    sp.add_argument("--param", action="append", type=_param, metavar="K=V", help="parameter")
    lang(sp), fmt(sp), endpoint(sp)

    sp = add("sparql", cmd_sparql, "run your own read-only SPARQL query")
    sp.add_argument("query", nargs="?", help="query text")
    sp.add_argument("--file", help="read the query from a .rq file")
    sp.add_argument("--timeout", type=float, default=10.0, help="seconds before it is stopped")
    lang(sp), fmt(sp), endpoint(sp)

    sp = add("metrics", cmd_metrics, "regime-complexity network metrics")
    sp.add_argument("--as-of", help="compute on the graph as it stood at this date")
    lang(sp), fmt(sp)

    sp = add("export", cmd_export, "export a graph snapshot for visualisation")
    sp.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    sp.add_argument("--as-of", help="only what had started by this date and not ended")
    sp.add_argument("-o", "--output", required=True, help="output file")
    sp.add_argument(
        "--network",
        choices=("all", "membership", "links"),
        default="all",
        help="which network to export (default: both)",
    )
    lang(sp)

    sp = add("ingest", cmd_ingest, "add a new document (text, Markdown, CSV/JSON table)")
    sp.add_argument("paths", nargs="+")
    sp.add_argument("--lang", choices=("en", "zh", "auto"), default="auto")
    sp.add_argument("--mapping", help="column mapping file for CSV/JSON tables")
    sp.add_argument("--no-build", action="store_true", help="register only; do not rebuild")

    sp = add("review", cmd_review, "list, accept or reject what ingested documents propose")
    rsub = sp.add_subparsers(dest="action", required=True, metavar="ACTION")
    rp = rsub.add_parser("list", help="open proposals: id, type, confidence, document, quote")
    rp.add_argument("--source", help="only the proposals of this source id")
    rp.add_argument("--type", choices=("entity", "alias", "date", "relation"))
    rp.add_argument("--min-confidence", type=float, default=0.0, metavar="X")
    rp = rsub.add_parser("accept", help="write the proposal into data/curated/ with its quote")
    rp.add_argument("id", help="proposal id from `regimekg review list`")
    rp.add_argument(
        "--as",
        dest="as_",
        nargs="+",
        metavar="new|alias-of SLUG",
        help="a new entity (default) or another name of entity SLUG",
    )
    rp.add_argument("--type", help="entity class, event type or link type, where not proposed")
    rp.add_argument("--id", dest="new_id", help="id of the new entity (default: from its name)")
    rp.add_argument("--subject", help="curated entity the date or relation is about")
    rp.add_argument("--target", help="curated entity at the other end of a relation")
    rp.add_argument("--source", help="the proposal's document (faster with many documents)")
    rp = rsub.add_parser("reject", help="never propose this again")
    rp.add_argument("id", help="proposal id from `regimekg review list`")
    rp.add_argument("--reason", help="why, for the record in data/review/rejected.tsv")
    rp.add_argument("--source", help="the proposal's document (faster with many documents)")

    sp = add("serve", cmd_serve, "serve the build as a read-only SPARQL endpoint on 127.0.0.1")
    sp.add_argument("--port", type=int, default=7878)
    sp.add_argument("--timeout", type=float, default=10.0, help="seconds per query")

    sp = add("stats", cmd_stats, "triples per graph, entities per class, label coverage")
    lang(sp)
    sp.add_argument("--endpoint", help="read a SPARQL 1.1 endpoint instead of the build")
    sp.add_argument("--out", help="build directory to read (default: build/)")
    return p


#: Output formats written for programs, passed through unchanged (CSV cells are already
#: formula-escaped, JSON escapes control characters itself).
DATA_FORMATS = frozenset({"csv", "json"})


@contextlib.contextmanager
def _terminal_streams(args: argparse.Namespace) -> Iterator[None]:
    """Show control characters as visible escapes in everything printed for people.

    Messages quote user text (file names, values, query parameters) and tables show text from
    documents; a stray ESC or CSI there would be run by the terminal. stderr is always
    filtered; stdout unless the command writes a data format.
    """
    out, err = sys.stdout, sys.stderr
    sys.stderr = TerminalStream(err)
    if getattr(args, "format", None) not in DATA_FORMATS:
        sys.stdout = TerminalStream(out)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        sys.stdout, sys.stderr = out, err


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    with _terminal_streams(args):
        try:
            return int(args.func(args))
        except UserError as e:
            print(f"regimekg: {e}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("regimekg: interrupted.", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return 0


if __name__ == "__main__":
    sys.exit(main())
