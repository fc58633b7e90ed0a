"""The metric dictionary: every measure's labels, definition and literature reference.

One place for what a metric *means* (DESIGN §8, docs/metrics.md): the computation, the RDF
writer, the CSV tables, the report and ``ontology/vocab/metric.ttl`` (generated) all read
these tables, so a label or a reference is changed here and nowhere else.
"""

from __future__ import annotations

LANGS = ("en", "zh")
FORMATS = ("table", "csv", "json", "md")

#: Links where the target is the authority the source defers to (Gehring & Faude 2014).
HIERARCHICAL_TYPES = ("builds-on", "endorses", "hosted-by")
#: Links that put one element inside another (Alter & Meunier 2009).
NESTING_TYPES = ("nested-in", "part-of")
#: Operationalisation of Biermann et al. (2009), strongest evidence first (docs/metrics.md).
FRAGMENTATION_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("conflictive", frozenset({"conflicts-with"})),
    ("synergistic", frozenset({"nested-in", "part-of", "hosted-by"})),
    ("cooperative", frozenset({"builds-on", "endorses", "overlaps-with", "parallel-to"})),
)
#: Biermann et al.'s order, from most to least integrated.
FRAGMENTATION_TYPES = ("synergistic", "cooperative", "conflictive")

#: The networks metrics are computed on; their IRIs are ``id/network/{slug}``.
NETWORKS: dict[str, tuple[str, str]] = {
    "membership": ("actor × institution membership network", "行为体—机制成员网络"),
    "institution-projection": ("institution co-membership network", "机制共同成员网络"),
    "actor-projection": ("actor co-membership network", "行为体共同参与网络"),
    "regime-links": ("institution × institution regime-link network", "机制间联系网络"),
}

