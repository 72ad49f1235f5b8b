// huzhu console glue. No inline scripts (the CSP forbids them): behaviour hangs on data- attributes.
(function () {
  "use strict";
  // Error answers of htmx requests come as a fragment for the flash area (HX-Retarget): show them.
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr.status >= 400 && e.detail.xhr.getResponseHeader("HX-Retarget")) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
  // Buttons that ask first: <button data-confirm="...">.
  document.addEventListener("submit", function (e) {
    var b = e.submitter;
    var msg = (b && b.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t && t.classList && t.classList.contains("js-back")) { e.preventDefault(); history.back(); }
    if (t && t.classList && t.classList.contains("js-print")) { e.preventDefault(); window.print(); }
  });
  // Charts: <canvas data-chart="id-of-a-json-script"> with {"type","axis","axis2"?,"labels",
  // "datasets":[{"label","data","yAxisID"?}]}: every series in the legend; a dataset on "y1" is
  // drawn against a second axis on the right, titled "axis2" (amounts and counts in one chart).
  function scalesOf(spec) {
    var scales = { y: { beginAtZero: true, title: { display: !!spec.axis, text: spec.axis || "" } } };
    if (spec.axis2) {
      scales.y1 = { beginAtZero: true, position: "right", grid: { drawOnChartArea: false },
        title: { display: true, text: spec.axis2 } };
    }
    return scales;
  }
  function drawCharts(root) {
    if (!window.Chart) { return; }
    var palette = ["#b71c1c", "#0b57d0", "#1a7f37", "#9a6700", "#8250df", "#57606a", "#cf222e", "#0969da"];
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var src = document.getElementById(canvas.getAttribute("data-chart"));
      if (!src) { return; }
      var spec = JSON.parse(src.textContent);
      spec.datasets.forEach(function (d, i) {
        var c = spec.type === "pie" || spec.type === "doughnut" ? palette : palette[i % palette.length];
        d.backgroundColor = c; d.borderColor = c;
      });
      canvas.dataset.drawn = "1";
      new window.Chart(canvas, {
        type: spec.type, data: { labels: spec.labels, datasets: spec.datasets },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
          scales: spec.type === "pie" ? {} : scalesOf(spec),
          plugins: { legend: { display: true } } }
      });
    });
  }
  // The claim form: warn before submitting when the event's date is outside the member's cover
  // (<div id="outside-cover" data-cover="FROM/TO FROM/TO ...">). ISO dates compare as text.
  function checkCover() {
    var warn = document.getElementById("outside-cover");
    if (!warn) { return; }
    var spans = (warn.getAttribute("data-cover") || "").trim().split(/\s+/).filter(Boolean)
      .map(function (s) { return s.split("/"); });
    var field = ["admitted", "period_start", "diag_date_0"].map(function (id) {
      return document.getElementById(id);
    }).filter(function (el) { return el && el.value; })[0];
    var day = field ? field.value : "";
    var outside = day !== "" && !spans.some(function (s) { return s[0] <= day && day <= s[1]; });
    warn.hidden = !outside;
  }
  document.addEventListener("input", checkCover);
  document.addEventListener("change", checkCover);
  document.addEventListener("DOMContentLoaded", checkCover);
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawCharts(e.target); });
})();
