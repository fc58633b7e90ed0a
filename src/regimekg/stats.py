"""``regimekg stats``: how big the graph is, what is in it, and where it is thin.

Every number comes from a SPARQL query run through :class:`regimekg.query.KG`, so the same
report is produced from the embedded store, an rdflib dataset or a remote endpoint. The
report answers the questions a curator asks before trusting a build: how many triples each
named graph holds, how many individuals of each class there are, how many entities and
concepts have a label in each language (a missing label is a gap to fill, never invented),
how many curated entities carry both labels and evidence, how many UN member and observer
states are curated with both labels and their ISO 3166-1 / Gleditsch–Ward codes (the join
keys to other datasets), how memberships divide by role and by body and how many have a
known start date, how regime links divide by type, how many source disagreements are
recorded, and what the sources say: attributed assertions by kind and by article, and
quantities by unit or currency.
"""

from __future__ import annotations

from rdflib import Literal

from . import dates, texttable
from .query import KG, Result
from .query.result import check_lang

_ID = "https://w3id.org/regimekg/id/"
_PREFIXES = """PREFIX rkg: <https://w3id.org/regimekg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
_ENTITY_KINDS = '"institution", "state", "person", "instrument"'

TRIPLES_PER_GRAPH = """
SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph ORDER BY ?graph
"""

INDIVIDUALS_PER_CLASS = f"""
SELECT ?class (COUNT(DISTINCT ?s) AS ?individuals) WHERE {{
  ?s a ?class .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{_ID}"))
}}
GROUP BY ?class ORDER BY DESC(?individuals) ?class
"""

LABEL_COVERAGE = (
    _PREFIXES
    + f"""
SELECT ?kind (COUNT(?e) AS ?total) (SUM(?en) AS ?withEn) (SUM(?zh) AS ?withZh)
       (SUM(?en * ?zh) AS ?withBoth) WHERE {{
  {{
    SELECT DISTINCT ?e ?kind WHERE {{
      {{
        ?e a ?class .
        BIND(STRBEFORE(STRAFTER(STR(?e), "{_ID}"), "/") AS ?kind)
        FILTER(?kind IN ({_ENTITY_KINDS}))
      }} UNION {{
        ?e a skos:Concept .
        BIND("concept" AS ?kind)
      }} UNION {{
        VALUES ?termType {{ owl:Class owl:ObjectProperty owl:DatatypeProperty
                           owl:AnnotationProperty }}
        ?e a ?termType .
        FILTER(STRSTARTS(STR(?e), "https://w3id.org/regimekg/ontology#"))
        BIND("ontology term" AS ?kind)
      }}
    }}
  }}
  BIND(IF(EXISTS {{ ?e rdfs:label|skos:prefLabel ?l1 . FILTER(LANGMATCHES(LANG(?l1), "en")) }},
          1, 0) AS ?en)
  BIND(IF(EXISTS {{ ?e rdfs:label|skos:prefLabel ?l2 . FILTER(LANGMATCHES(LANG(?l2), "zh")) }},
          1, 0) AS ?zh)
}}
GROUP BY ?kind ORDER BY ?kind
"""
)

CURATED_ENTITIES = (
    _PREFIXES
    + f"""
SELECT (COUNT(?e) AS ?entities) (SUM(?both) AS ?withBothLabels) (SUM(?ev) AS ?withEvidence)
WHERE {{
  {{
    SELECT DISTINCT ?e WHERE {{
      GRAPH <https://w3id.org/regimekg/graph/curated> {{ ?e a ?class }}
      FILTER(STRBEFORE(STRAFTER(STR(?e), "{_ID}"), "/") IN ({_ENTITY_KINDS}))
    }}
  }}
  BIND(IF(EXISTS {{ ?e rdfs:label ?l1 . FILTER(LANGMATCHES(LANG(?l1), "en")) }}
          && EXISTS {{ ?e rdfs:label ?l2 . FILTER(LANGMATCHES(LANG(?l2), "zh")) }}, 1, 0)
       AS ?both)
  BIND(IF(EXISTS {{ ?e rkg:hasEvidence ?x }}, 1, 0) AS ?ev)
}}
"""
)

#: Curated entities without a label in a language, with the reason recorded for the gap
#: (``label_missing`` in the curated record); an unbound reason means nobody recorded one.
MISSING_LABELS = (
    _PREFIXES
    + f"""