#: Every metric: slug → (English label, Chinese label, English definition, Chinese definition).
#: The full formulas and references are in docs/metrics.md.
# fmt: off
METRICS: dict[str, tuple[str, str, str, str]] = {
    "node-count": ("nodes", "节点数",
        "Number of nodes in the network.",
        "网络中的节点数。"),
    "edge-count": ("edges", "边数",
        "Number of edges (distinct node pairs) in the network.",
        "网络中的边数（不同的节点对）。"),
    "actor-count": ("actors", "行为体数",
        "Actors holding at least one membership.",
        "至少拥有一项成员资格的行为体数。"),
    "institution-count": ("institutions", "机制数",
        "Institutions with at least one member.",
        "至少有一个成员的机制数。"),
    "density": ("density", "密度",
        "Edges present divided by edges possible (two-mode: |E|/(|A|·|I|)).",
        "实际边数除以可能边数（二模网络：|E|/(|A|·|I|)）。"),
    "component-count": ("components", "连通分量数",
        "Number of (weakly) connected components.",
        "（弱）连通分量的个数。"),
    "largest-component-share": ("largest component share", "最大连通分量占比",
        "Share of nodes in the largest connected component.",
        "最大连通分量中节点所占比例。"),
    "mean-memberships-per-actor": ("mean memberships per actor", "行为体平均成员资格数",
        "Average number of institutions an actor belongs to.",
        "每个行为体平均所属的机制数。"),
    "undated-membership-share": ("share of undated memberships", "无起始日期的成员资格占比",
        "Memberships in force (member roles) that have no start date, over all of them.",
        "现行成员资格（成员类角色）中没有起始日期者所占比例。"),
    "mean-pairwise-jaccard": ("mean pairwise Jaccard overlap", "平均成对Jaccard重叠度",
        "Mean Jaccard overlap over all unordered pairs of institutions.",
        "所有无序机制对的Jaccard重叠度的平均值。"),
    "actors-in-exactly-k": ("actors in exactly k institutions", "恰好参与k个机制的行为体数",
        "Number of actors that are members of exactly k institutions (k = parameter).",
        "恰好是k个机制成员的行为体数（k为参数）。"),
    "actors-in-at-least-k": ("actors in at least k institutions", "至少参与k个机制的行为体数",
        "Number of actors that are members of at least k institutions (k = parameter).",
        "至少是k个机制成员的行为体数（k为参数）。"),
    "link-type-share": ("share of link type", "联系类型占比",
        "Share of regime links of the given type among all regime links.",
        "某一类型的机制间联系在全部联系中所占比例。"),
    "hierarchical-link-share": ("hierarchical link share", "等级性联系占比",
        "Share of builds-on, endorses and hosted-by links among all regime links.",
        "“沿袭自”“认可”“依托于”联系在全部机制间联系中所占比例。"),
    "nesting-link-share": ("nesting link share", "嵌套联系占比",
        "Share of nested-in and part-of links among all regime links.",
        "“嵌套于”“隶属于”联系在全部机制间联系中所占比例。"),
    "fragmentation-type-count": ("pairs of fragmentation type", "各碎片化类型的机制对数",
        "Number of institution pairs classified as the given Biermann type.",
        "被归为某一Biermann碎片化类型的机制对数。"),
    "member-count": ("members", "成员数",
        "Number of actors that are members of the institution.",
        "机制的成员行为体数。"),
    "institution-membership-count": ("institutions joined", "参与机制数",
        "Number of institutions the actor is a member of.",
        "行为体作为成员参与的机制数。"),
    "forum-shopping-options": ("forum-shopping options", "选择法院选项数",
        "Alternative venues the actor can turn to: institutions joined minus one.",
        "行为体可转向的替代场所数：参与机制数减一。"),
    "degree-centrality": ("degree centrality", "度中心性",
        "Neighbours divided by n − 1.",
        "邻居数除以n − 1。"),
    "betweenness-centrality": ("betweenness centrality", "中介中心性",
        "Share of shortest paths between other nodes that pass through the node (normalised).",
        "其他节点之间经过该节点的最短路径比例（标准化）。"),
    "eigenvector-centrality": ("eigenvector centrality", "特征向量中心性",
        "Principal eigenvector per component, weighted by the component's share of nodes.",
        "按连通分量计算的主特征向量，再乘以该分量的节点占比。"),
    "shared-member-strength": ("shared-member strength", "共享成员强度",
        "Sum of members shared with every other institution.",
        "与其他所有机制共享的成员数之和。"),
    "link-in-degree": ("regime links in", "联系入度",
        "Regime links pointing at the element.",
        "指向该要素的机制间联系数。"),
    "link-out-degree": ("regime links out", "联系出度",
        "Regime links starting at the element.",
        "从该要素出发的机制间联系数。"),
    "hierarchical-in-degree": ("hierarchical in-degree", "等级性入度",
        "Builds-on, endorses and hosted-by links pointing at the element.",
        "指向该要素的“沿袭自”“认可”“依托于”联系数。"),
    "shared-members": ("shared members", "共享成员数",
        "|A ∩ B|: actors that are members of both institutions.",
        "|A ∩ B|：同时是两个机制成员的行为体数。"),
    "jaccard": ("Jaccard overlap", "Jaccard重叠度",
        "|A ∩ B| / |A ∪ B|.",
        "|A ∩ B| / |A ∪ B|。"),
    "overlap-coefficient": ("overlap coefficient", "重叠系数",
        "|A ∩ B| / min(|A|, |B|).",
        "|A ∩ B| / min(|A|, |B|)。"),
    "nestedness": ("nestedness of A in B", "A在B中的嵌套度",
        "|A ∩ B| / |A|: share of A's members that are also members of B.",
        "|A ∩ B| / |A|：A的成员中同时也是B成员的比例。"),
    "fragmentation-type": ("Biermann fragmentation type", "Biermann碎片化类型",
        "Synergistic, cooperative or conflictive, from the regime links of the pair.",
        "根据机制对之间的联系判定的协同型、合作型或冲突型。"),
    "states-in-exactly-k-initiatives": (
        "UN member states in exactly k of the sampled initiatives",
        "恰好参与k个样本机制的联合国会员国数",
        "Current UN member states taking part (any role but observer) in exactly k of the "
        "sampled AI-governance initiatives (k = 1 … n; the sample is listed in docs/metrics.md).",
        "恰好参与k个样本人工智能治理机制（除观察员外的任何角色）的联合国现任会员国数"
        "（k = 1 … n；样本见docs/metrics.md）。"),
    "states-in-no-sampled-initiative": (
        "UN member states in none of the sampled initiatives",
        "未参与任何样本机制的联合国会员国数",
        "Current UN member states that take part in none of the sampled AI-governance "
        "initiatives (the k = 0 of states-in-exactly-k-initiatives).",
        "未参与任何样本人工智能治理机制的联合国现任会员国数"
        "（即states-in-exactly-k-initiatives中k = 0的情形）。"),
}
# fmt: on

