// Charts: draws each <figure data-chart> from the JSON beside it, with Observable Plot.
//
// The page carries the numbers (core/_chart.html, from mutuality.core.charts.Chart) and a
// table of them, open until the chart is drawn: without JavaScript the table is the
// chart. D3 and Plot (static/vendor/) are loaded only on a page that has a chart. A chart
// fills the width of its container and is drawn again when that changes; printing opens
// every table. Plot adds a <style> element to what it draws, which the
// Content-Security-Policy would refuse: it is taken out before the chart joins the page,
// and mutuality.css styles the charts instead.
(function () {
  "use strict";

  var loading = null;

  function load(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function libraries(figure) {
    if (window.Plot) return Promise.resolve();
    if (!loading) {
      loading = load(figure.dataset.d3).then(function () {
        return load(figure.dataset.plot);
      });
    }
    return loading;
  }

  function palette() {
    var style = getComputedStyle(document.documentElement);
    var colors = [];
    for (var i = 1; i <= 6; i++) {
      colors.push(style.getPropertyValue("--chart-" + i).trim() || "#4b5563");
    }
    return colors;
  }

  function asDate(value) {
    return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(value + "T00:00:00Z") : value;
  }

  function formatter(data) {
    if (data.yFormat === "percent") {
      return function (v) { return Math.round(v * 100) + "%"; };
    }
    return function (v) { return String(Math.round(v * 10) / 10); };
  }

  function when(x) {
    if (!(x instanceof Date)) return String(x);
    return x.toLocaleDateString(undefined, { month: "long", year: "numeric", timeZone: "UTC" });
  }

  function legend(figure, data, colors) {
    if (data.series.length < 2 || figure.querySelector(".chart-legend")) return;
    var list = document.createElement("ul");
    list.className = "chart-legend";
    data.series.forEach(function (series, index) {
      var item = document.createElement("li");
      var key = document.createElement("span");
      key.className = "chart-key" + (series.stroke === "dashed" ? " chart-key-dashed" : "");
      key.style.borderColor = colors[index % colors.length];
      key.setAttribute("aria-hidden", "true");
      item.appendChild(key);
      item.appendChild(document.createTextNode(series.name));
      list.appendChild(item);
    });
    figure.querySelector(".chart-plot").before(list);
  }

  function lines(data, width, colors) {
    var Plot = window.Plot;
    var format = formatter(data);
    var points = data.points.map(function (p) {
      return Object.assign({}, p, { x: asDate(p.x) });
    });
    var names = data.series.map(function (s) { return s.name; });
    var faceted = points.some(function (p) { return p.facet; });
    var facets = faceted ? Array.from(new Set(points.map(function (p) { return p.facet; }))) : [""];
    var marks = [];
    ["solid", "dashed"].forEach(function (stroke) {
      var these = points.filter(function (p) { return p.stroke === stroke; });
      if (!these.length) return;
      marks.push(Plot.line(these, {
        x: "x", y: "y", z: "series", stroke: "series", fy: faceted ? "facet" : undefined,
        strokeWidth: 2, strokeDasharray: stroke === "dashed" ? "5,4" : undefined,
      }));
    });
    var shown = points.filter(function (p) { return p.y !== null; });
    marks.push(Plot.dot(shown, {
      x: "x", y: "y", fill: "series", r: 3, fy: faceted ? "facet" : undefined,
      title: function (p) { return p.series + ", " + when(p.x) + ": " + format(p.y); },
    }));
    var flagged = shown.filter(function (p) { return p.flag; });
    if (flagged.length) {
      marks.push(Plot.dot(flagged, {
        x: "x", y: "y", r: 7, stroke: "currentColor", strokeWidth: 1.5,
        fy: faceted ? "facet" : undefined, title: "flag",
      }));
    }
    data.rules.forEach(function (rule) {
      if (rule.axis === "y") {
        marks.push(Plot.ruleY([rule.value], { stroke: "currentColor", strokeDasharray: "2,3", strokeOpacity: 0.7 }));
        marks.push(Plot.text([rule], {
          y: "value", text: "label", frameAnchor: "right", textAnchor: "end", dy: -7, fill: "currentColor",
        }));
      } else {
        marks.push(Plot.ruleX([asDate(rule.value)], { stroke: "currentColor", strokeDasharray: "2,3" }));
        marks.push(Plot.text([rule], {
          x: function (r) { return asDate(r.value); }, text: "label", frameAnchor: "top", dy: 4, dx: 4,
          textAnchor: "start", fill: "currentColor",
        }));
      }
    });
    return Plot.plot({
      width: width,
      height: data.height * facets.length,
      marginLeft: 48,
      marginRight: 16,
      className: "mutuality-plot",
      x: { label: null, type: points.length && points[0].x instanceof Date ? "utc" : "point" },
      y: {
        grid: true,
        label: data.yLabel || null,
        domain: data.yDomain || undefined,
        tickFormat: data.yFormat === "percent" ? function (v) { return Math.round(v * 100) + "%"; } : undefined,
      },
      fy: faceted ? { label: null } : undefined,
      color: { domain: names, range: colors },
      marks: marks,
    });
  }

  function heatmap(data, width) {
    var Plot = window.Plot;
    var format = formatter(data);
    var shown = data.cells.filter(function (c) { return c.value !== null; });
    var hidden = data.cells.filter(function (c) { return c.value === null; });
    var longest = data.cells.reduce(function (n, c) { return Math.max(n, c.row.length); }, 0);
    var rows = Array.from(new Set(data.cells.map(function (c) { return c.row; })));
    return Plot.plot({
      width: width,
      height: Math.max(120, 36 * rows.length + 40),
      marginLeft: Math.min(220, 12 + 7 * longest),
      className: "mutuality-plot",
      padding: 0.06,
      x: { label: null, axis: "top" },
      y: { label: null, domain: rows },
      color: { scheme: "blues", domain: data.yDomain || undefined },
      marks: [
        Plot.cell(shown, {
          x: "column", y: "row", fill: "value",
          title: function (c) { return c.row + ", " + c.column + ": " + format(c.value) + (c.note ? " (" + c.note + ")" : ""); },
        }),
        Plot.text(shown, { x: "column", y: "row", text: function (c) { return format(c.value); }, fill: "currentColor" }),
        Plot.cell(hidden, {
          x: "column", y: "row", fill: "none", stroke: "currentColor", strokeOpacity: 0.35,
          strokeDasharray: "3,3", title: function (c) { return c.row + ", " + c.column + ": " + (c.note || "hidden"); },
        }),
        Plot.text(hidden, { x: "column", y: "row", text: function () { return "hidden"; }, fillOpacity: 0.6 }),
      ],
    });
  }

  function draw(figure) {
    var source = document.getElementById(figure.dataset.chart);
    var box = figure.querySelector(".chart-plot");
    if (!source || !box) return;
    var data = JSON.parse(source.textContent);
    var width = Math.floor(box.clientWidth);
    if (!width || figure.dataset.drawnWidth === String(width)) return;
    var colors = palette();
    var chart = data.kind === "heatmap" ? heatmap(data, width) : lines(data, width, colors);
    // Plot's own stylesheet would break the Content-Security-Policy; mutuality.css has it.
    chart.querySelectorAll("style").forEach(function (style) { style.remove(); });
    box.replaceChildren(chart);
    if (data.kind !== "heatmap") legend(figure, data, colors);
    if (!figure.dataset.drawnWidth) {
      var table = figure.querySelector("details.chart-table");
      if (table) table.open = false;
    }
    figure.dataset.drawnWidth = String(width);
  }

  var watcher = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var figure = entry.target.closest("figure[data-chart]");
      if (figure && window.Plot) draw(figure);
    });
  }) : null;

  function drawAll(root) {
    var figures = root.querySelectorAll("figure[data-chart]");
    if (!figures.length) return;
    libraries(figures[0]).then(function () {
      figures.forEach(function (figure) {
        draw(figure);
        var box = figure.querySelector(".chart-plot");
        if (watcher && box) watcher.observe(box);
      });
    });
  }

  var reopened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.chart-table:not([open])").forEach(function (table) {
      table.open = true;
      reopened.push(table);
    });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (table) { table.open = false; });
    reopened = [];
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
