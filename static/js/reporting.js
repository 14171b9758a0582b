// Draws every chart of the page from the JSON it embeds next to it (see
// templates/reporting/includes/chart_with_table.html). The figures are also in the table under each chart.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") {
    return;
  }
  // No mode bar: its buttons would be focusable inside an element that reads as one image.
  const config = {responsive: true, displaylogo: false, displayModeBar: false, locale: document.documentElement.lang};
  document.querySelectorAll("[data-plotly-figure]").forEach((element) => {
    const source = document.getElementById(element.dataset.plotlyFigure);
    if (!source) {
      return;
    }
    const figure = JSON.parse(source.textContent);
    if (figure.data && figure.data.length) {
      Plotly.newPlot(element, figure.data, figure.layout, config);
    }
  });
})();