SELECT ?entity ?language ?reason WHERE {{
  {{
    SELECT DISTINCT ?entity WHERE {{
      GRAPH <https://w3id.org/regimekg/graph/curated> {{ ?entity a ?class }}
      FILTER(STRBEFORE(STRAFTER(STR(?entity), "{_ID}"), "/") IN ({_ENTITY_KINDS}))
    }}
  }}
  VALUES ?language {{ "en" "zh" }}
  FILTER NOT EXISTS {{ ?entity rdfs:label ?label . FILTER(LANGMATCHES(LANG(?label), ?language)) }}
  OPTIONAL {{
    ?gap rkg:labelOf ?entity ; rkg:labelLanguage ?language ; rkg:labelMissingReason ?reason .
  }}
}}
ORDER BY ?entity ?language
"""
)

MEMBERSHIPS_BY_ROLE = (
    _PREFIXES
    + """
SELECT ?role (COUNT(DISTINCT ?m) AS ?memberships)
WHERE { ?m a rkg:Membership ; rkg:participationRole ?role }
GROUP BY ?role ORDER BY DESC(?memberships) ?role
"""
)

MEMBERSHIPS_BY_BODY = (
    _PREFIXES
    + """
SELECT ?body (COUNT(?m) AS ?memberships) (SUM(?known) AS ?withStart) WHERE {
  { SELECT DISTINCT ?m ?body WHERE { ?m a rkg:Membership ; rkg:participationIn ?body } }
  BIND(IF(EXISTS { ?m rkg:startDate ?start }, 1, 0) AS ?known)
}
GROUP BY ?body ORDER BY DESC(?memberships) ?body
"""
)

#: UN member and observer states (by their curated membership records) and how complete
#: they are as join keys: both labels, the three ISO 3166-1 codes, a Gleditsch–Ward code.
UN_STATES = (
    _PREFIXES
    + f"""
SELECT ?status (COUNT(?s) AS ?states) (SUM(?both) AS ?withBothLabels)
       (SUM(?iso) AS ?withIsoCodes) (SUM(?gw) AS ?withGwCode) WHERE {{
  {{
    SELECT ?s (IF(MAX(?isMember) = 1, "member", "observer") AS ?status) WHERE {{
      ?m a rkg:Membership ; rkg:participationIn <{_ID}institution/united-nations> ;
         rkg:participant ?s ; rkg:participationRole ?role .
      ?s a rkg:State .
      BIND(IF(?role = <{_ID}membership-role/observer>, 0, 1) AS ?isMember)
    }}
    GROUP BY ?s
  }}
  BIND(IF(EXISTS {{ ?s rdfs:label ?l1 . FILTER(LANGMATCHES(LANG(?l1), "en")) }}
          && EXISTS {{ ?s rdfs:label ?l2 . FILTER(LANGMATCHES(LANG(?l2), "zh")) }}, 1, 0)
       AS ?both)
  BIND(IF(EXISTS {{ ?s rkg:iso3166Alpha2 ?a2 ; rkg:iso3166Alpha3 ?a3 ; rkg:iso3166Numeric ?n }},
          1, 0) AS ?iso)
  BIND(IF(EXISTS {{ ?s rkg:gleditschWardCode ?gw0 }}, 1, 0) AS ?gw)
}}
GROUP BY ?status ORDER BY ?status
"""
)

LINKS_BY_TYPE = (
    _PREFIXES
    + """
