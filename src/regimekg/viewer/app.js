/* regimekg offline viewer: the network, search in Chinese or English, a language toggle,
 * a date slider and a side panel with each node's facts and the evidence quotes behind them.
 * Everything it needs is inline in the page; it never requests anything (the page's CSP
 * forbids it, and any attempt is counted in body[data-csp-violations]). */
(function () {
  "use strict";

  var violations = [];
  document.body.setAttribute("data-csp-violations", "0");
  document.addEventListener("securitypolicyviolation", function (e) {
    violations.push(e.violatedDirective + " " + e.blockedURI);
    document.body.setAttribute("data-csp-violations", String(violations.length));
  });

  var DATA = JSON.parse(document.getElementById("regimekg-data").textContent);
  var META = DATA.meta;

  var UI = {
    en: {
      title: "AI-governance regime complex",
      search: "Search by Chinese or English name, alias or acronym…",
      year: "Year",
      allDates: "all dates",
      toggle: "中文",
      counts: "{n} nodes · {e} edges shown",
      build: "regimekg {v} · built {b} · as of {a}",
      allTime: "all dates",
      hint: "Click a node, or search for one, to see its facts and the evidence behind them.",
      kind: "kind", cls: "class", dates: "dates", acronyms: "acronyms", aliases: "also called",
      issuers: "issued by", classifications: "classifications",
      memberOf: "member of", members: "members", linksOut: "regime links", linksIn: "linked from",
      evidence: "evidence", noEvidence: "no evidence quote recorded",
      since: "since {s}", until: "until {e}", from: "{s}–{e}",
      legendInst: "institution", legendState: "state", legendInstr: "instrument", legendPerson: "person",
      noMatch: "no match"
    },
    zh: {
      title: "人工智能治理机制复合体",
      search: "按中文或英文名称、别名、缩写搜索……",
      year: "年份",
      allDates: "全部时间",
      toggle: "English",
      counts: "显示 {n} 个节点 · {e} 条边",
      build: "regimekg {v} · 构建于 {b} · 截至 {a}",
      allTime: "全部时间",
      hint: "点击或搜索一个节点，查看其事实及相应的证据原文。",
      kind: "类别", cls: "类型", dates: "时间", acronyms: "缩写", aliases: "又称",
      issuers: "发布方", classifications: "分类",
      memberOf: "所属机制", members: "成员", linksOut: "机制间联系", linksIn: "被联系",
      evidence: "证据", noEvidence: "未记录证据原文",
      since: "{s}起", until: "至{e}", from: "{s}至{e}",
      legendInst: "机制", legendState: "国家", legendInstr: "治理文书", legendPerson: "人物",
      noMatch: "无匹配结果"
    }
  };

  var state = {
    lang: document.body.getAttribute("data-ui-lang") === "zh" ? "zh" : "en",
    year: META.lastYear,
    allDates: true,
    selected: null
  };

  var byId = {};
  DATA.nodes.forEach(function (n) { byId[n.id] = n; });

  function t(key, vars) {
    var s = UI[state.lang][key];
    Object.keys(vars || {}).forEach(function (k) { s = s.split("{" + k + "}").join(vars[k]); });
    return s;
  }

  function slug(iri) { return iri.replace(/\/+$/, "").split("/").pop(); }

  function nodeLabel(n, lang) {
    lang = lang || state.lang;
    var first = lang === "zh" ? n.zh : n.en;
    var second = lang === "zh" ? n.en : n.zh;
    return first || second || (n.acronyms && n.acronyms[0]) || slug(n.id);
  }

  function otherLabel(n) {
    var other = state.lang === "zh" ? n.en : n.zh;
    return other && other !== nodeLabel(n) ? other : "";
  }

  function edgeLabel(e) { return (state.lang === "zh" ? e.zh : e.en) || e.type; }

  /* Width, case and spacing differ between sources (full-width letters, OCR spacing), so
   * names are compared after NFKC, lower-casing and removing whitespace. */
  function norm(s) { return (s || "").normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }

  // ------------------------------------------------------------------ the network

  var degree = {};
  DATA.edges.forEach(function (e) {
    degree[e.source] = (degree[e.source] || 0) + 1;
    degree[e.target] = (degree[e.target] || 0) + 1;
  });

  var elements = [];
  DATA.nodes.forEach(function (n) {
    elements.push({ group: "nodes", data: {
      id: n.id, label: nodeLabel(n), kind: n.kind,
      colour: DATA.colours.kinds[n.kind] || DATA.colours.kinds.entity,
      size: 14 + 5 * Math.sqrt(degree[n.id] || 0)
    } });
  });
  DATA.edges.forEach(function (e) {
    elements.push({ group: "edges", data: {
      id: e.id, source: e.source, target: e.target, relation: e.relation, type: e.type,
      label: e.relation === "regime-link" ? edgeLabel(e) : "",
      colour: e.relation === "regime-link" ? (DATA.colours.links[e.type] || "#333") : "#b5b5b5"
    } });
  });

  var FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: elements,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "label": "data(label)", "width": "data(size)",
        "height": "data(size)", "font-family": FONT, "font-size": 10, "color": "#222",
        "text-valign": "bottom", "text-margin-y": 2, "text-wrap": "wrap", "text-max-width": 140,
        "min-zoomed-font-size": 6, "border-width": 1, "border-color": "#fff" } },
      { selector: "node[kind = 'institution']", style: { "shape": "round-rectangle" } },
      { selector: "node[kind = 'instrument']", style: { "shape": "tag" } },
      { selector: "edge", style: {
        "width": 1, "line-color": "data(colour)", "curve-style": "bezier", "opacity": 0.7,
        "target-arrow-shape": "triangle", "target-arrow-color": "data(colour)", "arrow-scale": 0.6 } },
      { selector: "edge[relation = 'regime-link']", style: {
        "width": 2, "opacity": 0.95, "label": "data(label)", "font-size": 8, "font-family": FONT,
        "color": "data(colour)", "text-rotation": "autorotate", "text-background-color": "#fff",
        "text-background-opacity": 0.8, "text-background-padding": 1 } },
      { selector: "edge[type = 'observer']", style: { "line-style": "dashed" } },
      { selector: ".hidden", style: { "display": "none" } },
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: "node.match", style: { "border-width": 3, "border-color": "#e15759" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#222" } }
    ]
  });

  /* cose places nodes randomly before it settles; a fixed seed keeps the picture the same
   * each time the page is opened. */
  function seeded(seed) {
    return function () {
      seed = (seed + 0x6D2B79F5) | 0;
      var x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
  }
  var random = Math.random;
  Math.random = seeded(20240301);
  try {
    cy.layout({ name: "cose", animate: false, randomize: true, nodeRepulsion: function () { return 9000; },
      idealEdgeLength: function () { return 70; }, numIter: 1500, padding: 30 }).run();
  } finally {
    Math.random = random;
  }

  // ------------------------------------------------------------------ time

  function dayOf(year) {
    var d = year + "-12-31";
    return META.as_of && META.as_of < d ? META.as_of : d;
  }

  /* The as-of rule of docs/time.md, on the days the build computed (rkg:knownFrom and
   * rkg:knownUntil, exported as from/to): something with no known-from day is unknown, not
   * "always", so a dated view never shows it. */
  function present(item, day) {
    return !!item.from && item.from <= day && (!item.to || item.to >= day);
  }

  /* The same rule as the exports: an edge is shown when it and both its ends are known on the
   * day, and a node when at least one of its edges is shown. */
  function applyDate() {
    var day = state.allDates ? null : dayOf(state.year);
    var alive = {};
    cy.batch(function () {
      DATA.edges.forEach(function (e) {
        var show = !day || (present(e, day) && present(byId[e.source], day) &&
          present(byId[e.target], day));
        cy.getElementById(e.id).toggleClass("hidden", !show);
        if (show) { alive[e.source] = true; alive[e.target] = true; }
      });
      cy.nodes().forEach(function (el) {
        el.toggleClass("hidden", !(alive[el.id()] || (!day && !degree[el.id()])));
      });
    });
    updateCounts();
  }

  function updateCounts() {
    var n = cy.nodes().not(".hidden").length;
    var e = cy.edges().not(".hidden").length;
    document.getElementById("counts").textContent = t("counts", { n: n, e: e });
    document.body.setAttribute("data-visible-nodes", String(n));
    document.body.setAttribute("data-visible-edges", String(e));
  }

  var slider = document.getElementById("year");
  slider.min = String(META.firstYear);
  slider.max = String(META.lastYear);
  slider.value = String(state.year);
  var allBox = document.getElementById("all-dates");
  allBox.checked = state.allDates;
  function setYear(year) {
    state.year = Number(year);
    state.allDates = false;
    allBox.checked = false;
    slider.value = String(state.year);
    document.getElementById("year-value").textContent = String(state.year);
    applyDate();
  }
  slider.addEventListener("input", function () { setYear(slider.value); });
  allBox.addEventListener("change", function () {
    state.allDates = allBox.checked;
    document.getElementById("year-value").textContent = state.allDates ? "" : String(state.year);
    applyDate();
  });

  // ------------------------------------------------------------------ search

  var input = document.getElementById("search");
  var results = document.getElementById("results");

  function names(n) {
    return [n.en, n.zh].concat(n.alt || [], n.acronyms || []).filter(Boolean);
  }

  function search(query) {
    var q = norm(query);
    if (!q) { return []; }
    var hits = [];
    DATA.nodes.forEach(function (n) {
      var best = -1;
      names(n).forEach(function (name) {
        var s = norm(name);
        var score = s === q ? 3 : s.indexOf(q) === 0 ? 2 : s.indexOf(q) >= 0 ? 1 : -1;
        if (score > best) { best = score; }
      });
      if (best >= 0) { hits.push({ node: n, score: best }); }
    });
    hits.sort(function (a, b) {
      return b.score - a.score || nodeLabel(a.node).length - nodeLabel(b.node).length ||
        (nodeLabel(a.node) < nodeLabel(b.node) ? -1 : 1);
    });
    return hits.slice(0, 30).map(function (h) { return h.node; });
  }

  function showResults() {
    var hits = search(input.value);
    results.textContent = "";
    cy.batch(function () {
      cy.nodes().removeClass("match");
      cy.elements().removeClass("faded");
      if (hits.length) {
        var ids = {};
        hits.forEach(function (n) { ids[n.id] = true; });
        cy.nodes().forEach(function (el) {
          if (ids[el.id()]) { el.addClass("match"); } else { el.addClass("faded"); }
        });
        cy.edges().addClass("faded");
      }
    });
    if (!input.value.trim()) { return; }
    if (!hits.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = t("noMatch");
      results.appendChild(none);
      return;
    }
    hits.forEach(function (n, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-id", n.id);
      if (i === 0) { li.className = "active"; }
      li.appendChild(document.createTextNode(nodeLabel(n)));
      var other = otherLabel(n);
      if (other) {
        var span = document.createElement("span");
        span.className = "other";
        span.textContent = other;
        li.appendChild(span);
      }
      li.addEventListener("click", function () { select(n.id); });
      results.appendChild(li);
    });
  }

  input.addEventListener("input", showResults);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var first = results.querySelector("li[data-id]");
      if (first) { select(first.getAttribute("data-id")); }
    } else if (ev.key === "Escape") {
      input.value = "";
      showResults();
    }
  });

  // ------------------------------------------------------------------ side panel

  var panel = document.getElementById("panel");

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  function nodeLink(id) {
    var n = byId[id];
    var a = el("a", n ? nodeLabel(n) : slug(id), "node");
    a.setAttribute("data-id", id);
    a.addEventListener("click", function () { select(id); });
    return a;
  }

  function period(item) {
    if (item.start && item.end) { return t("from", { s: item.start, e: item.end }); }
    if (item.start) { return t("since", { s: item.start }); }
    if (item.end) { return t("until", { e: item.end }); }
    return "";
  }

  function evidenceList(items) {
    var box = document.createDocumentFragment();
    (items || []).forEach(function (ev) {
      var q = el("blockquote", null, "evidence");
      var p = el("div", "“" + ev.quote + "”");
      if (ev.lang) { p.setAttribute("lang", ev.lang === "zh" ? "zh-Hans" : ev.lang); }
      q.appendChild(p);
      var title = state.lang === "zh" ? (ev.titleZh || ev.titleEn) : (ev.titleEn || ev.titleZh);
      var cite = el("cite", title || (ev.source ? slug(ev.source) : ""));
      if (ev.url) {
        var a = el("a", ev.url);
        a.href = ev.url;
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        if (cite.textContent) { cite.appendChild(document.createTextNode(" · ")); }
        cite.appendChild(a);
      }
      q.appendChild(cite);
      box.appendChild(q);
    });
    return box;
  }

  function edgeItem(e, otherId) {
    var li = el("li");
    li.appendChild(nodeLink(otherId));
    var extra = [edgeLabel(e), period(e)].filter(Boolean).join(", ");
    if (extra) { li.appendChild(document.createTextNode(" (" + extra + ")")); }
    li.appendChild(evidenceList(e.evidence));
    return li;
  }

  function section(title, items) {
    if (!items.length) { return; }
    panel.appendChild(el("h3", title + " (" + items.length + ")"));
    var ul = el("ul");
    items.forEach(function (li) { ul.appendChild(li); });
    panel.appendChild(ul);
  }

  function renderPanel() {
    panel.textContent = "";
    var n = state.selected && byId[state.selected];
    if (!n) {
      panel.appendChild(el("p", t("hint"), "hint"));
      return;
    }
    panel.appendChild(el("h2", nodeLabel(n)));
    var other = otherLabel(n);
    if (other) { panel.appendChild(el("div", other, "other")); }
    var dl = el("dl");
    function row(k, v) {
      if (!v) { return; }
      dl.appendChild(el("dt", k));
      var dd = el("dd");
      if (typeof v === "string") { dd.textContent = v; } else { dd.appendChild(v); }
      dl.appendChild(dd);
    }
    var kl = DATA.kindLabels[n.kind] || {};
    row(t("kind"), kl[state.lang] || n.kind);
    row(t("cls"), (state.lang === "zh" ? n.clsZh : n.clsEn) || n.clsEn || n.cls);
    row(t("dates"), period(n));
    row(t("acronyms"), (n.acronyms || []).join(", "));
    row(t("aliases"), (n.alt || []).join("; "));
    if (n.issuers && n.issuers.length) {
      var span = el("span");
      n.issuers.forEach(function (id, i) {
        if (i) { span.appendChild(document.createTextNode(", ")); }
        span.appendChild(nodeLink(id));
      });
      row(t("issuers"), span);
    }
    panel.appendChild(dl);
    var iri = el("div", n.id, "hint");
    iri.style.fontSize = "11px";
    iri.style.wordBreak = "break-all";
    panel.appendChild(iri);

    if (n.evidence && n.evidence.length) {
      panel.appendChild(el("h3", t("evidence")));
      panel.appendChild(evidenceList(n.evidence));
    }
    section(t("classifications"), (n.classifications || []).map(function (c) {
      var li = el("li", (state.lang === "zh" ? c.zh : c.en) || c.en);
      li.appendChild(evidenceList(c.evidence));
      return li;
    }));
    var out = DATA.edges.filter(function (e) { return e.source === n.id; });
    var inc = DATA.edges.filter(function (e) { return e.target === n.id; });
    section(t("memberOf"), out.filter(function (e) { return e.relation === "membership"; })
      .map(function (e) { return edgeItem(e, e.target); }));
    section(t("members"), inc.filter(function (e) { return e.relation === "membership"; })
      .map(function (e) { return edgeItem(e, e.source); }));
    section(t("linksOut"), out.filter(function (e) { return e.relation === "regime-link"; })
      .map(function (e) { return edgeItem(e, e.target); }));
    section(t("linksIn"), inc.filter(function (e) { return e.relation === "regime-link"; })
      .map(function (e) { return edgeItem(e, e.source); }));
  }

  function select(id) {
    if (!byId[id]) { return; }
    state.selected = id;
    results.textContent = "";
    cy.nodes().unselect();
    var node = cy.getElementById(id);
    cy.batch(function () {
      cy.nodes().removeClass("match");
      cy.elements().addClass("faded");
      node.closedNeighborhood().removeClass("faded");
    });
    node.select();
    if (node.hasClass("hidden") && !state.allDates) {
      state.allDates = true;
      allBox.checked = true;
      applyDate();
    }
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 200 });
    renderPanel();
  }

  cy.on("tap", "node", function (ev) { select(ev.target.id()); });
  cy.on("tap", function (ev) {
    if (ev.target === cy) { cy.elements().removeClass("faded"); }
  });

  // ------------------------------------------------------------------ language

  function renderText() {
    document.documentElement.lang = state.lang === "zh" ? "zh-Hans" : "en";
    document.getElementById("title").textContent = t("title");
    input.placeholder = t("search");
    document.getElementById("year-label").textContent = t("year");
    document.querySelector("#all-dates-label span").textContent = t("allDates");
    document.getElementById("lang-toggle").textContent = t("toggle");
    document.getElementById("build").textContent = t("build", {
      v: META.build_version, b: (META.build_date || "").slice(0, 10), a: META.as_of || t("allTime")
    });
    var legend = document.getElementById("legend");
    legend.textContent = "";
    [["institution", "legendInst"], ["state", "legendState"], ["instrument", "legendInstr"],
      ["person", "legendPerson"]].forEach(function (k) {
      var sw = el("span", null, "swatch");
      sw.style.background = DATA.colours.kinds[k[0]];
      legend.appendChild(sw);
      legend.appendChild(document.createTextNode(t(k[1])));
    });
    legend.appendChild(document.createTextNode(" · "));
    updateCounts();
  }

  function setLang(lang) {
    state.lang = lang === "zh" ? "zh" : "en";
    cy.batch(function () {
      cy.nodes().forEach(function (n) { n.data("label", nodeLabel(byId[n.id()])); });
      DATA.edges.forEach(function (e) {
        if (e.relation === "regime-link") { cy.getElementById(e.id).data("label", edgeLabel(e)); }
      });
    });
    renderText();
    renderPanel();
    if (input.value) { showResults(); }
  }

  document.getElementById("lang-toggle").addEventListener("click", function () {
    setLang(state.lang === "zh" ? "en" : "zh");
  });

  renderText();
  applyDate();
  renderPanel();
  document.getElementById("year-value").textContent = "";

  window.regimekg = {
    cy: cy, data: DATA, search: search, select: select, setLang: setLang, setYear: setYear,
    violations: violations
  };
  document.body.setAttribute("data-ready", "1");
})();
