"""The metrics of one slice as a readable bilingual report (table or Markdown), CSV or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import texttable, vocab
from ..errors import UserError
from .dictionary import FORMATS, LANGS, NETWORKS, metric_label
from .measures import Metrics
from .tabular import HEADERS, coverage_table, long_table, node_table, pair_table, tables, to_csv

_TEXT = {
    "title": ("Regime-complexity metrics", "机制复合体指标"),
    "as_of": (
        "as of {day}: everything known to hold on that day (docs/time.md)",
        "截至{day}：当日已知成立的全部内容（见 docs/time.md）",
    ),
    "whole": (
        "whole graph, all dates (pass --as-of DATE for a dated slice)",
        "全部时间的完整图谱（使用 --as-of 日期 查看某一时点）",
    ),
    "build": ("build {version}, built {built}", "构建版本 {version}，构建于 {built}"),
    "networks": ("Networks", "网络"),
    "overlap": ("Membership overlap", "成员重叠"),
    "measure": ("measure", "指标"),
    "value": ("value", "数值"),
    "network": ("network", "网络"),
    "top_inst": (
        "Most central institutions (co-membership network)",
        "最核心的机制（共同成员网络）",
    ),
    "top_act": ("Actors with the most forum-shopping options", "选择法院选项最多的行为体"),
    "institution": ("institution", "机制"),
    "actor": ("actor", "行为体"),
    "coverage": ("Participation coverage (n = {n} institutions)", "参与覆盖度（共 {n} 个机制）"),
    "k": ("k", "k"),
    "exactly": ("actors in exactly k", "恰好参与k个"),
    "at_least": ("actors in at least k", "至少参与k个"),
    "pairs": ("Most overlapping institution pairs", "成员重叠度最高的机制对"),
    "a": ("A", "A"),
    "b": ("B", "B"),
    "links": ("Regime links", "机制间联系"),
    "fragmentation": (
        "Biermann fragmentation types of linked pairs",
        "有联系的机制对的Biermann碎片化类型",
    ),
    "type": ("type", "类型"),
    "pairs_n": ("pairs", "机制对数"),
    "share": ("share", "占比"),
    "csv": ("CSV files: {path}", "CSV文件：{path}"),
    "none": ("(none)", "（无）"),
    "link_type": ("link type", "联系类型"),
    "state_coverage": (
        "UN member states in k of {n} sampled initiatives (docs/metrics.md)",
        "参与{n}个样本机制中k个的联合国会员国（见docs/metrics.md）",
    ),
    "states": ("states", "国家数"),
}


def _t(key: str, lang: str, **kw: Any) -> str:
    en, zh = _TEXT[key]
    return (zh if lang == "zh" else en).format(**kw)


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]], md: bool) -> str:
    return "\n".join(texttable.markdown(header, rows) if md else texttable.plain(header, rows))


def _section(
    title: str, header: list[str], rows: list[list[str]]
) -> tuple[str, list[str], list[list[str]]]:
    return title, header, rows


def _report_sections(
    m: Metrics, lang: str, top: int
) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report's tables: networks, top institutions and actors, coverage, pairs, links."""
    d = m.data
    i = 1 if lang == "zh" else 0
    out = []

    cols = ["node-count", "edge-count", "density", "component-count", "largest-component-share"]
    rows = [[NETWORKS[n][i], *(_fmt(m.value(c, n)) for c in cols)] for n in NETWORKS]
    head = [_t("network", lang), *(metric_label(c, lang) for c in cols)]
    out.append(_section(_t("networks", lang), head, rows))

    cols = ["mean-memberships-per-actor", "mean-pairwise-jaccard", "undated-membership-share"]
    rows = [[metric_label(c, lang), _fmt(m.value(c, "membership"))] for c in cols]
    out.append(_section(_t("overlap", lang), [_t("measure", lang), _t("value", lang)], rows))

    cols = ["member-count", "degree-centrality", "betweenness-centrality", "eigenvector-centrality"]
    inst = [r for r in node_table(m, "institution") if r["member-count"] is not None][:top]
    rows = [[d.label(r["iri"], lang), *(_fmt(r[c]) for c in cols)] for r in inst]
    head = [_t("institution", lang), *(metric_label(c, lang) for c in cols)]
    out.append(_section(_t("top_inst", lang), head, rows))

    cols = ["institution-membership-count", "forum-shopping-options", "eigenvector-centrality"]
    act = sorted(
        node_table(m, "actor"),
        key=lambda r: (-(r[cols[1]] or 0), -(r[cols[2]] or 0), r["iri"]),
    )[:top]
    rows = [[d.label(r["iri"], lang), *(_fmt(r[c]) for c in cols)] for r in act]
    head = [_t("actor", lang), *(metric_label(c, lang) for c in cols)]
    out.append(_section(_t("top_act", lang), head, rows))

    cov = coverage_table(m)
    keys = ["k", "actors_in_exactly_k", "actors_in_at_least_k"]
    rows = [[str(r[k]) for k in keys] for r in cov]
    head = [_t("k", lang), _t("exactly", lang), _t("at_least", lang)]
    out.append(_section(_t("coverage", lang, n=len(cov)), head, rows))

    sc = m.by("states-in-exactly-k-initiatives")
    if sc:
        rows = [["0", _fmt(m.value("states-in-no-sampled-initiative", "membership"))]]
        rows += [[str(o.k), _fmt(o.value)] for o in sc]
        head = [_t("k", lang), _t("states", lang)]
        out.append(_section(_t("state_coverage", lang, n=len(sc)), head, rows))

    pairs = sorted(
        (r for r in pair_table(m) if r["jaccard"] is not None),
        key=lambda r: (-r["jaccard"], r["a"], r["b"]),
    )[:top]
    keys = ["shared_members", "jaccard", "overlap_coefficient"]
    rows = [
        [d.label(r["a"], lang), d.label(r["b"], lang), *(_fmt(r[k]) for k in keys)] for r in pairs
    ]
    cols = ["shared-members", "jaccard", "overlap-coefficient"]
    head = [_t("a", lang), _t("b", lang), *(metric_label(c, lang) for c in cols)]
    out.append(_section(_t("pairs", lang), head, rows))

    link_types = vocab.current().labels("regime-link-type")
    rows = [
        [link_types.get(o.category or "", (o.category or "",) * 2)[i], _fmt(o.value)]
        for o in m.by("link-type-share")
    ]
    for key in ("hierarchical-link-share", "nesting-link-share"):
        v = m.value(key, "regime-links")
        if v is not None:
            rows.append([metric_label(key, lang), _fmt(v)])
    out.append(_section(_t("links", lang), [_t("link_type", lang), _t("share", lang)], rows))

    # The types' names are the vocabulary's preferred labels ("synergistic fragmentation",
    # 协同型碎片化), the wording the docs and the classification records use.
    fragmentation = vocab.current().labels("fragmentation-type")
    rows = [
        [fragmentation.get(o.category or "", (o.category or "",) * 2)[i], _fmt(o.value)]
        for o in m.by("fragmentation-type-count")
    ]
    head = [_t("type", lang), _t("pairs_n", lang)]
    out.append(_section(_t("fragmentation", lang), head, rows))
    return out