SELECT ?type (COUNT(DISTINCT ?l) AS ?links) WHERE { ?l a rkg:RegimeLink ; rkg:linkType ?type }
GROUP BY ?type ORDER BY DESC(?links) ?type
"""
)

CONFLICTS = (
    _PREFIXES
    + """
SELECT ?subject ?about (COUNT(DISTINCT ?value) AS ?values) WHERE {
  ?c rkg:claimSubject ?subject ; rkg:claimAbout ?about ; rkg:claimValue ?value .
  FILTER EXISTS {
    ?o rkg:claimSubject ?subject ; rkg:claimAbout ?about ; rkg:claimValue ?otherValue .
    FILTER(STR(?value) != STR(?otherValue) && !("""
    + dates.SPARQL_SAME_DATE
    + """))
  }
}
GROUP BY ?subject ?about
ORDER BY ?subject ?about
"""
)

ASSERTIONS_BY_KIND = (
    _PREFIXES
    + """
SELECT ?assertionKind (COUNT(DISTINCT ?a) AS ?assertions) WHERE {
  ?a a rkg:AttributedAssertion ; rkg:assertionKind ?assertionKind .
}
GROUP BY ?assertionKind ORDER BY DESC(?assertions) ?assertionKind
"""
)

ASSERTIONS_BY_SOURCE = (
    _PREFIXES
    + """
SELECT ?document (COUNT(DISTINCT ?a) AS ?assertions) WHERE {
  ?a a rkg:AttributedAssertion ; rkg:assertedIn ?document .
}
GROUP BY ?document ORDER BY DESC(?assertions) ?document
"""
)

QUANTITIES_BY_UNIT = (
    _PREFIXES
    + """
