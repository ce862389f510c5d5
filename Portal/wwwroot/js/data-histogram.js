// Draws the H5 browser's histogram with Chart.js from a <script type="application/json"> island
// (no inline script: CSP). Without JavaScript the page still shows min/max/mean and the first rows.
(function () {
  'use strict';
  var canvas = document.querySelector('canvas[data-histogram-source]');
  if (!canvas || typeof Chart === 'undefined') {
    return;
  }
  var source = document.getElementById(canvas.getAttribute('data-histogram-source'));
  if (!source) {
    return;
  }
  var data = JSON.parse(source.textContent);
  // Bin starts arrive as invariant numbers; show them compactly in the reader's locale (26K, 1.2M).
  var compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumSignificantDigits: 3 });
  var labels = data.labels.map(function (label) {
    var value = Number(label);
    return isNaN(value) ? label : compact.format(value);
  });
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: labels,
      datasets: [{ label: data.label + ' (non-zero values)', data: data.counts, borderWidth: 0, barPercentage: 1, categoryPercentage: 1 }]
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { title: { display: true, text: 'bin start' } }, y: { beginAtZero: true, title: { display: true, text: 'rows' } } },
      plugins: { legend: { display: true } }
    }
  });
})();
