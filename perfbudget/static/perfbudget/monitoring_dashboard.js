// The round dashboard's charts (ECharts, loaded locally): cumulative execution against time progress,
// projects by warning level, warnings by department. Data and labels come from the page (json_script);
// the tables beside the charts hold the same figures, so nothing here is needed to read the page.
(function () {
  "use strict";

  function pct(v) { return v === null || v === undefined ? "-" : (v * 100).toFixed(1) + "%"; }

  function init() {
    if (!window.echarts) { return; }
    var source = document.getElementById("dashboard-data");
    if (!source) { return; }
    var d = JSON.parse(source.textContent);
    var L = d.labels;
    var charts = [];
    var font = "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", sans-serif";

    function make(id, option) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      option.textStyle = { fontFamily: font };
      option.animation = false;
      chart.setOption(option);
      charts.push(chart);
    }

    var months = d.months.map(function (m) { return L.month.replace("%(m)s", m); });
    var checkpoints = d.checkpoints.map(function (c) { return [L.month.replace("%(m)s", c[0]), c[1]]; });
    make("chart-curve", {
      tooltip: { trigger: "axis", valueFormatter: pct },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 35, bottom: 30 },
      xAxis: { type: "category", data: months, boundaryGap: false },
      yAxis: { type: "value", min: 0, max: function (v) { return Math.max(1, Math.ceil(v.max * 10) / 10); },
               axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } },
      series: [
        { name: L.rate, type: "line", data: d.rate, connectNulls: false, symbolSize: 6,
          lineStyle: { width: 3, color: "#1f4e8c" }, itemStyle: { color: "#1f4e8c" },
          areaStyle: { color: "rgba(31,78,140,0.08)" } },
        { name: L.time, type: "line", data: d.time, symbol: "none",
          lineStyle: { type: "dashed", color: "#888" }, itemStyle: { color: "#888" } },
        { name: L.checkpoint, type: "scatter", data: checkpoints, symbol: "diamond", symbolSize: 12,
          itemStyle: { color: "#d97706" } }
      ]
    });

    var colours = { red: "#dc3545", yellow: "#f0ad4e", green: "#198754", none: "#adb5bd" };
    make("chart-levels", {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{
        type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"],
        label: { formatter: "{b}\n{c}" },
        data: d.levels.filter(function (l) { return l.value > 0; }).map(function (l) {
          return { name: l.name, value: l.value, itemStyle: { color: colours[l.key] } };
        })
      }]
    });

    var depts = d.departments.slice(0, 15).reverse();
    make("chart-departments", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 10, right: 20, top: 30, bottom: 20, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: depts.map(function (x) { return x.name; }),
               axisLabel: { width: 140, overflow: "truncate" } },
      series: [
        { name: L.red, type: "bar", stack: "w", data: depts.map(function (x) { return x.red; }),
          itemStyle: { color: colours.red } },
        { name: L.yellow, type: "bar", stack: "w", data: depts.map(function (x) { return x.yellow; }),
          itemStyle: { color: colours.yellow } }
      ]
    });

    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
