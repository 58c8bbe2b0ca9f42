// Draw every chart of the page with Vega (served from this site), in Danish number and date
// format. mkdocs-material's instant navigation swaps pages without reloading, so the charts are
// drawn again on every page it shows (document$), or once on load when that is absent.
(function () {
  "use strict";
  var numberLocale = { decimal: ",", thousands: ".", grouping: [3], currency: ["", " kr."] };
  var timeLocale = {
    dateTime: "%A den %d. %B %Y %X", date: "%d.%m.%Y", time: "%H:%M:%S",
    periods: ["AM", "PM"],
    days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
    shortDays: ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
    months: ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
             "september", "oktober", "november", "december"],
    shortMonths: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt",
                  "nov", "dec"]
  };

  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") return;
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      if (element.getAttribute("data-drawn")) return;
      var source = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!source) return;
      element.setAttribute("data-drawn", "yes");
      window.vegaEmbed(element, JSON.parse(source.textContent), {
        actions: false, renderer: "svg",
        formatLocale: numberLocale, timeFormatLocale: timeLocale
      }).catch(function (error) {
        element.removeAttribute("data-drawn");
        element.textContent = "Figuren kunne ikke tegnes; tallene står i tabellen.";
        console.error(error);
      });
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(drawCharts);
  } else {
    document.addEventListener("DOMContentLoaded", drawCharts);
  }
})();
