// Draws the administrator's charts with the vendored Apache ECharts. The figures come from the page
// itself (a JSON data block, which the CSP allows because it is never executed); the tables beside
// the charts hold the same numbers for readers without JavaScript.
(() => {
  const source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const palette = ["#0b4f8a", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6c757d", "#8ab17d", "#264653"];
  // Tooltips drawn in the canvas ("richText") rather than as HTML with inline styles, which the
  // page's Content-Security-Policy forbids.
  const tooltip = (trigger) => ({ trigger, renderMode: "richText", confine: true });
  const builders = {
    monthly: (d) => ({
      color: palette, tooltip: tooltip("axis"), legend: { top: 0 },
      grid: { left: 48, right: 64, top: 40, bottom: 56 },
      dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
      xAxis: { type: "category", data: d.months },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", splitLine: { show: false } }],
      series: d.series.map((s) => ({ name: s.name, type: s.type, data: s.data, yAxisIndex: s.axis || 0,
                                     smooth: s.type === "line", showSymbol: false })),
    }),
    by_kind: (d) => ({
      color: palette, tooltip: tooltip("axis"), grid: { left: 48, right: 16, top: 16, bottom: 96 },
      xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 40, interval: 0 } },
      yAxis: { type: "value" }, series: [{ name: d.name, type: "bar", data: d.values }],
    }),
    by_industry: (d) => ({
      color: palette, tooltip: tooltip("item"), legend: { bottom: 0, type: "scroll" },
      series: [{ name: d.name, type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: d.items,
                 label: { formatter: "{d}%" } }],
    }),
    // On a phone the names get a third of the width and the value axis fewer, non-overlapping ticks.
    by_institution: (d, narrow) => ({
      color: palette, tooltip: tooltip("axis"), grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: "value", splitNumber: narrow ? 2 : 5, axisLabel: { hideOverlap: true } },
      yAxis: { type: "category", data: d.labels,
               axisLabel: { width: narrow ? 110 : 180, overflow: "truncate", fontSize: narrow ? 10 : 12, interval: 0 } },
      series: [{ name: d.name, type: "bar", data: d.values }],
    }),
    // The same bars, read as a share (the default rate of what each bank lent, in %).
    defaults_by_institution: (d, narrow) => builders.by_institution(d, narrow),
    // Equity raised per month (bars: deals, line: amount), drawn as the market's monthly chart.
    equity_monthly: (d) => builders.monthly(d),
    metrics: (d) => ({
      color: palette, tooltip: tooltip("axis"), legend: { top: 0 }, grid: { left: 40, right: 16, top: 40, bottom: 32 },
      xAxis: { type: "category", data: d.metrics }, yAxis: { type: "value", min: 0, max: 1 },
      series: d.series.map((s) => ({ name: s.name, type: "bar", data: s.data })),
    }),
    // Calibration: each band of predictions at (mean prediction, approval rate), beside the diagonal
    // a perfectly calibrated model would sit on.
    reliability: (d) => ({
      color: palette, tooltip: tooltip("item"), legend: { top: 0 }, grid: { left: 48, right: 16, top: 40, bottom: 48 },
      xAxis: { type: "value", min: 0, max: 1, name: d.x, nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", min: 0, max: 1, name: d.y },
      series: [
        { name: d.ideal, type: "line", data: [[0, 0], [1, 1]], showSymbol: false, lineStyle: { type: "dashed" },
          color: "#6c757d", silent: true },
        { name: d.model, type: "line", data: d.points.map((p) => [p[0], p[1]]), symbolSize: 9, color: "#0b4f8a" },
      ],
    }),
  };
  const charts = [];
  document.querySelectorAll("[data-chart]").forEach((element) => {
    const name = element.dataset.chart;
    if (!builders[name] || !data[name]) { return; }
    const chart = echarts.init(element, null, { renderer: "canvas" });
    // "finished" fires when the entry animation is over: what a screenshot should wait for.
    chart.on("finished", () => { element.dataset.finished = "true"; });
    chart.setOption(builders[name](data[name], element.clientWidth < 576));
    element.dataset.rendered = "true";
    charts.push(chart);
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  // A chart drawn inside a closed <details> had no width: it is drawn to size when the details open.
  document.querySelectorAll("details").forEach((details) => details.addEventListener("toggle", () => {
    if (details.open) { charts.forEach((chart) => chart.resize()); }
  }));
})();
