/* The regimekg query page: YASGUI plus a bilingual menu of the named questions.
 *
 * Why a page of our own around YASGUI: the menu comes from queries/*.rq (served as
 * /ui/questions.json), the project prefixes go into every new query, the result cap (HTTP 413)
 * is shown as a cap rather than a generic error, and the URL carries the question or query and
 * the language so a page can be shared. Nothing here talks to anything but this server.
 */
(function () {
  "use strict";

  const TEXT = {
    en: {
      heading: "regimekg SPARQL query page",
      questions: "Named questions",
      choose: "— choose a question —",
      share: "Link to this query",
      footer: "Read-only endpoint at /query (SPARQL 1.1 Protocol).",
      cap: "Result cap reached: ",
      params: "Parameters (defaults written into the query): ",
      unbound: "Default not resolved: ",
    },
    zh: {
      heading: "regimekg SPARQL 查询页",
      questions: "预设问题",
      choose: "— 选择一个问题 —",
      share: "本查询的链接",
      footer: "只读查询端点 /query（SPARQL 1.1 协议）。",
      cap: "已达到结果上限：",
      params: "参数（默认值已写入查询）：",
      unbound: "默认值未能解析：",
    },
  };

  const params = new URLSearchParams(window.location.search);
  const state = {
    lang: params.get("lang") === "zh" ? "zh" : "en",
    questions: [],
    prefixes: [],
    current: null,
    lastStatus: null,
    labels: new Map(), // IRI -> {en, zh, "": untagged}
    lastError: "",
  };
  const $ = (id) => document.getElementById(id);

  function newQuery(prefixes) {
    const lines = prefixes.map(([p, iri]) => `PREFIX ${p}: <${iri}>`);
    return (
      lines.join("\n") +
      "\n\nSELECT ?entity ?label WHERE {\n  ?entity rdfs:label ?label .\n}\nLIMIT 10\n"
    );
  }

  /* The address of the page as it stands: the question (or the query text) and the language. */
  function shareUrl() {
    const out = new URLSearchParams();
    const tab = window.yasgui && window.yasgui.getTab();
    const text = tab ? tab.getQuery() : "";
    if (state.current && text === state.current.query) {
      out.set("q", state.current.name);
    } else if (text) {
      out.set("query", text);
    }
    out.set("lang", state.lang);
    return window.location.pathname + "?" + out.toString();
  }

  function updateUrl() {
    const url = shareUrl();
    $("share").setAttribute("href", url);
    window.history.replaceState(null, "", url);
  }

  /* An edited named question is the user's own query: the menu and description let go of it,
   * and the URL carries the text instead of the question's name. */
  function onEdit() {
    const tab = window.yasgui.getTab();
    if (state.current && tab.getQuery() !== state.current.query) {
      state.current = null;
      $("question").value = "";
      describe();
    }
    updateUrl();
  }

  function describe() {
    const q = state.current;
    const box = $("description");
    box.textContent = "";
    if (!q) return;
    const t = TEXT[state.lang];
    box.append(q.description[state.lang] || q.description.en || "");
    if (q.params.length) {
      const p = document.createElement("small");
      p.textContent =
        " " + t.params + q.params.map((x) => `${x.name} = ${x.default ?? "?"}`).join(", ");
      box.append(p);
    }
    if (q.note) {
      const n = document.createElement("small");
      n.textContent = " " + t.unbound + q.note;
      box.append(n);
    }
  }

  function setLang(lang) {
    state.lang = lang === "zh" ? "zh" : "en";
    const t = TEXT[state.lang];
    document.documentElement.lang = state.lang === "zh" ? "zh-Hans" : "en";
    document.querySelectorAll("[data-i18n]").forEach((el) => {
      el.textContent = t[el.dataset.i18n];
    });
    document.querySelectorAll(".langs button").forEach((b) => {
      b.setAttribute("aria-pressed", String(b.dataset.lang === state.lang));
    });
    const select = $("question");
    for (const opt of select.options) {
      const q = state.questions.find((x) => x.name === opt.value);
      if (q) opt.textContent = q.title[state.lang] || q.title.en;
    }
    describe();
    nameLinks();
    const yasr = window.yasgui && window.yasgui.getTab() && window.yasgui.getTab().getYasr();
    if (yasr && ["chart", "graph"].includes(yasr.getSelectedPluginName())) yasr.draw();
    updateUrl();
  }

  function choose(name) {
    const q = state.questions.find((x) => x.name === name) || null;
    state.current = q;
    $("question").value = q ? q.name : "";
    if (q) window.yasgui.getTab().setQuery(q.query);
    hideCap();
    describe();
    updateUrl();
  }

  function hideCap() {
    $("cap").hidden = true;
    document.body.dataset.cap = "0";
  }

  /* YASQE turns an HTTP error into a bare message and drops the status; the page needs the
   * status to tell the result cap (413) from other errors, so it notes the status of every
   * query it POSTs to this server (YASQE's own ASK probe is a GET and is left out). */
  const ownFetch = window.fetch.bind(window);
  window.fetch = async function (input, init) {
    const response = await ownFetch(input, init);
    const request = input instanceof Request ? input : null;
    const method = ((init && init.method) || (request && request.method) || "GET").toUpperCase();
    const url = new URL(request ? request.url : String(input), window.location.href);
    if (method === "POST" && url.origin === window.location.origin && url.pathname === "/query") {
      state.lastStatus = response.status;
      state.lastError = response.ok ? "" : await response.clone().text();
    }
    return response;
  };

  /* Names instead of IRIs, as the CLI shows them: after each answer the page asks this server
   * for the rdfs:label of the IRIs in it (one VALUES query) and writes the name in the chosen
   * language (else the other, else an untagged one) into each link, keeping the prefixed name
   * as its tooltip. The table redraws rows as pages and sorting change, so a MutationObserver
   * names new rows as they appear. */
  const MAX_LABELLED = 400;

  function labelOf(iri) {
    const names = state.labels.get(iri);
    if (!names) return null;
    const other = state.lang === "zh" ? "en" : "zh";
    return names[state.lang] || names[other] || names[""] || null;
  }

  function nameLinks() {
    document.querySelectorAll("#yasgui .yasr table a[href]").forEach((a) => {
      const iri = a.getAttribute("href");
      if (!a.dataset.iri) {
        if (!state.labels.has(iri)) return;
        a.dataset.iri = iri;
        a.dataset.short = a.textContent;
      }
      const name = labelOf(a.dataset.iri);
      const text = name || a.dataset.short;
      if (a.textContent !== text) a.textContent = text;
      a.title = a.dataset.short + " · " + a.dataset.iri;
      a.classList.add("named");
    });
  }

  async function fetchLabels(tab) {
    const results = tab.getYasr().results;
    const json = results && results.getAsJson && results.getAsJson();
    const rows = (json && json.results && json.results.bindings) || [];
    const iris = [];
    const seen = new Set();
    for (const row of rows) {
      for (const v of Object.values(row)) {
        if (v.type === "uri" && !seen.has(v.value) && !state.labels.has(v.value)) {
          seen.add(v.value);
          if (/^[^<>"{}|^`\\\s]+$/.test(v.value)) iris.push(v.value);
        }
      }
      if (iris.length >= MAX_LABELLED) break;
    }
    if (iris.length) {
      const query =
        "SELECT ?e ?l WHERE { VALUES ?e { " +
        iris.map((i) => `<${i}>`).join(" ") +
        ` } ?e <${new Map(state.prefixes).get("rdfs")}label> ?l }`;
      const body = new URLSearchParams({ query: query });
      const response = await ownFetch("/query", {
        method: "POST",
        body: body,
        headers: { Accept: "application/sparql-results+json" },
      });
      if (response.ok) {
        for (const iri of iris) state.labels.set(iri, {});
        const data = await response.json();
        for (const b of data.results.bindings) {
          const names = state.labels.get(b.e.value);
          const lang = (b.l["xml:lang"] || "").split("-")[0].toLowerCase();
          if (names && !names[lang]) names[lang] = b.l.value;
        }
      }
    }
    nameLinks();
    const yasr = tab.getYasr();
    if (["chart", "graph"].includes(yasr.getSelectedPluginName())) yasr.draw();
    document.body.dataset.labelled = String(Number(document.body.dataset.labelled || 0) + 1);
  }

  /* 413 is this endpoint's result cap: say so above the results, with the server's fix. */
  function onResponse(_yasgui, tab) {
    // the results reach YASR after this event: name them once YASR has drawn them
    const yasr = tab.getYasr();
    const drawn = () => {
      yasr.off("drawn", drawn);
      fetchLabels(tab).catch(() => nameLinks());
    };
    yasr.on("drawn", drawn);
    if (state.lastStatus === 413) {
      const box = $("cap");
      box.textContent = TEXT[state.lang].cap + state.lastError.trim();
      box.hidden = false;
      document.body.dataset.cap = "1";
    } else {
      hideCap();
    }
    updateUrl();
    document.body.dataset.answered = String(Number(document.body.dataset.answered || 0) + 1);
  }

  async function start() {
    const response = await fetch("/ui/questions.json", { credentials: "same-origin" });
    const data = await response.json();
    state.questions = data.questions;
    state.prefixes = data.prefixes;

    const select = $("question");
    for (const q of state.questions) {
      const opt = document.createElement("option");
      opt.value = q.name;
      opt.textContent = q.title[state.lang] || q.title.en;
      opt.title = q.name;
      select.append(opt);
    }
    select.addEventListener("change", () => choose(select.value));
    document.querySelectorAll(".langs button").forEach((b) => {
      b.addEventListener("click", () => setLang(b.dataset.lang));
    });

    const endpoint = new URL("/query", window.location.href).href;
    const Yasgui = window.Yasgui;
    Yasgui.Yasr.registerPlugin("chart", window.regimekgViews.ChartView);
    Yasgui.Yasr.registerPlugin("graph", window.regimekgViews.GraphView);
    window.regimekgNames = labelOf;
    window.yasgui = new Yasgui($("yasgui"), {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      populateFromUrl: false,
      persistenceId: null,
      endpointCatalogueOptions: { getData: () => [] },
      yasqe: {
        value: newQuery(state.prefixes),
        // the other autocompleters ask prefix.cc and LOV on the internet
        autocompleters: ["variables"],
      },
      // an ordered list: state: and institution: come before id:, so results read state:china
      yasr: {
        prefixes: Object.fromEntries(state.prefixes),
        defaultPlugin: "table",
        pluginOrder: ["table", "chart", "graph", "response"],
      },
    });
    window.yasgui.on("queryResponse", onResponse);
    new MutationObserver(() => nameLinks()).observe($("yasgui"), {
      childList: true,
      subtree: true,
    });

    const tab = window.yasgui.getTab();
    if (params.get("q")) {
      choose(params.get("q"));
    } else if (params.get("query")) {
      tab.setQuery(params.get("query"));
    } else {
      tab.setQuery(newQuery(state.prefixes));
    }
    tab.getYasqe().on("change", onEdit);
    setLang(state.lang);
    window.regimekg = { setLang: setLang, choose: choose, shareUrl: shareUrl };
    document.body.dataset.ready = "1";
  }

  start().catch((e) => {
    $("description").textContent = "The query page could not start: " + e;
  });
})();
