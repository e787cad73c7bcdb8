// Draws the entries-per-day chart from the JSON embedded in the page (Chart.js, served locally).
(function () {
  "use strict";
  var canvas = document.getElementById("entries-per-day");
  var source = document.getElementById("entries-per-day-data");
  if (!canvas || !source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ data: data.counts, backgroundColor: "#c0504d" }] },
    options: {
      animation: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
  canvas.setAttribute("data-drawn", "true");
})();

// The report's galleries-per-day chart: several series, one colour each, same data as the table below it.
(function () {
  "use strict";
  var canvas = document.getElementById("analytics-per-day");
  var source = document.getElementById("analytics-per-day-data");
  if (!canvas || !source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  var colours = ["#1f6feb", "#8250df", "#c0504d", "#1a7f37"];
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s, i) {
        return { label: s.name, data: s.data, borderColor: colours[i % 4], backgroundColor: colours[i % 4], tension: 0.2 };
      })
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
  canvas.setAttribute("data-drawn", "true");
})();
