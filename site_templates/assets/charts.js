// Draw every chart of the page with Vega (served from this site), in the page language's number
// and date format. mkdocs-material's instant navigation swaps pages without reloading, so the
// charts are drawn again on every page it shows (document$), or once on load when that is absent.
// A mark whose datum has a `link` (the map's municipalities) opens it when clicked; keyboard and
// screen-reader users have the same links in the table beside the chart.
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
      failed: "Figuren kunne ikke tegnes; tallene står i tabellen."
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
      failed: "The chart could not be drawn; its numbers are in the table."
    }
  };

  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") return;
    var locale = locales[document.documentElement.lang] || locales.da;
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      if (element.getAttribute("data-drawn")) return;
      element.setAttribute("data-drawn", "yes");
      window.vegaEmbed(element, JSON.parse(element.getAttribute("data-vega-spec")), {
        actions: false, renderer: "svg",
        formatLocale: locale.number, timeFormatLocale: locale.time
      }).then(function (result) {
        result.view.addEventListener("click", function (event, item) {
          if (item && item.datum && item.datum.link) window.location.href = item.datum.link;
        });
      }).catch(function (error) {
        element.removeAttribute("data-drawn");
        element.textContent = locale.failed;
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
