"""The query page that ``regimekg serve`` shows at ``/``: a SPARQL editor in the browser.

The page is YASGUI (``@zazuko/yasgui``, vendored under ``vendor/``: see ``vendor/VERSION.md``)
with a thin page of our own around it (``index.html``, ``app.js``, ``app.css``): a menu of the
named questions in English and Chinese, the project prefixes in every new query, entities shown
by name, chart and graph views (``views.js``, plain SVG), the result cap shown as a cap, and
the query and language in the URL so a page can be shared.

Everything the page loads comes from the server itself, so it works offline and under a strict
Content-Security-Policy (:data:`CSP`). This module only knows the files and the question
catalogue; :mod:`regimekg.serve` routes the requests.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..namespaces import SPARQL_PREFIXES

HERE = Path(__file__).resolve().parent

#: Nothing but this server: no CDN, no inline script, no frames, no form posts elsewhere.
#: ``style-src`` allows inline styles because the editor (CodeMirror) positions its cursor
#: and gutters with ``style`` attributes; scripts stay strictly same-origin.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Asset:
    """A file the page needs, and the content type it is served with."""

    path: Path
    content_type: str


#: URL path → file; anything else under ``/ui/`` is a 404 (no directory walking).
ASSETS: dict[str, Asset] = {
    "/": Asset(HERE / "index.html", "text/html; charset=utf-8"),
    "/ui/app.js": Asset(HERE / "app.js", "text/javascript; charset=utf-8"),
    "/ui/app.css": Asset(HERE / "app.css", "text/css; charset=utf-8"),
    "/ui/views.js": Asset(HERE / "views.js", "text/javascript; charset=utf-8"),
    "/ui/vendor/yasgui.min.js": Asset(
        HERE / "vendor" / "yasgui.min.js", "text/javascript; charset=utf-8"
    ),
    "/ui/vendor/yasgui.min.css": Asset(
        HERE / "vendor" / "yasgui.min.css", "text/css; charset=utf-8"
    ),
    "/ui/vendor/LICENSE": Asset(HERE / "vendor" / "LICENSE", "text/plain; charset=utf-8"),
}

#: Path of the question catalogue the page fetches (JSON, built by :func:`catalogue`).
CATALOGUE_PATH = "/ui/questions.json"


def asset(path: str) -> tuple[str, bytes] | None:
    """Content type and bytes of the page file at URL *path*, or None when there is none."""
    found = ASSETS.get(path)
    if found is None:
        return None
    return found.content_type, found.path.read_bytes()


def prologue(text: str = "") -> str:
    """``PREFIX`` lines for the SPARQL prefixes (entity kinds included) *text* lacks."""
    from ..query.sparqltext import declared_prefixes

    declared = declared_prefixes(text) if text else set()
    return "".join(
        f"PREFIX {name}: <{iri}>\n" for name, iri in SPARQL_PREFIXES.items() if name not in declared
    )


def catalogue(queries_dir: Path | None, store: Path | None) -> bytes:
    """The named questions as JSON for the page's menu, each ready to run.

    Each question's text gets the project prefixes it lacks and its default parameter values
    written in (resolved against *store*, the way ``regimekg query NAME`` would bind them), so
    choosing it from the menu and pressing run answers the same question as the CLI. A default
    that cannot be resolved leaves the variable free and says so in the entry.
    """
    from ..query import open as open_kg
    from ..query.catalog import load_dir
    from ..query.sparqltext import substitute

    questions: list[dict[str, Any]] = []
    named = load_dir(queries_dir) if queries_dir is not None else {}
    kg = open_kg(store=store) if store is not None and named else None
    try:
        for name in sorted(named):
            nq = named[name]
            note = ""
            text = nq.text
            if kg is not None:
                try:
                    text = substitute(nq.text, kg.bind(nq, {}))
                except Exception as e:  # a stale default: show the question unbound
                    logging.getLogger(__name__).debug("%s: %s", name, e)
                    note = str(e)
            questions.append(
                {
                    "name": name,
                    "title": nq.title,
                    "description": nq.description,
                    "params": [
                        {"name": p.name, "type": p.type, "default": p.default, "doc": p.doc}
                        for p in nq.params
                    ],
                    "query": prologue(nq.text) + text,  # values do not change prefixes
                    "note": note,
                }
            )
    finally:
        if kg is not None:
            kg.close()
    data = {"prefixes": list(SPARQL_PREFIXES.items()), "questions": questions}
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
