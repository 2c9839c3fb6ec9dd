// The console's only script besides htmx: the session's CSRF token on every htmx request, actions
// sent as JSON (the API's rule for every state-changing call), error answers shown where the
// action's answer goes, and the fleet's hover line.
(function () {
  "use strict";
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "[45]..", swap: true, error: true }
  ];
  htmx.config.historyCacheSize = 0;

  // Form fields as a JSON object: htmx 2 hands extensions a FormData.
  htmx.defineExtension("migplan-json", {
    onEvent: function (name, evt) {
      if (name === "htmx:configRequest") {
        evt.detail.headers["Content-Type"] = "application/json";
      }
    },
    encodeParameters: function (xhr, parameters) {
      xhr.overrideMimeType("text/json");
      var out = {};
      if (parameters instanceof FormData) {
        parameters.forEach(function (value, key) { out[key] = value; });
      } else {
        out = parameters;
      }
      return JSON.stringify(out);
    }
  });

  document.addEventListener("htmx:configRequest", function (evt) {
    var meta = document.querySelector('meta[name="migplan-csrf"]');
    if (meta && meta.content) {
      evt.detail.headers["X-Migplan-Csrf"] = meta.content;
    }
  });

  // One listener for all tiles of the fleet, not one per host.
  document.addEventListener("mouseover", function (evt) {
    var tile = evt.target.closest && evt.target.closest("a.t");
    var line = document.getElementById("hover");
    if (tile && line) {
      line.textContent = tile.getAttribute("title");
    }
  });
})();
