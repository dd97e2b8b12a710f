// corevar dashboard: draws every chart whose data sits in a <script type="application/json" data-chart> block.
// No inline script anywhere (the Content-Security-Policy forbids it); data strings are escaped server-side.
(function () {
  "use strict";
  var SCREEN = { displayModeBar: false, displaylogo: false, showSendToCloud: false, responsive: true };
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    var blocks = document.querySelectorAll('script[type="application/json"][data-chart]');
    Array.prototype.forEach.call(blocks, function (block) {
      var target = document.getElementById(block.getAttribute("data-chart"));
      if (!target) { return; }
      var fig = JSON.parse(block.textContent);
      Plotly.newPlot(target, fig.data, fig.layout, SCREEN);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
