// Two enhancements of plain HTML tables, for browsers with JavaScript; without it the tables are
// complete, just not filterable or sortable.
// - A filter box ([data-filter-for=<table id>], hidden until this script shows it) keeps the rows
//   whose text holds what is typed, and says how many are shown.
// - A table with class jobtal-sortable gets a button in each column heading that sorts its rows
//   by that column (numbers as numbers, in the page's number format), with aria-sort.
// Both run again after mkdocs-material's instant navigation (document$).
(function () {
  "use strict";

  // The ways a name may be typed: lower case, accents dropped (é -> e), and æ, ø, å written as
  // ae, oe, aa (as addresses and Danish keyboards abroad write them) or as ae, o, a; so
  // "holbaek", "Åbenrå", "aabenraa" and "kobenhavn" all find their jobcentre.
  function spellings(text) {
    var plain = text.toLocaleLowerCase().replace(/\s+/g, " ").trim();
    function fold(table) {
      return plain.replace(/[æøå]/g, function (c) { return table[c]; })
        .normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    }
    return [fold({ "æ": "ae", "ø": "oe", "å": "aa" }), fold({ "æ": "ae", "ø": "o", "å": "a" })];
  }

  // What is typed is read in the first way only ("kø" as "koe", never as "ko", which every
  // "kommune" holds); a name is found by either of its ways.
  function matches(wanted, text) {
    var typed = spellings(wanted)[0];
    return spellings(text).some(function (form) { return form.indexOf(typed) >= 0; });
  }

  function setUpFilter(box) {
    if (box.getAttribute("data-ready")) return;
    var table = document.getElementById(box.getAttribute("data-filter-for"));
    if (!table) return;
    box.setAttribute("data-ready", "yes");
    var input = box.querySelector("input");
    var status = box.querySelector("[role=status]");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var template = document.documentElement.lang === "en"
      ? "{shown} of {total} jobcentres shown" : "{shown} af {total} jobcentre vises";
    function apply() {
      var wanted = input.value.trim();
      var shown = 0;
      rows.forEach(function (row) {
        var match = !wanted || matches(wanted, row.textContent);
        row.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = template.replace("{shown}", shown).replace("{total}", rows.length);
    }
    input.addEventListener("input", apply);
    box.hidden = false;
    apply();
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    var text = cell ? cell.textContent.trim() : "";
    var english = document.documentElement.lang === "en";
    var plain = text.replace("−", "-").replace("+", "");
    plain = english ? plain.replace(/,/g, "") : plain.replace(/\./g, "").replace(",", ".");
    if (/^-?[0-9]+(\.[0-9]+)?$/.test(plain)) return { number: parseFloat(plain), text: text };
    return { number: null, text: text };
  }

  function compare(a, b) {
    if (a.number !== null && b.number !== null) return a.number - b.number;
    return a.text.localeCompare(b.text, document.documentElement.lang || "da");
  }

  function missing(value) {
    return value.text === "–" || value.text === "";
  }

  function setUpSorting(table) {
    if (table.getAttribute("data-ready")) return;
    table.setAttribute("data-ready", "yes");
    var headings = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headings.forEach(function (heading, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "jobtal-sort";
      button.textContent = heading.textContent;
      heading.textContent = "";
      heading.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = heading.getAttribute("aria-sort") !== "ascending";
        headings.forEach(function (other) { other.removeAttribute("aria-sort"); });
        heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var first = cellValue(a, index);
          var second = cellValue(b, index);
          // a suppressed or missing value ("–") goes last either way
          if (missing(first) !== missing(second)) return missing(first) ? 1 : -1;
          var order = compare(first, second);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function enhance() {
    document.querySelectorAll("[data-filter-for]").forEach(setUpFilter);
    document.querySelectorAll("table.jobtal-sortable").forEach(setUpSorting);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(enhance);
  } else {
    document.addEventListener("DOMContentLoaded", enhance);
  }
})();
