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
from typing import Any

from . import __version__
from .errors import UserError
from .outputs import TerminalStream
from .paths import Project, project

FORMATS = ("table", "csv", "json", "md")
EXPORT_FORMATS = (
    "graphml", "gexf", "cyjs", "d3", "csv", "ttl", "nq", "dot", "svg", "png", "pdf", "html",
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
    from .curated import lint, load

    proj = project(args.root)
    bad = lint(proj, fix=args.fix)
    for p in bad:
        state = "rewritten" if args.fix else "not canonical"
        print(f"{p.relative_to(proj.root)}: {state}")
    load(proj)  # every problem of every record, in one UserError (exit 2)
    if bad and not args.fix:
        print("Run `regimekg lint --fix` to rewrite these files canonically.", file=sys.stderr)
        return 1
    if not bad:
        print("All curated files are canonical.")
    return 0


def _regenerated(report: Any, check: bool, hint: str) -> int:
    """Print a generator's summary; with ``--check``, exit 1 with *hint* if anything is stale."""
    print(report.summary())
    if check and report.changed:
        print(hint, file=sys.stderr)
        return 1
    return 0


def cmd_states(args: argparse.Namespace) -> int:
    from .states import generate

    report = generate(project(args.root), check=args.check)
    return _regenerated(report, args.check, "Run `regimekg states` to regenerate these files.")


def cmd_mappings(args: argparse.Namespace) -> int:
    from .mappings import generate

    report = generate(project(args.root), check=args.check)
    return _regenerated(report, args.check, "Run `regimekg mappings` to regenerate data/mappings/.")


def cmd_coverage(args: argparse.Namespace) -> int:
    from .coverage import run

    return run(project(args.root).build_dir(args.out), check=args.check, write=args.write)


def _seconds(value: float) -> float:
    """``--timeout`` as a finite positive number of seconds (nan, inf, 0 and less are refused)."""
    if not math.isfinite(value) or value <= 0:
        raise UserError(
            f"--timeout {value:g} is not a finite positive number of seconds: give one such as "
            "--timeout 10."
        )
    return value


def _terminal_width() -> int | None:
    """Columns to fit a table to: the terminal's (or ``COLUMNS``), None when piped elsewhere."""
    import shutil

    if os.environ.get("COLUMNS") or sys.stdout.isatty():
        return max(40, shutil.get_terminal_size().columns)
    return None


def _print_result(result, fmt: str, lang: str, iris: bool = False) -> None:
    """Print *result* (a query.Result); when the result cap cut it, say so without breaking
    machine formats.

    Table and Markdown carry the note in their own text and JSON has a ``truncated`` field;
    CSV stays pure CSV on stdout and the note goes to stderr. A table is fitted to the
    terminal's width.
    """
    print(result.format(fmt, lang=lang, width=_terminal_width(), iris=iris))
    if result.truncated and fmt == "csv":
        print(f"regimekg: note: {result.truncation_note(lang)}", file=sys.stderr)


def _catalog(args: argparse.Namespace):  # -> dict[str, NamedQuery]
    """The named questions of the project (or the packaged ones); no build needed."""
    from .query import _queries_dir
    from .query.catalog import load_dir

    directory = _queries_dir(args.root)
    if directory is None:
        raise UserError("No queries folder found: run inside a regimekg checkout or pass --root.")
    return load_dir(directory)


def _single_params(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """``--param`` pairs as a dict; a parameter given twice is refused, never silently dropped.

    Every parameter of a named question is one value bound to one variable; taking the last
    of two would answer a different question than the one typed.
    """
    out: dict[str, str] = {}
    for key, value in pairs:
        if key in out:
            raise UserError(
                f"--param {key} is given twice ({out[key]!r} and {value!r}): a parameter takes "
                "one value, so run the query once per value."
            )
        out[key] = value
    return out


def question_help(nq, lang: str = "en") -> str:  # nq: query.NamedQuery
    """What ``regimekg query NAME --help`` prints: the question, its parameters, an example."""
    from .query.catalog import LANGS

    lines = [f"regimekg query {nq.name}"]
    lines += [f"  {nq.title[x]}" for x in LANGS if nq.title.get(x)]
    lines.append("")
    lines += [nq.description[x] for x in LANGS if nq.description.get(x)]
    lines.append("")
    if nq.params:
        lines.append("parameters (--param NAME=VALUE):")
        for p in nq.params:
            kind = f"{p.type}:{p.kind}" if p.kind else p.type
            default = "required" if p.required else f"default {p.default}"
            doc = f" — {p.doc}" if p.doc else ""
            lines.append(f"  {p.name}  {kind}, {default}{doc}")
    else:
        lines.append("parameters: none")
    if nq.example:
        lines += ["", f"example: regimekg query {nq.name} {' '.join(nq.example)}"]
    lines += [
        "",
        "options: --lang en|zh  --format table|csv|json|md  --iris  --endpoint URL  --out DIR",
    ]
    return "\n".join(lines)


def cmd_queries(args: argparse.Namespace) -> int:
    from . import texttable

    queries = _catalog(args)
    width = max(texttable.width(n) for n in queries) if queries else 0
    for name, nq in queries.items():
        params = " ".join(f"{p.name}={'…' if p.required else p.default}" for p in nq.params)
        title = nq.title.get(args.lang) or nq.title["en"]
        pad = " " * (width - texttable.width(name))
        print(f"{name}{pad}  {title}" + (f"  [{params}]" if params else ""))
    print(
        f"\n{len(queries)} questions; `regimekg query NAME --help` describes one."
        if args.lang == "en"
        else f"\n共 {len(queries)} 个问题；`regimekg query NAME --help` 显示某个问题的说明。"
    )
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    if args.help or args.name is None:
        if args.name is None:
            if args.help:
                print(args.parser.format_help())
                return 0
            raise UserError("Name a question: regimekg query NAME (`regimekg queries` lists them).")
        queries = _catalog(args)
        if args.name not in queries:
            import difflib

            close = difflib.get_close_matches(args.name, list(queries), n=3, cutoff=0.5)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise UserError(
                f"No question named {args.name!r}{hint}: `regimekg queries` lists them."
            )
        print(question_help(queries[args.name], args.lang))
        return 0
    params = _single_params(args.param or ())
    kg = _open(args)
    try:
        result = kg.query(args.name, lang=args.lang, params=params)
        _print_result(result, args.format, args.lang, args.iris)
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
            _print_result(kg.sparql(text, lang=args.lang), args.format, args.lang, args.iris)
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

    print(
        run_metrics(
            project(args.root), as_of=args.as_of, fmt=args.format, lang=args.lang, build=args.out
        )
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export
    from .figures import Subgraph

    chosen = args.ego is not None or args.members_of is not None or args.top is not None
    spec = Subgraph(args.ego, args.radius, args.members_of, args.top, args.by) if chosen else None

    path = export(
        project(args.root),
        args.format,
        Path(args.output),
        as_of=args.as_of,
        lang=args.lang,
        network=args.network,
        subgraph=spec,
        build=args.out,
        excel=args.excel,
    )
    print(f"Wrote {path}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from . import vocab

    proj = project(args.root)
    # The loaders ask for the controlled values for every paragraph: this project's, once.
    with vocab.using(proj):
        return _ingest(args, proj)


def _ingest(args: argparse.Namespace, proj: Project) -> int:
    from . import incremental
    from .loaders.ingest import ingest

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

    proj = project(args.root)
    target = proj if args.out is None else proj.build_dir(args.out)
    serve(target, port=args.port, timeout=_seconds(args.timeout), cors_origins=args.cors_origin)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from .generate import generate

    proj = project(args.root)
    result = generate(proj, check=args.check)
    print(result.summary())
    stale_guides: list[str] = []
    if args.guides:
        from .build import stderr_progress
        from .guide import regenerate

        stale_guides = regenerate(proj, check=args.check, progress=stderr_progress)
        for line in stale_guides:
            print(f"guide: {line}")
        if not stale_guides:
            print("The guides' shown outputs match what the commands print.")
    return 1 if args.check and (result.changed or stale_guides) else 0


def _build_option(sp: argparse.ArgumentParser) -> None:
    """``--build DIR`` (or ``--out DIR``, as the build was given it): the build to read."""
    sp.add_argument(
        "--build",
        "--out",
        dest="out",
        metavar="DIR",
        help="build directory to read (default: build/)",
    )


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

    def fmt(sp: argparse.ArgumentParser, iris: bool = False) -> None:
        sp.add_argument("--format", choices=FORMATS, default="table")
        if iris:
            sp.add_argument(
                "--iris",
                action="store_true",
                help="CSV: add a <column>_iri column beside each column of entities",
            )

    def endpoint(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--endpoint", help="query a SPARQL 1.1 endpoint instead of the build")
        _build_option(sp)

    sp = add("build", cmd_build, "build sources + curated + ontology into a validated store")
    sp.add_argument("--out", help="build directory (default: build/)")
    sp.add_argument("--wait", type=float, default=0, help="seconds to wait for a running build")

    sp = add("validate", cmd_validate, "SHACL and quote checks on the project or on given files")
    sp.add_argument("paths", nargs="*", help="RDF files to validate (default: the whole project)")

    sp = add("check", cmd_check, "ontology QC: OWL 2 DL lint, HermiT, QC queries, bilingual labels")
    sp.add_argument(
        "--build", "--out", dest="out", metavar="DIR",
        help="build directory whose store the QC queries also check",
    )  # fmt: skip

    sp = add(
        "ontology",
        cmd_ontology,
        "ontology editing: status / import-owl (RDF/XML edits → Turtle) / export-owl / reference",
    )
    sp.add_argument("action", choices=("status", "import-owl", "export-owl", "reference"))
    sp.add_argument("--dry-run", action="store_true", help="import-owl: show, write nothing")
    sp.add_argument("--force", action="store_true", help="import-owl: even if the Turtle is newer")
    sp.add_argument("--check", action="store_true", help="reference: only report staleness")

    sp = add("lint", cmd_lint, "check every curated record and (or --fix) its canonical form")
    sp.add_argument("--fix", action="store_true", help="rewrite files canonically")

    sp = add(
        "states",
        cmd_states,
        "regenerate state codes, labels and dataset memberships from pycountry and "
        "country_converter",
    )
    sp.add_argument("--check", action="store_true", help="only report files that would change")

    sp = add(
        "mappings",
        cmd_mappings,
        "regenerate the Wikidata mappings (SSSOM) of entities from Natural Earth's country table",
    )
    sp.add_argument(
        "--check", action="store_true", help="only report whether the file would change"
    )

    sp = add(
        "coverage",
        cmd_coverage,
        "participation coverage of the build beside the published figure, and the map's gaps",
    )
    _build_option(sp)
    sp.add_argument("--check", type=Path, metavar="PAGE", help="fail if PAGE quotes other numbers")
    sp.add_argument("--write", type=Path, metavar="PAGE", help="replace PAGE's coverage block")

    sp = add("queries", cmd_queries, "list the named questions (slug, title, parameters)")
    lang(sp)

    sp = sub.add_parser(
        "query",
        help="run a named question from queries/",
        description="run a named question from queries/; `regimekg query NAME --help` "
        "describes that question",
        add_help=False,
    )
    sp.set_defaults(func=cmd_query, parser=sp)
    sp.add_argument("-h", "--help", action="store_true", help="describe NAME (or this command)")
    sp.add_argument("name", nargs="?", help="query name (file name in queries/ without .rq)")
    sp.add_argument("--param", action="append", type=_param, metavar="K=V", help="parameter")
    lang(sp), fmt(sp, iris=True), endpoint(sp)

    sp = add("sparql", cmd_sparql, "run your own read-only SPARQL query")
    sp.add_argument("query", nargs="?", help="query text")
    sp.add_argument("--file", help="read the query from a .rq file")
    sp.add_argument("--timeout", type=float, default=10.0, help="seconds before it is stopped")
    lang(sp), fmt(sp, iris=True), endpoint(sp)

    sp = add("metrics", cmd_metrics, "regime-complexity network metrics")
    sp.add_argument("--as-of", help="compute on the graph as it stood at this date")
    lang(sp), fmt(sp), _build_option(sp)

    sp = add("export", cmd_export, "export a graph snapshot for visualisation")
    sp.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    sp.add_argument("--as-of", help="only what had started by this date and not ended")
    sp.add_argument("-o", "--output", required=True, help="output file")
    sp.add_argument(
        "--network",
        choices=("all", "membership", "links", "institutions", "actors"),
        default="all",
        help="which network to export (default: memberships and regime links); institutions"
        " and actors are the co-membership projections with weights",
    )
    sp.add_argument(
        "--excel",
        action="store_true",
        help="CSV only: write UTF-8 with a byte-order mark so Excel shows Chinese correctly",
    )
    fig = sp.add_argument_group("figures (png, svg, pdf: one subgraph, page-sized, with a legend)")
    fig.add_argument("--ego", metavar="ENTITY", help="an entity and its neighbours")
    fig.add_argument("--radius", type=int, default=1, choices=(1, 2), help="ego radius")
    fig.add_argument("--members-of", metavar="FORUM", help="a forum and its members")
    fig.add_argument("--top", type=int, metavar="N", help="the N most central entities")
    fig.add_argument(
        "--by",
        choices=("degree", "betweenness", "eigenvector"),
        default="degree",
        help="centrality for --top (default: degree)",
    )
    lang(sp), _build_option(sp)

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
    sp.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let web pages on ORIGIN (scheme://host[:port], or *) query /query; repeatable; "
        "default: none (the query page at / needs none)",
    )
    _build_option(sp)

    sp = add("stats", cmd_stats, "triples per graph, entities per class, label coverage")
    lang(sp)
    sp.add_argument("--endpoint", help="read a SPARQL 1.1 endpoint instead of the build")
    _build_option(sp)

    sp = add(
        "generate",
        cmd_generate,
        "stamp the version and regenerate every generated artefact (RDF/XML, reference, docs)",
    )
    sp.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 naming each stale artefact"
    )
    sp.add_argument(
        "--guides",
        action="store_true",
        help="also run docs/guide.md and docs/guide.zh.md in a scratch copy and refresh their "
        "shown outputs (slow: it builds the graph)",
    )
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
