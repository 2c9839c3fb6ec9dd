// The compatibility page's heat map: the server's cells (#matrix-data) drawn by ECharts, the probe's
// reason on hover.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("matrix-data").textContent);
  var colours = ["#59a14f", "#e15759", "#edc948", "#bab0ac"];
  var chart = echarts.init(document.getElementById("matrix"), null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    grid: { left: 260, right: 30, top: 20, bottom: 110 },
    tooltip: {
      position: "top",
      formatter: function (p) {
        var div = document.createElement("div");
        div.textContent = data.rows[p.value[1]] + " \u2192 " + data.columns[p.value[0]] + ": "
          + data.states[p.value[2]] + ". " + data.reasons[p.dataIndex];
        div.style.whiteSpace = "normal";
        div.style.maxWidth = "420px";
        return div.outerHTML;
      }
    },
    xAxis: { type: "category", data: data.columns, splitArea: { show: true }, axisLabel: { rotate: 30 } },
    yAxis: { type: "category", data: data.rows, splitArea: { show: true } },
    visualMap: {
      type: "piecewise", show: false, dimension: 2,
      pieces: data.states.map(function (s, i) { return { value: i, label: s, color: colours[i] }; })
    },
    series: [{
      name: "compatibility", type: "heatmap", data: data.cells,
      itemStyle: { borderColor: "#fff", borderWidth: 2 },
      emphasis: { itemStyle: { borderColor: "#333", borderWidth: 2 } }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
