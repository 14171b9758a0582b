// Draws a plan's schedule from the JSON the page embeds (templates/actions/plan_schedule.html); the same
// data is in the table under the chart.
(function () {
  "use strict";
  const source = document.getElementById("schedule-data");
  const element = document.getElementById("schedule-chart");
  if (typeof Plotly === "undefined" || !source || !element) {
    return;
  }
  const figure = JSON.parse(source.textContent);
  Plotly.newPlot(element, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    locale: document.documentElement.lang,
  });
})();
