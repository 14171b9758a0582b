// Draws every chart of the page from the JSON it embeds next to it (see
// templates/reporting/includes/chart_with_table.html). The figures are also in the table under each chart.
// Loaded with `defer` after plotly (templates/includes/plotly_script.html): it runs once plotly is there.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") {
    // plotly did not load (refused, offline copy without it): no chart, so each table of figures unfolds
    // in its place.
    document.querySelectorAll("[data-plotly-figure]").forEach((element) => {
      const details = element.closest("figure").querySelector("details");
      if (details) {
        details.open = true;
      }
    });
    return;
  }
  // No mode bar: its buttons would be focusable inside an element that reads as one image.
  const config = {responsive: true, displaylogo: false, displayModeBar: false, locale: document.documentElement.lang};
  // Values in full, French style ("2 000 000", not "2M"), on the axis that carries them, unless the
  // figure chose a format itself or the axis holds dates.
  function frenchValueAxes(figure) {
    const layout = figure.layout || (figure.layout = {});
    (figure.data || []).forEach((trace) => {
      const letter = trace.orientation === "h" ? "x" : "y";
      const ref = (trace[letter + "axis"] || letter).replace(/^([xy])(\d*)$/, "$1axis$2");
      const axis = layout[ref] || (layout[ref] = {});
      if (axis.type !== "date" && axis.type !== "category" && axis.tickformat === undefined) {
        axis.tickformat = ",~r";
      }
    });
  }
  document.querySelectorAll("[data-plotly-figure]").forEach((element) => {
    const source = document.getElementById(element.dataset.plotlyFigure);
    if (!source) {
      return;
    }
    const figure = JSON.parse(source.textContent);
    frenchValueAxes(figure);
    if (figure.data && figure.data.length) {
      Plotly.newPlot(element, figure.data, figure.layout, config);
    }
  });
})();
