// Charts of the analytics pages, drawn with the vendored ECharts (no CDN). Each chart is a
// container with its data in a data attribute; the HTML table beside it carries the same
// figures for readers without scripts or canvas.
(function () {
  "use strict";
  function heatmap(el) {
    if (!window.echarts || el.getAttribute("data-drawn")) return;
    var d;
    try { d = JSON.parse(el.getAttribute("data-heatmap")); } catch (e) { return; }
    el.setAttribute("data-drawn", "1");
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var narrow = el.clientWidth < 560;
    var max = 1;
    d.data.forEach(function (p) { if (p[2] > max) max = p[2]; });
    chart.setOption({
      animation: false,
      tooltip: {
        position: "top",
        formatter: function (p) {
          return d.units[p.value[1]] + "<br>" + d.hops[p.value[0]] + "：" + p.value[2] + " " + d.unit;
        }
      },
      grid: { left: narrow ? 84 : 150, right: 12, top: 10, bottom: 60, containLabel: false },
      xAxis: { type: "category", data: d.hops, axisLabel: { interval: 0, rotate: 30 }, splitArea: { show: true } },
      yAxis: { type: "category", data: d.units, inverse: true,
        axisLabel: { width: narrow ? 78 : 140, overflow: "truncate", fontSize: narrow ? 10 : 12 } },
      visualMap: { min: 0, max: max, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120,
        inRange: { color: ["#f7fbff", "#fee8c8", "#fdbb84", "#fc8d59", "#d7301f"] } },
      series: [{ type: "heatmap", data: d.data, label: { show: !narrow, fontSize: 10 },
        emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } } }]
    });
    chart.on("click", function (p) {
      var id = d.ids[p.value[1]];
      if (id) window.location.href = "/analytics/units/" + id;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function draw(root) { root.querySelectorAll("[data-heatmap]").forEach(heatmap); }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:load", function (e) { draw(e.target); });
})();
