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