def report(
    m: Metrics,
    *,
    fmt: str = "table",
    lang: str = "en",
    info: dict[str, Any] | None = None,
    csv_dir: Path | None = None,
    top: int = 10,
) -> str:
    """The metrics of one slice as a readable report (table, md), a tidy CSV or JSON."""
    if fmt not in FORMATS:
        raise UserError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if lang not in LANGS:
        raise UserError(f"Unknown language {lang!r}; use en or zh.")
    info = info or {}
    day = m.data.as_of
    if fmt == "csv":
        return to_csv(long_table(m), HEADERS["observations"])
    if fmt == "json":
        t = tables(m)
        del t["observations"]
        doc = {
            "as_of": day.isoformat() if day else None,
            "build": {"version": info.get("version"), "built": info.get("built")},
            **t,
        }
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True, default=str)

    md = fmt == "md"
    when = _t("as_of", lang, day=day.isoformat()) if day else _t("whole", lang)
    out = [("# " if md else "") + f"{_t('title', lang)} · {when}"]
    if info:
        out.append(
            _t("build", lang, version=info.get("version", "?"), built=info.get("built", "?"))
        )
    for title, header, rows in _report_sections(m, lang, top):
        out.append("")
        out.append(("## " if md else "") + title)
        out.append(_text_table(header, rows, md) if rows else _t("none", lang))
    if csv_dir is not None:
        out.extend(["", _t("csv", lang, path=csv_dir)])
    return "\n".join(out) + "\n"