SELECT ?unit (COUNT(DISTINCT ?q) AS ?quantities) WHERE {
  ?q a rkg:Quantity .
  OPTIONAL { ?q rkg:currencyCode ?code }
  OPTIONAL { ?q rkg:unitOfMeasure ?concept }
  BIND(COALESCE(?code, ?concept) AS ?unit)
}
GROUP BY ?unit ORDER BY DESC(?quantities) STR(?unit)
"""
)

_HEADINGS = {
    "graphs": ("Triples per named graph", "各命名图的三元组数"),
    "classes": ("Individuals per class", "各类的个体数"),
    "labels": ("Label coverage per language", "各语言标签覆盖率"),
    "curated": ("Curated entities", "人工整理的实体"),
    "un": ("UN member and observer states", "联合国会员国与观察员国"),
    "missing": ("Curated entities still missing a label", "仍缺标签的人工整理实体"),
    "roles": ("Memberships by role", "按角色统计的成员身份"),
    "bodies": ("Memberships by body, with known start dates", "按机构统计的成员身份及已知起始日期"),
    "links": ("Regime links by type", "按类型统计的机制关联"),
    "conflicts": ("Conflicting claims (same subject and key, different values)",
                  "相互冲突的说法（同一实体同一属性取值不同）"),
    "assertionKinds": ("What the sources say: attributed assertions by kind",
                       "来源论断（按类型）"),
    "assertionSources": ("Attributed assertions by article", "来源论断（按文章）"),
    "quantities": ("Quantities by unit or currency", "数量（按单位或货币）"),
}  # fmt: skip
_TITLES = {
    "graph": ("Graph", "命名图"),
    "triples": ("Triples", "三元组"),
    "class": ("Class", "类"),
    "individuals": ("Individuals", "个体数"),
    "kind": ("Kind", "种类"),
    "total": ("Total", "总数"),
    "withEn": ("English label", "有英文标签"),
    "withZh": ("Chinese label", "有中文标签"),
    "withBoth": ("Both", "中英皆有"),
    "entities": ("Entities", "实体数"),
    "withBothLabels": ("With both labels", "中英标签齐全"),
    "withEvidence": ("With evidence", "有证据"),
    "withBothOrReason": ("With both labels or a recorded reason", "中英标签齐全或已记录缺失原因"),
    "status": ("Status", "身份"),
    "states": ("States", "国家数"),
    "withIsoCodes": ("ISO 3166-1 codes", "有 ISO 3166-1 代码"),
    "withGwCode": ("Gleditsch–Ward code", "有 Gleditsch–Ward 代码"),
    "body": ("Body", "机构"),
    "withStart": ("Known start", "起始日期已知"),
    "role": ("Role", "角色"),
    "memberships": ("Memberships", "成员身份数"),
    "type": ("Link type", "关联类型"),
    "links": ("Links", "数量"),
    "subject": ("About", "实体"),
    "about": ("Key", "属性"),
    "values": ("Values", "取值数"),
    "assertionKind": ("Kind", "论断类型"),
    "assertions": ("Assertions", "论断数"),
    "document": ("Article", "文章"),
    "unit": ("Unit or currency", "单位或货币"),
    "quantities": ("Quantities", "数量数"),
}
_KINDS = {
    "institution": "机构",
    "state": "国家",
    "person": "人物",
    "instrument": "文件",
    "concept": "概念",
    "ontology term": "本体术语",
}
_STATUS = {"member": "会员国", "observer": "观察员国"}
_WORDS = {
    "en": {
        "none": "none",
        "total": "Total",
        "of": "{n} of {total} ({pct})",
        "start": "Known start date",
        "no reason": "(no reason recorded)",
    },
    "zh": {
        "none": "无",
        "total": "合计",
        "of": "{total} 个中的 {n} 个（{pct}）",
        "start": "起始日期已知",
        "no reason": "（未记录原因）",
    },
}


def _titled(result: Result) -> Result:
    result.titles = {c: {"en": en, "zh": zh} for c, (en, zh) in _TITLES.items()}
    return result


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "–"


def _int(value: object) -> int:
    return int(str(value)) if isinstance(value, Literal) else 0


def _section(key: str, body: str, lang: str) -> str:
    title = _HEADINGS[key][0 if lang == "en" else 1]
    return f"{title}\n{'=' * texttable.width(title)}\n{body}"


def _table(result: Result, lang: str) -> str:
    if not result.rows:
        return _WORDS[lang]["none"]
    text = result.format("table", lang)
    return text.rsplit("\n", 1)[0]  # drop the row-count footer


def _share(row: dict, column: str, total: int) -> None:
    n = _int(row.get(column))
    row[column] = Literal(f"{n} ({_pct(n, total)})")


def _un_states(result: Result, lang: str) -> Result:
    """Counts of UN member/observer states shown as "n (pct)" of the states in that row."""
    # rdflib answers a grouped aggregate over no solutions with one empty group; drop it.
    result.rows = [row for row in result.rows if _int(row.get("states"))]
    for row in result.rows:
        status = str(row.get("status", ""))
        if lang == "zh":
            row["status"] = Literal(_STATUS.get(status, status))
        total = _int(row.get("states"))
        for col in ("withBothLabels", "withIsoCodes", "withGwCode"):
            _share(row, col, total)
    return result


def _nonempty(result: Result) -> Result:
    """Drop the one empty group rdflib answers for a grouped count over no solutions."""
    result.rows = [
        row for row in result.rows if _int(row.get("assertions") or row.get("quantities"))
    ]
    return result


def _bodies(result: Result, lang: str) -> str:
    """Memberships per body with the share whose start date a source gives, and the total."""
    n = total = 0
    for row in result.rows:
        count = _int(row.get("memberships"))
        total += count
        n += _int(row.get("withStart"))
        _share(row, "withStart", count)
    share = _WORDS[lang]["of"].format(n=n, total=total, pct=_pct(n, total))
    return _table(result, lang) + f"\n{_WORDS[lang]['start']}: {share}"


def _missing_labels(result: Result, lang: str) -> tuple[str, int]:
    """One line per gap with its full reason, and how many entities have an unexplained gap.

    Lines rather than a table: a table cuts long cells, and the reason (which sources were
    searched) is what the next curator needs to read in full.
    """
    if not result.rows:
        return _WORDS[lang]["none"], 0
    unexplained: set[str] = set()
    lines = []
    for row in result.rows:
        entity = row.get("entity")
        reason = row.get("reason")
        if reason is None:
            unexplained.add(str(entity))
        name = result.text(entity, lang)
        slug = str(entity).rsplit("/", 1)[-1]
        why = str(reason) if reason is not None else _WORDS[lang]["no reason"]
        lines.append(f"- {name} ({slug}) {row.get('language')}: {why}")
    return "\n".join(lines), len(unexplained)


def stats(kg: KG, lang: str = "en") -> str:
    """The statistics report as text, headings and names in *lang* (``en`` or ``zh``)."""
    lang = check_lang(lang)

    def run(text: str) -> Result:
        return _titled(kg.sparql(text, lang=lang, untrusted=False))

    parts: list[str] = []

    graphs = run(TRIPLES_PER_GRAPH)
    total = sum(_int(r.get("triples")) for r in graphs.rows)
    parts.append(
        _section(
            "graphs",
            _table(graphs, lang) + f"\n{_WORDS[lang]['total']}: {total}",
            lang,
        )
    )
    parts.append(_section("classes", _table(run(INDIVIDUALS_PER_CLASS), lang), lang))

    coverage = run(LABEL_COVERAGE)
    if lang == "zh":
        for row in coverage.rows:
            kind = str(row.get("kind", ""))
            row["kind"] = Literal(_KINDS.get(kind, kind))
    for row in coverage.rows:
        total_n = _int(row.get("total"))
        for col in ("withEn", "withZh", "withBoth"):
            n = _int(row.get(col))
            row[col] = Literal(f"{n} ({_pct(n, total_n)})")
    parts.append(_section("labels", _table(coverage, lang), lang))

    curated = run(CURATED_ENTITIES)
    row = curated.rows[0] if curated.rows else {}
    n = _int(row.get("entities"))
    words = _WORDS[lang]
    lines = [
        f"{curated.title('entities', lang)}: {n}",
        f"{curated.title('withBothLabels', lang)}: "
        + words["of"].format(
            n=_int(row.get("withBothLabels")),
            total=n,
            pct=_pct(_int(row.get("withBothLabels")), n),
        ),
        f"{curated.title('withEvidence', lang)}: "
        + words["of"].format(
            n=_int(row.get("withEvidence")), total=n, pct=_pct(_int(row.get("withEvidence")), n)
        ),
    ]
    missing, unexplained = _missing_labels(run(MISSING_LABELS), lang)
    explained = n - unexplained
    lines.insert(
        2,
        f"{curated.title('withBothOrReason', lang)}: "
        + words["of"].format(n=explained, total=n, pct=_pct(explained, n)),
    )
    parts.append(_section("curated", "\n".join(lines), lang))
    parts.append(_section("missing", missing, lang))
    parts.append(_section("un", _table(_un_states(run(UN_STATES), lang), lang), lang))
    parts.append(_section("roles", _table(run(MEMBERSHIPS_BY_ROLE), lang), lang))
    parts.append(_section("bodies", _bodies(run(MEMBERSHIPS_BY_BODY), lang), lang))
    parts.append(_section("links", _table(run(LINKS_BY_TYPE), lang), lang))
    parts.append(_section("conflicts", _table(run(CONFLICTS), lang), lang))
    parts.append(_section("assertionKinds", _table(_nonempty(run(ASSERTIONS_BY_KIND)), lang), lang))
    parts.append(
        _section("assertionSources", _table(_nonempty(run(ASSERTIONS_BY_SOURCE)), lang), lang)
    )
    parts.append(_section("quantities", _table(_nonempty(run(QUANTITIES_BY_UNIT)), lang), lang))
    return "\n\n".join(parts)
