// mulu public site: instant search over names, codes, aliases and guide text, with no word segmenter:
// every term of the query (split on spaces) must occur as a substring, so a two-character query such
// as 低保 finds every item whose name holds it. The query lives in the URL (?q=…) so a search can be shared.
(function () {
  "use strict";
  var data = window.MULU_SEARCH || { items: [] };
  var LIMIT = 300;
  function norm(text) { return (text || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim(); }
  // Row: [code, name, aliases and other codes, type, department, levels, guide text, page]
  var rows = data.items.map(function (r) {
    return { r: r, name: norm(r[1]), code: norm(r[0]), alias: norm(r[2]), text: norm(r[6]) };
  });

  function search(query) {
    var terms = norm(query).split(" ").filter(Boolean);
    if (!terms.length) return [];
    var found = [];
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i], score = 0, inText = false;
      for (var t = 0; t < terms.length; t++) {
        var term = terms[t];
        if (row.name.indexOf(term) >= 0) score += row.name.indexOf(term) === 0 ? 150 : 100;
        else if (row.code.indexOf(term) >= 0) score += row.code.indexOf(term) === 0 ? 90 : 70;
        else if (row.alias.indexOf(term) >= 0) score += 50;
        else if (row.text.indexOf(term) >= 0) { score += 10; inText = true; }
        else { score = -1; break; }
      }
      if (score >= 0) found.push({ row: row, score: score, inText: inText });
    }
    found.sort(function (a, b) {
      return b.score - a.score || a.row.name.length - b.row.name.length || (a.row.r[0] < b.row.r[0] ? -1 : 1);
    });
    return found;
  }

  // Each character folded alone, so positions in the folded text are positions in the text.
  function fold(text) {
    return Array.from(text, function (ch) { var f = ch.normalize("NFKC").toLowerCase(); return f.length === ch.length ? f : ch; }).join("");
  }

  // Text with every term marked, built from text nodes (never HTML).
  function marked(element, text, terms) {
    var lower = fold(text), at = 0;
    while (at < text.length) {
      var next = -1, length = 0;
      terms.forEach(function (term) {
        var i = lower.indexOf(term, at);
        if (i >= 0 && (next < 0 || i < next)) { next = i; length = term.length; }
      });
      if (next < 0 || lower.length !== text.length) { element.appendChild(document.createTextNode(text.slice(at))); return; }
      if (next > at) element.appendChild(document.createTextNode(text.slice(at, next)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(next, next + length);
      element.appendChild(mark);
      at = next + length;
    }
  }

  function snippet(text, term) {
    var i = fold(text).indexOf(term);
    if (i < 0) return "";
    return (i > 30 ? "…" : "") + text.slice(Math.max(0, i - 30), i + term.length + 50) + "…";
  }

  function render(query, list, status) {
    var terms = norm(query).split(" ").filter(Boolean);
    var found = search(query);
    list.textContent = "";
    var fragment = document.createDocumentFragment();
    found.slice(0, LIMIT).forEach(function (hit) {
      var r = hit.row.r, li = document.createElement("li");
      li.setAttribute("data-item-code", r[0]);
      var link = document.createElement("a");
      link.className = "name";
      link.href = r[7];
      marked(link, r[1], terms);
      li.appendChild(link);
      var meta = document.createElement("div");
      meta.className = "meta";
      marked(meta, [r[0], r[3], r[4], r[5]].filter(Boolean).join(" · "), terms);
      li.appendChild(meta);
      if (hit.inText) {
        var more = document.createElement("div");
        marked(more, snippet(r[6], terms[terms.length - 1]), terms);
        li.appendChild(more);
      } else if (r[2] && terms.some(function (t) { return hit.row.alias.indexOf(t) >= 0 && hit.row.name.indexOf(t) < 0; })) {
        var alias = document.createElement("div");
        marked(alias, "又称：" + r[2], terms);
        li.appendChild(alias);
      }
      fragment.appendChild(li);
    });
    list.appendChild(fragment);
    status.textContent = !terms.length ? "请输入事项名称、编码或关键词。"
      : found.length ? "找到 " + found.length + " 项" + (found.length > LIMIT ? "，显示前 " + LIMIT + " 项" : "") + "。"
      : "没有找到包含“" + query.trim() + "”的事项。";
    return found.length;
  }

  window.muluSearch = search;
  var form = document.getElementById("search-form"), input = document.getElementById("q");
  var list = document.getElementById("results"), status = document.getElementById("search-status");
  if (!form || !input || !list) return;
  function run() {
    render(input.value, list, status);
    try {
      var url = new URL(window.location.href);
      if (input.value.trim()) url.searchParams.set("q", input.value.trim()); else url.searchParams.delete("q");
      history.replaceState(null, "", url.toString());
    } catch (e) { /* a page opened from disk may refuse; the search itself still works */ }
  }
  window.muluRender = function (query) { input.value = query; return render(query, list, status); };
  input.value = new URLSearchParams(window.location.search).get("q") || "";
  input.addEventListener("input", run);
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  render(input.value, list, status);
})();
