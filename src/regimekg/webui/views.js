/* Chart and graph views for YASR, drawn as plain SVG by the page itself.
 *
 * Why here: the YASR release we ship has only table and raw-response views, and its usual
 * chart plugin loads Google Charts from the internet, which the page's Content-Security-Policy
 * (and an offline researcher) rules out. Both views name entities with the labels the page
 * fetched (window.regimekgNames, see app.js) and fall back to the prefixed name.
 *
 * - chart: one bar per row, for answers with a numeric column (counts, scores, years);
 * - graph: entities as nodes on a circle, one edge per row between the entities of
 *   neighbouring columns (member → body, body → body …).
 */
(function () {
  "use strict";

  const SVG = "http://www.w3.org/2000/svg";
  const NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger|unsignedInt|unsignedLong)$/;
  const MAX_BARS = 60;
  const MAX_NODES = 120;

  function el(name, attrs, text) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function answer(yasr) {
    const json = yasr.results && yasr.results.getAsJson && yasr.results.getAsJson();
    if (!json || !json.head || !json.results || !json.results.bindings) return null;
    return { vars: json.head.vars || [], rows: json.results.bindings };
  }

  function shortName(yasr, iri) {
    const prefixes = yasr.getPrefixes ? yasr.getPrefixes() : {};
    for (const [p, ns] of Object.entries(prefixes)) {
      if (iri.startsWith(ns)) return `${p}:${iri.slice(ns.length)}`;
    }
    return iri;
  }

  function name(yasr, term) {
    if (!term) return "";
    if (term.type === "uri") {
      const named = window.regimekgNames && window.regimekgNames(term.value);
      return named || shortName(yasr, term.value);
    }
    return term.value;
  }

  function isNumber(term) {
    return term && term.type !== "uri" && NUMERIC.test(term.datatype || "");
  }

  class ChartView {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 5;
      this.label = "Chart";
    }

    columns() {
      const a = answer(this.yasr);
      if (!a || !a.rows.length) return null;
      const value = a.vars.find((v) => a.rows.every((r) => !r[v] || isNumber(r[v])) && a.rows.some((r) => r[v]));
      const category = a.vars.find((v) => v !== value && a.rows.some((r) => r[v]));
      return value && category ? { a, value, category } : null;
    }

    canHandleResults() {
      return this.columns() !== null;
    }

    getIcon() {
      const i = document.createElement("span");
      i.textContent = "▥";
      return i;
    }

    draw() {
      const c = this.columns();
      const box = document.createElement("div");
      box.className = "regimekg-chart";
      this.yasr.resultsEl.append(box);
      if (!c) return;
      const rows = c.a.rows.slice(0, MAX_BARS);
      const values = rows.map((r) => Number(r[c.value] ? r[c.value].value : 0));
      const max = Math.max(1, ...values);
      const bar = 22;
      const left = 340;
      const width = 900;
      const svg = el("svg", {
        viewBox: `0 0 ${width} ${rows.length * bar + 30}`,
        width: "100%",
        role: "img",
        "aria-label": `${c.value} by ${c.category}`,
      });
      rows.forEach((r, i) => {
        const y = i * bar + 4;
        const w = Math.max(1, ((width - left - 80) * values[i]) / max);
        const label = name(this.yasr, r[c.category]);
        const t = el("text", { x: left - 8, y: y + 14, "text-anchor": "end", "font-size": 13 }, label.length > 40 ? label.slice(0, 39) + "…" : label);
        const title = el("title", {}, `${label}: ${values[i]}`);
        const rect = el("rect", { x: left, y: y, width: w, height: bar - 6, fill: "#3b6ea5", class: "bar" });
        rect.append(title);
        svg.append(t, rect, el("text", { x: left + w + 6, y: y + 14, "font-size": 12 }, String(values[i])));
      });
      box.append(svg);
      if (c.a.rows.length > MAX_BARS) {
        const note = document.createElement("p");
        note.textContent = `First ${MAX_BARS} of ${c.a.rows.length} rows.`;
        box.append(note);
      }
    }
  }

  class GraphView {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 4;
      this.label = "Graph";
    }

    edges() {
      const a = answer(this.yasr);
      if (!a) return [];
      const out = [];
      for (const r of a.rows) {
        const iris = a.vars.map((v) => r[v]).filter((t) => t && t.type === "uri");
        for (let i = 0; i + 1 < iris.length; i++) {
          if (iris[i].value !== iris[i + 1].value) out.push([iris[i], iris[i + 1]]);
        }
      }
      return out;
    }

    canHandleResults() {
      return this.edges().length > 0;
    }

    getIcon() {
      const i = document.createElement("span");
      i.textContent = "☍";
      return i;
    }

    draw() {
      const box = document.createElement("div");
      box.className = "regimekg-graph";
      this.yasr.resultsEl.append(box);
      const nodes = new Map();
      const edges = [];
      for (const [s, o] of this.edges()) {
        for (const t of [s, o]) {
          if (!nodes.has(t.value) && nodes.size < MAX_NODES) nodes.set(t.value, t);
        }
        if (nodes.has(s.value) && nodes.has(o.value)) edges.push([s.value, o.value]);
      }
      const size = 760;
      const r = size / 2 - 140;
      const centre = size / 2;
      const pos = new Map();
      const degree = new Map();
      for (const [s, o] of edges) {
        degree.set(s, (degree.get(s) || 0) + 1);
        degree.set(o, (degree.get(o) || 0) + 1);
      }
      [...nodes.keys()].forEach((iri, i) => {
        const angle = (2 * Math.PI * i) / nodes.size;
        pos.set(iri, [centre + r * Math.cos(angle), centre + r * Math.sin(angle), angle]);
      });
      const svg = el("svg", { viewBox: `0 0 ${size} ${size}`, width: "100%", role: "img", "aria-label": "graph of the entities in the answer" });
      const seen = new Set();
      for (const [s, o] of edges) {
        const key = s + " " + o;
        if (seen.has(key)) continue;
        seen.add(key);
        const [x1, y1] = pos.get(s);
        const [x2, y2] = pos.get(o);
        svg.append(el("line", { x1, y1, x2, y2, stroke: "#9aa", "stroke-width": 1 }));
      }
      for (const [iri, term] of nodes) {
        const [x, y, angle] = pos.get(iri);
        const label = name(this.yasr, term);
        const dot = el("circle", { cx: x, cy: y, r: 4 + Math.min(8, degree.get(iri) || 0), fill: "#c0504d", class: "node" });
        dot.append(el("title", {}, `${label} (${shortName(this.yasr, iri)})`));
        const right = Math.cos(angle) >= 0;
        const text = el(
          "text",
          { x: x + (right ? 10 : -10), y: y + 4, "text-anchor": right ? "start" : "end", "font-size": 11 },
          label.length > 28 ? label.slice(0, 27) + "…" : label,
        );
        svg.append(dot, text);
      }
      box.append(svg);
    }
  }

  window.regimekgViews = { ChartView: ChartView, GraphView: GraphView };
})();
