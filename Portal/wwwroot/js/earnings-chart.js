// Draws the household calculator's "vary earnings" chart: net income (left axis) and marginal tax
// rate (right axis) from the JSON in #earnings-chart-data. Loaded only by the calculator page.
(function () {
  'use strict';

  function draw() {
    var canvas = document.getElementById('earnings-chart');
    var source = document.getElementById('earnings-chart-data');
    if (!canvas || !source || typeof window.Chart === 'undefined') {
      return;
    }
    var data = JSON.parse(source.textContent);
    var money = new Intl.NumberFormat(undefined, { style: 'currency', currency: data.currency, maximumFractionDigits: 0 });
    var styles = getComputedStyle(document.documentElement);
    var text = styles.getPropertyValue('--bs-body-color').trim() || '#212529';
    var grid = styles.getPropertyValue('--bs-border-color').trim() || '#dee2e6';
    canvas.chart = new window.Chart(canvas, {
      type: 'line',
      data: {
        labels: data.earnings,
        datasets: [
          { label: 'Net income', data: data.net_income, yAxisID: 'money', borderColor: '#0d6efd', backgroundColor: '#0d6efd', pointRadius: 0, borderWidth: 2 },
          { label: 'Marginal tax rate', data: data.marginal_tax_rate, yAxisID: 'rate', borderColor: '#dc3545', backgroundColor: '#dc3545', pointRadius: 0, borderWidth: 1.5, stepped: true }
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: { labels: { color: text } },
          tooltip: {
            callbacks: {
              title: function (items) { return 'Earnings ' + money.format(data.earnings[items[0].dataIndex]); },
              label: function (item) {
                return item.dataset.yAxisID === 'rate'
                  ? item.dataset.label + ': ' + (item.parsed.y * 100).toFixed(1) + '%'
                  : item.dataset.label + ': ' + money.format(item.parsed.y);
              }
            }
          }
        },
        scales: {
          x: { ticks: { color: text, maxTicksLimit: 9, callback: function (value) { return money.format(data.earnings[value]); } }, grid: { color: grid }, title: { display: true, text: 'Employment income', color: text } },
          money: { position: 'left', ticks: { color: text, callback: function (value) { return money.format(value); } }, grid: { color: grid }, title: { display: true, text: 'Net income', color: text } },
          rate: { position: 'right', ticks: { color: text, callback: function (value) { return Math.round(value * 100) + '%'; } }, grid: { drawOnChartArea: false }, title: { display: true, text: 'Marginal tax rate', color: text } }
        }
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else {
    draw();
  }
})();
