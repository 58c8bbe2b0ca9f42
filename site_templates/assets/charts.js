// Draw every chart of the page with Vega (served from this site), in the page language's number
// and date format. mkdocs-material's instant navigation swaps pages without reloading, so the
// charts are drawn again on every page it shows (document$), or once on load when that is absent.
// A mark whose datum has a `link` (the map's municipalities) opens it when clicked; keyboard and
// screen-reader users have the same links in the table beside the chart.
// Every chart gets actions below it (SPEC section 7): open it in the table builder with the same
// selection (the figure's data-builder), download it as PNG or SVG with its source and release
// written into the image, and an embed snippet whose numbers are those of the release shown
// (the chart's data is written into the snippet, not fetched from the site again).
(function () {
  "use strict";
  var locales = {
    da: {
      number: { decimal: ",", thousands: ".", grouping: [3], currency: ["", " kr."], minus: "−" },
      time: {
        dateTime: "%A den %d. %B %Y %X", date: "%d.%m.%Y", time: "%H:%M:%S",
        periods: ["AM", "PM"],
        days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
        shortDays: ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
        months: ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
                 "september", "oktober", "november", "december"],
        shortMonths: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt",
                      "nov", "dec"]
      },
      failed: "Figuren kunne ikke tegnes; tallene står i tabellen.",
      open: "Åbn i tabelbyggeren", png: "Hent som PNG", svg: "Hent som SVG",
      embed: "Indlejr figuren", source: "Kilde: Jobtal, udgivelse {release}",
      embed_label: "HTML-kode til din egen side. Tallene fra udgivelse {release} står i koden, " +
        "så figuren ikke ændrer sig, når der kommer nye tal.",
      release_link: "tal og metode",
      profile: "Se profilen for {name}"
    },
    en: {
      number: { decimal: ".", thousands: ",", grouping: [3], currency: ["DKK ", ""], minus: "−" },
      time: {
        dateTime: "%a %e %b %Y %X", date: "%d/%m/%Y", time: "%H:%M:%S",
        periods: ["AM", "PM"],
        days: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        shortDays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        months: ["January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December"],
        shortMonths: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                      "Nov", "Dec"]
      },
      failed: "The chart could not be drawn; its numbers are in the table.",
      open: "Open in the table builder", png: "Download as PNG", svg: "Download as SVG",
      embed: "Embed the chart", source: "Source: Jobtal, release {release}",
      embed_label: "HTML for your own page. The figures of release {release} are written into " +
        "the code, so the chart does not change when new figures arrive.",
      release_link: "figures and method",
      profile: "See the profile of {name}"
    }
  };

  // Vega (900 kB) is fetched only by a page that has a chart, after the page's text and tables
  // are shown: pages without charts never load it, and the table builder shows its table first.
  var vegaAddress = document.currentScript
    ? document.currentScript.src.replace(/charts\.js(\?.*)?$/, "vega.min.js") : null;
  var vegaLoading = null;

  function loadVega() {
    if (!vegaLoading) {
      vegaLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = vegaAddress;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return vegaLoading;
  }

  function drawCharts() {
    if (!document.querySelector("[data-vega-spec]:not([data-drawn])")) return;
    if (typeof window.vegaEmbed !== "function") {
      if (vegaAddress) loadVega().then(drawCharts, function (error) { console.error(error); });
      return;
    }
    var locale = locales[document.documentElement.lang] || locales.da;
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      if (element.getAttribute("data-drawn")) return;
      element.setAttribute("data-drawn", "yes");
      var spec = withAbsoluteData(JSON.parse(element.getAttribute("data-vega-spec")));
      window.vegaEmbed(element, spec, {
        actions: false, renderer: "svg",
        formatLocale: locale.number, timeFormatLocale: locale.time
      }).then(function (result) {
        result.view.addEventListener("click", function (event, item) {
          if (item && item.datum && item.datum.link) window.location.href = item.datum.link;
        });
        var figure = element.closest("figure");
        if (figure) addActions(figure, element, result.view, locale);
        if (figure) addChoice(figure, result.view, locale);
      }).catch(function (error) {
        element.removeAttribute("data-drawn");
        element.textContent = locale.failed;
        console.error(error);
      });
    });
  }

  // A map's municipalities one by one from the list under it: the keyboard's (and a phone's)
  // way round a map whose shapes take no focus. The chosen one is outlined on the map (the
  // spec's `chosen` signal), its value said, and its profile one link away.
  function addChoice(figure, view, locale) {
    var box = figure.querySelector(".jobtal-map-choice");
    if (!box) return;
    var select = box.querySelector("select");
    var status = box.querySelector(".jobtal-map-choice__status");
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      view.signal("chosen", select.value).runAsync();
      status.textContent = "";
      if (!select.value) return;
      var name = option.textContent;
      status.appendChild(document.createTextNode(name + ": " + option.getAttribute("data-value") + ". "));
      var link = document.createElement("a");
      link.href = option.getAttribute("data-href");
      link.textContent = fill(locale.profile, { name: name });
      status.appendChild(link);
    });
    box.hidden = false;
    // a link to the list (past a long table) takes the keyboard there, and shows once the list
    // works (the theme's own handling of in-page links would leave the focus where it was)
    // (ends with: the theme writes in-page links out as whole addresses)
    document.querySelectorAll('a[href$="#' + select.id + '"]').forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        select.scrollIntoView({ block: "center" });
        select.focus();
      });
      var hidden = link.closest("[hidden]");
      if (hidden) hidden.hidden = false;
    });
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  function save(blob, filename) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  function escapeXML(text) {
    return text.replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }

  // The line written under an exported image: its source, release and the page it came from.
  function footer(figure, locale) {
    var release = figure.getAttribute("data-release") || "";
    var page = window.location.href.split("#")[0];
    return fill(locale.source, { release: release }) + " · " + page;
  }

  var FOOTER_HEIGHT = 24;

  function exportSVG(view, figure, locale, filename) {
    return view.toSVG().then(function (svg) {
      var width = +(/width="([\d.]+)"/.exec(svg) || [0, 600])[1];
      var height = +(/height="([\d.]+)"/.exec(svg) || [0, 300])[1];
      var total = height + FOOTER_HEIGHT;
      var image = '<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' +
        total + '" viewBox="0 0 ' + width + " " + total + '">' +
        '<rect width="100%" height="100%" fill="#ffffff"/>' +
        svg.replace(/^<\?xml[^>]*>\s*/, "") +
        '<text x="5" y="' + (height + 16) + '" font-family="sans-serif" font-size="11" ' +
        'fill="#333333">' + escapeXML(footer(figure, locale)) + "</text></svg>";
      save(new Blob([image], { type: "image/svg+xml" }), filename + ".svg");
    });
  }

  function exportPNG(view, figure, locale, filename) {
    var scale = 2;
    return view.toCanvas(scale).then(function (canvas) {
      var out = document.createElement("canvas");
      out.width = canvas.width;
      out.height = canvas.height + FOOTER_HEIGHT * scale;
      var context = out.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, out.width, out.height);
      context.drawImage(canvas, 0, 0);
      context.fillStyle = "#333333";
      context.font = 11 * scale + "px sans-serif";
      context.fillText(footer(figure, locale), 5 * scale, canvas.height + 16 * scale);
      out.toBlob(function (blob) { save(blob, filename + ".png"); }, "image/png");
    });
  }

  // Each data source of a spec (its `data`, and a lookup's `from.data`) handed to `use`.
  function eachData(spec, use) {
    (function visit(node) {
      if (!node || typeof node !== "object") return;
      if (node.data && typeof node.data.url === "string") use(node.data);
      Object.keys(node).forEach(function (key) { visit(node[key]); });
    })(spec);
    return spec;
  }

  // The spec's data addresses made absolute against the page the chart stands in, as it is
  // drawn. Vega asks for its data a moment later (on a busy machine, after a second): by then
  // an instant navigation may have put another page's address in the address bar, against
  // which a relative address names a file that does not exist.
  function withAbsoluteData(spec) {
    var page = window.location.href;
    return eachData(spec, function (data) { data.url = new URL(data.url, page).href; });
  }

  // The spec with its figure data written in (CSV text, as the site publishes it) and every
  // other address made absolute, so that the snippet draws the same numbers anywhere.
  function pinnedSpec(spec) {
    var pending = [];
    eachData(withAbsoluteData(spec), function (data) {
      if (!/\/data\/figurer\/[^/]+\.csv$/.test(data.url)) return;
      pending.push(fetch(data.url).then(function (response) { return response.text(); })
        .then(function (text) {
          delete data.url;
          data.values = text;
          data.format = Object.assign({ type: "csv" }, data.format || {});
        }));
    });
    return Promise.all(pending).then(function () { return spec; });
  }

  function embedSnippet(figure, plot, locale) {
    var site = new URL(figure.getAttribute("data-root") || "/", window.location.href).href;
    var release = figure.getAttribute("data-release") || "";
    var spec = JSON.parse(plot.getAttribute("data-vega-spec"));
    return pinnedSpec(spec).then(function (pinned) {
      var id = "jobtal-" + (plot.id || "chart") + "-" + release;
      // JSON inside <script>: '<' written as an escape, so no value can close the element
      var json = JSON.stringify(pinned).replace(/</g, "\\u003c")
        .replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
      return [
        '<figure class="jobtal-embed">',
        '<div id="' + id + '" style="width:100%"></div>',
        "<figcaption>" + escapeXML(fill(locale.source, { release: release })) + ' (<a href="' +
          escapeXML(site + "releases/" + release + "/") + '">' + escapeXML(locale.release_link) +
          "</a>)</figcaption>",
        '<script src="' + escapeXML(site + "assets/vega.min.js") + '"></script>',
        '<script>vegaEmbed("#' + id + '", ' + json + ', {actions: false, renderer: "svg"});</script>',
        "</figure>"
      ].join("\n");
    });
  }

  function addActions(figure, plot, view, locale) {
    if (figure.querySelector(".jobtal-chart__actions")) return;
    var name = plot.id || "jobtal-figur";
    var bar = document.createElement("div");
    bar.className = "jobtal-chart__actions";
    var builder = figure.getAttribute("data-builder");
    if (builder) {
      var open = document.createElement("a");
      open.href = builder;
      open.textContent = locale.open;
      bar.appendChild(open);
    }
    // "PNG" and "SVG" on one line beside the builder's link (a phone's width): each button
    // shows its format, and its name in full ("Hent som PNG") for a screen reader and a tooltip
    [["png", exportPNG], ["svg", exportSVG]].forEach(function (kind) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "jobtal-chart__action";
      button.textContent = kind[0].toUpperCase();
      button.setAttribute("aria-label", locale[kind[0]]);
      button.title = locale[kind[0]];
      button.addEventListener("click", function () {
        kind[1](view, figure, locale, name).catch(function (error) { console.error(error); });
      });
      bar.appendChild(button);
    });
    var details = document.createElement("details");
    details.className = "jobtal-chart__embed";
    var summary = document.createElement("summary");
    summary.textContent = locale.embed;
    details.appendChild(summary);
    var label = document.createElement("label");
    label.textContent = fill(locale.embed_label, { release: figure.getAttribute("data-release") || "" });
    var code = document.createElement("textarea");
    code.readOnly = true;
    code.rows = 4;
    label.appendChild(code);
    details.appendChild(label);
    details.addEventListener("toggle", function () {
      if (!details.open || code.value) return;
      embedSnippet(figure, plot, locale).then(function (snippet) { code.value = snippet; })
        .catch(function (error) { console.error(error); });
    });
    bar.appendChild(details);
    figure.appendChild(bar);
  }

  window.jobtalCharts = { draw: drawCharts };

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(drawCharts);
  } else {
    document.addEventListener("DOMContentLoaded", drawCharts);
  }
})();
