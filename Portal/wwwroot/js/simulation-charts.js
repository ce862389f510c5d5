// Draws a simulation result's charts with Chart.js from the JSON in each canvas's attributes
// (<canvas data-chart="waterfall|deciles|winners" data-chart-data="{…}">). Not a <script> island:
// htmx drops script elements from swapped content (allowScriptTags is off), and the result often
// arrives that way. Runs on page load and again when htmx swaps a finished result into a page that
// was polling. Without JavaScript the tables under each chart carry the same numbers.
(function () {
  'use strict';

  var colors = { gain: '#198754', loss: '#dc3545', total: '#0d6efd' };
  // Lose > 5%, lose < 5%, no change, gain < 5%, gain > 5%.
  var bandColors = ['#b02a37', '#ea868f', '#adb5bd', '#75b798', '#146c43'];

  function theme() {
    var styles = getComputedStyle(document.documentElement);
    return {
      text: styles.getPropertyValue('--bs-body-color').trim() || '#212529',
      grid: styles.getPropertyValue('--bs-border-color').trim() || '#dee2e6'
    };
  }

  function money(currency) {
    var full = new Intl.NumberFormat(undefined, { style: 'currency', currency: currency, maximumFractionDigits: 0 });
    var compact = new Intl.NumberFormat(undefined, { style: 'currency', currency: currency, notation: 'compact', maximumSignificantDigits: 3 });
    return function (value) { return Math.abs(value) >= 10000 ? compact.format(value) : full.format(value); };
  }

  function percent(digits) {
    return function (value) { return (value * 100).toFixed(digits) + '%'; };
  }

  function waterfall(canvas, data, t) {
    var format = money(data.currency);
    var bars = [];
    var running = 0;
    data.values.forEach(function (value) {
      bars.push([running, running + value]);
      running += value;
    });
    bars.push([0, data.total]);
    var fills = data.values.map(function (v) { return v >= 0 ? colors.gain : colors.loss; }).concat([colors.total]);
    return new window.Chart(canvas, {
      type: 'bar',
      data: { labels: data.labels, datasets: [{ label: 'Effect on the budget', data: bars, backgroundColor: fills }] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) { var r = item.raw; return format(r[1] - r[0]); } } }
        },
        scales: {
          x: { ticks: { color: t.text }, grid: { display: false } },
          y: { ticks: { color: t.text, callback: format }, grid: { color: t.grid } }
        }
      }
    });
  }

  function decileDataset(data, mode) {
    var values = mode === 'relative' ? data.relative : data.average;
    return {
      label: mode === 'relative' ? 'Relative change in household net income' : 'Average change in household net income',
      data: values,
      backgroundColor: values.map(function (v) { return v >= 0 ? colors.gain : colors.loss; })
    };
  }

  // The mode lives on the data object: Chart.js calls the callbacks while it is being built, before
  // the constructor has returned anything to close over.
  function deciles(canvas, data, t) {
    var format = money(data.currency);
    data.mode = 'average';
    var chart = new window.Chart(canvas, {
      type: 'bar',
      data: { labels: data.labels, datasets: [decileDataset(data, 'average')] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (item) { return data.mode === 'relative' ? percent(2)(item.parsed.y) : format(item.parsed.y); } } }
        },
        scales: {
          x: { title: { display: true, text: 'Income decile', color: t.text }, ticks: { color: t.text }, grid: { display: false } },
          y: { ticks: { color: t.text, callback: function (v) { return data.mode === 'relative' ? percent(1)(v) : format(v); } }, grid: { color: t.grid } }
        }
      }
    });
    chart.$data = data;
    return chart;
  }

  function winners(canvas, data, t) {
    return new window.Chart(canvas, {
      type: 'bar',
      data: {
        labels: data.labels,
        datasets: data.bands.map(function (band, i) {
          return { label: band.label, data: band.values, backgroundColor: bandColors[i % bandColors.length] };
        })
      },
      options: {
        indexAxis: 'y',
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { position: 'bottom', labels: { color: t.text } },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ': ' + percent(1)(item.parsed.x); } } }
        },
        scales: {
          x: { stacked: true, min: 0, max: 1, ticks: { color: t.text, callback: percent(0) }, grid: { color: t.grid } },
          y: { stacked: true, title: { display: true, text: 'Income decile', color: t.text }, ticks: { color: t.text }, grid: { display: false } }
        }
      }
    });
  }

  // A household report's net income against the first adult's earnings, baseline and reform.
  function earnings(canvas, data, t) {
    var format = money(data.currency);
    var datasets = [{ label: 'Baseline', data: data.baseline, borderColor: '#6c757d', backgroundColor: '#6c757d', pointRadius: 0, borderWidth: 2 }];
    if (data.reform) {
      datasets.push({ label: 'Reform', data: data.reform, borderColor: colors.total, backgroundColor: colors.total, pointRadius: 0, borderWidth: 2 });
    }
    return new window.Chart(canvas, {
      type: 'line',
      data: { labels: data.earnings.map(format), datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { color: t.text } } },
        scales: {
          x: { title: { display: true, text: 'Employment income', color: t.text }, ticks: { color: t.text, maxTicksLimit: 8 }, grid: { color: t.grid } },
          y: { title: { display: true, text: 'Household net income', color: t.text }, ticks: { color: t.text, callback: format }, grid: { color: t.grid } }
        }
      }
    });
  }

  var kinds = { waterfall: waterfall, deciles: deciles, winners: winners, earnings: earnings };

  function draw(root) {
    if (typeof window.Chart === 'undefined' || !root.querySelectorAll) {
      return;
    }
    var t = theme();
    root.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      var source = canvas.getAttribute('data-chart-data');
      var kind = kinds[canvas.getAttribute('data-chart')];
      if (!source || !kind || window.Chart.getChart(canvas)) {
        return;
      }
      canvas.chart = kind(canvas, JSON.parse(source), t);
    });
  }

  // Absolute/relative toggle of the decile chart.
  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-chart-toggle]');
    if (!button) {
      return;
    }
    var canvas = document.getElementById(button.getAttribute('data-chart-toggle'));
    var chart = canvas && canvas.chart;
    if (!chart || !chart.$data) {
      return;
    }
    chart.$data.mode = button.getAttribute('data-mode');
    chart.data.datasets = [decileDataset(chart.$data, chart.$data.mode)];
    chart.update();
    button.parentElement.querySelectorAll('[data-chart-toggle]').forEach(function (other) {
      var active = other === button;
      other.classList.toggle('active', active);
      other.setAttribute('aria-pressed', active ? 'true' : 'false');
    });
  });

  document.addEventListener('htmx:load', function (event) { draw(event.detail.elt); });
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { draw(document); });
  } else {
    draw(document);
  }
})();