#: The reference each metric's definition comes from (``dcterms:source`` of its concept).
REFERENCES = {
    "keohane-victor-2011": "Keohane, R. O., & Victor, D. G. (2011). The regime complex for "
    "climate change. Perspectives on Politics, 9(1), 7-23.",
    "biermann-2009": "Biermann, F., Pattberg, P., van Asselt, H., & Zelli, F. (2009). The "
    "fragmentation of global governance architectures: A framework for analysis. Global "
    "Environmental Politics, 9(4), 14-40.",
    "alter-meunier-2009": "Alter, K. J., & Meunier, S. (2009). The politics of international "
    "regime complexity. Perspectives on Politics, 7(1), 13-24.",
    "orsini-2013": "Orsini, A., Morin, J.-F., & Young, O. (2013). Regime complexes: A buzz, a "
    "boom, or a boost for global governance? Global Governance, 19(1), 27-39.",
    "gehring-faude-2014": "Gehring, T., & Faude, B. (2014). A theory of emerging order within "
    "institutional complexes. Review of International Organizations, 9(4), 471-498.",
    "borgatti-everett-1997": "Borgatti, S. P., & Everett, M. G. (1997). Network analysis of "
    "2-mode data. Social Networks, 19(3), 243-269.",
    "wasserman-faust-1994": "Wasserman, S., & Faust, K. (1994). Social Network Analysis: "
    "Methods and Applications. Cambridge University Press.",
    "freeman-1977": "Freeman, L. C. (1977). A set of measures of centrality based on "
    "betweenness. Sociometry, 40(1), 35-41.",
    "freeman-1979": "Freeman, L. C. (1979). Centrality in social networks: Conceptual "
    "clarification. Social Networks, 1(3), 215-239.",
    "bonacich-1972": "Bonacich, P. (1972). Factoring and weighting approaches to status scores "
    "and clique identification. Journal of Mathematical Sociology, 2(1), 113-120.",
    "barrat-2004": "Barrat, A., Barthelemy, M., Pastor-Satorras, R., & Vespignani, A. (2004). "
    "The architecture of complex weighted networks. PNAS, 101(11), 3747-3752.",
    "regimekg": "regimekg documentation, docs/metrics.md (a data-quality indicator of the "
    "graph itself).",
    "jaccard-1912": "Jaccard, P. (1912). The distribution of the flora in the alpine zone. New "
    "Phytologist, 11(2), 37-50.",
    "simpson-1960": "Simpson, G. G. (1960). Notes on the measurement of faunal resemblance. "
    "American Journal of Science, 258-A, 300-311.",
    "busch-2007": "Busch, M. L. (2007). Overlapping institutions, forum shopping, and dispute "
    "settlement in international trade. International Organization, 61(4), 735-761.",
    "un-hlab-ai-2024": "United Nations High-level Advisory Body on Artificial Intelligence "
    "(2024). Governing AI for Humanity: Final Report. United Nations.",
    "aggarwal-1998": "Aggarwal, V. K. (ed.) (1998). Institutional Designs for a Complex World: "
    "Bargaining, Linkages, and Nesting. Cornell University Press.",
}
METRIC_REFERENCES: dict[str, tuple[str, ...]] = {
    "node-count": ("wasserman-faust-1994",),
    "edge-count": ("wasserman-faust-1994",),
    "actor-count": ("borgatti-everett-1997",),
    "institution-count": ("borgatti-everett-1997",),
    "density": ("borgatti-everett-1997", "wasserman-faust-1994"),
    "component-count": ("wasserman-faust-1994",),
    "largest-component-share": ("biermann-2009", "wasserman-faust-1994"),
    "mean-memberships-per-actor": ("keohane-victor-2011",),
    "mean-pairwise-jaccard": ("orsini-2013", "jaccard-1912"),
    "undated-membership-share": ("regimekg",),
    "actors-in-exactly-k": ("keohane-victor-2011", "orsini-2013"),
    "actors-in-at-least-k": ("keohane-victor-2011", "orsini-2013"),
    "link-type-share": ("alter-meunier-2009",),
    "hierarchical-link-share": ("gehring-faude-2014", "alter-meunier-2009"),
    "nesting-link-share": ("aggarwal-1998", "alter-meunier-2009"),
    "fragmentation-type-count": ("biermann-2009",),
    "member-count": ("borgatti-everett-1997",),
    "institution-membership-count": ("keohane-victor-2011",),
    "forum-shopping-options": ("alter-meunier-2009", "busch-2007"),
    "degree-centrality": ("freeman-1979",),
    "betweenness-centrality": ("freeman-1977",),
    "eigenvector-centrality": ("bonacich-1972",),
    "shared-member-strength": ("barrat-2004",),
    "link-in-degree": ("wasserman-faust-1994",),
    "link-out-degree": ("wasserman-faust-1994",),
    "hierarchical-in-degree": ("gehring-faude-2014",),
    "shared-members": ("borgatti-everett-1997",),
    "jaccard": ("jaccard-1912",),
    "overlap-coefficient": ("simpson-1960",),
    "nestedness": ("alter-meunier-2009", "aggarwal-1998"),
    "fragmentation-type": ("biermann-2009",),
    "states-in-exactly-k-initiatives": ("un-hlab-ai-2024", "keohane-victor-2011"),
    "states-in-no-sampled-initiative": ("un-hlab-ai-2024",),
}

#: The initiatives of ``states-in-exactly-k-initiatives`` (slugs), the same set as the default
#: of ``queries/participation-coverage.rq``: seven non-UN AI-governance bodies and instruments
#: with state participation, a sample in the manner of the Advisory Body's report (whose own
#: list no stored page names; docs/data.md, "Coverage"). Slugs the graph lacks are skipped.
COVERAGE_INITIATIVES = (
    "oecd-ai-principles",
    "g20",
    "gpai",
    "coe-framework-convention-on-ai",
    "g7",
    "bletchley-declaration",
    "seoul-declaration",
)
#: Whose current member states the coverage counts.
COVERAGE_POPULATION = "united-nations"

FRAGMENTATION_LABELS = {
    "synergistic": ("synergistic", "协同型"),
    "cooperative": ("cooperative", "合作型"),
    "conflictive": ("conflictive", "冲突型"),
}
