// The table builder (/tabel/, SPEC section 7): any indicator, benefit, breakdown, areas and
// months, as a table, a line chart and downloads, with the selection kept in the address.
//
// Data: tabel/data/index.json says what there is; one file per indicator, benefit, sex and age
// group holds every area's values (jobtal/publish/builder.py writes them). A selection needs the
// index and one such file. Values arrive as the published CSV's own text, so the CSV download is
// the published rows to the byte.
//
// Without JavaScript the page says what it needs and links to the downloads (its <noscript>).
// The functions that read and write the address are pure and exposed as window.jobtalBuilder,
// so they can be tested on their own.
(function () {
  "use strict";

  var FLAG_NAMES = { s: "suppressed", p: "provisional", x: "not_published", "-": "" };
  var MONTH_NAMES = {
    da: ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
         "oktober", "november", "december"],
    en: ["January", "February", "March", "April", "May", "June", "July", "August", "September",
         "October", "November", "December"]
  };
  var CSV_COLUMNS = ["indicator", "benefit", "area_type", "area_code", "area_name", "period",
                     "sex", "age_group", "value", "unit", "flag", "source"];
  var TREND_MONTHS = 24;  // the default range: the last two years, as the profiles show
  var PERIOD = /^\d{4}(-\d{2}|-Q[1-4](-MAT)?)?$/;  // validate.SERIES_PERIOD

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else if (attributes[name] !== null && attributes[name] !== undefined) {
        node.setAttribute(name, attributes[name]);
      }
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  // ------------------------------------------------------------------ the address (SPEC §7)

  function monthsBefore(period, count) {
    var year = +period.slice(0, 4), month = +period.slice(5, 7) - count;
    while (month < 1) { month += 12; year -= 1; }
    return year + "-" + (month < 10 ? "0" : "") + month;
  }

  function defaultFrom(indicator) {
    if (!/^\d{4}-\d{2}$/.test(indicator.last)) return indicator.first;
    var from = monthsBefore(indicator.last, TREND_MONTHS - 1);
    return from < indicator.first ? indicator.first : from;
  }

  // The selection an address asks for, and a message for each part of it that cannot be shown
  // (unknown indicator, benefit, breakdown, area or month; months in the wrong order): each
  // falls back to what the page shows without it.
  function parseAddress(search, index, texts, lang) {
    var params = new URLSearchParams(search);
    var messages = [];
    var byId = {};
    index.indicators.forEach(function (indicator) { byId[indicator.id] = indicator; });
    var wanted = params.get("indicator");
    var fallback = byId.andel_befolkning || index.indicators[0];
    var indicator = wanted && byId[wanted] ? byId[wanted] : fallback;
    if (wanted && !byId[wanted]) {
      messages.push(fill(texts.unknown_indicator, { value: wanted, title: indicator.title[lang] }));
    }
    var benefit = params.get("benefit");
    var defaultBenefit = indicator.benefits.indexOf("alle") >= 0 ? "alle" : indicator.benefits[0];
    if (benefit && indicator.benefits.indexOf(benefit) < 0) {
      messages.push(fill(texts.unknown_benefit, {
        value: benefit, title: index.benefits[defaultBenefit][lang]
      }));
      benefit = null;
    }
    benefit = benefit || defaultBenefit;
    var sex = params.get("sex") || "alle", age = params.get("age_group") || "alle";
    var known = indicator.breakdowns.some(function (b) { return b[0] === sex && b[1] === age; });
    if (!known) {
      messages.push(fill(texts.unknown_breakdown, { value: sex + ", " + age }));
      sex = indicator.breakdowns[0][0];
      age = indicator.breakdowns[0][1];
    }
    var areaIds = {};
    index.areas.forEach(function (area) { areaIds[area.id] = area; });
    var areas = [];
    (params.get("area") || "").split(",").forEach(function (part) {
      var id = part.trim();
      if (!id) return;
      if (!areaIds[id]) messages.push(fill(texts.unknown_area, { value: id }));
      else if (areas.indexOf(id) < 0) areas.push(id);
    });
    if (!areas.length) areas = [index.areas[0].id];  // the country (published first)
    var from = params.get("from"), to = params.get("to");
    [["from", defaultFrom(indicator)], ["to", indicator.last]].forEach(function (pair) {
      var value = pair[0] === "from" ? from : to;
      if (value && !PERIOD.test(value)) {
        messages.push(fill(texts.unknown_month, { value: value, month: periodLabel(pair[1], lang) }));
        value = null;
      }
      if (pair[0] === "from") from = value || pair[1]; else to = value || pair[1];
    });
    if (from > to) {
      messages.push(texts.reversed);
      var swap = from; from = to; to = swap;
    }
    return {
      selection: { indicator: indicator.id, benefit: benefit, sex: sex, age_group: age,
                   areas: areas, from: from, to: to },
      messages: messages
    };
  }

  // The address of a selection: SPEC §7's parameters, ':' and ',' left readable; a part not
  // chosen (null, or sex and age group 'alle') is left out.
  function addressOf(selection) {
    var parts = [];
    [["indicator", selection.indicator], ["benefit", selection.benefit],
     ["area", selection.areas.length ? selection.areas.join(",") : null],
     ["from", selection.from], ["to", selection.to],
     ["sex", selection.sex === "alle" ? null : selection.sex],
     ["age_group", selection.age_group === "alle" ? null : selection.age_group]
    ].forEach(function (pair) {
      if (!pair[1]) return;
      parts.push(pair[0] + "=" +
        encodeURIComponent(pair[1]).replace(/%3A/g, ":").replace(/%2C/g, ","));
    });
    return "?" + parts.join("&");
  }

  function fileOf(selection) {
    // jobtal/publish/builder.py's combo_path
    return selection.indicator + "/" + selection.benefit + "." + selection.sex + "." +
      selection.age_group + ".json.gz";
  }

  // ------------------------------------------------------------------ numbers and periods

  function periodLabel(period, lang) {
    if (/^\d{4}-\d{2}$/.test(period)) {
      return MONTH_NAMES[lang][+period.slice(5, 7) - 1] + " " + period.slice(0, 4);
    }
    var quarter = /^(\d{4})-Q([1-4])(-MAT)?$/.exec(period);  // as Language.period
    if (quarter) {
      var shown = lang === "da" ? quarter[2] + ". kvt. " + quarter[1]
        : "Q" + quarter[2] + " " + quarter[1];
      if (quarter[3]) shown += lang === "da" ? " (løbende år)" : " (moving year)";
      return shown;
    }
    return period;
  }

  function periodDate(period) {
    var quarter = /^(\d{4})-Q([1-4])(-MAT)?$/.exec(period);
    if (quarter) return quarter[1] + "-" + ("0" + (3 * quarter[2] - 2)).slice(-2) + "-01";
    return /^\d{4}$/.test(period) ? period + "-01-01" : period + "-01";
  }

  // A published value ('1234.5', the CSV's text) in the page's format: Danish 1.234,5 or English
  // 1,234.5, with a real minus sign; decimals as published.
  function shown(text, lang) {
    if (text === null || text === undefined || text === "") return "–";
    var negative = text.charAt(0) === "-";
    var parts = (negative ? text.slice(1) : text).split(".");
    var grouped = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, lang === "da" ? "." : ",");
    var number = parts.length > 1 ? grouped + (lang === "da" ? "," : ".") + parts[1] : grouped;
    return (negative ? "−" : "") + number;
  }

  // ------------------------------------------------------------------ the selected rows

  // One row per period in [from, to], one column per area: {period, cells: [{value, flag}]}.
  function selectedRows(data, selection) {
    var columns = selection.areas.map(function (id) { return data.areas.indexOf(id); });
    var rows = [];
    data.periods.forEach(function (period, p) {
      if (period < selection.from || period > selection.to) return;
      rows.push({
        period: period,
        cells: columns.map(function (a) {
          if (a < 0) return { value: null, flag: "x" };
          return { value: data.values[a][p], flag: data.flags[a].charAt(p) };
        })
      });
    });
    return rows;
  }

  // The latest period of the selection with each area's value and its rank among the areas of
  // its type (1 = the best, or the highest where neither way is better), where the indicator is
  // ranked.
  function latestRanks(data, selection, rows, index) {
    if (!rows.length) return null;
    var period = rows[rows.length - 1].period;
    var p = data.periods.indexOf(period);
    var typeOf = function (id) { return id.split(":")[0]; };
    var indicator = index.indicators.filter(function (i) {
      return i.id === selection.indicator;
    })[0];
    var ranked = indicator && indicator.rank;
    // the best first, as on the site's pages: the lowest where lower is better
    var ahead = indicator && indicator.better === "lower"
      ? function (other, mine) { return other < mine; }
      : function (other, mine) { return other > mine; };
    return {
      period: period,
      areas: selection.areas.map(function (id, column) {
        var cell = rows[rows.length - 1].cells[column];
        var result = { id: id, value: cell.value, flag: cell.flag, rank: null, count: 0 };
        if (!ranked || cell.value === null || cell.flag === "s") return result;
        var mine = parseFloat(cell.value), above = 0, count = 0;
        data.areas.forEach(function (other, a) {
          var value = data.values[a][p];
          if (typeOf(other) !== typeOf(id) || value === null) return;
          count += 1;
          if (ahead(parseFloat(value), mine)) above += 1;
        });
        result.rank = above + 1;
        result.count = count;
        return result;
      })
    };
  }

  function csvField(value) {
    var text = value === null || value === undefined ? "" : String(value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  // The selection as the published CSV's rows (SPEC §7's columns and jobtal's source), area by
  // area in the order shown, then by period; periods not published have no row.
  function csvText(data, selection, rows, areasById) {
    var lines = [CSV_COLUMNS.join(",")];
    var flags = { "-": "", s: "suppressed", p: "provisional" };
    selection.areas.forEach(function (id, column) {
      var area = areasById[id];
      var type = id.slice(0, id.indexOf(":")), code = id.slice(id.indexOf(":") + 1);
      rows.forEach(function (row) {
        var cell = row.cells[column];
        if (cell.flag === "x") return;
        lines.push([selection.indicator, selection.benefit, type, code, area.name, row.period,
                    selection.sex, selection.age_group, cell.value, data.unit, flags[cell.flag],
                    data.source].map(csvField).join(","));
      });
    });
    return lines.join("\n") + "\n";
  }

  // The table as shown, for Danish Excel by a double click: a byte order mark (so Excel reads
  // UTF-8), semicolons, decimal commas and no thousands separators; suppressed cells empty.
  function excelText(selection, rows, areasById, texts, lang) {
    function field(text) {
      var value = String(text);
      if (/^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value)) value = "'" + value;
      return /[";\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
    }
    var header = [texts.period].concat(selection.areas.map(function (id) {
      return areasById[id][lang];
    }));
    var lines = [header.map(field).join(";")];
    rows.forEach(function (row) {
      lines.push([periodLabel(row.period, lang)].concat(row.cells.map(function (cell) {
        return cell.value === null ? "" : String(cell.value).replace(".", ",");
      })).map(field).join(";"));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  window.jobtalBuilder = {
    parseAddress: parseAddress, addressOf: addressOf, fileOf: fileOf, shown: shown,
    periodLabel: periodLabel, selectedRows: selectedRows, csvText: csvText, excelText: excelText
  };

  // ------------------------------------------------------------------ the page

  function Builder(root) {
    this.root = root;
    this.lang = document.documentElement.lang === "en" ? "en" : "da";
    this.texts = JSON.parse(root.getAttribute("data-texts"));
    // absolute, against the builder's own page: its selection's file is asked for after its
    // index has come, when an instant navigation may have shown another page (charts.js)
    this.base = new URL(root.getAttribute("data-base"), window.location.href).href;
    this.files = {};
  }

  // A data file as JSON. The selection files are stored gzipped (builder.py); a host that
  // unpacks them on the way (Content-Encoding) hands over plain JSON, which is read as it is.
  Builder.prototype.fetchJSON = function (path) {
    if (!this.files[path]) {
      this.files[path] = fetch(this.base + path).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + path);
        return response.arrayBuffer();
      }).then(function (buffer) {
        var bytes = new Uint8Array(buffer);
        if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
          return JSON.parse(new TextDecoder().decode(bytes));
        }
        var plain = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(plain).json();
      });
    }
    return this.files[path];
  };

  Builder.prototype.start = function () {
    var self = this;
    // The selection's file, asked for beside the index when the address names it plainly, so the
    // two downloads overlap (a guess: parseAddress still decides what is shown).
    var params = new URLSearchParams(window.location.search);
    var guess = {
      indicator: params.get("indicator"), benefit: params.get("benefit") || "alle",
      sex: params.get("sex") || "alle", age_group: params.get("age_group") || "alle"
    };
    if (guess.indicator && /^\w+$/.test(guess.indicator) && /^\w+$/.test(guess.benefit) &&
        /^[\w-]+$/.test(guess.sex) && /^[\w-]+$/.test(guess.age_group)) {
      this.fetchJSON(fileOf(guess)).catch(function () { return null; });
    }
    this.fetchJSON("index.json").then(function (index) {
      self.index = index;
      self.areasById = {};
      index.areas.forEach(function (area) { self.areasById[area.id] = area; });
      var parsed = parseAddress(window.location.search, index, self.texts, self.lang);
      self.selection = parsed.selection;
      self.layout();
      self.show(parsed.messages);
    }).catch(function (error) {
      self.root.appendChild(element("p", { role: "alert", text: self.texts.failed }));
      console.error(error);
    });
  };

  Builder.prototype.select = function (label, id, options, value, onChange) {
    var select = element("select", { id: id });
    options.forEach(function (option) {
      var node = element("option", { value: option[0], text: option[1] });
      if (option[0] === value) node.selected = true;
      select.appendChild(node);
    });
    select.addEventListener("change", function () { onChange(select.value); });
    return element("div", { class: "jobtal-builder__field" }, [
      element("label", { for: id, text: label }), select
    ]);
  };

  // The controls, built again whenever the indicator changes what can be chosen.
  Builder.prototype.layout = function () {
    var self = this, t = this.texts, lang = this.lang, s = this.selection;
    var indicator = this.indicator();
    this.root.textContent = "";
    var controls = element("form", { class: "jobtal-builder__controls" });
    controls.addEventListener("submit", function (event) { event.preventDefault(); });
    controls.appendChild(this.select(t.indicator, "tabel-indicator",
      this.index.indicators.map(function (i) { return [i.id, i.title[lang]]; }), s.indicator,
      function (value) { self.change({ indicator: value }); }));
    controls.appendChild(this.select(t.benefit, "tabel-benefit",
      indicator.benefits.map(function (b) { return [b, self.index.benefits[b][lang]]; }),
      s.benefit, function (value) { self.change({ benefit: value }); }));
    if (indicator.breakdowns.length > 1) {
      controls.appendChild(this.select(t.breakdown, "tabel-breakdown",
        indicator.breakdowns.map(function (b) {
          return [b.join("|"), self.breakdownLabel(b[0], b[1])];
        }), s.sex + "|" + s.age_group, function (value) {
          var parts = value.split("|");
          self.change({ sex: parts[0], age_group: parts[1] });
        }));
    }
    this.periodFields = element("div", { class: "jobtal-builder__periods" });
    controls.appendChild(this.periodFields);
    controls.appendChild(this.areaControls());
    this.messages = element("div", { class: "jobtal-builder__messages", role: "status",
                                     "aria-live": "polite" });
    this.results = element("div", { class: "jobtal-builder__results" });
    this.root.appendChild(controls);
    this.root.appendChild(this.messages);
    this.root.appendChild(this.results);
  };

  Builder.prototype.areaControls = function () {
    var self = this, t = this.texts, lang = this.lang;
    var fieldset = element("fieldset", { class: "jobtal-builder__areas" }, [
      element("legend", { text: t.areas })
    ]);
    var list = element("ul", { class: "jobtal-builder__chosen" });
    this.selection.areas.forEach(function (id, position) {
      var name = self.areasById[id][lang];
      var remove = element("button", { type: "button", text: "×",
                                       "aria-label": fill(t.remove, { name: name }) });
      remove.addEventListener("click", function () {
        self.change({ areas: self.selection.areas.filter(function (a) { return a !== id; }) },
                    "#tabel-area-search");
      });
      var item = element("li", {}, [element("span", { text: name }), remove]);
      if (position > 0) {
        var left = element("button", { type: "button", text: "←",
                                       "aria-label": fill(t.move_left, { name: name }) });
        left.addEventListener("click", function () {
          var areas = self.selection.areas.slice();
          areas.splice(position, 1);
          areas.splice(position - 1, 0, id);
          self.change({ areas: areas });
        });
        item.insertBefore(left, remove);
      }
      list.appendChild(item);
    });
    fieldset.appendChild(list);
    // type to find an area: a text field with the names as suggestions (datalist)
    var names = {};
    var datalist = element("datalist", { id: "tabel-area-names" });
    this.index.areas.forEach(function (area) {
      names[area[lang].toLocaleLowerCase()] = area.id;
      datalist.appendChild(element("option", { value: area[lang] }));
    });
    var input = element("input", { id: "tabel-area-search", type: "text", list: "tabel-area-names",
                                   autocomplete: "off" });
    var add = element("button", { type: "button", text: t.add });
    function addTyped() {
      var id = names[input.value.trim().toLocaleLowerCase()];
      if (!id) return;
      self.change({ areas: self.selection.areas.concat([id]) }, "#tabel-area-search");
    }
    add.addEventListener("click", addTyped);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); addTyped(); }
    });
    input.addEventListener("change", function () {
      if (names[input.value.trim().toLocaleLowerCase()]) addTyped();
    });
    fieldset.appendChild(element("div", { class: "jobtal-builder__field" }, [
      element("label", { for: "tabel-area-search", text: t.area_search }), input, add, datalist
    ]));
    // one click adds a jobcentre's neighbours, group, region or the country
    var first = this.selection.areas.filter(function (id) { return id.indexOf("kommune:") === 0; })[0];
    if (first) {
      var area = this.areasById[first];
      var relations = [
        [t.add_neighbours, area.neighbours || []],
        [t.add_group, [area.group]],
        [t.add_region, [area.region]],
        [t.add_country, ["land:DK"]]
      ];
      var group = element("div", { class: "jobtal-builder__relations", role: "group",
                                   "aria-label": fill(t.relations_of, { name: area[lang] }) }, [
        element("span", { text: fill(t.relations_of, { name: area[lang] }) })
      ]);
      relations.forEach(function (relation) {
        var ids = relation[1].filter(function (id) { return self.areasById[id]; });
        var button = element("button", { type: "button", text: relation[0] });
        button.disabled = ids.every(function (id) { return self.selection.areas.indexOf(id) >= 0; });
        button.addEventListener("click", function () {
          var areas = self.selection.areas.slice();
          ids.forEach(function (id) { if (areas.indexOf(id) < 0) areas.push(id); });
          self.change({ areas: areas });
        });
        group.appendChild(button);
      });
      fieldset.appendChild(group);
    }
    return fieldset;
  };

  Builder.prototype.indicator = function () {
    var id = this.selection.indicator;
    return this.index.indicators.filter(function (i) { return i.id === id; })[0];
  };

  Builder.prototype.breakdownLabel = function (sex, age) {
    if (sex === "alle" && age === "alle") return this.texts.all;
    return sex !== "alle" ? this.index.sexes[sex][this.lang] : this.index.ages[age][this.lang];
  };

  // A change of the selection: the indicator may change what can be chosen, so the address is
  // parsed again from the new selection (the same rules as a shared link), then shown.
  Builder.prototype.change = function (update, focus) {
    var next = {};
    Object.keys(this.selection).forEach(function (key) { next[key] = this.selection[key]; }, this);
    Object.keys(update).forEach(function (key) { next[key] = update[key]; });
    if (update.indicator) {
      var indicator = this.index.indicators.filter(function (i) { return i.id === update.indicator; })[0];
      if (indicator.benefits.indexOf(next.benefit) < 0) next.benefit = null;
      var ok = indicator.breakdowns.some(function (b) {
        return b[0] === next.sex && b[1] === next.age_group;
      });
      if (!ok) { next.sex = "alle"; next.age_group = "alle"; }
      next.from = null;
      next.to = null;
    }
    var query = addressOf(next);
    var parsed = parseAddress(query, this.index, this.texts, this.lang);
    if (!next.areas.length) parsed.selection.areas = [];
    var activeId = focus ? focus.slice(1) : document.activeElement && document.activeElement.id;
    this.selection = parsed.selection;
    this.layout();
    this.show([]);
    var target = activeId && document.getElementById(activeId);
    if (target) target.focus();
  };

  Builder.prototype.show = function (messages) {
    var self = this, t = this.texts, s = this.selection;
    this.messages.textContent = "";
    messages.forEach(function (message) {
      self.messages.appendChild(element("p", { text: message }));
    });
    if (!s.areas.length) {
      this.results.textContent = "";
      this.results.appendChild(element("p", { text: t.no_areas }));
      this.remember();
      return;
    }
    this.results.setAttribute("aria-busy", "true");
    this.fetchJSON(fileOf(s)).then(function (data) {
      self.data = data;
      self.periodControls(data);
      self.draw(data);
      self.remember();
    }).catch(function (error) {
      self.results.textContent = "";
      self.results.appendChild(element("p", { role: "alert", text: t.failed }));
      console.error(error);
    }).then(function () { self.results.removeAttribute("aria-busy"); });
  };

  Builder.prototype.remember = function () {
    var address = window.location.pathname + addressOf(this.selection);
    if (address !== window.location.pathname + window.location.search) {
      window.history.replaceState(window.history.state, "", address);
    }
    this.root.setAttribute("data-address", addressOf(this.selection));
  };

  Builder.prototype.periodControls = function (data) {
    var self = this, t = this.texts, s = this.selection, lang = this.lang;
    var periods = data.periods;
    if (s.from < periods[0]) s.from = periods[0];
    if (s.to > periods[periods.length - 1]) s.to = periods[periods.length - 1];
    var options = periods.map(function (p) { return [p, periodLabel(p, lang)]; });
    this.periodFields.textContent = "";
    this.periodFields.appendChild(this.select(t.from, "tabel-from", options, s.from,
      function (value) { self.change(value > self.selection.to ? { from: self.selection.to, to: value } : { from: value }); }));
    this.periodFields.appendChild(this.select(t.to, "tabel-to", options, s.to,
      function (value) { self.change(value < self.selection.from ? { from: value, to: self.selection.from } : { to: value }); }));
  };

  Builder.prototype.caption = function () {
    var s = this.selection, lang = this.lang;
    return fill(this.texts.caption, {
      title: this.indicator().title[lang],
      benefit: this.index.benefits[s.benefit][lang],
      breakdown: this.breakdownLabel(s.sex, s.age_group)
    });
  };

  Builder.prototype.draw = function (data) {
    var self = this, t = this.texts, s = this.selection, lang = this.lang;
    var rows = selectedRows(data, s);
    this.results.textContent = "";
    if (!rows.length) {
      this.results.appendChild(element("p", { text: t.no_data }));
      return;
    }
    var caption = this.caption();
    // the table: one row per period, one column per area
    var head = element("tr", {}, [element("th", { scope: "col", text: t.period })]);
    s.areas.forEach(function (id) {
      head.appendChild(element("th", { scope: "col", text: self.areasById[id][lang] }));
    });
    var body = element("tbody");
    var seen = {};
    rows.forEach(function (row) {
      var tr = element("tr", {}, [element("th", { scope: "row", text: periodLabel(row.period, lang) })]);
      row.cells.forEach(function (cell) {
        var reason = FLAG_NAMES[cell.flag];
        var td = element("td", { class: "number" + (reason ? " jobtal-builder__" + reason : "") });
        if (cell.flag === "s" || cell.flag === "x") {
          td.appendChild(element("abbr", { title: t[reason], text: "–" }));
        } else {
          td.textContent = shown(cell.value, lang);
          if (reason) td.setAttribute("title", t[reason]);
        }
        if (reason) seen[reason] = true;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    var table = element("table", { id: "tabel-table" }, [
      element("caption", { text: caption }), element("thead", {}, [head]), body
    ]);
    this.results.appendChild(element("div", { class: "jobtal-table-wrap", tabindex: "0",
                                              role: "region", "aria-label": caption }, [table]));
    var notes = element("ul", { class: "jobtal-builder__notes" });
    ["suppressed", "provisional", "not_published"].forEach(function (reason) {
      if (seen[reason]) {
        var mark = reason === "provisional" ? "" : "– ";
        notes.appendChild(element("li", { text: mark + t[reason] }));
      }
    });
    notes.appendChild(element("li", { text: fill(t.cite, {
      release: this.index.release, address: window.location.origin + window.location.pathname +
        addressOf(s)
    }) + (this.index.synthetic ? " (" + t.synthetic + ")" : "") }));
    this.results.appendChild(notes);
    this.results.appendChild(this.downloads(data, rows));
    this.results.appendChild(this.latest(data, rows));
    this.results.appendChild(this.chart(rows, caption));
    this.results.appendChild(element("p", { class: "jobtal-builder__status", text: fill(t.status, {
      months: rows.length, areas: s.areas.length }) }));
  };

  Builder.prototype.latest = function (data, rows) {
    var self = this, t = this.texts, lang = this.lang;
    var latest = latestRanks(data, this.selection, rows, this.index);
    var body = element("tbody");
    latest.areas.forEach(function (entry) {
      var value = entry.flag === "s" || entry.flag === "x" ? "–" : shown(entry.value, lang);
      var rank = entry.rank === null ? "" : fill(t.rank_of, { rank: entry.rank, count: entry.count });
      body.appendChild(element("tr", {}, [
        element("th", { scope: "row", text: self.areasById[entry.id][lang] }),
        element("td", { class: "number", text: value }),
        element("td", { text: rank })
      ]));
    });
    var title = fill(t.latest, { month: periodLabel(latest.period, lang) });
    var table = element("table", { id: "tabel-latest" }, [
      element("caption", { text: title }),
      element("thead", {}, [element("tr", {}, [
        element("th", { scope: "col", text: t.areas }),
        element("th", { scope: "col", text: t.value }),
        element("th", { scope: "col", text: t.rank })
      ])]),
      body
    ]);
    var wrap = element("div", { class: "jobtal-table-wrap", tabindex: "0", role: "region",
                                "aria-label": title }, [table]);
    if (!this.indicator().rank) wrap.appendChild(element("p", { text: t.no_rank }));
    return wrap;
  };

  Builder.prototype.downloads = function (data, rows) {
    var t = this.texts, s = this.selection;
    var name = ["jobtal", s.indicator, s.benefit, s.from, s.to].join("_");
    function link(text, content, type, filename) {
      var a = element("a", { class: "md-button", download: filename, text: text });
      a.href = URL.createObjectURL(new Blob([content], { type: type }));
      return a;
    }
    return element("div", { class: "jobtal-builder__downloads" }, [
      link(t.download_csv, csvText(data, s, rows, this.areasById), "text/csv;charset=utf-8",
           name + ".csv"),
      link(t.download_excel, excelText(s, rows, this.areasById, t, this.lang),
           "text/csv;charset=utf-8", name + "_excel.csv"),
      element("p", { text: t.download_note })
    ]);
  };

  Builder.prototype.chart = function (rows, caption) {
    var self = this, t = this.texts, s = this.selection, lang = this.lang;
    var values = [];
    var names = s.areas.map(function (id) { return self.areasById[id][lang]; });
    rows.forEach(function (row) {
      row.cells.forEach(function (cell, column) {
        if (cell.value === null || cell.flag === "s" || cell.flag === "x") return;
        values.push({ date: periodDate(row.period), period: periodLabel(row.period, lang),
                      area: names[column], value: parseFloat(cell.value) });
      });
    });
    var source = fill(t.source, { release: this.index.release });
    var spec = {
      $schema: this.root.getAttribute("data-schema"),
      title: { text: wrapped(this.indicator().title[lang], 36), anchor: "start",
               subtitle: wrapped(this.index.benefits[s.benefit][lang] + ", " +
                 this.breakdownLabel(s.sex, s.age_group) + ". " + source +
                 (this.index.synthetic ? ". " + t.synthetic : ""), 48) },
      width: "container", height: 300,
      data: { values: values },
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "date", type: "temporal", title: t.period,
             axis: { format: "%b %Y", tickCount: { interval: "month", step: 1 },
                     labelOverlap: "greedy" } },
        y: { field: "value", type: "quantitative", title: this.indicator().unit[lang],
             scale: { zero: false } },
        color: { field: "area", type: "nominal", title: t.areas, sort: names },
        tooltip: [{ field: "area", title: t.areas }, { field: "period", title: t.period },
                  { field: "value", title: t.value, type: "quantitative" }]
      }
    };
    var alt = fill(t.chart_alt, {
      title: caption, benefit: this.index.benefits[s.benefit][lang],
      from: periodLabel(rows[0].period, lang), to: periodLabel(rows[rows.length - 1].period, lang),
      areas: names.join(", ")
    });
    var plot = element("div", { class: "jobtal-chart__plot", id: "tabel-chart",
                                "aria-hidden": "true" });
    plot.setAttribute("data-vega-spec", JSON.stringify(spec));
    var figure = element("figure", { class: "jobtal-chart", "data-release": this.index.release,
                                     "data-root": this.root.getAttribute("data-site") }, [
      plot, element("figcaption", { text: alt })
    ]);
    if (window.jobtalCharts) window.setTimeout(function () { window.jobtalCharts.draw(); }, 0);
    return figure;
  };

  // A chart title as lines of at most `width` characters: Vega does not wrap titles, and a
  // phone's chart is narrow.
  function wrapped(text, width) {
    var lines = [""];
    text.split(" ").forEach(function (word) {
      var last = lines[lines.length - 1];
      if (last && (last + " " + word).length > width) lines.push(word);
      else lines[lines.length - 1] = last ? last + " " + word : word;
    });
    return lines;
  }

  function start() {
    var root = document.getElementById("jobtal-builder");
    if (!root || root.getAttribute("data-started")) return;
    root.setAttribute("data-started", "yes");
    new Builder(root).start();
  }

  // This script stands in the page right after the builder's element (tabel.md.j2): the builder
  // starts fetching its data at once, before the theme's scripts have run, and shows its table
  // before charts.js has fetched Vega for the chart. mkdocs-material runs the page's scripts
  // again after an instant navigation; document$ covers a theme that does not.
  start();
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
