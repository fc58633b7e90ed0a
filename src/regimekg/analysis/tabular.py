"""The metrics of a slice as tables: one row per node, pair, network or observation, and
their UTF-8 CSV files under ``build/metrics/`` (cells made safe by :func:`outputs.csv_row`)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import files
from ..outputs import csv_row
from .measures import Metrics

#: Columns of the CSV files and report tables: (key, English header, Chinese header).
INSTITUTION_COLUMNS = (
    ("member-count", "members", "成员数"),
    ("degree-centrality", "degree", "度中心性"),
    ("betweenness-centrality", "betweenness", "中介中心性"),
    ("eigenvector-centrality", "eigenvector", "特征向量中心性"),
    ("shared-member-strength", "shared-member strength", "共享成员强度"),
    ("link-in-degree", "links in", "联系入度"),
    ("link-out-degree", "links out", "联系出度"),
    ("hierarchical-in-degree", "hierarchical in-degree", "等级性入度"),
    ("link-betweenness", "link betweenness", "联系网络中介中心性"),
)
ACTOR_COLUMNS = (
    ("institution-membership-count", "institutions", "参与机制数"),
    ("forum-shopping-options", "forum-shopping options", "选择法院选项数"),
    ("degree-centrality", "degree", "度中心性"),
    ("betweenness-centrality", "betweenness", "中介中心性"),
    ("eigenvector-centrality", "eigenvector", "特征向量中心性"),
)
_NODE_NETWORK = {
    "member-count": "membership",
    "institution-membership-count": "membership",
    "forum-shopping-options": "membership",
    "shared-member-strength": "institution-projection",
    "link-in-degree": "regime-links",
    "link-out-degree": "regime-links",
    "hierarchical-in-degree": "regime-links",
}


def node_table(m: Metrics, side: str) -> list[dict[str, Any]]:
    """One row per institution (or actor), one column per node metric."""
    cols = INSTITUTION_COLUMNS if side == "institution" else ACTOR_COLUMNS
    proj = "institution-projection" if side == "institution" else "actor-projection"
    rows: dict[str, dict[str, Any]] = {}
    for o in m.observations:
        if o.subject is None or o.related is not None:
            continue
        col = o.metric
        if o.network == "regime-links" and o.metric == "betweenness-centrality":
            col = "link-betweenness"
        elif o.metric in ("degree-centrality", "betweenness-centrality", "eigenvector-centrality"):
            if o.network != proj:
                continue
        elif _NODE_NETWORK.get(o.metric) is None:
            continue
        if col not in {c for c, _, _ in cols}:
            continue
        rows.setdefault(o.subject, {})[col] = o.value
    out = []
    for node, vals in rows.items():
        e = m.data.entities.get(node)
        row = {
            "iri": node,
            "label_en": e.labels.get("en", "") if e else "",
            "label_zh": e.labels.get("zh", "") if e else "",
            "class": e.cls if e else "",
        }
        row.update({c: vals.get(c) for c, _, _ in cols})
        out.append(row)
    key = "eigenvector-centrality"
    out.sort(key=lambda r: (-(r.get(key) or 0.0), -(r.get(cols[0][0]) or 0), r["iri"]))
    return out


def pair_table(m: Metrics) -> list[dict[str, Any]]:
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for o in m.observations:
        if o.related is None:
            continue
        a, b = sorted((o.subject or "", o.related))
        row = pairs.setdefault((a, b), {})
        if o.metric == "nestedness":
            row["nestedness_a_in_b" if o.subject == a else "nestedness_b_in_a"] = o.value
        elif o.metric == "fragmentation-type":
            row["fragmentation_type"] = o.category
        else:
            row[o.metric.replace("-", "_")] = o.value
    types: dict[tuple[str, str], set[str]] = defaultdict(set)
    for lk in m.data.links:
        types[tuple(sorted((lk.source, lk.target)))].add(lk.type)  # type: ignore[index]
    out = []
    for (a, b), vals in sorted(pairs.items()):
        out.append(
            {
                "a": a,
                "a_label_en": m.data.entities[a].labels.get("en", "")
                if a in m.data.entities
                else "",
                "a_label_zh": m.data.entities[a].labels.get("zh", "")
                if a in m.data.entities
                else "",
                "b": b,
                "b_label_en": m.data.entities[b].labels.get("en", "")
                if b in m.data.entities
                else "",
                "b_label_zh": m.data.entities[b].labels.get("zh", "")
                if b in m.data.entities
                else "",
                "shared_members": vals.get("shared_members"),
                "jaccard": vals.get("jaccard"),
                "overlap_coefficient": vals.get("overlap_coefficient"),
                "nestedness_a_in_b": vals.get("nestedness_a_in_b"),
                "nestedness_b_in_a": vals.get("nestedness_b_in_a"),
                "link_types": ";".join(sorted(types.get((a, b), ()))),
                "fragmentation_type": vals.get("fragmentation_type"),
            }
        )
    return out


def network_table(m: Metrics) -> list[dict[str, Any]]:
    rows = []
    for o in m.observations:
        if o.subject is None and o.k is None:
            rows.append(
                {"network": o.network, "metric": o.metric, "category": o.category, "value": o.value}
            )
    return rows


def coverage_table(m: Metrics) -> list[dict[str, Any]]:
    exact = {o.k: o.value for o in m.by("actors-in-exactly-k")}
    least = {o.k: o.value for o in m.by("actors-in-at-least-k")}
    return [
        {"k": k, "actors_in_exactly_k": exact[k], "actors_in_at_least_k": least[k]}
        for k in sorted(exact)
    ]


def long_table(m: Metrics) -> list[dict[str, Any]]:
    """Every observation as one row: the tidy form R and pandas read directly."""
    d = m.data
    rows = []
    for o in m.observations:
        rows.append(
            {
                "as_of": d.as_of.isoformat() if d.as_of else "",
                "network": o.network,
                "metric": o.metric,
                "subject": o.subject or "",
                "subject_label_en": d.entities[o.subject].labels.get("en", "")
                if o.subject in d.entities
                else "",
                "subject_label_zh": d.entities[o.subject].labels.get("zh", "")
                if o.subject in d.entities
                else "",
                "related": o.related or "",
                "related_label_en": d.entities[o.related].labels.get("en", "")
                if o.related in d.entities
                else "",
                "related_label_zh": d.entities[o.related].labels.get("zh", "")
                if o.related in d.entities
                else "",
                "k": "" if o.k is None else o.k,
                "category": o.category or "",
                "value": "" if o.value is None else o.value,
            }
        )
    return rows


def tables(m: Metrics) -> dict[str, list[dict[str, Any]]]:
    """The CSV tables of one slice, by file stem."""
    return {
        "network": network_table(m),
        "institutions": node_table(m, "institution"),
        "actors": node_table(m, "actor"),
        "pairs": pair_table(m),
        "coverage": coverage_table(m),
        "observations": long_table(m),
    }


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(round(v, 12))
    return v


def to_csv(rows: list[dict[str, Any]], header: Sequence[str] | None = None) -> str:
    cols = list(header or (rows[0].keys() if rows else []))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(csv_row(cols))
    for r in rows:
        w.writerow(csv_row(_csv_value(r.get(c)) for c in cols))
    return buf.getvalue()


def write_csv(m: Metrics, directory: Path) -> list[Path]:
    """Write every table of one slice as UTF-8 CSV into *directory*."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in tables(m).items():
        path = directory / f"{name}.csv"
        header = HEADERS.get(name)
        files.write_text(path, to_csv(rows, header))
        paths.append(path)
    return paths


HEADERS: dict[str, list[str]] = {
    "network": ["network", "metric", "category", "value"],
    "institutions": [
        "iri",
        "label_en",
        "label_zh",
        "class",
        *(c for c, _, _ in INSTITUTION_COLUMNS),
    ],
    "actors": ["iri", "label_en", "label_zh", "class", *(c for c, _, _ in ACTOR_COLUMNS)],
    "pairs": [
        "a",
        "a_label_en",
        "a_label_zh",
        "b",
        "b_label_en",
        "b_label_zh",
        "shared_members",
        "jaccard",
        "overlap_coefficient",
        "nestedness_a_in_b",
        "nestedness_b_in_a",
        "link_types",
        "fragmentation_type",
    ],
    "coverage": ["k", "actors_in_exactly_k", "actors_in_at_least_k"],
    "observations": [
        "as_of",
        "network",
        "metric",
        "subject",
        "subject_label_en",
        "subject_label_zh",
        "related",
        "related_label_en",
        "related_label_zh",
        "k",
        "category",
        "value",
    ],
}
