// The campaign page: follows the campaign's events and redraws its live part after them (at most
// every 400 ms, and once more after the last), stops following once the campaign has ended (reloading the page once its first plan is written), and
// draws the migrations-per-VM chart.
(function () {
  "use strict";
  var source = null;
  var pending = null;

  function live() { return document.getElementById("live"); }

  function redraw() {
    if (pending === null) {
      pending = setTimeout(function () {
        pending = null;
        htmx.trigger(document.body, "campaign-changed");
      }, 400);
    }
  }

  function follow() {
    var l = live();
    if (!l || source || l.dataset.final === "true") {
      return;
    }
    // The session cookie goes with it (same origin); a reconnect resumes after the last event seen.
    source = new EventSource("/console/campaigns/" + encodeURIComponent(l.dataset.campaign)
      + "/events?after=" + encodeURIComponent(l.dataset.after));
    // Every event comes unnamed (a "message"; its kind is in its data): any of them means the campaign changed.
    source.onmessage = redraw;
    source.onerror = function () {
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
      }
    };
  }

  // A plan written while the page was open brings what only a whole page shows (the chart, what cannot move).
  var planning = null;

  function stopIfEnded() {
    var l = live();
    if (planning && l && l.dataset.state !== "PLANNING") {
      window.location.reload();
      return;
    }
    if (l && l.dataset.final === "true" && source) {
      source.close();
      source = null;
    }
  }

  function chart() {
    var el = document.getElementById("per-vm-chart");
    if (!el || typeof echarts === "undefined") {
      return;
    }
    var names = JSON.parse(el.dataset.names);
    var values = JSON.parse(el.dataset.values);
    echarts.init(el).setOption({
      animation: false,
      grid: { left: 50, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, width: 140, overflow: "break" } },
      yAxis: { type: "value", name: "per VM", min: 0 },
      tooltip: { trigger: "axis" },
      series: [{ type: "bar", data: values, label: { show: true, position: "top" },
        itemStyle: { color: function (p) { return ["#9c755f", "#4e79a7", "#e15759"][p.dataIndex % 3]; } } }]
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    planning = live() !== null && live().dataset.state === "PLANNING";
    chart();
    follow();
  });
  document.addEventListener("htmx:afterSwap", stopIfEnded);
})();
