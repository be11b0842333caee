"""The list of letters of the static site: the same filters as `serve`'s list (year,
correspondent, archive, language, words of the title) and the same table, filled in the browser
from the site's index (``index/choices.json``, ``index/YEAR.json``) by a short script in the page
itself — nothing is fetched from elsewhere. Without a year, every year's file is read."""

from __future__ import annotations

from .catalogue import PAGE, Catalogue
from .html import Frame

SCRIPT = """
(function () {
  "use strict";
  var size = %(page)d, params = new URLSearchParams(location.search);
  var form = document.getElementById("filters"), table = document.getElementById("rows");
  var said = document.getElementById("count"), pager = document.getElementById("pages");
  function text(value) { return document.createTextNode(value); }
  function anchor(path, label) {
    var a = document.createElement("a");
    a.href = path.indexOf("http") === 0 ? path : "/" + path;
    a.appendChild(text(label || path)); return a;
  }
  function cell(row, items) {
    var td = document.createElement("td");
    items.forEach(function (item, n) {
      if (n) td.appendChild(text(", "));
      td.appendChild(anchor(item[0], item[1]));
    });
    row.appendChild(td);
  }
  function fold(value) { return value.normalize("NFKD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase(); }
  function fill(select, items, chosen) {
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = String(item[0]); option.appendChild(text(item[1] + " (" + item[2] + ")"));
      if (String(item[0]) === chosen) option.selected = true;
      select.appendChild(option);
    });
  }
  fetch("/index/choices.json").then(function (r) { return r.json(); }).then(function (choices) {
    fill(form.year, choices.years.map(function (y) { return [y[0], y[0], y[1]]; }), params.get("year") || "");
    fill(form.correspondent, choices.correspondents, params.get("correspondent") || "");
    fill(form.archive, choices.archives, params.get("archive") || "");
    fill(form.language, choices.languages, params.get("language") || "");
    form.q.value = params.get("q") || "";
    var years = params.get("year") ? [params.get("year")] : choices.years.map(function (y) { return y[0]; });
    if (!params.get("year") && choices.undated) years.push("undated");
    return Promise.all(years.map(function (y) {
      return fetch("/index/" + y + ".json").then(function (r) { return r.ok ? r.json() : []; });
    }));
  }).then(function (parts) {
    var strip = function (iri) { return iri.replace(/^https?:\\/\\/[^/]+\\//, ""); };
    var who = params.get("correspondent"), archive = params.get("archive");
    var language = params.get("language"), words = fold(params.get("q") || "");
    var found = [].concat.apply([], parts).filter(function (r) {
      var has = function (items, iri) {
        return items.some(function (i) { return i[0] === iri || i[0] === strip(iri); });
      };
      return (!who || has(r[4], who) || has(r[5], who)) && (!archive || has(r[7], archive)) &&
        (!language || has(r[8], language)) && (!words || r[3].indexOf(words) >= 0);
    });
    var page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
    said.textContent = found.length + (found.length === 1 ? " letter." : " letters.");
    found.slice((page - 1) * size, page * size).forEach(function (r) {
      var row = document.createElement("tr"), td = document.createElement("td");
      td.appendChild(text(r[1])); row.appendChild(td);
      td = document.createElement("td"); td.appendChild(anchor(r[0], r[2])); row.appendChild(td);
      [r[4], r[5], r[6], r[7], r[8]].forEach(function (items) { cell(row, items); });
      table.appendChild(row);
    });
    var count = Math.ceil(found.length / size);
    for (var n = 1; n <= count && count > 1; n++) {
      params.set("page", String(n));
      var link = n === page ? document.createElement("span") : document.createElement("a");
      if (n !== page) link.href = "/letters?" + params.toString();
      link.appendChild(text(String(n))); pager.appendChild(link); pager.appendChild(text(" "));
    }
  });
})();
"""


def letters_page(frame: Frame, catalogue: Catalogue) -> tuple[str, str, str]:
    """The title, body and head of the static list of letters."""
    selects = "".join(
        f'<label>{label}<select name="{name}"><option value="">any</option></select></label>'
        for name, label in (
            ("year", "Year"),
            ("correspondent", "Correspondent"),
            ("archive", "Archive"),
            ("language", "Original language"),
        )
    )
    body = (
        "<h1>Letters</h1>"
        f'<form id="filters" class="filters" method="get" action="/letters">{selects}'
        '<label>Words of the title<input type="search" name="q"></label>'
        '<button type="submit">Show letters</button></form>'
        '<p id="count" aria-live="polite">Letters are read from the index of this site…</p>'
        '<div class="scroll"><table><thead><tr><th>Date</th><th>Title</th><th>From</th><th>To</th>'
        '<th>Place</th><th>Archive</th><th>Language</th></tr></thead><tbody id="rows"></tbody></table></div>'
        '<p id="pages" class="pages"></p>'
        f"<noscript><p>This list needs JavaScript; every letter has its own page, and the years are on "
        f'<a href="/">the home page</a>.</p></noscript><script>{SCRIPT % {"page": PAGE}}</script>'
    )
    return "Letters", body, ""
