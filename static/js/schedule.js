// Draws a plan's schedule from the JSON the page embeds (templates/actions/plan_schedule.html); the same
// data is in the table under the chart. Loaded with `defer` after plotly (templates/includes/
// plotly_script.html): it runs once plotly is there.
(function () {
  "use strict";
  const source = document.getElementById("schedule-data");
  const element = document.getElementById("schedule-chart");
  if (typeof Plotly === "undefined" || !source || !element) {
    return;
  }
  const figure = JSON.parse(source.textContent);
  // On a phone the actions' titles would leave no room for the bars: the chart shows the bars only
  // (the table under it names every action).
  if (element.clientWidth < 576) {
    figure.layout.margin = Object.assign({}, figure.layout.margin, {l: 12});
    figure.layout.yaxis = Object.assign({}, figure.layout.yaxis, {showticklabels: false, automargin: false});
  }
  Plotly.newPlot(element, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    locale: document.documentElement.lang,
  });
})();
