/* regimekg offline viewer: the network (positions computed at export), search in Chinese or
 * English, a language toggle, filters that double as the colour legend, a time control with
 * a play button, an ego view, PNG/SVG pictures, the view's state in the URL, and a side panel
 * with each node's facts and the evidence quotes behind them.
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
      noMatch: "no match",
      play: "▶", pause: "⏸", playTitle: "play the years", relayout: "re-layout", fit: "fit",
      ego: "ego view", egoOff: "off", began: "began", ended: "ended",
      kinds: "kinds (node colour)", classes: "classes", links: "regime links (edge colour)",
      roles: "memberships (grey edges)",
      months: ["January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"]
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
      noMatch: "无匹配结果",
      play: "▶", pause: "⏸", playTitle: "逐年播放", relayout: "重新布局", fit: "适应窗口",
      ego: "自我中心网络", egoOff: "关", began: "开始", ended: "结束",
      kinds: "类别（节点颜色）", classes: "类型", links: "机制间联系（边的颜色）",
      roles: "成员关系（灰色边）", months: null
    }
  };

  var state = {
    lang: document.body.getAttribute("data-ui-lang") === "zh" ? "zh" : "en",
    year: META.lastYear,
    allDates: true,
    selected: null,
    ego: 0,
    hidden: { kind: {}, cls: {}, link: {}, role: {} }
  };
  var firstContent = null;

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
    elements.push({ group: "nodes", position: { x: n.x, y: n.y }, classes: n.hub ? "hub" : "", data: {
      id: n.id, label: n.hub ? nodeLabel(n) : "", name: nodeLabel(n), kind: n.kind, hub: n.hub,
      colour: DATA.colours.kinds[n.kind] || DATA.colours.kinds.entity,
      size: 14 + 5 * Math.sqrt(degree[n.id] || 0)
    } });
  });
  function edgeColour(e) {
    return e.relation === "regime-link" ? (DATA.colours.links[e.type] || "#333") : DATA.colours.membership;
  }
  DATA.edges.forEach(function (e) {
    elements.push({ group: "edges", data: {
      id: e.id, source: e.source, target: e.target, relation: e.relation, type: e.type,
      label: "", name: e.relation === "regime-link" ? edgeLabel(e) : "", colour: edgeColour(e)
    } });
  });

  /* Positions come from the export (networkx, seeded), so the first frame is the final
   * picture: no layout runs here unless asked for ("re-layout"). Labels of the most
   * connected nodes (the hubs, ranked at export) are drawn at any zoom; the others appear
   * once zooming in makes them readable. */
  var FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: elements,
    layout: { name: "preset", fit: true, padding: 30 },
    minZoom: 0.05,
    maxZoom: 6,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "label": "data(label)", "width": "data(size)",
        "height": "data(size)", "font-family": FONT, "font-size": 10, "color": "#222",
        "text-valign": "bottom", "text-margin-y": 2,
        "min-zoomed-font-size": 12, "border-width": 1, "border-color": "#fff" } },
      { selector: "node.hub", style: {
        "text-wrap": "wrap", "font-size": 17, "font-weight": 600, "min-zoomed-font-size": 0, "z-index": 10,
        "text-outline-color": "#fff", "text-outline-width": 2, "text-max-width": 220 } },
      { selector: "node[kind = 'institution']", style: { "shape": "round-rectangle" } },
      { selector: "node[kind = 'instrument']", style: { "shape": "tag" } },
      { selector: "edge", style: {
        "width": 1, "line-color": "data(colour)", "curve-style": "bezier", "opacity": 0.7,
        "target-arrow-shape": "triangle", "target-arrow-color": "data(colour)", "arrow-scale": 0.6 } },
      { selector: "edge[relation = 'regime-link']", style: {
        "width": 2, "opacity": 0.95, "label": "data(label)", "font-size": 8, "font-family": FONT,
        "color": "data(colour)", "text-rotation": "autorotate", "text-background-color": "#fff",
        "text-background-opacity": 0.8, "text-background-padding": 1, "min-zoomed-font-size": 7 } },
      { selector: "edge[type = 'observer']", style: { "line-style": "dashed" } },
      { selector: ".hidden", style: { "display": "none" } },
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: "node.match", style: { "border-width": 3, "border-color": "#e15759" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#222" } }
    ]
  });
  /* Measuring every label is most of Cytoscape's start-up time, so only the hubs have one
   * in the first frame; the others are added right after it. */
  var labelsDone = false;
  function fillLabels() {
    labelsDone = true;
    cy.batch(function () {
      cy.elements().forEach(function (el) { el.data("label", el.data("name")); });
    });
  }

  /* First content is the exported preview picture (Element Timing tells when it was
   * painted); the live graph replaces it at its first render. Both times are kept on the
   * body for the benchmark (benchmarks/viewer_first_content.py). */
  function mark(name, value) {
    if (!document.body.hasAttribute(name)) {
      document.body.setAttribute(name, String(Math.round(value)));
    }
  }
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (e.identifier === "preview") { mark("data-first-content", e.renderTime || e.loadTime); }
      });
    }).observe({ type: "element", buffered: true });
  } catch (err) { /* no Element Timing: the live render counts */ }
  cy.one("render", function () {
    firstContent = performance.now();
    mark("data-interactive", firstContent);
    var preview = document.getElementById("preview");
    if (!preview.getAttribute("src")) { mark("data-first-content", firstContent); }
    // A preview hidden before it was ever painted reports no Element Timing entry: then the
    // live render was the first content (mark keeps an entry that arrived in the meantime).
    setTimeout(function () { mark("data-first-content", firstContent); }, 1000);
    preview.className = "done";
    setTimeout(fillLabels, 0);
  });
  /* The whole graph, or on a large one the hubs of its largest component; run again once the header has its text
   * (which can change the canvas's height). */
  function fitStart() {
    cy.resize();
    var focus = cy.collection();
    (META.focus || []).forEach(function (id) { focus = focus.union(cy.getElementById(id)); });
    if (focus.length) { cy.fit(focus, 60); } else { cy.fit(cy.nodes(), 30); }
  }
  fitStart();

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

  function nodeAllowed(n) { return !!n && !state.hidden.kind[n.kind] && !state.hidden.cls[n.cls]; }
  function edgeAllowed(e) {
    return !(e.relation === "membership" ? state.hidden.role[e.type] : state.hidden.link[e.type]);
  }

  /* The same rule as the exports: an edge is shown when it and both its ends are known on the
   * day, and a node when at least one of its edges is shown. Filters remove nodes (kind,
   * class) and edges (link type, role) on top; the ego view keeps only what lies within the
   * chosen number of shown edges of the selected node. */
  function applyDate() {
    var day = state.allDates ? null : dayOf(state.year);
    var shown = DATA.edges.filter(function (e) {
      return edgeAllowed(e) && nodeAllowed(byId[e.source]) && nodeAllowed(byId[e.target]) &&
        (!day || (present(e, day) && present(byId[e.source], day) && present(byId[e.target], day)));
    });
    var near = null;
    if (state.ego && state.selected) {
      near = {};
      near[state.selected] = 0;
      for (var step = 1; step <= state.ego; step++) {
        shown.forEach(function (e) {
          if (near[e.source] === step - 1 && near[e.target] === undefined) { near[e.target] = step; }
          if (near[e.target] === step - 1 && near[e.source] === undefined) { near[e.source] = step; }
        });
      }
      egoDepth = near;
      shown = shown.filter(function (e) {
        return near[e.source] !== undefined && near[e.target] !== undefined;
      });
    }
    var alive = {};
    var show = {};
    shown.forEach(function (e) { show[e.id] = true; alive[e.source] = true; alive[e.target] = true; });
    cy.batch(function () {
      cy.edges().forEach(function (el) { el.toggleClass("hidden", !show[el.id()]); });
      cy.nodes().forEach(function (el) {
        var id = el.id();
        var visible = nodeAllowed(byId[id]) && (alive[id] || (!day && !degree[id] && !near) ||
          (!!near && id === state.selected));
        el.toggleClass("hidden", !visible);
      });
    });
    updateCounts();
    writeHash();
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
  document.getElementById("year-min").textContent = String(META.firstYear);
  document.getElementById("year-max").textContent = String(META.lastYear);
  var allBox = document.getElementById("all-dates");
  allBox.checked = state.allDates;
  function showYear() {
    document.getElementById("year-value").textContent = state.allDates ? "" : String(state.year);
  }
  function setYear(year) {
    state.year = Number(year);
    state.allDates = false;
    allBox.checked = false;
    slider.value = String(state.year);
    showYear();
    applyDate();
  }
  function setAllDates(all) {
    state.allDates = !!all;
    allBox.checked = state.allDates;
    showYear();
    applyDate();
  }
  slider.addEventListener("input", function () { stop(); setYear(slider.value); });
  allBox.addEventListener("change", function () { stop(); setAllDates(allBox.checked); });

  /* Play steps through the years once, from the first (or the one shown) to the last. */
  var playButton = document.getElementById("play");
  var timer = null;
  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    playButton.textContent = t("play");
    playButton.setAttribute("aria-pressed", "false");
  }
  function play() {
    if (timer) { stop(); return; }
    if (state.allDates || state.year >= META.lastYear) { setYear(META.firstYear); }
    playButton.textContent = t("pause");
    playButton.setAttribute("aria-pressed", "true");
    timer = setInterval(function () {
      if (state.year >= META.lastYear) { stop(); return; }
      setYear(state.year + 1);
    }, 800);
  }
  playButton.addEventListener("click", play);

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

  /* A date as the sources gave it, at its own precision: 2019, May 2019, 22 May 2019 (or
   * 2019年, 2019年5月, 2019年5月22日); anything else is shown as it is. */
  function fmtDate(value) {
    var m = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec((value || "").trim());
    if (!m) { return value; }
    var y = m[1], mo = m[2] ? Number(m[2]) : 0, d = m[3] ? Number(m[3]) : 0;
    if (state.lang === "zh") { return y + "年" + (mo ? mo + "月" : "") + (d ? d + "日" : ""); }
    var months = UI.en.months;
    return (d ? d + " " : "") + (mo ? months[mo - 1] + " " : "") + y;
  }
  function fmtDates(value) {
    return (value || "").split(";").filter(Boolean).map(fmtDate).join(", ");
  }

  function period(item) {
    var s = fmtDates(item.start), e = fmtDates(item.end);
    if (s && e) { return t("from", { s: s, e: e }); }
    if (s) { return t("since", { s: s }); }
    if (e) { return t("until", { e: e }); }
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
    function lines(values) {
      if (!values || !values.length) { return ""; }
      var dd = el("span", values.map(fmtDate).join("\n"), "lines");
      return dd;
    }
    row(t("began"), lines(n.starts));
    row(t("ended"), lines(n.ends));
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
    egoBox.disabled = false;
    if (node.hasClass("hidden") && !state.allDates) {
      state.allDates = true;
      allBox.checked = true;
      showYear();
    }
    applyDate();
    if (state.ego) {
      cy.elements().removeClass("faded");
      egoLayout();
    } else {
      cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 200 });
    }
    renderPanel();
  }

  function clearSelection() {
    state.selected = null;
    cy.nodes().unselect();
    cy.elements().removeClass("faded");
    egoBox.disabled = true;
    if (state.ego) { setEgo(0); } else { applyDate(); }
    renderPanel();
  }

  // ------------------------------------------------------------------ ego view

  /* The neighbourhood is drawn in rings around the selected node (its distance in edges),
   * since in the whole picture neighbours may sit far apart or on top of each other; the
   * exported positions come back when the ego view is left. */
  var egoBox = document.getElementById("ego");
  egoBox.disabled = true;
  var egoDepth = {};
  var savedPositions = null;
  function egoLayout() {
    if (!state.ego || !state.selected) {
      if (savedPositions) {
        var saved = savedPositions;
        savedPositions = null;
        cy.nodes().positions(function (n) { return saved[n.id()] || n.position(); });
      }
      return;
    }
    cy.stop(true, false);  // a running "centre on the selection" would pan away
    if (!savedPositions) {
      savedPositions = {};
      cy.nodes().forEach(function (n) { savedPositions[n.id()] = { x: n.position("x"), y: n.position("y") }; });
    }
    cy.elements().not(".hidden").layout({
      name: "concentric", animate: false, fit: true, padding: 40, minNodeSpacing: 50,
      concentric: function (n) { return 10 - (egoDepth[n.id()] || 0); },
      levelWidth: function () { return 1; }
    }).run();
    if (cy.zoom() > 1.5) {  // a small neighbourhood is not blown up to giant discs
      cy.zoom({ level: 1.5, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    }
  }
  function setEgo(radius) {
    state.ego = Math.max(0, Math.min(2, Number(radius) || 0));
    egoBox.value = String(state.ego);
    applyDate();
    cy.elements().removeClass("faded");
    egoLayout();
    if (!state.ego) { fitStart(); }
  }
  egoBox.addEventListener("change", function () { setEgo(egoBox.value); });

  cy.on("tap", "node", function (ev) { select(ev.target.id()); });
  cy.on("tap", function (ev) {
    if (ev.target === cy) { clearSelection(); }
  });

  // ------------------------------------------------------------------ legend and filters

  /* Every colour on the canvas has an entry here, and each entry is also a filter: untick it
   * to hide that kind, class, link type or role. Only values present in the data are listed;
   * colours and labels come from the export (the project's vocabularies). */
  var legendBox = document.getElementById("legend");
  function counted(list, key) {
    var c = {};
    list.forEach(function (x) { c[key(x)] = (c[key(x)] || 0) + 1; });
    return c;
  }
  var kindCount = counted(DATA.nodes, function (n) { return n.kind; });
  var clsCount = counted(DATA.nodes, function (n) { return n.cls; });
  var clsLabel = {};
  DATA.nodes.forEach(function (n) { clsLabel[n.cls] = { en: n.clsEn || n.cls, zh: n.clsZh || n.clsEn || n.cls }; });
  var linkCount = counted(DATA.edges.filter(function (e) { return e.relation === "regime-link"; }),
    function (e) { return e.type; });
  var roleCount = counted(DATA.edges.filter(function (e) { return e.relation === "membership"; }),
    function (e) { return e.type; });

  function renderLegend() {
    legendBox.textContent = "";
    function group(title, name, counts, label, swatch) {
      var keys = Object.keys(counts).filter(Boolean).sort(function (a, b) {
        return label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0;
      });
      if (!keys.length) { return; }
      legendBox.appendChild(el("h3", title));
      keys.forEach(function (k) {
        var lab = el("label");
        lab.setAttribute("data-filter", name + ":" + k);
        var box = el("input");
        box.type = "checkbox";
        box.checked = !state.hidden[name][k];
        box.addEventListener("change", function () { setFilter(name, k, box.checked); });
        lab.appendChild(box);
        if (swatch) { lab.appendChild(swatch(k)); }
        lab.appendChild(el("span", label(k)));
        lab.appendChild(el("span", String(counts[k]), "n"));
        legendBox.appendChild(lab);
      });
    }
    function box(colour) {
      var sw = el("span", null, "swatch");
      sw.style.background = colour;
      sw.setAttribute("data-colour", colour);
      return sw;
    }
    function line(colour, dashed) {
      var sw = el("span", null, "swatch line" + (dashed ? " dashed" : ""));
      sw.style.borderTopColor = colour;
      sw.setAttribute("data-colour", colour);
      return sw;
    }
    function pick(labels, k) { var l = labels[k] || {}; return l[state.lang] || l.en || k; }
    group(t("kinds"), "kind", kindCount, function (k) { return pick(DATA.kindLabels, k); },
      function (k) { return box(DATA.colours.kinds[k] || DATA.colours.kinds.entity); });
    group(t("links"), "link", linkCount, function (k) { return pick(DATA.linkLabels, k); },
      function (k) { return line(DATA.colours.links[k] || "#333"); });
    group(t("roles"), "role", roleCount, function (k) { return pick(DATA.roleLabels, k); },
      function (k) { return line(DATA.colours.membership, k === "observer"); });
    group(t("classes"), "cls", clsCount, function (k) { return pick(clsLabel, k); }, null);
  }

  function setFilter(name, value, shown) {
    if (shown) { delete state.hidden[name][value]; } else { state.hidden[name][value] = true; }
    var box = legendBox.querySelector('label[data-filter="' + name + ":" + value + '"] input');
    if (box) { box.checked = !!shown; }
    applyDate();
  }

  // ------------------------------------------------------------------ layout and pictures

  /* Re-layout places only what is shown (after a filter, a year or the ego view), with
   * Cytoscape's force layout starting from the exported positions. */
  function relayout() {
    var shown = cy.elements().not(".hidden");
    shown.layout({ name: "cose", animate: false, randomize: false, fit: true, padding: 30,
      nodeRepulsion: function () { return 9000; }, idealEdgeLength: function () { return 70; },
      numIter: 1000 }).run();
  }
  document.getElementById("relayout").addEventListener("click", relayout);
  document.getElementById("fit").addEventListener("click", function () {
    cy.fit(cy.elements().not(".hidden"), 30);
  });

  function download(name, url) {
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  function pngData() { return cy.png({ full: false, scale: 2, bg: "#ffffff" }); }

  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }
  /* A vector picture of what is shown, in model coordinates: lines, coloured node discs and
   * the labels that are visible on screen (hubs, and the others once zoomed in). */
  function svgText() {
    var nodes = cy.nodes().not(".hidden"), edges = cy.edges().not(".hidden");
    var bb = nodes.boundingBox({ includeLabels: true });
    var pad = 20, w = Math.max(1, bb.w) + 2 * pad, h = Math.max(1, bb.h) + 2 * pad;
    var out = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="' + (bb.x1 - pad) + " " +
      (bb.y1 - pad) + " " + w + " " + h + '" width="' + Math.round(w) + '" height="' +
      Math.round(h) + '" font-family="Noto Sans CJK SC, sans-serif">',
      '<rect x="' + (bb.x1 - pad) + '" y="' + (bb.y1 - pad) + '" width="' + w + '" height="' + h +
      '" fill="#fff"/>'];
    edges.forEach(function (e) {
      var a = e.source().position(), b = e.target().position();
      out.push('<line x1="' + a.x + '" y1="' + a.y + '" x2="' + b.x + '" y2="' + b.y +
        '" stroke="' + esc(e.data("colour")) + '" stroke-width="' +
        (e.data("relation") === "regime-link" ? 2 : 1) + '" opacity="0.8"' +
        (e.data("type") === "observer" ? ' stroke-dasharray="4 3"' : "") + "/>");
    });
    var zoom = cy.zoom();
    nodes.forEach(function (n) {
      var p = n.position(), r = n.data("size") / 2;
      out.push('<circle cx="' + p.x + '" cy="' + p.y + '" r="' + r + '" fill="' +
        esc(n.data("colour")) + '" stroke="#fff"/>');
      var size = n.hasClass("hub") ? 17 : 10;
      if (n.hasClass("hub") || size * zoom >= 9) {
        out.push('<text x="' + p.x + '" y="' + (p.y + r + size) + '" font-size="' + size +
          '" text-anchor="middle">' + esc(n.data("label")) + "</text>");
      }
    });
    out.push("</svg>");
    return out.join("\n");
  }
  document.getElementById("save-png").addEventListener("click", function () {
    download("regimekg.png", pngData());
  });
  document.getElementById("save-svg").addEventListener("click", function () {
    var blob = new Blob([svgText()], { type: "image/svg+xml" });
    download("regimekg.svg", URL.createObjectURL(blob));
  });

  // ------------------------------------------------------------------ the view in the URL

  /* The fragment holds everything that makes a view (language, year, filters, selection,
   * ego radius), so a copied address opens the same view; it never leaves the browser. */
  var ID_BASE = "https://w3id.org/regimekg/id/";
  function shortId(id) { return id.indexOf(ID_BASE) === 0 ? id.slice(ID_BASE.length) : id; }
  function longId(id) { return byId[id] ? id : ID_BASE + id; }
  var reading = false;
  function hashText() {
    var p = new URLSearchParams();
    p.set("lang", state.lang);
    p.set("year", state.allDates ? "all" : String(state.year));
    var hide = [];
    ["kind", "cls", "link", "role"].forEach(function (g) {
      Object.keys(state.hidden[g]).sort().forEach(function (k) { hide.push(g + ":" + k); });
    });
    if (hide.length) { p.set("hide", hide.join(",")); }
    if (state.selected) { p.set("sel", shortId(state.selected)); }
    if (state.ego) { p.set("ego", String(state.ego)); }
    return p.toString();
  }
  function writeHash() {
    if (reading) { return; }
    var text = "#" + hashText();
    if (location.hash === text) { return; }
    try { history.replaceState(null, "", text); } catch (err) { location.hash = text; }
  }
  function readHash(text) {
    var p = new URLSearchParams((text || "").replace(/^#/, ""));
    reading = true;
    try {
      if (p.get("lang")) { setLang(p.get("lang")); }
      ["kind", "cls", "link", "role"].forEach(function (g) { state.hidden[g] = {}; });
      (p.get("hide") || "").split(",").filter(Boolean).forEach(function (item) {
        var i = item.indexOf(":");
        var g = item.slice(0, i);
        if (state.hidden[g]) { state.hidden[g][item.slice(i + 1)] = true; }
      });
      renderLegend();
      var year = p.get("year");
      if (year && year !== "all" && /^\d{4}$/.test(year)) { setYear(year); } else { setAllDates(true); }
      state.ego = Math.max(0, Math.min(2, Number(p.get("ego")) || 0));
      egoBox.value = String(state.ego);
      var sel = p.get("sel");
      if (sel && byId[longId(sel)]) { select(longId(sel)); } else { applyDate(); }
    } finally {
      reading = false;
    }
    writeHash();
  }

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
    document.querySelector("#ego-label span").textContent = t("ego");
    egoBox.options[0].textContent = t("egoOff");
    document.getElementById("relayout").textContent = t("relayout");
    document.getElementById("fit").textContent = t("fit");
    playButton.textContent = timer ? t("pause") : t("play");
    playButton.title = t("playTitle");
    renderLegend();
    updateCounts();
  }

  function setLang(lang) {
    state.lang = lang === "zh" ? "zh" : "en";
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var name = nodeLabel(byId[n.id()]);
        n.data("name", name);
        n.data("label", labelsDone || n.hasClass("hub") ? name : "");
      });
      DATA.edges.forEach(function (e) {
        if (e.relation === "regime-link") {
          var edge = cy.getElementById(e.id);
          edge.data("name", edgeLabel(e));
          edge.data("label", labelsDone ? edgeLabel(e) : "");
        }
      });
    });
    renderText();
    renderPanel();
    if (input.value) { showResults(); }
    writeHash();
  }

  document.getElementById("lang-toggle").addEventListener("click", function () {
    setLang(state.lang === "zh" ? "en" : "zh");
  });

  renderText();
  renderPanel();
  fitStart();
  readHash(location.hash);
  window.addEventListener("hashchange", function () {
    if (location.hash !== "#" + hashText()) { readHash(location.hash); }
  });

  window.regimekg = {
    cy: cy, data: DATA, search: search, select: select, setLang: setLang, setYear: setYear,
    setAllDates: setAllDates, setFilter: setFilter, setEgo: setEgo, relayout: relayout,
    clearSelection: clearSelection, play: play, stop: stop, png: pngData, svg: svgText,
    hash: hashText, state: state, firstContent: function () { return firstContent; },
    violations: violations
  };
  document.body.setAttribute("data-ready", "1");
})();
